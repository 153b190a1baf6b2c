//! What the `ard` verbs print.

use crate::clients::ard::{output_config, RegisteredCredentials};
use crate::clients::field::Field;
use crate::domain::error::Result;
use crate::domain::shown;
use serde_json::json;
use std::borrow::Cow;

crate::domain::choices! {
    /// Output of the `ard` commands (the SAS is registered, never printed).
    pub enum ArdOutput {
        Text = "text": "Lines for people (`register`: the output_config snippet)",
        Json = "json": "JSON",
    }
}

/// `register`: the order's `output_config` snippet; as JSON with the id, account and expiry.
pub fn registered(
    credentials_id: &str,
    container: &str,
    prefix: &str,
    account: &str,
    expiry: &str,
    format: ArdOutput,
) -> Result<String> {
    let mut out = output_config(credentials_id, container, prefix);
    if format == ArdOutput::Json {
        out["credentials_id"] = json!(credentials_id);
        out["account_id"] = json!(account);
        out["expiry"] = json!(expiry);
    }
    super::json(&out)
}

/// `list`: a line per credentials (id, modified, description), or JSON.
pub fn list(list: &[RegisteredCredentials], format: ArdOutput) -> Result<String> {
    if format == ArdOutput::Json {
        return super::json_sorted(list);
    }
    Ok(list
        .iter()
        .map(|c| {
            format!(
                "{}\t{}\t{}\n",
                text(&c.credentials_id),
                text(&c.modified),
                text(&c.description)
            )
        })
        .collect())
}

/// A field for a text line: the value (control characters escaped: the service chose it), or
/// `-` when the service gave none.
fn text(value: &Field<String>) -> Cow<'_, str> {
    value.as_deref().map_or(Cow::Borrowed("-"), shown::escape)
}

/// `show`: the stored credentials' fields a line each, or JSON.
pub fn show(shown: &RegisteredCredentials, format: ArdOutput) -> Result<String> {
    if format == ArdOutput::Json {
        return super::json_sorted(shown);
    }
    Ok([
        ("credentials_id", &shown.credentials_id),
        ("account_id", &shown.account_id),
        ("description", &shown.description),
        ("created", &shown.created),
        ("modified", &shown.modified),
    ]
    .iter()
    .map(|(name, value)| format!("{name}: {}\n", text(value)))
    .collect())
}

pub fn deleted(credentials_id: &str, format: ArdOutput) -> Result<String> {
    if format == ArdOutput::Json {
        super::json(&json!({ "deleted": credentials_id }))
    } else {
        Ok(format!("deleted {credentials_id}\n"))
    }
}
