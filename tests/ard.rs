//! `sasmint ard …` end to end: the real binary, real Azurite, storage tokens from the local
//! managed-identity endpoint, and the strict Maxar ARD stand-in (`support::Ard`), which uploads a
//! blob with every SAS URL it is given and refuses one that cannot write.

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::{assert_absent, sig_of, Ard, Azurite, Run, TokenServer, Until};

fn azurite() -> &'static Azurite {
    support::shared_azurite()
}

/// How the CLI logs in to ARD.
#[derive(Clone, Copy, Debug)]
enum Login {
    /// `MAXAR_ARD_USERNAME` + `MAXAR_ARD_PASSWORD` (right ones).
    Password,
    /// The right username with a wrong password.
    WrongPassword,
    /// `MAXAR_ARD_TOKEN` (the stand-in's static token).
    Token,
    /// No ARD login variables at all.
    Nothing,
    /// Only `MAXAR_ARD_USERNAME`.
    UsernameOnly,
}

/// `sasmint ard ARGS… --ard-endpoint ENDPOINT --auth managed-identity` with `login`.
fn ard(ts: &TokenServer, service: &Ard, login: Login, args: &[&str]) -> Run {
    ard_with(ts, service, login, args, |cmd| {
        cmd.args(["--ard-endpoint", &service.endpoint()]);
    })
}

fn ard_with(
    ts: &TokenServer,
    service: &Ard,
    login: Login,
    args: &[&str],
    tweak: impl FnOnce(&mut assert_cmd::Command),
) -> Run {
    let mut cmd = support::sasmint(azurite(), ts);
    cmd.arg("ard")
        .args(args)
        .args(["--auth", "managed-identity"]);
    match login {
        Login::Password => {
            cmd.env("MAXAR_ARD_USERNAME", service.username())
                .env("MAXAR_ARD_PASSWORD", service.password());
        }
        Login::WrongPassword => {
            cmd.env("MAXAR_ARD_USERNAME", service.username())
                .env("MAXAR_ARD_PASSWORD", "not-the-password-123");
        }
        Login::Token => {
            cmd.env("MAXAR_ARD_TOKEN", service.static_token());
        }
        Login::Nothing => {}
        Login::UsernameOnly => {
            cmd.env("MAXAR_ARD_USERNAME", service.username());
        }
    }
    tweak(&mut cmd);
    Run::of(&mut cmd)
}

async fn container(name: &str) -> String {
    support::create_container(azurite(), name).await;
    azurite().container_url(name)
}

/// The stored credentials `id`, checked to hold a write-only container SAS URL for
/// `container_url` that the stand-in proved by uploading a blob with it. Returns it and the
/// token (query) part.
#[track_caller]
fn proven_credentials(
    service: &Ard,
    id: &str,
    container_url: &str,
) -> (support::StoredCredentials, String) {
    let stored = service
        .credential(id)
        .unwrap_or_else(|| panic!("credentials {id} registered"));
    let url = stored
        .credentials
        .clone()
        .expect("a SAS URL was registered");
    let (base, token) = url.split_once('?').expect("URL?TOKEN");
    assert_eq!(base, container_url, "the container's URL");
    support::check_sas(token, "c", "w").expect("a write-only container SAS, ≤ 7 days");
    let check = service
        .upload_checks()
        .into_iter()
        .rev()
        .find(|c| c.credentials == url)
        .expect("the stand-in used the registered credentials");
    assert!(check.ok, "the registered SAS URL can write: {check:?}");
    (stored, token.to_string())
}

/// `"METHOD /path STATUS"` for every request the service answered (no query).
fn calls(service: &Ard) -> Vec<String> {
    service
        .requests()
        .iter()
        .map(|r| format!("{} {} {}", r.method, r.path, r.status))
        .collect()
}

fn credentials_path(service: &Ard, id: &str) -> String {
    format!(
        "/api/v1/admin/account/{}/credentials/{id}",
        service.account_id()
    )
}

// ---- register ---------------------------------------------------------------------------------

#[tokio::test]
async fn register_then_rotate_under_the_same_id() {
    let ts = TokenServer::start();
    let service = Ard::start(azurite());
    let c = container("ard-register").await;

    let r = ard(
        &ts,
        &service,
        Login::Password,
        &[
            "register",
            &c,
            "--credentials-id",
            "deliveries_2026-q3",
            "--description",
            "Q3 deliveries",
            "--prefix",
            "orders/q3",
            "--output",
            "json",
        ],
    );
    r.ok();
    let (first, token) = proven_credentials(&service, "deliveries_2026-q3", &c);
    assert_eq!(first.description.as_deref(), Some("Q3 deliveries"));
    assert_eq!(first.writes, 1);
    let se = support::check_sas(&token, "c", "w")
        .unwrap()
        .get("se")
        .unwrap()
        .to_string();
    assert_eq!(
        r.json(),
        json!({
            "output_config": {"azure_blob_storage": {
                "credentials_id": "deliveries_2026-q3",
                "container": "ard-register",
                "prefix": "orders/q3",
            }},
            "credentials_id": "deliveries_2026-q3",
            "account_id": service.account_id(),
            "expiry": se,
        })
    );
    let left = support::parse_rfc3339(&se).unwrap() - time::OffsetDateTime::now_utc();
    assert!(
        left > time::Duration::days(6),
        "about 7 days by default: {left}"
    );
    assert_absent(&r.stdout, "SAS signature", &sig_of(&token));
    // Logged in, discovered the account, registered.
    assert_eq!(
        calls(&service),
        [
            "POST /api/v1/auth/authenticate 200".to_string(),
            "GET /api/v1/auth/self 200".to_string(),
            format!(
                "PUT {} 201",
                credentials_path(&service, "deliveries_2026-q3")
            ),
        ]
    );
    let put = service.requests().pop().unwrap();
    assert_eq!(
        put.json(),
        json!({"credentials": format!("{c}?{token}"), "description": "Q3 deliveries"})
    );

    // Again (another lifetime, so the token differs within the same second): rotated in place.
    let r = ard(
        &ts,
        &service,
        Login::Password,
        &[
            "register",
            &c,
            "--credentials-id",
            "deliveries_2026-q3",
            "--expires-in",
            "2d",
        ],
    );
    r.ok();
    assert_eq!(
        r.json(),
        json!({"output_config": {"azure_blob_storage": {
            "credentials_id": "deliveries_2026-q3", "container": "ard-register", "prefix": ""}}}),
        "text output is the order's output_config"
    );
    let (second, new_token) = proven_credentials(&service, "deliveries_2026-q3", &c);
    assert_ne!(new_token, token, "a fresh token");
    assert_eq!(second.created, first.created, "same registration");
    assert_ne!(second.modified, first.modified);
    assert_eq!(second.writes, 2);
    assert_eq!(
        second.description.as_deref(),
        Some("Q3 deliveries"),
        "a rotation without --description keeps the stored one"
    );
    let path = credentials_path(&service, "deliveries_2026-q3");
    assert_eq!(
        calls(&service)[3..],
        [
            "POST /api/v1/auth/authenticate 200".to_string(),
            "GET /api/v1/auth/self 200".to_string(),
            format!("PATCH {path} 200"),
        ],
        "rotated with one PATCH: the stored description is neither read nor written"
    );
    let patch = service.requests().pop().unwrap();
    assert_eq!(
        patch.json(),
        json!({"credentials": format!("{c}?{new_token}")}),
        "the full SAS URL and nothing else"
    );
    assert_eq!(service.credentials().len(), 1);
    assert_absent(&r.stdout, "SAS signature", &sig_of(&new_token));
    for secret in service.issued_tokens() {
        assert_absent(&r.stderr, "ARD token", &secret);
    }
    assert_absent(&r.stderr, "ARD password", service.password());
}

#[tokio::test]
async fn static_token_and_account_id_from_the_environment() {
    let ts = TokenServer::start();
    let service = Ard::start(azurite());
    let c = container("ard-static").await;
    let r = ard_with(
        &ts,
        &service,
        Login::Token,
        &[
            "register",
            &c,
            "--credentials-id",
            "static-1",
            "--output",
            "json",
        ],
        |cmd| {
            cmd.env("SASMINT_ARD_ENDPOINT", service.endpoint())
                .env("MAXAR_ARD_ACCOUNT_ID", service.account_id());
        },
    );
    r.ok();
    proven_credentials(&service, "static-1", &c);
    assert_eq!(r.json()["account_id"], service.account_id());
    let path = credentials_path(&service, "static-1");
    assert_eq!(
        calls(&service),
        [format!("PATCH {path} 404"), format!("PUT {path} 201")],
        "no login and no account discovery; a new id: the rotation finds nothing, PUT creates"
    );
    let put = service.requests().pop().unwrap();
    let url = service.credential("static-1").unwrap().credentials.unwrap();
    assert_eq!(
        put.json(),
        json!({"credentials": url, "description": ""}),
        "a new id without --description gets an empty one, as max_ard sends it"
    );
    assert_eq!(
        service
            .credential("static-1")
            .unwrap()
            .description
            .as_deref(),
        Some("")
    );
    assert_absent(&r.stderr, "static token", service.static_token());
    assert_absent(&r.stdout, "static token", service.static_token());
}

#[tokio::test]
async fn register_signs_in_to_ard_while_the_key_comes() {
    // The token endpoint holds the storage token until ARD has answered the sign-in. Asked one
    // after the other, ARD would hear of sasmint only once the key had come (after the storage
    // token), so the hold would end at its deadline; sasmint signs in while the token is on
    // its way.
    let ts = TokenServer::start();
    let service = Ard::start(azurite());
    let c = container("ard-overlap").await;
    ts.hold_next_until(Until::new(service.answered("POST")));

    let r = ard(
        &ts,
        &service,
        Login::Password,
        &["register", &c, "--credentials-id", "overlap"],
    );
    r.ok();
    proven_credentials(&service, "overlap", &c);
    let storage = ts.served();
    assert_eq!(storage.len(), 1, "one storage token: {storage:?}");
    let signed_in = &service.requests()[0];
    assert_eq!(signed_in.method, "POST", "the sign-in comes first");
    assert_eq!(
        ts.holds(),
        [true],
        "the storage token was held {:?} without ARD hearing of sasmint: signed in only after \
         the key came, not while it came",
        Until::DEADLINE
    );
}

#[tokio::test]
async fn put_answered_with_no_content_is_success() {
    let ts = TokenServer::start();
    let service = Ard::start(azurite());
    let c = container("ard-no-content").await;
    service.seed_credentials("quiet", Some("kept"));
    service.set_put_no_content(true);
    let r = ard_with(
        &ts,
        &service,
        Login::Token,
        &[
            "register",
            &c,
            "--credentials-id",
            "quiet",
            "--description",
            "kept",
            "--output",
            "json",
        ],
        |cmd| {
            cmd.args(["--ard-endpoint", &service.endpoint()])
                .env("MAXAR_ARD_ACCOUNT_ID", service.account_id());
        },
    );
    r.ok();
    assert_eq!(r.json()["credentials_id"], "quiet");
    let (stored, _) = proven_credentials(&service, "quiet", &c);
    assert_eq!(stored.description.as_deref(), Some("kept"));
    let path = credentials_path(&service, "quiet");
    assert_eq!(
        calls(&service),
        [format!("PUT {path} 204")],
        "with --description: one PUT of both fields"
    );
}

#[tokio::test]
async fn a_rotation_racing_another_keeps_its_description() {
    // Another client stores a new description while this rotation is on its way (between
    // anything it may have read and its write). A rotation without --description sends only
    // the credentials, so the new description stands; a read-then-PUT would put back the
    // old one.
    let ts = TokenServer::start();
    let service = Ard::start(azurite());
    let c = container("ard-race").await;
    service.seed_credentials("raced", Some("old description"));
    service.race_next_write_with_description("raced", "new description");
    let r = ard_with(
        &ts,
        &service,
        Login::Token,
        &["register", &c, "--credentials-id", "raced"],
        |cmd| {
            cmd.args(["--ard-endpoint", &service.endpoint()])
                .env("MAXAR_ARD_ACCOUNT_ID", service.account_id());
        },
    );
    r.ok();
    let (stored, _) = proven_credentials(&service, "raced", &c);
    assert_eq!(
        stored.description.as_deref(),
        Some("new description"),
        "the racing writer's description is not lost"
    );
    assert_eq!(stored.writes, 2, "the racing write and the rotation");
    let path = credentials_path(&service, "raced");
    assert_eq!(calls(&service), [format!("PATCH {path} 200")]);
    assert_eq!(service.credentials().len(), 1);
}

// ---- list, show, delete -----------------------------------------------------------------------

#[test]
fn list_follows_the_cursor_across_pages() {
    let ts = TokenServer::start();
    let service = Ard::start(azurite());
    for (id, description) in [
        ("alpha", Some("first")),
        ("bravo", None),
        ("charlie", Some("third")),
        ("delta", None),
        ("echo", Some("fifth")),
    ] {
        service.seed_credentials(id, description);
    }
    let r = ard(&ts, &service, Login::Token, &["list", "--output", "json"]);
    r.ok();
    let expected: Vec<Value> = service.credentials().iter().map(|c| c.to_json()).collect();
    assert_eq!(r.json(), Value::Array(expected));
    let lists: Vec<_> = service
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/credentials"))
        .collect();
    assert_eq!(lists.len(), 3, "pages of two: {:?}", calls(&service));
    assert_eq!(
        lists
            .iter()
            .map(|r| r.query_param("starting_after"))
            .collect::<Vec<_>>(),
        [None, Some("bravo".into()), Some("delta".into())]
    );
    assert!(service.requests().iter().all(|r| r.status == 200));

    let empty = Ard::start(azurite());
    let r = ard(&ts, &empty, Login::Token, &["list", "--output", "json"]);
    r.ok();
    assert_eq!(r.json(), json!([]));
}

#[tokio::test]
async fn show_never_prints_the_secret_and_delete_revokes() {
    let ts = TokenServer::start();
    let service = Ard::start(azurite());
    let c = container("ard-show").await;
    ard(
        &ts,
        &service,
        Login::Token,
        &[
            "register",
            &c,
            "--credentials-id",
            "show-me",
            "--description",
            "to show",
        ],
    )
    .ok();
    let (stored, token) = proven_credentials(&service, "show-me", &c);

    let r = ard(
        &ts,
        &service,
        Login::Token,
        &["show", "show-me", "--output", "json"],
    );
    r.ok();
    assert_eq!(r.json(), stored.to_json());
    assert_absent(&r.stdout, "SAS signature", &sig_of(&token));

    let r = ard(&ts, &service, Login::Token, &["show", "nobody"]);
    assert_eq!(r.code, Some(5), "404 is a service error: {}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr
            .contains("HTTP 404 not_found: no registered credentials with id nobody"),
        "status, ARD's error code and message: {}",
        r.stderr
    );
    assert!(!r.stderr.contains("404 404"), "{}", r.stderr);

    let r = ard(&ts, &service, Login::Token, &["delete", "show-me"]);
    r.ok();
    assert!(service.credentials().is_empty());
    let last = service.requests().pop().unwrap();
    assert_eq!(
        format!("{} {} {}", last.method, last.path, last.status),
        format!("DELETE {} 204", credentials_path(&service, "show-me"))
    );
    let r = ard(&ts, &service, Login::Token, &["delete", "show-me"]);
    assert_eq!(r.code, Some(5), "deleting twice: {}", r.stderr);
    let r = ard(&ts, &service, Login::Token, &["show", "show-me"]);
    assert_eq!(r.code, Some(5), "{}", r.stderr);
}

// ---- bad input and login failures -------------------------------------------------------------

/// A usage error: exit 2, nothing on stdout, exactly the error line (containing `error`) and the
/// hint line (containing `hint`).
#[track_caller]
fn usage_error(r: &Run, what: &str, error: &str, hint: &str) {
    r.failed_with(2);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{what}: error and hint only: {}", r.stderr);
    assert!(
        lines[0].starts_with("sasmint: error: ") && lines[0].contains(error),
        "{what}: expected {error:?} in the error line: {}",
        r.stderr
    );
    assert!(
        lines[1].trim_start().starts_with("hint: ") && lines[1].contains(hint),
        "{what}: expected {hint:?} in the hint: {}",
        r.stderr
    );
}

#[test]
fn invalid_credentials_id_is_refused_before_any_request() {
    let ts = TokenServer::start();
    let service = Ard::start(azurite());
    // The container URL is on a tripwire: storage is never asked either.
    let storage = support::Tripwire::new();
    let c = storage.container_url("ard-bad-id");
    for bad in ["my bucket", "a/b", "x.y", "ü-id", "id?x=1", "../admin", ""] {
        for args in [
            vec!["register", &c, "--credentials-id", bad],
            vec!["show", bad],
            vec!["delete", bad],
        ] {
            let r = ard(&ts, &service, Login::Token, &args);
            usage_error(
                &r,
                &format!("{args:?}"),
                &format!("'{bad}' is not a valid credentials id"),
                "use only letters, digits, '_' and '-', e.g. my-delivery-bucket",
            );
        }
    }
    assert_eq!(service.request_count(), 0, "nothing reached ARD");
    assert_eq!(ts.requests(), 0, "no storage token either");
    storage.assert_untouched("storage");
}

#[test]
fn missing_ard_login_is_bad_input() {
    let ts = TokenServer::start();
    let service = Ard::start(azurite());
    let storage = support::Tripwire::new();
    let c = storage.container_url("ard-no-login");
    for login in [Login::Nothing, Login::UsernameOnly] {
        for args in [vec!["register", &c, "--credentials-id", "x"], vec!["list"]] {
            let r = ard(&ts, &service, login, &args);
            usage_error(
                &r,
                &format!("{login:?} {args:?}"),
                "no Maxar ARD credentials: set MAXAR_ARD_TOKEN, or MAXAR_ARD_USERNAME and MAXAR_ARD_PASSWORD",
                "an ARD admin user's token or password is needed",
            );
        }
    }
    assert_eq!(service.request_count(), 0);
    assert_eq!(ts.requests(), 0);
    storage.assert_untouched("storage");
}

#[tokio::test]
async fn wrong_password_is_a_credential_failure() {
    let ts = TokenServer::start();
    let service = Ard::start(azurite());
    let c = container("ard-wrong-password").await;
    let r = ard(
        &ts,
        &service,
        Login::WrongPassword,
        &["register", &c, "--credentials-id", "x"],
    );
    assert_eq!(r.code, Some(3), "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert_eq!(calls(&service), ["POST /api/v1/auth/authenticate 401"]);
    assert!(service.credentials().is_empty());
    assert_absent(&r.stderr, "password", "not-the-password-123");
}

#[test]
fn unknown_token_is_denied() {
    let ts = TokenServer::start();
    let service = Ard::start(azurite());
    let r = ard_with(&ts, &service, Login::Nothing, &["list"], |cmd| {
        cmd.args(["--ard-endpoint", &service.endpoint()])
            .env("MAXAR_ARD_TOKEN", "ard-static-this-token-is-unknown");
    });
    assert_eq!(r.code, Some(4), "a 401 from ARD: {}", r.stderr);
    assert!(r.stdout.is_empty());
    assert_absent(&r.stderr, "token", "ard-static-this-token-is-unknown");
}

#[tokio::test]
async fn another_account_is_denied() {
    let ts = TokenServer::start();
    let service = Ard::start(azurite());
    let c = container("ard-other-account").await;
    let r = ard_with(
        &ts,
        &service,
        Login::Token,
        &["register", &c, "--credentials-id", "x"],
        |cmd| {
            cmd.args(["--ard-endpoint", &service.endpoint()])
                .env("MAXAR_ARD_ACCOUNT_ID", "someone-else");
        },
    );
    assert_eq!(r.code, Some(4), "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert_eq!(
        calls(&service),
        ["PATCH /api/v1/admin/account/someone-else/credentials/x 403"],
        "a 403 is not retried"
    );
}

// ---- faults -----------------------------------------------------------------------------------

#[tokio::test]
async fn service_unavailable_with_retry_after_is_retried() {
    let ts = TokenServer::start();
    let service = Ard::start(azurite());
    let c = container("ard-503").await;
    service.fail_next(1, 503, Some(1));
    let r = ard(
        &ts,
        &service,
        Login::Password,
        &["register", &c, "--credentials-id", "retry-me"],
    );
    r.ok();
    proven_credentials(&service, "retry-me", &c);
    assert_eq!(service.pending_faults(), 0);
    let log = calls(&service);
    assert_eq!(log[0], "POST /api/v1/auth/authenticate 503");
    assert_eq!(log[1], "POST /api/v1/auth/authenticate 200");
    assert_retry_after_honoured(&service, 503);

    // A 429 on the registration (its first request: the rotation's PATCH).
    service.fail_next(1, 429, Some(1));
    let r = ard(
        &ts,
        &service,
        Login::Token,
        &["register", &c, "--credentials-id", "retry-me"],
    );
    r.ok();
    proven_credentials(&service, "retry-me", &c);
    assert_eq!(service.pending_faults(), 0);
    assert_retry_after_honoured(&service, 429);
}

/// The last request answered `status` (with `Retry-After: 1`) was sent again, to the same
/// path, at least 1 s later by the stand-in's own clock (sasmint's own back-off before a first
/// retry is under 0.7 s, so only the header explains the wait).
#[track_caller]
fn assert_retry_after_honoured(service: &Ard, status: u16) {
    let log = service.requests();
    let i = log
        .iter()
        .rposition(|r| r.status == status)
        .unwrap_or_else(|| panic!("no {status} in {:?}", calls(service)));
    let retry = log
        .get(i + 1)
        .unwrap_or_else(|| panic!("the {status} was not retried: {:?}", calls(service)));
    assert_eq!(
        (retry.method.as_str(), retry.path.as_str()),
        (log[i].method.as_str(), log[i].path.as_str()),
        "the same request again"
    );
    let gap = retry.received - log[i].received;
    assert!(
        gap >= Duration::from_secs(1),
        "Retry-After: 1 was not honoured: retried after {gap:?}"
    );
}

#[tokio::test]
async fn service_error_echoing_the_request_is_redacted() {
    let ts = TokenServer::start();
    let service = Ard::start(azurite());
    let c = container("ard-echo").await;
    service.set_echo_errors(true);
    for verbosity in [None, Some("-vv")] {
        let r = ard_with(
            &ts,
            &service,
            Login::Password,
            &["register", &c, "--credentials-id", "echo"],
            |cmd| {
                cmd.args(["--ard-endpoint", &service.endpoint()]);
                if let Some(v) = verbosity {
                    cmd.arg(v);
                }
            },
        );
        assert_eq!(r.code, Some(5), "{verbosity:?}: {}", r.stderr);
        assert!(r.stdout.is_empty());
        assert!(r.stderr.contains("400"), "{verbosity:?}: {}", r.stderr);
        let put = service
            .requests()
            .into_iter()
            .rev()
            .find(|r| r.method == "PUT" || r.method == "PATCH")
            .expect("the CLI sent the credentials");
        assert_eq!(put.status, 400);
        let url = put.json()["credentials"].as_str().unwrap().to_string();
        let token = url.split_once('?').unwrap().1;
        // The stand-in's message starts with the SAS, so it is within what the CLI shows.
        let raw_sig = token
            .split('&')
            .find_map(|p| p.strip_prefix("sig="))
            .unwrap();
        assert!(!r.stderr.contains(raw_sig), "{verbosity:?}: {}", r.stderr);
        assert_absent(&r.stderr, "SAS signature", &sig_of(token));
        assert!(
            r.stderr.contains("invalid_request: rejected SAS token ")
                && r.stderr.contains("[REDACTED]"),
            "{verbosity:?}: the service's message is shown, scrubbed: {}",
            r.stderr
        );
        for secret in service.issued_tokens() {
            assert_absent(&r.stderr, "ARD token", &secret);
        }
        assert_absent(&r.stderr, "ARD password", service.password());
        assert_absent(&r.stderr, "identity header", ts.header());
    }
    assert!(service.credentials().is_empty());
}
