//! What the `ard` verbs print.

use super::pretty;
use crate::clients::ard::{output_config, RegisteredCredentials};
use crate::clients::field::Field;
use crate::domain::encoding::{percent_decode, Escapes};
use crate::domain::error::Result;
use crate::domain::{neutral, redact, shown};
use serde_json::{json, Value};
use std::borrow::Cow;

crate::domain::choices::choices! {
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
    pretty::json(&out)
}

/// `list`: a line per credentials (id, modified, description), or JSON (stored SAS
/// signatures masked unless `reveal`).
pub fn list(list: &[RegisteredCredentials], format: ArdOutput, reveal: bool) -> Result<String> {
    if format == ArdOutput::Json {
        if reveal {
            return pretty::json_sorted(list);
        }
        return pretty::json_sorted(&list.iter().map(concealed).collect::<Vec<_>>());
    }
    Ok(neutral::text(
        list.iter()
            .map(|c| {
                format!(
                    "{}\t{}\t{}\n",
                    text(&c.credentials_id),
                    text(&c.modified),
                    text(&c.description)
                )
            })
            .collect(),
    ))
}

/// A field for a text line: the value (control characters escaped: the service chose it), or
/// `-` when the service gave none.
fn text(value: &Field<String>) -> Cow<'_, str> {
    value.as_deref().map_or(Cow::Borrowed("-"), shown::escape)
}

/// `show`: the stored credentials' fields a line each, or JSON (the stored SAS signature
/// masked unless `reveal`).
pub fn show(shown: &RegisteredCredentials, format: ArdOutput, reveal: bool) -> Result<String> {
    let concealed_copy;
    let shown = if reveal {
        shown
    } else {
        concealed_copy = concealed(shown);
        &concealed_copy
    };
    if format == ArdOutput::Json {
        return pretty::json_sorted(shown);
    }
    let mut out: String = [
        ("credentials_id", &shown.credentials_id),
        ("account_id", &shown.account_id),
        ("description", &shown.description),
        ("created", &shown.created),
        ("modified", &shown.modified),
    ]
    .iter()
    .map(|(name, value)| format!("{name}: {}\n", text(value)))
    .collect();
    if let Some(Value::String(url)) = shown.other.get(CREDENTIALS) {
        out.push_str(&format!("credentials: {}\n", shown::escape(url)));
    }
    Ok(neutral::text(out))
}

/// Where ARD keeps the stored SAS URL (a secret).
const CREDENTIALS: &str = "credentials";

/// The credentials as shown without `--reveal`: the `sig` of every SAS URL in them masked, and
/// the stored `credentials` masked whole if they are not a URL.
fn concealed(c: &RegisteredCredentials) -> RegisteredCredentials {
    let mut c = c.clone();
    for (name, value) in &mut c.other {
        conceal(value, name == CREDENTIALS);
    }
    c
}

fn conceal(value: &mut Value, secret: bool) {
    match value {
        Value::String(s) => {
            if let Some(masked) = conceal_text(s, secret) {
                *s = masked;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| conceal(v, secret)),
        Value::Object(fields) => fields
            .iter_mut()
            .for_each(|(name, v)| conceal(v, secret || name == CREDENTIALS)),
        _ => {}
    }
}

/// `text` with the value of each `sig` query parameter (by its decoded name, in any case)
/// masked, and whatever else looks like a secret; `None` when nothing is. `secret`: a value
/// that is not a URL is masked whole.
fn conceal_text(text: &str, secret: bool) -> Option<String> {
    if secret && url::Url::parse(text).is_err() {
        return Some(redact::MARK.to_owned());
    }
    let (head, query) = match text.split_once('?') {
        Some((head, query)) => (Some(head), query),
        None => (None, text),
    };
    let mut found = false;
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| {
            let name = pair.split_once('=').map_or(pair, |(name, _)| name);
            if percent_decode(name, Escapes::Lenient, false)
                .is_some_and(|name| name.trim().eq_ignore_ascii_case("sig"))
            {
                found = true;
                format!("{name}={}", redact::MARK)
            } else {
                pair.to_owned()
            }
        })
        .collect();
    let masked = if found {
        let query = pairs.join("&");
        match head {
            Some(head) => format!("{head}?{query}"),
            None => query,
        }
    } else {
        text.to_owned()
    };
    match redact::mask_patterns(&masked) {
        Some(more) => Some(more),
        None if found => Some(masked),
        None => None,
    }
}

pub fn deleted(credentials_id: &str, format: ArdOutput) -> Result<String> {
    if format == ArdOutput::Json {
        pretty::json(&json!({ "deleted": credentials_id }))
    } else {
        Ok(neutral::text(format!(
            "deleted {}\n",
            shown::escape(credentials_id)
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAS_URL: &str = "https://acct.blob.core.windows.net/drop?sv=2026-04-06&sr=c&sp=w&se=2030-01-01T00:00:00Z&sig=c2VjcmV0%3D";

    fn stored(credentials: &str) -> RegisteredCredentials {
        serde_json::from_value(json!({
            "credentials_id": "drop",
            "credentials": credentials,
            "nested": {"sas_url": credentials, "list": [credentials]},
            "alias": "x?%53IG=abc&y=1",
        }))
        .unwrap()
    }

    #[test]
    fn stored_signatures_are_masked_unless_revealed() {
        let c = stored(SAS_URL);
        for format in [ArdOutput::Text, ArdOutput::Json] {
            let shown = show(&c, format, false).unwrap();
            assert!(!shown.contains("c2VjcmV0"), "{shown}");
            assert!(shown.contains("sig=[REDACTED]"), "{shown}");
            assert!(shown.contains("sp=w"), "the rest is kept: {shown}");
            assert!(!shown.contains("abc"), "{shown}");
            assert!(show(&c, format, true).unwrap().contains("sig=c2VjcmV0%3D"));
        }
        let listed = list(std::slice::from_ref(&c), ArdOutput::Json, false).unwrap();
        assert!(!listed.contains("c2VjcmV0"), "{listed}");
        let listed = list(std::slice::from_ref(&c), ArdOutput::Json, true).unwrap();
        assert!(listed.contains("sig=c2VjcmV0%3D"), "{listed}");
    }

    #[test]
    fn stored_credentials_that_are_not_a_url_are_masked_whole() {
        let c: RegisteredCredentials =
            serde_json::from_value(json!({"credentials": "not a url: c2VjcmV0"})).unwrap();
        let shown = show(&c, ArdOutput::Json, false).unwrap();
        assert!(!shown.contains("c2VjcmV0"), "{shown}");
        assert!(shown.contains("\"credentials\": \"[REDACTED]\""), "{shown}");
    }
}
