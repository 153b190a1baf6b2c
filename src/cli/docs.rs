//! `completions` and `man`: generated from the clap definition (`Cli::command()`) itself.

use crate::domain::error::{Failure, Kind, Result};
use crate::domain::shown;
use crate::io::terminal::stdout;

pub(super) fn completions(shell: clap_complete::Shell, mut cli: clap::Command) -> Result<()> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cli, "sasmint", &mut buf);
    stdout(&String::from_utf8_lossy(&buf))
}

/// sasmint(1), or a command's own page, sasmint-COMMAND(1).
pub(super) fn man(cli: clap::Command, command: &[String]) -> Result<()> {
    // Built, so that the help subcommands the pages refer to exist too.
    let mut page = cli;
    page.build();
    let mut name = String::from("sasmint");
    let mut typed = String::from("sasmint");
    for word in command {
        let sub = page.find_subcommand(word).cloned().ok_or_else(|| {
            Failure::usage(format!("'{typed} {}' is not a command", shown::value(word)))
                .hint(format!("see '{typed} --help' for the commands"))
        })?;
        name = format!("{name}-{}", sub.get_name());
        typed = format!("{typed} {}", sub.get_name());
        // A one-shot process: leaking a short string is the simple way to give clap
        // the 'static name it wants.
        page = sub
            .name(&*Box::leak(name.clone().into_boxed_str()))
            .version(env!("CARGO_PKG_VERSION"));
    }
    let mut buf = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut buf)
        .map_err(|e| Failure::new(Kind::Internal, e.to_string()))?;
    stdout(&String::from_utf8_lossy(&buf))
}
