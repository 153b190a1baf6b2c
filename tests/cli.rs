//! The command line as a user runs it, offline: bad input (exit 2, one line, nothing on
//! stdout, no network request) and every output format, signing with a saved key.

mod support;

use assert_cmd::Command;
use std::io::Write;
use std::time::Duration;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

const KEY_VALUE: &str = "CDbbW7auD7G7KPwtUda3fRepaIxXK2WN1Gja/igmRuY=";

/// The binary with a clean environment: no Azure settings, no logins.
fn sasmint() -> Command {
    support::sasmint_offline()
}

/// Where a bad input could send a request, each a tripwire ([`support::Tripwire`]): the
/// managed-identity token endpoint (`IDENTITY_ENDPOINT`), and the storage account and service
/// endpoints (path-style `https://127.0.0.1:PORT/devstoreaccount1/…` container URLs, and
/// `--geocatalog`/`--ard-endpoint` on the same listener). Inputs whose point is the URL itself
/// keep their URL; the identity tripwire still catches a sign-in.
struct Wires {
    identity: support::Tripwire,
    service: support::Tripwire,
}

impl Wires {
    fn new() -> Self {
        Wires {
            identity: support::Tripwire::new(),
            service: support::Tripwire::new(),
        }
    }

    /// `https://127.0.0.1:PORT/devstoreaccount1/imagery`, on the service tripwire.
    fn c(&self) -> String {
        self.service.container_url("imagery")
    }

    /// `https://127.0.0.1:PORT/devstoreaccount1`, on the service tripwire.
    fn account(&self) -> String {
        format!("{}/{}", self.service.endpoint(), support::ACCOUNT)
    }

    /// `https://127.0.0.1:PORT`, on the service tripwire.
    fn endpoint(&self) -> String {
        self.service.endpoint()
    }

    /// Runs a bad input: exit 2, nothing on stdout, exactly two lines on stderr — the error,
    /// containing `error`, and the hint, containing `hint` — and nothing connected to either
    /// tripwire. Returns stderr.
    #[track_caller]
    fn refuses(&self, args: &[&str], error: &str, hint: &str) -> String {
        assert!(!error.is_empty(), "{args:?}: say which error");
        let mut cmd = sasmint();
        cmd.env("IDENTITY_ENDPOINT", self.identity.identity_endpoint())
            .env("IDENTITY_HEADER", "header-secret-value")
            .args(args);
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?} printed on stdout");
        // clap's own errors too: one error line and one hint line, nothing else.
        let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 2, "{args:?}: not error+hint: {stderr}");
        assert!(
            lines[0].starts_with("sasmint: error: "),
            "{args:?}: {stderr}"
        );
        assert!(
            lines[0].contains(error),
            "{args:?}: expected {error:?} in the error line: {stderr}"
        );
        let hint_line = lines[1].trim_start();
        assert!(hint_line.starts_with("hint: "), "{args:?}: {stderr}");
        assert!(
            hint_line.contains(hint),
            "{args:?}: expected {hint:?} in the hint: {stderr}"
        );
        assert!(!stderr.contains("header-secret-value"), "{stderr}");
        self.identity
            .assert_untouched(&format!("{args:?}: the token endpoint"));
        self.service
            .assert_untouched(&format!("{args:?}: the storage or service endpoint"));
        stderr
    }
}

fn time_in(seconds: i64) -> String {
    (OffsetDateTime::now_utc() + time::Duration::seconds(seconds))
        .replace_nanosecond(0)
        .unwrap()
        .format(&Rfc3339)
        .unwrap()
}

fn key_json(start: &str, expiry: &str) -> String {
    serde_json::json!({
        "signedOid": "8e0c6a5c-6a36-4c5a-9c5c-1f1c0b2f6c11",
        "signedTid": "72f988bf-86f1-41af-91ab-2d7cd011db47",
        "signedStart": start,
        "signedExpiry": expiry,
        "signedService": "b",
        "signedVersion": "2026-04-06",
        "value": KEY_VALUE,
    })
    .to_string()
}

/// A key valid from an hour ago for a day.
fn key_file() -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(key_json(&time_in(-3600), &time_in(86_400)).as_bytes())
        .unwrap();
    f
}

/// A real-looking container URL, for the tests that sign offline (no request is ever made).
const C: &str = "https://myacct.blob.core.windows.net/imagery";

/// The hint every container-name error gives.
const CONTAINER_NAME_RULES: &str =
    "container names are 3-63 lowercase letters, digits and single hyphens";
/// The hint every lifetime over the key's 7 days gives.
const SEVEN_DAYS: &str = "a user delegation SAS lives at most 7 days";

#[test]
fn bad_urls_are_refused() {
    // The URL is the point here: real account host names. Nothing may connect anywhere, and a
    // sign-in would hit the identity tripwire.
    let w = Wires::new();
    w.refuses(
        &["mint", "not a url"],
        "'not a url' is not a URL",
        "pass a container URL such as https://ACCOUNT.blob.core.windows.net/CONTAINER",
    );
    w.refuses(
        &["mint", "https://myacct.file.core.windows.net/share"],
        "is a file endpoint, not a Blob Storage or Queue Storage endpoint",
        "sasmint mints Blob Storage and Queue Storage tokens",
    );
    w.refuses(
        &["mint", "https://example.com/imagery"],
        "https://example.com/imagery is not a recognised Blob Storage endpoint",
        "pass --account NAME for a custom domain",
    );
    w.refuses(
        &["mint", "http://myacct.blob.core.windows.net/imagery"],
        "http://myacct.blob.core.windows.net/imagery uses plain http",
        "use https: Azure Storage tokens are only minted for https endpoints",
    );
    w.refuses(
        &["mint", "http://127.0.0.1:10000/devstoreaccount1/imagery"],
        "http://127.0.0.1:10000/devstoreaccount1/imagery uses plain http",
        "`sasmint mint --allow-http` signs a token that also allows http, on loopback only",
    );
    for url in [
        "https://myacct.blob.core.windows.net/",
        "https://myacct.blob.core.windows.net",
    ] {
        w.refuses(
            &["mint", url],
            "https://myacct.blob.core.windows.net/ names no container",
            "add the container: https://myacct.blob.core.windows.net/CONTAINER",
        );
    }
    w.refuses(
        &["mint", "https://myacct.blob.core.windows.net/Bad_Name"],
        "'Bad_Name' is not a valid container name",
        CONTAINER_NAME_RULES,
    );
    w.refuses(
        &["mint", "https://my_acct.blob.core.windows.net/imagery"],
        "'my_acct' is not a valid storage account name",
        "account names are 3-24 lowercase letters and digits",
    );
    w.refuses(
        &[
            "mint",
            "https://myacct.blob.core.windows.net/imagery/a%2F..%2Fb.tif",
        ],
        "the blob name has a '.' or '..' path segment, which HTTP clients resolve away",
        "a token for it would be used on another blob",
    );
    w.refuses(
        &[
            "mint",
            "https://myacct.blob.core.windows.net/imagery/../other",
        ],
        "the URL https://myacct.blob.core.windows.net/imagery/../other has a '.' or '..' path segment",
        "'CONTAINER/../other' would name the container 'other'",
    );
    w.refuses(
        &["key", "not a url"],
        "'not a url' is not a URL",
        "pass a container URL",
    );
}

#[test]
fn a_url_that_already_carries_a_sas_is_refused_without_echoing_it() {
    let w = Wires::new();
    let url = format!("{}?sv=2026-04-06&sig=TOPSECRETSIGNATURE", w.c());
    let stderr = w.refuses(
        &["mint", &url],
        &format!("the URL {} already carries a query string", w.c()),
        "pass the URL without '?…'; to look at an existing SAS use `sasmint inspect`",
    );
    assert!(!stderr.contains("TOPSECRET"), "{stderr}");
}

#[test]
fn a_sas_pasted_after_a_wrong_separator_is_not_echoed() {
    // `&` typed instead of `?`: the token lands in the container name, which the error quotes.
    let w = Wires::new();
    let url = format!(
        "{}&sv=2026-04-06&sp=rl&sig=TOPSECRETSIGNATUREVALUE%3D",
        w.c()
    );
    let stderr = w.refuses(
        &["mint", &url],
        "'imagery&sv=2026-04-06&sp=rl&sig=[REDACTED]' is not a valid container name",
        CONTAINER_NAME_RULES,
    );
    assert!(!stderr.contains("TOPSECRET"), "{stderr}");
}

#[test]
fn bad_permissions_are_refused() {
    let w = Wires::new();
    let c = &w.c();
    let blob = &format!("{c}/a.txt");
    w.refuses(
        &["mint", c, "-p", "rz"],
        "unknown permission letter 'z'",
        "valid letters, in canonical order: racwdxyltmeopi",
    );
    w.refuses(
        &["mint", blob, "-p", "rl"],
        "permission 'l' (list) does not apply to a single blob",
        "to list, mint a token for the container URL instead",
    );
    w.refuses(
        &["mint", blob, "--for", "geocatalog"],
        "a geocatalog token needs a container URL, not a blob URL",
        "drop the blob path from the URL",
    );
    w.refuses(
        &["mint", c, "--for", "ingest", "-p", "r"],
        "the argument '--for <PRESET>' cannot be used with '--permissions <LETTERS>'",
        "sasmint mint --help",
    );
    w.refuses(
        &["mint", c, "--for", "nobody"],
        "invalid value 'nobody' for '--for <PRESET>' [possible values: ingest, upload,",
        "--help",
    );
}

#[test]
fn bad_lifetimes_are_refused() {
    let w = Wires::new();
    let c = &w.c();
    w.refuses(
        &["mint", c, "--expires-in", "8d"],
        "a lifetime of 8d is more than 7 days",
        SEVEN_DAYS,
    );
    for bad in ["8x", "-1h"] {
        w.refuses(
            &["mint", c, "--expires-in", bad],
            &format!("'{bad}' is not a duration"),
            "use a number and a unit: 90m, 8h, 7d",
        );
    }
    w.refuses(
        &["mint", c, "--expiry", "2020-01-01T00:00:00Z"],
        "the expiry 2020-01-01T00:00:00Z is not in the future",
        "pick a later --expiry",
    );
    w.refuses(
        &["mint", c, "--expiry", "next tuesday"],
        "--expiry 'next tuesday' is not an RFC 3339 time",
        "write it like 2026-05-01T12:00:00Z",
    );
    let (start, expiry) = (time_in(7200), time_in(3600));
    w.refuses(
        &["mint", c, "--start", &start, "--expiry", &expiry],
        &format!("--start {start} is not before the expiry {expiry}"),
        "the start must come before the expiry",
    );
    w.refuses(
        &["mint", c, "--expires-in", "1h", "--expiry", &time_in(3600)],
        "the argument '--expires-in <DURATION>' cannot be used with '--expiry <TIME>'",
        "sasmint mint --help",
    );
    // Starting after the latest expiry any key can have (7 days from now, less a margin).
    let start = time_in(7 * 86_400 - 60);
    w.refuses(
        &[
            "mint",
            c,
            "--start",
            &start,
            "--expiry",
            &time_in(7 * 86_400 - 30),
        ],
        &format!("--start {start} is too late: a delegation key can last only until"),
        "pick an earlier --start",
    );
    w.refuses(
        &["key", &w.account(), "--expires-in", "30d"],
        "a lifetime of 30d is more than 7 days",
        SEVEN_DAYS,
    );
}

#[test]
fn bad_options_are_refused() {
    let w = Wires::new();
    let c = &w.c();
    w.refuses(
        &["mint", c, "--ip", "::1"],
        "--ip '::1' is not an IPv4 address or range",
        "the service accepts IPv4 only",
    );
    w.refuses(
        &["mint", c, "--ip", "10.0.0.9-10.0.0.1"],
        "--ip range '10.0.0.9-10.0.0.1' runs backwards",
        "put the lower address first",
    );
    w.refuses(
        &["mint", c, "--encryption-scope", "bad scope"],
        "'bad scope' is not a valid encryption scope name",
        "encryption scope names are 2-63 letters, digits and hyphens",
    );
    w.refuses(
        &["mint", c, "--auth", "client-secret"],
        "--auth client-secret cannot be used: AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET are not all set",
        "set the variables it needs, or choose another --auth",
    );
    w.refuses(
        &["mint", c, "--auth", "workload-identity"],
        "--auth workload-identity cannot be used: AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_ID and AZURE_TENANT_ID are not all set",
        "set the variables it needs, or choose another --auth",
    );
    w.refuses(
        &["mint", c, "--timeout", "0"],
        "invalid value '0' for '--timeout <SECONDS>': 0 is not in 1..=600",
        "--help",
    );
}

#[test]
fn bad_delegation_keys_are_refused() {
    let w = Wires::new();
    let c = &w.c();
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(b"{\"value\": \"CDbbW7auD7G7KPwtUda3fRepaIxXK2WN1Gja\"}")
        .unwrap();
    let path = f.path().to_str().unwrap();
    let stderr = w.refuses(
        &["mint", c, "--delegation-key", path],
        &format!("{path} is not a delegation key: missing field `signedOid`"),
        "save one with `sasmint key URL > key.json`",
    );
    assert!(!stderr.contains("CDbbW7"), "{stderr}");

    w.refuses(
        &["mint", c, "--delegation-key", "/nonexistent/key.json"],
        "cannot read the delegation key /nonexistent/key.json: No such file or directory",
        "give the path of a file saved by `sasmint key`, or - for stdin",
    );

    let mut expired = tempfile::NamedTempFile::new().unwrap();
    let ended = time_in(-3600);
    expired
        .write_all(key_json(&time_in(-7200), &ended).as_bytes())
        .unwrap();
    let path = expired.path().to_str().unwrap();
    w.refuses(
        &["mint", c, "--delegation-key", path],
        &format!("the delegation key in {path} expired at {ended}"),
        "fetch a fresh one with `sasmint key`",
    );
}

fn mint_offline(args: &[&str]) -> String {
    let key = key_file();
    let out = sasmint()
        .args(["mint"])
        .args(args)
        .args(["--delegation-key", key.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn params(token: &str) -> std::collections::BTreeMap<String, String> {
    token
        .trim()
        .split('&')
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap();
            (k.to_owned(), v.to_owned())
        })
        .collect()
}

#[test]
fn token_output_is_a_least_privilege_container_sas() {
    let out = mint_offline(&[C]);
    assert!(out.ends_with('\n') && out.lines().count() == 1);
    assert!(!out.starts_with('?'));
    let p = params(&out);
    assert_eq!(p["sp"], "rl");
    assert_eq!(p["sr"], "c");
    assert_eq!(p["spr"], "https");
    assert_eq!(p["sv"], "2026-04-06");
    assert_eq!(p["skoid"], "8e0c6a5c-6a36-4c5a-9c5c-1f1c0b2f6c11");
    assert!(!p.contains_key("sip"));
    assert!(p["sig"].ends_with("%3D"), "sig is percent-encoded");
}

#[test]
fn presets_set_the_permissions() {
    for (preset, sp) in [
        ("ingest", "rl"),
        ("upload", "w"),
        ("geocatalog", "rl"),
        ("kusto", "rl"),
        ("cado", "w"),
        ("maxar-ard", "w"),
        ("snowflake-unload", "racwl"),
    ] {
        assert_eq!(
            params(&mint_offline(&[C, "--for", preset]))["sp"],
            sp,
            "{preset}"
        );
    }
    assert_eq!(params(&mint_offline(&[C, "-p", "wlrrw"]))["sp"], "rwl");
}

#[test]
fn url_output_and_blob_sas() {
    let blob = format!("{C}/2026/R%C3%A9cap%20Q3+final.pdf");
    let out = mint_offline(&[&blob, "--for", "kusto", "--output", "url"]);
    let (base, token) = out.trim().split_once('?').unwrap();
    assert_eq!(
        base,
        "https://myacct.blob.core.windows.net/imagery/2026/R%C3%A9cap%20Q3%2Bfinal.pdf"
    );
    let p = params(token);
    assert_eq!(p["sr"], "b");
    assert_eq!(p["sp"], "r");
}

#[test]
fn json_output_describes_the_token_but_not_the_key() {
    let out = mint_offline(&[
        C,
        "--output",
        "json",
        "--expires-in",
        "2h",
        "--ip",
        "203.0.113.0-203.0.113.255",
        "--encryption-scope",
        "cmk-scope",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["account"], "myacct");
    assert_eq!(v["container"], "imagery");
    assert!(v["blob"].is_null());
    assert_eq!(v["resource"], "container");
    assert_eq!(v["permissions"], "rl");
    assert_eq!(v["protocol"], "https");
    assert_eq!(v["ip"], "203.0.113.0-203.0.113.255");
    assert_eq!(v["encryption_scope"], "cmk-scope");
    assert_eq!(v["signed_version"], "2026-04-06");
    assert_eq!(v["signed_oid"], "8e0c6a5c-6a36-4c5a-9c5c-1f1c0b2f6c11");
    assert_eq!(v["signed_tid"], "72f988bf-86f1-41af-91ab-2d7cd011db47");
    assert!(v["key_expiry"].is_string());
    let start = OffsetDateTime::parse(v["start"].as_str().unwrap(), &Rfc3339).unwrap();
    let expiry = OffsetDateTime::parse(v["expiry"].as_str().unwrap(), &Rfc3339).unwrap();
    let life = (expiry - start).whole_minutes();
    assert_eq!(life, 120, "se − st is the 2 hours asked for");
    assert_eq!(v["interval_seconds"], 7200);
    let token = v["token"].as_str().unwrap();
    assert_eq!(v["url"], format!("{C}?{token}"));
    let p = params(token);
    assert_eq!(p["sip"], "203.0.113.0-203.0.113.255");
    assert_eq!(p["ses"], "cmk-scope");
    assert!(
        !out.contains(KEY_VALUE),
        "the key value must never be printed"
    );
}

#[test]
fn env_output_is_shell_safe() {
    let out = mint_offline(&[C, "--output", "env", "--for", "cado"]);
    let names: Vec<&str> = out.lines().map(|l| l.split('=').next().unwrap()).collect();
    assert_eq!(
        names,
        [
            "SAS_TOKEN",
            "SAS_URL",
            "AZURE_STORAGE_ACCOUNT",
            "AZURE_STORAGE_CONTAINER",
            "SAS_PERMISSIONS",
            "SAS_EXPIRY"
        ]
    );
    // Evaluated by a real shell, the values come back unchanged.
    let script = format!(
        "{out}\nprintf '%s\\n' \"$AZURE_STORAGE_ACCOUNT\" \"$SAS_PERMISSIONS\" \"$SAS_TOKEN\""
    );
    let shell = std::process::Command::new("sh")
        .arg("-c")
        .arg(&script)
        .output()
        .unwrap();
    let echoed = String::from_utf8(shell.stdout).unwrap();
    let lines: Vec<&str> = echoed.lines().collect();
    assert_eq!(lines[0], "myacct");
    assert_eq!(lines[1], "w");
    assert_eq!(params(lines[2])["sp"], "w");
}

#[test]
fn allow_http_widens_the_protocol() {
    assert_eq!(
        params(&mint_offline(&[C, "--allow-http"]))["spr"].replace("%2C", ","),
        "https,http"
    );
    let out = mint_offline(&[
        "http://127.0.0.1:10000/devstoreaccount1/imagery",
        "--allow-http",
    ]);
    assert_eq!(params(&out)["spr"].replace("%2C", ","), "https,http");
}

#[test]
fn the_token_never_outlives_its_key() {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(key_json(&time_in(-3600), &time_in(3600)).as_bytes())
        .unwrap();
    let out = sasmint()
        .args([
            "mint",
            C,
            "--expires-in",
            "8h",
            "--output",
            "json",
            "--delegation-key",
        ])
        .arg(f.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["expiry"], v["key_expiry"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("expires"));
}

#[test]
fn a_key_that_ends_before_the_token_starts_is_refused() {
    let w = Wires::new();
    let mut f = tempfile::NamedTempFile::new().unwrap();
    let (key_start, key_end) = (time_in(-3600), time_in(3600));
    f.write_all(key_json(&key_start, &key_end).as_bytes())
        .unwrap();
    let path = f.path().to_str().unwrap().to_owned();
    let start = time_in(7200);
    w.refuses(
        &[
            "mint",
            &w.c(),
            "--start",
            &start,
            "--expires-in",
            "3h",
            "--delegation-key",
            &path,
        ],
        &format!(
            "the delegation key is valid from {key_start} until {key_end}, which leaves nothing of the token's {start} to "
        ),
        "pick a --start and expiry inside the key's life, or fetch a key that covers them",
    );
}

#[test]
fn expires_in_counts_from_an_explicit_start() {
    let key = key_file();
    let start = time_in(3600);
    let out = sasmint()
        .args([
            "mint",
            C,
            "--start",
            &start,
            "--expires-in",
            "2h",
            "-o",
            "json",
        ])
        .arg("--delegation-key")
        .arg(key.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let parse = |k: &str| OffsetDateTime::parse(v[k].as_str().unwrap(), &Rfc3339).unwrap();
    assert_eq!(v["start"], start.as_str());
    assert_eq!(parse("expiry") - parse("start"), time::Duration::hours(2));
}

#[test]
fn key_from_stdin() {
    let out = sasmint()
        .args(["mint", C, "--delegation-key", "-"])
        .write_stdin(key_json(&time_in(-3600), &time_in(86_400)))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(params(&String::from_utf8(out.stdout).unwrap())["sp"], "rl");
}

#[test]
fn env_var_configuration() {
    let key = key_file();
    let out = sasmint()
        .args(["mint", C])
        .env("SASMINT_DELEGATION_KEY", key.path())
        .env("SASMINT_OUTPUT", "json")
        .env("SASMINT_EXPIRES_IN", "90m")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["permissions"], "rl");
    let parse = |k: &str| OffsetDateTime::parse(v[k].as_str().unwrap(), &Rfc3339).unwrap();
    // 90 minutes from the start, back-dated 15 minutes: 75 minutes from now.
    assert_eq!(
        parse("expiry") - parse("start"),
        time::Duration::minutes(90)
    );
    let life = parse("expiry") - OffsetDateTime::now_utc();
    assert!(life > time::Duration::minutes(70) && life <= time::Duration::minutes(75));

    // A flag on the command line wins over the environment, without a conflict.
    let expiry = time_in(3 * 3600);
    let out = sasmint()
        .args(["mint", C, "--expiry", &expiry])
        .env("SASMINT_DELEGATION_KEY", key.path())
        .env("SASMINT_OUTPUT", "json")
        .env("SASMINT_EXPIRES_IN", "90m")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["expiry"], expiry.as_str());
}

#[test]
fn quiet_silences_notes() {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(key_json(&time_in(-3600), &time_in(3600)).as_bytes())
        .unwrap();
    let out = sasmint()
        .args(["-q", "mint", C, "--delegation-key"])
        .arg(f.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn help_and_version() {
    let out = sasmint().arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for word in ["mint", "key", "inspect", "completions", "Exit codes"] {
        assert!(help.contains(word), "{word}");
    }
    let out = sasmint().args(["mint", "--help"]).output().unwrap();
    assert!(String::from_utf8(out.stdout).unwrap().contains("Examples:"));
    let out = sasmint().arg("--version").output().unwrap();
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .starts_with("sasmint "));
}

#[test]
fn man_page() {
    let out = sasmint().arg("man").output().unwrap();
    assert!(out.status.success());
    let man = String::from_utf8(out.stdout).unwrap();
    assert!(man.contains(".TH sasmint"));
    assert!(
        man.contains("sasmint\\-mint(1)"),
        "the top page names the command pages"
    );
    // Each command's page has its options, defaults and environment variables.
    let out = sasmint().args(["man", "mint"]).output().unwrap();
    assert!(out.status.success());
    let man = String::from_utf8(out.stdout).unwrap();
    assert!(man.contains(".TH sasmint-mint 1"), "{}", &man[..200]);
    for word in [
        "expires\\-in",
        "delegation\\-key",
        "SASMINT_DELEGATION_KEY",
        "ingest",
    ] {
        assert!(man.contains(word), "{word} missing from sasmint-mint(1)");
    }
    // Every page the others refer to can be printed.
    let out = sasmint().args(["man", "geocatalog"]).output().unwrap();
    let man = String::from_utf8(out.stdout).unwrap();
    assert!(man.contains("sasmint\\-geocatalog\\-register(1)"));
    let out = sasmint()
        .args(["man", "geocatalog", "register"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let man = String::from_utf8(out.stdout).unwrap();
    assert!(man.contains(".TH sasmint-geocatalog-register 1"));
    assert!(man.contains("managed\\-identity"), "register's own options");
    for page in [
        &["man"][..],
        &["help"],
        &["ard", "register"],
        &["kusto-uri"],
    ] {
        let out = sasmint().arg("man").args(page).output().unwrap();
        assert!(out.status.success(), "sasmint man {page:?}");
    }
    let w = Wires::new();
    w.refuses(
        &["man", "nope"],
        "'sasmint nope' is not a command",
        "see 'sasmint --help' for the commands",
    );
    w.refuses(
        &["man", "geocatalog", "nope"],
        "'sasmint geocatalog nope' is not a command",
        "see 'sasmint geocatalog --help' for the commands",
    );
}

fn inspect_json(token: &str) -> serde_json::Value {
    let out = sasmint()
        .args(["inspect", "-", "--output", "json"])
        .write_stdin(token.to_owned())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn inspect_finds_nothing_to_warn_about_in_a_read_only_minted_token() {
    for preset in ["ingest", "geocatalog", "kusto"] {
        let token = mint_offline(&[C, "--for", preset]);
        let v = inspect_json(&token);
        assert_eq!(v["warnings"], serde_json::json!([]), "{preset}: {v}");
        assert_eq!(v["kind"], "user_delegation");
        assert_eq!(v["permissions"], "rl");
        assert_eq!(
            v["container"],
            serde_json::Value::Null,
            "a bare token names no container"
        );
    }
    let url = mint_offline(&[C, "--output", "url"]);
    let v = inspect_json(&url);
    assert_eq!(v["account"], "myacct");
    assert_eq!(v["container"], "imagery");
}

#[test]
fn inspect_flags_write_rights_of_an_upload_token_and_nothing_else() {
    let v = inspect_json(&mint_offline(&[C, "--for", "upload"]));
    let codes: Vec<&str> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["write_access"]);
}

#[test]
fn inspect_never_prints_the_signature() {
    let token = mint_offline(&[C]);
    let sig = token.trim().rsplit("sig=").next().unwrap().to_owned();
    let decoded = sig
        .replace("%2B", "+")
        .replace("%2F", "/")
        .replace("%3D", "=");
    for output in ["text", "json"] {
        let out = sasmint()
            .args(["inspect", token.trim(), "--output", output])
            .output()
            .unwrap();
        assert!(out.status.success());
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !all.contains(&sig) && !all.contains(&decoded),
            "{output} leaked the signature"
        );
        assert!(!all.contains(&decoded[..12]));
    }
    let text = sasmint().args(["inspect", token.trim()]).output().unwrap();
    assert!(String::from_utf8_lossy(&text.stdout).contains("no warnings"));
}

#[test]
fn inspect_refuses_what_is_not_a_sas() {
    let w = Wires::new();
    for input in ["hello", "https://myacct.blob.core.windows.net/imagery"] {
        w.refuses(
            &["inspect", input],
            "not a SAS token: there is no `sv` or `sig` parameter",
            "pass a SAS query string (sv=...&sig=...) or a URL that carries one",
        );
    }
}

#[test]
fn kusto_uri_with_a_managed_identity_has_no_sas() {
    let blob = "https://myacct.blob.core.windows.net/raw/2026/it's.csv";
    let out = sasmint()
        .args(["kusto-uri", blob, "--managed-identity", "system"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "https://myacct.blob.core.windows.net/raw/2026/it%27s.csv;managed_identity=system\n"
    );
    let oid = "8e0c6a5c-6a36-4c5a-9c5c-1f1c0b2f6c11";
    let out = sasmint()
        .args([
            "kusto-uri",
            blob,
            "--managed-identity",
            oid,
            "--output",
            "kql",
        ])
        .output()
        .unwrap();
    let kql = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        kql,
        format!(
            "h'https://myacct.blob.core.windows.net/raw/2026/it%27s.csv;managed_identity={oid}'\n"
        )
    );
    // kusto-uri with --managed-identity never makes a request at all; the tripwires check it.
    let w = Wires::new();
    w.refuses(
        &["kusto-uri", blob, "--managed-identity", "not-a-guid"],
        "--managed-identity 'not-a-guid' is not an object id (a GUID)",
        "find it in the portal under the identity's Properties",
    );
    w.refuses(
        &[
            "kusto-uri",
            "https://myacct.blob.core.windows.net/",
            "--managed-identity",
            "system",
        ],
        "https://myacct.blob.core.windows.net/ names no container",
        "add the container: https://myacct.blob.core.windows.net/CONTAINER",
    );
    for (flag, value) in [
        ("--expires-in", "99d"),
        ("--delegation-key", "/nonexistent"),
    ] {
        w.refuses(
            &["kusto-uri", blob, "--managed-identity", "system", flag, value],
            "--managed-identity makes a URI without a SAS: --expires-in, --expiry, --start, --delegation-key and --verify do not apply",
            "drop those options, or drop --managed-identity to get a SAS URI",
        );
    }
    // SASMINT_EXPIRES_IN set for other commands does not get in the way.
    let out = sasmint()
        .args(["kusto-uri", blob, "--managed-identity", "system"])
        .env("SASMINT_EXPIRES_IN", "2h")
        .output()
        .unwrap();
    assert!(out.status.success());
}

#[test]
fn kusto_uri_with_a_sas_reads_only() {
    let key = key_file();
    let out = sasmint()
        .args([
            "kusto-uri",
            &format!("{C}/events.csv"),
            "--output",
            "json",
            "--delegation-key",
        ])
        .arg(key.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["auth"], "sas");
    let uri = v["uri"].as_str().unwrap();
    let (base, token) = uri.split_once('?').unwrap();
    assert_eq!(base, format!("{C}/events.csv"));
    let p = params(token);
    assert_eq!((p["sp"].as_str(), p["sr"].as_str()), ("r", "b"));
    let w = Wires::new();
    w.refuses(
        &[
            "kusto-uri",
            &format!("{}/events.csv", w.c()),
            "--expires-in",
            "9d",
        ],
        "a lifetime of 9d is more than 7 days",
        SEVEN_DAYS,
    );
}

#[test]
fn delivery_commands_check_input_before_any_request() {
    let w = Wires::new();
    let c = &w.c();
    let endpoint = w.endpoint();
    let gc = ["--geocatalog", endpoint.as_str()];
    let ard_endpoint = format!("{endpoint}/api/v1");
    let ard = ["--ard-endpoint", ard_endpoint.as_str()];
    w.refuses(
        &["geocatalog", "list"],
        "no GeoCatalog endpoint",
        "pass --geocatalog https://NAME.ID.REGION.geocatalog.spatio.azure.com or set SASMINT_GEOCATALOG",
    );
    w.refuses(
        &[
            "geocatalog",
            "list",
            "--geocatalog",
            "http://cat.example.com",
        ],
        "--geocatalog must use https",
        "tokens and credentials are only sent over https",
    );
    w.refuses(
        &[&["geocatalog", "register", &format!("{c}/a.tif")], &gc[..]].concat(),
        "a geocatalog token needs a container URL, not a blob URL",
        "drop the blob path from the URL",
    );
    w.refuses(
        &[
            &["geocatalog", "register", c, "--expires-in", "8d"],
            &gc[..],
        ]
        .concat(),
        "a lifetime of 8d is more than 7 days",
        SEVEN_DAYS,
    );
    w.refuses(
        &[
            &["geocatalog", "register", c, "--managed-identity", "x"],
            &gc[..],
        ]
        .concat(),
        "--managed-identity 'x' is not an object id (a GUID)",
        "`sasmint geocatalog identities`",
    );
    w.refuses(
        &[&["geocatalog", "list", "--output", "token"], &gc[..]].concat(),
        "--output token is only for `geocatalog register`",
        "use --output text or --output json",
    );
    w.refuses(
        &[
            &["geocatalog", "list", "--api-version", "2023-01-01"],
            &gc[..],
        ]
        .concat(),
        "invalid value '2023-01-01' for '--api-version <API_VERSION>' [possible values: 2026-04-15, 2025-04-30-preview, 2024-01-31-preview]",
        "'2026-04-15'",
    );
    w.refuses(
        &[
            &["ard", "register", c, "--credentials-id", "no spaces"],
            &ard[..],
        ]
        .concat(),
        "'no spaces' is not a valid credentials id",
        "use only letters, digits, '_' and '-'",
    );
    w.refuses(
        &[
            &["ard", "register", c, "--credentials-id", "ok-id"],
            &ard[..],
        ]
        .concat(),
        "no Maxar ARD credentials: set MAXAR_ARD_TOKEN, or MAXAR_ARD_USERNAME and MAXAR_ARD_PASSWORD",
        "an ARD admin user's token or password is needed",
    );
    w.refuses(
        &[
            &[
                "ard",
                "register",
                &format!("{c}/x"),
                "--credentials-id",
                "ok-id",
            ],
            &ard[..],
        ]
        .concat(),
        "a maxar-ard token needs a container URL, not a blob URL",
        "drop the blob path from the URL",
    );
    w.refuses(
        &[&["ard", "show", "a/b"], &ard[..]].concat(),
        "'a/b' is not a valid credentials id",
        "use only letters, digits, '_' and '-'",
    );
    w.refuses(
        &[
            "ard",
            "list",
            "--ard-endpoint",
            "http://ard.example.com/api/v1",
        ],
        "--ard-endpoint must use https",
        "tokens and credentials are only sent over https",
    );
}

fn run_offline(args: &[&str], stdin: Option<&str>) -> std::process::Output {
    let key = key_file();
    let mut cmd = sasmint();
    cmd.args(args).arg("--delegation-key").arg(key.path());
    if let Some(input) = stdin {
        cmd.write_stdin(input.to_owned());
    }
    cmd.output().unwrap()
}

#[test]
fn several_urls_give_one_token_each_in_order() {
    let urls = [
        "https://myacct.blob.core.windows.net/first",
        "https://myacct.blob.core.windows.net/second/a.txt",
        "https://other.blob.core.windows.net/third",
    ];
    let out = run_offline(&[&["mint"], &urls[..], &["--output", "url"]].concat(), None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3);
    for (line, url) in lines.iter().zip(urls) {
        assert!(line.starts_with(&format!("{url}?")), "{line} for {url}");
    }
    assert_eq!(params(lines[1].split_once('?').unwrap().1)["sr"], "b");
}

#[test]
fn from_file_reports_bad_lines_by_number_and_keeps_going() {
    let list = "# containers to share\n\
                https://myacct.blob.core.windows.net/alpha\n\
                \n\
                not a url\n\
                https://myacct.blob.core.windows.net/Bad_Name\n\
                https://myacct.blob.core.windows.net/omega\n";
    let out = run_offline(
        &["mint", "--from-file", "-", "--output", "json"],
        Some(list),
    );
    assert_eq!(out.status.code(), Some(2), "bad input makes the run fail");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("line 4: 'not a url' is not a URL"),
        "{stderr}"
    );
    assert!(
        stderr.contains("line 5: 'Bad_Name' is not a valid container name"),
        "{stderr}"
    );
    assert!(stderr.contains("2 of 4 inputs failed"), "{stderr}");
    let rows: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let inputs: Vec<i64> = rows.iter().map(|r| r["input"].as_i64().unwrap()).collect();
    assert_eq!(
        inputs,
        [2, 4, 5, 6],
        "one JSON line per input, in order, by line number"
    );
    assert_eq!(rows[0]["container"], "alpha");
    assert_eq!(rows[1]["exit_code"], 2);
    assert!(rows[2]["error"]
        .as_str()
        .unwrap()
        .contains("container name"));
    assert_eq!(rows[3]["container"], "omega");
    assert!(rows[3]["token"].as_str().unwrap().contains("sp=rl"));
}

#[test]
fn token_output_keeps_one_line_per_input() {
    let list = "https://myacct.blob.core.windows.net/alpha\nnope\nhttps://myacct.blob.core.windows.net/omega\n";
    let out = run_offline(&["mint", "--from-file", "-"], Some(list));
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.split_terminator('\n').collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].contains("sig=") && lines[1].is_empty() && lines[2].contains("sig="));
}

#[test]
fn fail_fast_stops_at_the_first_bad_line_having_printed_the_lines_before_it() {
    let list = "https://myacct.blob.core.windows.net/alpha\nnope\nhttps://myacct.blob.core.windows.net/omega\n";
    let out = run_offline(&["mint", "--from-file", "-", "--fail-fast"], Some(list));
    assert_eq!(out.status.code(), Some(2));
    // The batch streams: alpha's token was written before line 2 was found bad; omega's never.
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.contains("sig="), "{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("line 2:"), "{stderr}");
}

#[test]
fn batch_refuses_what_cannot_work() {
    let w = Wires::new();
    w.refuses(
        &[
            "mint",
            &w.c(),
            &w.service.container_url("two"),
            "--output",
            "env",
        ],
        "--output env takes a single URL",
        "use --output json (JSON lines) for several URLs",
    );
    w.refuses(
        &["mint", "--from-file", "-", "--delegation-key", "-"],
        "--from-file - and --delegation-key - cannot both read stdin",
        "save the key to a file with `sasmint key --output-file key.json`",
    );
    w.refuses(
        &["mint", "--from-file", "/nonexistent/urls.txt"],
        "cannot read the URL list /nonexistent/urls.txt: No such file or directory",
        "check the path, or pass - to read from stdin",
    );
    w.refuses(
        &["mint", "--from-file", "/dev/null"],
        "cannot read the URL list /dev/null: it is a character device, not a regular file",
        "check the path, or pass - to read from stdin",
    );
    let empty = tempfile::NamedTempFile::new().unwrap();
    let empty_path = empty.path().to_str().unwrap();
    w.refuses(
        &["mint", "--from-file", empty_path],
        &format!("{empty_path} holds no URLs"),
        "put one container or blob URL per line",
    );
    w.refuses(
        &["mint"],
        "the following required arguments were not provided: <URL>...",
        "sasmint mint --help",
    );
}

#[test]
fn a_byte_order_mark_does_not_break_the_first_line() {
    let list = "\u{feff}https://myacct.blob.core.windows.net/alpha\r\nhttps://myacct.blob.core.windows.net/omega\r\n";
    let out = run_offline(&["mint", "--from-file", "-"], Some(list));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 2);
}

#[test]
fn a_batch_says_once_that_its_tokens_end_with_the_key() {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(key_json(&time_in(-3600), &time_in(3600)).as_bytes())
        .unwrap();
    let out = sasmint()
        .args(["mint", C, &format!("{C}-2"), "--delegation-key"])
        .arg(f.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.matches("with their delegation key").count(),
        1,
        "{stderr}"
    );
}

#[test]
fn output_file_writes_through_a_fifo_and_takes_long_names() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("tokens.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let out = run_offline(&["mint", C, "--output-file", fifo.to_str().unwrap()], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        reader.join().unwrap().contains("sig="),
        "the reader got the token"
    );
    let meta = std::fs::symlink_metadata(&fifo).unwrap();
    assert!(
        std::os::unix::fs::FileTypeExt::is_fifo(&meta.file_type()),
        "still a FIFO"
    );

    // A name near the file system's limit (255 bytes) still works: the temporary name is short.
    let long = dir.path().join("t".repeat(250));
    let out = run_offline(&["mint", C, "--output-file", long.to_str().unwrap()], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(std::fs::read_to_string(&long).unwrap().contains("sig="));
}

/// Whether process `pid` is stopped (state `T` in `/proc/PID/stat`).
fn is_stopped(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            s.rsplit_once(')')
                .and_then(|(_, rest)| rest.trim_start().chars().next())
        })
        == Some('T')
}

/// Ctrl-C while the temporary file exists: deterministic. The test waits for the temporary
/// file to appear, freezes the process (SIGSTOP) and checks that the file is still there (the
/// process is then known to be between creating it and renaming it), sends SIGINT to the frozen
/// process and lets it go on. Whichever of the writer and the signal handler takes the lock
/// first, no temporary file is left behind and the target is either absent or complete.
#[test]
fn ctrl_c_while_writing_the_output_file_leaves_no_temporary_file() {
    // A big batch, so that the temporary file exists long enough to be seen.
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("urls.txt");
    std::fs::write(&list, format!("{C}\n").repeat(60_000)).unwrap();
    let key = key_file();
    let out_dir = tempfile::tempdir().unwrap();
    let target = out_dir.path().join("tokens.jsonl");
    let tmp_present = || {
        std::fs::read_dir(out_dir.path())
            .unwrap()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    // A run can finish between seeing the file and freezing the process; then it proves
    // nothing about Ctrl-C and the next one is tried (the deadline fails the test if no run is
    // ever caught in the window).
    let (status, caught) = loop {
        assert!(
            std::time::Instant::now() < deadline,
            "no run was ever frozen while its temporary file existed"
        );
        let _ = std::fs::remove_file(&target);
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("sasmint"))
            .args(["-q", "mint", "--output", "json", "--from-file"])
            .arg(&list)
            .arg("--delegation-key")
            .arg(key.path())
            .arg("--output-file")
            .arg(&target)
            .env_clear()
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let pid = child.id();
        let mut caught = false;
        while child.try_wait().unwrap().is_none() {
            if !tmp_present() {
                // A poll interval, not a wait for something to happen by then.
                std::thread::sleep(Duration::from_micros(100));
                continue;
            }
            // SAFETY: signals to our own child, which has not been reaped (try_wait said so).
            unsafe { libc::kill(pid as i32, libc::SIGSTOP) };
            while !is_stopped(pid) && child.try_wait().unwrap().is_none() {
                assert!(std::time::Instant::now() < deadline, "SIGSTOP never took");
                std::thread::yield_now();
            }
            caught = is_stopped(pid) && tmp_present();
            if caught {
                unsafe { libc::kill(pid as i32, libc::SIGINT) };
            }
            unsafe { libc::kill(pid as i32, libc::SIGCONT) };
            break;
        }
        let status = child.wait().unwrap();
        if caught {
            break (status, caught);
        }
        assert!(!tmp_present(), "a temporary file was left behind");
    };
    assert!(caught);
    assert!(!tmp_present(), "a temporary file was left behind");
    assert!(
        !status.success(),
        "the interrupted run must not report success: {status:?}"
    );
    if target.exists() {
        // The writer had taken the lock to rename before the handler ran: the file is whole.
        let text = std::fs::read_to_string(&target).unwrap();
        assert_eq!(text.lines().count(), 60_000, "a half-written output file");
    }
}

#[test]
fn output_file_is_private_and_complete() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("token.txt");
    let out = run_offline(&["mint", C, "--output-file", path.to_str().unwrap()], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stdout.is_empty(),
        "the token went to the file, not stdout"
    );
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let token = std::fs::read_to_string(&path).unwrap();
    assert_eq!(params(&token)["sp"], "rl");
    // An existing file is replaced only with --force (issue 10 item 1/9): whole, as a new
    // private file, leaving no temporary file behind.
    let again = [
        "mint",
        C,
        "--for",
        "upload",
        "--output-file",
        path.to_str().unwrap(),
    ];
    let out = run_offline(&again, None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert_eq!(params(&std::fs::read_to_string(&path).unwrap())["sp"], "rl");
    let out = run_offline(&[&again[..], &["--force"]].concat(), None);
    assert!(out.status.success());
    assert_eq!(params(&std::fs::read_to_string(&path).unwrap())["sp"], "w");
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, [std::ffi::OsString::from("token.txt")]);
    // A directory that does not exist: a clear error, nothing written.
    let out = run_offline(
        &["mint", C, "--output-file", "/nonexistent/dir/t.txt"],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write /nonexistent/dir/t.txt"));
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    use std::io::Read;
    use std::process::Stdio;
    let key = key_file();
    let list: String = (0..5000)
        .map(|i| format!("https://myacct.blob.core.windows.net/c{i:05}\n"))
        .collect();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("sasmint"))
        .args(["mint", "--from-file", "-", "--delegation-key"])
        .arg(key.path())
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The list is written beside the reading, as a shell pipeline does: the batch streams, so
    // it writes results while it still reads, and a writer that waited for the end would
    // deadlock with it. Once the pipe is closed sasmint may stop reading: a refused write here
    // is expected.
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(list.as_bytes());
    });
    // Like `| head -c1`: read one byte, then close the pipe.
    let mut one = [0u8; 1];
    child.stdout.take().unwrap().read_exact(&mut one).unwrap();
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
