//! What each command family prints, in each `--output` format: pure functions from domain and
//! client values to text. The output enums live here too (`cli/` offers them as values).

pub mod ard;
pub mod ci;
pub mod geocatalog;
pub mod inspect;
pub mod kusto;
pub mod mint;
pub mod pretty;
pub mod revoke_keys;
