//! One module per command or command group, each `check → act → render` on a domain request
//! that `cli/` built: every input is checked before a credential is built or a request sent,
//! then the work is done through `pipeline` and `clients`, then `render` makes the output and
//! `io` writes it. Nothing here knows clap.

pub mod ard;
mod ci;
pub mod geocatalog;
pub mod inspect;
pub mod key;
pub mod kusto;
pub mod mint;
pub mod revoke_keys;
