//! The one HTTP layer every client shares, one job per room:
//!
//! - [`client`]: the process's one HTTP client and the `azure_core` pipeline settings (bounded
//!   timeouts, retries honouring `Retry-After`, no retry of an untrusted certificate, capped
//!   bodies), and the early connection ([`warm`]);
//! - [`deadline`]: one deadline for the whole command (`--timeout`): each try bounded by it,
//!   no retry whose back-off would pass it, a `Retry-After` beyond it failing at once;
//! - [`policy`]: the policies sasmint adds ([`StaticBearer`], and failing fast on TLS trust);
//! - [`service`]: JSON REST calls to the services that consume tokens (GeoCatalog, Maxar ARD,
//!   ARM), their answers as typed models, and lists read page by page;
//! - [`error`]: a service's error answer ([`CallError`]), and transport failures classified
//!   into exit codes by the types in the error's chain;
//! - [`endpoint`]: service endpoints given on the command line;
//! - [`proxy`]: which requests go through a proxy (never those to loopback or link-local
//!   addresses; `NO_PROXY` as curl reads it);
//! - [`roots`]: the CA certificates `SSL_CERT_FILE`/`SSL_CERT_DIR` name, read with a limit.
//!
//! A service error shows its status, error code and message, with every registered secret
//! scrubbed: services echo request bodies, which carry SAS tokens.

pub mod client;
pub mod deadline;
pub mod endpoint;
pub mod error;
pub mod policy;
pub mod proxy;
pub mod roots;
pub mod service;

pub use client::{client_options, warm};
pub use deadline::Deadline;
pub use endpoint::parse_endpoint;
pub use error::{classify_transport, CallError};
pub use policy::StaticBearer;
pub use service::{collect_pages, next_link, to_json, JsonApi, Paged, Service};
