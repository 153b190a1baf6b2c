//! Unit tests for `inspect`, including the public user delegation SAS vectors.

use super::model::*;
use super::*;
use crate::render::inspect::render_text;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::Value;
use std::collections::HashSet;
use time::macros::datetime;
use time::OffsetDateTime;
use time::PrimitiveDateTime;

const VECTORS_2026_04_06: &str = include_str!("../../../tests/data/ud-sas-2026-04-06.json");
const VECTORS_PYTHON: &str = include_str!("../../../tests/data/ud-sas-python-12.31.1-fixed.json");

/// `urllib.parse.quote(v, safe='/')`, as the vectors and the SDK encode paths.
const PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

const VECTOR_NOW: OffsetDateTime = datetime!(2025-03-01 00:30 UTC);

struct Case {
    file: &'static str,
    id: String,
    inputs: Value,
    query: String,
    signature: String,
    url_extra: Vec<(String, String)>,
    expected: Value,
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for (file, text) in [
        ("ud-sas-2026-04-06.json", VECTORS_2026_04_06),
        ("ud-sas-python-12.31.1-fixed.json", VECTORS_PYTHON),
    ] {
        let doc: Value = serde_json::from_str(text).expect("vector file is JSON");
        let list = doc["cases"].as_array().expect("cases array");
        assert!(!list.is_empty(), "{file}: no cases");
        for c in list {
            let expected = c["expected"].clone();
            // The 2026 file keeps url_extra_params next to expected, the Python file inside it.
            let extra = if c["url_extra_params"].is_object() {
                &c["url_extra_params"]
            } else {
                &expected["url_extra_params"]
            };
            let url_extra = extra
                .as_object()
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| (k.clone(), v.as_str().expect("str").to_owned()))
                        .collect()
                })
                .unwrap_or_default();
            out.push(Case {
                file,
                id: c["id"].as_str().expect("id").to_owned(),
                inputs: c["inputs"].clone(),
                query: expected["query_string"].as_str().expect("qs").to_owned(),
                signature: expected["signature"].as_str().expect("sig").to_owned(),
                url_extra,
                expected,
            });
        }
    }
    out
}

fn opt<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// The decoded value `inspect` reports for a query parameter.
fn field_for(i: &Inspection, name: &str) -> Option<String> {
    let d = i.delegation.as_ref();
    let h = &i.response_headers;
    match name {
        "sv" => Some(i.signed_version.clone()),
        "st" => i.start.clone(),
        "se" => i.expiry.clone(),
        "sp" => i.permissions.clone(),
        "sip" => i.ip.clone(),
        "spr" => i.protocol.clone(),
        "si" => i.stored_policy.clone(),
        "ses" => i.encryption_scope.clone(),
        "sr" => i.resource.as_ref().map(|r| r.code.clone()),
        "sdd" => i
            .resource
            .as_ref()
            .and_then(|r| r.directory_depth)
            .map(|n| n.to_string()),
        "rscc" => h.cache_control.clone(),
        "rscd" => h.content_disposition.clone(),
        "rsce" => h.content_encoding.clone(),
        "rscl" => h.content_language.clone(),
        "rsct" => h.content_type.clone(),
        "skoid" => d.map(|d| d.signed_oid.clone()),
        "sktid" => d.map(|d| d.signed_tid.clone()),
        "skt" => d.map(|d| d.key_start.clone()),
        "ske" => d.map(|d| d.key_expiry.clone()),
        "sks" => d.map(|d| d.key_service.clone()),
        "skv" => d.map(|d| d.key_version.clone()),
        "skdutid" => d.and_then(|d| d.delegated_user_tid.clone()),
        "sduoid" => d.and_then(|d| d.delegated_user_oid.clone()),
        "saoid" => d.and_then(|d| d.authorized_user_oid.clone()),
        "suoid" => d.and_then(|d| d.unauthorized_user_oid.clone()),
        "scid" => d.and_then(|d| d.correlation_id.clone()),
        "srh" => d.map(|d| d.required_headers.join(",")),
        "srq" => d.map(|d| d.required_query_parameters.join(",")),
        other => panic!("no field for parameter {other}"),
    }
}

/// Every rendering of an inspection: text, JSON and Debug.
fn renderings(i: &Inspection) -> Vec<String> {
    vec![
        render_text(i),
        serde_json::to_string(i).expect("serialises"),
        serde_json::to_string_pretty(i).expect("serialises"),
        format!("{i:?}"),
        format!("{i:#?}"),
    ]
}

fn error_renderings(e: &InspectError) -> Vec<String> {
    vec![e.to_string(), format!("{e:?}"), format!("{e:#?}")]
}

/// Forms in which a signature could leak: decoded, as in the query, and a prefix of either.
fn secret_forms(sig: &str, raw: &str) -> Vec<String> {
    let mut forms = vec![sig.to_owned(), raw.to_owned()];
    for s in [sig, raw] {
        if s.len() >= 12 {
            forms.push(s.chars().take(12).collect());
        }
    }
    forms.retain(|f| f.len() >= 8);
    forms
}

fn assert_no_leak(texts: &[String], secrets: &[String], context: &str) {
    for t in texts {
        for s in secrets {
            assert!(
                !t.contains(s.as_str()),
                "{context}: secret leaked in output:\n{t}"
            );
        }
    }
}

/// The leak check itself must catch a leak.
#[test]
#[should_panic(expected = "secret leaked")]
fn leak_check_catches_a_leak() {
    let sig = "n7BDKtETSf2aPGAkwMcvUAMKs3gxxXuU4tFklaQfQVA=";
    let text = format!("signature: {}", &sig[..20]);
    assert_no_leak(&[text], &secret_forms(sig, "x"), "self-test");
}

fn raw_sig(query: &str) -> String {
    query
        .split('&')
        .find_map(|p| p.strip_prefix("sig="))
        .expect("query has sig")
        .to_owned()
}

fn vector_url(c: &Case) -> String {
    let account = opt(&c.inputs, "account_name").expect("account");
    let container = opt(&c.inputs, "container_name").expect("container");
    let mut url = if account == "devstoreaccount1" {
        format!("http://127.0.0.1:10000/{account}/{container}")
    } else {
        format!("https://{account}.blob.core.windows.net/{container}")
    };
    if let Some(blob) = opt(&c.inputs, "blob_name") {
        url.push('/');
        url.push_str(&utf8_percent_encode(blob, PATH).to_string());
    }
    url.push('?');
    url.push_str(&c.query);
    for (k, v) in &c.url_extra {
        url.push_str(&format!("&{k}={}", utf8_percent_encode(v, PATH)));
    }
    url
}

const HANDLED_INPUTS: &[&str] = &[
    "account_name",
    "container_name",
    "blob_name",
    "is_directory",
    "snapshot",
    "version_id",
    "permission",
    "start",
    "expiry",
    "ip",
    "protocol",
    "encryption_scope",
    "correlation_id",
    "cache_control",
    "content_disposition",
    "content_encoding",
    "content_language",
    "content_type",
    "policy_id",
    "user_delegation_oid",
    "preauthorized_agent_object_id",
    "request_headers",
    "request_query_params",
    "service_version",
    "user_delegation_key",
    // Secret key material, never part of a token.
    "account_key",
    // SDK normalisation inputs; their normalised form is checked through the query string.
    "permission_input",
    "start_datetime",
    "expiry_datetime",
];

/// Warnings a well-formed vector must never raise.
const NEVER_FOR_VECTORS: &[&str] = &[
    "malformed_signature",
    "unencoded_plus_in_signature",
    "unknown_parameter",
    "ignored_parameter",
    "unsupported_by_version",
    "non_canonical_permissions",
    "expiry_after_key_expiry",
    "expiry_not_after_start",
    "ip_range_reversed",
    "stored_policy_with_user_delegation",
    "directory_depth_mismatch",
];

fn check_vector(c: &Case, i: &Inspection, ctx: &str) {
    let inp = &c.inputs;
    if let Some(obj) = inp.as_object() {
        for key in obj.keys() {
            assert!(
                HANDLED_INPUTS.contains(&key.as_str()),
                "{ctx}: input `{key}` is not checked"
            );
        }
    }
    let key = inp.get("user_delegation_key").filter(|k| k.is_object());
    let want_kind = if key.is_some() {
        SasKind::UserDelegation
    } else {
        SasKind::Service
    };
    assert_eq!(i.kind, want_kind, "{ctx}: kind");
    assert_eq!(
        Some(i.signed_version.as_str()),
        opt(inp, "service_version"),
        "{ctx}"
    );

    // Resource type from the inputs.
    let blob = opt(inp, "blob_name");
    let want_sr = if inp["is_directory"].as_bool() == Some(true) {
        "d"
    } else if inp.get("snapshot").is_some() {
        "bs"
    } else if inp.get("version_id").is_some() {
        "bv"
    } else if blob.is_some() {
        "b"
    } else {
        "c"
    };
    let resource = i.resource.as_ref().expect("resource");
    assert_eq!(resource.code, want_sr, "{ctx}: sr");
    if let Some(sr) = opt(&c.expected, "signed_resource") {
        assert_eq!(resource.code, sr, "{ctx}: signed_resource");
    }
    if want_sr == "d" {
        let depth = blob.map_or(0, |b| b.trim_matches('/').split('/').count());
        assert_eq!(resource.directory_depth, u32::try_from(depth).ok(), "{ctx}");
    } else {
        assert_eq!(resource.directory_depth, None, "{ctx}");
    }

    // Permissions and times: compared when given verbatim (the SDK-normalised forms are
    // compared through the query string below).
    for (input, normalised, got) in [
        ("permission", "permission_input", &i.permissions),
        ("start", "start_datetime", &i.start),
        ("expiry", "expiry_datetime", &i.expiry),
    ] {
        if inp.get(normalised).is_none() {
            assert_eq!(got.as_deref(), opt(inp, input), "{ctx}: {input}");
        }
    }
    if let Some(sp) = &i.permissions {
        let letters: String = i.permission_details.iter().map(|l| l.letter).collect();
        assert_eq!(&letters, sp, "{ctx}");
        assert_eq!(i.permissions_canonical, Some(true), "{ctx}");
    }
    let simple = [
        ("ip", &i.ip),
        ("protocol", &i.protocol),
        ("encryption_scope", &i.encryption_scope),
        ("policy_id", &i.stored_policy),
        ("cache_control", &i.response_headers.cache_control),
        (
            "content_disposition",
            &i.response_headers.content_disposition,
        ),
        ("content_encoding", &i.response_headers.content_encoding),
        ("content_language", &i.response_headers.content_language),
        ("content_type", &i.response_headers.content_type),
    ];
    for (input, got) in simple {
        assert_eq!(got.as_deref(), opt(inp, input), "{ctx}: {input}");
    }
    assert_eq!(
        i.http_allowed,
        opt(inp, "protocol") != Some("https"),
        "{ctx}: http_allowed"
    );

    match (key, &i.delegation) {
        (Some(k), Some(d)) => {
            assert_eq!(Some(d.signed_oid.as_str()), opt(k, "signed_oid"), "{ctx}");
            assert_eq!(Some(d.signed_tid.as_str()), opt(k, "signed_tid"), "{ctx}");
            assert_eq!(Some(d.key_start.as_str()), opt(k, "signed_start"), "{ctx}");
            assert_eq!(
                Some(d.key_expiry.as_str()),
                opt(k, "signed_expiry"),
                "{ctx}"
            );
            assert_eq!(
                Some(d.key_service.as_str()),
                opt(k, "signed_service"),
                "{ctx}"
            );
            assert_eq!(
                Some(d.key_version.as_str()),
                opt(k, "signed_version"),
                "{ctx}"
            );
            assert_eq!(
                d.delegated_user_tid.as_deref(),
                opt(k, "signed_delegated_user_tid"),
                "{ctx}"
            );
            assert_eq!(
                d.delegated_user_oid.as_deref(),
                opt(inp, "user_delegation_oid"),
                "{ctx}"
            );
            assert_eq!(
                d.authorized_user_oid.as_deref(),
                opt(inp, "preauthorized_agent_object_id"),
                "{ctx}"
            );
            assert_eq!(d.unauthorized_user_oid, None, "{ctx}");
            assert_eq!(
                d.correlation_id.as_deref(),
                opt(inp, "correlation_id"),
                "{ctx}"
            );
            let names = |key: &str| -> Vec<String> {
                inp.get(key)
                    .and_then(Value::as_array)
                    .map(|pairs| {
                        pairs
                            .iter()
                            .map(|p| p[0].as_str().expect("name").to_owned())
                            .collect()
                    })
                    .unwrap_or_default()
            };
            assert_eq!(d.required_headers, names("request_headers"), "{ctx}");
            assert_eq!(
                d.required_query_parameters,
                names("request_query_params"),
                "{ctx}"
            );
        }
        (None, None) => {}
        _ => panic!("{ctx}: delegation does not match the inputs"),
    }
    assert_eq!(i.services, None, "{ctx}");
    assert_eq!(i.resource_types, None, "{ctx}");
    assert_eq!(i.signature, "present", "{ctx}");
    assert_eq!(i.signature_length, c.signature.chars().count(), "{ctx}");
    assert!(i.unknown_parameters.is_empty(), "{ctx}");

    // Every parameter, decoded by an independent decoder, is reported unchanged.
    for (name, value) in url::form_urlencoded::parse(c.query.as_bytes()) {
        if name == "sig" {
            assert_eq!(value, c.signature, "{ctx}: vector sig decodes");
            continue;
        }
        assert_eq!(
            field_for(i, &name).as_deref(),
            Some(&*value),
            "{ctx}: {name}"
        );
    }
    // And the Python file's own decoded list agrees.
    if let Some(pairs) = c.expected["query_params"].as_array() {
        for p in pairs {
            let (name, value) = (p[0].as_str().expect("n"), p[1].as_str().expect("v"));
            if name != "sig" {
                assert_eq!(field_for(i, name).as_deref(), Some(value), "{ctx}: {name}");
            }
        }
    }

    for code in NEVER_FOR_VECTORS {
        assert!(
            !i.has_warning(code),
            "{ctx}: unexpected {code}: {:?}",
            i.warnings
        );
    }
}

#[test]
fn vectors_decode_to_their_inputs() {
    let cases = cases();
    assert!(cases.len() >= 20, "expected both vector files");
    for c in &cases {
        let ctx = format!("{} {}", c.file, c.id);
        let secrets = secret_forms(&c.signature, &raw_sig(&c.query));

        for input in [
            c.query.clone(),
            format!("?{}", c.query),
            format!("  \"{}\"\n", c.query),
            format!("'?{}'", c.query),
            format!("`{}`", c.query),
        ] {
            let i = inspect(&input, VECTOR_NOW).unwrap_or_else(|e| panic!("{ctx}: {e}"));
            check_vector(c, &i, &ctx);
            assert_eq!(i.account, None, "{ctx}");
            assert_no_leak(&renderings(&i), &secrets, &ctx);
        }

        // As a full URL: account, container and blob come from the URL.
        let url = vector_url(c);
        let i = inspect(&url, VECTOR_NOW).unwrap_or_else(|e| panic!("{ctx}: {e}"));
        check_vector(c, &i, &ctx);
        assert_eq!(
            i.account.as_deref(),
            opt(&c.inputs, "account_name"),
            "{ctx}"
        );
        assert_eq!(
            i.container.as_deref(),
            opt(&c.inputs, "container_name"),
            "{ctx}"
        );
        assert_eq!(i.blob.as_deref(), opt(&c.inputs, "blob_name"), "{ctx}");
        let extra = |k: &str| {
            c.url_extra
                .iter()
                .find(|(name, _)| name == k)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(i.snapshot.as_deref(), extra("snapshot"), "{ctx}");
        assert_eq!(i.version_id.as_deref(), extra("versionid"), "{ctx}");
        assert_no_leak(&renderings(&i), &secrets, &ctx);
    }
}

#[test]
fn vector_errors_and_truncations_never_leak_the_signature() {
    for c in cases() {
        let ctx = format!("{} {}", c.file, c.id);
        let raw = raw_sig(&c.query);
        let secrets = secret_forms(&c.signature, &raw);

        let broken = [
            format!("{}&sig={raw}", c.query),
            format!("{}&SIG={raw}", c.query),
            c.query.replace("sig=", "sig=%zz"),
            c.query.replace("sig=", "sig=%C3%28"),
            format!("{}%", c.query),
            c.query.replace("sv=", "sv=x"),
            c.query.replace("se=", "se=not-a-time"),
            c.query.replace("sp=", "sp=%3F"),
            c.query.replace("sr=", "sr=zz"),
            c.query.replace("sv=", "nosv="),
            format!("https://[::1/c?{}", c.query),
            format!("https://exa mple.com/c?{}", c.query),
            format!("https://acct.blob.core.windows.net/%zz?{}", c.query),
        ];
        for input in broken.iter().filter(|b| **b != c.query) {
            let err = match inspect(input, VECTOR_NOW) {
                Err(e) => e,
                Ok(i) => panic!("{ctx}: accepted {input}: {i:?}"),
            };
            let texts = error_renderings(&err);
            assert_no_leak(&texts, &secrets, &ctx);
            for t in &texts {
                assert!(!t.contains(&c.query), "{ctx}: raw input in error");
            }
            assert!(!err.to_string().contains('\n'), "{ctx}: multi-line error");
        }

        // Every prefix of the query: no panic, and nothing of the signature in any output.
        let mut cut = String::new();
        for ch in c.query.chars() {
            cut.push(ch);
            match inspect(&cut, VECTOR_NOW) {
                Ok(i) => assert_no_leak(&renderings(&i), &secrets, &ctx),
                Err(e) => assert_no_leak(&error_renderings(&e), &secrets, &ctx),
            }
        }
    }
}

// --------------------------------------------------------------------------------------------
// Warnings
// --------------------------------------------------------------------------------------------

const NOW: OffsetDateTime = datetime!(2025-03-01 09:00 UTC);
const SIG: &str = "n7BDKtETSf2aPGAkwMcvUAMKs3gxxXuU4tFklaQfQVA%3D";
const SIG_DECODED: &str = "n7BDKtETSf2aPGAkwMcvUAMKs3gxxXuU4tFklaQfQVA=";

/// A least-privilege user delegation container token: rl, 8 h, https only.
const CLEAN_UD: &[(&str, &str)] = &[
    ("st", "2025-03-01T08%3A00%3A00Z"),
    ("se", "2025-03-01T16%3A00%3A00Z"),
    ("sp", "rl"),
    ("spr", "https"),
    ("sv", "2026-04-06"),
    ("sr", "c"),
    ("skoid", "8e0c6a5c-6a36-4c5a-9c5c-1f1c0b2f6c11"),
    ("sktid", "72f988bf-86f1-41af-91ab-2d7cd011db47"),
    ("skt", "2025-03-01T00%3A00%3A00Z"),
    ("ske", "2025-03-08T00%3A00%3A00Z"),
    ("sks", "b"),
    ("skv", "2026-10-06"),
    ("sig", SIG),
];

/// A service SAS with an IP restriction, otherwise like [`CLEAN_UD`].
const CLEAN_SERVICE: &[(&str, &str)] = &[
    ("st", "2025-03-01T08:00:00Z"),
    ("se", "2025-03-01T16:00:00Z"),
    ("sp", "rl"),
    ("sip", "10.0.0.1"),
    ("spr", "https"),
    ("sv", "2026-04-06"),
    ("sr", "c"),
    ("sig", SIG),
];

/// Applies changes to a base token: `Some(v)` sets (or appends) a parameter, `None` removes it.
fn token(base: &[(&str, &str)], changes: &[(&str, Option<&str>)]) -> String {
    let mut params: Vec<(String, String)> = base
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    for (k, v) in changes {
        let pos = params.iter().position(|(name, _)| name == k);
        match (pos, v) {
            (Some(p), Some(v)) => params[p].1 = (*v).to_owned(),
            (Some(p), None) => {
                params.remove(p);
            }
            (None, Some(v)) => params.push(((*k).to_owned(), (*v).to_owned())),
            (None, None) => {}
        }
    }
    params
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

fn codes_at(input: &str, now: OffsetDateTime) -> Vec<&'static str> {
    let i = inspect(input, now).unwrap_or_else(|e| panic!("{input}: {e}"));
    assert_no_leak(
        &renderings(&i),
        &secret_forms(SIG_DECODED, SIG),
        "warning test",
    );
    i.warnings.iter().map(|w| w.code).collect()
}

fn codes(input: &str) -> Vec<&'static str> {
    codes_at(input, NOW)
}

#[test]
fn least_privilege_tokens_have_no_warnings() {
    let clean = token(CLEAN_UD, &[]);
    let i = inspect(&clean, NOW).expect("clean token");
    assert_eq!(i.warnings, vec![], "{:#?}", i.warnings);
    assert_eq!(i.kind, SasKind::UserDelegation);
    assert_eq!(i.lifetime_seconds, Some(8 * 3600));
    assert_eq!(i.expires_in_seconds, Some(7 * 3600));
    assert_eq!(i.permissions_canonical, Some(true));
    assert!(!i.http_allowed);
    assert!(render_text(&i).ends_with("no warnings\n"));

    // A blob read token, with the key window starting later, is clean as well.
    assert_eq!(
        codes(&token(CLEAN_UD, &[("sr", Some("b")), ("sp", Some("r"))])),
        [""; 0]
    );
    // The same as a service SAS, and a 2-day token restricted to one IP.
    assert_eq!(codes(&token(CLEAN_SERVICE, &[])), [""; 0]);
    let two_days = token(CLEAN_SERVICE, &[("se", Some("2025-03-03T08:00:00Z"))]);
    assert_eq!(codes(&two_days), [""; 0]);
    // Exactly 24 hours is not long-lived; exactly 7 days is not over 7 days.
    let day = token(CLEAN_UD, &[("se", Some("2025-03-02T08:00:00Z"))]);
    assert_eq!(codes(&day), [""; 0]);
    let week = token(CLEAN_SERVICE, &[("se", Some("2025-03-08T08:00:00Z"))]);
    assert_eq!(codes(&week), [""; 0]);
}

#[test]
fn write_and_delete_letters_warn() {
    assert_eq!(
        codes(&token(CLEAN_UD, &[("sp", Some("w"))])),
        ["write_access"]
    );
    assert_eq!(
        codes(&token(CLEAN_UD, &[("sp", Some("rd"))])),
        ["delete_access"]
    );
    for sp in ["a", "c", "w", "t", "m", "o", "p", "i"] {
        assert_eq!(
            codes(&token(CLEAN_UD, &[("sp", Some(sp))])),
            ["write_access"],
            "{sp}"
        );
    }
    for sp in ["d", "x", "y"] {
        assert_eq!(
            codes(&token(CLEAN_UD, &[("sp", Some(sp))])),
            ["delete_access"],
            "{sp}"
        );
    }
    for sp in ["r", "l", "f", "e", "rl", "rlf"] {
        assert_eq!(
            codes(&token(CLEAN_UD, &[("sp", Some(sp))])),
            [""; 0],
            "{sp}"
        );
    }
    let i = inspect(&token(CLEAN_UD, &[("sp", Some("racwdl"))]), NOW).expect("ok");
    let write = &i.warnings[0];
    assert_eq!(write.code, "write_access");
    assert!(
        write.message.contains("a (add/append)"),
        "{}",
        write.message
    );
    assert!(write.message.contains("w (write)"), "{}", write.message);
    assert!(i.has_warning("delete_access"));
}

#[test]
fn account_sas_warns_about_scope() {
    let account = "sv=2026-04-06&ss=b&srt=sco&sp=rl&st=2025-03-01T08:00:00Z&se=2025-03-01T16:00:00Z&spr=https&sig=".to_owned() + SIG;
    let i = inspect(&account, NOW).expect("account sas");
    assert_eq!(i.kind, SasKind::Account);
    assert_eq!(codes(&account), ["account_scope"]);
    assert_eq!(i.resource, None);
    let services = i.services.as_ref().expect("ss");
    assert_eq!(services[0].letter, 'b');
    assert_eq!(services[0].meaning, "blob");
    let types: String = i
        .resource_types
        .as_ref()
        .expect("srt")
        .iter()
        .map(|l| l.letter)
        .collect();
    assert_eq!(types, "sco");
    // Account permission order does not matter; repeats do; `u` is a write letter.
    assert_eq!(codes(&account.replace("sp=rl", "sp=lr")), ["account_scope"]);
    assert!(codes(&account.replace("sp=rl", "sp=rlr")).contains(&"non_canonical_permissions"));
    assert!(codes(&account.replace("sp=rl", "sp=ru")).contains(&"write_access"));
    let text = render_text(&i);
    assert!(text.contains("account SAS"), "{text}");
    assert!(text.contains("warning: account SAS"), "{text}");
}

#[test]
fn http_allowed_warns() {
    assert_eq!(codes(&token(CLEAN_UD, &[("spr", None)])), ["http_allowed"]);
    assert_eq!(
        codes(&token(CLEAN_UD, &[("spr", Some("https%2Chttp"))])),
        ["http_allowed"]
    );
    assert_eq!(
        codes(&token(CLEAN_UD, &[("spr", Some("https,http"))])),
        ["http_allowed"]
    );
    let i = inspect(&token(CLEAN_UD, &[("spr", None)]), NOW).expect("ok");
    assert_eq!(i.protocol, None);
    assert!(i.http_allowed);
    assert!(render_text(&i).contains("https,http (spr not set)"));
}

#[test]
fn lifetime_warnings() {
    let nine_days = token(CLEAN_SERVICE, &[("se", Some("2025-03-10T08:00:00Z"))]);
    assert_eq!(codes(&nine_days), ["lifetime_over_7_days"]);

    // A start back-dated up to 15 minutes against clock skew does not count (sasmint's own
    // 7-day tokens start 15 minutes early); a minute more does.
    let seven_days = |st: &'static str| {
        token(
            CLEAN_SERVICE,
            &[("st", Some(st)), ("se", Some("2025-03-08T08:00:00Z"))],
        )
    };
    assert_eq!(codes(&seven_days("2025-03-01T07:45:00Z")), [""; 0]);
    assert_eq!(
        codes(&seven_days("2025-03-01T07:44:00Z")),
        ["lifetime_over_7_days"]
    );

    let two_days = token(CLEAN_UD, &[("se", Some("2025-03-03T08:00:00Z"))]);
    assert_eq!(codes(&two_days), ["no_ip_restriction_long_lived"]);
    let with_ip = token(
        CLEAN_UD,
        &[
            ("se", Some("2025-03-03T08:00:00Z")),
            ("sip", Some("10.0.0.1-10.0.0.9")),
        ],
    );
    assert_eq!(codes(&with_ip), [""; 0]);

    // Without st, the remaining validity counts.
    let no_start = token(
        CLEAN_UD,
        &[("st", None), ("se", Some("2025-03-03T09:00:00Z"))],
    );
    assert_eq!(codes(&no_start), ["no_ip_restriction_long_lived"]);
    let i = inspect(&no_start, NOW).expect("ok");
    assert_eq!(i.lifetime_seconds, None);
    assert_eq!(i.expires_in_seconds, Some(2 * 86_400));
    let short_no_start = token(CLEAN_UD, &[("st", None)]);
    assert_eq!(codes(&short_no_start), [""; 0]);

    // A UD token over 7 days: also past its key and without IP restriction.
    let ud_long = token(CLEAN_UD, &[("se", Some("2025-03-09T08:00:00Z"))]);
    let got = codes(&ud_long);
    assert_eq!(
        got,
        [
            "lifetime_over_7_days",
            "no_ip_restriction_long_lived",
            "expiry_after_key_expiry"
        ]
    );
    let i = inspect(&ud_long, NOW).expect("ok");
    assert!(i.warnings[0].message.contains("outlive its key"));
}

#[test]
fn validity_window_warnings() {
    let clean = token(CLEAN_UD, &[]);
    assert_eq!(
        codes_at(&clean, datetime!(2025-03-01 16:00 UTC)),
        ["expired"]
    );
    assert_eq!(
        codes_at(&clean, datetime!(2025-03-01 07:59 UTC)),
        ["not_yet_valid"]
    );
    let i = inspect(&clean, datetime!(2025-03-02 16:00 UTC)).expect("ok");
    assert_eq!(i.expires_in_seconds, Some(-86_400));
    assert!(i.warnings[0].message.contains("1d ago"), "{:?}", i.warnings);
    assert!(render_text(&i).contains("expires_in:"));

    // The key has expired too.
    let i = inspect(&clean, datetime!(2025-03-09 00:00 UTC)).expect("ok");
    let expired: Vec<_> = i.warnings.iter().filter(|w| w.code == "expired").collect();
    assert_eq!(expired.len(), 2);
    assert!(expired[1].message.contains("user delegation key"));

    // The key is not valid yet, the SAS window is.
    let future_key = token(CLEAN_UD, &[("skt", Some("2025-03-01T10:00:00Z"))]);
    assert_eq!(codes(&future_key), ["not_yet_valid"]);

    let before_key_end = token(CLEAN_UD, &[("ske", Some("2025-03-01T12:00:00Z"))]);
    assert_eq!(codes(&before_key_end), ["expiry_after_key_expiry"]);

    let inverted = token(CLEAN_UD, &[("se", Some("2025-03-01T08:00:00Z"))]);
    assert_eq!(
        codes_at(&inverted, datetime!(2025-03-01 07:00 UTC)),
        ["expiry_not_after_start", "not_yet_valid"]
    );
}

#[test]
fn reversed_ip_range_warns() {
    let reversed = token(CLEAN_UD, &[("sip", Some("10.0.0.9-10.0.0.1"))]);
    assert_eq!(codes(&reversed), ["ip_range_reversed"]);
    for fine in [
        "10.0.0.1-10.0.0.9",
        "10.0.0.1-10.0.0.1",
        "10.0.0.9",
        "not-an-ip",
    ] {
        let t = token(CLEAN_UD, &[("sip", Some(fine))]);
        assert!(!codes(&t).contains(&"ip_range_reversed"), "{fine}");
    }
}

#[test]
fn permission_order_warns() {
    let i = inspect(&token(CLEAN_UD, &[("sp", Some("lr"))]), NOW).expect("ok");
    assert_eq!(i.permissions_canonical, Some(false));
    assert_eq!(i.warnings.len(), 1);
    assert_eq!(i.warnings[0].code, "non_canonical_permissions");
    assert!(
        i.warnings[0].message.contains("sp=rl"),
        "{}",
        i.warnings[0].message
    );
    assert_eq!(
        codes(&token(CLEAN_UD, &[("sp", Some("rrl"))])),
        ["non_canonical_permissions"]
    );
    assert!(render_text(&i).contains("[not canonical]"));
}

#[test]
fn signature_warnings() {
    let plus = "iJGAJTCBC6PKx39j+LeFKEWJAT/Nmq1JOyfagKH/6XQ%3D";
    let q = token(CLEAN_UD, &[("sig", Some(plus))]);
    let i = inspect(&q, NOW).expect("ok");
    assert_eq!(
        i.warnings.iter().map(|w| w.code).collect::<Vec<_>>(),
        ["unencoded_plus_in_signature"]
    );
    assert!(i.warnings[0].message.starts_with("sig contains a raw '+'"));
    let secrets = secret_forms("iJGAJTCBC6PKx39j+LeFKEWJAT/Nmq1JOyfagKH/6XQ=", plus);
    assert_no_leak(&renderings(&i), &secrets, "plus");
    assert_no_leak(
        &renderings(&i),
        &["iJGAJTCBC6PK".to_owned(), "LeFKEWJAT".to_owned()],
        "plus",
    );

    for bad in [
        "abc",
        "n7BDKtETSf2aPGAkwMcvUAMKs3gxxXuU4tFklaQfQVA",
        "%3D%3D%3D%3D",
    ] {
        assert_eq!(
            codes(&token(CLEAN_UD, &[("sig", Some(bad))])),
            ["malformed_signature"],
            "{bad}"
        );
    }
}

#[test]
fn parameter_warnings() {
    let q = token(CLEAN_UD, &[("foo", Some("supersecretvalue"))]);
    let i = inspect(&q, NOW).expect("ok");
    assert_eq!(i.unknown_parameters, ["foo"]);
    assert_eq!(codes(&q), ["unknown_parameter"]);
    assert_no_leak(&renderings(&i), &["supersecretvalue".to_owned()], "unknown");

    // A name that looks like a pasted secret is hidden too.
    let secret_name = "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0";
    let q = format!("{}&{secret_name}", token(CLEAN_UD, &[]));
    let i = inspect(&q, NOW).expect("ok");
    assert_eq!(i.unknown_parameters, ["(hidden name, 40 bytes)"]);
    assert_no_leak(&renderings(&i), &[secret_name.to_owned()], "hidden name");

    let si = token(CLEAN_UD, &[("si", Some("p1"))]);
    assert_eq!(codes(&si), ["stored_policy_with_user_delegation"]);

    let scid = token(CLEAN_SERVICE, &[("scid", Some("6f3c1c2e"))]);
    assert_eq!(codes(&scid), ["ignored_parameter"]);
    let sr_on_account = "sv=2026-04-06&ss=b&srt=o&sp=r&se=2025-03-01T16:00:00Z&spr=https&sr=c&sig="
        .to_owned()
        + SIG;
    assert_eq!(
        codes(&sr_on_account),
        ["account_scope", "ignored_parameter"]
    );

    let old = token(
        CLEAN_UD,
        &[("sv", Some("2019-02-02")), ("ses", Some("scope"))],
    );
    assert_eq!(codes(&old), ["unsupported_by_version"]);
    let old_dir = token(
        CLEAN_SERVICE,
        &[
            ("sv", Some("2019-12-12")),
            ("sr", Some("d")),
            ("sdd", Some("1")),
        ],
    );
    assert_eq!(
        codes(&old_dir),
        ["unsupported_by_version", "unsupported_by_version"]
    );

    // Request parameters are listed by name without a warning.
    let q = format!("restype=container&comp=list&{}", token(CLEAN_UD, &[]));
    let i = inspect(&q, NOW).expect("ok");
    assert_eq!(i.request_parameters, ["restype", "comp"]);
    assert_eq!(i.warnings, vec![]);
}

#[test]
fn urls_give_account_container_and_blob() {
    let q = token(CLEAN_UD, &[("sr", Some("b")), ("sp", Some("r"))]);
    let i = inspect(
        &format!("https://acct.blob.core.windows.net/c/dir/a%20b%2Bc.txt?{q}#frag"),
        NOW,
    )
    .expect("ok");
    assert_eq!(i.account.as_deref(), Some("acct"));
    assert_eq!(i.container.as_deref(), Some("c"));
    assert_eq!(i.blob.as_deref(), Some("dir/a b+c.txt"));
    assert_eq!(i.warnings, vec![]);

    // Path-style (Azurite / IP endpoints): the account is the first path segment.
    for base in [
        "http://127.0.0.1:10000/devstoreaccount1/c/b",
        "http://localhost:10000/devstoreaccount1/c/b",
        "http://[::1]:10000/devstoreaccount1/c/b",
        "127.0.0.1:10000/devstoreaccount1/c/b",
    ] {
        let wrapped = format!("<{base}?{q}>");
        assert!(inspect(&wrapped, NOW).is_ok(), "{wrapped}");
        let i = inspect(&format!("{base}?{q}"), NOW).unwrap_or_else(|e| panic!("{base}: {e}"));
        assert_eq!(i.account.as_deref(), Some("devstoreaccount1"), "{base}");
        assert_eq!(i.container.as_deref(), Some("c"), "{base}");
        assert_eq!(i.blob.as_deref(), Some("b"), "{base}");
    }
    // Scheme-less host-style URL.
    let i = inspect(&format!("acct.blob.core.windows.net/c?{q}"), NOW).expect("ok");
    assert_eq!(i.account.as_deref(), Some("acct"));
    assert_eq!(i.blob, None);
    // A relative path: only the query is used.
    let i = inspect(&format!("c/b?{q}"), NOW).expect("ok");
    assert_eq!(i.account, None);
    // Account-level URL.
    let i = inspect(&format!("https://acct.blob.core.windows.net/?{q}"), NOW).expect("ok");
    assert_eq!(
        (i.account.as_deref(), i.container.as_deref()),
        (Some("acct"), None)
    );

    // Directory depth is checked against the URL path.
    let dir = token(
        CLEAN_UD,
        &[("sr", Some("d")), ("sdd", Some("2")), ("sp", Some("rl"))],
    );
    let url = format!("https://dl.blob.core.windows.net/lake/raw/2025/03?{dir}");
    assert_eq!(codes(&url), ["directory_depth_mismatch"]);
    let ok = url.replace("sdd=2", "sdd=3");
    assert_eq!(codes(&ok), [""; 0]);
}

#[test]
fn time_forms_and_extremes() {
    for se in [
        "2025-03-01T16:00Z",
        "2025-03-01T16:00:00.1234567Z",
        "2025-03-01T17:00:00%2B01:00",
    ] {
        let i = inspect(&token(CLEAN_UD, &[("se", Some(se))]), NOW)
            .unwrap_or_else(|e| panic!("{se}: {e}"));
        assert_eq!(i.lifetime_seconds, Some(8 * 3600), "{se}");
    }
    let i = inspect(
        &token(CLEAN_SERVICE, &[("st", None), ("se", Some("2025-03-02"))]),
        NOW,
    )
    .expect("date only");
    assert_eq!(i.expires_in_seconds, Some(15 * 3600));

    // Extreme clocks and far-away dates must not overflow or panic.
    let far = token(
        CLEAN_SERVICE,
        &[
            ("st", Some("0000-01-01T00:00:00Z")),
            ("se", Some("9999-12-31T23:59:59Z")),
        ],
    );
    for now in [
        PrimitiveDateTime::MIN.assume_utc(),
        PrimitiveDateTime::MAX.assume_utc(),
        NOW,
    ] {
        let i = inspect(&far, now).expect("far");
        assert!(i.has_warning("lifetime_over_7_days"));
        let _ = render_text(&i);
        let _ = inspect(&token(CLEAN_UD, &[]), now).expect("clean");
    }
}

#[test]
fn malformed_inputs_are_errors() {
    let clean = token(CLEAN_UD, &[]);
    type Check = fn(&InspectError) -> bool;
    let cases: Vec<(String, Check)> = vec![
        (String::new(), |e| matches!(e, InspectError::Empty)),
        ("   \n".into(), |e| matches!(e, InspectError::Empty)),
        ("\"\"".into(), |e| matches!(e, InspectError::Empty)),
        ("' '".into(), |e| matches!(e, InspectError::Empty)),
        ("hello".into(), |e| {
            matches!(e, InspectError::NotASas { .. })
        }),
        ("https://example.com/".into(), |e| {
            matches!(e, InspectError::NotASas { .. })
        }),
        ("sv=2026-04-06&sr=c".into(), |e| {
            matches!(e, InspectError::NotASas { missing: "`sig`" })
        }),
        (format!("sig={SIG}"), |e| {
            matches!(e, InspectError::NotASas { missing: "`sv`" })
        }),
        (clean.replace(SIG, ""), |e| {
            matches!(e, InspectError::InvalidValue { param: "sig", .. })
        }),
        (clean.replace("2025-03-01T16", "2025-13-01T16"), |e| {
            matches!(e, InspectError::InvalidTime { param: "se", .. })
        }),
        (clean.replace("st=2025-03-01", "st=yesterday"), |e| {
            matches!(e, InspectError::InvalidTime { param: "st", .. })
        }),
        (clean.replace("skt=2025", "skt=x2025"), |e| {
            matches!(e, InspectError::InvalidTime { param: "skt", .. })
        }),
        (
            clean.replace("16%3A00%3A00Z", "17:00:00+01:00"),
            |e| matches!(e, InspectError::InvalidTime { param: "se", hint } if hint.contains("%2B")),
        ),
        (clean.replace("sp=rl", "sp=r%zzl"), |e| {
            matches!(e, InspectError::BadPercentEncoding { .. })
        }),
        (format!("{clean}&x=%4"), |e| {
            matches!(e, InspectError::BadPercentEncoding { .. })
        }),
        (clean.replace("sp=rl", "sp=%C3%28"), |e| {
            matches!(e, InspectError::BadPercentEncoding { .. })
        }),
        (format!("{clean}&%zz=1"), |e| {
            matches!(e, InspectError::BadPercentEncoding { .. })
        }),
        (
            format!("{clean}&sp=w"),
            |e| matches!(e, InspectError::DuplicateParameter { name } if name == "sp"),
        ),
        (
            format!("{clean}&SIG={SIG}"),
            |e| matches!(e, InspectError::DuplicateParameter { name } if name == "SIG"),
        ),
        (clean.replace("sv=2026-04-06", "sv=26-04-06"), |e| {
            matches!(e, InspectError::InvalidValue { param: "sv", .. })
        }),
        (clean.replace("sr=c", "sr=q"), |e| {
            matches!(e, InspectError::InvalidValue { param: "sr", .. })
        }),
        (
            clean.replace("sp=rl", "sp=rz"),
            |e| matches!(e, InspectError::InvalidValue { param: "sp", problem, .. } if problem.contains("'z'")),
        ),
        (clean.replace("spr=https", "spr=ftp"), |e| {
            matches!(e, InspectError::InvalidValue { param: "spr", .. })
        }),
        (token(CLEAN_UD, &[("se", None)]), |e| {
            matches!(e, InspectError::MissingParameter { param: "se", .. })
        }),
        (token(CLEAN_UD, &[("sp", None)]), |e| {
            matches!(e, InspectError::MissingParameter { param: "sp", .. })
        }),
        (token(CLEAN_UD, &[("ske", None)]), |e| {
            matches!(e, InspectError::MissingParameter { param: "ske", .. })
        }),
        (token(CLEAN_UD, &[("sr", None)]), |e| {
            matches!(e, InspectError::MissingParameter { param: "sr", .. })
        }),
        (token(CLEAN_UD, &[("sr", Some("d"))]), |e| {
            matches!(e, InspectError::MissingParameter { param: "sdd", .. })
        }),
        (
            token(CLEAN_UD, &[("sr", Some("d")), ("sdd", Some("-1"))]),
            |e| matches!(e, InspectError::InvalidValue { param: "sdd", .. }),
        ),
        (token(CLEAN_UD, &[("ss", Some("b"))]), |e| {
            matches!(e, InspectError::MixedKinds)
        }),
        (
            token(CLEAN_UD, &[("srt", Some("sco")), ("ss", None)]),
            |e| matches!(e, InspectError::MixedKinds),
        ),
        (
            format!("sv=2026-04-06&ss=b&sp=r&se=2025-03-02&sig={SIG}"),
            |e| matches!(e, InspectError::MissingParameter { param: "srt", .. }),
        ),
        (
            format!("sv=2026-04-06&ss=bz&srt=o&sp=r&se=2025-03-02&sig={SIG}"),
            |e| matches!(e, InspectError::InvalidValue { param: "ss", .. }),
        ),
        (format!("sv=2026-04-06&sp=r&se=2025-03-02&sig={SIG}"), |e| {
            matches!(e, InspectError::UnknownKind)
        }),
        (format!("https://[::1/c?{clean}"), |e| {
            matches!(e, InspectError::InvalidUrl { .. })
        }),
        (format!("https://exa mple.com/c?{clean}"), |e| {
            matches!(e, InspectError::InvalidUrl { .. })
        }),
        (
            format!("https://a.blob.core.windows.net/c/%zz?{clean}"),
            |e| matches!(e, InspectError::BadPercentEncoding { .. }),
        ),
    ];
    for (input, check) in &cases {
        match inspect(input, NOW) {
            Ok(i) => panic!("accepted {input:?}: {i:?}"),
            Err(e) => {
                assert!(check(&e), "{input:?}: unexpected error {e:?}");
                let msg = e.to_string();
                assert!(!msg.contains('\n'), "{msg}");
                assert!(msg.contains(';') || msg.contains(':'), "no fix in: {msg}");
                assert_no_leak(
                    &error_renderings(&e),
                    &secret_forms(SIG_DECODED, SIG),
                    input,
                );
                if input.len() > 20 {
                    assert!(!msg.contains(input.as_str()), "raw input in {msg}");
                }
            }
        }
    }
    // A service SAS may leave sp and se to its stored access policy.
    let policy = format!("sv=2026-04-06&si=read-policy&sr=c&sig={SIG}");
    let i = inspect(&policy, NOW).expect("policy only");
    assert_eq!(i.stored_policy.as_deref(), Some("read-policy"));
    assert_eq!(
        (i.permissions.as_deref(), i.expiry.as_deref()),
        (None, None)
    );
    assert_eq!(codes(&policy), ["http_allowed"]);
    let text = render_text(&i);
    assert!(text.contains("(from stored access policy)"), "{text}");
}

/// Deterministic pseudo-random inputs: `inspect` returns a `Result` and never panics.
#[test]
fn fuzzed_inputs_never_panic() {
    const PIECES: &[&str] = &[
        "sv=",
        "2026-04-06",
        "sig=",
        SIG,
        "&",
        "&&",
        "%",
        "%2",
        "%2B",
        "%C3",
        "%zz",
        "+",
        "=",
        "?",
        "#",
        "se=",
        "st=",
        "2025-03-01T00:00:00Z",
        "9999-12-31",
        "sp=",
        "rl",
        "racwdxyltfmeopi",
        "https://",
        "http://",
        "a.b/",
        "127.0.0.1:10000/",
        "[::1]/",
        "ss=",
        "srt=",
        "skoid=x",
        "ske=",
        "skt=",
        "sr=",
        "c",
        "d",
        "sdd=",
        "99999999999",
        "spr=",
        "https,http",
        "sip=",
        "é",
        "\"",
        "'",
        " ",
        "\n",
        "\u{0}",
        "/",
        "SIG=",
        "srh=",
        "srq=",
        "a%2Cb,",
        "si=",
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..20_000 {
        let len = next() % 24;
        let input: String = (0..len)
            .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
            .collect();
        match inspect(&input, NOW) {
            Ok(i) => {
                let text = render_text(&i);
                assert!(text.ends_with('\n'));
                assert_no_leak(&renderings(&i), &secret_forms(SIG_DECODED, SIG), &input);
            }
            Err(e) => {
                assert!(!e.to_string().contains('\n'));
                assert_no_leak(
                    &error_renderings(&e),
                    &secret_forms(SIG_DECODED, SIG),
                    &input,
                );
            }
        }
    }
}

#[test]
fn text_output_is_aligned_and_escaped() {
    let q = token(
        CLEAN_UD,
        &[
            ("sp", Some("rw")),
            ("rscd", Some("attachment%0A%1B%5B31mevil")),
            // A bidi override (U+202E) reorders what a terminal shows.
            ("rsct", Some("text%2Fplain%E2%80%AEfdp.exe")),
        ],
    );
    let i = inspect(&q, NOW).expect("ok");
    let text = render_text(&i);
    assert!(text.ends_with('\n'));
    assert!(!text.contains('\u{1b}'), "{text}");
    // The one escape form of every stderr and terminal line (`domain::shown`).
    assert!(text.contains("attachment\\n\\x1b[31mevil"), "{text}");
    assert!(!text.contains('\u{202e}'), "{text}");
    assert!(text.contains("text/plain\\u{202e}fdp.exe"), "{text}");
    let rows: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with("warning: "))
        .collect();
    let columns: HashSet<usize> = rows
        .iter()
        .map(|l| {
            let colon = l.find(':').expect("key: value");
            colon + 1 + l[colon + 1..].chars().take_while(|c| *c == ' ').count()
        })
        .collect();
    assert_eq!(columns.len(), 1, "values not aligned:\n{text}");
    assert!(text.contains("warning: grants write access"), "{text}");
    assert!(text.contains("[write_access]"), "{text}");
    assert!(text.contains("signature:"), "{text}");
    assert!(
        text.contains("present (44 characters, not shown)"),
        "{text}"
    );
}

#[test]
fn json_shape() {
    let url = format!(
        "https://myaccount.blob.core.windows.net/images?{}",
        token(CLEAN_UD, &[])
    );
    let i = inspect(&url, NOW).expect("ok");
    let v: Value = serde_json::to_value(&i).expect("json");
    assert_eq!(v["kind"], "user_delegation");
    assert_eq!(v["signed_version"], "2026-04-06");
    assert_eq!(v["account"], "myaccount");
    assert_eq!(v["container"], "images");
    assert_eq!(v["blob"], Value::Null);
    assert_eq!(v["resource"]["code"], "c");
    assert_eq!(v["resource"]["meaning"], "container");
    assert_eq!(v["permissions"], "rl");
    assert_eq!(v["permission_details"][1]["letter"], "l");
    assert_eq!(v["permissions_canonical"], true);
    assert_eq!(v["start"], "2025-03-01T08:00:00Z");
    assert_eq!(v["expiry"], "2025-03-01T16:00:00Z");
    assert_eq!(v["lifetime_seconds"], 28_800);
    assert_eq!(v["expires_in_seconds"], 25_200);
    assert_eq!(v["protocol"], "https");
    assert_eq!(v["http_allowed"], false);
    assert_eq!(v["ip"], Value::Null);
    assert_eq!(v["delegation"]["key_expiry"], "2025-03-08T00:00:00Z");
    assert_eq!(v["signature"], "present");
    assert_eq!(v["signature_length"], 44);
    assert_eq!(v["warnings"], Value::Array(vec![]));
    assert_eq!(v["services"], Value::Null);

    let w = inspect(&token(CLEAN_UD, &[("sp", Some("rd"))]), NOW).expect("ok");
    let v: Value = serde_json::to_value(&w).expect("json");
    assert_eq!(v["warnings"][0]["code"], "delete_access");
    assert!(v["warnings"][0]["message"].is_string());
}
