//! `inspect`.

use crate::commands::inspect::InspectRequest;
use crate::render::inspect::InspectOutput;
use clap::Args;

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// A SAS query string, or a URL that carries one; - reads it from stdin.
    #[arg(value_name = "TOKEN_OR_URL")]
    pub token: String,

    /// What to print.
    #[arg(long, short, value_enum, default_value_t = InspectOutput::Text)]
    pub output: InspectOutput,
}

impl InspectArgs {
    pub(super) fn request(&self) -> InspectRequest {
        InspectRequest {
            token: self.token.clone(),
            output: self.output,
        }
    }
}
