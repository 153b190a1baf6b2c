//! The command line as a user runs it, offline: bad input (exit 2, one line, nothing on
//! stdout, no network request) and every output format, signing with a saved key.

mod support;

use assert_cmd::Command;
use std::io::Write;
use std::net::TcpListener;
use std::time::Duration;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

const KEY_VALUE: &str = "CDbbW7auD7G7KPwtUda3fRepaIxXK2WN1Gja/igmRuY=";

/// The binary with a clean environment: no Azure settings, no logins.
fn sasmint() -> Command {
    support::sasmint_offline()
}

/// A listener that fails the test if anything connects to it.
struct Tripwire(TcpListener);

impl Tripwire {
    fn new() -> Self {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.set_nonblocking(true).unwrap();
        Tripwire(l)
    }
    fn port(&self) -> u16 {
        self.0.local_addr().unwrap().port()
    }
    fn assert_untouched(&self) {
        match self.0.accept() {
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            other => panic!("a network request was made: {other:?}"),
        }
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

/// Runs a bad input: exit 2, one error line and one hint line, nothing on stdout, no request.
fn refuses(args: &[&str], expect: &str) {
    let wire = Tripwire::new();
    let mut cmd = sasmint();
    cmd.env(
        "IDENTITY_ENDPOINT",
        format!("http://127.0.0.1:{}/msi", wire.port()),
    )
    .env("IDENTITY_HEADER", "header-secret-value")
    .args(args);
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(out.stdout.is_empty(), "{args:?} printed on stdout");
    assert!(
        stderr.contains(expect),
        "{args:?}: expected '{expect}' in: {stderr}"
    );
    // clap's own errors too: one error line and one hint line, nothing else.
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(stderr.starts_with("sasmint: error:"), "{args:?}: {stderr}");
    assert!(lines.len() <= 2, "{args:?}: more than error+hint: {stderr}");
    if lines.len() == 2 {
        assert!(lines[1].trim_start().starts_with("hint:"), "{stderr}");
    }
    wire.assert_untouched();
}

const C: &str = "https://myacct.blob.core.windows.net/imagery";

#[test]
fn bad_urls_are_refused() {
    refuses(&["mint", "not a url"], "is not a URL");
    refuses(
        &["mint", "https://myacct.file.core.windows.net/share"],
        "not a Blob Storage endpoint",
    );
    refuses(
        &["mint", "https://example.com/imagery"],
        "not a recognised Blob Storage endpoint",
    );
    refuses(
        &["mint", "http://myacct.blob.core.windows.net/imagery"],
        "plain http",
    );
    refuses(
        &["mint", "http://127.0.0.1:10000/devstoreaccount1/imagery"],
        "plain http",
    );
    refuses(
        &["mint", "https://myacct.blob.core.windows.net/"],
        "names no container",
    );
    refuses(
        &["mint", "https://myacct.blob.core.windows.net"],
        "names no container",
    );
    refuses(
        &["mint", "https://myacct.blob.core.windows.net/Bad_Name"],
        "not a valid container name",
    );
    refuses(
        &["mint", "https://my_acct.blob.core.windows.net/imagery"],
        "not a valid storage account name",
    );
    refuses(
        &[
            "mint",
            "https://myacct.blob.core.windows.net/imagery/a%2F..%2Fb.tif",
        ],
        "'..' path segment",
    );
    refuses(
        &[
            "mint",
            "https://myacct.blob.core.windows.net/imagery/../other",
        ],
        "'..' path segment",
    );
    refuses(&["key", "not a url"], "is not a URL");
}

#[test]
fn a_url_that_already_carries_a_sas_is_refused_without_echoing_it() {
    let url = format!("{C}?sv=2026-04-06&sig=TOPSECRETSIGNATURE");
    refuses(&["mint", &url], "already carries a query");
    let out = sasmint().args(["mint", &url]).output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("TOPSECRET"));
}

#[test]
fn a_sas_pasted_after_a_wrong_separator_is_not_echoed() {
    // `&` typed instead of `?`: the token lands in the container name, which the error quotes.
    let url = format!("{C}&sv=2026-04-06&sp=rl&sig=TOPSECRETSIGNATUREVALUE%3D");
    refuses(&["mint", &url], "not a valid container name");
    let out = sasmint().args(["mint", &url]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("TOPSECRET"), "{stderr}");
    assert!(stderr.contains("sig=[REDACTED]"), "{stderr}");
}

#[test]
fn bad_permissions_are_refused() {
    refuses(&["mint", C, "-p", "rz"], "unknown permission letter 'z'");
    refuses(
        &["mint", &format!("{C}/a.txt"), "-p", "rl"],
        "does not apply to a single blob",
    );
    refuses(
        &["mint", &format!("{C}/a.txt"), "--for", "geocatalog"],
        "needs a container URL",
    );
    refuses(
        &["mint", C, "--for", "ingest", "-p", "r"],
        "cannot be used with",
    );
    refuses(&["mint", C, "--for", "nobody"], "invalid value");
}

#[test]
fn bad_lifetimes_are_refused() {
    refuses(&["mint", C, "--expires-in", "8d"], "more than 7 days");
    refuses(&["mint", C, "--expires-in", "8x"], "is not a duration");
    refuses(
        &["mint", C, "--expiry", "2020-01-01T00:00:00Z"],
        "not in the future",
    );
    refuses(
        &["mint", C, "--expiry", "next tuesday"],
        "not an RFC 3339 time",
    );
    refuses(
        &[
            "mint",
            C,
            "--start",
            &time_in(7200),
            "--expiry",
            &time_in(3600),
        ],
        "is not before the expiry",
    );
    refuses(
        &["mint", C, "--expires-in", "1h", "--expiry", &time_in(3600)],
        "cannot be used with",
    );
    refuses(
        &["mint", C, "--expires-in", "-1h"],
        "'-1h' is not a duration",
    );
    // Starting after the latest expiry any key can have (7 days from now, less a margin).
    refuses(
        &[
            "mint",
            C,
            "--start",
            &time_in(7 * 86_400 - 60),
            "--expiry",
            &time_in(7 * 86_400 - 30),
        ],
        "is too late",
    );
    refuses(
        &[
            "key",
            "https://myacct.blob.core.windows.net",
            "--expires-in",
            "30d",
        ],
        "more than 7 days",
    );
}

#[test]
fn bad_options_are_refused() {
    refuses(&["mint", C, "--ip", "::1"], "not an IPv4 address");
    refuses(&["mint", C, "--ip", "10.0.0.9-10.0.0.1"], "runs backwards");
    refuses(
        &["mint", C, "--encryption-scope", "bad scope"],
        "encryption scope",
    );
    refuses(
        &["mint", C, "--auth", "client-secret"],
        "--auth client-secret cannot be used",
    );
    refuses(
        &["mint", C, "--auth", "workload-identity"],
        "AZURE_FEDERATED_TOKEN_FILE",
    );
    refuses(&["mint", C, "--timeout", "0"], "invalid value");
}

#[test]
fn bad_delegation_keys_are_refused() {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(b"{\"value\": \"CDbbW7auD7G7KPwtUda3fRepaIxXK2WN1Gja\"}")
        .unwrap();
    let path = f.path().to_str().unwrap();
    refuses(
        &["mint", C, "--delegation-key", path],
        "is not a delegation key",
    );
    let out = sasmint()
        .args(["mint", C, "--delegation-key", path])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("CDbbW7"));

    refuses(
        &["mint", C, "--delegation-key", "/nonexistent/key.json"],
        "cannot read",
    );

    let mut expired = tempfile::NamedTempFile::new().unwrap();
    expired
        .write_all(key_json(&time_in(-7200), &time_in(-3600)).as_bytes())
        .unwrap();
    refuses(
        &[
            "mint",
            C,
            "--delegation-key",
            expired.path().to_str().unwrap(),
        ],
        "expired",
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
    assert!(
        (134..=136).contains(&life),
        "2h plus 15 min back-dating, got {life} min"
    );
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
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(key_json(&time_in(-3600), &time_in(3600)).as_bytes())
        .unwrap();
    let path = f.path().to_str().unwrap().to_owned();
    let start = time_in(7200);
    refuses(
        &[
            "mint",
            C,
            "--start",
            &start,
            "--expires-in",
            "3h",
            "--delegation-key",
            &path,
        ],
        "leaves nothing of the token",
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
    let life = parse("expiry") - OffsetDateTime::now_utc();
    assert!(life > time::Duration::minutes(85) && life <= time::Duration::minutes(90));

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
    refuses(&["man", "nope"], "'sasmint nope' is not a command");
    refuses(
        &["man", "geocatalog", "nope"],
        "'sasmint geocatalog nope' is not a command",
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
    refuses(&["inspect", "hello"], "");
    refuses(
        &["inspect", "https://myacct.blob.core.windows.net/imagery"],
        "",
    );
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
    refuses(
        &["kusto-uri", blob, "--managed-identity", "not-a-guid"],
        "not an object id",
    );
    refuses(
        &[
            "kusto-uri",
            "https://myacct.blob.core.windows.net/",
            "--managed-identity",
            "system",
        ],
        "names no container",
    );
    refuses(
        &[
            "kusto-uri",
            blob,
            "--managed-identity",
            "system",
            "--expires-in",
            "99d",
        ],
        "do not apply",
    );
    refuses(
        &[
            "kusto-uri",
            blob,
            "--managed-identity",
            "system",
            "--delegation-key",
            "/nonexistent",
        ],
        "do not apply",
    );
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
    refuses(
        &[
            "kusto-uri",
            &format!("{C}/events.csv"),
            "--expires-in",
            "9d",
        ],
        "more than 7 days",
    );
}

#[test]
fn delivery_commands_check_input_before_any_request() {
    let gc = [
        "--geocatalog",
        "https://cat.abc.uksouth.geocatalog.spatio.azure.com",
    ];
    refuses(&["geocatalog", "list"], "no GeoCatalog endpoint");
    refuses(
        &[
            "geocatalog",
            "list",
            "--geocatalog",
            "http://cat.example.com",
        ],
        "must use https",
    );
    refuses(
        &[&["geocatalog", "register", &format!("{C}/a.tif")], &gc[..]].concat(),
        "needs a container URL",
    );
    refuses(
        &[
            &["geocatalog", "register", C, "--expires-in", "8d"],
            &gc[..],
        ]
        .concat(),
        "more than 7 days",
    );
    refuses(
        &[
            &["geocatalog", "register", C, "--managed-identity", "x"],
            &gc[..],
        ]
        .concat(),
        "not an object id",
    );
    refuses(
        &[&["geocatalog", "list", "--output", "token"], &gc[..]].concat(),
        "--output token",
    );
    refuses(
        &[
            &["geocatalog", "list", "--api-version", "2023-01-01"],
            &gc[..],
        ]
        .concat(),
        "invalid value",
    );
    refuses(
        &["ard", "register", C, "--credentials-id", "no spaces"],
        "not a valid credentials id",
    );
    refuses(
        &["ard", "register", C, "--credentials-id", "ok-id"],
        "no Maxar ARD credentials",
    );
    refuses(
        &[
            "ard",
            "register",
            &format!("{C}/x"),
            "--credentials-id",
            "ok-id",
        ],
        "needs a container URL",
    );
    refuses(&["ard", "show", "a/b"], "not a valid credentials id");
    refuses(
        &[
            "ard",
            "list",
            "--ard-endpoint",
            "http://ard.example.com/api/v1",
        ],
        "must use https",
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
fn fail_fast_stops_at_the_first_bad_line_and_prints_nothing() {
    let list = "https://myacct.blob.core.windows.net/alpha\nnope\nhttps://myacct.blob.core.windows.net/omega\n";
    let out = run_offline(&["mint", "--from-file", "-", "--fail-fast"], Some(list));
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("line 2:"), "{stderr}");
}

#[test]
fn batch_refuses_what_cannot_work() {
    refuses(
        &[
            "mint",
            C,
            "https://myacct.blob.core.windows.net/two",
            "--output",
            "env",
        ],
        "--output env takes a single URL",
    );
    refuses(
        &["mint", "--from-file", "-", "--delegation-key", "-"],
        "cannot both read stdin",
    );
    refuses(
        &["mint", "--from-file", "/nonexistent/urls.txt"],
        "cannot read",
    );
    refuses(&["mint", "--from-file", "/dev/null"], "holds no URLs");
    refuses(&["mint"], "required");
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

#[test]
fn ctrl_c_while_writing_the_output_file_leaves_no_temporary_file() {
    // A big batch, so the write takes long enough to be interrupted in the middle of it.
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
    let mut interrupted = 0;
    for _ in 0..30 {
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
        // Wait for the temporary file to appear, then interrupt.
        let mut caught = false;
        while child.try_wait().unwrap().is_none() {
            if tmp_present() {
                unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
                caught = true;
                break;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        let status = child.wait().unwrap();
        assert!(!tmp_present(), "a temporary file was left behind");
        if caught && !status.success() {
            interrupted += 1;
            // Interrupted before the rename: no output file at all.
            assert!(!target.exists(), "a half-written output file");
        } else {
            // Finished first: the file is complete.
            let text = std::fs::read_to_string(&target).unwrap();
            assert_eq!(text.lines().count(), 60_000);
        }
        if interrupted >= 3 {
            return;
        }
    }
    panic!("the write was interrupted only {interrupted} times in 30 runs");
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
    {
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(list.as_bytes()).unwrap();
    }
    // Like `| head -c1`: read one byte, then close the pipe.
    let mut one = [0u8; 1];
    child.stdout.take().unwrap().read_exact(&mut one).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
