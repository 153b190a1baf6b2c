//! What the commands that can hand a token to CI share: finding the runner's file before
//! anything is sent, and appending the values to it.

use crate::clients::credentials;
use crate::domain::error::{Failure, Result};
use crate::io::append::append;
use crate::render::ci;
use std::path::PathBuf;

/// For GitHub Actions output, the runner's file the values go to: `GITHUB_OUTPUT`, or
/// `GITHUB_ENV` with `--github-env`. `None` for any other output. Exit 2 when the variable is
/// not set (outside a runner) or `--github-env` is given without GitHub Actions output.
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
    let variable = if github_env {
        "GITHUB_ENV"
    } else {
        "GITHUB_OUTPUT"
    };
    match credentials::process_env(variable) {
        Some(path) => Ok(Some(PathBuf::from(path))),
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
    append(path, &ci::github_file(values, env, &delimiter))
}
