//! The command line: clap types only.

use crate::credentials::Auth;
use crate::output::MintOutput;
use crate::permissions::Preset;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const MINT_EXAMPLES: &str = "\
Examples:
  # Read+list for 8 hours (the default), for a service that ingests from the container
  sasmint mint https://myacct.blob.core.windows.net/imagery

  # Write-only for a delivery service, for one day, as a full URL
  sasmint mint https://myacct.blob.core.windows.net/drop --for upload --expires-in 1d --output url

  # One blob, read-only, restricted to one client address
  sasmint mint https://myacct.blob.core.windows.net/reports/2026/q3.pdf --permissions r --ip 203.0.113.7

  # Offline: sign with a key saved earlier by `sasmint key`
  sasmint key https://myacct.blob.core.windows.net > key.json
  sasmint mint https://myacct.blob.core.windows.net/imagery --delegation-key key.json";

const AFTER_HELP: &str = "\
Exit codes: 0 ok, 1 internal error, 2 bad input, 3 no credential, 4 access denied,
5 service error, 6 network error or timeout, 7 TLS certificate not trusted.";

/// Mint least-privilege Azure Blob Storage SAS tokens (user delegation) in one command.
///
/// sasmint gets an Entra ID token, fetches a user delegation key for the storage account,
/// signs the narrowest SAS the job needs, and prints it. Nothing but the result goes to
/// stdout; messages go to stderr. Secrets are never logged.
#[derive(Debug, Parser)]
#[command(name = "sasmint", version, propagate_version = true, after_help = AFTER_HELP, max_term_width = 100)]
pub struct Cli {
    /// More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted).
    #[arg(short, long, action = clap::ArgAction::Count, global = true, conflicts_with = "quiet")]
    pub verbose: u8,

    /// Only errors on stderr.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Mint a SAS token for a container or blob.
    #[command(after_long_help = MINT_EXAMPLES)]
    Mint(MintArgs),
    /// Fetch a user delegation key and print it as JSON (a secret: store it like a password).
    ///
    /// The JSON has the fields signedOid, signedTid, signedStart, signedExpiry, signedService,
    /// signedVersion and value, and is what `mint --delegation-key` reads.
    #[command(
        after_long_help = "Example:\n  sasmint key https://myacct.blob.core.windows.net --expires-in 1d > key.json"
    )]
    Key(KeyArgs),
    /// Decode a SAS token or URL: what it grants, to what, until when, and its risks.
    ///
    /// The signature is never printed. Pass `-` to read the token from stdin, which keeps it
    /// out of the shell history and the process list.
    #[command(
        after_long_help = "Examples:\n  sasmint inspect 'https://myacct.blob.core.windows.net/c?sv=...&sig=...'\n  pbpaste | sasmint inspect - --output json"
    )]
    Inspect(InspectArgs),
    /// Print a shell completion script.
    #[command(
        after_long_help = "Example:\n  sasmint completions bash > ~/.local/share/bash-completion/completions/sasmint"
    )]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    #[command(after_long_help = "Example:\n  sasmint man > ~/.local/share/man/man1/sasmint.1")]
    Man,
}

/// Options shared by commands that talk to Azure.
#[derive(Debug, Args)]
pub struct AzureArgs {
    /// How to get an Entra ID token.
    #[arg(long, value_enum, default_value_t = Auth::Auto, env = "SASMINT_AUTH")]
    pub auth: Auth,

    /// The storage account name, for a custom domain whose host does not name it.
    #[arg(long, env = "SASMINT_ACCOUNT", value_name = "NAME")]
    pub account: Option<String>,

    /// Give up on the network after this many seconds (all retries included).
    #[arg(long, default_value_t = 30, env = "SASMINT_TIMEOUT", value_name = "SECONDS",
          value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: u64,
}

#[derive(Debug, Args)]
pub struct LifetimeArgs {
    /// How long the token lives: 90m, 8h, 7d (at most 7d).
    #[arg(
        long,
        value_name = "DURATION",
        conflicts_with = "expiry",
        env = "SASMINT_EXPIRES_IN"
    )]
    pub expires_in: Option<String>,

    /// When the token expires, RFC 3339 (2026-05-01T12:00:00Z); at most 7 days ahead.
    #[arg(long, value_name = "TIME")]
    pub expiry: Option<String>,

    /// When the token starts, RFC 3339 [default: 15 minutes ago, against clock skew].
    #[arg(long, value_name = "TIME")]
    pub start: Option<String>,
}

#[derive(Debug, Args)]
pub struct MintArgs {
    /// Container URL (https://ACCOUNT.blob.core.windows.net/CONTAINER) or blob URL.
    ///
    /// The emulator's path-style form https://127.0.0.1:10000/devstoreaccount1/CONTAINER works
    /// too. A URL naming a blob mints a blob SAS (sr=b).
    #[arg(value_name = "URL")]
    pub url: String,

    /// Who will use the token; sets the permissions.
    ///
    /// ingest=rl, upload=w, geocatalog=rl, kusto=rl (r for a blob), cado=w, maxar-ard=w,
    /// snowflake-load=rl, snowflake-unload=racwl, gcs-transfer=rl.
    #[arg(
        long = "for",
        value_enum,
        value_name = "PRESET",
        conflicts_with = "permissions"
    )]
    pub preset: Option<Preset>,

    /// Permission letters instead of a preset, in any order (racwdxyltmeopi).
    #[arg(long, short = 'p', value_name = "LETTERS")]
    pub permissions: Option<String>,

    #[command(flatten)]
    pub lifetime: LifetimeArgs,

    /// Only accept requests from this IPv4 address or range (a.b.c.d or a.b.c.d-e.f.g.h).
    #[arg(long, value_name = "IP|IP-IP")]
    pub ip: Option<String>,

    /// Allow plain http as well as https (spr=https,http). Default: https only.
    #[arg(long)]
    pub allow_http: bool,

    /// Encrypt blobs written with the token under this encryption scope.
    #[arg(long, value_name = "NAME")]
    pub encryption_scope: Option<String>,

    /// Sign offline with a key saved by `sasmint key` (a file, or - for stdin). No network.
    #[arg(long, value_name = "FILE|-", env = "SASMINT_DELEGATION_KEY")]
    pub delegation_key: Option<PathBuf>,

    /// What to print.
    #[arg(long, short, value_enum, default_value_t = MintOutput::Token, env = "SASMINT_OUTPUT")]
    pub output: MintOutput,

    #[command(flatten)]
    pub azure: AzureArgs,
}

#[derive(Debug, Args)]
pub struct KeyArgs {
    /// The account URL (https://ACCOUNT.blob.core.windows.net) or any container URL in it.
    #[arg(value_name = "URL")]
    pub url: String,

    /// How long the key lives: 90m, 8h, 7d (at most 7d; 7d is clamped a few minutes short).
    #[arg(
        long,
        value_name = "DURATION",
        default_value = "8h",
        env = "SASMINT_EXPIRES_IN"
    )]
    pub expires_in: String,

    #[command(flatten)]
    pub azure: AzureArgs,
}

/// The output formats of `inspect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InspectOutput {
    /// Aligned lines for people.
    Text,
    /// One JSON object with the decoded fields and `warnings`.
    Json,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// A SAS query string, or a URL that carries one; - reads it from stdin.
    #[arg(value_name = "TOKEN_OR_URL")]
    pub token: String,

    /// What to print.
    #[arg(long, short, value_enum, default_value_t = InspectOutput::Text)]
    pub output: InspectOutput,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn for_and_permissions_conflict() {
        let r = Cli::try_parse_from([
            "sasmint",
            "mint",
            "https://a.blob.core.windows.net/c",
            "--for",
            "ingest",
            "-p",
            "r",
        ]);
        assert!(r.is_err());
    }
}
