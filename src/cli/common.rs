//! Options several commands share.

use crate::clients::credentials::Auth;
use crate::pipeline::{AzureOptions, LifetimeOptions};
use clap::Args;

/// Options shared by commands that talk to Azure.
#[derive(Debug, Clone, Args)]
pub struct AzureArgs {
    /// How to get an Entra ID token.
    #[arg(long, value_enum, default_value_t = Auth::Auto, env = "SASMINT_AUTH", global = true)]
    pub auth: Auth,

    /// The storage account name, for a custom domain whose host does not name it (a custom domain
    /// gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone).
    #[arg(long, env = "SASMINT_ACCOUNT", value_name = "NAME", global = true)]
    pub account: Option<String>,

    /// Give up on the network after this many seconds (all retries included).
    #[arg(long, default_value_t = 30, env = "SASMINT_TIMEOUT", value_name = "SECONDS",
          value_parser = clap::value_parser!(u64).range(1..=600), global = true)]
    pub timeout: u64,

    /// Set after parsing: `account` came from SASMINT_ACCOUNT, not the command line.
    #[arg(skip)]
    pub account_from_env: bool,
}

impl AzureArgs {
    pub(super) fn options(&self) -> AzureOptions {
        AzureOptions {
            auth: self.auth,
            account: self.account.clone(),
            account_from_env: self.account_from_env,
            timeout: self.timeout,
        }
    }
}

#[derive(Debug, Clone, Default, Args)]
pub struct LifetimeArgs {
    /// How long the token lives: 90m, 8h, 7d (at most 7d), from --start if given, else from
    /// now [env: SASMINT_EXPIRES_IN].
    // SASMINT_EXPIRES_IN is read by `with_env_default`, not by clap: clap would count it as
    // given and refuse `--expiry` on the command line as a conflict.
    #[arg(
        long,
        value_name = "DURATION",
        conflicts_with = "expiry",
        allow_hyphen_values = true
    )]
    pub expires_in: Option<String>,

    /// When the token expires, RFC 3339 (2026-05-01T12:00:00Z); at most 7 days ahead.
    #[arg(long, value_name = "TIME")]
    pub expiry: Option<String>,

    /// When the token starts, RFC 3339 [default: 15 minutes ago, against clock skew].
    #[arg(long, value_name = "TIME")]
    pub start: Option<String>,
}

impl LifetimeArgs {
    pub(super) fn options(&self) -> LifetimeOptions {
        LifetimeOptions {
            expires_in: self.expires_in.clone(),
            expiry: self.expiry.clone(),
            start: self.start.clone(),
        }
    }
}
