//! What the `geocatalog` verbs print.

use crate::clients::geocatalog::{
    Action, ApiVersion, IngestionSource, ManagedIdentity, SourceSummary, SourceView,
};
use crate::domain::error::Result;
use crate::domain::shown;
use serde_json::json;
use std::borrow::Cow;

crate::domain::choices! {
    /// Output of the `geocatalog` commands.
    pub enum GeoOutput {
        Text = "text": "Lines for people",
        Json = "json": "JSON",
        Token = "token": "Only the minted SAS token (register only)",
    }
}

/// A field for a text line: the value (control characters escaped: the service chose it), or
/// `-` when the service gave none.
fn text(value: Option<&str>) -> Cow<'_, str> {
    value.map_or(Cow::Borrowed("-"), shown::escape)
}

/// `register`'s output: the token alone, JSON, or one line saying what was done.
pub fn registered(
    action: Action,
    source: &IngestionSource,
    container_url: &str,
    token: Option<&str>,
    version: ApiVersion,
    format: GeoOutput,
) -> Result<String> {
    let view = source.view(version);
    match format {
        GeoOutput::Token => Ok(format!("{}\n", token.unwrap_or_default())),
        GeoOutput::Json => super::json(&json!({"action": action, "source": view})),
        GeoOutput::Text => {
            let verb = match action {
                Action::Created => "created",
                Action::Rotated => "rotated",
            };
            Ok(format!(
                "{verb} {} ingestion source {} for {}{}\n",
                shown::escape(view.kind.as_deref().unwrap_or("?")),
                shown::escape(view.id.as_deref().unwrap_or("?")),
                shown::escape(view.container_url.as_deref().unwrap_or(container_url)),
                shown::escape(&register_details(&view)),
            ))
        }
    }
}

/// `" (source created T, token expires T)"` or `" (source created T, identity OID)"` for the
/// `register` line, leaving out what the service did not return.
fn register_details(view: &SourceView) -> String {
    let parts: Vec<String> = [
        (&view.created, "source created"),
        (&view.expiration, "token expires"),
        (&view.object_id, "identity"),
    ]
    .iter()
    .filter_map(|(value, label)| value.as_ref().map(|v| format!("{label} {v}")))
    .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    }
}

/// `list`: a line per source (id, kind, created), or the summaries as JSON.
pub fn list(sources: &[SourceSummary], format: GeoOutput) -> Result<String> {
    if format == GeoOutput::Json {
        return super::json_sorted(sources);
    }
    Ok(sources
        .iter()
        .map(|s| {
            format!(
                "{}\t{}\t{}\n",
                text(s.id.as_deref()),
                text(s.kind.as_deref()),
                text(s.created.as_deref())
            )
        })
        .collect())
}

/// `show`: the source as the service returned it (JSON), or its fields a line each.
pub fn show(source: &IngestionSource, version: ApiVersion, format: GeoOutput) -> Result<String> {
    if format == GeoOutput::Json {
        return super::json_sorted(source);
    }
    let view = source.view(version);
    Ok([
        ("id", &view.id),
        ("kind", &view.kind),
        ("created", &view.created),
        ("containerUrl", &view.container_url),
        ("expiration", &view.expiration),
        ("objectId", &view.object_id),
    ]
    .iter()
    .filter_map(|(name, value)| {
        value
            .as_ref()
            .map(|v| format!("{name}: {}\n", shown::escape(v)))
    })
    .collect())
}

pub fn deleted(id: &str, format: GeoOutput) -> Result<String> {
    if format == GeoOutput::Json {
        super::json(&json!({ "deleted": id }))
    } else {
        Ok(format!("deleted {}\n", shown::escape(id)))
    }
}

/// `identities`: a line per identity (object id, resource id), or JSON.
pub fn identities(identities: &[ManagedIdentity], format: GeoOutput) -> Result<String> {
    if format == GeoOutput::Json {
        return super::json_sorted(identities);
    }
    Ok(identities
        .iter()
        .map(|i| {
            format!(
                "{}\t{}\n",
                text(i.object_id.as_deref()),
                text(i.resource_id.as_deref())
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(
        created: Option<&str>,
        expiration: Option<&str>,
        object_id: Option<&str>,
    ) -> SourceView {
        SourceView {
            id: None,
            kind: None,
            created: created.map(str::to_owned),
            container_url: None,
            expiration: expiration.map(str::to_owned),
            object_id: object_id.map(str::to_owned),
        }
    }

    #[test]
    fn register_line_details() {
        assert_eq!(
            register_details(&view(Some("C"), Some("E"), None)),
            " (source created C, token expires E)"
        );
        assert_eq!(
            register_details(&view(Some("C"), None, Some("O"))),
            " (source created C, identity O)"
        );
        assert_eq!(
            register_details(&view(None, Some("E"), None)),
            " (token expires E)"
        );
        assert_eq!(register_details(&view(None, None, None)), "");
    }
}
