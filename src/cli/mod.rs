//! The command line: the clap types, and for each command one conversion from its parsed
//! arguments to the domain request its command runs (in the manner of ripgrep's low-level
//! flags turned into a high-level configuration). Only this layer knows clap.

mod ard;
mod args;
mod common;
mod docs;
mod environment;
mod geocatalog;
mod inspect;
mod kusto;
mod lazy;
mod mint;
mod parse;
mod revoke_keys;
mod values;

pub use self::args::Cli;
pub use self::parse::{parse, Parsed};

use crate::commands;
use crate::domain::error::Result;
use args::Command;
use clap::CommandFactory;
use lazy::Lazy;

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
