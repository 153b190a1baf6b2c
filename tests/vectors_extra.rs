//! `--ip`, `--allow-http`, `--encryption-scope`, `--correlation-id`, directory SAS (dfs URLs and
//! `--directory`), `--delegated-user`, `--delegated-user-tenant`, the response header overrides
//! (`--content-disposition` …), `--snapshot` and `--version-id` proved against a second,
//! independent implementation: the Azure SDK for Python (its Data Lake SDK for directories).
//! Azurite cannot prove most of them (it ignores `sip`, answers 500 for `ses`, accepts any `spr`
//! with a comma, fails every token carrying `scid`, `sduoid` or `skdutid`, skips `sr=d` and
//! `sr=bv`, and leaves the snapshot line empty for `sr=bs`), so tests/data/ud-sas-python-extra.json,
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
//! percent-decoding, plus the `snapshot=`/`versionid=` the SDK leaves to the URL (sasmint puts them
//! in the token). So sasmint signs the same fields, in the same lines, with the same values, as
//! the SDK. A directory case runs twice, on the dfs URL and on the blob URL with `--directory`,
//! and both must give the same token. One case is not run: `i13-container-response-headers`,
//! response headers on a container token, which the SDK signs and sasmint refuses (exit 2,
//! checked here); `the_vector_file_is_self_consistent` checks them all.

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
const EXPRESSIBLE: [&str; 21] = [
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
    "user_delegation_oid",
    "cache_control",
    "content_disposition",
    "content_encoding",
    "content_language",
    "content_type",
    "snapshot",
    "version_id",
    "user_delegation_key",
    "service_version",
];

/// The one case sasmint deliberately does not sign: response headers on a container token.
const REFUSED: &str = "i13-container-response-headers";

/// The response header inputs and the `mint` options that carry them.
const HEADER_OPTIONS: [(&str, &str); 5] = [
    ("cache_control", "--cache-control"),
    ("content_disposition", "--content-disposition"),
    ("content_encoding", "--content-encoding"),
    ("content_language", "--content-language"),
    ("content_type", "--content-type"),
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
        // sasmint signs every case but the one it refuses on purpose.
        assert_eq!(case["sasmint_runs"].as_bool(), Some(id != REFUSED), "{id}");
        assert!((11..=13).contains(&issue), "{id}");
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
            && per_issue.get(&13) >= Some(&12),
        "{per_issue:?}"
    );
}

/// The vector's key as `sasmint key` saves it, valid around now; returns its path and times.
fn key_file(dir: &std::path::Path, id: &str, vkey: &Value) -> (String, String, String) {
    let (key_start, key_expiry) = (time_in(-3600), time_in(86_400));
    let key_path = dir.join(format!("{id}.json"));
    let mut key_json = serde_json::json!({
        "signedOid": vkey["signed_oid"],
        "signedTid": vkey["signed_tid"],
        "signedStart": key_start,
        "signedExpiry": key_expiry,
        "signedService": vkey["signed_service"],
        "signedVersion": vkey["signed_version"],
        "value": vkey["value"],
    });
    if let Some(tid) = vkey["signed_delegated_user_tid"].as_str() {
        key_json["signedDelegatedUserTid"] = tid.into();
    }
    std::fs::File::create(&key_path)
        .unwrap()
        .write_all(key_json.to_string().as_bytes())
        .unwrap();
    (key_path.to_str().unwrap().to_owned(), key_start, key_expiry)
}

/// The SDK signs response headers on a container token; sasmint refuses them there (exit 2,
/// one line and a hint, nothing on stdout), since the service applies them to Get Blob only.
#[test]
fn sasmint_refuses_the_container_response_header_case() {
    let case = cases()
        .into_iter()
        .find(|c| c["id"] == REFUSED)
        .expect("the refused case is in the file");
    let inputs = &case["inputs"];
    let dir = tempfile::tempdir().unwrap();
    let (key_path, _, _) = key_file(dir.path(), REFUSED, &inputs["user_delegation_key"]);
    let mut args = vec![
        "mint".to_owned(),
        format!(
            "https://{}.blob.core.windows.net/{}",
            s(inputs, "account_name"),
            s(inputs, "container_name")
        ),
        "-p".to_owned(),
        s(inputs, "permission").to_owned(),
        "--delegation-key".to_owned(),
        key_path,
    ];
    let mut given = 0;
    for (input, option) in HEADER_OPTIONS {
        if let Some(value) = inputs[input].as_str() {
            args.extend([option.to_owned(), value.to_owned()]);
            given += 1;
        }
    }
    assert!(given > 0);
    let out = support::sasmint_offline().args(&args).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("applies to a blob token") && stderr.contains("hint:"),
        "{stderr}"
    );
}

#[test]
fn sasmint_signs_what_the_python_sdk_signs() {
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
        let directory = inputs["is_directory"] == true;
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
        let (key_path, key_start, key_expiry) = key_file(dir.path(), id, vkey);

        let (start, expiry) = (time_in(-600), time_in(7200));
        // A directory on the Data Lake endpoint; the blob-host form is run below.
        let mut url = format!(
            "https://{}.{}.core.windows.net/{}",
            s(inputs, "account_name"),
            if directory { "dfs" } else { "blob" },
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
            key_path,
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
        if let Some(oid) = inputs["user_delegation_oid"].as_str() {
            args.extend(["--delegated-user".to_owned(), oid.to_owned()]);
        }
        if let Some(tid) = vkey["signed_delegated_user_tid"].as_str() {
            // The key carries the tenant; asking for it checks that it does.
            args.extend(["--delegated-user-tenant".to_owned(), tid.to_owned()]);
        }
        for (input, option) in HEADER_OPTIONS {
            if let Some(value) = inputs[input].as_str() {
                args.extend([option.to_owned(), value.to_owned()]);
            }
        }
        if let Some(snapshot) = inputs["snapshot"].as_str() {
            args.extend(["--snapshot".to_owned(), snapshot.to_owned()]);
        }
        if let Some(version) = inputs["version_id"].as_str() {
            args.extend(["--version-id".to_owned(), version.to_owned()]);
        }

        let out = support::sasmint_offline().args(&args).output().unwrap();
        assert!(
            out.status.success(),
            "{id}: sasmint failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let minted: Value = serde_json::from_slice(&out.stdout).expect("--output json");
        if directory {
            // The same directory on the blob endpoint with --directory: the same token.
            let blob_url = args[1].replacen(".dfs.", ".blob.", 1);
            let mut again = args.clone();
            again[1] = blob_url.clone();
            again.push("--directory".to_owned());
            let out = support::sasmint_offline().args(&again).output().unwrap();
            assert!(out.status.success(), "{id}: --directory failed");
            let on_blob: Value = serde_json::from_slice(&out.stdout).expect("--output json");
            assert_eq!(
                on_blob["token"], minted["token"],
                "{id}: dfs and --directory"
            );
            assert!(
                s(&on_blob, "url").starts_with(&format!("{blob_url}?")),
                "{id}"
            );
            assert!(
                s(&minted, "url").starts_with(&format!("{}?", args[1])),
                "{id}"
            );
            assert_eq!(minted["resource"], "directory", "{id}");
            assert_eq!(
                minted["directory_depth"], case["expected"]["directory_depth"],
                "{id}"
            );
        }
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
        // The SDK leaves snapshot=/versionid= to the URL; sasmint's token carries them.
        for (name, value) in case["expected"]["url_extra_params"].as_object().unwrap() {
            theirs.insert(name.clone(), value.as_str().unwrap().to_owned());
            assert!(
                s(&minted, "url").contains(&format!("&{name}=")),
                "{id}: the URL carries {name}"
            );
        }
        assert_eq!(
            ours, theirs,
            "{id}: query parameters other than sv/sig/times"
        );
        checked.push(id.to_owned());
    }
    assert_eq!(checked.len(), 25, "checked {checked:?}");
}
