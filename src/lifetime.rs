//! Lifetimes: parsing durations and times, the token's window, and the delegation key's. Pure.

use crate::error::{Failure, Result};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

/// The longest a user delegation key (and so its tokens) can live.
pub const MAX_LIFETIME: Duration = Duration::days(7);
/// Back-dating of start times, against clock skew between this machine and the service.
pub const SKEW: Duration = Duration::minutes(15);
/// How far under the 7-day limit a key request stays: the service measures the limit
/// against its own clock, so an expiry of exactly now+7d is refused when clocks differ.
pub const KEY_MARGIN: Duration = Duration::minutes(5);

/// Parses `90m`, `8h`, `7d`, `1d12h`, `45s` (units s, m, h, d, w).
pub fn parse_duration(text: &str) -> Result<Duration> {
    let bad = || {
        Failure::usage(format!("'{text}' is not a duration"))
            .hint("use a number and a unit: 90m, 8h, 7d (units s, m, h, d, w)")
    };
    let mut total = Duration::ZERO;
    let mut number = String::new();
    let mut saw_unit = false;
    for c in text.trim().chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: i64 = number.parse().map_err(|_| bad())?;
        number.clear();
        let unit = match c {
            's' => Duration::seconds(1),
            'm' => Duration::minutes(1),
            'h' => Duration::hours(1),
            'd' => Duration::days(1),
            'w' => Duration::weeks(1),
            _ => return Err(bad()),
        };
        let part = unit
            .checked_mul(i32::try_from(n).map_err(|_| bad())?)
            .ok_or_else(bad)?;
        total = total.checked_add(part).ok_or_else(bad)?;
        saw_unit = true;
    }
    if !number.is_empty() || !saw_unit {
        return Err(bad());
    }
    if total <= Duration::ZERO {
        return Err(Failure::usage(format!("the duration '{text}' is zero"))
            .hint("give a positive lifetime such as 8h"));
    }
    Ok(total)
}

/// Parses an RFC 3339 time (`2026-05-01T12:00:00Z`, offsets allowed), truncated to seconds.
pub fn parse_time(text: &str, flag: &str) -> Result<OffsetDateTime> {
    OffsetDateTime::parse(text.trim(), &Rfc3339)
        .map(truncate)
        .map_err(|_| {
            Failure::usage(format!("{flag} '{text}' is not an RFC 3339 time"))
                .hint("write it like 2026-05-01T12:00:00Z")
        })
}

/// Formats a time the way the service signs it: UTC, seconds, `Z`.
pub fn format(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Drops sub-second digits (the SDKs truncate rather than round) and converts to UTC.
pub fn truncate(t: OffsetDateTime) -> OffsetDateTime {
    t.to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .expect("0 is a valid nanosecond")
}

/// How the user asked for the token to end.
#[derive(Debug, Clone, Copy)]
pub enum Until {
    In(Duration),
    At(OffsetDateTime),
}

/// When the token is valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: OffsetDateTime,
    pub expiry: OffsetDateTime,
}

/// The token's window from the user's flags, checked against the 7-day limit.
pub fn window(now: OffsetDateTime, start: Option<OffsetDateTime>, until: Until) -> Result<Window> {
    let now = truncate(now);
    let start = start.unwrap_or(now - SKEW);
    let expiry = match until {
        Until::In(d) => now + d,
        Until::At(t) => truncate(t),
    };
    if expiry <= now {
        return Err(Failure::usage(format!(
            "the expiry {} is not in the future",
            format(expiry)
        ))
        .hint("pick a later --expiry, or use --expires-in 8h"));
    }
    if start >= expiry {
        return Err(Failure::usage(format!(
            "--start {} is not before the expiry {}",
            format(start),
            format(expiry)
        ))
        .hint("the start must come before the expiry"));
    }
    if expiry - now > MAX_LIFETIME {
        return Err(Failure::usage(format!(
            "the expiry {} is more than 7 days from now",
            format(expiry)
        ))
        .hint("a user delegation SAS lives at most 7 days (the life of its key): use --expires-in 7d or less"));
    }
    if now - start > MAX_LIFETIME {
        return Err(Failure::usage(format!(
            "--start {} is more than 7 days in the past",
            format(start)
        ))
        .hint("leave --start out: it defaults to 15 minutes ago"));
    }
    Ok(Window { start, expiry })
}

/// The start and expiry to ask the service for, and whether the expiry had to be clamped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyRequest {
    pub start: OffsetDateTime,
    pub expiry: OffsetDateTime,
    pub clamped: bool,
}

/// A key that covers `window` where it can: starting no later than the token (and back-dated
/// for skew), expiring with the token but never more than 7 days minus a margin from now.
pub fn key_request(now: OffsetDateTime, window: Window) -> KeyRequest {
    let now = truncate(now);
    let start = window.start.min(now - SKEW);
    let cap = now + MAX_LIFETIME - KEY_MARGIN;
    let expiry = window.expiry.min(cap);
    KeyRequest {
        start,
        expiry,
        clamped: expiry < window.expiry,
    }
}

/// Fits the token inside its key (`skt ≤ st`, `se ≤ ske`). Returns the window and whether the
/// expiry was shortened.
pub fn fit_to_key(
    window: Window,
    key_start: OffsetDateTime,
    key_expiry: OffsetDateTime,
) -> (Window, bool) {
    let expiry = window.expiry.min(key_expiry);
    let start = window.start.max(key_start);
    (Window { start, expiry }, expiry < window.expiry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-22 08:00:00.750 UTC);

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90m").unwrap(), Duration::minutes(90));
        assert_eq!(parse_duration("8h").unwrap(), Duration::hours(8));
        assert_eq!(parse_duration("7d").unwrap(), Duration::days(7));
        assert_eq!(parse_duration("1d12h").unwrap(), Duration::hours(36));
        assert_eq!(parse_duration("1w").unwrap(), Duration::days(7));
        for bad in [
            "",
            "8",
            "h",
            "8x",
            "-1h",
            "0h",
            "1.5h",
            "99999999999999d",
            "8 h",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn times_are_truncated_to_utc_seconds() {
        let t = parse_time("2026-05-01T14:30:45.999+02:00", "--expiry").unwrap();
        assert_eq!(format(t), "2026-05-01T12:30:45Z");
        assert!(parse_time("tomorrow", "--expiry").is_err());
    }

    #[test]
    fn default_window_backdates_start() {
        let w = window(NOW, None, Until::In(Duration::hours(8))).unwrap();
        assert_eq!(format(w.start), "2026-11-22T07:45:00Z");
        assert_eq!(format(w.expiry), "2026-11-22T16:00:00Z");
    }

    #[test]
    fn seven_days_is_allowed_and_more_is_refused() {
        assert!(window(NOW, None, Until::In(Duration::days(7))).is_ok());
        let e = window(
            NOW,
            None,
            Until::In(Duration::days(7) + Duration::seconds(1)),
        )
        .unwrap_err();
        assert!(e.message.contains("7 days"));
    }

    #[test]
    fn refuses_past_and_inverted_windows() {
        assert!(window(NOW, None, Until::At(datetime!(2026-11-22 07:00 UTC))).is_err());
        assert!(window(
            NOW,
            Some(datetime!(2026-11-22 12:00 UTC)),
            Until::At(datetime!(2026-11-22 11:00 UTC))
        )
        .is_err());
        assert!(window(
            NOW,
            Some(datetime!(2026-11-01 12:00 UTC)),
            Until::In(Duration::hours(1))
        )
        .is_err());
    }

    #[test]
    fn key_request_clamps_under_seven_days() {
        let w = window(NOW, None, Until::In(Duration::days(7))).unwrap();
        let k = key_request(NOW, w);
        assert!(k.clamped);
        assert_eq!(format(k.start), "2026-11-22T07:45:00Z");
        assert_eq!(format(k.expiry), "2026-11-29T07:55:00Z");
        let (fitted, shortened) = fit_to_key(w, k.start, k.expiry);
        assert!(shortened);
        assert_eq!(fitted.expiry, k.expiry);

        let w = window(NOW, None, Until::In(Duration::hours(8))).unwrap();
        let k = key_request(NOW, w);
        assert!(!k.clamped);
        assert_eq!(k.expiry, w.expiry);
        assert_eq!(fit_to_key(w, k.start, k.expiry), (w, false));
    }

    #[test]
    fn token_starts_no_earlier_than_key() {
        let w = window(NOW, None, Until::In(Duration::hours(1))).unwrap();
        let (fitted, _) = fit_to_key(w, NOW, NOW + Duration::hours(2));
        assert_eq!(fitted.start, truncate(NOW).max(NOW));
    }
}
