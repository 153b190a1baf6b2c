//! What the commands that can hand a token to CI share: finding and checking the runner's file
//! before anything is sent, and appending the values to it.

use crate::clients::credentials;
use crate::domain::error::{Failure, Result};
use crate::io::append::{append, check};
use crate::render::ci;
use std::path::PathBuf;

/// The variable that names the runner's file: `GITHUB_ENV` with `--github-env`, else
/// `GITHUB_OUTPUT`.
fn variable(github_env: bool) -> &'static str {
    if github_env {
        "GITHUB_ENV"
    } else {
        "GITHUB_OUTPUT"
    }
}

/// For GitHub Actions output, the runner's file the values go to: `GITHUB_OUTPUT`, or
/// `GITHUB_ENV` with `--github-env`. `None` for any other output. Exit 2 when the variable is
/// not set (outside a runner), when it names anything but a regular file of this user (a
/// symbolic link, a directory, a FIFO, another user's file: `io::append::check`), or when
/// `--github-env` is given without GitHub Actions output.
pub fn github_file(github_actions: bool, github_env: bool) -> Result<Option<PathBuf>> {
    if github_env && !github_actions {
        return Err(
            Failure::usage("--github-env goes with --output github-actions")
                .hint("add --output github-actions, or drop --github-env"),
        );
    }
    if !github_actions {
        return Ok(None);
    }
    let variable = variable(github_env);
    match credentials::process_env(variable) {
        Some(path) => {
            let path = PathBuf::from(path);
            check(variable, &path)?;
            Ok(Some(path))
        }
        None => Err(Failure::usage(format!(
            "--output github-actions needs {variable}, which is not set"
        ))
        .hint("run inside a GitHub Actions step, or choose another --output")),
    }
}

/// Appends `values` to the runner's file in the `NAME<<DELIMITER` form, with a random
/// delimiter that occurs in no value.
pub fn write_github(path: &std::path::Path, values: &[ci::Value<'_>], env: bool) -> Result<()> {
    let delimiter = loop {
        let candidate = format!("ghadelimiter_{}", uuid::Uuid::new_v4());
        if ci::delimiter_fits(values, &candidate) {
            break candidate;
        }
    };
    append(
        variable(env),
        path,
        &ci::github_file(values, env, &delimiter),
    )
}
