//! sasmint: mint least-privilege Azure Blob Storage SAS tokens.
//!
//! The layers, each importing only the ones below it (ARCHITECTURE.md):
//! `cli` → `commands` → `pipeline` → `render`, `io`, `clients` → `domain`.

mod cli;
mod clients;
mod commands;
mod domain;
mod io;
mod logging;
mod pipeline;
mod render;

use std::process::ExitCode;

fn main() -> ExitCode {
    logging::install_panic_hook();
    let cli = match cli::parse() {
        cli::Parsed::Run(cli) => cli,
        cli::Parsed::Print(printed) => printed.exit(),
        cli::Parsed::Usage(failure) => {
            io::terminal::report(&failure);
            return failure.exit_code();
        }
    };
    logging::init(cli.verbose, cli.quiet);
    match cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            io::terminal::report(&failure);
            failure.exit_code()
        }
    }
}
