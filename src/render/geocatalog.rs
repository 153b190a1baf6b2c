//! What the `geocatalog` verbs print.

use super::pretty;
use crate::clients::geocatalog::{
    Action, ApiVersion, IngestionSource, ManagedIdentity, SourceSummary, SourceView,
};
use crate::domain::encoding::{percent_decode, Escapes};
use crate::domain::error::Result;
use crate::domain::{neutral, sas, shown};
use serde::Serialize;
use serde_json::json;
use std::borrow::Cow;
use time::OffsetDateTime;

crate::domain::choices::choices! {
    /// Output of the `geocatalog` commands.
    pub enum GeoOutput {
        Text = "text": "Lines for people",
        Json = "json": "JSON",
        Token = "token": "Only the minted SAS token (register only)",
        GithubActions = "github-actions": "GitHub Actions (register only): masks the token, writes step outputs to GITHUB_OUTPUT (or GITHUB_ENV)",
        AzurePipelines = "azure-pipelines": "Azure Pipelines (register only): ##vso[task.setvariable] lines, the token as a secret",
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
    let expiry = ci_expiry(source, token);
    let ci = || ci_values(&view, token, expiry.as_deref());
    match format {
        GeoOutput::GithubActions => Ok(super::ci::github_masks(&ci())),
        GeoOutput::AzurePipelines => Ok(super::ci::azure_pipelines(&ci())),
        GeoOutput::Token => Ok(token.map(|t| format!("{t}\n")).unwrap_or_default()),
        GeoOutput::Json => pretty::json(&json!({"action": action, "source": view})),
        GeoOutput::Text => {
            let verb = match action {
                Action::Created => "created",
                Action::Rotated => "rotated",
                Action::Kept => "kept",
            };
            Ok(neutral::text(format!(
                "{verb} {} ingestion source {} for {}{}\n",
                shown::escape(view.kind.as_deref().unwrap_or("?")),
                shown::escape(view.id.as_deref().unwrap_or("?")),
                shown::escape(view.container_url.as_deref().unwrap_or(container_url)),
                shown::escape(&register_details(&view)),
            )))
        }
    }
}

/// The expiry `register` hands to CI: the minted token's own `se`; when no token was minted
/// (a source kept as it is), the expiry the service reports, read as an RFC 3339 time and
/// written back as one — never the service's text itself.
pub fn ci_expiry(source: &IngestionSource, token: Option<&str>) -> Option<String> {
    match token {
        Some(token) => sas::query_param(token, "se")
            .map(|se| percent_decode(se, Escapes::Lenient, false).unwrap_or_else(|| se.to_owned())),
        None => source
            .connection_info
            .get()
            .and_then(|c| c.expires_at())
            .and_then(|t| {
                t.to_offset(time::UtcOffset::UTC)
                    .format(&time::format_description::well_known::Rfc3339)
                    .ok()
            }),
    }
}

/// What `register` hands to CI: the token (a secret), the source's id and the token's expiry
/// ([`ci_expiry`]).
pub fn ci_values<'a>(
    view: &'a SourceView,
    token: Option<&'a str>,
    expiry: Option<&'a str>,
) -> Vec<super::ci::Value<'a>> {
    let mut values = Vec::new();
    if let Some(token) = token {
        values.push(super::ci::Value {
            output: "sas_token",
            variable: "SAS_TOKEN",
            value: token,
            secret: true,
        });
    }
    for (output, variable, value) in [
        ("source_id", "GEOCATALOG_SOURCE_ID", view.id.as_deref()),
        ("expiry", "SAS_EXPIRY", expiry),
    ] {
        if let Some(value) = value {
            values.push(super::ci::Value {
                output,
                variable,
                value,
                secret: false,
            });
        }
    }
    values
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
        return pretty::json_sorted(sources);
    }
    Ok(neutral::text(
        sources
            .iter()
            .map(|s| {
                format!(
                    "{}\t{}\t{}\n",
                    text(s.id.as_deref()),
                    text(s.kind.as_deref()),
                    text(s.created.as_deref())
                )
            })
            .collect(),
    ))
}

/// `show`: the source as the service returned it (JSON), or its fields a line each.
pub fn show(source: &IngestionSource, version: ApiVersion, format: GeoOutput) -> Result<String> {
    if format == GeoOutput::Json {
        return pretty::json_sorted(source);
    }
    let view = source.view(version);
    Ok(neutral::text(
        [
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
        .collect(),
    ))
}

pub fn deleted(id: &str, format: GeoOutput) -> Result<String> {
    if format == GeoOutput::Json {
        pretty::json(&json!({ "deleted": id }))
    } else {
        Ok(neutral::text(format!("deleted {}\n", shown::escape(id))))
    }
}

/// `identities`: a line per identity (object id, resource id), or JSON.
pub fn identities(identities: &[ManagedIdentity], format: GeoOutput) -> Result<String> {
    if format == GeoOutput::Json {
        return pretty::json_sorted(identities);
    }
    Ok(neutral::text(
        identities
            .iter()
            .map(|i| {
                format!(
                    "{}\t{}\n",
                    text(i.object_id.as_deref()),
                    text(i.resource_id.as_deref())
                )
            })
            .collect(),
    ))
}

/// One source in `status`.
#[derive(Debug, Serialize)]
pub struct SourceStatus {
    pub id: Option<String>,
    pub kind: Option<String>,
    pub container_url: Option<String>,
    /// When the SAS token expires; `None` for a managed-identity source (it never does).
    pub expiry: Option<String>,
    /// Seconds until then (negative once expired).
    pub seconds_left: Option<i64>,
    /// `ok`, `expiring` or `expired`.
    pub state: &'static str,
}

/// The counts `status` ends with.
#[derive(Debug, Serialize)]
pub struct Summary {
    pub total: usize,
    pub ok: usize,
    pub expiring: usize,
    pub expired: usize,
    /// Listed with an id that cannot be read (see [`BadEntry`]).
    pub bad: usize,
    /// The window, as given.
    pub expiring_within: String,
}

#[derive(Debug, Serialize)]
pub struct StatusReport {
    pub sources: Vec<SourceStatus>,
    /// Sources the catalog listed under an id sasmint will not put in a request.
    pub bad_entries: Vec<BadEntry>,
    pub summary: Summary,
}

/// A source the catalog listed with an id that cannot be read (a control character, `..`):
/// reported, never sent.
#[derive(Debug, Serialize)]
pub struct BadEntry {
    /// The id as the catalog sent it (JSON is exact; text escapes it).
    pub id: String,
    /// Why it was not read.
    pub problem: String,
}

impl StatusReport {
    /// Adds the bad entries, counting them in the summary's total.
    pub fn add_bad(&mut self, bad: Vec<BadEntry>) {
        self.summary.bad = bad.len();
        self.summary.total += bad.len();
        self.bad_entries = bad;
    }
}

/// Each source's state at `now`: `expired` once its token's expiry has passed, `expiring`
/// within `window`, else `ok`. A SAS source without a readable expiry counts as expiring (it
/// cannot be shown to be fine); a managed-identity source is `ok`.
pub fn assess(
    sources: &[IngestionSource],
    version: ApiVersion,
    now: OffsetDateTime,
    window: time::Duration,
    window_text: &str,
) -> StatusReport {
    let statuses: Vec<SourceStatus> = sources
        .iter()
        .map(|source| {
            let view = source.view(version);
            let info = source.connection_info.get();
            let managed = view.kind.as_deref() == Some("BlobManagedIdentity");
            let expires = info.and_then(|c| c.expires_at());
            let seconds_left = expires.map(|e| (e - now).whole_seconds());
            let state = match (managed, seconds_left) {
                (true, _) => "ok",
                (false, Some(left)) if left <= 0 => "expired",
                (false, Some(left)) if left <= window.whole_seconds() => "expiring",
                (false, Some(_)) => "ok",
                (false, None) => "expiring",
            };
            SourceStatus {
                id: view.id,
                kind: view.kind,
                container_url: view.container_url,
                expiry: view.expiration,
                seconds_left,
                state,
            }
        })
        .collect();
    let count = |state: &str| statuses.iter().filter(|s| s.state == state).count();
    let summary = Summary {
        total: statuses.len(),
        ok: count("ok"),
        expiring: count("expiring"),
        expired: count("expired"),
        bad: 0,
        expiring_within: window_text.to_owned(),
    };
    StatusReport {
        sources: statuses,
        bad_entries: Vec::new(),
        summary,
    }
}

/// `90d4h`, `3h20m`, `12m`: how long is left, coarsely.
fn left(seconds: i64) -> String {
    if seconds <= 0 {
        return "0".to_owned();
    }
    let (days, hours, minutes) = (
        seconds / 86_400,
        seconds % 86_400 / 3600,
        seconds % 3600 / 60,
    );
    match (days, hours) {
        (0, 0) => format!("{minutes}m"),
        (0, h) => format!("{h}h{minutes}m"),
        (d, h) => format!("{d}d{h}h"),
    }
}

/// `status`: a line per source (state, id, kind, expiry, time left, container URL), then a
/// `bad` line per bad entry (its id escaped), or JSON with the bad entries and a summary.
pub fn status(report: &StatusReport, format: GeoOutput) -> Result<String> {
    if format == GeoOutput::Json {
        return pretty::json(report);
    }
    Ok(neutral::text(
        report
            .sources
            .iter()
            .map(|s| {
                format!(
                    "{}\t{}\t{}\t{}\t{}\t{}\n",
                    s.state,
                    text(s.id.as_deref()),
                    text(s.kind.as_deref()),
                    text(s.expiry.as_deref()),
                    s.seconds_left.map_or_else(|| "-".to_owned(), left),
                    text(s.container_url.as_deref()),
                )
            })
            .chain(
                report
                    .bad_entries
                    .iter()
                    .map(|b| format!("bad\t{}\t-\t-\t-\t-\n", shown::escape(&b.id))),
            )
            .collect::<String>(),
    ))
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
    fn time_left_is_coarse() {
        assert_eq!(left(-5), "0");
        assert_eq!(left(59 * 60), "59m");
        assert_eq!(left(3 * 3600 + 20 * 60), "3h20m");
        assert_eq!(left(2 * 86_400 + 5 * 3600 + 7), "2d5h");
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
