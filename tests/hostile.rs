//! Issue 10, the server half: the real binary against hostile servers
//! ([`support::hostile::HostileServer`]) playing the storage service, the Entra ID token
//! endpoint, the GeoCatalog API and the Maxar ARD API. Tokens for storage come from the local
//! managed-identity endpoint; where a test needs a real delegation key (to get as far as sending
//! a SAS to a hostile GeoCatalog or ARD), it comes from the shared Azurite.
//!
//! Every test is named for what it proves (its doc comment names the item of issue 10); each failed on the code of the day it was
//! written (see the commit message), and passes once the issue is fixed.
//!
//! Behaviour these tests assume (the contract for the fix):
//! * a server answer that is out of range or breaks the key's rules is exit 5, nothing on
//!   stdout, never a panic;
//! * a body larger than the cap (1 GiB, endless, or a gzip bomb) fails with exit 5 or 6 (3 for
//!   the token endpoint), within `--timeout`, peak RSS < 64 MiB; a 500 with a 100 MB body is
//!   not downloaded again on every retry (the server gets to send less than 100 MB in all);
//! * no 8-character window of any spelling of a secret reaches stderr or stdout, at default
//!   verbosity, `-vv` and `RUST_LOG=trace`; short (3-character) ARD secrets in no spelling;
//! * server-controlled text in `geocatalog list/show/register` and `ard list/show` is printed
//!   with control characters escaped (`\x1b`, `\r`, `\n`);
//! * with `SASMINT_ACCOUNT` only in the environment, an https host that is not a known blob
//!   endpoint gets no request with a bearer token (exit 2, the hint says `--account`);
//! * `ard show` / `ard list` (text and `-o json`) never print a stored SAS signature unless
//!   `--reveal` is given.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use support::hostile::{
    self, assert_no_panic, assert_no_secret, cut, echo_variant, storage_error_xml, udk_xml, Body,
    HostileRequest, HostileServer, Input, Measured, Reply, Udk,
};
use support::{Azurite, Run, TokenServer};

fn az() -> &'static Azurite {
    support::shared_azurite()
}

/// `sasmint ARGS…` against `az`'s certificate and `ts`, memory measured.
fn measured(ts: &TokenServer, args: &[&str], env: &[(&str, &str)], timeout: u64) -> Measured {
    let mut cmd = hostile::command(Some(az()), Some(ts));
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    hostile::run_measured(cmd, Input::Null, Duration::from_secs(timeout + 25))
}

fn run(ts: &TokenServer, args: &[&str], env: &[(&str, &str)]) -> Run {
    measured(ts, args, env, 30).run
}

const KEY_PREFIX: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?><UserDelegationKey><SignedOid>";

// ---- item 2: no panic on a server's times -------------------------------------------------------

/// Item 2: a storage answer whose `SignedExpiry` is past year 9999 in UTC is a service error.
#[test]
fn storage_signed_expiry_beyond_the_date_range_is_a_service_error() {
    let ts = TokenServer::start();
    let hs = HostileServer::start(az(), |_| {
        Reply::xml(
            200,
            udk_xml(&Udk {
                expiry: "9999-12-31T23:59:59-23:59".into(),
                ..Udk::good()
            }),
        )
    });
    for command in ["mint", "key"] {
        let m = measured(
            &ts,
            &[
                command,
                &hs.container_url("far"),
                "--auth",
                "managed-identity",
            ],
            &[],
            30,
        );
        m.failed_with_one_of(&[5], command);
    }
}

// ---- item 3: bounded memory against hostile servers -----------------------------------------------

#[derive(Clone, Copy, Debug)]
enum Bomb {
    /// 1 GiB with a content-length.
    Huge,
    /// Chunked, endless.
    Endless,
    /// ~1 MiB of gzip that inflates to ~1 GiB.
    Gzip,
}

fn bomb_body(bomb: Bomb, prefix: &str) -> Body {
    match bomb {
        Bomb::Huge => Body::Huge {
            prefix: prefix.as_bytes().to_vec(),
            len: 1 << 30,
        },
        Bomb::Endless => Body::Endless {
            prefix: prefix.as_bytes().to_vec(),
        },
        Bomb::Gzip => Body::GzipBomb {
            compressed: 1 << 20,
        },
    }
}

const TIMEOUT: u64 = 20;

#[track_caller]
fn bounded_failure(m: &Measured, codes: &[i32], what: &str) {
    m.bounded(what).failed_with_one_of(codes, what);
    assert!(
        m.run.elapsed < Duration::from_secs(TIMEOUT + 5),
        "{what}: within --timeout {TIMEOUT}: took {:?}",
        m.run.elapsed
    );
}

/// Item 3 (a): the Get User Delegation Key answer.
fn storage_bomb(bomb: Bomb) {
    let ts = TokenServer::start();
    let hs = HostileServer::start(az(), move |_| {
        Reply::with_body(200, "application/xml", bomb_body(bomb, KEY_PREFIX))
    });
    let timeout = TIMEOUT.to_string();
    let m = measured(
        &ts,
        &[
            "mint",
            &hs.container_url("bomb"),
            "--auth",
            "managed-identity",
            "--timeout",
            &timeout,
        ],
        &[],
        TIMEOUT,
    );
    bounded_failure(&m, &[5, 6], &format!("storage {bomb:?}"));
}

/// Item 3 (b): the Entra ID token endpoint (`--auth client-secret`, `AZURE_AUTHORITY_HOST`).
fn token_endpoint_bomb(bomb: Bomb) {
    let ts = TokenServer::start();
    let hs = HostileServer::start(az(), move |_| {
        Reply::with_body(
            200,
            "application/json",
            bomb_body(bomb, "{\"token_type\":\"Bearer\",\"access_token\":\""),
        )
    });
    let timeout = TIMEOUT.to_string();
    let authority = hs.base_url();
    let m = measured(
        &ts,
        &[
            "mint",
            &hs.container_url("bomb"),
            "--auth",
            "client-secret",
            "--timeout",
            &timeout,
        ],
        &client_secret_env(&authority, "Xy58Q~4dK.Lm_pQ-secret"),
        TIMEOUT,
    );
    bounded_failure(&m, &[3, 5, 6], &format!("token endpoint {bomb:?}"));
}

fn client_secret_env<'a>(authority: &'a str, secret: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("AZURE_AUTHORITY_HOST", authority),
        ("AZURE_TENANT_ID", "72f988bf-86f1-41af-91ab-2d7cd011db47"),
        ("AZURE_CLIENT_ID", "0f1e2d3c-4b5a-4697-8877-665544332211"),
        ("AZURE_CLIENT_SECRET", secret),
    ]
}

/// Item 3 (c): the GeoCatalog API (`geocatalog list`).
fn geocatalog_bomb(bomb: Bomb) {
    let ts = TokenServer::start();
    let hs = HostileServer::start(az(), move |_| {
        Reply::with_body(200, "application/json", bomb_body(bomb, "{\"value\":[\""))
    });
    let timeout = TIMEOUT.to_string();
    let m = measured(
        &ts,
        &[
            "geocatalog",
            "list",
            "--geocatalog",
            &hs.base_url(),
            "--auth",
            "managed-identity",
            "--timeout",
            &timeout,
        ],
        &[],
        TIMEOUT,
    );
    bounded_failure(&m, &[5, 6], &format!("geocatalog {bomb:?}"));
}

/// Item 3 (d): the ARD API (`ard list`).
fn ard_bomb(bomb: Bomb) {
    let ts = TokenServer::start();
    let hs = HostileServer::start(az(), move |_| {
        Reply::with_body(200, "application/json", bomb_body(bomb, "{\"data\":[\""))
    });
    let timeout = TIMEOUT.to_string();
    let endpoint = format!("{}/api/v1", hs.base_url());
    let m = measured(
        &ts,
        &[
            "ard",
            "list",
            "--ard-endpoint",
            &endpoint,
            "--timeout",
            &timeout,
        ],
        &[
            ("MAXAR_ARD_TOKEN", "ard-static-token-0123456789abcdef"),
            ("MAXAR_ARD_ACCOUNT_ID", "acct-1"),
        ],
        TIMEOUT,
    );
    bounded_failure(&m, &[5, 6], &format!("ard {bomb:?}"));
}

#[test]
fn storage_1gib_body_fails_in_bounded_memory_and_time() {
    storage_bomb(Bomb::Huge);
}
#[test]
fn storage_endless_body_fails_in_bounded_memory_and_time() {
    storage_bomb(Bomb::Endless);
}
#[test]
fn storage_gzip_bomb_fails_in_bounded_memory_and_time() {
    storage_bomb(Bomb::Gzip);
}
#[test]
fn token_endpoint_1gib_body_fails_in_bounded_memory_and_time() {
    token_endpoint_bomb(Bomb::Huge);
}
#[test]
fn token_endpoint_endless_body_fails_in_bounded_memory_and_time() {
    token_endpoint_bomb(Bomb::Endless);
}
#[test]
fn token_endpoint_gzip_bomb_fails_in_bounded_memory_and_time() {
    token_endpoint_bomb(Bomb::Gzip);
}
#[test]
fn geocatalog_1gib_body_fails_in_bounded_memory_and_time() {
    geocatalog_bomb(Bomb::Huge);
}
#[test]
fn geocatalog_endless_body_fails_in_bounded_memory_and_time() {
    geocatalog_bomb(Bomb::Endless);
}
#[test]
fn geocatalog_gzip_bomb_fails_in_bounded_memory_and_time() {
    geocatalog_bomb(Bomb::Gzip);
}
#[test]
fn ard_1gib_body_fails_in_bounded_memory_and_time() {
    ard_bomb(Bomb::Huge);
}
#[test]
fn ard_endless_body_fails_in_bounded_memory_and_time() {
    ard_bomb(Bomb::Endless);
}
#[test]
fn ard_gzip_bomb_fails_in_bounded_memory_and_time() {
    ard_bomb(Bomb::Gzip);
}

/// Item 3: a 500 with a 100 MB body, retried, is not downloaded again on each retry.
#[test]
fn retried_500_with_a_100_mb_body_is_not_downloaded_four_times() {
    const BODY: u64 = 100 * 1000 * 1000;
    let ts = TokenServer::start();
    let hs = HostileServer::start(az(), |_| {
        Reply::with_body(
            500,
            "application/xml",
            Body::Huge {
                prefix: b"<?xml version=\"1.0\"?><Error><Code>InternalError</Code><Message>"
                    .to_vec(),
                len: BODY,
            },
        )
    });
    let timeout = TIMEOUT.to_string();
    let m = measured(
        &ts,
        &[
            "mint",
            &hs.container_url("retry"),
            "--auth",
            "managed-identity",
            "--timeout",
            &timeout,
        ],
        &[],
        TIMEOUT,
    );
    bounded_failure(&m, &[5, 6], "500 with 100 MB");
    assert!(
        hs.request_count() <= 4,
        "at most 3 retries: {}",
        hs.request_count()
    );
    assert!(
        hs.body_bytes_sent() < BODY,
        "the server sent {} MB of error bodies in {} requests",
        hs.body_bytes_sent() / 1_000_000,
        hs.request_count()
    );
}

// ---- item 4: secrets in every spelling -----------------------------------------------------------

/// Verbosity `i % 3`: default, `-vv`, `RUST_LOG=trace`.
fn verbosity(i: usize) -> (Vec<&'static str>, Vec<(&'static str, &'static str)>) {
    match i % 3 {
        0 => (vec![], vec![]),
        1 => (vec!["-vv"], vec![]),
        _ => (vec![], vec![("RUST_LOG", "trace")]),
    }
}

/// Which echo variant the hostile servers put on their error's first line (set before each
/// run: every spelling is tried once, the verbosities in turn).
#[derive(Clone, Default)]
struct Variant(Arc<AtomicUsize>);

impl Variant {
    fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
    fn set(&self, n: usize) {
        self.0.store(n, Ordering::SeqCst)
    }
}

/// Runs `one(i, extra_args, extra_env)` once per echo variant of the longest of `secrets`.
fn each_variant(
    variant: &Variant,
    secrets: &[&str],
    mut one: impl FnMut(usize, Vec<&'static str>, Vec<(&'static str, &'static str)>),
) {
    let n = secrets
        .iter()
        .map(|s| hostile::variant_count(s))
        .max()
        .unwrap_or(1)
        .max(3);
    for i in 0..n {
        variant.set(i);
        let (args, env) = verbosity(i);
        one(i, args, env);
    }
}

#[track_caller]
fn no_secret_anywhere(r: &Run, what: &str, secrets: &[String]) {
    assert_no_panic(&r.stderr, what);
    for s in secrets {
        assert_no_secret(&r.stderr, &format!("{what} (stderr)"), s);
        assert_no_secret(&r.stdout, &format!("{what} (stdout)"), s);
    }
}

/// The random part of the identity header (its `test-identity-header-` prefix is not secret).
fn identity_secret(ts: &TokenServer) -> String {
    ts.header()
        .trim_start_matches("test-identity-header-")
        .to_owned()
}

/// Item 4: a token endpoint echoing the client secret (and the request body) in every
/// spelling.
#[test]
fn client_secret_echoed_by_the_token_endpoint_is_never_shown() {
    let ts = TokenServer::start();
    let secret = "Xy58Q~4dK.Lm_pQ-r/S+t=u v%w";
    let variant = Variant::default();
    let v = variant.clone();
    let hs = HostileServer::start(az(), move |req: &HostileRequest| {
        let sent = req.form("client_secret").unwrap_or_default();
        let mut echo = echo_variant(&[&sent], v.get());
        echo.push_str(&format!("body: {}\n", req.body_text()));
        Reply::json(
            401,
            &json!({
                "error": "invalid_client",
                "error_description": echo,
                "error_codes": [7000215],
            }),
        )
    });
    let authority = hs.base_url();
    let url = hs.container_url("secret");
    each_variant(&variant, &[secret], |i, args, env| {
        let mut all_env = client_secret_env(&authority, secret);
        all_env.extend(env.iter().copied());
        let mut all_args = vec!["mint", url.as_str(), "--auth", "client-secret"];
        all_args.extend(args.iter().copied());
        let m = measured(&ts, &all_args, &all_env, 30);
        let what = format!("client secret echoed, variant {i}, {args:?} {env:?}");
        m.failed_with_one_of(&[3], &what);
        no_secret_anywhere(&m.run, &what, &[secret.to_owned()]);
    });
    assert!(
        hs.requests()
            .iter()
            .any(|r| r.form("client_secret").as_deref() == Some(secret)),
        "the token endpoint was asked with the secret"
    );
}

/// Item 4: a storage service echoing the bearer token (raw, encoded, `Bearer …` in base64, and
/// each JWT segment alone).
#[test]
fn bearer_token_echoed_by_storage_is_never_shown() {
    let ts = TokenServer::start();
    let variant = Variant::default();
    let v = variant.clone();
    let hs = HostileServer::start(az(), move |req: &HostileRequest| {
        let token = req.bearer().unwrap_or_default();
        Reply::xml(
            400,
            storage_error_xml("InvalidHeaderValue", &echo_variant(&[&token], v.get())),
        )
        .header("x-ms-error-code", "InvalidHeaderValue")
    });
    let url = hs.container_url("secret");
    let jwt = support::mint_jwt(support::STORAGE_RESOURCE);
    each_variant(&variant, &[&jwt], |i, args, env| {
        let mut all_args = vec!["mint", url.as_str(), "--auth", "managed-identity"];
        all_args.extend(args.iter().copied());
        let m = measured(&ts, &all_args, &env, 30);
        let what = format!("bearer echoed by storage, variant {i}, {args:?} {env:?}");
        m.failed_with_one_of(&[5], &what);
        let mut secrets: Vec<String> = hs.requests().iter().filter_map(|r| r.bearer()).collect();
        assert!(!secrets.is_empty(), "a bearer token was sent");
        secrets.push(identity_secret(&ts));
        no_secret_anywhere(&m.run, &what, &secrets);
    });
}

/// The `sig` of a SAS token, decoded.
fn sig_of(token: &str) -> Option<String> {
    token
        .split('&')
        .find_map(|p| p.strip_prefix("sig="))
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
}

/// Item 4: a GeoCatalog echoing the SAS signature and its bearer token in every spelling.
#[test]
fn sas_signature_echoed_by_geocatalog_is_never_shown() {
    let ts = TokenServer::start();
    let variant = Variant::default();
    let v = variant.clone();
    let hs = HostileServer::start(az(), move |req: &HostileRequest| {
        if req.method == "GET" {
            return Reply::json(200, &json!({"value": []}));
        }
        let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
        let token = body
            .pointer("/connectionInfo/sasToken")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let sig = sig_of(&token).unwrap_or_default();
        let bearer = req.bearer().unwrap_or_default();
        Reply::json(
            400,
            &json!({"error": {"code": "InvalidSasToken",
                "message": format!("{}{}\n{}", echo_variant(&[&sig, &bearer], v.get()), token, req.body_text())}}),
        )
        .header("x-ms-error-code", "InvalidSasToken")
    });
    let container = az().container_url("hostile-geo-echo");
    let endpoint = hs.base_url();
    let jwt = support::mint_jwt(support::STORAGE_RESOURCE);
    each_variant(&variant, &[&jwt], |i, args, env| {
        let mut all_args = vec![
            "geocatalog",
            "register",
            container.as_str(),
            "--geocatalog",
            endpoint.as_str(),
            "--auth",
            "managed-identity",
        ];
        all_args.extend(args.iter().copied());
        let before = hs.requests().len();
        let m = measured(&ts, &all_args, &env, 30);
        let what = format!("SAS echoed by GeoCatalog, variant {i}, {args:?} {env:?}");
        m.failed_with_one_of(&[5], &what);
        let last = hs
            .requests()
            .into_iter()
            .rfind(|r| r.method == "POST")
            .expect("the SAS was posted");
        let body: Value = serde_json::from_slice(&last.body).unwrap();
        let token = body["connectionInfo"]["sasToken"].as_str().unwrap();
        let mut secrets = vec![sig_of(token).unwrap()];
        // This run's bearer tokens (earlier runs' belong to other processes), each once.
        let mut bearers: Vec<String> = hs.requests()[before..]
            .iter()
            .filter_map(|r| r.bearer())
            .collect();
        bearers.sort();
        bearers.dedup();
        secrets.extend(bearers);
        secrets.push(identity_secret(&ts));
        no_secret_anywhere(&m.run, &what, &secrets);
    });
}

/// Item 4: an ARD echoing the password or the token (long and 3 characters) in every spelling.
#[test]
fn ard_password_and_token_echoed_by_ard_are_never_shown() {
    let ts = TokenServer::start();
    let variant = Variant::default();
    let v = variant.clone();
    let hs = HostileServer::start(az(), move |req: &HostileRequest| {
        if req.path().ends_with("/auth/authenticate") {
            let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
            let password = body["password"].as_str().unwrap_or_default().to_owned();
            return Reply::json(
                401,
                &json!({"error": "invalid_grant",
                    "message": format!("{}{}", echo_variant(&[&password], v.get()), req.body_text())}),
            );
        }
        let token = req.bearer().unwrap_or_default();
        Reply::json(
            400,
            &json!({"error": "invalid_request", "message": echo_variant(&[&token], v.get())}),
        )
    });
    let endpoint = format!("{}/api/v1", hs.base_url());
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a str, i32);
    let cases: Vec<Case> = vec![
        (
            "long password",
            vec![
                ("MAXAR_ARD_USERNAME", "admin@example.com"),
                ("MAXAR_ARD_PASSWORD", "Pa55~word/with+odd=chars"),
            ],
            "Pa55~word/with+odd=chars",
            3,
        ),
        (
            "3-character password",
            vec![
                ("MAXAR_ARD_USERNAME", "admin@example.com"),
                ("MAXAR_ARD_PASSWORD", "q~Z"),
            ],
            "q~Z",
            3,
        ),
        (
            "long token",
            vec![("MAXAR_ARD_TOKEN", "ard-tok/en+with~odd=chars-0123")],
            "ard-tok/en+with~odd=chars-0123",
            5,
        ),
        (
            "3-character token",
            vec![("MAXAR_ARD_TOKEN", "T#k")],
            "T#k",
            5,
        ),
    ];
    for (label, login, secret, code) in cases {
        each_variant(&variant, &[secret], |i, args, env| {
            let mut all_args = vec!["ard", "list", "--ard-endpoint", endpoint.as_str()];
            all_args.extend(args.iter().copied());
            let mut all_env = login.clone();
            all_env.extend(env.iter().copied());
            let m = measured(&ts, &all_args, &all_env, 30);
            let what = format!("ARD {label} echoed, variant {i}, {args:?} {env:?}");
            m.failed_with_one_of(&[code], &what);
            no_secret_anywhere(&m.run, &what, &[secret.to_owned()]);
        });
    }
}

/// Item 4: an ARD echoing the SAS URL it is given (signature in every spelling).
#[test]
fn sas_signature_echoed_by_ard_is_never_shown() {
    let ts = TokenServer::start();
    let variant = Variant::default();
    let v = variant.clone();
    let hs = HostileServer::start(az(), move |req: &HostileRequest| {
        if req.method == "GET" {
            return Reply::json(404, &json!({"error": "not_found", "message": "no such id"}));
        }
        let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
        let url = body["credentials"].as_str().unwrap_or_default().to_owned();
        let token = url.split_once('?').map(|(_, q)| q).unwrap_or_default();
        let sig = sig_of(token).unwrap_or_default();
        let bearer = req.bearer().unwrap_or_default();
        Reply::json(
            400,
            &json!({"error": "invalid_request",
                "message": format!("{}{}", echo_variant(&[&sig, &bearer], v.get()), url)}),
        )
    });
    let endpoint = format!("{}/api/v1", hs.base_url());
    let container = az().container_url("hostile-ard-echo");
    let ard_token = "ard-static-token-0123456789abcdef";
    each_variant(&variant, &[ard_token], |i, args, env| {
        let mut all_args = vec![
            "ard",
            "register",
            container.as_str(),
            "--credentials-id",
            "echo",
            "--ard-endpoint",
            endpoint.as_str(),
            "--auth",
            "managed-identity",
        ];
        all_args.extend(args.iter().copied());
        let mut all_env = vec![
            ("MAXAR_ARD_TOKEN", ard_token),
            ("MAXAR_ARD_ACCOUNT_ID", "acct-1"),
        ];
        all_env.extend(env.iter().copied());
        let m = measured(&ts, &all_args, &all_env, 30);
        let what = format!("SAS echoed by ARD, variant {i}, {args:?} {env:?}");
        m.failed_with_one_of(&[5], &what);
        // A rotation PATCHes the credentials; a new id is PUT (docs/ard.md).
        let put = hs
            .requests()
            .into_iter()
            .rfind(|r| r.method == "PUT" || r.method == "PATCH")
            .expect("the SAS URL was sent");
        let body: Value = serde_json::from_slice(&put.body).unwrap();
        let url = body["credentials"].as_str().unwrap();
        let secrets = vec![
            sig_of(url.split_once('?').unwrap().1).unwrap(),
            ard_token.to_owned(),
            identity_secret(&ts),
        ];
        no_secret_anywhere(&m.run, &what, &secrets);
    });
}

// ---- item 5: key fields from the server ----------------------------------------------------------

/// Item 5: a storage answer whose fields would change the token (or are not what the service
/// issues) is a service error, and never produces a token.
#[test]
fn storage_key_fields_are_validated() {
    let g = Udk::good;
    let cases: Vec<(&str, Udk)> = vec![
        (
            "signedOid with parameters",
            Udk {
                oid: "x&sp=racwdl&se=2099-01-01T00:00:00Z".into(),
                ..g()
            },
        ),
        (
            "signedVersion with parameters",
            Udk {
                version: "12&sp=rwdl".into(),
                ..g()
            },
        ),
        (
            "newline in signedTid",
            Udk {
                tid: format!("{}\nsecond-line", support::TEST_TID),
                ..g()
            },
        ),
        (
            "escape sequence in signedOid",
            Udk {
                oid: format!("\u{1b}[31m{}", support::TEST_OID),
                ..g()
            },
        ),
        (
            "empty Value",
            Udk {
                value: String::new(),
                ..g()
            },
        ),
        (
            "SignedService q",
            Udk {
                service: "q".into(),
                ..g()
            },
        ),
        ("a key valid 14 months", Udk::lasting_days(425)),
    ];
    let ts = TokenServer::start();
    for (label, udk) in cases {
        let xml = udk_xml(&udk);
        let hs = HostileServer::start(az(), move |_| Reply::xml(200, xml.clone()));
        for (command, output) in [("mint", "token"), ("mint", "json"), ("key", "")] {
            let url = hs.container_url("fields");
            let mut args = vec![command, url.as_str(), "--auth", "managed-identity"];
            if !output.is_empty() {
                args.extend(["--output", output]);
            }
            let m = measured(&ts, &args, &[], 30);
            let what = format!("storage key with {label}, {args:?}");
            m.failed_with_one_of(&[5], &what);
            assert!(
                !m.run.stderr.contains('\u{1b}'),
                "{what}: raw ESC on stderr"
            );
        }
    }
}

// ---- item 6: server-controlled text is escaped -----------------------------------------------------

const EVIL: &str = "evil\u{1b}]0;pwned\u{7}\u{1b}[2J\r\nFAKE LINE";

#[track_caller]
fn escaped_output(r: &Run, what: &str, lines: usize) {
    assert_eq!(r.code, Some(0), "{what}: {}", r.stderr);
    for (c, name) in [('\u{1b}', "ESC"), ('\u{7}', "BEL"), ('\r', "CR")] {
        assert!(
            !r.stdout.contains(c) && !r.stderr.contains(c),
            "{what}: a raw {name} reached the terminal: {:?}",
            cut(&r.stdout, 2000)
        );
    }
    assert!(
        r.stdout.contains("\\x1b"),
        "{what}: shown as \\x1b: {:?}",
        r.stdout
    );
    assert_eq!(
        r.stdout.lines().count(),
        lines,
        "{what}: no fake lines: {:?}",
        r.stdout
    );
}

/// Item 6: `geocatalog list` and `show` print the service's fields escaped.
#[test]
fn geocatalog_fields_are_printed_escaped() {
    let ts = TokenServer::start();
    let id = "0b7e3f8a-1c2d-4e5f-8a9b-0c1d2e3f4a5b";
    let hs = HostileServer::start(az(), move |req: &HostileRequest| {
        let source = json!({
            "id": EVIL, "kind": EVIL, "created": EVIL,
            "connectionInfo": {"containerUrl": EVIL, "expiration": EVIL},
        });
        if req.path().ends_with("/ingestion-sources") {
            // A listed id that cannot be put in a path is a bad entry (tests/hostile_world.rs);
            // every other field is shown, escaped.
            Reply::json(
                200,
                &json!({"value": [{"id": "listed-id", "kind": EVIL, "created": EVIL}]}),
            )
        } else {
            Reply::json(200, &source)
        }
    });
    let endpoint = hs.base_url();
    let common = [
        "--geocatalog",
        endpoint.as_str(),
        "--auth",
        "managed-identity",
    ];
    let mut list = vec!["geocatalog", "list"];
    list.extend(common);
    escaped_output(&run(&ts, &list, &[]), "geocatalog list", 1);
    let mut show = vec!["geocatalog", "show", id];
    show.extend(common);
    escaped_output(&run(&ts, &show, &[]), "geocatalog show", 5);
}

/// Item 6: `geocatalog register` prints the returned source's fields escaped.
#[test]
fn geocatalog_register_output_is_escaped() {
    let ts = TokenServer::start();
    let hs = HostileServer::start(az(), |req: &HostileRequest| {
        if req.method == "GET" {
            return Reply::json(200, &json!({"value": []}));
        }
        Reply::json(
            201,
            &json!({"id": EVIL, "kind": "SasToken", "created": EVIL,
                "connectionInfo": {"containerUrl": EVIL, "expiration": EVIL}}),
        )
    });
    let container = az().container_url("hostile-geo-escape");
    let endpoint = hs.base_url();
    let r = run(
        &ts,
        &[
            "geocatalog",
            "register",
            &container,
            "--geocatalog",
            &endpoint,
            "--auth",
            "managed-identity",
        ],
        &[],
    );
    escaped_output(&r, "geocatalog register", 1);
}

/// Item 6: `ard list` and `ard show` print the service's fields escaped.
#[test]
fn ard_fields_are_printed_escaped() {
    let ts = TokenServer::start();
    let hs = HostileServer::start(az(), |req: &HostileRequest| {
        let c = json!({"credentials_id": EVIL, "account_id": EVIL, "description": EVIL,
            "created": EVIL, "modified": EVIL});
        if req.path().ends_with("/credentials") {
            // A listed id that cannot be put in a path is a bad entry (tests/hostile_world.rs);
            // every other field is shown, escaped.
            let listed = json!({"credentials_id": "listed-id", "account_id": EVIL,
                "description": EVIL, "created": EVIL, "modified": EVIL});
            Reply::json(
                200,
                &json!({"data": [{"registered_credentials": listed}], "has_more": false}),
            )
        } else {
            Reply::json(200, &json!({"registered_credentials": c}))
        }
    });
    let endpoint = format!("{}/api/v1", hs.base_url());
    let env = [
        ("MAXAR_ARD_TOKEN", "ard-static-token-0123456789abcdef"),
        ("MAXAR_ARD_ACCOUNT_ID", "acct-1"),
    ];
    escaped_output(
        &run(&ts, &["ard", "list", "--ard-endpoint", &endpoint], &env),
        "ard list",
        1,
    );
    escaped_output(
        &run(
            &ts,
            &["ard", "show", "my-id", "--ard-endpoint", &endpoint],
            &env,
        ),
        "ard show",
        5,
    );
}

// ---- item 8: a bearer token only where the user pointed it -------------------------------------------

/// Item 8: `SASMINT_ACCOUNT` in the environment does not make an arbitrary https host a
/// storage token recipient; `--account` on the command line does.
#[test]
fn environment_account_does_not_send_a_token_to_an_arbitrary_host() {
    let (host, ip) = hostile::loopback_host_name().expect(
        "a host name resolving to a loopback address (this machine's name or vm/runsc in /etc/hosts)",
    );
    let (cert, key) = hostile::cert_for(&host);
    let dir = tempfile::tempdir().unwrap();
    let cert_path = dir.path().join("cert.pem");
    std::fs::write(&cert_path, &cert).unwrap();
    let tripwire = HostileServer::start_at(ip, &cert, &key, |_| {
        Reply::xml(403, storage_error_xml("AuthenticationFailed", "tripwire"))
    });
    let ts = TokenServer::start();
    let url = format!("https://{host}:{}/imagery", tripwire.port());
    let mint = |account_arg: bool, env_account: bool| {
        let mut cmd = hostile::command(None, Some(&ts));
        cmd.env("SSL_CERT_FILE", &cert_path).args([
            "mint",
            &url,
            "--auth",
            "managed-identity",
            "--timeout",
            "10",
        ]);
        if account_arg {
            cmd.args(["--account", "myacct"]);
        }
        if env_account {
            cmd.env("SASMINT_ACCOUNT", "myacct");
        }
        hostile::run_measured(cmd, Input::Null, Duration::from_secs(40)).run
    };

    let r = mint(false, true);
    assert_eq!(
        tripwire.authorized_requests(),
        0,
        "a bearer token went to {host} on SASMINT_ACCOUNT alone (exit {:?}): {}",
        r.code,
        r.stderr
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("--account"), "hint: {}", r.stderr);

    // Named on the command line: allowed (the tripwire answers 403).
    let r = mint(true, false);
    assert!(
        tripwire.authorized_requests() >= 1,
        "with --account the request is made (exit {:?}): {}",
        r.code,
        r.stderr
    );
}

// ---- item 9: ard never prints a stored signature unless asked ---------------------------------------

/// Item 9: `ard show` / `ard list` never print a SAS signature the service returns, unless
/// `--reveal`.
#[test]
fn ard_never_prints_a_stored_signature_unless_revealed() {
    let sig = "c2VjcmV0LXNpZ25hdHVyZS1ub3QtZm9yLXlvdXItZXllcw==";
    let sas_url = format!(
        "https://myacct.blob.core.windows.net/drop?sv=2026-04-06&sr=c&sp=w&se=2030-01-01T00:00:00Z&sig={}",
        sig.replace('=', "%3D")
    );
    let ts = TokenServer::start();
    let hs = HostileServer::start(az(), move |req: &HostileRequest| {
        let c = json!({"credentials_id": "drop", "account_id": "acct-1", "description": "d",
            "created": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z",
            "credentials": sas_url, "sas_url": sas_url});
        if req.path().ends_with("/credentials") {
            Reply::json(
                200,
                &json!({"data": [{"registered_credentials": c}], "has_more": false}),
            )
        } else {
            Reply::json(200, &json!({"registered_credentials": c}))
        }
    });
    let endpoint = format!("{}/api/v1", hs.base_url());
    let env = [
        ("MAXAR_ARD_TOKEN", "ard-static-token-0123456789abcdef"),
        ("MAXAR_ARD_ACCOUNT_ID", "acct-1"),
    ];
    for args in [
        vec!["ard", "show", "drop"],
        vec!["ard", "show", "drop", "-o", "json"],
        vec!["ard", "list"],
        vec!["ard", "list", "-o", "json"],
    ] {
        let mut all = args.clone();
        all.extend(["--ard-endpoint", endpoint.as_str()]);
        let r = run(&ts, &all, &env);
        r.ok();
        assert_no_secret(&r.stdout, &format!("{args:?} stdout"), sig);
        assert_no_secret(&r.stderr, &format!("{args:?} stderr"), sig);
    }
    let r = run(
        &ts,
        &[
            "ard",
            "show",
            "drop",
            "-o",
            "json",
            "--reveal",
            "--ard-endpoint",
            &endpoint,
        ],
        &env,
    );
    r.ok();
    assert!(r.stdout.contains("sig="), "--reveal shows it: {}", r.stdout);
}
