//! JSON as every command prints it: pretty, with a final newline.

use crate::domain::error::{Failure, Kind, Result};
use serde::Serialize;

/// Pretty JSON with a final newline, fields in the model's order.
pub fn json<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    let mut text = serde_json::to_string_pretty(value)
        .map_err(|e| Failure::new(Kind::Internal, e.to_string()))?;
    text.push('\n');
    // Whatever a service sent cannot command a CI runner (domain::neutral).
    Ok(crate::domain::neutral::json(text))
}

/// Pretty JSON with a final newline, an object's keys sorted whatever the model's field order:
/// how a service's documents have always been printed.
pub fn json_sorted<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    let value =
        serde_json::to_value(value).map_err(|e| Failure::new(Kind::Internal, e.to_string()))?;
    json(&value)
}
