//! End to end: the real binary, real Azurite (HTTPS + OAuth), tokens from a local managed
//! identity endpoint through azure_identity's real credential code. Each token is then used
//! against Azurite to prove it grants exactly what it says.

mod support;

use base64::Engine;
use std::time::Duration;
use support::{assert_forbidden, Azurite, Behaviour, Run, TokenServer};

fn azurite() -> &'static Azurite {
    support::shared_azurite()
}

fn run(ts: &TokenServer, args: &[&str]) -> Run {
    run_with(ts, args, |_| {})
}

fn run_with(ts: &TokenServer, args: &[&str], tweak: impl FnOnce(&mut assert_cmd::Command)) -> Run {
    let mut cmd = support::sasmint(azurite(), ts);
    cmd.args(args);
    tweak(&mut cmd);
    Run::of(&mut cmd)
}

fn mint(ts: &TokenServer, args: &[&str]) -> String {
    let r = run(
        ts,
        &[&["mint"], args, &["--auth", "managed-identity"]].concat(),
    );
    assert_eq!(r.code, Some(0), "mint {args:?} failed: {}", r.stderr);
    r.stdout.trim().to_owned()
}

async fn container_with(name: &str, blobs: &[(&str, &[u8])]) -> String {
    support::create_container(azurite(), name).await;
    for (blob, bytes) in blobs {
        support::upload_blob(azurite(), name, blob, bytes).await;
    }
    azurite().container_url(name)
}

fn with(url: &str, token: &str) -> String {
    support::with_query(url, token)
}

#[tokio::test]
async fn ingest_token_lists_and_reads_but_cannot_write_or_delete() {
    let ts = TokenServer::start();
    let c = container_with("ingest", &[("scenes/a.tif", b"pixels")]).await;
    let token = mint(&ts, &[&c]);
    assert_eq!(ts.requests(), 1, "one token request per mint");

    // The exact bytes sasmint printed, sent as they are (the SDK would re-encode them).
    let (status, _, body) = support::raw_request(
        "GET",
        &format!("{c}?restype=container&comp=list&{token}"),
        b"",
    )
    .await;
    assert_eq!(status, 200, "list with the printed token");
    assert!(body.contains("<Name>scenes/a.tif</Name>"));

    let blob = azurite().blob_url("ingest", "scenes/a.tif");
    assert_eq!(
        support::list_blobs(&with(&c, &token)).await.unwrap(),
        ["scenes/a.tif"]
    );
    assert_eq!(
        support::read_blob(&with(&blob, &token)).await.unwrap(),
        b"pixels"
    );
    let new = azurite().blob_url("ingest", "scenes/new.tif");
    assert_forbidden(support::write_blob(&with(&new, &token), b"x").await);
    assert_forbidden(support::write_blob(&with(&blob, &token), b"overwrite").await);
    assert_forbidden(support::delete_blob(&with(&blob, &token)).await);
}

#[tokio::test]
async fn upload_token_writes_but_cannot_read_list_or_delete() {
    let ts = TokenServer::start();
    let c = container_with("upload", &[("existing.bin", b"secret evidence")]).await;
    let url = mint(&ts, &[&c, "--for", "upload", "--output", "url"]);
    let token = url.split_once('?').unwrap().1;

    let drop = azurite().blob_url("upload", "drop/image.dd");
    support::write_blob(&with(&drop, token), b"disk image")
        .await
        .unwrap();
    let existing = azurite().blob_url("upload", "existing.bin");
    assert_forbidden(support::read_blob(&with(&existing, token)).await);
    assert_forbidden(support::read_blob(&with(&drop, token)).await);
    assert_forbidden(support::list_blobs(&with(&c, token)).await);
    assert_forbidden(support::delete_blob(&with(&existing, token)).await);
}

#[tokio::test]
async fn blob_token_reads_its_blob_and_nothing_else() {
    let ts = TokenServer::start();
    let name = "2026/Récap Q3 a+b%20c#?.txt";
    let c = container_with("blobsas", &[(name, b"the one"), ("other.txt", b"not this")]).await;
    let blob = azurite().blob_url("blobsas", name);
    let url = mint(&ts, &[&blob, "--permissions", "r", "--output", "url"]);
    let (base, token) = url.split_once('?').unwrap();
    let decode = |u: &str| {
        percent_encoding::percent_decode_str(u)
            .decode_utf8()
            .unwrap()
            .into_owned()
    };
    assert_eq!(
        decode(base),
        decode(&blob),
        "the printed URL names the blob"
    );
    assert!(
        base.ends_with("a%2Bb%2520c%23%3F.txt"),
        "{base}: '+', '%', '#', '?' are escaped"
    );
    assert!(token.contains("sr=b"));

    let (status, _, body) = support::raw_request("GET", &url, b"").await;
    assert_eq!(
        (status, body.as_str()),
        (200, "the one"),
        "the printed URL works as is"
    );
    assert_eq!(
        support::read_blob(&with(&blob, token)).await.unwrap(),
        b"the one"
    );
    let other = azurite().blob_url("blobsas", "other.txt");
    assert_forbidden(support::read_blob(&with(&other, token)).await);
    assert_forbidden(support::list_blobs(&with(&c, token)).await);
    assert_forbidden(support::write_blob(&with(&blob, token), b"changed").await);
}

#[tokio::test]
async fn saved_key_signs_offline_tokens_that_azurite_accepts() {
    let ts = TokenServer::start();
    let c = container_with("offline", &[("a.txt", b"offline ok")]).await;
    let r = run(
        &ts,
        &[
            "key",
            &azurite().account_url(),
            "--expires-in",
            "2h",
            "--auth",
            "managed-identity",
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let key: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let mut fields: Vec<&str> = key
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            "signedExpiry",
            "signedOid",
            "signedService",
            "signedStart",
            "signedTid",
            "signedVersion",
            "value"
        ]
    );
    assert_eq!(key["signedOid"], support::TEST_OID);
    assert_eq!(key["signedTid"], support::TEST_TID);
    assert!(!r.stderr.contains(key["value"].as_str().unwrap()));

    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &r.stdout).unwrap();
    let requests = ts.requests();
    // No identity settings at all: this run cannot reach anything.
    let out = support::sasmint_offline()
        .args(["mint", &c, "--delegation-key"])
        .arg(file.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        ts.requests(),
        requests,
        "offline signing made no token request"
    );
    let token = String::from_utf8(out.stdout).unwrap();
    let token = token.trim();
    let blob = azurite().blob_url("offline", "a.txt");
    assert_eq!(
        support::read_blob(&with(&blob, token)).await.unwrap(),
        b"offline ok"
    );
    assert_eq!(
        support::list_blobs(&with(&c, token)).await.unwrap(),
        ["a.txt"]
    );
    assert_forbidden(support::write_blob(&with(&blob, token), b"no").await);
}

/// Azurite derives the key value from the key's fields (shared/spec §9), so a test can know
/// the secret without it ever being printed.
fn azurite_key_value(oid: &str, tid: &str, skt: &str, ske: &str, skv: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac =
        Hmac::<sha2::Sha256>::new_from_slice(b"azurite-user-delegation-signing-seed-v1").unwrap();
    mac.update(format!("{oid}\n{tid}\n{skt}\n{ske}\nb\n{skv}").as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

fn assert_no_secret(stderr: &str, secrets: &[(&str, &str)]) {
    for (what, secret) in secrets {
        support::assert_absent(stderr, what, secret);
    }
}

#[tokio::test]
async fn very_verbose_output_shows_requests_but_no_secret() {
    let ts = TokenServer::start();
    let c = container_with("verbose", &[]).await;
    let r = run(
        &ts,
        &[
            "-vv",
            "mint",
            &c,
            "--output",
            "json",
            "--auth",
            "managed-identity",
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stderr.contains("==> Request"),
        "-vv shows the HTTP requests:\n{}",
        r.stderr
    );
    assert!(r.stderr.contains("comp=userdelegationkey"), "{}", r.stderr);
    assert!(r.stderr.contains("POST"));
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let token = v["token"].as_str().unwrap();
    let sig = token.rsplit("sig=").next().unwrap();
    let sig = percent_encoding::percent_decode_str(sig)
        .decode_utf8()
        .unwrap()
        .into_owned();
    let skv = token
        .split('&')
        .find_map(|p| p.strip_prefix("skv="))
        .unwrap();
    let key = azurite_key_value(
        v["signed_oid"].as_str().unwrap(),
        v["signed_tid"].as_str().unwrap(),
        v["key_start"].as_str().unwrap(),
        v["key_expiry"].as_str().unwrap(),
        skv,
    );
    let bearer = ts.last_token().unwrap();
    assert_no_secret(
        &r.stderr,
        &[
            ("signature", &sig),
            ("key value", &key),
            ("bearer token", &bearer),
            ("identity header", ts.header()),
        ],
    );
    // The key command at -vv too.
    let r = run(
        &ts,
        &[
            "-vv",
            "key",
            &azurite().account_url(),
            "--auth",
            "managed-identity",
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let value: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    // The derivation the checks above rely on is Azurite's: it gives the value `key` printed.
    let field = |name: &str| value[name].as_str().unwrap().to_owned();
    assert_eq!(
        azurite_key_value(
            &field("signedOid"),
            &field("signedTid"),
            &field("signedStart"),
            &field("signedExpiry"),
            &field("signedVersion"),
        ),
        field("value"),
        "the key value derivation (and so the 'key value' checks) matches Azurite's"
    );
    assert_no_secret(
        &r.stderr,
        &[
            ("key value", value["value"].as_str().unwrap()),
            ("bearer token", &ts.last_token().unwrap()),
        ],
    );
}

#[tokio::test]
async fn seven_days_works_against_the_service_with_an_interval_of_seven_days() {
    let ts = TokenServer::start();
    let c = container_with("sevendays", &[("a.txt", b"week")]).await;
    let r = run(
        &ts,
        &[
            "mint",
            &c,
            "--expires-in",
            "7d",
            "--output",
            "json",
            "--auth",
            "managed-identity",
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    // From the back-dated start, 7 days end 15 minutes short of 7 days from now: the key
    // needs no clamping, and se − st is 7 days, as a 7-day SAS expiration policy wants.
    assert!(!r.stderr.contains("at most 7 days"), "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["expiry"], v["key_expiry"], "se = ske");
    assert_eq!(v["interval_seconds"], 7 * 86_400);
    let parse = |s: &serde_json::Value| {
        time::OffsetDateTime::parse(
            s.as_str().unwrap(),
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap()
    };
    assert_eq!(
        parse(&v["expiry"]) - parse(&v["start"]),
        time::Duration::days(7)
    );
    let left = parse(&v["expiry"]) - time::OffsetDateTime::now_utc();
    assert!(
        left < time::Duration::days(7) - time::Duration::minutes(14),
        "{left}"
    );
    assert!(
        left > time::Duration::days(7) - time::Duration::minutes(17),
        "{left}"
    );
    let blob = azurite().blob_url("sevendays", "a.txt");
    assert_eq!(
        support::read_blob(&with(&blob, v["token"].as_str().unwrap()))
            .await
            .unwrap(),
        b"week"
    );
}

#[test]
fn a_refused_token_is_not_blamed_on_missing_roles() {
    // Azurite refuses a token for another audience with 403 AuthenticationFailed, as Azure
    // does (401/403 AuthenticationFailed or InvalidAuthenticationInfo): no role fixes that.
    // (A missing role, 403 AuthorizationPermissionMismatch, is in tests/faults.rs: Azurite
    // has no role assignments.)
    let ts = TokenServer::start_with(Behaviour::WrongAudience);
    let c = azurite().container_url("denied");
    let r = run(&ts, &["mint", &c, "--auth", "managed-identity"]);
    assert_eq!(r.code, Some(4), "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr
            .contains("Get User Delegation Key failed: HTTP 403 AuthenticationFailed"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("did not accept the Entra ID token"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("Storage Blob Delegator"), "{}", r.stderr);
    assert_no_secret(&r.stderr, &[("bearer token", &ts.last_token().unwrap())]);
}

#[test]
fn failing_token_endpoint_is_a_credential_error() {
    let ts = TokenServer::start_with(Behaviour::Status(400));
    let r = run(
        &ts,
        &[
            "mint",
            &azurite().container_url("nocred"),
            "--auth",
            "managed-identity",
        ],
    );
    assert_eq!(r.code, Some(3), "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("hint:"), "{}", r.stderr);
    assert_no_secret(&r.stderr, &[("identity header", ts.header())]);
}

#[test]
fn auto_without_any_credential_says_what_it_tried() {
    let out = support::sasmint_offline()
        .env("SSL_CERT_FILE", azurite().cert_path())
        .args(["mint", &azurite().container_url("auto")])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(out.stdout.is_empty());
    for method in [
        "client-secret",
        "workload-identity",
        "managed-identity",
        "azure-pipelines",
        "azure-cli",
        "azd",
    ] {
        assert!(stderr.contains(method), "{method} missing from: {stderr}");
    }
    assert!(stderr.contains("az login"), "{stderr}");
    assert!(stderr.contains("not an Azure VM"), "{stderr}");
}

#[test]
fn untrusted_certificate_fails_fast_with_a_hint() {
    let ts = TokenServer::start();
    // A forwarding proxy with Azurite's certificate, which counts the connections it accepts:
    // each attempt of the client is one connection (and never a request, as the handshake fails).
    let fs = support::FaultServer::forwarding(azurite());
    let r = run_with(
        &ts,
        &[
            "mint",
            &fs.container_url("tls"),
            "--auth",
            "managed-identity",
            "--timeout",
            "20",
        ],
        |cmd| {
            cmd.env_remove("SSL_CERT_FILE");
        },
    );
    assert_eq!(r.code, Some(7), "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("SSL_CERT_FILE"), "{}", r.stderr);
    // sasmint's error and hint only: no library log line saying the same in its words.
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{}", r.stderr);
    assert!(lines[0].starts_with("sasmint: error:"), "{}", r.stderr);
    // Fast because it is not retried: one attempt, no request got through, and the run ends
    // well before its 20 s --timeout (with room for a busy machine).
    // Two handshakes: the early connection's (clients::warmup; it fails and is forgotten),
    // then the request's own, which is not retried.
    assert_eq!(
        fs.connections(),
        2,
        "an untrusted certificate is never retried"
    );
    assert_eq!(fs.requests(), 0, "{:?}", fs.log());
    assert!(
        r.elapsed < Duration::from_secs(10),
        "TLS failure took {:?}",
        r.elapsed
    );
}

#[test]
fn connection_refused_is_a_network_error() {
    let ts = TokenServer::start();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let r = run(
        &ts,
        &[
            "mint",
            &format!("https://127.0.0.1:{port}/devstoreaccount1/gone"),
            "--auth",
            "managed-identity",
            "--timeout",
            "10",
        ],
    );
    assert_eq!(r.code, Some(6), "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("could not reach"), "{}", r.stderr);
}

#[tokio::test]
async fn batch_fetches_one_key_per_account_and_every_token_works() {
    let ts = TokenServer::start();
    let mut urls = Vec::new();
    for name in ["batch-a", "batch-b", "batch-c"] {
        urls.push(container_with(name, &[("f.txt", name.as_bytes())]).await);
    }
    let list = format!("# three containers, one account\n{}\n", urls.join("\n"));
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), list).unwrap();
    let r = run(
        &ts,
        &[
            "-vv",
            "mint",
            "--from-file",
            file.path().to_str().unwrap(),
            "--output",
            "json",
            "--auth",
            "managed-identity",
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let key_requests = r
        .stderr
        .lines()
        .filter(|l| l.contains("==> Request") && l.contains("comp=userdelegationkey"))
        .count();
    assert_eq!(key_requests, 1, "one delegation key for the one account");
    assert_eq!(ts.requests(), 1, "one token request");
    let rows: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 3);
    for (row, (url, name)) in rows
        .iter()
        .zip(urls.iter().zip(["batch-a", "batch-b", "batch-c"]))
    {
        assert_eq!(row["container"], name);
        let blob = azurite().blob_url(name, "f.txt");
        let token = row["token"].as_str().unwrap();
        assert_eq!(
            support::read_blob(&with(&blob, token)).await.unwrap(),
            name.as_bytes()
        );
        assert!(row["url"].as_str().unwrap().starts_with(url.as_str()));
    }
}

#[tokio::test]
async fn key_to_a_private_file() {
    use std::os::unix::fs::PermissionsExt;
    let ts = TokenServer::start();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("key.json");
    let r = run(
        &ts,
        &[
            "key",
            &azurite().account_url(),
            "--output-file",
            path.to_str().unwrap(),
            "--auth",
            "managed-identity",
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let key: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(key["signedService"], "b");
}

/// Every command and error path at -vv, with secrets planted in the environment and the
/// real bearer token, key and signatures in play: none of them may reach stderr.
#[tokio::test]
async fn secret_canary_across_commands() {
    let ts = TokenServer::start();
    let c = container_with("canary", &[]).await;
    let planted = [
        ("AZURE_CLIENT_SECRET", "canary-client-secret-6f1d0c"),
        ("MAXAR_ARD_PASSWORD", "canary-ard-password-91be3a"),
        ("MAXAR_ARD_TOKEN", "canary-ard-token-47c2d9e0"),
        ("SYSTEM_ACCESSTOKEN", "canary-pipelines-token-0aa3"),
    ];
    let key_file = tempfile::NamedTempFile::new().unwrap();
    let r = run(
        &ts,
        &[
            "key",
            &azurite().account_url(),
            "--auth",
            "managed-identity",
        ],
    );
    std::fs::write(key_file.path(), &r.stdout).unwrap();
    let key_value = serde_json::from_str::<serde_json::Value>(&r.stdout).unwrap()["value"]
        .as_str()
        .unwrap()
        .to_owned();
    let key_path = key_file.path().to_str().unwrap().to_owned();
    let account = azurite().account_url();
    // Stand-ins that answer 404 after a successful sign-in: the authenticated error paths.
    let catalog = support::GeoCatalog::start(azurite());
    let catalog_endpoint = catalog.endpoint();
    let ard = support::Ard::start(azurite());
    let ard_endpoint = ard.endpoint();
    let missing = "0b4f3f2e-8c1d-4e5f-9a7b-1c2d3e4f5a6b";
    // (arguments, the exit code it must end with, RUST_LOG=trace instead of -vv)
    let runs: Vec<(Vec<&str>, i32, bool)> = vec![
        (vec!["mint", &c, "--auth", "managed-identity"], 0, false),
        (vec!["mint", &c, "--auth", "managed-identity"], 0, true),
        (
            vec![
                "mint",
                &c,
                "--for",
                "upload",
                "--output",
                "json",
                "--auth",
                "managed-identity",
            ],
            0,
            false,
        ),
        (vec!["mint", &c, "--delegation-key", &key_path], 0, false),
        (
            vec![
                "mint",
                &c,
                "--expires-in",
                "30d",
                "--auth",
                "managed-identity",
            ],
            2,
            false,
        ),
        (vec!["mint", &c, "--auth", "client-secret"], 2, false),
        (
            vec!["key", &account, "--auth", "managed-identity"],
            0,
            false,
        ),
        (
            vec!["kusto-uri", &c, "--auth", "managed-identity"],
            0,
            false,
        ),
        (
            vec![
                "ard",
                "list",
                "--ard-endpoint",
                "https://127.0.0.1:9/api/v1",
                "--timeout",
                "2",
            ],
            6,
            false,
        ),
        (
            vec![
                "geocatalog",
                "list",
                "--geocatalog",
                "https://127.0.0.1:9",
                "--auth",
                "managed-identity",
                "--timeout",
                "2",
            ],
            6,
            false,
        ),
        (
            vec![
                "geocatalog",
                "show",
                missing,
                "--geocatalog",
                &catalog_endpoint,
                "--auth",
                "managed-identity",
            ],
            5,
            false,
        ),
        (
            vec![
                "geocatalog",
                "show",
                missing,
                "--geocatalog",
                &catalog_endpoint,
                "--auth",
                "managed-identity",
            ],
            5,
            true,
        ),
        (
            vec![
                "ard",
                "show",
                "not-registered",
                "--ard-endpoint",
                &ard_endpoint,
            ],
            5,
            false,
        ),
    ];
    let mut signatures = Vec::new();
    let mut stderrs = Vec::new();
    for (args, expected, trace) in &runs {
        let verbosity: &[&str] = if *trace { &[] } else { &["-vv"] };
        let r = run_with(&ts, &[verbosity, &args[..]].concat(), |cmd| {
            // Only loopback may be contacted: with AZURE_TENANT_ID/AZURE_CLIENT_ID unset, the
            // client-secret run stops as bad input instead of calling Entra ID.
            for (name, value) in planted {
                cmd.env(name, value);
            }
            if args.contains(&ard_endpoint.as_str()) {
                // Signed in for real with the stand-in's token, which is then a secret too.
                cmd.env("MAXAR_ARD_TOKEN", ard.static_token());
            }
            if *trace {
                cmd.env("RUST_LOG", "trace");
            }
        });
        let what = format!(
            "{}{}",
            if *trace { "RUST_LOG=trace " } else { "-vv " },
            args.join(" ")
        );
        assert_eq!(r.code, Some(*expected), "`{what}`: {}", r.stderr);
        for part in r.stdout.split(['&', '"', '\n']) {
            if let Some(sig) = part.strip_prefix("sig=") {
                signatures.push(
                    percent_encoding::percent_decode_str(sig)
                        .decode_utf8()
                        .unwrap()
                        .into_owned(),
                );
            }
        }
        stderrs.push((what, r.code, r.stderr));
    }
    assert!(
        signatures.len() >= 5,
        "tokens were minted: {}",
        signatures.len()
    );
    let issued = ts.issued_tokens();
    assert!(
        issued.len() >= 8,
        "every networked run signed in: {} tokens",
        issued.len()
    );
    assert!(
        !catalog.bearer_tokens().is_empty(),
        "the catalog was called with a bearer token"
    );
    for (what, code, stderr) in &stderrs {
        let mut secrets: Vec<(&str, &str)> = planted.iter().map(|(n, v)| (*n, *v)).collect();
        for bearer in &issued {
            secrets.push(("a bearer token", bearer));
        }
        secrets.push(("the ARD token", ard.static_token()));
        secrets.push(("identity header", ts.header()));
        secrets.push(("key value", &key_value));
        for sig in &signatures {
            secrets.push(("signature", sig));
        }
        for (name, secret) in secrets {
            assert!(
                !stderr.contains(secret),
                "`{what}` (exit {code:?}) leaked {name}:\n{stderr}"
            );
            let encoded = secret
                .replace('+', "%2B")
                .replace('/', "%2F")
                .replace('=', "%3D");
            assert!(
                !stderr.contains(&encoded),
                "`{what}` leaked {name} (encoded)"
            );
        }
    }
}
