//! What `inspect` reports: the decoded token ([`Inspection`]), its warnings, the errors, and
//! the thresholds the warnings use.

use std::fmt;

use serde::Serialize;

/// Above this lifetime (24 hours) a token counts as long-lived. A long-lived token without an IP
/// restriction (`sip`) gets the `no_ip_restriction_long_lived` warning.
pub const LONG_LIVED_SECONDS: i64 = 24 * 60 * 60;

/// Above this lifetime (7 days) a token gets the `lifetime_over_7_days` warning. A user delegation
/// key lives at most 7 days, so no user delegation SAS can be used for longer than that.
pub const MAX_LIFETIME_SECONDS: i64 = 7 * 24 * 60 * 60;

/// How far `st` may be back-dated against clock skew without counting towards
/// `lifetime_over_7_days` (sasmint, like the SDKs' samples, starts tokens 15 minutes early).
pub const START_SKEW_SECONDS: i64 = 15 * 60;

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
    pub fn is_empty(&self) -> bool {
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
    /// `sks` (`b` for Blob, `q` for Queue).
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
    /// `blob` or `queue` (a user delegation key from the queue endpoint, `sks=q`); `null` for
    /// an account SAS.
    pub service: Option<&'static str>,
    /// From the URL (first host label, or first path segment for IP and single-label hosts such
    /// as `127.0.0.1:10000` or `localhost`). `null` for a bare query string.
    pub account: Option<String>,
    /// From the URL path, percent-decoded.
    pub container: Option<String>,
    /// A queue token's queue, from the URL path.
    pub queue: Option<String>,
    /// From the URL path, percent-decoded; for `sr=d` this is the directory path.
    pub blob: Option<String>,
    /// `snapshot=` request parameter in the URL (signed through the snapshot line, not in the SAS).
    pub snapshot: Option<String>,
    /// `versionid=` request parameter in the URL.
    pub version_id: Option<String>,
    /// `sr`; `null` for an account SAS and a queue token.
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
    /// True for a request-bound token (`srh`/`srq`, service version 2026-04-06): the service
    /// refuses every request that does not carry the headers and query parameters named in
    /// `delegation.required_headers` and `delegation.required_query_parameters`, with the
    /// values signed into the token (which the token does not show).
    pub request_bound: bool,
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
    #[error("cannot tell what kind of SAS this is: it has no `sr` (service or user delegation SAS), no `ss`/`srt` (account SAS) and no `sk*` (user delegation key); only Blob SAS tokens and user delegation queue tokens can be inspected")]
    UnknownKind,
}
