//! `inspect`'s output.

use crate::domain::error::Result;
use crate::domain::inspect::{render_text, Inspection};

crate::domain::choices! {
    /// The output formats of `inspect`.
    pub enum InspectOutput {
        Text = "text": "Aligned lines for people",
        Json = "json": "One JSON object with the decoded fields and `warnings`",
    }
}

pub fn render(inspection: &Inspection, format: InspectOutput) -> Result<String> {
    match format {
        InspectOutput::Text => Ok(crate::domain::neutral::text(render_text(inspection))),
        InspectOutput::Json => super::json(inspection),
    }
}
