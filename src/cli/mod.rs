//! The command line: the clap types, and for each command one conversion from its parsed
//! arguments to the domain request its command runs (in the manner of ripgrep's low-level
//! flags turned into a high-level configuration). Only this layer knows clap.

mod ard;
mod common;
mod docs;
mod geocatalog;
mod inspect;
mod kusto;
mod lazy;
mod mint;
mod revoke_keys;
mod values;

use crate::commands;
use crate::domain::error::{Failure, Result};
use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, Subcommand};
use lazy::Lazy;

pub use self::ard::ArdArgs;
pub use self::geocatalog::GeocatalogArgs;
pub use self::inspect::InspectArgs;
pub use self::kusto::KustoArgs;
pub use self::mint::{KeyArgs, MintArgs};
pub use self::revoke_keys::RevokeKeysArgs;

const AFTER_HELP: &str = "\
Exit codes: 0 ok, 1 internal error, 2 bad input, 3 no credential, 4 access denied,
5 service error, 6 network error or timeout, 7 TLS certificate not trusted,
8 attention needed (geocatalog status: a token expiring or expired).";

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
    #[command(after_long_help = mint::MINT_EXAMPLES)]
    Mint(Lazy<Box<MintArgs>>),
    /// Fetch a user delegation key and print it as JSON (a secret: store it like a password).
    ///
    /// The JSON has the fields signedOid, signedTid, signedStart, signedExpiry, signedService,
    /// signedVersion and value, and is what `mint --delegation-key` reads.
    #[command(
        after_long_help = "Example:\n  sasmint key https://myacct.blob.core.windows.net --expires-in 1d > key.json"
    )]
    Key(Lazy<KeyArgs>),
    /// Decode a SAS token or URL: what it grants, to what, until when, and its risks.
    ///
    /// The signature is never printed. Pass `-` to read the token from stdin, which keeps it
    /// out of the shell history and the process list.
    #[command(
        after_long_help = "Examples:\n  sasmint inspect 'https://myacct.blob.core.windows.net/c?sv=...&sig=...'\n  pbpaste | sasmint inspect - --output json"
    )]
    Inspect(Lazy<InspectArgs>),
    /// Register a container with a GeoCatalog (Planetary Computer Pro) as an ingestion source.
    #[command(after_long_help = geocatalog::GEOCATALOG_EXAMPLES)]
    Geocatalog(Lazy<GeocatalogArgs>),
    /// Register a write-only SAS with Maxar ARD as order-delivery credentials.
    #[command(after_long_help = ard::ARD_EXAMPLES)]
    Ard(Lazy<ArdArgs>),
    /// Print a blob or container URI for Azure Data Explorer (Kusto) ingestion.
    ///
    /// With --managed-identity the URI carries `;managed_identity=…` and no SAS at all;
    /// otherwise it carries a read SAS minted like `mint --for kusto`.
    #[command(name = "kusto-uri", after_long_help = kusto::KUSTO_EXAMPLES)]
    KustoUri(Lazy<KustoArgs>),
    /// Incident response: revoke every user delegation key of a storage account.
    ///
    /// Asks Azure Resource Manager (revokeUserDelegationKeys) to revoke them, which breaks every
    /// user delegation SAS signed for the account: sasmint's and anyone else's. Needs
    /// Storage Account Contributor (or a role with the revoke action) on the account.
    #[command(name = "revoke-keys", after_long_help = revoke_keys::REVOKE_EXAMPLES)]
    RevokeKeys(Lazy<RevokeKeysArgs>),
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

/// Parses the command line (as `Cli::try_parse` does), noting where `--account` came from.
pub fn parse() -> std::result::Result<Cli, clap::Error> {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // Only the command that runs gets its arguments built (see `lazy`).
    let command = lazy::named_command(&args, Command::has_subcommand);
    let mut matches = lazy::only(command, Cli::command).try_get_matches_from(args)?;
    // Before the values are taken out of `matches`.
    let from_env = account_from_env(&matches);
    let mut cli =
        Cli::from_arg_matches_mut(&mut matches).map_err(|e| e.format(&mut Cli::command()))?;
    if from_env {
        if let Some(azure) = cli.command.azure_mut() {
            azure.account_from_env = true;
        }
    }
    Ok(cli)
}

/// Whether the `account` option's value came from `SASMINT_ACCOUNT`. The option belongs to the
/// commands (not to `sasmint` itself), so the search starts at the command's level.
fn account_from_env(matches: &ArgMatches) -> bool {
    let mut level = matches.subcommand().map(|(_, sub)| sub);
    while let Some(here) = level {
        if here.ids().any(|id| id == "account")
            && here.value_source("account") == Some(ValueSource::EnvVariable)
        {
            return true;
        }
        level = here.subcommand().map(|(_, sub)| sub);
    }
    false
}

impl Command {
    /// The Azure options of a command that talks to Azure.
    fn azure_mut(&mut self) -> Option<&mut common::AzureArgs> {
        match self {
            Command::Mint(a) => Some(&mut a.azure),
            Command::Key(a) => Some(&mut a.azure),
            Command::Geocatalog(a) => Some(&mut a.azure),
            Command::Ard(a) => Some(&mut a.azure),
            Command::KustoUri(a) => Some(&mut a.azure),
            Command::RevokeKeys(a) => Some(&mut a.azure),
            Command::Inspect(_) | Command::Completions { .. } | Command::Man { .. } => None,
        }
    }
}

/// Runs the parsed command line: each command's arguments become its domain request.
pub fn run(cli: Cli) -> Result<()> {
    let quiet = cli.quiet;
    match cli.command {
        Command::Mint(Lazy(args)) => commands::mint::run(args.request(), quiet),
        Command::Key(Lazy(args)) => commands::key::run(args.request(), quiet),
        Command::Inspect(Lazy(args)) => commands::inspect::run(&args.request()),
        Command::Geocatalog(Lazy(args)) => commands::geocatalog::run(args.request(), quiet),
        Command::Ard(Lazy(args)) => commands::ard::run(args.request(), quiet),
        Command::KustoUri(Lazy(args)) => commands::kusto::run(args.request(), quiet),
        Command::RevokeKeys(Lazy(args)) => commands::revoke_keys::run(args.request(), quiet),
        Command::Completions { shell } => docs::completions(shell, Cli::command()),
        Command::Man { command } => docs::man(Cli::command(), &command),
    }
}

/// clap's own usage error (unknown flag, bad value, conflict), rendered as plain text, in
/// sasmint's form: one line saying what is wrong, and a hint (clap's tip, else where the help is).
pub fn usage_failure(rendered: &str) -> Failure {
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
    Failure::usage(message).hint(hint)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn usage_error(args: &[&str]) -> crate::domain::error::Failure {
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
        assert_eq!(f.kind, crate::domain::error::Kind::Usage);
    }

    /// What a command line comes to: the parsed `Cli`, or clap's error (help and version
    /// included) as it would print it.
    fn outcome(command: clap::Command, args: &[std::ffi::OsString]) -> String {
        match command
            .try_get_matches_from(args)
            .and_then(|mut m| Cli::from_arg_matches_mut(&mut m))
        {
            Ok(cli) => format!("{cli:?}"),
            Err(e) => format!("{:?}: {}", e.kind(), e.render()),
        }
    }

    #[test]
    fn the_tree_built_for_one_command_parses_as_the_whole_tree() {
        let url = "https://a.blob.core.windows.net/c";
        let cases: &[&[&str]] = &[
            &["mint", url],
            &[
                "mint",
                url,
                "--for",
                "upload",
                "--expires-in",
                "1d",
                "-o",
                "json",
            ],
            &[
                "-v",
                "mint",
                url,
                "--auth",
                "managed-identity",
                "--timeout",
                "5",
            ],
            &["-vvq", "mint", url],
            &[
                "--quiet",
                "mint",
                url,
                "--delegation-key",
                "k.json",
                "--verify",
            ],
            &[
                "mint",
                url,
                "-p",
                "rl",
                "--ip",
                "1.2.3.4",
                "--account",
                "a",
                "-q",
            ],
            &["mint", "--from-file", "-", "--fail-fast"],
            &["mint", url, "--for", "nobody"],
            &["mint", url, "--for", "ingest", "-p", "r"],
            &["mint", url, "--timeout", "0"],
            &["mint", url, "--verbos"],
            &["mint", url, "--force"],
            &["mint"],
            &["mint", "-h"],
            &["mint", "--help"],
            &["-v", "mint", "--help"],
            &["mint", "-V"],
            &["key", url, "--expires-in", "2h"],
            &["key", url, "--output-file"],
            &["inspect", "-", "--output", "json"],
            &["geocatalog", "register", url, "--geocatalog", "https://g"],
            &["geocatalog", "status", "--output", "json"],
            &["geocatalog", "--help"],
            &["geocatalog"],
            &["geocatalog", "nope"],
            &["geocatalog", "help", "register"],
            &["ard", "register", url],
            &["ard", "list", "-o", "json"],
            &["kusto-uri", url, "--managed-identity", "system"],
            &["revoke-keys", "--help"],
            &["completions", "bash"],
            &["man", "geocatalog", "register"],
            &[],
            &["--help"],
            &["help", "mint"],
            &["mnt", url],
            &["--", "mint", url],
            &["-x", "mint", url],
        ];
        for case in cases {
            let args: Vec<std::ffi::OsString> = std::iter::once("sasmint")
                .chain(case.iter().copied())
                .map(Into::into)
                .collect();
            let named = lazy::named_command(&args, Command::has_subcommand);
            let whole = outcome(Cli::command(), &args);
            let built = outcome(lazy::only(named, Cli::command), &args);
            assert_eq!(whole, built, "sasmint {}", case.join(" "));
        }
    }

    #[test]
    fn only_a_plainly_named_command_is_built_alone() {
        let named = |args: &[&str]| {
            let args: Vec<std::ffi::OsString> = args.iter().map(Into::into).collect();
            lazy::named_command(&args, Command::has_subcommand).map(str::to_owned)
        };
        assert_eq!(named(&["sasmint", "mint", "u"]).as_deref(), Some("mint"));
        assert_eq!(
            named(&["sasmint", "-vq", "--verbose", "--quiet", "kusto-uri"]).as_deref(),
            Some("kusto-uri")
        );
        assert_eq!(
            named(&["sasmint", "geocatalog", "register"]).as_deref(),
            Some("geocatalog")
        );
        for whole in [
            &["sasmint"][..],
            &["sasmint", "help", "mint"],
            &["sasmint", "-h", "mint"],
            &["sasmint", "-V"],
            &["sasmint", "--", "mint"],
            &["sasmint", "-", "mint"],
            &["sasmint", "-x", "mint"],
            &["sasmint", "--verbose=1", "mint"],
            &["sasmint", "mnt"],
            &["sasmint", "Mint"],
        ] {
            assert_eq!(named(whole), None, "{whole:?}");
        }
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
