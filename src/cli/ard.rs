//! `ard` and its verbs.

use super::common::AzureArgs;
use crate::commands::ard::register::RegisterOptions;
use crate::commands::ard::{Action, ArdRequest};
use crate::render::ard::ArdOutput;
use clap::{Args, Subcommand};

pub(super) const ARD_EXAMPLES: &str = "\
Examples:
  export MAXAR_ARD_USERNAME=admin@example.com MAXAR_ARD_PASSWORD=...
  # Register (or rotate) write-only credentials and print the order's output_config
  sasmint ard register https://myacct.blob.core.windows.net/deliveries --credentials-id my-deliveries
  sasmint ard list";

#[derive(Debug, Args)]
pub struct ArdArgs {
    #[command(subcommand)]
    pub action: ArdAction,

    /// The ARD API base URL.
    #[arg(long, env = "SASMINT_ARD_ENDPOINT", value_name = "URL",
          default_value = crate::clients::ard::DEFAULT_ENDPOINT, global = true)]
    pub ard_endpoint: String,

    /// The ARD account id [default: the signed-in user's, from /auth/self].
    #[arg(long, env = "MAXAR_ARD_ACCOUNT_ID", value_name = "ID", global = true)]
    pub account_id: Option<String>,

    /// What to print.
    #[arg(long, short, value_enum, default_value_t = ArdOutput::Text, global = true)]
    pub output: ArdOutput,

    #[command(flatten)]
    pub azure: AzureArgs,
}

#[derive(Debug, Subcommand)]
pub enum ArdAction {
    /// Mint a write-only SAS and register its URL under a credentials id (again = rotate).
    Register {
        /// The container URL.
        #[arg(value_name = "CONTAINER_URL")]
        url: String,
        /// The credentials id: letters, digits, '_' and '-'.
        #[arg(long, value_name = "ID")]
        credentials_id: String,
        /// A description stored with the credentials.
        #[arg(long, value_name = "TEXT")]
        description: Option<String>,
        /// The blob prefix orders deliver under (printed in output_config).
        #[arg(long, value_name = "PATH", default_value = "")]
        prefix: String,
        /// How long the token lives (at most 7d).
        #[arg(long, value_name = "DURATION", default_value = "7d")]
        expires_in: String,
        /// Before registering, use the token once for its write right (a conditional Put Blob
        /// that cannot match), changing no data; exit 4 and register nothing if refused.
        #[arg(long)]
        verify: bool,
    },
    /// List registered credentials (stored SAS signatures masked).
    List {
        /// With --output json: print each stored SAS URL as stored, signature included (a
        /// secret).
        #[arg(long)]
        reveal: bool,
    },
    /// Show registered credentials (the stored SAS signature masked).
    Show {
        #[arg(value_name = "ID")]
        credentials_id: String,
        /// Print the stored SAS URL as stored, signature included (a secret).
        #[arg(long)]
        reveal: bool,
    },
    /// Delete registered credentials (orders already running finish).
    Delete {
        #[arg(value_name = "ID")]
        credentials_id: String,
    },
}

impl ArdArgs {
    pub(super) fn request(self) -> ArdRequest {
        let action = match self.action {
            ArdAction::Register {
                url,
                credentials_id,
                description,
                prefix,
                expires_in,
                verify,
            } => Action::Register(RegisterOptions {
                url,
                credentials_id,
                description,
                prefix,
                expires_in,
                verify,
            }),
            ArdAction::List { reveal } => Action::List { reveal },
            ArdAction::Show {
                credentials_id,
                reveal,
            } => Action::Show {
                credentials_id,
                reveal,
            },
            ArdAction::Delete { credentials_id } => Action::Delete { credentials_id },
        };
        ArdRequest {
            endpoint: self.ard_endpoint,
            account_id: self.account_id,
            output: self.output,
            azure: self.azure.options(),
            action,
        }
    }
}
