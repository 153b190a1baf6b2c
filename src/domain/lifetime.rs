//! Lifetimes: parsing durations and times, the token's window, and the delegation key's. Pure.

use crate::domain::error::{Failure, Result};
use crate::domain::shown;
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
        Failure::usage(format!("'{}' is not a duration", shown::value(text)))
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
        return Err(
            Failure::usage(format!("the duration '{}' is zero", shown::value(text)))
                .hint("give a positive lifetime such as 8h"),
        );
    }
    Ok(total)
}

/// The latest a delegation key's life may end after its start, as read from a key file or the
/// service: 7 days, plus a tolerance for clocks that differ. sasmint itself asks for at most
/// 7 days plus [`SKEW`] (the back-dated start); an hour leaves room for a service whose clock
/// is a little ahead, and still refuses any key longer than a week.
pub const KEY_LIFE_TOLERANCE: Duration = Duration::hours(1);

/// `t` in UTC to the second, if its UTC date has four digits (0000-9999): the range RFC 3339
/// and the service can write. `None` for anything else, such as `9999-12-31T23:59:59-23:59`.
pub fn utc_seconds(t: OffsetDateTime) -> Option<OffsetDateTime> {
    t.checked_to_offset(time::UtcOffset::UTC)
        .filter(|u| (0..=9999).contains(&u.year()))
        .and_then(|u| u.replace_nanosecond(0).ok())
}

/// Parses an RFC 3339 time (`2026-05-01T12:00:00Z`, offsets allowed), truncated to seconds.
/// A time whose UTC date is outside 0000-9999 is refused.
pub fn parse_time(text: &str, flag: &str) -> Result<OffsetDateTime> {
    let parsed = OffsetDateTime::parse(text.trim(), &Rfc3339).map_err(|_| {
        Failure::usage(format!(
            "{flag} '{}' is not an RFC 3339 time",
            shown::value(text)
        ))
        .hint("write it like 2026-05-01T12:00:00Z")
    })?;
    utc_seconds(parsed).ok_or_else(|| {
        // Trimmed, it parsed as RFC 3339: nothing in it needs escaping.
        Failure::usage(format!("{flag} '{}' is out of range", text.trim()))
            .hint("give a time within the next 7 days, like 2026-05-01T12:00:00Z")
    })
}

/// A duration the way durations are typed: `7d1s`, `8h`, `90m` (`0s` for none).
pub fn format_duration(d: Duration) -> String {
    let mut left = d.whole_seconds().max(0);
    let mut text = String::new();
    for (unit, seconds) in [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)] {
        if left >= seconds {
            text.push_str(&format!("{}{unit}", left / seconds));
            left %= seconds;
        }
    }
    if text.is_empty() {
        text.push_str("0s");
    }
    text
}

/// Formats a time the way the service signs it: UTC, seconds, `Z`. A time with no UTC form
/// (out of range) is shown as RFC 3339 with its own offset, for messages only.
pub fn format(t: OffsetDateTime) -> String {
    let Some(t) = t.checked_to_offset(time::UtcOffset::UTC) else {
        return t
            .format(&Rfc3339)
            .unwrap_or_else(|_| "an out-of-range time".to_owned());
    };
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

/// Drops sub-second digits (the SDKs truncate rather than round) and converts to UTC. For the
/// clock: a time out of [`utc_seconds`]' range (never the clock's) is returned unchanged, and
/// [`window`] then refuses it.
pub fn truncate(t: OffsetDateTime) -> OffsetDateTime {
    utc_seconds(t).unwrap_or(t)
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

/// The token's window from the user's flags, checked against the 7-day limit. A duration
/// counts from the start: an explicit `--start`, else the default start back-dated by [`SKEW`]
/// against clock skew, so that `se − st` is never longer than the duration.
pub fn window(now: OffsetDateTime, start: Option<OffsetDateTime>, until: Until) -> Result<Window> {
    let clock = || {
        Failure::usage(format!(
            "this machine's clock ({}) is out of range",
            format(now)
        ))
        .hint("set the system clock")
    };
    let now = utc_seconds(now).ok_or_else(clock)?;
    let explicit_start = start.is_some();
    if let Until::In(d) = until {
        if d > MAX_LIFETIME {
            return Err(Failure::usage(format!(
                "a lifetime of {} is more than 7 days",
                format_duration(d)
            ))
            .hint("a user delegation SAS lives at most 7 days (the life of its key): use --expires-in 7d or less"));
        }
    }
    let start = match start {
        Some(t) => utc_seconds(t).ok_or_else(|| {
            Failure::usage(format!("--start {} is out of range", format(t)))
                .hint("give a --start within 7 days of now")
        })?,
        None => now.checked_sub(SKEW).ok_or_else(clock)?,
    };
    let expiry = match until {
        Until::In(d) if explicit_start => {
            start.checked_add(d).and_then(utc_seconds).ok_or_else(|| {
                Failure::usage("the expiry (--start plus --expires-in) is out of range")
                    .hint("a user delegation SAS lives at most 7 days: use --expires-in 7d or less")
            })?
        }
        // From the back-dated start, not from now: the token's interval `se − st` is exactly
        // the lifetime asked for, which is what an account's SAS expiration policy measures
        // (a 1-day Block policy refuses a token signed for 1 day and 15 minutes).
        Until::In(d) => start.checked_add(d).and_then(utc_seconds).ok_or_else(|| {
            Failure::usage("the expiry (now plus --expires-in) is out of range")
                .hint("a user delegation SAS lives at most 7 days: use --expires-in 7d or less")
        })?,
        Until::At(t) => utc_seconds(t).ok_or_else(|| {
            Failure::usage(format!("--expiry {} is out of range", format(t)))
                .hint("give an --expiry within 7 days of now")
        })?,
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
        let hint = if explicit_start {
            "a delegation key, and so its tokens, lasts at most 7 days from now: start earlier or live shorter"
        } else {
            "a user delegation SAS lives at most 7 days (the life of its key): use --expires-in 7d or less"
        };
        return Err(Failure::usage(format!(
            "the expiry {} is more than 7 days from now",
            format(expiry)
        ))
        .hint(hint));
    }
    let latest_key_expiry = now
        .checked_add(MAX_LIFETIME - KEY_MARGIN)
        .ok_or_else(clock)?;
    if start >= latest_key_expiry {
        return Err(Failure::usage(format!(
            "--start {} is too late: a delegation key can last only until {}",
            format(start),
            format(latest_key_expiry)
        ))
        .hint(
            "the service allows keys of at most 7 days from its own clock: pick an earlier --start",
        ));
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
/// for skew), expiring with the token but never more than 7 days minus a margin from now, and
/// lasting no more than 7 days plus the back-dating (a token that starts days ago gets a key,
/// and so an expiry, that ends 7 days after its start). Saturating: never panics, whatever the
/// window; [`window`] has already refused one out of range.
pub fn key_request(now: OffsetDateTime, window: Window) -> KeyRequest {
    let now = truncate(now);
    let start = window.start.min(now.saturating_sub(SKEW));
    let cap = now
        .saturating_add(MAX_LIFETIME - KEY_MARGIN)
        .min(start.saturating_add(MAX_LIFETIME + SKEW));
    let expiry = window.expiry.min(cap);
    KeyRequest {
        start,
        expiry,
        clamped: expiry < window.expiry,
    }
}

/// Fits the token inside its key (`skt ≤ st`, `se ≤ ske`). Returns the window and whether the
/// expiry was shortened; refuses when nothing of the window is left inside the key.
pub fn fit_to_key(
    window: Window,
    key_start: OffsetDateTime,
    key_expiry: OffsetDateTime,
) -> Result<(Window, bool)> {
    let expiry = window.expiry.min(key_expiry);
    let start = window.start.max(key_start);
    if start >= expiry {
        return Err(Failure::usage(format!(
            "the delegation key is valid from {} until {}, which leaves nothing of the token's {} to {}",
            format(key_start),
            format(key_expiry),
            format(window.start),
            format(window.expiry)
        ))
        .hint("pick a --start and expiry inside the key's life, or fetch a key that covers them with `sasmint key --expires-in`"));
    }
    Ok((Window { start, expiry }, expiry < window.expiry))
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
    fn default_window_backdates_start_within_the_lifetime() {
        // se − st is the lifetime asked for, as an account's SAS expiration policy measures it.
        let w = window(NOW, None, Until::In(Duration::hours(8))).unwrap();
        assert_eq!(format(w.start), "2026-11-22T07:45:00Z");
        assert_eq!(format(w.expiry), "2026-11-22T15:45:00Z");
        assert_eq!(w.expiry - w.start, Duration::hours(8));
        // From an explicit start, too.
        let start = datetime!(2026-11-22 09:00 UTC);
        let w = window(NOW, Some(start), Until::In(Duration::days(1))).unwrap();
        assert_eq!(w.expiry - w.start, Duration::days(1));
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
    fn durations_are_shown_as_typed() {
        assert_eq!(
            format_duration(Duration::days(7) + Duration::seconds(1)),
            "7d1s"
        );
        assert_eq!(format_duration(Duration::minutes(90)), "1h30m");
        assert_eq!(format_duration(Duration::ZERO), "0s");
    }

    #[test]
    fn seven_days_needs_no_clamping_from_the_backdated_start() {
        let w = window(NOW, None, Until::In(Duration::days(7))).unwrap();
        assert_eq!(w.expiry - w.start, Duration::days(7));
        let k = key_request(NOW, w);
        assert!(!k.clamped);
        assert_eq!(k.expiry, w.expiry);
    }

    #[test]
    fn key_request_clamps_under_seven_days() {
        let w = window(NOW, None, Until::At(datetime!(2026-11-29 08:00 UTC))).unwrap();
        let k = key_request(NOW, w);
        assert!(k.clamped);
        assert_eq!(format(k.start), "2026-11-22T07:45:00Z");
        assert_eq!(format(k.expiry), "2026-11-29T07:55:00Z");
        let (fitted, shortened) = fit_to_key(w, k.start, k.expiry).unwrap();
        assert!(shortened);
        assert_eq!(fitted.expiry, k.expiry);

        let w = window(NOW, None, Until::In(Duration::hours(8))).unwrap();
        let k = key_request(NOW, w);
        assert!(!k.clamped);
        assert_eq!(k.expiry, w.expiry);
        assert_eq!(fit_to_key(w, k.start, k.expiry).unwrap(), (w, false));
    }

    #[test]
    fn token_starts_no_earlier_than_key() {
        let w = window(NOW, None, Until::In(Duration::hours(1))).unwrap();
        let (fitted, _) = fit_to_key(w, NOW, NOW + Duration::hours(2)).unwrap();
        assert_eq!(fitted.start, truncate(NOW).max(NOW));
    }

    #[test]
    fn a_duration_counts_from_an_explicit_start() {
        let start = datetime!(2026-11-23 10:00 UTC);
        let w = window(NOW, Some(start), Until::In(Duration::hours(8))).unwrap();
        assert_eq!(
            (w.start, w.expiry),
            (start, datetime!(2026-11-23 18:00 UTC))
        );
        let past = datetime!(2026-11-22 06:00 UTC);
        let w = window(NOW, Some(past), Until::In(Duration::hours(8))).unwrap();
        assert_eq!(w.expiry, datetime!(2026-11-22 14:00 UTC));
        // Starting tomorrow for 7 days ends beyond any key.
        let e = window(NOW, Some(start), Until::In(Duration::days(7))).unwrap_err();
        assert!(e.hint.unwrap().contains("start earlier"));
    }

    #[test]
    fn a_start_no_key_can_reach_is_refused() {
        // Expiring within 7 days, but starting after the latest expiry a key can have: the
        // token would be clamped to end before it starts.
        let late = truncate(NOW) + MAX_LIFETIME - Duration::minutes(2);
        let e = window(NOW, Some(late), Until::At(truncate(NOW) + MAX_LIFETIME)).unwrap_err();
        assert!(e.message.contains("too late"), "{}", e.message);
    }

    #[test]
    fn a_key_that_ends_before_the_token_starts_is_refused() {
        let start = datetime!(2026-11-22 12:00 UTC);
        let w = window(NOW, Some(start), Until::In(Duration::hours(3))).unwrap();
        let e = fit_to_key(w, NOW - Duration::hours(1), NOW + Duration::hours(1)).unwrap_err();
        assert_eq!(e.kind, crate::domain::error::Kind::Usage);
        assert!(e.message.contains("leaves nothing"), "{}", e.message);
    }
}

#[cfg(test)]
mod proptests {
    use super::*;
    use proptest::prelude::*;

    const UNITS: [(char, i64); 5] = [
        ('s', 1),
        ('m', 60),
        ('h', 3600),
        ('d', 86_400),
        ('w', 604_800),
    ];

    /// 1970-01-01T00:00:00Z ..= 9999-12-31T23:59:59Z
    const LAST_SECOND: i64 = 253_402_300_799;

    fn time() -> impl Strategy<Value = OffsetDateTime> {
        (0..=LAST_SECOND, 0..1_000_000_000u32).prop_map(|(secs, nanos)| {
            OffsetDateTime::from_unix_timestamp(secs).unwrap()
                + Duration::nanoseconds(i64::from(nanos))
        })
    }

    proptest! {
        #![proptest_config(crate::domain::proptest_config::with_cases(512))]

        #[test]
        fn parse_duration_never_panics(s in any::<String>()) {
            let _ = parse_duration(&s);
        }

        #[test]
        fn parse_duration_never_panics_on_duration_like_text(
            s in "[ ]?[-+0-9smhdwSMH. ]{0,24}[ ]?",
        ) {
            if let Ok(d) = parse_duration(&s) {
                prop_assert!(d > Duration::ZERO);
            }
        }

        /// `<n><unit>…` is the sum of its parts; zero is refused; a part too large for the
        /// parser is refused, never wrapped.
        #[test]
        fn duration_is_the_sum_of_its_parts(
            parts in prop::collection::vec(
                (prop_oneof![4 => 0u64..100_000, 1 => 0u64..=u64::from(u32::MAX)], 0..5usize),
                1..6,
            ),
            pad in any::<bool>(),
        ) {
            let mut text: String = parts
                .iter()
                .map(|(n, u)| format!("{n}{}", UNITS[*u].0))
                .collect();
            if pad {
                text = format!("  {text}\t");
            }
            let too_large = parts.iter().any(|(n, _)| *n > i32::MAX as u64);
            let seconds: i128 = parts
                .iter()
                .map(|(n, u)| i128::from(*n) * i128::from(UNITS[*u].1))
                .sum();
            match parse_duration(&text) {
                Ok(d) => {
                    prop_assert!(!too_large, "{} parsed", text);
                    prop_assert_eq!(i128::from(d.whole_seconds()), seconds, "{}", text);
                    prop_assert_eq!(d.subsec_nanoseconds(), 0);
                }
                Err(e) => {
                    prop_assert!(too_large || seconds == 0, "{} refused: {}", text, e.message);
                    prop_assert_eq!(e.kind, crate::domain::error::Kind::Usage);
                }
            }
        }

        #[test]
        fn parse_time_never_panics(s in any::<String>()) {
            let _ = parse_time(&s, "--expiry");
        }

        /// What `format` prints, `parse_time` reads back as the same instant to the second.
        #[test]
        fn format_and_parse_time_round_trip(t in time()) {
            let text = format(t);
            prop_assert_eq!(text.len(), 20, "{}", text);
            prop_assert!(text.ends_with('Z'));
            let back = parse_time(&text, "--expiry")
                .map_err(|e| TestCaseError::fail(format!("{text}: {}", e.message)))?;
            prop_assert_eq!(back, truncate(t));
            prop_assert_eq!(back.unix_timestamp(), t.unix_timestamp());
            prop_assert_eq!(format(back), text);
        }

        /// Any RFC 3339 rendering (offsets, fractions) parses to the same instant, truncated.
        #[test]
        fn rfc3339_with_offsets_parses_to_the_same_instant(
            t in time(),
            offset_minutes in -(23 * 60 + 59)..=(23 * 60 + 59i32),
        ) {
            let offset = time::UtcOffset::from_whole_seconds(offset_minutes * 60).unwrap();
            // Years outside 0000-9999 have no RFC 3339 form.
            let local = t.checked_to_offset(offset).filter(|l| (0..=9999).contains(&l.year()));
            prop_assume!(local.is_some());
            let local = local.unwrap();
            let text = local.format(&Rfc3339).unwrap();
            let back = parse_time(&text, "--start")
                .map_err(|e| TestCaseError::fail(format!("{text}: {}", e.message)))?;
            prop_assert_eq!(back, truncate(t));
            prop_assert_eq!(back.offset(), time::UtcOffset::UTC);
        }

        /// The key covers the token where it can, never asks for more than 7 days minus the
        /// margin, and the token fitted into it stays inside it.
        #[test]
        fn key_request_and_fit_keep_the_token_inside_its_key(
            now in time(),
            start_back in 0i64..=7 * 86_400,
            life in 1i64..=7 * 86_400,
        ) {
            prop_assume!(now.year() < 9999);
            let start = now - Duration::seconds(start_back);
            let w = match window(now, Some(start), Until::In(Duration::seconds(life))) {
                Ok(w) => w,
                Err(_) => return Ok(()),
            };
            let k = key_request(now, w);
            prop_assert!(k.start <= w.start);
            prop_assert!(k.expiry <= truncate(now) + MAX_LIFETIME - KEY_MARGIN);
            prop_assert_eq!(k.clamped, k.expiry < w.expiry);
            prop_assert!(k.start < k.expiry);
            let (fitted, shortened) = fit_to_key(w, k.start, k.expiry)
                .map_err(|e| TestCaseError::fail(e.message))?;
            prop_assert!(fitted.start < fitted.expiry);
            prop_assert!(k.start <= fitted.start && fitted.expiry <= k.expiry);
            prop_assert_eq!(shortened, k.clamped);
        }
    }
}
