//! Response header overrides (`--content-disposition`, `--content-type`, `--content-encoding`,
//! `--content-language`, `--cache-control`) on real Azurite 3.37 (HTTPS + OAuth, the key fetched
//! with `--auth managed-identity` from the local token server): Get Blob with the printed URL
//! answers with the overridden headers, and a URL whose `rscd` was changed after signing is
//! refused with 403. The strings-to-sign are also checked against the Python SDK in
//! tests/vectors_extra.rs.

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

const DISPOSITION: &str = "attachment; filename=\"Q3 report (final).pdf\"";

#[tokio::test]
async fn get_blob_answers_with_the_signed_headers_and_a_tampered_one_is_refused() {
    let ts = TokenServer::start();
    support::create_container(azurite(), "headers").await;
    support::upload_blob(azurite(), "headers", "2026/q3.bin", b"%PDF-1.7 pretend").await;
    let blob = azurite().blob_url("headers", "2026/q3.bin");
    let run = mint(
        &ts,
        &[
            &blob,
            "-p",
            "r",
            "--output",
            "url",
            "--content-disposition",
            DISPOSITION,
            "--content-type",
            "application/pdf",
            "--content-encoding",
            "identity",
            "--content-language",
            "en-GB",
            "--cache-control",
            "no-store, max-age=0",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let url = run.stdout.trim().to_owned();
    for param in ["rscd=", "rsct=", "rsce=", "rscl=", "rscc="] {
        assert!(url.contains(param), "{param} in the URL");
    }

    // The exact URL sasmint printed, as a browser would send it.
    let client = azurite().http_client();
    let response = client.get(&url).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header("content-disposition"), DISPOSITION);
    assert_eq!(header("content-type"), "application/pdf");
    assert_eq!(header("content-encoding"), "identity");
    assert_eq!(header("content-language"), "en-GB");
    assert_eq!(header("cache-control"), "no-store, max-age=0");
    assert_eq!(
        response.bytes().await.unwrap().as_ref(),
        b"%PDF-1.7 pretend"
    );

    // Another file name after signing: the signature no longer matches.
    let tampered = url.replace("Q3%20report", "Q4%20report");
    assert_ne!(tampered, url);
    let (status, code, _) = support::raw_request("GET", &tampered, b"").await;
    assert_eq!(status, 403, "a tampered rscd is refused ({code:?})");
    // Dropping an override after signing is refused too.
    let dropped: Vec<&str> = url.split('&').filter(|p| !p.starts_with("rsct=")).collect();
    let (status, _, _) = support::raw_request("GET", &dropped.join("&"), b"").await;
    assert_eq!(status, 403, "a removed rsct is refused");
}

#[test]
fn overrides_on_a_container_or_with_control_characters_are_refused_before_any_request() {
    for (args, says) in [
        (
            vec![
                "https://acct.blob.core.windows.net/ctr",
                "--content-type",
                "text/csv",
            ],
            "applies to a blob token",
        ),
        (
            vec![
                "https://acct.dfs.core.windows.net/fsys/dir",
                "--cache-control",
                "no-store",
            ],
            "applies to a blob token",
        ),
        (
            vec![
                "https://acct.blob.core.windows.net/ctr/a.pdf",
                "-p",
                "r",
                "--content-disposition",
                "attachment;\r\nSet-Cookie: x=1",
            ],
            "control character",
        ),
        (
            vec![
                "https://acct.blob.core.windows.net/ctr/a.pdf",
                "-p",
                "r",
                "--content-type",
                "",
            ],
            "is empty",
        ),
    ] {
        let mut cmd = support::sasmint_offline();
        cmd.arg("mint").args(&args);
        let run = Run::of(&mut cmd);
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty());
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("hint:"), "{}", run.stderr);
        assert_eq!(
            run.stderr
                .lines()
                .filter(|l| !l.starts_with("  hint:"))
                .count(),
            1,
            "one line: {}",
            run.stderr
        );
    }
    let long = "x".repeat(1025);
    let mut cmd = support::sasmint_offline();
    cmd.args([
        "mint",
        "https://acct.blob.core.windows.net/ctr/a.pdf",
        "-p",
        "r",
        "--content-language",
        &long,
    ]);
    let run = Run::of(&mut cmd);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("longer than 1024 bytes"),
        "{}",
        run.stderr
    );
}
