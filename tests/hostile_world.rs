//! Issue 22, items 3, 5, 6 and the empty variables of 7: ids that cannot leave their path
//! segment, files named by the environment read without blocking and with a cap, no proxy for
//! the local managed-identity endpoints (and `NO_PROXY=*` for IP literals), and empty
//! environment variables treated as unset.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::{Azurite, GeoCatalog, Run, TokenServer};

fn azurite() -> &'static Azurite {
    support::shared_azurite()
}

fn geo(ts: &TokenServer, catalog: &GeoCatalog, args: &[&str]) -> Run {
    let mut cmd = support::sasmint(azurite(), ts);
    cmd.arg("geocatalog").args(args).args([
        "--auth",
        "managed-identity",
        "--geocatalog",
        &catalog.endpoint(),
    ]);
    Run::of(&mut cmd)
}

#[test]
fn ids_that_would_leave_their_path_segment_are_refused_before_any_request() {
    let ts = TokenServer::start();
    let catalog = GeoCatalog::start(azurite());
    for id in [".", "..", "%2e%2e", "a/b", "a\\b", "a?b", "a#b"] {
        for action in ["show", "delete"] {
            let r = geo(&ts, &catalog, &[action, id]);
            assert_eq!(r.code, Some(2), "{action} {id:?}: {}", r.stderr);
            assert!(
                r.stderr.contains("is not an ingestion source id"),
                "{}",
                r.stderr
            );
        }
    }
    assert_eq!(catalog.request_count(), 0, "nothing sent");
    assert_eq!(ts.requests(), 0, "not even a token");
    // ARD credentials ids: the same refusal, before any sign-in.
    for id in ["..", "a/b", "%2e"] {
        let mut cmd = support::sasmint_offline();
        cmd.args(["ard", "show", id]).env("MAXAR_ARD_TOKEN", "t");
        Run::of(&mut cmd).failed_with(2);
    }
}

#[test]
fn a_listed_id_that_is_no_path_segment_is_a_bad_entry_and_the_rest_is_shown() {
    let ts = TokenServer::start();
    let catalog = GeoCatalog::start(azurite());
    let good = catalog.seed_sas_source(&azurite().container_url("hw-good"));
    let bad = catalog.seed_sas_source(&azurite().container_url("hw-bad"));
    catalog.rename_source(&bad, "..");

    let r = geo(&ts, &catalog, &["status", "--output", "json"]);
    assert_eq!(r.code, Some(5), "the service's bad entry: {}", r.stderr);
    assert!(r.stdout.contains(&good), "the rest is shown: {}", r.stdout);
    assert!(r.stderr.contains("'..'"), "{}", r.stderr);
    let paths: Vec<String> = catalog.requests().into_iter().map(|r| r.path).collect();
    assert!(
        paths
            .iter()
            .all(|p| p == "/inma/ingestion-sources" || p.ends_with(&good)),
        "the bad id never became a path: {paths:?}"
    );

    let r = geo(&ts, &catalog, &["list"]);
    assert_eq!(r.code, Some(5), "{}", r.stderr);
    assert!(r.stdout.contains(&good), "{}", r.stdout);
    assert!(
        !r.stdout.lines().any(|l| l.starts_with("..")),
        "{}",
        r.stdout
    );
}

/// A FIFO with no writer, in a fresh directory.
fn fifo(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("fifo");
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    path
}

#[test]
fn files_named_by_the_environment_are_regular_capped_and_never_block() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = fifo(dir.path());
    let big = dir.path().join("big");
    std::fs::write(&big, vec![b'a'; 100 * 1024]).unwrap();
    let url = "https://acct.blob.core.windows.net/ccc";
    for (file, says) in [
        ("/dev/zero", "a character device, not a regular file"),
        (fifo.to_str().unwrap(), "a FIFO, not a regular file"),
        (big.to_str().unwrap(), "larger than 64 KiB"),
    ] {
        // The federated token: an explicitly chosen method that cannot be used is exit 2.
        let mut cmd = support::sasmint_offline();
        cmd.args(["mint", url, "--auth", "workload-identity", "--timeout", "5"])
            .env("AZURE_TENANT_ID", "72f988bf-86f1-41af-91ab-2d7cd011db47")
            .env("AZURE_CLIENT_ID", "00000000-0000-0000-0000-000000000001")
            .env("AZURE_FEDERATED_TOKEN_FILE", file);
        let start = Instant::now();
        let r = Run::of(&mut cmd);
        r.failed_with(2)
            .says("AZURE_FEDERATED_TOKEN_FILE")
            .says(says);
        assert!(start.elapsed() < Duration::from_secs(5), "{file}");

        // The certificates: a TLS set-up failure (exit 7), before any connection.
        let mut cmd = support::sasmint_offline();
        cmd.args(["mint", url, "--auth", "managed-identity", "--timeout", "5"])
            .env("IDENTITY_ENDPOINT", "http://127.0.0.1:9/token")
            .env("IDENTITY_HEADER", "local-identity-header-1")
            .env("SSL_CERT_FILE", file);
        let start = Instant::now();
        let r = Run::of(&mut cmd);
        if file == big.to_str().unwrap() {
            // 100 KiB of `a` is under the 4 MiB cap, and holds no certificate.
            r.failed_with(7).says("no usable CA certificate");
        } else {
            r.failed_with(7).says("SSL_CERT_FILE").says(says);
        }
        assert!(start.elapsed() < Duration::from_secs(5), "{file}");
    }
    // A certificate file over the 4 MiB cap is refused from its size.
    let huge = dir.path().join("huge.pem");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(300 * 1024 * 1024)
        .unwrap();
    let mut cmd = support::sasmint_offline();
    cmd.args(["mint", url, "--auth", "managed-identity", "--timeout", "5"])
        .env("IDENTITY_ENDPOINT", "http://127.0.0.1:9/token")
        .env("IDENTITY_HEADER", "local-identity-header-1")
        .env("SSL_CERT_FILE", &huge);
    Run::of(&mut cmd).failed_with(7).says("larger than 4 MiB");
    // A key file (--delegation-key) that is a FIFO: refused at once.
    let mut cmd = support::sasmint_offline();
    cmd.args(["mint", url, "--delegation-key", fifo.to_str().unwrap()]);
    Run::of(&mut cmd)
        .failed_with(2)
        .says("a FIFO, not a regular file");
}

/// A proxy that records the first line of each request (`CONNECT host:port …` or
/// `GET http://…`) and answers 502.
fn recording_proxy() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut line = String::new();
            let _ = BufReader::new(&stream).read_line(&mut line);
            log.lock().unwrap().push(line.trim_end().to_owned());
            let _ = (&stream).write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n");
        }
    });
    (url, seen)
}

#[test]
fn the_managed_identity_request_to_loopback_never_goes_through_a_proxy() {
    let ts = TokenServer::start();
    let (proxy, seen) = recording_proxy();
    let mut cmd = support::sasmint(azurite(), &ts);
    cmd.args([
        "mint",
        &azurite().container_url("hw-proxy"),
        "--auth",
        "managed-identity",
    ])
    .env("HTTP_PROXY", &proxy)
    .env("HTTPS_PROXY", &proxy)
    .env("http_proxy", &proxy);
    Run::of(&mut cmd).ok();
    assert!(ts.requests() > 0, "the token came from the local endpoint");
    assert!(
        seen.lock().unwrap().is_empty(),
        "{:?}",
        seen.lock().unwrap()
    );
}

#[test]
fn no_proxy_star_bypasses_ip_literal_hosts() {
    let ts = TokenServer::start();
    let (proxy, seen) = recording_proxy();
    let mut cmd = support::sasmint(azurite(), &ts);
    // TEST-NET-1: unroutable, so the direct connection times out.
    cmd.args([
        "mint",
        "https://192.0.2.1:10000/devstoreaccount1/ccc",
        "--auth",
        "managed-identity",
        "--timeout",
        "2",
    ])
    .env("HTTPS_PROXY", &proxy)
    .env("NO_PROXY", "*");
    let r = Run::of(&mut cmd);
    // Reached the network (a timeout or refusal), through no proxy.
    assert!(matches!(r.code, Some(5 | 6)), "{}", r.stderr);
    assert!(
        seen.lock().unwrap().is_empty(),
        "{:?}",
        seen.lock().unwrap()
    );
}

#[test]
fn empty_environment_variables_are_unset() {
    for name in [
        "SASMINT_ACCOUNT",
        "SASMINT_AUTH",
        "SASMINT_TIMEOUT",
        "SASMINT_OUTPUT",
        "SASMINT_EXPIRES_IN",
        "AZURE_CLIENT_ID",
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
        "HTTPS_PROXY",
        "NO_PROXY",
    ] {
        let mut cmd = support::sasmint_offline();
        cmd.args([
            "mint",
            "https://acct.blob.core.windows.net/ccc",
            "--delegation-key",
            "/nonexistent/key.json",
        ])
        .env(name, "");
        Run::of(&mut cmd)
            .failed_with(2)
            .says("cannot read the delegation key");
    }
}
