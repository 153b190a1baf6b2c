//! Everything that talks to a service: credentials (Entra ID tokens), the shared HTTP layer,
//! and one client per service with its payloads as typed models. Clients know nothing of the
//! command line and print nothing; they return domain values or a [`Failure`].
//!
//! [`Failure`]: crate::domain::error::Failure

pub mod ard;
pub mod arm;
pub mod causes;
pub mod credentials;
pub mod field;
pub mod geocatalog;
pub mod http;
pub mod local_file;
pub mod probe;
pub mod storage;
pub mod transport;
pub mod warmup;
