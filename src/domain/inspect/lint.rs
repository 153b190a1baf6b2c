//! The warnings: each `lint_*` function looks at one aspect of a decoded token.

use std::collections::HashSet;

use base64::Engine as _;
use time::OffsetDateTime;

use super::model::{
    Inspection, Letter, SasKind, Warning, LONG_LIVED_SECONDS, MAX_LIFETIME_SECONDS,
    START_SKEW_SECONDS,
};
use super::params::Params;
use super::tables::{
    ACCOUNT_WRITE_LETTERS, BLOB_WRITE_LETTERS, DELETE_LETTERS, MIN_VERSIONS, QUEUE_DELETE_LETTERS,
    QUEUE_MIN_VERSION, QUEUE_WRITE_LETTERS,
};
use crate::domain::encoding::{percent_decode, Escapes};
use crate::domain::permissions::{CANONICAL, QUEUE};

pub(super) fn canonical_order(sp: &str, order: &str) -> String {
    order.chars().filter(|c| sp.contains(*c)).collect()
}

/// Positions of each letter in canonical order strictly increase: canonical, no repeats.
pub(super) fn is_canonical(sp: &str, order: &str) -> bool {
    let mut last: Option<usize> = None;
    for c in sp.chars() {
        let Some(pos) = order.find(c) else {
            return false;
        };
        if last.is_some_and(|l| pos <= l) {
            return false;
        }
        last = Some(pos);
    }
    true
}

pub(super) fn has_no_repeats(sp: &str) -> bool {
    let mut seen = HashSet::new();
    sp.chars().all(|c| seen.insert(c))
}

/// Human-readable duration: `8h`, `1d 2h 30m`, `45s`.
pub fn human_duration(seconds: i64) -> String {
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

pub(super) fn seconds_between(from: OffsetDateTime, to: OffsetDateTime) -> Option<i64> {
    to.unix_timestamp().checked_sub(from.unix_timestamp())
}

pub(super) fn letter_list(letters: &[Letter], set: &str) -> String {
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

pub(super) struct Warnings(pub(super) Vec<Warning>);

impl Warnings {
    pub(super) fn add(&mut self, code: &'static str, message: String) {
        self.0.push(Warning { code, message });
    }
}

/// Parsed times, kept next to the [`Inspection`] (which reports them as given).
pub(super) struct Times {
    pub(super) start: Option<OffsetDateTime>,
    pub(super) expiry: Option<OffsetDateTime>,
    /// `(skt, ske)` of a user delegation SAS.
    pub(super) key: Option<(OffsetDateTime, OffsetDateTime)>,
}

pub(super) fn lint_permissions(i: &Inspection, w: &mut Warnings) {
    let queue = i.service == Some("queue");
    let (write_set, delete_set, order) = match i.kind {
        SasKind::Account => (ACCOUNT_WRITE_LETTERS, DELETE_LETTERS, CANONICAL),
        _ if queue => (QUEUE_WRITE_LETTERS, QUEUE_DELETE_LETTERS, QUEUE),
        _ => (BLOB_WRITE_LETTERS, DELETE_LETTERS, CANONICAL),
    };
    let writes = letter_list(&i.permission_details, write_set);
    if !writes.is_empty() {
        w.add(
            "write_access",
            format!("grants write access: {writes}; holders can change data, so prefer a read-only token unless writes are needed"),
        );
    }
    let deletes = letter_list(&i.permission_details, delete_set);
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
                "sp={sp} is not in the canonical order {order} or repeats a letter; Azure rejects it with 403 'Signature fields not well formed', so mint it again with sp={}",
                canonical_order(sp, order)
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

pub(super) fn lint_protocol(i: &Inspection, w: &mut Warnings) {
    if !i.http_allowed {
        return;
    }
    let message = match &i.protocol {
        None => "spr is not set, so the token also works over plain HTTP, where it can be intercepted; mint it with spr=https".to_owned(),
        Some(p) => format!("spr={p} allows plain HTTP, where the token can be intercepted; mint it with spr=https"),
    };
    w.add("http_allowed", message);
}

pub(super) fn lint_times(i: &Inspection, t: &Times, now: OffsetDateTime, w: &mut Warnings) {
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
pub(super) fn lint_ip(i: &Inspection, w: &mut Warnings) {
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

pub(super) fn lint_signature(raw: &str, w: &mut Warnings) {
    if raw.contains('+') {
        w.add(
            "unencoded_plus_in_signature",
            "sig contains a raw '+' which the service decodes as a space, so requests fail with 403; percent-encode '+' as %2B (the signature itself is not shown)".to_owned(),
        );
    }
    // Read a raw '+' as the '+' it was meant to be, so this only flags other damage.
    let intended = percent_decode(raw, Escapes::Strict, false).unwrap_or_default();
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

pub(super) fn lint_versions(i: &Inspection, params: &Params, w: &mut Warnings) {
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
    if i.service == Some("queue") && sv < QUEUE_MIN_VERSION {
        w.add(
            "unsupported_by_version",
            format!("a user delegation SAS for a queue needs sv {QUEUE_MIN_VERSION} or later but the token has sv={sv}"),
        );
    }
    if i.kind == SasKind::UserDelegation && sv < "2018-11-09" {
        w.add(
            "unsupported_by_version",
            format!("a user delegation SAS needs sv 2018-11-09 or later but the token has sv={sv}"),
        );
    }
}

/// For a directory SAS given as a URL, `sdd` must equal the depth of the directory path.
pub(super) fn lint_directory_depth(i: &Inspection, w: &mut Warnings) {
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
