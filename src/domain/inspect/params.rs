//! Reading the input: splitting a URL or query string, decoding each parameter (strictly),
//! and parsing the fields (times, versions, letters, resource codes, name lists).

use std::collections::HashSet;

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime};

use super::model::{InspectError, Letter};
use super::tables::{
    ACCOUNT_PARAMS, COMMON_PARAMS, REQUEST_PARAMS, RESOURCE_PARAMS, UD_KEY_PARAMS, UD_ONLY_PARAMS,
};
use crate::domain::encoding::{percent_decode, Escapes};

// ------------------------------------------------------------------------------------------------
// Input splitting and percent-decoding
// ------------------------------------------------------------------------------------------------

/// Where the token points, when the input was a URL.
#[derive(Default)]
pub(super) struct Location {
    pub(super) account: Option<String>,
    pub(super) container: Option<String>,
    pub(super) blob: Option<String>,
}

/// Strips surrounding whitespace and one pair of quotes, backticks or angle brackets, as left by
/// copying from shells, JSON, YAML, Markdown or chat.
pub(super) fn trim_input(input: &str) -> &str {
    let s = input.trim();
    for (open, close) in [('"', '"'), ('\'', '\''), ('`', '`'), ('<', '>')] {
        if let Some(inner) = s.strip_prefix(open).and_then(|r| r.strip_suffix(close)) {
            return inner.trim();
        }
    }
    s
}

/// Splits the input into an optional location (for URLs) and the raw query string.
pub(super) fn split_input(input: &str) -> Result<(Location, String), InspectError> {
    let s = trim_input(input);
    if s.is_empty() {
        return Err(InspectError::Empty);
    }
    let before_query = s.split('?').next().unwrap_or("");
    if before_query.contains("://") {
        return parse_url(s);
    }
    if let Some(rest) = s.strip_prefix('?') {
        return Ok((Location::default(), strip_fragment(rest).to_owned()));
    }
    if let Some((prefix, _)) = s.split_once('?') {
        let host = prefix.split('/').next().unwrap_or("");
        if !prefix.contains('=') && !prefix.contains('&') {
            // `acct.blob.core.windows.net/c/b?...` or `127.0.0.1:10000/devstoreaccount1/c?...`
            // without a scheme: treat it as an https URL.
            if host.contains('.') || host.contains(':') {
                return parse_url(&format!("https://{s}"));
            }
            // A relative path such as `c/b?sv=...`: only the query string is usable.
            let query = s.split_once('?').map(|(_, q)| q).unwrap_or("");
            return Ok((Location::default(), strip_fragment(query).to_owned()));
        }
    }
    Ok((Location::default(), strip_fragment(s).to_owned()))
}

pub(super) fn strip_fragment(s: &str) -> &str {
    s.split('#').next().unwrap_or("")
}

pub(super) fn parse_url(s: &str) -> Result<(Location, String), InspectError> {
    let url = url::Url::parse(s).map_err(|e| InspectError::InvalidUrl {
        reason: e.to_string(),
    })?;
    let path_bad = || InspectError::BadPercentEncoding {
        what: "the URL path".to_owned(),
    };
    let mut segments: Vec<String> = Vec::new();
    if let Some(raw) = url.path_segments() {
        for seg in raw {
            segments.push(percent_decode(seg, Escapes::Strict, false).ok_or_else(path_bad)?);
        }
    }
    let path_style = match url.host() {
        Some(url::Host::Ipv4(_)) | Some(url::Host::Ipv6(_)) => true,
        Some(url::Host::Domain(d)) => !d.contains('.'),
        None => false,
    };
    let mut rest = segments.into_iter();
    let account = if path_style {
        rest.next()
    } else {
        match url.host() {
            Some(url::Host::Domain(d)) => d.split('.').next().map(str::to_owned),
            _ => None,
        }
    };
    let container = rest.next();
    let blob = rest.collect::<Vec<_>>().join("/");
    let non_empty = |v: Option<String>| v.filter(|s| !s.is_empty());
    let location = Location {
        account: non_empty(account),
        container: non_empty(container),
        blob: non_empty(Some(blob)),
    };
    Ok((location, url.query().unwrap_or("").to_owned()))
}

/// Whether `name` (any case) is a parameter this module knows.
pub(super) fn is_known_param(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [
        UD_KEY_PARAMS,
        UD_ONLY_PARAMS,
        COMMON_PARAMS,
        RESOURCE_PARAMS,
        REQUEST_PARAMS,
        ACCOUNT_PARAMS,
    ]
    .iter()
    .any(|list| list.contains(&lower.as_str()))
}

/// How a parameter name is shown to the user. A known SAS or request parameter is always
/// shown; another name only when it looks like one (≤ 32 lowercase ASCII letters, digits, `-`,
/// `_`, `.`). Anything else may be a pasted secret — such as the tail of a signature split off
/// by a stray `&` — and is hidden.
pub fn display_name(name: &str) -> String {
    let looks_like_name = !name.is_empty()
        && name.len() <= 32
        && name.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.')
        });
    if looks_like_name || is_known_param(name) {
        name.to_owned()
    } else if name.is_empty() {
        "(empty name)".to_owned()
    } else {
        format!("(hidden name, {} bytes)", name.len())
    }
}

/// One query parameter. Deliberately not `Debug`: it may hold the signature.
pub(super) struct Param {
    /// Decoded, lower-case name (the service matches names case-insensitively).
    pub(super) key: String,
    /// Safe-to-print name.
    pub(super) name: String,
    /// Value as it appears in the query string.
    pub(super) raw: String,
    /// Percent-decoded value (`+` read as a space).
    pub(super) value: String,
}

pub(super) struct Params(pub(super) Vec<Param>);

impl Params {
    pub(super) fn parse(query: &str) -> Result<Self, InspectError> {
        let mut list = Vec::new();
        let mut seen = HashSet::new();
        for part in query.split('&') {
            if part.is_empty() {
                continue;
            }
            let (raw_name, raw_value) = part.split_once('=').unwrap_or((part, ""));
            let decoded_name =
                percent_decode(raw_name, Escapes::Strict, true).ok_or_else(|| {
                    InspectError::BadPercentEncoding {
                        what: "a parameter name".to_owned(),
                    }
                })?;
            let name = display_name(&decoded_name);
            let value = percent_decode(raw_value, Escapes::Strict, true).ok_or_else(|| {
                InspectError::BadPercentEncoding {
                    what: format!("parameter `{name}`"),
                }
            })?;
            let key = decoded_name.to_ascii_lowercase();
            if !seen.insert(key.clone()) {
                return Err(InspectError::DuplicateParameter { name });
            }
            list.push(Param {
                key,
                name,
                raw: raw_value.to_owned(),
                value,
            });
        }
        Ok(Params(list))
    }

    pub(super) fn get(&self, key: &str) -> Option<&Param> {
        self.0.iter().find(|p| p.key == key)
    }

    /// The decoded value; empty values count as absent (the SDKs drop empty parameters).
    pub(super) fn value(&self, key: &str) -> Option<String> {
        self.get(key)
            .map(|p| p.value.clone())
            .filter(|v| !v.is_empty())
    }

    pub(super) fn has(&self, key: &str) -> bool {
        self.value(key).is_some()
    }
}

// ------------------------------------------------------------------------------------------------
// Field parsing
// ------------------------------------------------------------------------------------------------

/// Parses the time forms the service accepts: RFC 3339 (`2025-03-01T20:00:00Z`, with optional
/// fractional seconds), minute precision (`2025-03-01T20:00Z`) and date only (`2025-03-01`).
pub(super) fn parse_time(param: &'static str, value: &str) -> Result<OffsetDateTime, InspectError> {
    if let Ok(t) = OffsetDateTime::parse(value, &Rfc3339) {
        return Ok(t);
    }
    let minutes = format_description!("[year]-[month]-[day]T[hour]:[minute]Z");
    if let Ok(t) = PrimitiveDateTime::parse(value, minutes) {
        return Ok(t.assume_utc());
    }
    let date_only = format_description!("[year]-[month]-[day]");
    if let Ok(d) = Date::parse(value, date_only) {
        return Ok(d.midnight().assume_utc());
    }
    let hint = if value.contains(' ') {
        " (it contains a space: a raw '+' in a query string is read as a space, so encode '+' as %2B)"
    } else {
        ""
    };
    Err(InspectError::InvalidTime { param, hint })
}

pub(super) fn parse_version(value: &str) -> Result<(), InspectError> {
    let fmt = format_description!("[year]-[month]-[day]");
    match Date::parse(value, fmt) {
        Ok(_) if value.len() == 10 => Ok(()),
        _ => Err(InspectError::InvalidValue {
            param: "sv",
            problem: "is not a service version date".to_owned(),
            fix: "it must look like 2026-04-06".to_owned(),
        }),
    }
}

/// Shows a letter in an error message only when it is a plain ASCII letter or digit.
pub(super) fn safe_char(c: char) -> String {
    if c.is_ascii_alphanumeric() {
        format!("'{c}'")
    } else {
        "a non-letter character".to_owned()
    }
}

pub(super) fn parse_letters(
    param: &'static str,
    value: &str,
    table: &[(char, &'static str)],
) -> Result<Vec<Letter>, InspectError> {
    value
        .chars()
        .map(|c| {
            table
                .iter()
                .find(|(l, _)| *l == c)
                .map(|&(letter, meaning)| Letter { letter, meaning })
                .ok_or_else(|| InspectError::InvalidValue {
                    param,
                    problem: format!("contains the unknown letter {}", safe_char(c)),
                    fix: format!(
                        "valid letters are {}",
                        table.iter().map(|(l, _)| *l).collect::<String>()
                    ),
                })
        })
        .collect()
}

pub(super) fn resource_meaning(code: &str) -> Option<&'static str> {
    Some(match code {
        "c" => "container",
        "b" => "blob",
        "bs" => "blob snapshot",
        "bv" => "blob version",
        "d" => "directory",
        "s" => "file share (Azure Files)",
        "f" => "file (Azure Files)",
        _ => return None,
    })
}

/// Splits `srh`/`srq`: names are percent-encoded one by one and joined with a literal `,`.
pub(super) fn split_names(raw: &str, param: &'static str) -> Result<Vec<String>, InspectError> {
    raw.split(',')
        .filter(|n| !n.is_empty())
        .map(|n| {
            percent_decode(n, Escapes::Strict, true).ok_or_else(|| {
                InspectError::BadPercentEncoding {
                    what: format!("parameter `{param}`"),
                }
            })
        })
        .collect()
}
