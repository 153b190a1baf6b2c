//! Fault injection: the real binary against a misbehaving storage endpoint
//! ([`support::FaultServer`], which forwards to the real Azurite once its injected faults are
//! spent) and a misbehaving managed-identity endpoint ([`support::TokenServer`] behaviours).
//!
//! Every test checks the documented exit code (README, "Exit codes"), that a failure prints
//! nothing on stdout, that no secret reaches stderr (the bearer token, the identity header and,
//! for successes, the signature), and the mechanism rather than the wall time: how many attempts
//! the servers saw, the gaps between them by the server's own clock (`Retry-After` honoured, a
//! back-off between retries), that a timeout fired (exit 6 and its message). Wall-time bounds are
//! only lower bounds that prove a wait happened, or upper bounds relative to the run's
//! `--timeout` with [`SLACK`] to spare, since the machine may be busy. Successful runs prove the
//! token works by listing the container on Azurite directly.
//!
//! Connection refused and an untrusted certificate are covered in `tests/e2e.rs`.

mod support;

use std::time::Duration;

use support::{assert_absent, Azurite, Behaviour, FaultMode, FaultServer, Run, TokenServer};

/// What a busy machine may add to a run beyond the time it is meant to take.
const SLACK: Duration = Duration::from_secs(10);

/// `secs` seconds, plus [`SLACK`]: an upper bound for a run given `--timeout secs`.
fn within_timeout(secs: u64) -> Duration {
    Duration::from_secs(secs) + SLACK
}

/// Every gap between the fault server's requests is at least `min`, by its own clock.
#[track_caller]
fn assert_gaps_at_least(fs: &FaultServer, min: Duration) {
    let gaps = fs.gaps();
    assert!(!gaps.is_empty(), "no retry: {:?}", fs.log());
    for (i, gap) in gaps.iter().enumerate() {
        assert!(
            *gap >= min,
            "attempt {} came {gap:?} after the one before, expected at least {min:?}",
            i + 2
        );
    }
}

fn azurite() -> &'static Azurite {
    support::shared_azurite()
}

/// `sasmint mint URL --auth managed-identity ARGS…` against `ts`, trusting Azurite's certificate.
fn mint(ts: &TokenServer, url: &str, args: &[&str]) -> Run {
    let mut cmd = support::sasmint(azurite(), ts);
    cmd.args(["mint", url, "--auth", "managed-identity"])
        .args(args);
    Run::of(&mut cmd)
}

/// A container on Azurite with one blob in it.
async fn container(name: &str) {
    support::create_container(azurite(), name).await;
    support::upload_blob(azurite(), name, "scene.tif", b"pixels").await;
}

/// The run succeeded, leaked nothing, and its token lists the container on Azurite itself.
async fn assert_token_works(r: &Run, ts: &TokenServer, name: &str) {
    assert_eq!(
        r.code,
        Some(0),
        "after {:?}\nstderr:\n{}",
        r.elapsed,
        r.stderr
    );
    let token = r.stdout.trim();
    assert_absent(&r.stderr, "signature", &support::sig_of(token));
    r.no_identity_secrets(ts);
    let listed = support::list_blobs(&support::with_query(&azurite().container_url(name), token))
        .await
        .expect("the minted token lists the container on Azurite");
    assert_eq!(listed, ["scene.tif"]);
}

// ---- storage endpoint: retried answers -------------------------------------------------------

#[tokio::test]
async fn throttled_twice_with_retry_after_then_succeeds() {
    container("fault-429").await;
    let ts = TokenServer::start();
    let fs = FaultServer::forwarding(azurite());
    fs.inject(2, 429, Some(1));
    // -vv: the retries are logged, and the log still carries no secret.
    let r = mint(&ts, &fs.container_url("fault-429"), &["-vv"]);
    assert_token_works(&r, &ts, "fault-429").await;
    assert_eq!(fs.pending(), 0, "both injected 429s were served");
    assert_eq!(
        fs.requests(),
        3,
        "two 429s, then one forwarded: {:?}",
        fs.log()
    );
    assert_eq!(fs.forwarded(), 1);
    // Retry-After: 1 honoured before each retry, by the server's clock (sasmint's own back-off
    // before a first retry is under 0.7 s, so the first gap proves the header was read).
    assert_gaps_at_least(&fs, Duration::from_secs(1));
    assert_eq!(ts.requests(), 1, "one token, reused across the retries");
    assert_eq!(
        r.stderr.matches("status: 429").count(),
        2,
        "-vv shows both throttled answers:\n{}",
        r.stderr
    );
}

#[tokio::test]
async fn unavailable_once_with_retry_after_then_succeeds() {
    container("fault-503").await;
    let ts = TokenServer::start();
    let fs = FaultServer::forwarding(azurite());
    fs.inject(1, 503, Some(1));
    let r = mint(&ts, &fs.container_url("fault-503"), &[]);
    assert_token_works(&r, &ts, "fault-503").await;
    assert_eq!(fs.requests(), 2, "{:?}", fs.log());
    assert_eq!(fs.forwarded(), 1);
    // Retry-After: 1, by the server's clock (sasmint's own first back-off is under 0.7 s).
    assert_gaps_at_least(&fs, Duration::from_secs(1));
}

#[test]
fn server_error_every_time_gives_up_after_three_retries() {
    let ts = TokenServer::start();
    let fs = FaultServer::start(
        azurite(),
        FaultMode::Always(support::Fault {
            status: 500,
            retry_after: None,
        }),
    );
    let r = mint(&ts, &fs.container_url("fault-500"), &["--timeout", "15"]);
    r.failed_with(5)
        .says("Get User Delegation Key failed: HTTP 500")
        .took_between(Duration::ZERO, within_timeout(15))
        .no_identity_secrets(&ts);
    assert_eq!(
        fs.requests(),
        4,
        "README: retried at most 3 times: {:?}",
        fs.log()
    );
    // A back-off before each retry, not a tight loop: exponential from 200 ms, so at least
    // 0.4, 0.8 and 1.6 s (plus jitter), by the server's clock.
    let gaps = fs.gaps();
    for (gap, min_ms) in gaps.iter().zip([400, 800, 1600]) {
        assert!(
            *gap >= Duration::from_millis(min_ms),
            "back-off {gap:?}, expected at least {min_ms} ms: {gaps:?}"
        );
    }
}

#[test]
fn retry_after_longer_than_the_timeout_fails_at_once() {
    let ts = TokenServer::start();
    let fs = FaultServer::forwarding(azurite());
    fs.inject(5, 429, Some(60));
    let r = mint(&ts, &fs.container_url("fault-ra60"), &["--timeout", "2"]);
    // A wait longer than the time left cannot end in a retry: exit 5 at once, saying how long
    // the service asked to wait (issue 22), one attempt only.
    r.failed_with(5)
        .says("asked to wait 60 s before retrying")
        .says("--timeout")
        .took_between(Duration::ZERO, within_timeout(2))
        .no_identity_secrets(&ts);
    assert_eq!(fs.requests(), 1, "{:?}", fs.log());
}

#[test]
fn forbidden_is_not_retried() {
    let ts = TokenServer::start_with(Behaviour::WrongAudience);
    let fs = FaultServer::forwarding(azurite());
    let r = mint(&ts, &fs.container_url("fault-403"), &[]);
    r.failed_with(4)
        .says("Get User Delegation Key failed: HTTP 403")
        .says("did not accept the Entra ID token")
        .no_identity_secrets(&ts);
    assert!(ts.last_token().is_some(), "a token was handed out");
    let log = fs.log();
    assert_eq!(log.len(), 1, "a 403 is never retried: {log:?}");
    assert!(log[0].forwarded && log[0].status == Some(403), "{log:?}");
}

#[test]
fn a_missing_role_is_named_and_not_retried() {
    // What Azure answers an identity without a role that allows generateUserDelegationKey
    // (Azurite has no role assignments, so the fault server plays that part).
    let ts = TokenServer::start();
    let fs = FaultServer::start(azurite(), FaultMode::MissingRole);
    let r = mint(&ts, &fs.container_url("fault-role"), &[]);
    r.failed_with(4)
        .says("Get User Delegation Key failed: HTTP 403 AuthorizationPermissionMismatch: This request is not authorized")
        .says("Storage Blob Delegator")
        .says("Storage Blob Data Reader")
        .no_identity_secrets(&ts);
    assert!(
        !r.stderr.contains("RequestId"),
        "only the message's first line: {}",
        r.stderr
    );
    assert_eq!(fs.requests(), 1, "a 403 is never retried: {:?}", fs.log());
}

#[test]
fn an_unreadable_key_is_not_quoted() {
    // The XML parser's error quotes the body, and the body holds the key's value.
    let ts = TokenServer::start();
    let fs = FaultServer::start(azurite(), FaultMode::BadKey);
    for command in ["mint", "key"] {
        let mut cmd = support::sasmint(azurite(), &ts);
        let url = fs.container_url("fault-badkey");
        cmd.args([command, url.as_str(), "--auth", "managed-identity", "-vv"]);
        let r = Run::of(&mut cmd);
        r.failed_with(5)
            .says("with a body that is not a delegation key")
            .no_identity_secrets(&ts);
        assert_absent(&r.stderr, "key value", support::BAD_KEY_VALUE);
        assert_absent(&r.stderr, "key value", &support::BAD_KEY_VALUE[..24]);
    }
}

// ---- storage endpoint: broken connections ----------------------------------------------------

#[test]
fn endpoint_that_never_answers_times_out() {
    let ts = TokenServer::start();
    let fs = FaultServer::start(azurite(), FaultMode::Hang);
    let r = mint(&ts, &fs.container_url("fault-hang"), &["--timeout", "3"]);
    r.failed_with(6)
        .says("--timeout of 3 s ran out")
        .says("hint:")
        .took_between(Duration::from_secs(3), within_timeout(3))
        .no_identity_secrets(&ts);
    assert_eq!(fs.requests(), 1, "{:?}", fs.log());
}

#[test]
fn connection_closed_mid_response_is_a_network_error() {
    let ts = TokenServer::start();
    let fs = FaultServer::start(azurite(), FaultMode::CloseMidResponse);
    let r = mint(&ts, &fs.container_url("fault-close"), &["--timeout", "10"]);
    // The endpoint was reached, so the message does not blame DNS or the firewall.
    r.failed_with(6)
        .says("Get User Delegation Key failed: the connection to")
        .says("broke")
        .says(&format!("{}/", fs.account_url()))
        .took_between(Duration::ZERO, within_timeout(10))
        .no_identity_secrets(&ts);
    assert!(
        !r.stderr.contains("timed out"),
        "failed on its own, not by the --timeout:\n{}",
        r.stderr
    );
    assert_eq!(fs.requests(), 4, "retried 3 times: {:?}", fs.log());
}

#[test]
fn garbage_instead_of_http_is_a_network_error() {
    let ts = TokenServer::start();
    let fs = FaultServer::start(azurite(), FaultMode::Garbage);
    let r = mint(
        &ts,
        &fs.container_url("fault-garbage"),
        &["--timeout", "10"],
    );
    r.failed_with(6)
        .says("Get User Delegation Key failed: the connection to")
        .says(&format!("{}/", fs.account_url()))
        .took_between(Duration::ZERO, within_timeout(10))
        .no_identity_secrets(&ts);
    assert!(
        !r.stderr.contains("timed out"),
        "failed on its own, not by the --timeout:\n{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("this is not HTTP"),
        "the garbage is not echoed:\n{}",
        r.stderr
    );
    assert_eq!(fs.requests(), 4, "retried 3 times: {:?}", fs.log());
}

#[test]
fn plain_http_on_the_https_port_is_a_network_error() {
    let ts = TokenServer::start();
    let fs = FaultServer::start(azurite(), FaultMode::PlainHttp);
    let r = mint(&ts, &fs.container_url("fault-plain"), &["--timeout", "10"]);
    // The TLS handshake fails, which is part of connecting, but it is not a certificate
    // problem: not exit 7, and retried like any connection error.
    r.failed_with(6)
        .says("Get User Delegation Key failed: the TLS handshake with")
        .says("check the port")
        .took_between(Duration::ZERO, within_timeout(10))
        .no_identity_secrets(&ts);
    assert!(
        !r.stderr.contains("timed out"),
        "failed on its own, not by the --timeout:\n{}",
        r.stderr
    );
    assert!(!r.stderr.contains("could not reach"), "{}", r.stderr);
    assert_eq!(fs.requests(), 0, "no HTTP request got through");
    // The early connection (clients::warmup: a handshake, no request) fails first; then the
    // request connects on its own, as without it, and is retried 3 times.
    assert_eq!(
        fs.connections(),
        1 + 4,
        "an early connection, then retried 3 times"
    );
}

#[test]
fn a_connection_closed_during_the_handshake_is_a_network_error_not_an_untrusted_certificate() {
    let ts = TokenServer::start();
    let fs = FaultServer::start(azurite(), FaultMode::CloseInHandshake);
    // Several runs: which error the TLS stack reports for the EOF varies with timing.
    for run in 0..3 {
        let r = mint(&ts, &fs.container_url("fault-eof"), &["--timeout", "10"]);
        assert!(
            !r.stderr.contains("not trusted") && !r.stderr.contains("SSL_CERT_FILE"),
            "run {run}: a dropped connection reported as a certificate problem:\n{}",
            r.stderr
        );
        r.failed_with(6)
            .says("Get User Delegation Key failed")
            .took_between(Duration::ZERO, within_timeout(10))
            .no_identity_secrets(&ts);
        assert!(
            !r.stderr.contains("timed out"),
            "failed on its own, not by the --timeout:\n{}",
            r.stderr
        );
    }
    // Per run: the early connection's failed handshake (clients::warmup), then 4 tries.
    assert_eq!(
        fs.connections(),
        3 * (1 + 4),
        "each run: an early connection, then retried 3 times"
    );
}

// ---- storage endpoint: the connection opened early (issue 15) --------------------------------

#[tokio::test]
async fn the_early_connection_sends_no_request_and_is_the_one_used() {
    container("fault-warm").await;
    let ts = TokenServer::start();
    let fs = FaultServer::forwarding(azurite());
    let r = mint(&ts, &fs.container_url("fault-warm"), &[]);
    assert_token_works(&r, &ts, "fault-warm").await;
    // The storage connection opens while the token is fetched (clients::warmup), and carries
    // the one request: no second connection, no warm-up request in the account's logs.
    assert_eq!(fs.connections(), 1, "one connection: {:?}", fs.log());
    let log = fs.log();
    assert_eq!(log.len(), 1, "exactly one request: {log:?}");
    assert_eq!(log[0].method, "POST", "{log:?}");
    assert!(log[0].target.contains("comp=userdelegationkey"), "{log:?}");
}

/// A TCP relay to `to` that closes the first connection it accepts at once (the warm-up's),
/// and relays every later one; counts the connections it accepted.
fn relay_refusing_the_first(to: u16) -> (u16, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = std::sync::Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(client) = client else { return };
            if count.fetch_add(1, Ordering::SeqCst) == 0 {
                drop(client);
                continue;
            }
            let Ok(server) = std::net::TcpStream::connect(("127.0.0.1", to)) else {
                continue;
            };
            for (mut from, mut into) in [
                (client.try_clone().unwrap(), server.try_clone().unwrap()),
                (server, client),
            ] {
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut from, &mut into);
                    let _ = into.shutdown(std::net::Shutdown::Write);
                });
            }
        }
    });
    (port, accepted)
}

#[tokio::test]
async fn a_failed_early_connection_changes_nothing() {
    container("fault-warm-fail").await;
    let ts = TokenServer::start();
    let fs = FaultServer::forwarding(azurite());
    let port = fs.port();
    let (relay, accepted) = relay_refusing_the_first(port);
    let url = fs
        .container_url("fault-warm-fail")
        .replace(&format!(":{port}/"), &format!(":{relay}/"));
    let r = mint(&ts, &url, &[]);
    // The warm-up's connection was closed in its handshake: the request connected on its own,
    // at once (not a retry after a failure), and succeeded.
    assert_token_works(&r, &ts, "fault-warm-fail").await;
    assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 2);
    assert_eq!(fs.requests(), 1, "{:?}", fs.log());
    assert_eq!(fs.gaps().len(), 0);
    // Nothing listening (the warm-up fails, then the request): the error of tests/e2e.rs
    // connection_refused_is_a_network_error, unchanged.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let gone = closed.local_addr().unwrap().port();
    drop(closed);
    let r = mint(
        &ts,
        &format!("https://127.0.0.1:{gone}/devstoreaccount1/gone"),
        &["--timeout", "10"],
    );
    r.failed_with(6)
        .says(&format!(
            "Get User Delegation Key failed: could not reach https://127.0.0.1:{gone}/devstoreaccount1"
        ))
        .says("hint: check the URL, DNS and firewall")
        .no_identity_secrets(&ts);
}

// ---- several accounts in one run --------------------------------------------------------------

#[tokio::test]
async fn an_account_that_never_answers_fails_alone() {
    container("fault-batch-good").await;
    let ts = TokenServer::start();
    let hang = FaultServer::start(azurite(), FaultMode::Hang);
    let good = azurite().container_url("fault-batch-good");
    let r = mint(
        &ts,
        &good,
        &[&hang.container_url("fault-batch-hang"), "--timeout", "3"],
    );
    // The good account's token, an empty line for the account that hung, exit 6.
    assert_eq!(r.code, Some(6), "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.split('\n').collect();
    assert_eq!(lines.len(), 3, "two lines and the end: {:?}", r.stdout);
    assert!(lines[0].contains("sig="), "{:?}", r.stdout);
    assert_eq!(lines[1], "");
    assert!(
        r.stderr.contains("argument 2: ")
            && r.stderr
                .contains(&format!("https://127.0.0.1:{}", hang.port()))
            && r.stderr.contains("--timeout of 3 s ran out"),
        "{}",
        r.stderr
    );
    // The hung account gets its --timeout, not more.
    assert!(r.elapsed < within_timeout(3), "took {:?}", r.elapsed);
    let listed = support::list_blobs(&support::with_query(&good, lines[0]))
        .await
        .expect("the good account's token works");
    assert_eq!(listed, ["scene.tif"]);
    r.no_identity_secrets(&ts);
}

#[test]
fn fail_fast_names_the_first_failing_input_in_input_order() {
    // Input 1's account sorts after input 2's ("localhost" > "127…"): the first failure by
    // account order would be input 2's 404.
    let ts = TokenServer::start();
    let not_found = FaultServer::start(
        azurite(),
        FaultMode::Always(support::Fault {
            status: 404,
            retry_after: None,
        }),
    );
    let refused = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let r = mint(
        &ts,
        &format!("https://localhost:{refused}/devstoreaccount1/fault-ff"),
        &[
            &not_found.container_url("fault-ff"),
            "--fail-fast",
            "--timeout",
            "10",
        ],
    );
    r.failed_with(6)
        .says("sasmint: error: argument 1: Get User Delegation Key failed")
        .no_identity_secrets(&ts);
}

// ---- managed-identity endpoint ---------------------------------------------------------------

#[test]
fn token_endpoint_garbage_is_a_credential_error() {
    let ts = TokenServer::start_with(Behaviour::Garbage);
    let fs = FaultServer::forwarding(azurite());
    let r = mint(
        &ts,
        &fs.container_url("fault-tsgarbage"),
        &["--timeout", "10"],
    );
    r.failed_with(3)
        .says("managed-identity")
        .says("hint:")
        .took_between(Duration::ZERO, within_timeout(10))
        .no_identity_secrets(&ts);
    assert!(
        !r.stderr.contains("timed out"),
        "failed on its own, not by the --timeout:\n{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("upstream proxy says hi"),
        "the body is not echoed:\n{}",
        r.stderr
    );
    assert_eq!(fs.requests(), 0, "storage is never asked without a token");
}

#[test]
fn token_endpoint_server_error_is_a_credential_error_after_bounded_retries() {
    let ts = TokenServer::start_with(Behaviour::Status(500));
    let fs = FaultServer::forwarding(azurite());
    let r = mint(&ts, &fs.container_url("fault-ts500"), &["--timeout", "15"]);
    r.failed_with(3)
        .says("managed-identity")
        .says("hint:")
        // Three back-offs from 200 ms, as for storage: at least 0.4 + 0.8 + 1.6 s.
        .took_between(Duration::from_millis(2800), within_timeout(15))
        .no_identity_secrets(&ts);
    assert_eq!(
        ts.requests(),
        4,
        "the token request is retried at most 3 times: {:?}",
        ts.served()
    );
    assert_eq!(fs.requests(), 0, "storage is never asked without a token");
}

#[test]
fn slow_token_endpoint_times_out() {
    let ts = TokenServer::start_with(Behaviour::Slow(Duration::from_secs(4)));
    let fs = FaultServer::forwarding(azurite());
    let r = mint(&ts, &fs.container_url("fault-tsslow"), &["--timeout", "2"]);
    // The token endpoint answers after 4 s: only the 2 s timeout firing explains exit 6.
    r.failed_with(6)
        .says("--timeout of 2 s ran out")
        .took_between(Duration::from_secs(2), within_timeout(2))
        .no_identity_secrets(&ts);
    assert_eq!(fs.requests(), 0, "storage is never asked without a token");
}
