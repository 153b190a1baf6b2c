//! `sasmint inspect <TOKEN_OR_URL>`: decode any Blob SAS (user delegation, service or account)
//! and report what it grants, to what, over which protocol, from when until when, and what about
//! it is risky.
//!
//! The module is pure: it does no I/O and reads no clock (the caller passes `now`).
//!
//! # Secrets
//!
//! The signature (`sig`) is a bearer secret. It is never stored in an [`Inspection`]. So it never
//! reaches `render_text`, the JSON output or `Debug`. Only its presence and length are reported.
//! [`InspectError`] messages never contain the raw input or any parameter value. Parameters that
//! `inspect` does not know are listed **by name only**, because their values may be secrets, too.
//! Names that do not look like parameter names are hidden as well (see [`display_name`]).
//!
//! # Thresholds (see [`Warning`] for every code)
//!
//! * [`LONG_LIVED_SECONDS`] (24 h): above it, a token without `sip` gets
//!   `no_ip_restriction_long_lived`.
//! * [`MAX_LIFETIME_SECONDS`] (7 days): above it, `lifetime_over_7_days`. It is also the most a user
//!   delegation SAS can live, because its key lives at most 7 days. An `st` back-dated by up to
//!   [`START_SKEW_SECONDS`] (15 minutes, the usual allowance for clock skew) is not counted.
//! * Lifetime is `se − st`. When `st` is absent, the token is valid from the moment it was signed,
//!   which `inspect` cannot know. The thresholds then use the remaining validity `se − now`.
//!
//! A least-privilege read token (`sp=rl`, `spr=https`, container or blob, lifetime ≤ 24 h, not
//! expired, `se ≤ ske`) has no warnings. Any write or delete letter always gets a warning, even
//! when the token is otherwise minimal.

use std::collections::HashSet;
use std::fmt;

use base64::Engine as _;
use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime};

/// Above this lifetime (24 hours) a token counts as long-lived. A long-lived token without an IP
/// restriction (`sip`) gets the `no_ip_restriction_long_lived` warning.
pub const LONG_LIVED_SECONDS: i64 = 24 * 60 * 60;

/// Above this lifetime (7 days) a token gets the `lifetime_over_7_days` warning. A user delegation
/// key lives at most 7 days, so no user delegation SAS can be used for longer than that.
pub const MAX_LIFETIME_SECONDS: i64 = 7 * 24 * 60 * 60;

/// How far `st` may be back-dated against clock skew without counting towards
/// `lifetime_over_7_days` (sasmint, like the SDKs' samples, starts tokens 15 minutes early).
pub const START_SKEW_SECONDS: i64 = 15 * 60;

/// Canonical permission order for service and user delegation SAS (spec §7).
pub const CANONICAL_PERMISSIONS: &str = "racwdxyltfmeopi";

/// Blob (service / user delegation) permission letters and what they allow, in canonical order.
const BLOB_PERMISSIONS: &[(char, &str)] = &[
    ('r', "read"),
    ('a', "add/append"),
    ('c', "create"),
    ('w', "write"),
    ('d', "delete"),
    ('x', "delete versions"),
    ('y', "permanently delete"),
    ('l', "list"),
    ('t', "read/write tags"),
    ('f', "find by tags"),
    ('m', "move/rename"),
    ('e', "execute/get ACL"),
    ('o', "set owner"),
    ('p', "set ACL"),
    ('i', "set immutability policy"),
];

/// Account SAS permission letters. Their order does not matter to the service.
const ACCOUNT_PERMISSIONS: &[(char, &str)] = &[
    ('r', "read"),
    ('w', "write"),
    ('d', "delete"),
    ('x', "delete versions"),
    ('y', "permanently delete"),
    ('l', "list"),
    ('a', "add"),
    ('c', "create"),
    ('u', "update queue messages"),
    ('p', "process queue messages"),
    ('t', "read/write tags"),
    ('f', "filter by tags"),
    ('i', "set immutability policy"),
];

/// Letters that let the holder change data, metadata, tags, ACLs or policies.
const BLOB_WRITE_LETTERS: &str = "acwtmopi";
const ACCOUNT_WRITE_LETTERS: &str = "acwupti";
/// Letters that let the holder delete data.
const DELETE_LETTERS: &str = "dxy";

const ACCOUNT_SERVICES: &[(char, &str)] =
    &[('b', "blob"), ('f', "file"), ('q', "queue"), ('t', "table")];

const ACCOUNT_RESOURCE_TYPES: &[(char, &str)] =
    &[('s', "service"), ('c', "container"), ('o', "object")];

/// The six parameters copied from a user delegation key. Any of them makes the token a user
/// delegation SAS.
const UD_KEY_PARAMS: &[&str] = &["skoid", "sktid", "skt", "ske", "sks", "skv"];

/// Parameters that only a user delegation SAS can carry (besides [`UD_KEY_PARAMS`]).
const UD_ONLY_PARAMS: &[&str] = &["skdutid", "sduoid", "saoid", "suoid", "scid", "srh", "srq"];

/// Parameters common to every kind of SAS.
const COMMON_PARAMS: &[&str] = &["sv", "sig", "sp", "st", "se", "sip", "spr", "ses"];

/// Parameters of a service or user delegation SAS that an account SAS does not use.
const RESOURCE_PARAMS: &[&str] = &["sr", "sdd", "rscc", "rscd", "rsce", "rscl", "rsct"];

/// Request parameters that may appear in a SAS URL but are not part of the SAS.
const REQUEST_PARAMS: &[&str] = &[
    "snapshot",
    "versionid",
    "restype",
    "comp",
    "prefix",
    "delimiter",
    "marker",
    "maxresults",
    "include",
    "timeout",
    "blockid",
    "blocklisttype",
    "where",
    "showonly",
];

/// Lowest `sv` at which a parameter has a line in the string-to-sign (spec §3, §5).
const MIN_VERSIONS: &[(&str, &str)] = &[
    ("saoid", "2020-02-10"),
    ("suoid", "2020-02-10"),
    ("scid", "2020-02-10"),
    ("sdd", "2020-02-10"),
    ("ses", "2020-12-06"),
    ("skdutid", "2025-07-05"),
    ("sduoid", "2025-07-05"),
    ("srh", "2026-04-06"),
    ("srq", "2026-04-06"),
];

/// The three kinds of SAS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SasKind {
    /// Signed with a user delegation key (`skoid`, `sktid`, `skt`, `ske`, `sks`, `skv`).
    UserDelegation,
    /// Signed with the account key, scoped by `sr` to a container, blob or directory.
    Service,
    /// Signed with the account key, scoped by `ss`/`srt` to whole services of the account.
    Account,
}

impl SasKind {
    fn label(self) -> &'static str {
        match self {
            SasKind::UserDelegation => "user delegation",
            SasKind::Service => "service",
            SasKind::Account => "account",
        }
    }
}

impl fmt::Display for SasKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One letter of `sp`, `ss` or `srt`, with its meaning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Letter {
    pub letter: char,
    pub meaning: &'static str,
}

/// The signed resource `sr`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resource {
    /// `c`, `b`, `bs`, `bv` or `d` (and `s`/`f` for Azure Files).
    pub code: String,
    /// For example `container` or `blob snapshot`.
    pub meaning: &'static str,
    /// `sdd`: number of path segments in the directory (only for `sr=d`).
    pub directory_depth: Option<u32>,
}

/// Response header overrides (`rscc`, `rscd`, `rsce`, `rscl`, `rsct`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ResponseHeaders {
    pub cache_control: Option<String>,
    pub content_disposition: Option<String>,
    pub content_encoding: Option<String>,
    pub content_language: Option<String>,
    pub content_type: Option<String>,
}

impl ResponseHeaders {
    fn is_empty(&self) -> bool {
        self == &ResponseHeaders::default()
    }
}

/// The user delegation key fields and the other user-delegation-only parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delegation {
    /// `skoid`: object id of the principal that requested the key.
    pub signed_oid: String,
    /// `sktid`: tenant of that principal.
    pub signed_tid: String,
    /// `skt`, as given.
    pub key_start: String,
    /// `ske`, as given. The SAS stops working when the key expires.
    pub key_expiry: String,
    /// `sks` (`b` for Blob).
    pub key_service: String,
    /// `skv`.
    pub key_version: String,
    /// `skdutid`: tenant of the delegated user.
    pub delegated_user_tid: Option<String>,
    /// `sduoid`: the only user allowed to use the SAS (with a bearer token of their own).
    pub delegated_user_oid: Option<String>,
    /// `saoid`: pre-authorized user object id (HNS).
    pub authorized_user_oid: Option<String>,
    /// `suoid`: unauthorized user object id; POSIX ACLs are enforced for it (HNS).
    pub unauthorized_user_oid: Option<String>,
    /// `scid`: correlation id written to the storage logs.
    pub correlation_id: Option<String>,
    /// `srh`: names of the request headers (with signed values) a request must carry.
    pub required_headers: Vec<String>,
    /// `srq`: names of the query parameters (with signed values) a request must carry.
    pub required_query_parameters: Vec<String>,
}

/// A risk or problem found in a token.
///
/// | code | when |
/// |---|---|
/// | `write_access` | `sp` has a letter that changes something: `a c w t m o p i` (account SAS: `a c w u p t i`) |
/// | `delete_access` | `sp` has `d`, `x` or `y` |
/// | `account_scope` | account SAS (`ss`/`srt`): every container of the listed services |
/// | `http_allowed` | `spr` is absent or allows `http` |
/// | `lifetime_over_7_days` | lifetime > [`MAX_LIFETIME_SECONDS`] + [`START_SKEW_SECONDS`] |
/// | `expired` | `now ≥ se`, or (user delegation) `now ≥ ske` |
/// | `not_yet_valid` | `now < st`, or (user delegation) `now < skt` |
/// | `no_ip_restriction_long_lived` | no `sip` and lifetime > [`LONG_LIVED_SECONDS`] |
/// | `non_canonical_permissions` | `sp` out of `racwdxyltfmeopi` order or with a repeated letter (account SAS: repeated letter only) |
/// | `expiry_after_key_expiry` | user delegation SAS with `se > ske` |
/// | `expiry_not_after_start` | `se ≤ st`: the service rejects the token |
/// | `ip_range_reversed` | `sip` is a range whose first address is after its last: no address is in it |
/// | `unencoded_plus_in_signature` | the raw `sig` has a literal `+`, which the service reads as a space |
/// | `malformed_signature` | `sig` is not base64 of a 32-byte HMAC-SHA256 (truncated or mangled) |
/// | `stored_policy_with_user_delegation` | `si` in a user delegation SAS (never valid) |
/// | `ignored_parameter` | a known SAS parameter that this kind of SAS does not use |
/// | `unsupported_by_version` | a parameter or `sr` value that `sv` is too old for |
/// | `directory_depth_mismatch` | `sdd` differs from the directory depth of the URL path |
/// | `unknown_parameter` | a parameter `inspect` does not know (shown by name only) |
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub code: &'static str,
    pub message: String,
}

/// Everything `inspect` decoded from a token. Serialised as the `--output json` document.
///
/// Optional fields are `null` when absent, so the JSON always has the same keys. Times are
/// reported exactly as given in the token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inspection {
    pub kind: SasKind,
    /// `sv`.
    pub signed_version: String,
    /// From the URL (first host label, or first path segment for IP and single-label hosts such
    /// as `127.0.0.1:10000` or `localhost`). `null` for a bare query string.
    pub account: Option<String>,
    /// From the URL path, percent-decoded.
    pub container: Option<String>,
    /// From the URL path, percent-decoded; for `sr=d` this is the directory path.
    pub blob: Option<String>,
    /// `snapshot=` request parameter in the URL (signed through the snapshot line, not in the SAS).
    pub snapshot: Option<String>,
    /// `versionid=` request parameter in the URL.
    pub version_id: Option<String>,
    /// `sr`; `null` for an account SAS.
    pub resource: Option<Resource>,
    /// `sp` as given; `null` when a stored access policy supplies it.
    pub permissions: Option<String>,
    /// Each letter of `sp`, in the order given.
    pub permission_details: Vec<Letter>,
    /// Whether `sp` is in canonical order without repeats (account SAS: without repeats).
    pub permissions_canonical: Option<bool>,
    /// `st` as given; `null` means valid from the moment it was signed.
    pub start: Option<String>,
    /// `se` as given; `null` only when a stored access policy supplies it.
    pub expiry: Option<String>,
    /// `se − st` in seconds (needs both).
    pub lifetime_seconds: Option<i64>,
    /// `se − now` in seconds; negative once expired.
    pub expires_in_seconds: Option<i64>,
    /// `spr` as given; `null` means any protocol.
    pub protocol: Option<String>,
    /// True when plain HTTP is allowed (`spr` absent or containing `http`).
    pub http_allowed: bool,
    /// `sip`: a single IP or an inclusive range; `null` means any address.
    pub ip: Option<String>,
    /// `ses`.
    pub encryption_scope: Option<String>,
    /// `si`: id of the stored access policy.
    pub stored_policy: Option<String>,
    pub response_headers: ResponseHeaders,
    /// User delegation key and user-delegation-only fields; `null` for other kinds.
    pub delegation: Option<Delegation>,
    /// `ss` of an account SAS.
    pub services: Option<Vec<Letter>>,
    /// `srt` of an account SAS.
    pub resource_types: Option<Vec<Letter>>,
    /// Always `"present"`: the signature itself is never reported.
    pub signature: &'static str,
    /// Length in characters of the decoded signature (44 for HMAC-SHA256).
    pub signature_length: usize,
    /// Names of non-SAS request parameters in the URL (`restype`, `comp`, …).
    pub request_parameters: Vec<String>,
    /// Names of parameters `inspect` does not know (values are never shown).
    pub unknown_parameters: Vec<String>,
    pub warnings: Vec<Warning>,
}

#[cfg(test)]
impl Inspection {
    /// True when a warning with this code was raised.
    pub fn has_warning(&self, code: &str) -> bool {
        self.warnings.iter().any(|w| w.code == code)
    }
}

/// Why a token could not be decoded. Messages are one line, say how to fix the problem, and never
/// contain the raw input or a parameter value (so never the signature).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InspectError {
    #[error("no SAS token given: pass a SAS URL or its query string, e.g. 'https://ACCOUNT.blob.core.windows.net/CONTAINER?sv=...&sig=...'")]
    Empty,
    #[error("the input is not a valid URL ({reason}); quote the whole URL in the shell, or pass only the query string after '?'")]
    InvalidUrl { reason: String },
    #[error("not a SAS token: there is no {missing} parameter; pass the full SAS URL or its query string (a SAS always has `sv` and `sig`)")]
    NotASas { missing: &'static str },
    #[error("{what} has invalid percent-encoding (a '%' must be followed by two hex digits, and the result must be UTF-8); copy the token again, or encode a literal '%' as %25")]
    BadPercentEncoding { what: String },
    #[error("parameter `{name}` appears more than once; the service rejects or misreads repeated SAS parameters, so keep exactly one")]
    DuplicateParameter { name: String },
    #[error("`{param}` is not a valid time{hint}; use ISO 8601 UTC such as 2025-03-01T20:00:00Z")]
    InvalidTime {
        param: &'static str,
        hint: &'static str,
    },
    #[error("`{param}` {problem}; {fix}")]
    InvalidValue {
        param: &'static str,
        problem: String,
        fix: String,
    },
    #[error("this {kind} SAS has no `{param}`; {fix}")]
    MissingParameter {
        kind: SasKind,
        param: &'static str,
        fix: &'static str,
    },
    #[error("the token mixes account SAS parameters (`ss`/`srt`) with user delegation parameters (`sk*`); a SAS is one or the other, so mint it again")]
    MixedKinds,
    #[error("cannot tell what kind of SAS this is: it has no `sr` (service or user delegation SAS), no `ss`/`srt` (account SAS) and no `sk*` (user delegation key); only Blob SAS tokens can be inspected")]
    UnknownKind,
}

// ------------------------------------------------------------------------------------------------
// Input splitting and percent-decoding
// ------------------------------------------------------------------------------------------------

/// Where the token points, when the input was a URL.
#[derive(Default)]
struct Location {
    account: Option<String>,
    container: Option<String>,
    blob: Option<String>,
}

/// Strips surrounding whitespace and one pair of quotes, backticks or angle brackets, as left by
/// copying from shells, JSON, YAML, Markdown or chat.
fn trim_input(input: &str) -> &str {
    let s = input.trim();
    for (open, close) in [('"', '"'), ('\'', '\''), ('`', '`'), ('<', '>')] {
        if let Some(inner) = s.strip_prefix(open).and_then(|r| r.strip_suffix(close)) {
            return inner.trim();
        }
    }
    s
}

/// Splits the input into an optional location (for URLs) and the raw query string.
fn split_input(input: &str) -> Result<(Location, String), InspectError> {
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

fn strip_fragment(s: &str) -> &str {
    s.split('#').next().unwrap_or("")
}

fn parse_url(s: &str) -> Result<(Location, String), InspectError> {
    let url = url::Url::parse(s).map_err(|e| InspectError::InvalidUrl {
        reason: e.to_string(),
    })?;
    let path_bad = || InspectError::BadPercentEncoding {
        what: "the URL path".to_owned(),
    };
    let mut segments: Vec<String> = Vec::new();
    if let Some(raw) = url.path_segments() {
        for seg in raw {
            segments.push(percent_decode(seg, false).ok_or_else(path_bad)?);
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

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Strict percent-decoding: every `%` must start a valid escape and the result must be UTF-8.
/// In a query string the service reads `+` as a space (`plus_as_space`).
fn percent_decode(s: &str, plus_as_space: bool) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'%' => {
                let hi = bytes.get(i + 1).copied().and_then(hex_value)?;
                let lo = bytes.get(i + 2).copied().and_then(hex_value)?;
                out.push((hi << 4) | lo);
                i += 3;
            }
            b'+' if plus_as_space => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Parameters of an account SAS that a service or user delegation SAS does not use.
const ACCOUNT_PARAMS: &[&str] = &["ss", "srt"];

/// Whether `name` (any case) is a parameter this module knows.
fn is_known_param(name: &str) -> bool {
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
struct Param {
    /// Decoded, lower-case name (the service matches names case-insensitively).
    key: String,
    /// Safe-to-print name.
    name: String,
    /// Value as it appears in the query string.
    raw: String,
    /// Percent-decoded value (`+` read as a space).
    value: String,
}

struct Params(Vec<Param>);

impl Params {
    fn parse(query: &str) -> Result<Self, InspectError> {
        let mut list = Vec::new();
        let mut seen = HashSet::new();
        for part in query.split('&') {
            if part.is_empty() {
                continue;
            }
            let (raw_name, raw_value) = part.split_once('=').unwrap_or((part, ""));
            let decoded_name =
                percent_decode(raw_name, true).ok_or_else(|| InspectError::BadPercentEncoding {
                    what: "a parameter name".to_owned(),
                })?;
            let name = display_name(&decoded_name);
            let value = percent_decode(raw_value, true).ok_or_else(|| {
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

    fn get(&self, key: &str) -> Option<&Param> {
        self.0.iter().find(|p| p.key == key)
    }

    /// The decoded value; empty values count as absent (the SDKs drop empty parameters).
    fn value(&self, key: &str) -> Option<String> {
        self.get(key)
            .map(|p| p.value.clone())
            .filter(|v| !v.is_empty())
    }

    fn has(&self, key: &str) -> bool {
        self.value(key).is_some()
    }
}

// ------------------------------------------------------------------------------------------------
// Field parsing
// ------------------------------------------------------------------------------------------------

/// Parses the time forms the service accepts: RFC 3339 (`2025-03-01T20:00:00Z`, with optional
/// fractional seconds), minute precision (`2025-03-01T20:00Z`) and date only (`2025-03-01`).
fn parse_time(param: &'static str, value: &str) -> Result<OffsetDateTime, InspectError> {
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

fn parse_version(value: &str) -> Result<(), InspectError> {
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
fn safe_char(c: char) -> String {
    if c.is_ascii_alphanumeric() {
        format!("'{c}'")
    } else {
        "a non-letter character".to_owned()
    }
}

fn parse_letters(
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

fn resource_meaning(code: &str) -> Option<&'static str> {
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
fn split_names(raw: &str, param: &'static str) -> Result<Vec<String>, InspectError> {
    raw.split(',')
        .filter(|n| !n.is_empty())
        .map(|n| {
            percent_decode(n, true).ok_or_else(|| InspectError::BadPercentEncoding {
                what: format!("parameter `{param}`"),
            })
        })
        .collect()
}

fn canonical_blob_order(sp: &str) -> String {
    CANONICAL_PERMISSIONS
        .chars()
        .filter(|c| sp.contains(*c))
        .collect()
}

/// Positions of each letter in canonical order strictly increase: canonical, no repeats.
fn is_canonical_blob(sp: &str) -> bool {
    let mut last: Option<usize> = None;
    for c in sp.chars() {
        let Some(pos) = CANONICAL_PERMISSIONS.find(c) else {
            return false;
        };
        if last.is_some_and(|l| pos <= l) {
            return false;
        }
        last = Some(pos);
    }
    true
}

fn has_no_repeats(sp: &str) -> bool {
    let mut seen = HashSet::new();
    sp.chars().all(|c| seen.insert(c))
}

/// Human-readable duration: `8h`, `1d 2h 30m`, `45s`.
fn human_duration(seconds: i64) -> String {
    let s = seconds.unsigned_abs();
    let (d, h, m, sec) = (s / 86_400, (s % 86_400) / 3600, (s % 3600) / 60, s % 60);
    let mut parts = Vec::new();
    if d > 0 {
        parts.push(format!("{d}d"));
    }
    if h > 0 {
        parts.push(format!("{h}h"));
    }
    if m > 0 {
        parts.push(format!("{m}m"));
    }
    if sec > 0 || parts.is_empty() {
        parts.push(format!("{sec}s"));
    }
    parts.join(" ")
}

fn seconds_between(from: OffsetDateTime, to: OffsetDateTime) -> Option<i64> {
    to.unix_timestamp().checked_sub(from.unix_timestamp())
}

fn letter_list(letters: &[Letter], set: &str) -> String {
    let mut seen = HashSet::new();
    letters
        .iter()
        .filter(|l| set.contains(l.letter) && seen.insert(l.letter))
        .map(|l| format!("{} ({})", l.letter, l.meaning))
        .collect::<Vec<_>>()
        .join(", ")
}

// ------------------------------------------------------------------------------------------------
// inspect
// ------------------------------------------------------------------------------------------------

struct Warnings(Vec<Warning>);

impl Warnings {
    fn add(&mut self, code: &'static str, message: String) {
        self.0.push(Warning { code, message });
    }
}

/// Parsed times, kept next to the [`Inspection`] (which reports them as given).
struct Times {
    start: Option<OffsetDateTime>,
    expiry: Option<OffsetDateTime>,
    /// `(skt, ske)` of a user delegation SAS.
    key: Option<(OffsetDateTime, OffsetDateTime)>,
}

/// What the scan of all parameters found besides the SAS fields.
#[derive(Default)]
struct Extras {
    snapshot: Option<String>,
    version_id: Option<String>,
    request_parameters: Vec<String>,
    unknown_parameters: Vec<String>,
}

/// Decodes a SAS token (bare query string, with or without `?`, or a full URL) and lints it.
///
/// `now` is used only for `expires_in_seconds` and the `expired` / `not_yet_valid` warnings.
pub fn inspect(input: &str, now: OffsetDateTime) -> Result<Inspection, InspectError> {
    let (location, query) = split_input(input)?;
    let params = Params::parse(&query)?;

    let (sv, sig) = match (params.get("sv"), params.get("sig")) {
        (None, None) => {
            return Err(InspectError::NotASas {
                missing: "`sv` or `sig`",
            })
        }
        (None, Some(_)) => return Err(InspectError::NotASas { missing: "`sv`" }),
        (Some(_), None) => return Err(InspectError::NotASas { missing: "`sig`" }),
        (Some(sv), Some(sig)) => (sv, sig),
    };
    if sig.value.is_empty() {
        return Err(InspectError::InvalidValue {
            param: "sig",
            problem: "is empty".to_owned(),
            fix: "copy the whole token again; the signature is the `sig=` value".to_owned(),
        });
    }
    parse_version(&sv.value)?;
    let kind = detect_kind(&params)?;

    let stored_policy = params.value("si");
    let policy_may_supply = kind == SasKind::Service && stored_policy.is_some();
    let resource = decode_resource(kind, &params)?;

    // Permissions.
    let permissions = params.value("sp");
    if permissions.is_none() && !policy_may_supply {
        return Err(InspectError::MissingParameter {
            kind,
            param: "sp",
            fix: "without a stored access policy (si) a SAS must carry its permissions in sp; mint it again",
        });
    }
    let table = if kind == SasKind::Account {
        ACCOUNT_PERMISSIONS
    } else {
        BLOB_PERMISSIONS
    };
    let permission_details = match &permissions {
        Some(sp) => parse_letters("sp", sp, table)?,
        None => Vec::new(),
    };
    let permissions_canonical = permissions.as_deref().map(|sp| {
        if kind == SasKind::Account {
            has_no_repeats(sp)
        } else {
            is_canonical_blob(sp)
        }
    });

    // Times.
    let start = params.value("st");
    let expiry = params.value("se");
    let start_t = start.as_deref().map(|v| parse_time("st", v)).transpose()?;
    let expiry_t = expiry.as_deref().map(|v| parse_time("se", v)).transpose()?;
    if expiry_t.is_none() && !policy_may_supply {
        return Err(InspectError::MissingParameter {
            kind,
            param: "se",
            fix: "without a stored access policy (si) a SAS must carry its expiry in se; mint it again",
        });
    }
    let lifetime_seconds = match (start_t, expiry_t) {
        (Some(s), Some(e)) => seconds_between(s, e),
        _ => None,
    };

    let protocol = params.value("spr");
    let http_allowed = match &protocol {
        None => true,
        Some(p) => allows_http(p)?,
    };

    let (delegation, key_times) = if kind == SasKind::UserDelegation {
        let (d, skt, ske) = decode_delegation(&params)?;
        (Some(d), Some((skt, ske)))
    } else {
        (None, None)
    };

    let (services, resource_types) = if kind == SasKind::Account {
        let (ss, srt) = decode_account_scope(&params)?;
        (Some(ss), Some(srt))
    } else {
        (None, None)
    };

    let mut warnings = Warnings(Vec::new());
    let extras = scan_parameters(kind, &params, &mut warnings);

    let mut inspection = Inspection {
        kind,
        signed_version: sv.value.clone(),
        account: location.account,
        container: location.container,
        blob: location.blob,
        snapshot: extras.snapshot,
        version_id: extras.version_id,
        resource,
        permissions,
        permission_details,
        permissions_canonical,
        start,
        expiry,
        lifetime_seconds,
        expires_in_seconds: expiry_t.and_then(|e| seconds_between(now, e)),
        protocol,
        http_allowed,
        ip: params.value("sip"),
        encryption_scope: params.value("ses"),
        stored_policy,
        response_headers: ResponseHeaders {
            cache_control: params.value("rscc"),
            content_disposition: params.value("rscd"),
            content_encoding: params.value("rsce"),
            content_language: params.value("rscl"),
            content_type: params.value("rsct"),
        },
        delegation,
        services,
        resource_types,
        signature: "present",
        signature_length: sig.value.chars().count(),
        request_parameters: extras.request_parameters,
        unknown_parameters: extras.unknown_parameters,
        warnings: Vec::new(),
    };

    let times = Times {
        start: start_t,
        expiry: expiry_t,
        key: key_times,
    };
    // Risk first, then problems with the token itself.
    let mut all = Warnings(Vec::new());
    lint_permissions(&inspection, &mut all);
    lint_protocol(&inspection, &mut all);
    lint_times(&inspection, &times, now, &mut all);
    lint_ip(&inspection, &mut all);
    lint_signature(&sig.raw, &mut all);
    all.0.append(&mut warnings.0);
    lint_versions(&inspection, &params, &mut all);
    lint_directory_depth(&inspection, &mut all);
    inspection.warnings = all.0;
    Ok(inspection)
}

fn detect_kind(params: &Params) -> Result<SasKind, InspectError> {
    let is_ud = UD_KEY_PARAMS.iter().any(|k| params.has(k));
    let is_account = params.has("ss") || params.has("srt");
    match (is_ud, is_account) {
        (true, true) => Err(InspectError::MixedKinds),
        (true, false) => Ok(SasKind::UserDelegation),
        (false, true) => Ok(SasKind::Account),
        (false, false) if params.has("sr") => Ok(SasKind::Service),
        (false, false) => Err(InspectError::UnknownKind),
    }
}

fn decode_resource(kind: SasKind, params: &Params) -> Result<Option<Resource>, InspectError> {
    if kind == SasKind::Account {
        return Ok(None);
    }
    let code = params.value("sr").ok_or(InspectError::MissingParameter {
        kind,
        param: "sr",
        fix: "a user delegation SAS names its resource with sr=c, b, bs, bv or d; mint it again",
    })?;
    let meaning = resource_meaning(&code).ok_or_else(|| InspectError::InvalidValue {
        param: "sr",
        problem: "is not a known resource type".to_owned(),
        fix: "it must be c (container), b (blob), bs (snapshot), bv (version) or d (directory)"
            .to_owned(),
    })?;
    let directory_depth = match params.value("sdd") {
        Some(v) => Some(v.parse::<u32>().map_err(|_| InspectError::InvalidValue {
            param: "sdd",
            problem: "is not a non-negative whole number".to_owned(),
            fix: "it is the number of '/'-separated segments of the directory path, e.g. 3 for raw/2025/03".to_owned(),
        })?),
        None if code == "d" => {
            return Err(InspectError::MissingParameter {
                kind,
                param: "sdd",
                fix: "a directory SAS (sr=d) needs sdd, the number of segments of the directory path",
            })
        }
        None => None,
    };
    Ok(Some(Resource {
        code,
        meaning,
        directory_depth,
    }))
}

/// `spr` must be a comma-separated list of `https` and `http`; returns whether `http` is in it.
fn allows_http(spr: &str) -> Result<bool, InspectError> {
    let mut http = false;
    for token in spr.split(',') {
        match token.trim() {
            "https" => {}
            "http" => http = true,
            _ => {
                return Err(InspectError::InvalidValue {
                    param: "spr",
                    problem: "is not a valid protocol list".to_owned(),
                    fix: "it must be https or https,http".to_owned(),
                })
            }
        }
    }
    Ok(http)
}

fn decode_delegation(
    params: &Params,
) -> Result<(Delegation, OffsetDateTime, OffsetDateTime), InspectError> {
    let required = |param: &'static str| {
        params.value(param).ok_or(InspectError::MissingParameter {
            kind: SasKind::UserDelegation,
            param,
            fix: "a user delegation SAS carries all six key fields (skoid, sktid, skt, ske, sks, skv); copy the whole token again",
        })
    };
    let names = |param: &'static str| match params.get(param) {
        Some(p) => split_names(&p.raw, param),
        None => Ok(Vec::new()),
    };
    let delegation = Delegation {
        signed_oid: required("skoid")?,
        signed_tid: required("sktid")?,
        key_start: required("skt")?,
        key_expiry: required("ske")?,
        key_service: required("sks")?,
        key_version: required("skv")?,
        delegated_user_tid: params.value("skdutid"),
        delegated_user_oid: params.value("sduoid"),
        authorized_user_oid: params.value("saoid"),
        unauthorized_user_oid: params.value("suoid"),
        correlation_id: params.value("scid"),
        required_headers: names("srh")?,
        required_query_parameters: names("srq")?,
    };
    let skt = parse_time("skt", &delegation.key_start)?;
    let ske = parse_time("ske", &delegation.key_expiry)?;
    Ok((delegation, skt, ske))
}

fn decode_account_scope(params: &Params) -> Result<(Vec<Letter>, Vec<Letter>), InspectError> {
    let ss = params.value("ss").ok_or(InspectError::MissingParameter {
        kind: SasKind::Account,
        param: "ss",
        fix: "an account SAS lists its services in ss (b, f, q, t); mint it again",
    })?;
    let srt = params.value("srt").ok_or(InspectError::MissingParameter {
        kind: SasKind::Account,
        param: "srt",
        fix: "an account SAS lists its resource types in srt (s, c, o); mint it again",
    })?;
    Ok((
        parse_letters("ss", &ss, ACCOUNT_SERVICES)?,
        parse_letters("srt", &srt, ACCOUNT_RESOURCE_TYPES)?,
    ))
}

/// Sorts every parameter that is not a field of this kind of SAS: request parameters, known SAS
/// parameters that do not belong here, and unknown ones (reported by name only).
fn scan_parameters(kind: SasKind, params: &Params, warnings: &mut Warnings) -> Extras {
    let mut extras = Extras::default();
    for p in &params.0 {
        let k = p.key.as_str();
        let in_resource = RESOURCE_PARAMS.contains(&k);
        let in_ud = UD_KEY_PARAMS.contains(&k) || UD_ONLY_PARAMS.contains(&k);
        let applies = COMMON_PARAMS.contains(&k)
            || match kind {
                SasKind::UserDelegation => in_resource || in_ud,
                SasKind::Service => in_resource || k == "si",
                SasKind::Account => k == "ss" || k == "srt",
            };
        if applies {
            continue;
        }
        let known_sas = in_resource || in_ud || matches!(k, "si" | "ss" | "srt");
        if REQUEST_PARAMS.contains(&k) {
            match k {
                "snapshot" => extras.snapshot = Some(p.value.clone()),
                "versionid" => extras.version_id = Some(p.value.clone()),
                _ => {}
            }
            extras.request_parameters.push(p.name.clone());
        } else if k == "si" && kind == SasKind::UserDelegation {
            warnings.add(
                "stored_policy_with_user_delegation",
                "si is set, but a user delegation SAS cannot use a stored access policy; the service rejects it, so mint it without si".to_owned(),
            );
        } else if known_sas {
            warnings.add(
                "ignored_parameter",
                format!(
                    "`{}` is not part of a {kind} SAS; it is not signed and the service ignores it, so drop it",
                    p.name
                ),
            );
        } else {
            extras.unknown_parameters.push(p.name.clone());
            warnings.add(
                "unknown_parameter",
                format!(
                    "unknown parameter `{}` (value not shown); the service ignores it or rejects the request, so check for a typo or a parameter pasted from another URL",
                    p.name
                ),
            );
        }
    }
    extras
}

fn lint_permissions(i: &Inspection, w: &mut Warnings) {
    let write_set = if i.kind == SasKind::Account {
        ACCOUNT_WRITE_LETTERS
    } else {
        BLOB_WRITE_LETTERS
    };
    let writes = letter_list(&i.permission_details, write_set);
    if !writes.is_empty() {
        w.add(
            "write_access",
            format!("grants write access: {writes}; holders can change data, so prefer a read-only token unless writes are needed"),
        );
    }
    let deletes = letter_list(&i.permission_details, DELETE_LETTERS);
    if !deletes.is_empty() {
        w.add(
            "delete_access",
            format!("grants delete access: {deletes}; holders can destroy data"),
        );
    }
    if let (Some(sp), Some(false)) = (&i.permissions, i.permissions_canonical) {
        let message = if i.kind == SasKind::Account {
            format!("sp={sp} repeats a letter; the service rejects malformed permissions, so list each letter once")
        } else {
            format!(
                "sp={sp} is not in the canonical order {CANONICAL_PERMISSIONS} or repeats a letter; Azure rejects it with 403 'Signature fields not well formed', so mint it again with sp={}",
                canonical_blob_order(sp)
            )
        };
        w.add("non_canonical_permissions", message);
    }
    if let (Some(services), Some(types)) = (&i.services, &i.resource_types) {
        let services = services
            .iter()
            .map(|l| l.meaning)
            .collect::<Vec<_>>()
            .join(", ");
        let types = types.iter().map(|l| l.letter).collect::<String>();
        w.add(
            "account_scope",
            format!("account SAS: grants access across the whole account (services: {services}; resource types: {types}), not one container or blob; prefer a user delegation SAS scoped to a container or blob"),
        );
    }
}

fn lint_protocol(i: &Inspection, w: &mut Warnings) {
    if !i.http_allowed {
        return;
    }
    let message = match &i.protocol {
        None => "spr is not set, so the token also works over plain HTTP, where it can be intercepted; mint it with spr=https".to_owned(),
        Some(p) => format!("spr={p} allows plain HTTP, where the token can be intercepted; mint it with spr=https"),
    };
    w.add("http_allowed", message);
}

fn lint_times(i: &Inspection, t: &Times, now: OffsetDateTime, w: &mut Warnings) {
    if let (Some(s), Some(e)) = (t.start, t.expiry) {
        if e <= s {
            w.add(
                "expiry_not_after_start",
                "se is not after st, so the service rejects the token (403); mint it with se after st".to_owned(),
            );
        }
    }
    // Without `st`, the thresholds use the remaining validity.
    let (lifetime, basis) = if t.start.is_some() {
        (i.lifetime_seconds, "lifetime")
    } else {
        (i.expires_in_seconds, "remaining validity (no st)")
    };
    if let Some(life) = lifetime {
        if life > MAX_LIFETIME_SECONDS + START_SKEW_SECONDS {
            let extra = if i.kind == SasKind::UserDelegation {
                "; a user delegation SAS cannot outlive its key (at most 7 days) anyway"
            } else {
                ""
            };
            w.add(
                "lifetime_over_7_days",
                format!("{basis} is {} (over 7 days); a leaked long-lived token is hard to revoke, so keep it short{extra}", human_duration(life)),
            );
        }
        if life > LONG_LIVED_SECONDS && i.ip.is_none() {
            w.add(
                "no_ip_restriction_long_lived",
                format!("{basis} is {} (over 24h) and any IP address may use it; add sip= to restrict it to known clients, or shorten it", human_duration(life)),
            );
        }
    }
    if let (Some(se), Some(left)) = (&i.expiry, i.expires_in_seconds) {
        if left <= 0 {
            w.add(
                "expired",
                format!(
                    "expired {} ago (se={se}); mint a new token",
                    human_duration(left)
                ),
            );
        }
    }
    if let (Some(st), Some(until)) = (&i.start, t.start.and_then(|s| seconds_between(now, s))) {
        if until > 0 {
            w.add(
                "not_yet_valid",
                format!(
                    "not valid until st={st} (in {}); requests before then get 403",
                    human_duration(until)
                ),
            );
        }
    }
    let (Some(d), Some((skt, ske))) = (&i.delegation, t.key) else {
        return;
    };
    if let Some(left) = seconds_between(now, ske).filter(|l| *l <= 0) {
        w.add(
            "expired",
            format!("its user delegation key expired {} ago (ske={}), so the token no longer works; mint a new one", human_duration(left), d.key_expiry),
        );
    }
    if let Some(until) = seconds_between(now, skt).filter(|u| *u > 0) {
        w.add(
            "not_yet_valid",
            format!(
                "its user delegation key is not valid until skt={} (in {})",
                d.key_start,
                human_duration(until)
            ),
        );
    }
    if let (Some(se), Some(et)) = (&i.expiry, t.expiry) {
        if et > ske {
            w.add(
                "expiry_after_key_expiry",
                format!("se={se} is after the key expiry ske={}; the token stops working when the key expires, so mint it with se no later than ske", d.key_expiry),
            );
        }
    }
}

/// Checks the signature as it appears in the query. The value itself is never reported.
fn lint_ip(i: &Inspection, w: &mut Warnings) {
    let Some((first, last)) = i.ip.as_deref().and_then(|ip| ip.split_once('-')) else {
        return;
    };
    let (Ok(first), Ok(last)) = (
        first.trim().parse::<std::net::IpAddr>(),
        last.trim().parse::<std::net::IpAddr>(),
    ) else {
        return;
    };
    let reversed = match (first, last) {
        (std::net::IpAddr::V4(a), std::net::IpAddr::V4(b)) => a > b,
        (std::net::IpAddr::V6(a), std::net::IpAddr::V6(b)) => a > b,
        _ => false,
    };
    if reversed {
        w.add(
            "ip_range_reversed",
            format!("sip={first}-{last} starts after it ends, so no client address is in the range and every request is refused (403); mint it with the lower address first ({last}-{first})"),
        );
    }
}

fn lint_signature(raw: &str, w: &mut Warnings) {
    if raw.contains('+') {
        w.add(
            "unencoded_plus_in_signature",
            "sig contains a raw '+' which the service decodes as a space, so requests fail with 403; percent-encode '+' as %2B (the signature itself is not shown)".to_owned(),
        );
    }
    // Read a raw '+' as the '+' it was meant to be, so this only flags other damage.
    let intended = percent_decode(raw, false).unwrap_or_default();
    let is_hmac = base64::engine::general_purpose::STANDARD
        .decode(intended.as_bytes())
        .is_ok_and(|bytes| bytes.len() == 32);
    if !is_hmac {
        w.add(
            "malformed_signature",
            "sig is not a base64 HMAC-SHA256 value (44 characters ending in '='); the token was probably truncated or mangled when copied".to_owned(),
        );
    }
}

fn lint_versions(i: &Inspection, params: &Params, w: &mut Warnings) {
    let sv = i.signed_version.as_str();
    for &(param, min) in MIN_VERSIONS {
        if params.has(param) && sv < min {
            w.add(
                "unsupported_by_version",
                format!("`{param}` needs sv {min} or later but the token has sv={sv}; the service ignores it or the signature fails"),
            );
        }
    }
    if let Some(r) = &i.resource {
        let min = match r.code.as_str() {
            "bv" => Some("2019-12-12"),
            "d" => Some("2020-02-10"),
            _ => None,
        };
        if let Some(min) = min.filter(|m| sv < *m) {
            w.add(
                "unsupported_by_version",
                format!(
                    "sr={} needs sv {min} or later but the token has sv={sv}",
                    r.code
                ),
            );
        }
    }
    if i.kind == SasKind::UserDelegation && sv < "2018-11-09" {
        w.add(
            "unsupported_by_version",
            format!("a user delegation SAS needs sv 2018-11-09 or later but the token has sv={sv}"),
        );
    }
}

/// For a directory SAS given as a URL, `sdd` must equal the depth of the directory path.
fn lint_directory_depth(i: &Inspection, w: &mut Warnings) {
    let (Some(r), Some(path)) = (&i.resource, &i.blob) else {
        return;
    };
    let (Some(sdd), "d") = (r.directory_depth, r.code.as_str()) else {
        return;
    };
    let trimmed = path.trim_matches('/');
    let depth = if trimmed.is_empty() {
        0
    } else {
        trimmed.split('/').count()
    };
    if u32::try_from(depth).ok() != Some(sdd) {
        w.add(
            "directory_depth_mismatch",
            format!("sdd={sdd} but the directory path in the URL has {depth} segment(s); the service answers 'Signed Directory Depth Invalid'"),
        );
    }
}

// ------------------------------------------------------------------------------------------------
// Text output
// ------------------------------------------------------------------------------------------------

/// Escapes control characters so a value cannot break lines or drive the terminal.
fn printable(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
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
    let directory = i.resource.as_ref().is_some_and(|r| r.code == "d");
    for (key, value) in [
        ("account", &i.account),
        ("container", &i.container),
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
        out.push_str(&format!("{label:<width$} {}\n", printable(&value)));
    }
    if i.warnings.is_empty() {
        out.push_str("no warnings\n");
    } else {
        for w in &i.warnings {
            out.push_str(&format!(
                "warning: {} [{}]\n",
                printable(&w.message),
                w.code
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod proptests;
