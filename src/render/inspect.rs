//! `inspect`'s output: aligned `key: value` lines for people, or the JSON document.

use crate::domain::error::Result;
use crate::domain::inspect::{human_duration, Inspection, Letter, SasKind};
use crate::domain::shown;

crate::domain::choices::choices! {
    /// The output formats of `inspect`.
    pub enum InspectOutput {
        Text = "text": "Aligned lines for people",
        Json = "json": "One JSON object with the decoded fields and `warnings`",
    }
}

pub fn render(inspection: &Inspection, format: InspectOutput) -> Result<String> {
    match format {
        InspectOutput::Text => Ok(crate::domain::neutral::text(render_text(inspection))),
        InspectOutput::Json => super::pretty::json(inspection),
    }
}

fn letters_text(letters: &[Letter]) -> String {
    letters
        .iter()
        .map(|l| format!("{}={}", l.letter, l.meaning))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Renders an inspection as aligned `key: value` lines, followed by one `warning: …` line per
/// warning, or `no warnings`. Ends with a newline.
pub fn render_text(i: &Inspection) -> String {
    let mut rows: Vec<(&str, String)> = Vec::new();
    let kind = match i.kind {
        SasKind::UserDelegation => "user delegation SAS (signed with a user delegation key)",
        SasKind::Service => "service SAS (signed with the account key)",
        SasKind::Account => "account SAS (signed with the account key)",
    };
    rows.push(("kind", kind.to_owned()));
    rows.push(("signed_version", i.signed_version.clone()));
    if i.service == Some("queue") {
        rows.push((
            "service",
            "queue (a key from the queue endpoint, sks=q)".to_owned(),
        ));
    }
    let directory = i.resource.as_ref().is_some_and(|r| r.code == "d");
    for (key, value) in [
        ("account", &i.account),
        ("container", &i.container),
        ("queue", &i.queue),
        (if directory { "directory" } else { "blob" }, &i.blob),
        ("snapshot", &i.snapshot),
        ("version_id", &i.version_id),
    ] {
        if let Some(v) = value {
            rows.push((key, v.clone()));
        }
    }
    if let Some(r) = &i.resource {
        rows.push(("resource", format!("{} ({})", r.code, r.meaning)));
        if let Some(d) = r.directory_depth {
            rows.push((
                "directory_depth",
                format!("{d} (the token covers that directory and everything below it)"),
            ));
        }
    }
    if let Some(s) = &i.services {
        rows.push(("services", letters_text(s)));
    }
    if let Some(t) = &i.resource_types {
        rows.push(("resource_types", letters_text(t)));
    }
    let permissions = match &i.permissions {
        Some(sp) => {
            let order = match i.permissions_canonical {
                Some(false) => " [not canonical]",
                _ => "",
            };
            format!("{sp} ({}){order}", letters_text(&i.permission_details))
        }
        None => "(from stored access policy)".to_owned(),
    };
    rows.push(("permissions", permissions));
    rows.push((
        "start",
        i.start
            .clone()
            .unwrap_or_else(|| "(not set: valid from signing)".to_owned()),
    ));
    rows.push((
        "expiry",
        i.expiry
            .clone()
            .unwrap_or_else(|| "(from stored access policy)".to_owned()),
    ));
    if let Some(l) = i.lifetime_seconds {
        let sign = if l < 0 { "-" } else { "" };
        rows.push(("lifetime", format!("{sign}{} ({l} s)", human_duration(l))));
    }
    if let Some(left) = i.expires_in_seconds {
        let text = if left > 0 {
            format!("{} ({left} s)", human_duration(left))
        } else {
            format!("expired {} ago", human_duration(left))
        };
        rows.push(("expires_in", text));
    }
    rows.push((
        "protocol",
        match &i.protocol {
            Some(p) => p.clone(),
            None => "https,http (spr not set)".to_owned(),
        },
    ));
    rows.push(("ip", i.ip.clone().unwrap_or_else(|| "any".to_owned())));
    for (key, value) in [
        ("encryption_scope", &i.encryption_scope),
        ("stored_policy", &i.stored_policy),
    ] {
        if let Some(v) = value {
            rows.push((key, v.clone()));
        }
    }
    if !i.response_headers.is_empty() {
        let h = &i.response_headers;
        for (key, value) in [
            ("cache_control", &h.cache_control),
            ("content_disposition", &h.content_disposition),
            ("content_encoding", &h.content_encoding),
            ("content_language", &h.content_language),
            ("content_type", &h.content_type),
        ] {
            if let Some(v) = value {
                rows.push((key, v.clone()));
            }
        }
    }
    if let Some(d) = &i.delegation {
        rows.push(("signed_oid", d.signed_oid.clone()));
        rows.push(("signed_tid", d.signed_tid.clone()));
        rows.push(("key_start", d.key_start.clone()));
        rows.push(("key_expiry", d.key_expiry.clone()));
        rows.push(("key_service", d.key_service.clone()));
        rows.push(("key_version", d.key_version.clone()));
        for (key, value) in [
            ("delegated_user_tid", &d.delegated_user_tid),
            (
                "delegated_user_oid",
                &d.delegated_user_oid
                    .as_ref()
                    .map(|oid| format!("{oid} (usable only with that user's own bearer token)")),
            ),
            ("authorized_user_oid", &d.authorized_user_oid),
            ("unauthorized_user_oid", &d.unauthorized_user_oid),
            ("correlation_id", &d.correlation_id),
        ] {
            if let Some(v) = value {
                rows.push((key, v.clone()));
            }
        }
        if !d.required_headers.is_empty() {
            rows.push(("required_headers", d.required_headers.join(", ")));
        }
        if !d.required_query_parameters.is_empty() {
            rows.push((
                "required_query_parameters",
                d.required_query_parameters.join(", "),
            ));
        }
    }
    if i.request_bound {
        rows.push((
            "request_bound",
            "yes: every request must send the required headers and query parameters with the values signed into the token (ask whoever minted it)".to_owned(),
        ));
    }
    rows.push((
        "signature",
        format!("present ({} characters, not shown)", i.signature_length),
    ));
    if !i.request_parameters.is_empty() {
        rows.push(("request_parameters", i.request_parameters.join(", ")));
    }
    if !i.unknown_parameters.is_empty() {
        rows.push(("unknown_parameters", i.unknown_parameters.join(", ")));
    }

    let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0) + 1;
    let mut out = String::new();
    for (key, value) in rows {
        let label = format!("{key}:");
        out.push_str(&format!("{label:<width$} {}\n", shown::escape(&value)));
    }
    if i.warnings.is_empty() {
        out.push_str("no warnings\n");
    } else {
        for w in &i.warnings {
            out.push_str(&format!(
                "warning: {} [{}]\n",
                shown::escape(&w.message),
                w.code
            ));
        }
    }
    out
}
