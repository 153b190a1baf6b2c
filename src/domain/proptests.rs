//! No panic on any input (issue 10): the parsers and the time arithmetic driven with arbitrary
//! and extreme values — durations, times with any offset and year, windows around any clock,
//! IP ranges, URLs, key files, the service's key (as XML and as the SDK's model), and tokens.
//! Each property only has to return; where a parser accepts, what it returns is checked too
//! (a key that passes the checks signs a token with no injected parameter or control character).
//!
//! `PROPTEST_CASES=100000 cargo test --bin sasmint proptests` runs the deep version.

use crate::domain::keyfile::Key;
use crate::domain::lifetime::{self, Until, Window};
use crate::domain::permissions::Permissions;
use crate::domain::sas::{self, Spec};
use crate::domain::{inspect, resource};
use azure_storage_common::models::UserDelegationKey;
use base64::Engine;
use proptest::prelude::*;
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

const GUID: &str = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

/// Any `OffsetDateTime` the `time` crate can hold: every year it allows (±9999), any offset
/// (±25:59:59), including local times with no UTC form such as `9999-12-31T23:59:59-23:59`.
fn any_time() -> impl Strategy<Value = OffsetDateTime> {
    (
        -9999i32..=9999,
        1u16..=366,
        0u8..24,
        0u8..60,
        0u8..60,
        0u32..1_000_000_000,
        -93_599i32..=93_599,
    )
        .prop_filter_map("a real date", |(year, ordinal, h, m, s, nanos, offset)| {
            let date = Date::from_ordinal_date(year, ordinal).ok()?;
            let time = Time::from_hms_nano(h, m, s, nanos).ok()?;
            let offset = UtcOffset::from_whole_seconds(offset).ok()?;
            Some(PrimitiveDateTime::new(date, time).assume_offset(offset))
        })
}

/// Mostly the edges: the first and last representable instants, near 0000 and 9999.
fn edge_time() -> impl Strategy<Value = OffsetDateTime> {
    prop_oneof![
        any_time(),
        (
            prop::sample::select(vec![-9999, -1, 0, 1, 1970, 2026, 9998, 9999]),
            any_time()
        )
            .prop_filter_map("a real date", |(year, t)| t.replace_year(year).ok()),
    ]
}

/// A duration of any size the type holds, and the large ones a user could type.
fn any_duration() -> impl Strategy<Value = Duration> {
    prop_oneof![
        any::<i64>().prop_map(Duration::seconds),
        (0i64..=i64::from(i32::MAX)).prop_map(Duration::days),
        Just(Duration::MAX),
        Just(Duration::MIN),
        (1i64..=30 * 86_400).prop_map(Duration::seconds),
    ]
}

/// Text that looks like an RFC 3339 time, with any year, field values and offset.
fn time_text() -> impl Strategy<Value = String> {
    (
        0u32..=9999,
        0u32..=13,
        0u32..=32,
        0u32..=24,
        0u32..=60,
        0u32..=61,
        prop::option::of("[0-9]{1,12}"),
        prop_oneof![
            Just("Z".to_owned()),
            Just("z".to_owned()),
            (prop::bool::ANY, 0u32..=99, 0u32..=99)
                .prop_map(|(neg, h, m)| format!("{}{h:02}:{m:02}", if neg { '-' } else { '+' })),
        ],
    )
        .prop_map(|(y, mo, d, h, mi, s, frac, off)| {
            let frac = frac.map(|f| format!(".{f}")).unwrap_or_default();
            format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{frac}{off}")
        })
}

/// A field value: arbitrary text, text with the characters that would break a token, or one
/// close to valid.
fn field_text(valid: &'static str) -> impl Strategy<Value = String> {
    prop_oneof![
        8 => Just(valid.to_owned()),
        2 => any::<String>(),
        1 => "[&=?#%\r\n\t\u{1b} a-zA-Z0-9-]{0,40}",
        1 => Just(valid.to_owned()).prop_flat_map(|v| {
            (0..=v.len(), "[&=\n\u{1b}x-]{1,3}").prop_map(move |(at, ins)| {
                let mut s = v.clone();
                if s.is_char_boundary(at) {
                    s.insert_str(at, &ins);
                }
                s
            })
        }),
    ]
}

/// A time within 10 days of now, as RFC 3339 text: with two of them, often a valid key's life.
fn near_text() -> impl Strategy<Value = String> {
    let now = OffsetDateTime::now_utc();
    (-10 * 86_400i64..10 * 86_400).prop_map(move |s| lifetime::format(now + Duration::seconds(s)))
}

fn key_value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => prop::collection::vec(any::<u8>(), 32),
        1 => prop::collection::vec(any::<u8>(), 0..80),
    ]
}

/// A field of the service's answer: mostly the valid value, else missing or anything.
fn sdk_field<T: std::fmt::Debug + Clone + 'static>(
    valid: impl Strategy<Value = T> + 'static,
    other: impl Strategy<Value = T> + 'static,
) -> impl Strategy<Value = Option<T>> {
    prop_oneof![
        14 => valid.prop_map(Some),
        1 => Just(None),
        1 => other.prop_map(Some),
    ]
}

/// The service's answer as the SDK's model: often a valid key, with any field possibly missing
/// or replaced by anything (times of any year and offset, values of any length).
fn sdk_key() -> impl Strategy<Value = UserDelegationKey> {
    let now = OffsetDateTime::now_utc();
    let window = (-86_400i64..86_400, 1i64..=8 * 86_400).prop_map(move |(from, life)| {
        let start = now + Duration::seconds(from);
        (start, start + Duration::seconds(life))
    });
    (
        sdk_field(Just(GUID.to_owned()), field_text(GUID)),
        sdk_field(Just(GUID.to_owned()), field_text(GUID)),
        window,
        sdk_field(Just(()), Just(())),
        sdk_field(Just(()), Just(())),
        (edge_time(), edge_time()),
        sdk_field(Just("b".to_owned()), field_text("b")),
        sdk_field(Just("2026-04-06".to_owned()), field_text("2026-04-06")),
        sdk_field(prop::collection::vec(any::<u8>(), 32), key_value()),
        prop_oneof![8 => Just(None), 1 => Just(Some(GUID.to_owned())), 1 => field_text(GUID).prop_map(Some)],
    )
        .prop_map(
            |(oid, tid, (start, expiry), start_kind, expiry_kind, (odd_start, odd_expiry), service, version, value, dutid)| {
                // `Some(())` from the "other" branch and the valid one look alike: use the
                // option only for presence, and swap in an extreme time one time in eight.
                let pick = |t: OffsetDateTime, odd: OffsetDateTime, kind: Option<()>| {
                    kind.map(|()| if odd.nanosecond().is_multiple_of(8) { odd } else { t })
                };
                UserDelegationKey {
                    signed_delegated_user_tid: dutid,
                    signed_oid: oid,
                    signed_tid: tid,
                    signed_start: pick(start, odd_start, start_kind),
                    signed_expiry: pick(expiry, odd_expiry, expiry_kind),
                    signed_service: service,
                    signed_version: version,
                    value,
                }
            },
        )
}

/// Signs a token with a key that passed the checks, and asserts what no key field may do to
/// it: add a parameter, repeat one, or bring a character that needs escaping in a URL.
fn assert_clean_token(key: &Key) -> Result<(), TestCaseError> {
    let target = resource::parse(
        "https://acct.blob.core.windows.net/imagery/b.txt",
        None,
        false,
        false,
    )
    .map_err(|e| TestCaseError::fail(e.message))?;
    let permissions =
        Permissions::parse("r", target.level()).map_err(|e| TestCaseError::fail(e.message))?;
    let spec = Spec {
        permissions,
        window: Window {
            start: key.start,
            expiry: key.expiry,
        },
        https_only: true,
        ip: None,
        encryption_scope: None,
        correlation_id: None,
        extras: sas::Extras::default(),
    };
    let token = sas::sign(&target, &spec, &key.sdk).map_err(|e| TestCaseError::fail(e.message))?;
    prop_assert!(
        token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~%&=:,".contains(&b)),
        "{}",
        token
    );
    let mut names: Vec<&str> = token
        .split('&')
        .map(|pair| pair.split_once('=').map_or(pair, |(k, _)| k))
        .collect();
    let count = names.len();
    names.sort_unstable();
    names.dedup();
    prop_assert_eq!(names.len(), count, "a repeated parameter: {}", token);
    for name in &names {
        prop_assert!(
            [
                "sv", "sr", "st", "se", "sp", "spr", "skoid", "sktid", "skt", "ske", "sks", "skv",
                "skdutid", "sig"
            ]
            .contains(name),
            "unexpected parameter {} in {}",
            name,
            token
        );
    }
    Ok(())
}

fn key_json(fields: [&str; 7]) -> String {
    serde_json::json!({
        "signedOid": fields[0],
        "signedTid": fields[1],
        "signedStart": fields[2],
        "signedExpiry": fields[3],
        "signedService": fields[4],
        "signedVersion": fields[5],
        "value": fields[6],
    })
    .to_string()
}

fn xml_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

proptest! {
    #![proptest_config(crate::domain::proptest_config::with_cases(256))]

    #[test]
    fn durations_never_panic(
        text in prop_oneof![
            any::<String>(),
            "([0-9]{1,25}[smhdwx ]?){1,4}",
        ],
        now in edge_time(),
    ) {
        if let Ok(d) = lifetime::parse_duration(&text) {
            prop_assert!(d > Duration::ZERO);
            let _ = lifetime::window(now, None, Until::In(d));
            let _ = lifetime::window(now, Some(now), Until::In(d));
        }
    }

    /// The arithmetic behind a window, a key request and fitting the token into its key, with
    /// any clock, start, expiry and duration: an error or a result, never a panic; a window
    /// that is accepted is in range and at most 7 days from now.
    #[test]
    fn window_arithmetic_never_panics(
        now in edge_time(),
        start in prop::option::of(edge_time()),
        at in edge_time(),
        d in any_duration(),
        key_start in edge_time(),
        key_expiry in edge_time(),
    ) {
        for until in [Until::In(d), Until::At(at)] {
            if let Ok(w) = lifetime::window(now, start, until) {
                prop_assert!(lifetime::utc_seconds(w.start).is_some());
                prop_assert!(lifetime::utc_seconds(w.expiry).is_some());
                prop_assert!(w.start < w.expiry);
                prop_assert!(w.expiry - lifetime::truncate(now) <= lifetime::MAX_LIFETIME);
                let k = lifetime::key_request(now, w);
                prop_assert!(k.start <= w.start && k.expiry <= w.expiry);
                prop_assert!(k.expiry - k.start <= lifetime::MAX_LIFETIME + lifetime::SKEW);
                let _ = lifetime::fit_to_key(w, k.start, k.expiry);
                let _ = lifetime::format(k.expiry);
            }
        }
        let w = Window { start: at, expiry: key_expiry };
        let _ = lifetime::key_request(now, w);
        let _ = lifetime::fit_to_key(w, key_start, key_expiry);
        let _ = lifetime::format(now);
        let _ = lifetime::truncate(now);
    }

    #[test]
    fn times_never_panic(
        text in prop_oneof![time_text(), any::<String>()],
        now in edge_time(),
    ) {
        if let Ok(t) = lifetime::parse_time(&text, "--expiry") {
            prop_assert_eq!(t.offset(), UtcOffset::UTC);
            prop_assert_eq!(lifetime::format(t).len(), 20);
            let _ = lifetime::window(now, Some(t), Until::In(Duration::hours(1)));
            let _ = lifetime::window(now, None, Until::At(t));
        }
    }

    #[test]
    fn ip_ranges_never_panic(
        text in prop_oneof![any::<String>(), "[0-9. -]{0,40}", "[0-9]{1,4}(\\.[0-9]{1,4}){3}-[0-9]{1,4}(\\.[0-9]{1,4}){3}"],
    ) {
        let _ = sas::parse_ip(&text);
    }

    #[test]
    fn urls_never_panic(
        url in prop_oneof![
            any::<String>(),
            "(https?|ftp|)(://)?[a-zA-Z0-9.:@\\[\\]%-]{0,40}(/[a-zA-Z0-9%._~ $&+,;=:@\\\\-]{0,30}){0,4}[?#]?.{0,10}",
            "https://[a-z0-9]{1,30}\\.(blob|dfs|file)\\.core\\.windows\\.net(:[0-9]{0,6})?(/.{0,30}){0,3}",
            "https?://(127\\.0\\.0\\.1|localhost|\\[::1\\])(:[0-9]{0,6})?(/.{0,20}){0,4}",
        ],
        account in prop::option::of(prop_oneof![any::<String>(), "[a-z0-9]{0,30}"]),
        allow_http in any::<bool>(),
        allow_root in any::<bool>(),
    ) {
        if let Ok(target) = resource::parse(&url, account.as_deref(), allow_http, allow_root) {
            let _ = target.service_url();
            let _ = target.resource_url();
        }
    }

    #[test]
    fn key_files_never_panic(
        text in any::<String>(),
        oid in field_text(GUID),
        tid in field_text(GUID),
        start in prop_oneof![3 => near_text(), 1 => time_text(), 1 => any::<String>()],
        expiry in prop_oneof![3 => near_text(), 1 => time_text(), 1 => any::<String>()],
        service in field_text("b"),
        version in field_text("2026-04-06"),
        value in prop_oneof![
            4 => key_value().prop_map(|v| base64::engine::general_purpose::STANDARD.encode(v)),
            1 => any::<String>(),
        ],
    ) {
        let _ = Key::from_json(&text, "key.json");
        let json = key_json([&oid, &tid, &start, &expiry, &service, &version, &value]);
        match Key::from_json(&json, "key.json") {
            Ok(key) => assert_clean_token(&key)?,
            Err(e) => {
                prop_assert_eq!(e.kind, crate::domain::error::Kind::Usage);
                prop_assert!(!e.message.contains(value.as_str()) || value.len() < 8, "{}", e.message);
                prop_assert!(!e.message.chars().any(char::is_control), "{:?}", e.message);
            }
        }
    }

    /// The service's answer as the SDK's model, with any field values.
    #[test]
    fn service_keys_never_panic(sdk in sdk_key()) {
        let value = sdk.value.clone();
        match Key::from_sdk(sdk) {
            Ok(key) => assert_clean_token(&key)?,
            Err(e) => {
                prop_assert_eq!(e.kind, crate::domain::error::Kind::Service);
                prop_assert!(!e.message.chars().any(char::is_control), "{:?}", e.message);
                if let Some(v) = value.filter(|v| v.len() >= 4) {
                    let shown = base64::engine::general_purpose::STANDARD.encode(v);
                    prop_assert!(!e.message.contains(&shown), "{}", e.message);
                }
            }
        }
    }

    /// One validator: the service's answer and the same key saved as a file get the same
    /// verdict, and the same key when accepted.
    #[test]
    fn key_files_and_service_keys_share_one_validator(mut sdk in sdk_key()) {
        sdk.signed_delegated_user_tid = None;
        // The same key as a file: RFC 3339 in its own offset, else (an offset with
        // seconds, a local year outside 0000-9999) the same instant in UTC, else (no UTC form
        // in range either, which the service's check refuses too) text that is no time.
        let text = |t: &Option<OffsetDateTime>| {
            let rfc3339 = &time::format_description::well_known::Rfc3339;
            t.map(|t| {
                t.format(rfc3339)
                    .ok()
                    .or_else(|| t.checked_to_offset(UtcOffset::UTC)?.format(rfc3339).ok())
                    .unwrap_or_else(|| "no time".to_owned())
            })
        };
        let (start, expiry) = (text(&sdk.signed_start), text(&sdk.signed_expiry));
        let mut json = serde_json::Map::new();
        let mut put = |name: &str, value: Option<String>| {
            if let Some(v) = value {
                json.insert(name.to_owned(), serde_json::Value::String(v));
            }
        };
        put("signedOid", sdk.signed_oid.clone());
        put("signedTid", sdk.signed_tid.clone());
        put("signedStart", start);
        put("signedExpiry", expiry);
        put("signedService", sdk.signed_service.clone());
        put("signedVersion", sdk.signed_version.clone());
        put(
            "value",
            sdk.value.as_ref().map(|v| base64::engine::general_purpose::STANDARD.encode(v)),
        );
        let from_file = Key::from_json(&serde_json::Value::Object(json).to_string(), "key.json");
        match (Key::from_sdk(sdk), from_file) {
            (Ok(a), Ok(b)) => {
                prop_assert_eq!(&a.file.signed_start, &b.file.signed_start);
                prop_assert_eq!(&a.file.signed_expiry, &b.file.signed_expiry);
                prop_assert_eq!(a.file.value.expose(), b.file.value.expose());
                assert_clean_token(&b)?;
            }
            (Err(_), Err(_)) => {}
            (a, b) => prop_assert!(false, "service {:?}, file {:?}", a.map(|_| ()), b.map(|_| ())),
        }
    }

    /// The service's answer as XML, parsed the way `azure_storage_blob` parses it.
    #[test]
    fn service_key_xml_never_panics(
        bytes in prop::collection::vec(any::<u8>(), 0..200),
        fields in prop::collection::vec(prop_oneof![any::<String>(), time_text(), field_text(GUID)], 7),
    ) {
        let _ = azure_core::xml::from_xml::<_, UserDelegationKey>(&bytes);
        let xml = format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><UserDelegationKey><SignedOid>{}</SignedOid><SignedTid>{}</SignedTid><SignedStart>{}</SignedStart><SignedExpiry>{}</SignedExpiry><SignedService>{}</SignedService><SignedVersion>{}</SignedVersion><Value>{}</Value></UserDelegationKey>",
            xml_text(&fields[0]),
            xml_text(&fields[1]),
            xml_text(&fields[2]),
            xml_text(&fields[3]),
            xml_text(&fields[4]),
            xml_text(&fields[5]),
            xml_text(&fields[6]),
        );
        if let Ok(sdk) = azure_core::xml::from_xml::<_, UserDelegationKey>(xml) {
            if let Ok(key) = Key::from_sdk(sdk) {
                assert_clean_token(&key)?;
            }
        }
    }

    /// `inspect` with any token text, at any clock.
    #[test]
    fn tokens_never_panic(
        token in prop_oneof![
            any::<String>(),
            "(https://a\\.blob\\.core\\.windows\\.net/c\\?)?((sv|st|se|sp|skt|ske|sip|sig|sr|skoid)=[0-9A-Za-z%:.+/=-]{0,30}&?){0,8}",
        ],
        now in edge_time(),
    ) {
        let _ = inspect::inspect(&token, now);
    }
}

/// The properties above must reach the accepting paths, not only the refusals.
#[test]
fn valid_keys_are_generated_often_enough() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = sdk_key();
    let accepted = (0..400)
        .filter(|_| {
            let sdk = strategy.new_tree(&mut runner).unwrap().current();
            Key::from_sdk(sdk).is_ok()
        })
        .count();
    assert!(
        accepted >= 20,
        "only {accepted} of 400 generated keys were valid"
    );
}
