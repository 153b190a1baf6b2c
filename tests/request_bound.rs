//! Request-bound tokens (`--require-header`, `--require-query`, `--create-only`: `srh`/`srq`,
//! service version 2026-04-06) on Azurite 3.37.0, pinned as it behaves: Azurite does not read
//! `srh`/`srq` and signs their lines empty, so it refuses EVERY request-bound token with 403,
//! with or without the bound header. It therefore cannot show that Azure refuses a request
//! without its header; this file pins that limit (so a newer Azurite that implements
//! 2026-04-06 fails here and the proof can be added), and the signatures are proved instead
//! against the Python SDK (src/domain/sas.rs, tests/data/ud-sas-python-bound.json). The same
//! token without its binding works, so the refusal is the binding's.

mod support;

use support::{Azurite, Run, TokenServer};

fn azurite() -> &'static Azurite {
    support::shared_azurite()
}

fn mint(ts: &TokenServer, args: &[&str]) -> Run {
    let mut cmd = support::sasmint(azurite(), ts);
    cmd.args([&["mint"], args, &["--auth", "managed-identity"]].concat());
    Run::of(&mut cmd)
}

async fn put_blob(url: &str, headers: &[(&str, &str)]) -> u16 {
    let mut request = azurite()
        .http_client()
        .put(url)
        .header("x-ms-blob-type", "BlockBlob")
        .body("new");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn azurite_refuses_every_request_bound_token_with_or_without_its_header() {
    let ts = TokenServer::start();
    support::create_container(azurite(), "bound").await;
    let blob = azurite().blob_url("bound", "new.txt");

    let plain = mint(&ts, &[&blob, "--permissions", "cw", "--output", "url"]);
    assert_eq!(plain.code, Some(0), "{}", plain.stderr);
    assert_eq!(
        put_blob(plain.stdout.trim(), &[("If-None-Match", "*")]).await,
        201,
        "the unbound token writes"
    );

    let bound = mint(
        &ts,
        &[
            &blob,
            "--permissions",
            "cw",
            "--create-only",
            "--output",
            "url",
        ],
    );
    assert_eq!(bound.code, Some(0), "{}", bound.stderr);
    assert!(
        bound.stderr.contains("request-bound") && bound.stderr.contains("If-None-Match: *"),
        "{}",
        bound.stderr
    );
    let url = bound.stdout.trim();
    assert!(url.contains("srh=If-None-Match"), "srh in the token");
    let other = azurite().blob_url("bound", "other.txt");
    let url = url.replacen(&blob, &other, 1);
    // Azurite 3.37.0 signs the srh line empty: 403 even with the header.
    assert_eq!(put_blob(&url, &[("If-None-Match", "*")]).await, 403);
    assert_eq!(put_blob(&url, &[]).await, 403);
}

#[test]
fn malformed_bindings_are_exit_2_naming_the_flag_with_no_request() {
    for (args, says) in [
        (vec!["--require-header", "x-ms-meta-a"], "--require-header"),
        (vec!["--require-header", "bad name: v"], "--require-header"),
        (
            vec!["--require-header", "a: 1", "--require-header", "A: 2"],
            "--require-header",
        ),
        (vec!["--require-query", "novalue"], "--require-query"),
        (vec!["--require-query", "=v"], "--require-query"),
        (vec!["--create-only", "-p", "rl"], "--create-only"),
        (
            vec!["--create-only", "--for", "upload", "--verify"],
            "--verify",
        ),
    ] {
        let mut cmd = support::sasmint_offline();
        cmd.args(["mint", "https://acct.blob.core.windows.net/ctr"])
            .args(&args);
        let run = Run::of(&mut cmd);
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}");
    }
}
