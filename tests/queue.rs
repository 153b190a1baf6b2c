//! Queue tokens (issue 20): `https://ACCOUNT.queue.core.windows.net/QUEUE`, letters `raup`.
//!
//! What Azurite 3.37.0's queue service can prove, pinned as it behaves:
//! - it does not implement Get User Delegation Key: it answers a bare `400` (no error code, no
//!   body), so `sasmint key`/`mint` on it fail with exit 5 after sending the request there;
//! - it checks a queue SAS against the account keys only, so it refuses every user delegation
//!   queue token (403). `--verify` therefore shows its probes go out and a refusal is exit 4,
//!   but not an accepted token;
//! - it answers Update Message and Delete Message of a message that does not exist, with the
//!   id and pop receipt shapes the probes send, `404 MessageNotFound`: what the probes count as
//!   authorised.
//!
//! A newer Azurite that implements queue user delegation fails here, and the proof can be
//! added. The signatures are proved against azure-storage-queue 12.18.1 instead
//! (`src/domain/sas.rs`, `tests/data/ud-sas-python-queue.json`).

mod support;

use std::path::PathBuf;
use support::{Azurite, Run, TokenServer, STORAGE_RESOURCE};

fn queue_azurite() -> &'static Azurite {
    static AZ: std::sync::OnceLock<Azurite> = std::sync::OnceLock::new();
    AZ.get_or_init(Azurite::start_queue)
}

/// A queue key as `sasmint key` saves it (a synthetic one: Azurite issues none), valid now.
fn queue_key_file(dir: &tempfile::TempDir, service: &str) -> PathBuf {
    let now = time::OffsetDateTime::now_utc();
    let fmt = |t: time::OffsetDateTime| {
        t.replace_nanosecond(0)
            .unwrap()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap()
    };
    let json = serde_json::json!({
        "signedOid": "8e0c6a5c-6a36-4c5a-9c5c-1f1c0b2f6c11",
        "signedTid": "72f988bf-86f1-41af-91ab-2d7cd011db47",
        "signedStart": fmt(now - time::Duration::hours(1)),
        "signedExpiry": fmt(now + time::Duration::days(2)),
        "signedService": service,
        "signedVersion": "2026-10-06",
        "value": "CDbbW7auD7G7KPwtUda3fRepaIxXK2WN1Gja/igmRuY=",
    });
    let path = dir.path().join(format!("{service}-key.json"));
    std::fs::write(&path, json.to_string()).unwrap();
    path
}

fn offline(args: &[&str]) -> Run {
    let mut cmd = support::sasmint_offline();
    cmd.args(args);
    Run::of(&mut cmd)
}

/// Creates `name` on the emulator's queue service with a bearer token.
async fn create_queue(az: &Azurite, name: &str) {
    let status = az
        .http_client()
        .put(format!("{}/{name}", az.account_url()))
        .header("x-ms-version", "2026-04-06")
        .bearer_auth(support::mint_jwt(STORAGE_RESOURCE))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16();
    assert!(matches!(status, 201 | 204), "create queue: {status}");
}

#[test]
fn azurite_answers_get_user_delegation_key_on_the_queue_endpoint_with_a_bare_400() {
    let az = queue_azurite();
    let ts = TokenServer::start();
    let mut cmd = support::sasmint(az, &ts);
    cmd.args([
        "key",
        &az.account_url(),
        "--queue",
        "--auth",
        "managed-identity",
    ]);
    let r = Run::of(&mut cmd);
    r.failed_with(5)
        .says("Get User Delegation Key failed: HTTP 400")
        .no_identity_secrets(&ts);
    // The request went out, with a storage token: the refusal is the emulator's.
    assert_eq!(ts.requests_for(STORAGE_RESOURCE), 1);

    let mut cmd = support::sasmint(az, &ts);
    cmd.args([
        "mint",
        &format!("{}/orders", az.account_url()),
        "--queue",
        "--for",
        "producer",
        "--auth",
        "managed-identity",
    ]);
    Run::of(&mut cmd)
        .failed_with(5)
        .says("Get User Delegation Key failed: HTTP 400");
}

#[tokio::test]
async fn azurite_refuses_a_queue_token_and_verify_reports_the_refusal() {
    let az = queue_azurite();
    create_queue(az, "refused").await;
    let dir = tempfile::tempdir().unwrap();
    let key = queue_key_file(&dir, "q");
    let url = format!("{}/refused", az.account_url());
    let minted = offline(&[
        "mint",
        &url,
        "--queue",
        "-p",
        "rp",
        "--delegation-key",
        key.to_str().unwrap(),
        "--output",
        "url",
    ]);
    minted.ok();
    let sas_url = minted.stdout.trim();
    let (_, token) = sas_url.split_once('?').unwrap();
    let status = az
        .http_client()
        .get(format!("{url}/messages?peekonly=true&{token}"))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16();
    assert_eq!(
        status, 403,
        "Azurite checks queue tokens against account keys"
    );

    let ts = TokenServer::start();
    let mut cmd = support::sasmint(az, &ts);
    cmd.args([
        "mint",
        &url,
        "--queue",
        "-p",
        "raup",
        "--delegation-key",
        key.to_str().unwrap(),
        "--verify",
    ]);
    let r = Run::of(&mut cmd);
    r.failed_with(4)
        .says("verifying the token's 'r' right (Peek Messages on https://127.0.0.1:")
        .says("HTTP 403");
    let sig = support::sig_of(token);
    assert!(!r.stderr.contains(&sig), "{}", r.stderr);
    // Offline key: no Entra token was asked for.
    assert_eq!(ts.requests(), 0);
}

/// The id and pop receipt shapes the `u` and `p` probes send, answered as a queue service
/// answers a message that does not exist.
#[tokio::test]
async fn a_message_that_does_not_exist_is_404_message_not_found() {
    use base64::Engine;
    let az = queue_azurite();
    create_queue(az, "probed").await;
    let id = uuid::Uuid::new_v4().to_string();
    let receipt = base64::engine::general_purpose::STANDARD.encode(uuid::Uuid::new_v4().as_bytes());
    let base = format!("{}/probed/messages/{id}", az.account_url());
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query.append_pair("popreceipt", &receipt);
    let query = query.finish();
    let client = az.http_client();
    let jwt = support::mint_jwt(STORAGE_RESOURCE);
    for request in [
        client.put(format!("{base}?{query}&visibilitytimeout=0")),
        client.delete(format!("{base}?{query}")),
    ] {
        let answer = request
            .header("x-ms-version", "2026-04-06")
            .bearer_auth(&jwt)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status().as_u16(), 404);
        assert_eq!(
            answer.headers()["x-ms-error-code"].to_str().unwrap(),
            "MessageNotFound"
        );
    }
}

#[test]
fn queue_tokens_offline_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let key = queue_key_file(&dir, "q");
    let key = key.to_str().unwrap();
    let url = "https://acct.queue.core.windows.net/orders";
    let r = offline(&[
        "mint",
        url,
        "--for",
        "producer",
        "--delegation-key",
        key,
        "--output",
        "json",
    ]);
    r.ok();
    let json = r.json();
    assert_eq!(json["resource"], "queue");
    assert_eq!(json["queue"], "orders");
    assert_eq!(json["container"], "");
    assert!(json["signed_resource"].is_null());
    assert_eq!(json["permissions"], "a");
    let token = json["token"].as_str().unwrap();
    assert!(token.contains("&sks=q&"), "{token}");
    assert!(!token.contains("sr="), "{token}");

    let r = offline(&[
        "mint",
        url,
        "--for",
        "consumer",
        "--delegation-key",
        key,
        "--output",
        "env",
    ]);
    r.ok();
    assert!(
        r.stdout.contains("AZURE_STORAGE_QUEUE='orders'\n"),
        "{}",
        r.stdout
    );
    assert!(
        !r.stdout.contains("AZURE_STORAGE_CONTAINER"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("SAS_PERMISSIONS='p'\n"), "{}", r.stdout);

    // The URL round-trips through `inspect`.
    let minted = offline(&[
        "mint",
        url,
        "-p",
        "upar",
        "--delegation-key",
        key,
        "--output",
        "url",
    ]);
    minted.ok();
    let inspected = offline(&["inspect", minted.stdout.trim(), "--output", "json"]);
    inspected.ok();
    let i = inspected.json();
    assert_eq!(i["service"], "queue");
    assert_eq!(i["queue"], "orders");
    assert!(i["container"].is_null());
    assert!(i["resource"].is_null());
    assert_eq!(i["permissions"], "raup");
    assert_eq!(i["permissions_canonical"], true);
    assert_eq!(i["delegation"]["key_service"], "q");
}

/// Bad queue input: exit 2, one line on stderr, nothing on stdout (and no request: these run
/// with no identity and no TLS trust).
#[test]
fn queue_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let q = queue_key_file(&dir, "q");
    let b = queue_key_file(&dir, "b");
    let (q, b) = (q.to_str().unwrap(), b.to_str().unwrap());
    let queue = "https://acct.queue.core.windows.net/orders";
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["mint", queue, "--delegation-key", q],
            "no default permissions",
        ),
        (
            vec!["mint", queue, "--for", "producer", "--delegation-key", b],
            "needs a delegation key from the queue endpoint",
        ),
        (
            vec!["mint", queue, "-p", "rl", "--delegation-key", q],
            "permission 'l' (list) does not apply to a queue",
        ),
        (
            vec!["mint", queue, "--for", "ingest", "--delegation-key", q],
            "the ingest preset is for Blob Storage",
        ),
        (
            vec![
                "mint",
                "https://acct.blob.core.windows.net/orders",
                "--for",
                "consumer",
                "--delegation-key",
                b,
            ],
            "a consumer token needs a queue URL",
        ),
        (
            vec![
                "mint",
                "https://acct.blob.core.windows.net/orders",
                "--queue",
                "-p",
                "r",
                "--delegation-key",
                q,
            ],
            "is a Blob Storage endpoint",
        ),
        (
            vec![
                "mint",
                "https://acct.queue.core.windows.net/orders/messages",
                "-p",
                "r",
                "--delegation-key",
                q,
            ],
            "names more than a queue",
        ),
        (
            vec![
                "mint",
                queue,
                "-p",
                "a",
                "--create-only",
                "--delegation-key",
                q,
            ],
            "--create-only applies to Blob Storage tokens",
        ),
        (
            vec![
                "mint",
                queue,
                "-p",
                "r",
                "--require-header",
                "x-ms-a: b",
                "--delegation-key",
                q,
            ],
            "--require-header applies to Blob Storage tokens",
        ),
        (
            vec![
                "mint",
                queue,
                "-p",
                "r",
                "--encryption-scope",
                "scope1",
                "--delegation-key",
                q,
            ],
            "--encryption-scope applies to Blob Storage tokens",
        ),
        (
            vec![
                "mint",
                queue,
                "-p",
                "r",
                "--content-type",
                "text/plain",
                "--delegation-key",
                q,
            ],
            "applies to a blob token; this is a queue token",
        ),
        (
            vec![
                "mint",
                queue,
                "-p",
                "r",
                "--correlation-id",
                "auto",
                "--delegation-key",
                q,
            ],
            "--correlation-id applies to Blob Storage tokens",
        ),
        (
            vec![
                "mint",
                queue,
                "-p",
                "r",
                "--directory",
                "--delegation-key",
                q,
            ],
            "--directory applies to Blob Storage tokens",
        ),
        (
            vec!["key", "https://acct.blob.core.windows.net/", "--queue"],
            "is a Blob Storage endpoint",
        ),
        (
            vec![
                "geocatalog",
                "register",
                queue,
                "--geocatalog",
                "https://cat.abc.uksouth.geocatalog.spatio.azure.com",
            ],
            "is for Blob Storage, and this is a queue URL",
        ),
    ];
    for (args, expected) in cases {
        let r = offline(&args);
        r.failed_with(2).says(expected);
        assert_eq!(r.stderr.lines().count(), 2, "{args:?}: {}", r.stderr);
    }
}
