//! `kusto-uri`'s output.

use super::pretty;
use crate::domain::error::Result;
use crate::domain::neutral;
use crate::domain::secret::Secret;
use serde_json::json;

crate::domain::choices::choices! {
    /// Output of `kusto-uri`.
    pub enum KustoOutput {
        Uri = "uri": "The URI",
        Kql = "kql": "A KQL obfuscated string literal, h'…', to paste into `.ingest`",
        Json = "json": "JSON with the URI and how it authenticates",
        GithubActions = "github-actions": "GitHub Actions: masks a SAS URI, writes kusto_uri to GITHUB_OUTPUT (or GITHUB_ENV)",
        AzurePipelines = "azure-pipelines": "Azure Pipelines: ##vso[task.setvariable] lines, a SAS URI as a secret",
    }
}

/// A URI for Kusto and how it authenticates.
pub struct KustoUri {
    /// A secret when it carries a SAS.
    pub uri: Secret,
    /// `sas` or `managed_identity`.
    pub auth: &'static str,
    pub managed_identity: Option<String>,
    /// The SAS's expiry, if it carries one.
    pub expiry: Option<String>,
}

/// What `kusto-uri` hands to CI: the URI (a secret when it carries a SAS) and its expiry.
pub fn ci_values(uri: &KustoUri) -> Vec<super::ci::Value<'_>> {
    let mut values = vec![super::ci::Value {
        output: "kusto_uri",
        variable: "KUSTO_URI",
        value: uri.uri.expose(),
        secret: uri.auth == "sas",
    }];
    if let Some(expiry) = &uri.expiry {
        values.push(super::ci::Value {
            output: "expiry",
            variable: "SAS_EXPIRY",
            value: expiry,
            secret: false,
        });
    }
    values
}

pub fn render(uri: &KustoUri, format: KustoOutput) -> Result<String> {
    Ok(match format {
        KustoOutput::GithubActions => super::ci::github_masks(&ci_values(uri)),
        KustoOutput::AzurePipelines => super::ci::azure_pipelines(&ci_values(uri)),
        KustoOutput::Uri => neutral::text(format!("{}\n", uri.uri.expose())),
        // h'…' keeps the URI out of Kusto's logs; percent-encoding leaves no quote in it.
        KustoOutput::Kql => neutral::text(format!("h'{}'\n", uri.uri.expose())),
        KustoOutput::Json => pretty::json(&json!({
            "uri": uri.uri.expose(),
            "auth": uri.auth,
            "managed_identity": uri.managed_identity,
            "expiry": uri.expiry,
        }))?,
    })
}
