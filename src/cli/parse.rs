//! Parsing the command line: what it comes to (a command to run, text clap prints, or a usage
//! error in sasmint's form), so that nothing above `cli/` needs to know clap.

use super::args::{Cli, Command};
use super::lazy;
use crate::domain::error::Failure;
use clap::error::ErrorKind;
use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches, Subcommand};

/// What the command line comes to.
pub enum Parsed {
    /// A command to run.
    Run(Cli),
    /// Help or version (or the help for a bare `sasmint`), printed as clap prints it.
    Print(Printed),
    /// clap's usage error (unknown flag, bad value, conflict) in sasmint's form: exit 2.
    Usage(Failure),
}

/// Text clap prints instead of running a command.
pub struct Printed(clap::Error);

impl Printed {
    /// Prints the text as clap does (help and version on stdout, exit 0; the help for a bare
    /// `sasmint` on stderr, exit 2) and ends the process.
    pub fn exit(&self) -> ! {
        self.0.exit()
    }
}

/// Parses the command line of this process, after unsetting the empty environment variables
/// sasmint reads ([`environment`](super::environment)).
pub fn parse() -> Parsed {
    super::environment::unset_empty();
    match try_parse() {
        Ok(cli) => Parsed::Run(cli),
        // Help and version (and help for a bare `sasmint`) as clap prints them.
        Err(e)
            if !e.use_stderr()
                || e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand =>
        {
            Parsed::Print(Printed(e))
        }
        Err(e) => Parsed::Usage(usage_failure(&e.render().to_string())),
    }
}

/// Parses the command line (as `Cli::try_parse` does), noting where `--account` came from.
fn try_parse() -> Result<Cli, clap::Error> {
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

/// clap's own usage error (unknown flag, bad value, conflict), rendered as plain text, in
/// sasmint's form: one line saying what is wrong, and a hint (clap's tip, else where the help is).
fn usage_failure(rendered: &str) -> Failure {
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
    use clap::Parser;

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
