//! `geocatalog` and its verbs.

use super::common::AzureArgs;
use crate::clients::geocatalog::ApiVersion;
use crate::commands::geocatalog::register::RegisterOptions;
use crate::commands::geocatalog::{Action, GeocatalogRequest};
use crate::render::geocatalog::GeoOutput;
use clap::{Args, Subcommand};

pub(super) const GEOCATALOG_EXAMPLES: &str = "\
Examples:
  export SASMINT_GEOCATALOG=https://mycat.abc123.uksouth.geocatalog.spatio.azure.com
  # Create the ingestion source, or rotate its token in place if the container has one
  sasmint geocatalog register https://myacct.blob.core.windows.net/imagery
  # Rotate from cron every 3 days (tokens live 7 days by default)
  0 3 */3 * *  sasmint -q geocatalog register https://myacct.blob.core.windows.net/imagery
  # A managed-identity source instead of a SAS
  sasmint geocatalog identities
  sasmint geocatalog register https://myacct.blob.core.windows.net/imagery --managed-identity OBJECT_ID
  sasmint geocatalog list --output json";

#[derive(Debug, Args)]
pub struct GeocatalogArgs {
    #[command(subcommand)]
    pub action: GeoAction,

    /// The GeoCatalog endpoint, https://NAME.ID.REGION.geocatalog.spatio.azure.com.
    #[arg(
        long,
        env = "SASMINT_GEOCATALOG",
        value_name = "ENDPOINT",
        global = true
    )]
    pub geocatalog: Option<String>,

    /// The ingestion-sources API version.
    #[arg(long, value_enum, default_value = "2026-04-15", global = true)]
    pub api_version: ApiVersion,

    /// What to print.
    #[arg(long, short, value_enum, default_value_t = GeoOutput::Text, global = true)]
    pub output: GeoOutput,

    #[command(flatten)]
    pub azure: AzureArgs,
}

#[derive(Debug, Subcommand)]
pub enum GeoAction {
    /// Mint a read+list SAS and register it, rotating an existing source for the container.
    ///
    /// Safe to run on a schedule: the source keeps its id and gets a fresh token.
    Register {
        /// The container URL.
        #[arg(value_name = "CONTAINER_URL")]
        url: String,
        /// How long the token lives (at most 7d).
        #[arg(long, value_name = "DURATION", default_value = "7d")]
        expires_in: String,
        /// Register a managed-identity source with this object id instead (no SAS).
        #[arg(long, value_name = "OBJECT_ID")]
        managed_identity: Option<String>,
        /// Rotate only when due: change nothing if the source's token expires later than
        /// this from now (`kept`).
        #[arg(long, value_name = "DURATION")]
        if_expiring_within: Option<String>,
        /// Before registering, use the token once per right it grants (read, list), changing
        /// no data; exit 4 and register nothing if the service refuses it.
        #[arg(long, conflicts_with = "managed_identity")]
        verify: bool,
        /// With --output github-actions: write to GITHUB_ENV (SAS_TOKEN …) instead of step
        /// outputs in GITHUB_OUTPUT (sas_token …).
        #[arg(long)]
        github_env: bool,
    },
    /// List the catalog's ingestion sources.
    List,
    /// Every source with its token's expiry: ok, expiring or expired (exit 8 if any needs
    /// attention).
    Status {
        /// Mark a token that expires within this as expiring.
        #[arg(long, value_name = "DURATION", default_value = "2d")]
        expiring_within: String,
    },
    /// Show one ingestion source.
    Show {
        #[arg(value_name = "ID")]
        id: String,
    },
    /// Delete an ingestion source.
    Delete {
        #[arg(value_name = "ID")]
        id: String,
    },
    /// List the managed identities the catalog can use for sources.
    Identities,
}

impl GeocatalogArgs {
    pub(super) fn request(self) -> GeocatalogRequest {
        let action = match self.action {
            GeoAction::Register {
                url,
                expires_in,
                managed_identity,
                if_expiring_within,
                verify,
                github_env,
            } => Action::Register(RegisterOptions {
                url,
                expires_in,
                managed_identity,
                if_expiring_within,
                verify,
                github_env,
            }),
            GeoAction::List => Action::List,
            GeoAction::Status { expiring_within } => Action::Status { expiring_within },
            GeoAction::Show { id } => Action::Show { id },
            GeoAction::Delete { id } => Action::Delete { id },
            GeoAction::Identities => Action::Identities,
        };
        GeocatalogRequest {
            endpoint: self.geocatalog,
            api_version: self.api_version,
            output: self.output,
            azure: self.azure.options(),
            action,
        }
    }
}
