//! The pure core: what a token is and may be, with no I/O, no clock of its own and no clap.
//! Everything here is checked by unit and property tests; the layers above call into it.

pub mod choices;
pub mod encoding;
pub mod error;
pub mod ids;
pub mod inspect;
pub mod keyfile;
pub mod lifetime;
pub mod minted;
pub mod neutral;
pub mod permissions;
#[cfg(test)]
pub mod proptest_config;
#[cfg(test)]
mod proptests;
pub mod redact;
pub mod resource;
pub mod sas;
pub mod secret;
pub mod shown;
