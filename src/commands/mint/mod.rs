//! `sasmint mint`: one token, or many (batch mode, in [`batch`]).

mod batch;
mod request;

pub use request::MintRequest;

use crate::domain::error::Result;
use crate::domain::{lifetime, redact};
use crate::io::outfile::{self, emit};
use crate::pipeline;
use crate::render::mint::render;
use time::OffsetDateTime;

pub fn run(request: MintRequest, quiet: bool) -> Result<()> {
    redact::register_env();
    let now = lifetime::truncate(OffsetDateTime::now_utc());
    if request.from_file.is_none() && request.urls.len() == 1 {
        let plan = pipeline::plan(&request.urls[0], &request.token, now)?;
        outfile::check(request.output_file.as_deref(), request.force)?;
        let key = request.token.delegation_key.as_deref();
        let minted = pipeline::mint(plan, key, now, None, quiet)?;
        return emit(
            &render(&minted, request.output),
            request.output_file.as_deref(),
            request.force,
        );
    }
    batch::run(&request, now, quiet)
}
