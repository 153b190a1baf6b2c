//! The command line: clap types only.

use crate::credentials::Auth;
use crate::geocatalog::ApiVersion;
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
  sasmint key https://myacct.blob.core.windows.net --output-file key.json
  sasmint mint https://myacct.blob.core.windows.net/imagery --delegation-key key.json

  # Many tokens, one key per account, JSON lines in input order
  sasmint mint --from-file containers.txt --output json";

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
    /// Register a container with a GeoCatalog (Planetary Computer Pro) as an ingestion source.
    #[command(after_long_help = GEOCATALOG_EXAMPLES)]
    Geocatalog(GeocatalogArgs),
    /// Register a write-only SAS with Maxar ARD as order-delivery credentials.
    #[command(after_long_help = ARD_EXAMPLES)]
    Ard(ArdArgs),
    /// Print a blob or container URI for Azure Data Explorer (Kusto) ingestion.
    ///
    /// With --managed-identity the URI carries `;managed_identity=…` and no SAS at all;
    /// otherwise it carries a read SAS minted like `mint --for kusto`.
    #[command(name = "kusto-uri", after_long_help = KUSTO_EXAMPLES)]
    KustoUri(KustoArgs),
    /// Print a shell completion script.
    #[command(
        after_long_help = "Example:\n  sasmint completions bash > ~/.local/share/bash-completion/completions/sasmint"
    )]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): sasmint(1), or a command's own page, sasmint-COMMAND(1).
    #[command(
        after_long_help = "Examples:\n  sasmint man > ~/.local/share/man/man1/sasmint.1\n  sasmint man geocatalog register > ~/.local/share/man/man1/sasmint-geocatalog-register.1"
    )]
    Man {
        /// The command (and subcommand) whose page to print: mint, geocatalog register, …
        #[arg(value_name = "COMMAND")]
        command: Vec<String>,
    },
}

/// Options shared by commands that talk to Azure.
#[derive(Debug, Clone, Args)]
pub struct AzureArgs {
    /// How to get an Entra ID token.
    #[arg(long, value_enum, default_value_t = Auth::Auto, env = "SASMINT_AUTH", global = true)]
    pub auth: Auth,

    /// The storage account name, for a custom domain whose host does not name it.
    #[arg(long, env = "SASMINT_ACCOUNT", value_name = "NAME", global = true)]
    pub account: Option<String>,

    /// Give up on the network after this many seconds (all retries included).
    #[arg(long, default_value_t = 30, env = "SASMINT_TIMEOUT", value_name = "SECONDS",
          value_parser = clap::value_parser!(u64).range(1..=600), global = true)]
    pub timeout: u64,
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
    /// Whether any lifetime flag was given on the command line.
    pub fn any(&self) -> bool {
        self.expires_in.is_some() || self.expiry.is_some() || self.start.is_some()
    }

    /// `SASMINT_EXPIRES_IN` (`env`) applies when neither `--expires-in` nor `--expiry` is given.
    pub fn with_env_default(mut self, env: crate::credentials::Env) -> Self {
        if self.expires_in.is_none() && self.expiry.is_none() {
            self.expires_in = env("SASMINT_EXPIRES_IN").filter(|v| !v.trim().is_empty());
        }
        self
    }
}

#[derive(Debug, Clone, Args)]
pub struct MintArgs {
    /// Container URL (https://ACCOUNT.blob.core.windows.net/CONTAINER) or blob URL; several
    /// mint one token each.
    ///
    /// The emulator's path-style form https://127.0.0.1:10000/devstoreaccount1/CONTAINER works
    /// too. A URL naming a blob mints a blob SAS (sr=b).
    #[arg(value_name = "URL", required_unless_present = "from_file")]
    pub urls: Vec<String>,

    /// Read URLs from a file (or - for stdin), one per line; blank lines and # comments skipped.
    ///
    /// One delegation key is fetched per storage account for the whole run. Results come out
    /// in input order, one per input: a line each for token/url (an empty line for an input
    /// that failed), JSON lines for json. Failures are reported on stderr with their line
    /// number and do not stop the others unless --fail-fast.
    #[arg(long, value_name = "FILE|-", conflicts_with = "urls")]
    pub from_file: Option<PathBuf>,

    /// With several inputs: stop at the first failure and print nothing.
    #[arg(long)]
    pub fail_fast: bool,

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

    /// Write the result to this file instead of stdout: created with mode 0600, atomically.
    #[arg(long, value_name = "PATH")]
    pub output_file: Option<PathBuf>,

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

    /// Write the key to this file instead of stdout: created with mode 0600, atomically.
    #[arg(long, value_name = "PATH")]
    pub output_file: Option<PathBuf>,

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

const GEOCATALOG_EXAMPLES: &str = "\
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

const ARD_EXAMPLES: &str = "\
Examples:
  export MAXAR_ARD_USERNAME=admin@example.com MAXAR_ARD_PASSWORD=...
  # Register (or rotate) write-only credentials and print the order's output_config
  sasmint ard register https://myacct.blob.core.windows.net/deliveries --credentials-id my-deliveries
  sasmint ard list";

const KUSTO_EXAMPLES: &str = "\
Examples:
  # No SAS at all: the cluster's system identity reads the blob
  sasmint kusto-uri https://myacct.blob.core.windows.net/raw/2026/events.csv --managed-identity system
  # A SAS URI as a Kusto obfuscated string literal for .ingest
  sasmint kusto-uri https://myacct.blob.core.windows.net/raw/2026/events.csv --output kql";

/// Output of the service commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ServiceOutput {
    /// Lines for people.
    Text,
    /// JSON.
    Json,
    /// Only the minted SAS token (register only).
    Token,
}

/// Output of the `ard` commands (the SAS is registered, never printed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ArdOutput {
    /// Lines for people (`register`: the output_config snippet).
    Text,
    /// JSON.
    Json,
}

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
    #[arg(long, short, value_enum, default_value_t = ServiceOutput::Text, global = true)]
    pub output: ServiceOutput,

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
    },
    /// List the catalog's ingestion sources.
    List,
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

#[derive(Debug, Args)]
pub struct ArdArgs {
    #[command(subcommand)]
    pub action: ArdAction,

    /// The ARD API base URL.
    #[arg(long, env = "SASMINT_ARD_ENDPOINT", value_name = "URL",
          default_value = crate::ard::DEFAULT_ENDPOINT, global = true)]
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
    },
    /// List registered credentials.
    List,
    /// Show registered credentials (never the secret).
    Show {
        #[arg(value_name = "ID")]
        credentials_id: String,
    },
    /// Delete registered credentials (orders already running finish).
    Delete {
        #[arg(value_name = "ID")]
        credentials_id: String,
    },
}

/// Output of `kusto-uri`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KustoOutput {
    /// The URI.
    Uri,
    /// A KQL obfuscated string literal, h'…', to paste into `.ingest`.
    Kql,
    /// JSON with the URI and how it authenticates.
    Json,
}

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

    #[command(flatten)]
    pub azure: AzureArgs,
}

/// clap's own usage error (unknown flag, bad value, conflict), rendered as plain text, in
/// sasmint's form: one line saying what is wrong, and a hint (clap's tip, else where the help is).
pub fn usage_failure(rendered: &str) -> crate::error::Failure {
    let mut lines = rendered.lines();
    let mut message = lines
        .next()
        .unwrap_or_default()
        .trim()
        .trim_start_matches("error:")
        .trim()
        .to_owned();
    let mut tip = None;
    let mut usage = None;
    for line in lines {
        let line = line.trim();
        if let Some(t) = line.strip_prefix("tip:") {
            tip.get_or_insert_with(|| t.trim().to_owned());
        } else if let Some(u) = line.strip_prefix("Usage:") {
            usage = Some(u.trim().to_owned());
        } else if !line.is_empty() && usage.is_none() && !line.starts_with("For more information") {
            message.push(' ');
            message.push_str(line);
        }
    }
    let command: Vec<&str> = usage
        .as_deref()
        .unwrap_or("sasmint")
        .split_whitespace()
        .take_while(|w| !w.starts_with(['[', '<', '-']))
        .collect();
    let hint = tip.unwrap_or_else(|| format!("see '{} --help'", command.join(" ")));
    crate::error::Failure::usage(message).hint(hint)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn usage_error(args: &[&str]) -> crate::error::Failure {
        let e = Cli::try_parse_from(args).unwrap_err();
        usage_failure(&e.render().to_string())
    }

    #[test]
    fn clap_errors_become_one_line_and_a_hint() {
        let f = usage_error(&["sasmint", "mint", "u", "--for", "nobody"]);
        assert!(
            f.message
                .starts_with("invalid value 'nobody' for '--for <PRESET>'"),
            "{}",
            f.message
        );
        assert!(f.message.contains("possible values"), "{}", f.message);
        assert!(!f.message.contains('\n'));

        let f = usage_error(&["sasmint", "mint", "u", "--for", "ingest", "-p", "r"]);
        assert!(f.message.contains("cannot be used with"), "{}", f.message);
        assert_eq!(f.hint.as_deref(), Some("see 'sasmint mint --help'"));

        let f = usage_error(&["sasmint", "mint"]);
        assert!(
            f.message
                .contains("required arguments were not provided: <URL>"),
            "{}",
            f.message
        );

        let f = usage_error(&["sasmint", "mint", "u", "--nope"]);
        assert!(
            f.message.contains("unexpected argument '--nope'"),
            "{}",
            f.message
        );
        assert!(f.hint.is_some());
        assert_eq!(f.kind, crate::error::Kind::Usage);
    }

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
