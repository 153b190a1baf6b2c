//! `sasmint mint`: one token, or many (batch mode, in [`batch`]).

mod batch;
mod request;

pub use request::MintRequest;

use super::ci::write_github;
use crate::domain::error::{Failure, Result};
use crate::domain::lifetime;
use crate::io::outfile::{self, emit};
use crate::io::secrets_env;
use crate::pipeline;
use crate::render::ci;
use crate::render::mint::{render, MintOutput};
use std::path::PathBuf;
use time::OffsetDateTime;

pub fn run(mut request: MintRequest, quiet: bool) -> Result<()> {
    secrets_env::register_env();
    // `--correlation-id auto`: one fresh id for the whole run, every token of a batch alike.
    if request.token.correlation_id.as_deref().map(str::trim) == Some("auto") {
        request.token.correlation_id = Some(uuid::Uuid::new_v4().to_string());
    }
    let now = lifetime::truncate(OffsetDateTime::now_utc());
    let ci_file = ci_file(&request)?;
    if request.from_file.is_none() && request.urls.len() == 1 {
        let plan = pipeline::plan(&request.urls[0], &request.token, now)?;
        outfile::check(request.output_file.as_deref(), request.force)?;
        let key = request.token.delegation_key.as_deref();
        let minted = pipeline::mint(plan, key, now, None, quiet)?;
        // The masks first: nothing later in the job may print the token unmasked.
        emit(
            &render(&minted, request.output),
            request.output_file.as_deref(),
            request.force,
        )?;
        if let Some(path) = ci_file {
            write_github(&path, &ci::mint_values(&minted), request.github_env)?;
        }
        return Ok(());
    }
    batch::run(&request, now, quiet)
}

/// For `--output github-actions`, the runner's file the values go to; checked before anything
/// is sent, with the CI formats' other rules.
fn ci_file(request: &MintRequest) -> Result<Option<PathBuf>> {
    let ci = matches!(
        request.output,
        MintOutput::GithubActions | MintOutput::AzurePipelines
    );
    if ci && request.output_file.is_some() {
        return Err(Failure::usage(format!(
            "--output {} writes for the CI runner; --output-file does not apply",
            request.output.name()
        ))
        .hint("drop --output-file"));
    }
    super::ci::github_file(
        request.output == MintOutput::GithubActions,
        request.github_env,
    )
}
