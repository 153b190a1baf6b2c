//! Property tests for `inspect`: never panic, and decode what sasmint signs.

use super::model::*;
use super::params::{split_input, Param, Params};
use super::*;
use crate::render::inspect::render_text;
use base64::Engine as _;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use proptest::prelude::*;
use proptest::sample::Index;
use std::collections::HashSet;
use time::macros::datetime;
use time::OffsetDateTime;

const NOW: OffsetDateTime = datetime!(2026-11-22 08:00:00 UTC);

fn enc(s: &str) -> String {
    utf8_percent_encode(s, NON_ALPHANUMERIC).to_string()
}

/// A time as a token carries it: full, fractional, minute or date precision, `:` encoded
/// or not.
fn time_param(base: OffsetDateTime) -> impl Strategy<Value = String> {
    (-3 * 86_400i64..=8 * 86_400, 0..4usize, any::<bool>()).prop_map(move |(off, form, raw)| {
        let t = base + time::Duration::seconds(off);
        let full = crate::domain::lifetime::format(t);
        let text = match form {
            0 => full,
            1 => full.replace('Z', ".1234567Z"),
            2 => full[..16].to_owned() + "Z",
            _ => full[..10].to_owned(),
        };
        if raw {
            text
        } else {
            text.replace(':', "%3A")
        }
    })
}

fn uuid() -> impl Strategy<Value = String> {
    "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
}

/// The signature in base64 and as it appears in the query (fully encoded, `/` kept, raw,
/// or lowercase escapes).
fn signature() -> impl Strategy<Value = (String, String)> {
    (prop::array::uniform32(any::<u8>()), 0..4usize).prop_map(|(bytes, style)| {
        let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
        let raw = match style {
            0 => b64
                .replace('+', "%2B")
                .replace('/', "%2F")
                .replace('=', "%3D"),
            1 => b64.replace('+', "%2B").replace('=', "%3D"),
            2 => b64.clone(),
            _ => b64
                .replace('+', "%2b")
                .replace('/', "%2f")
                .replace('=', "%3d"),
        };
        (b64, raw)
    })
}

/// A user delegation SAS (in shuffled parameter order, with optional extras) that
/// `inspect` must decode, its input form (bare, `?…`, URL, quoted), and its signature.
fn ud_token() -> impl Strategy<Value = (String, String, String)> {
    let core = (
        prop::sample::select(vec!["2026-04-06", "2025-07-05", "2020-12-06", "2019-12-12"]),
        prop::sample::select(vec!["c", "b", "bs", "bv", "d"]),
        "[racwdxyltmeopi]{1,6}",
        proptest::option::of(time_param(NOW - time::Duration::hours(1))),
        time_param(NOW),
        proptest::option::of(prop::sample::select(vec!["https", "https,http", "http"])),
        proptest::option::of(prop::sample::select(vec![
            "203.0.113.7",
            "10.0.0.1-10.0.0.9",
        ])),
        (uuid(), uuid()),
        (
            time_param(NOW - time::Duration::days(2)),
            time_param(NOW + time::Duration::days(1)),
        ),
    );
    let extras = prop::collection::vec(
        (
            prop::sample::select(vec![
                "ses",
                "scid",
                "rscc",
                "rscd",
                "rsce",
                "rscl",
                "rsct",
                "saoid",
                "suoid",
                "sduoid",
                "skdutid",
                "restype",
                "comp",
                "snapshot",
                "timeout",
                "xyz",
                "my-param",
                "Weird Name!",
                "si",
                "ss",
            ]),
            "[ -~\u{e9}]{1,16}",
        ),
        0..4,
    );
    let form = prop::sample::select(vec![
        "{q}",
        "?{q}",
        "https://acct.blob.core.windows.net/ctr/dir/file.txt?{q}",
        "http://127.0.0.1:10000/devstoreaccount1/ctr?{q}",
        "acct.blob.core.windows.net/ctr?{q}#frag",
        "\"https://acct.blob.core.windows.net/ctr?{q}\"",
        "  <https://acct.blob.core.windows.net/ctr/a%20b?{q}>  ",
    ]);
    (
        core,
        extras,
        signature(),
        form,
        any::<prop::sample::Index>(),
    )
        .prop_flat_map(|(core, extras, (b64, raw), form, _)| {
            let (sv, sr, sp, st, se, spr, sip, (oid, tid), (skt, ske)) = core;
            let mut params: Vec<String> = vec![
                format!("sv={sv}"),
                format!("sr={sr}"),
                format!("sp={sp}"),
                format!("se={se}"),
                format!("skoid={oid}"),
                format!("sktid={tid}"),
                format!("skt={skt}"),
                format!("ske={ske}"),
                "sks=b".to_owned(),
                format!("skv={sv}"),
                format!("sig={raw}"),
            ];
            if sr == "d" {
                params.push("sdd=2".to_owned());
            }
            params.extend(st.map(|v| format!("st={v}")));
            params.extend(spr.map(|v| format!("spr={v}")));
            params.extend(sip.map(|v| format!("sip={v}")));
            let mut seen = HashSet::new();
            for (name, value) in extras {
                // `ss` would make it a (mixed) account SAS: an error, not a decode.
                if name != "ss" && seen.insert(name) {
                    params.push(format!("{}={}", enc(name), enc(&value)));
                }
            }
            (
                Just(params).prop_shuffle(),
                Just(form),
                Just(b64),
                Just(raw),
            )
        })
        .prop_map(|(params, form, b64, raw)| (form.replace("{q}", &params.join("&")), b64, raw))
}

/// Every 12-character window of a secret (the leak checks of `mod tests` use a 12-character
/// prefix; any window is as bad).
fn windows(secret: &str) -> Vec<String> {
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() < 12 {
        return Vec::new();
    }
    chars.windows(12).map(|w| w.iter().collect()).collect()
}

fn renderings(i: &Inspection) -> Vec<String> {
    vec![
        render_text(i),
        serde_json::to_string(i).expect("serialises"),
        serde_json::to_string_pretty(i).expect("serialises"),
        format!("{i:?}"),
    ]
}

#[derive(Clone, Debug)]
enum Mutation {
    Delete(Index, usize),
    Insert(Index, String),
    Duplicate(Index, usize, Index),
    Replace(Index, char),
    Truncate(Index),
    Swap(Index, Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let inserted = prop_oneof![
        prop::sample::select(vec![
            "&",
            "=",
            "%",
            "+",
            " ",
            "%2",
            "%zz",
            "%C3",
            "?",
            "#",
            "/",
            "://",
            "sig=",
            "&sig=",
            "&sv=",
            "sv=2026-04-06&",
            "\n",
            "\"",
            "'",
            "<",
            "&&",
            "==",
        ])
        .prop_map(str::to_owned),
        any::<String>(),
    ];
    prop_oneof![
        (any::<Index>(), 1..8usize).prop_map(|(i, n)| Mutation::Delete(i, n)),
        (any::<Index>(), inserted).prop_map(|(i, s)| Mutation::Insert(i, s)),
        (any::<Index>(), 1..24usize, any::<Index>())
            .prop_map(|(i, n, j)| Mutation::Duplicate(i, n, j)),
        (any::<Index>(), any::<char>()).prop_map(|(i, c)| Mutation::Replace(i, c)),
        any::<Index>().prop_map(Mutation::Truncate),
        (any::<Index>(), any::<Index>()).prop_map(|(i, j)| Mutation::Swap(i, j)),
    ]
}

fn apply(input: &str, mutations: &[Mutation]) -> String {
    let mut s: Vec<char> = input.chars().collect();
    for m in mutations {
        let len = s.len();
        let at = |i: &Index| if len == 0 { 0 } else { i.index(len + 1) };
        match m {
            Mutation::Delete(i, n) => {
                let a = at(i).min(len);
                s.drain(a..(a + n).min(len));
            }
            Mutation::Insert(i, text) => {
                let a = at(i);
                s.splice(a..a, text.chars());
            }
            Mutation::Duplicate(i, n, j) => {
                let a = at(i).min(len);
                let part: Vec<char> = s[a..(a + n).min(len)].to_vec();
                let b = at(j);
                s.splice(b..b, part);
            }
            Mutation::Replace(i, c) => {
                if len > 0 {
                    s[i.index(len)] = *c;
                }
            }
            Mutation::Truncate(i) => s.truncate(at(i)),
            Mutation::Swap(i, j) => {
                if len > 0 {
                    s.swap(i.index(len), j.index(len));
                }
            }
        }
    }
    s.into_iter().collect()
}

/// The `sig` that `inspect` reads from `input` (decoded and raw), and every other text of
/// the input it may legitimately show (other parameters' names and values, the location).
fn sig_and_rest(input: &str) -> Option<(Param, Vec<String>)> {
    let (location, query) = split_input(input).ok()?;
    let Params(params) = Params::parse(&query).ok()?;
    let mut sig = None;
    let mut rest: Vec<String> = [location.account, location.container, location.blob]
        .into_iter()
        .flatten()
        .collect();
    for p in params {
        if p.key == "sig" {
            sig = Some(p);
        } else {
            // As warnings quote them: `se=…`.
            rest.push(format!("{}={}", p.key, p.value));
            rest.push(format!("{}={}", p.name, p.raw));
            rest.extend([p.name, p.raw, p.value, p.key]);
        }
    }
    Some((sig?, rest))
}

proptest! {
    #![proptest_config(crate::domain::proptest_config::with_cases(384))]

    #[test]
    fn never_panics_on_any_string(s in any::<String>()) {
        let _ = inspect(&s, NOW);
    }

    #[test]
    fn never_panics_on_query_like_strings(
        s in "[?]?((sv|sig|sr|sp|st|se|skoid|sktid|skt|ske|sks|skv|sdd|ss|srt|spr|srh|srq|x)=([-a-zA-Z0-9:.,%+/= ]|%[0-9a-fA-F]{2}){0,12}&?){0,14}",
    ) {
        let _ = inspect(&s, NOW);
    }

    /// Generated user delegation tokens decode, and no piece of their signature appears
    /// in the text, the JSON or the Debug output.
    #[test]
    fn decodes_generated_tokens_and_never_shows_the_signature((input, b64, raw) in ud_token()) {
        let i = inspect(&input, NOW)
            .map_err(|e| TestCaseError::fail(format!("{input}: {e}")))?;
        prop_assert_eq!(i.kind, SasKind::UserDelegation);
        prop_assert_eq!(i.signature, "present");
        let out = renderings(&i);
        for secret in [&b64, &raw] {
            for w in windows(secret) {
                for text in &out {
                    prop_assert!(!text.contains(&w), "{:?} of the signature shown:\n{}", w, text);
                }
            }
        }
    }

    /// Mangled tokens (deleted, inserted, duplicated, replaced, swapped characters,
    /// truncation) never panic; whatever decodes, and every error, never shows a piece of
    /// the signature `inspect` read, unless that piece is also the text of another
    /// parameter or of the URL path (which `inspect` may show).
    #[test]
    fn mangled_tokens_never_panic_nor_show_the_signature(
        (input, _b64, _raw) in ud_token(),
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let mangled = apply(&input, &mutations);
        let result = inspect(&mangled, NOW);
        let Some((sig, rest)) = sig_and_rest(&mangled) else {
            return Ok(());
        };
        let out = match &result {
            Ok(i) => renderings(i),
            Err(e) => vec![e.to_string(), format!("{e:?}")],
        };
        for secret in [&sig.value, &sig.raw] {
            for w in windows(secret) {
                // A window that shares 8 characters with other input text may be shown
                // as part of that text (or next to it, as in `"…"` or `se=…`).
                let chars: Vec<char> = w.chars().collect();
                let copied = chars.windows(8).any(|part| {
                    let part: String = part.iter().collect();
                    rest.iter().any(|r| r.contains(&part))
                });
                if copied {
                    continue;
                }
                for text in &out {
                    prop_assert!(
                        !text.contains(&w),
                        "{:?} of the signature shown for {:?}:\n{}", w, mangled, text
                    );
                }
            }
        }
    }
}

/// Regression: a stray `&` inside the signature (with its `=` padding left unencoded, as
/// some tools print it) turns the rest of the signature into a parameter *name*. Unknown
/// names with capitals are hidden, so the fragment is never shown.
#[test]
fn signature_fragment_after_a_stray_ampersand_is_not_shown() {
    let tail = "wMcvUAMKs3gxxXuU4tFklaQfQVA";
    let query = format!(
        "sv=2026-04-06&sr=c&sp=rl&se=2026-11-22T16:00:00Z&spr=https&skoid=a&sktid=b&skt=2026-11-22T07:00:00Z&ske=2026-11-23T07:00:00Z&sks=b&skv=2026-04-06&sig=n7BDKtETSf2aPGAk&{tail}="
    );
    let i = inspect(&query, NOW).expect("decodes");
    for text in renderings(&i) {
        assert!(!text.contains(tail), "signature fragment shown:\n{text}");
    }
}

/// A request-bound token as `mint` signs it: header names are RFC 9110 tokens (unique
/// ignoring case), query names anything without blanks, `&`, `,` or control characters.
fn bound_token() -> impl Strategy<Value = (Vec<String>, Vec<String>, bool, String)> {
    (
        prop::collection::vec(
            (
                "[A-Za-z0-9!#$%&'*+.^_`|~-]{1,16}",
                "[!-~]([ -~é]{0,16}[!-~])?",
            ),
            0..5,
        ),
        prop::collection::vec(("[a-zA-Z0-9%+/;:.~é漢-]{1,12}", "[ -~é]{0,16}"), 0..5),
        any::<bool>(),
        prop::sample::select(vec![
            "https://acct.blob.core.windows.net/drop",
            "https://acct.blob.core.windows.net/drop/a%20b/c.txt",
        ]),
    )
        .prop_map(|(headers, query, create_only, url)| {
            let mut seen = HashSet::new();
            let headers = headers
                .into_iter()
                .filter(|(n, _)| {
                    !(create_only && n.eq_ignore_ascii_case("if-none-match"))
                        && seen.insert(n.to_ascii_lowercase())
                })
                .map(|(n, v)| format!("{n}: {v}"))
                .collect();
            let mut seen = HashSet::new();
            let query = query
                .into_iter()
                .filter(|(n, _)| seen.insert(n.clone()))
                .map(|(n, v)| format!("{n}={v}"))
                .collect();
            (headers, query, create_only, url.to_owned())
        })
}

proptest! {
    #![proptest_config(crate::domain::proptest_config::with_cases(256))]

    /// Any set of bound headers and query parameters `mint` accepts round-trips through
    /// `inspect`: the same names, in the order of `srh`/`srq`, and the token flagged
    /// request-bound exactly when it binds something.
    #[test]
    fn bound_names_round_trip((headers, query, create_only, url) in bound_token()) {
        use crate::domain::{keyfile::Key, lifetime::Window, permissions::Permissions, resource, sas};
        let binding = sas::binding(&headers, &query, create_only)
            .map_err(|e| TestCaseError::fail(e.message))?;
        let key = Key::from_json(
            r#"{"signedOid":"8e0c6a5c-6a36-4c5a-9c5c-1f1c0b2f6c11","signedTid":"72f988bf-86f1-41af-91ab-2d7cd011db47","signedStart":"2026-11-22T00:00:00Z","signedExpiry":"2026-11-29T00:00:00Z","signedService":"b","signedVersion":"2026-04-06","value":"CDbbW7auD7G7KPwtUda3fRepaIxXK2WN1Gja/igmRuY="}"#,
            "test",
        )
        .unwrap();
        let target = resource::parse(&url, None, false, false).unwrap();
        let spec = sas::Spec {
            permissions: Permissions::parse("cw", target.level()).unwrap(),
            window: Window { start: NOW, expiry: NOW + time::Duration::hours(1) },
            https_only: true,
            ip: None,
            encryption_scope: None,
            correlation_id: None,
            extras: sas::Extras { binding: binding.clone(), ..sas::Extras::default() },
        };
        let token = sas::sign(&target, &spec, &key.sdk).unwrap();
        let i = inspect(&format!("{url}?{token}"), NOW)
            .map_err(|e| TestCaseError::fail(format!("{token}: {e}")))?;
        let d = i.delegation.as_ref().unwrap();
        prop_assert_eq!(&d.required_headers, &binding.headers.keys().cloned().collect::<Vec<_>>());
        prop_assert_eq!(&d.required_query_parameters, &binding.query.keys().cloned().collect::<Vec<_>>());
        prop_assert_eq!(i.request_bound, !binding.is_empty());
        prop_assert_eq!(render_text(&i).contains("request_bound:"), !binding.is_empty());
    }

    /// Any queue name and any set of queue letters round-trip through `mint`'s signer and
    /// `inspect`: a queue token, its queue, its letters in `raup` order, no `sr`, no warning of
    /// order or version.
    #[test]
    fn queue_tokens_round_trip(
        name in "[a-z0-9]{1,20}(-[a-z0-9]{1,20}){0,2}",
        letters in proptest::sample::subsequence(vec!['p', 'u', 'a', 'r'], 1..=4),
        via_emulator in any::<bool>(),
    ) {
        use crate::domain::{keyfile::Key, lifetime::Window, permissions::Permissions, resource, sas};
        prop_assume!(name.len() >= 3);
        let key = Key::from_json(
            r#"{"signedOid":"8e0c6a5c-6a36-4c5a-9c5c-1f1c0b2f6c11","signedTid":"72f988bf-86f1-41af-91ab-2d7cd011db47","signedStart":"2026-11-22T00:00:00Z","signedExpiry":"2026-11-29T00:00:00Z","signedService":"q","signedVersion":"2026-10-06","value":"CDbbW7auD7G7KPwtUda3fRepaIxXK2WN1Gja/igmRuY="}"#,
            "test",
        )
        .unwrap();
        let url = if via_emulator {
            format!("https://127.0.0.1:10001/devstoreaccount1/{name}")
        } else {
            format!("https://acct.queue.core.windows.net/{name}")
        };
        let target = resource::parse(&url, None, false, false).unwrap().into_queue().unwrap();
        let given: String = letters.iter().collect();
        let spec = sas::Spec {
            permissions: Permissions::parse(&given, target.level()).unwrap(),
            window: Window { start: NOW, expiry: NOW + time::Duration::hours(1) },
            https_only: true,
            ip: None,
            encryption_scope: None,
            correlation_id: None,
            extras: sas::Extras::default(),
        };
        let token = sas::sign(&target, &spec, &key.sdk).unwrap();
        let i = inspect(&format!("{url}?{token}"), NOW)
            .map_err(|e| TestCaseError::fail(format!("{token}: {e}")))?;
        prop_assert_eq!(i.service, Some("queue"));
        prop_assert_eq!(i.queue.as_deref(), Some(name.as_str()));
        prop_assert_eq!(i.container, None);
        prop_assert!(i.resource.is_none());
        let canonical: String = "raup".chars().filter(|c| given.contains(*c)).collect();
        prop_assert_eq!(i.permissions.as_deref(), Some(canonical.as_str()));
        prop_assert_eq!(i.permissions_canonical, Some(true));
        prop_assert!(
            !i.warnings.iter().any(|w| matches!(w.code, "non_canonical_permissions" | "unsupported_by_version")),
            "{:?}", i.warnings
        );
    }
}
