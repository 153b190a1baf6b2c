//! `kusto-uri`.

use super::common::{AzureArgs, LifetimeArgs};
use crate::commands::kusto::KustoRequest;
use crate::render::kusto::KustoOutput;
use clap::Args;
use std::path::PathBuf;

pub(super) const KUSTO_EXAMPLES: &str = "\
Examples:
  # No SAS at all: the cluster's system identity reads the blob
  sasmint kusto-uri https://myacct.blob.core.windows.net/raw/2026/events.csv --managed-identity system
  # A SAS URI as a Kusto obfuscated string literal for .ingest
  sasmint kusto-uri https://myacct.blob.core.windows.net/raw/2026/events.csv --output kql";

#[derive(Debug, Args)]
pub struct KustoArgs {
    /// A blob URL (or a container URL).
    #[arg(value_name = "URL")]
    pub url: String,

    /// Use the cluster's managed identity instead of a SAS: an object id, or `system`.
    #[arg(long, value_name = "OBJECT_ID|system")]
    pub managed_identity: Option<String>,

    /// What to print.
    #[arg(long, short, value_enum, default_value_t = KustoOutput::Uri)]
    pub output: KustoOutput,

    #[command(flatten)]
    pub lifetime: LifetimeArgs,

    /// Sign offline with a key saved by `sasmint key`.
    #[arg(long, value_name = "FILE|-")]
    pub delegation_key: Option<PathBuf>,

    /// Before printing, use the SAS once per right it grants (read, and list for a container),
    /// changing no data; exit 4 if the service refuses it.
    #[arg(long)]
    pub verify: bool,

    /// With --output github-actions: write to GITHUB_ENV (KUSTO_URI …) instead of step outputs
    /// in GITHUB_OUTPUT (kusto_uri …).
    #[arg(long)]
    pub github_env: bool,

    #[command(flatten)]
    pub azure: AzureArgs,
}

impl KustoArgs {
    pub(super) fn request(self) -> KustoRequest {
        KustoRequest {
            url: self.url,
            managed_identity: self.managed_identity,
            output: self.output,
            // SASMINT_EXPIRES_IN applies only to a SAS: the command decides, after checking
            // that no lifetime was typed with --managed-identity.
            lifetime: self.lifetime.options(),
            delegation_key: self.delegation_key,
            verify: self.verify,
            github_env: self.github_env,
            azure: self.azure.options(),
        }
    }
}
