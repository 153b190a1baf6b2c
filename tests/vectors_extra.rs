//! `--ip`, `--allow-http`, `--encryption-scope` and `--correlation-id` proved against a second,
//! independent implementation: the Azure SDK for Python. Azurite cannot prove them (it ignores
//! `sip`, answers 500 for `ses`, accepts any `spr` with a comma and fails every token carrying
//! `scid`), so tests/data/ud-sas-python-extra.json,
//! written by scripts/sas_vectors.py with the SDK version it records, holds the SDK's
//! string-to-sign, line by line, for each of them.
//!
//! For every case marked `sasmint_runs` the real binary signs offline with the vector's key, and
//! the vector's string-to-sign is re-signed with these lines replaced by what sasmint was given or
//! emits, and nothing else:
//! * `signedVersion`: sasmint signs at the version of the `azure_storage_sas` crate (2026-04-06),
//!   the SDK at its own (2026-10-06); both versions share one layout.
//! * `signedStart`, `signedExpiry`, `signedKeyStart`, `signedKeyExpiry`: the vector's fixed times
//!   are long past, and sasmint (rightly) refuses an expired key or a token that is already over,
//!   so the test signs with times around now and puts those into the same four lines.
//!
//! The result must be sasmint's `sig`, and every other query parameter must equal the SDK's after
//! percent-decoding. So sasmint signs the same fields, in the same lines, with the same values, as
//! the SDK. The cases of issue 13 in the same file are data for features sasmint does not
//! sign yet; `the_vector_file_is_self_consistent` checks them all.

mod support;

use base64::Engine;
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Write;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

const VECTORS: &str = include_str!("data/ud-sas-python-extra.json");

/// The fields the string-to-sign carries at 2026-04-06 and later, in order.
const FIELDS: [&str; 28] = [
    "signedPermissions",
    "signedStart",
    "signedExpiry",
    "canonicalizedResource",
    "signedKeyObjectId",
    "signedKeyTenantId",
    "signedKeyStart",
    "signedKeyExpiry",
    "signedKeyService",
    "signedKeyVersion",
    "signedAuthorizedUserObjectId",
    "signedUnauthorizedUserObjectId",
    "signedCorrelationId",
    "signedKeyDelegatedUserTenantId",
    "signedDelegatedUserObjectId",
    "signedIP",
    "signedProtocol",
    "signedVersion",
    "signedResource",
    "signedSnapshotTime",
    "signedEncryptionScope",
    "signedRequestHeaders",
    "signedRequestQueryParameters",
    "rscc",
    "rscd",
    "rsce",
    "rscl",
    "rsct",
];

/// Inputs this test can hand to `sasmint mint`; any other non-null input fails the test, so a
/// case is never checked while silently ignoring part of it.
const EXPRESSIBLE: [&str; 13] = [
    "account_name",
    "container_name",
    "blob_name",
    "is_directory",
    "permission",
    "start",
    "expiry",
    "ip",
    "protocol",
    "encryption_scope",
    "correlation_id",
    "user_delegation_key",
    "service_version",
];

/// Everything but unreserved characters and `/`, as the SDK and the vectors encode blob paths.
const PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

fn doc() -> Value {
    serde_json::from_str(VECTORS).expect("the vector file is JSON")
}

fn cases() -> Vec<Value> {
    let cases = doc()["cases"].as_array().expect("cases").clone();
    assert!(!cases.is_empty(), "no cases");
    cases
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} is not a string"))
}

fn hmac_b64(key_b64: &str, message: &str) -> String {
    use hmac::{Hmac, Mac};
    let key = base64::engine::general_purpose::STANDARD
        .decode(key_b64)
        .expect("key value is base64");
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).expect("any key length");
    mac.update(message.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

fn decode(v: &str) -> String {
    percent_decode_str(v)
        .decode_utf8()
        .expect("UTF-8 after decoding")
        .into_owned()
}

/// A query string as decoded (name, value) pairs, refusing a name that appears twice.
fn params(query: &str) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for pair in query.split('&') {
        let (k, v) = pair.split_once('=').expect("name=value");
        assert!(
            map.insert(k.to_owned(), decode(v)).is_none(),
            "{k} appears twice in {query}"
        );
    }
    map
}

/// A time `seconds` from now, whole seconds, as `YYYY-MM-DDTHH:MM:SSZ`.
fn time_in(seconds: i64) -> String {
    (OffsetDateTime::now_utc() + time::Duration::seconds(seconds))
        .replace_nanosecond(0)
        .unwrap()
        .format(&Rfc3339)
        .unwrap()
}

/// The labelled lines of a case, checked against the file's field list.
fn lines(case: &Value) -> Vec<(String, String)> {
    let id = s(case, "id");
    let list = case["expected"]["string_to_sign_lines"]
        .as_array()
        .expect("string_to_sign_lines");
    assert_eq!(list.len(), FIELDS.len(), "{id}");
    list.iter()
        .zip(FIELDS)
        .map(|(line, field)| {
            assert_eq!(s(line, "field"), field, "{id}: fields out of order");
            (field.to_owned(), s(line, "value").to_owned())
        })
        .collect()
}

fn line<'a>(lines: &'a [(String, String)], field: &str) -> &'a str {
    &lines.iter().find(|(f, _)| f == field).expect(field).1
}

#[test]
fn the_vector_file_is_self_consistent() {
    let doc = doc();
    let fields: Vec<&str> = doc["string_to_sign_fields"]
        .as_array()
        .expect("string_to_sign_fields")
        .iter()
        .map(|f| s(f, "field"))
        .collect();
    assert_eq!(fields, FIELDS);
    assert!(
        doc["sdk"]["azure-storage-blob"].is_string()
            && doc["sdk"]["azure-storage-file-datalake"].is_string(),
        "the SDK versions are recorded"
    );
    let mut per_issue = BTreeMap::new();
    for case in cases() {
        let id = s(&case, "id");
        let issue = case["issue"].as_u64().expect("issue");
        *per_issue.entry(issue).or_insert(0) += 1;
        // Issue 11's features are the ones sasmint has; the others are data for later.
        assert_eq!(
            case["sasmint_runs"].as_bool(),
            Some(issue == 11 || issue == 12),
            "{id}"
        );
        let expected = &case["expected"];
        let lines = lines(&case);
        let joined: Vec<&str> = lines.iter().map(|(_, v)| v.as_str()).collect();
        assert_eq!(joined.join("\n"), s(expected, "string_to_sign"), "{id}");
        assert_eq!(
            hmac_b64(
                s(&case["inputs"]["user_delegation_key"], "value"),
                s(expected, "string_to_sign")
            ),
            s(expected, "signature"),
            "{id}"
        );
        let query = params(s(expected, "query_string"));
        assert_eq!(query["sig"], s(expected, "signature"), "{id}");
        assert_eq!(query["sv"], line(&lines, "signedVersion"), "{id}");
        assert_eq!(query["sr"], s(expected, "signed_resource"), "{id}");
        if let Some(depth) = expected["directory_depth"].as_u64() {
            assert_eq!(query["sdd"], depth.to_string(), "{id}");
            assert_eq!(query["sr"], "d", "{id}");
        }
        let pairs: BTreeMap<String, String> = expected["query_params"]
            .as_array()
            .expect("query_params")
            .iter()
            .map(|p| {
                (
                    p[0].as_str().expect("name").to_owned(),
                    p[1].as_str().expect("value").to_owned(),
                )
            })
            .collect();
        assert_eq!(
            pairs, query,
            "{id}: query_params is the decoded query_string"
        );
    }
    assert!(
        per_issue.get(&11) >= Some(&12)
            && per_issue.get(&12) >= Some(&1)
            && per_issue.get(&13) >= Some(&1),
        "{per_issue:?}"
    );
}

#[test]
fn sasmint_signs_what_the_python_sdk_signs_for_ip_http_scope_and_correlation_id() {
    let dir = tempfile::tempdir().unwrap();
    let mut checked = Vec::new();
    for case in cases().iter().filter(|c| c["sasmint_runs"] == true) {
        let id = s(case, "id");
        let inputs = &case["inputs"];
        for (name, value) in inputs.as_object().unwrap() {
            assert!(
                EXPRESSIBLE.contains(&name.as_str()) || value.is_null(),
                "{id}: the test cannot pass {name} to sasmint"
            );
        }
        assert_eq!(inputs["is_directory"], false, "{id}");
        let vkey = &inputs["user_delegation_key"];
        let lines = lines(case);

        // The lines replaced below hold exactly the vector's own inputs, and no other line does.
        let replaced = [
            ("signedStart", s(inputs, "start")),
            ("signedExpiry", s(inputs, "expiry")),
            ("signedKeyStart", s(vkey, "signed_start")),
            ("signedKeyExpiry", s(vkey, "signed_expiry")),
            ("signedVersion", s(inputs, "service_version")),
        ];
        for (field, value) in replaced {
            assert_eq!(line(&lines, field), value, "{id}: {field}");
        }

        // The vector's key, as `sasmint key` saves it, valid around now.
        let (key_start, key_expiry) = (time_in(-3600), time_in(86_400));
        let key_path = dir.path().join(format!("{id}.json"));
        let key_json = serde_json::json!({
            "signedOid": vkey["signed_oid"],
            "signedTid": vkey["signed_tid"],
            "signedStart": key_start,
            "signedExpiry": key_expiry,
            "signedService": vkey["signed_service"],
            "signedVersion": vkey["signed_version"],
            "value": vkey["value"],
        });
        std::fs::File::create(&key_path)
            .unwrap()
            .write_all(key_json.to_string().as_bytes())
            .unwrap();

        let (start, expiry) = (time_in(-600), time_in(7200));
        let mut url = format!(
            "https://{}.blob.core.windows.net/{}",
            s(inputs, "account_name"),
            s(inputs, "container_name")
        );
        if let Some(blob) = inputs["blob_name"].as_str() {
            url.push('/');
            url.push_str(&utf8_percent_encode(blob, PATH).to_string());
        }
        let mut args = vec![
            "mint".to_owned(),
            url,
            "-p".to_owned(),
            s(inputs, "permission").to_owned(),
            "--start".to_owned(),
            start.clone(),
            "--expiry".to_owned(),
            expiry.clone(),
            "--output".to_owned(),
            "json".to_owned(),
            "--delegation-key".to_owned(),
            key_path.to_str().unwrap().to_owned(),
        ];
        if let Some(ip) = inputs["ip"].as_str() {
            args.extend(["--ip".to_owned(), ip.to_owned()]);
        }
        match inputs["protocol"].as_str() {
            Some("https") => {}
            Some("https,http") => args.push("--allow-http".to_owned()),
            other => panic!("{id}: sasmint always signs spr; the vector has {other:?}"),
        }
        if let Some(scope) = inputs["encryption_scope"].as_str() {
            args.extend(["--encryption-scope".to_owned(), scope.to_owned()]);
        }
        if let Some(id) = inputs["correlation_id"].as_str() {
            args.extend(["--correlation-id".to_owned(), id.to_owned()]);
        }

        let out = support::sasmint_offline().args(&args).output().unwrap();
        assert!(
            out.status.success(),
            "{id}: sasmint failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let minted: Value = serde_json::from_slice(&out.stdout).expect("--output json");
        let mut ours = params(s(&minted, "token"));
        let sv = s(&minted, "signed_version").to_owned();

        // The SDK's string-to-sign with only the lines above replaced.
        let ours_for = |field: &str| -> Option<String> {
            match field {
                "signedStart" => Some(start.clone()),
                "signedExpiry" => Some(expiry.clone()),
                "signedKeyStart" => Some(key_start.clone()),
                "signedKeyExpiry" => Some(key_expiry.clone()),
                "signedVersion" => Some(sv.clone()),
                _ => None,
            }
        };
        let string_to_sign: Vec<String> = lines
            .iter()
            .map(|(field, value)| ours_for(field).unwrap_or_else(|| value.clone()))
            .collect();
        let expected_sig = hmac_b64(s(vkey, "value"), &string_to_sign.join("\n"));
        assert!(
            ours.remove("sig").unwrap() == expected_sig,
            "{id}: sasmint's signature is not the HMAC of the SDK's string-to-sign (sv {sv})"
        );

        // Every other parameter as the SDK emits it.
        for (name, value) in [
            ("sv", &sv),
            ("st", &start),
            ("se", &expiry),
            ("skt", &key_start),
            ("ske", &key_expiry),
        ] {
            assert_eq!(ours.remove(name).as_ref(), Some(value), "{id}: {name}");
        }
        let mut theirs = params(s(&case["expected"], "query_string"));
        for name in ["sig", "sv", "st", "se", "skt", "ske"] {
            theirs.remove(name);
        }
        assert_eq!(
            ours, theirs,
            "{id}: query parameters other than sv/sig/times"
        );
        checked.push(id.to_owned());
    }
    assert_eq!(checked.len(), 14, "checked {checked:?}");
}
