//! `sasmint inspect`: decode a SAS token or URL; no network.

use crate::domain::error::{Failure, Result};
use crate::domain::inspect;
use crate::io::input::{self, read_source};
use crate::io::terminal::stdout;
use crate::render::inspect::{render, InspectOutput};
use time::OffsetDateTime;

#[derive(Debug)]
pub struct InspectRequest {
    /// The token or URL, or `-` for stdin.
    pub token: String,
    pub output: InspectOutput,
}

pub fn run(request: &InspectRequest) -> Result<()> {
    let input = if request.token == "-" {
        read_source(std::path::Path::new("-"), "the token", input::TOKEN_LIMIT)?.0
    } else if request.token.len() as u64 > input::TOKEN_LIMIT {
        return Err(Failure::usage("the token is larger than 64 KiB").hint("pass one token or URL"));
    } else {
        request.token.clone()
    };
    let now = OffsetDateTime::now_utc();
    let inspection = inspect::inspect(input.trim(), now).map_err(|e| {
        Failure::usage(e.to_string())
            .hint("pass a SAS query string (sv=...&sig=...) or a URL that carries one")
    })?;
    stdout(&render(&inspection, request.output)?)
}
