//! Microsoft Planetary Computer Pro (GeoCatalog) ingestion sources: the client
//! ([`client`]) and the API's typed models ([`models`]).

mod client;
mod models;

pub use client::{usable, Action, ApiVersion, Connection, GeoCatalog, READS_AT_ONCE, SCOPE};
pub use models::{IngestionSource, ManagedIdentity, SourceSummary, SourceView};
