//! `kusto-uri`'s output.

use crate::domain::error::Result;
use serde_json::json;

crate::domain::choices! {
    /// Output of `kusto-uri`.
    pub enum KustoOutput {
        Uri = "uri": "The URI",
        Kql = "kql": "A KQL obfuscated string literal, h'…', to paste into `.ingest`",
        Json = "json": "JSON with the URI and how it authenticates",
    }
}

/// A URI for Kusto and how it authenticates.
pub struct KustoUri {
    pub uri: String,
    /// `sas` or `managed_identity`.
    pub auth: &'static str,
    pub managed_identity: Option<String>,
    /// The SAS's expiry, if it carries one.
    pub expiry: Option<String>,
}

pub fn render(uri: &KustoUri, format: KustoOutput) -> Result<String> {
    Ok(match format {
        KustoOutput::Uri => format!("{}\n", uri.uri),
        // h'…' keeps the URI out of Kusto's logs; percent-encoding leaves no quote in it.
        KustoOutput::Kql => format!("h'{}'\n", uri.uri),
        KustoOutput::Json => super::json(&json!({
            "uri": uri.uri,
            "auth": uri.auth,
            "managed_identity": uri.managed_identity,
            "expiry": uri.expiry,
        }))?,
    })
}
