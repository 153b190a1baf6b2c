//! sasmint: mint least-privilege Azure Blob Storage SAS tokens.

mod app;
mod ard;
mod batch;
mod cli;
mod credentials;
mod deliver;
mod error;
mod geocatalog;
mod inspect;
mod keyfile;
mod lifetime;
mod logging;
mod output;
mod permissions;
#[cfg(test)]
mod proptest_config;
mod redact;
mod resource;
mod sas;
mod service;
mod storage;

use clap::error::ErrorKind;
use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        // Help and version (and help for a bare `sasmint`) as clap prints them.
        Err(e)
            if !e.use_stderr()
                || e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand =>
        {
            e.exit()
        }
        Err(e) => {
            let failure = cli::usage_failure(&e.render().to_string());
            app::report(&failure);
            return failure.exit_code();
        }
    };
    logging::init(cli.verbose, cli.quiet);
    match app::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            app::report(&failure);
            failure.exit_code()
        }
    }
}
