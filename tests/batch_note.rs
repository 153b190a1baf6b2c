//! Issue 20: a batch of request-bound tokens (`--create-only`, `--require-header`,
//! `--require-query`) says once, on stderr, what every request made with them must send: the
//! note a single `mint` prints, not one per URL, and none with `--quiet`. Offline
//! (`--delegation-key`).

mod support;

use std::path::{Path, PathBuf};

use support::hostile::Udk;

/// A valid key file (mode 0600) in `dir`.
fn key_file(dir: &Path) -> PathBuf {
    Udk::good().write_key_file(dir)
}

fn blob(i: usize) -> String {
    format!("https://acct{i}.blob.core.windows.net/uploads/file-{i}.bin")
}

/// The `note:` lines of a run's stderr.
fn notes(stderr: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(stderr)
        .lines()
        .filter(|l| l.starts_with("sasmint: note: "))
        .map(str::to_owned)
        .collect()
}

fn mint(key: &Path, input: &[String], extra: &[&str]) -> std::process::Output {
    let out = support::sasmint_offline()
        .arg("mint")
        .args(input)
        .args(["--for", "upload", "--output", "url", "--delegation-key"])
        .arg(key)
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn a_request_bound_batch_notes_its_binding_once_as_a_single_token_does() {
    let dir = tempfile::tempdir().unwrap();
    let key = key_file(dir.path());
    let urls: Vec<String> = (1..=3).map(blob).collect();

    let single = mint(&key, &urls[..1], &["--create-only"]);
    let single = notes(&single.stderr);
    assert_eq!(single.len(), 1, "{single:?}");
    assert!(
        single[0].contains("request-bound") && single[0].contains("'If-None-Match: *'"),
        "{single:?}"
    );

    // Three URLs as arguments, and the same three from a list: one note, the single token's.
    let list = dir.path().join("urls.txt");
    std::fs::write(&list, urls.join("\n")).unwrap();
    let from_list = ["--from-file", list.to_str().unwrap()].map(String::from);
    for input in [&urls[..], &from_list[..]] {
        let out = mint(&key, input, &["--create-only"]);
        assert_eq!(
            String::from_utf8(out.stdout).unwrap().lines().count(),
            3,
            "three tokens"
        );
        assert_eq!(notes(&out.stderr), single, "{input:?}");
    }

    // Headers and query parameters, as a single token names them.
    let bound = [
        "--create-only",
        "--require-header",
        "x-ms-meta-batch: 20",
        "--require-query",
        "tag=t1",
    ];
    let single = notes(&mint(&key, &urls[..1], &bound).stderr);
    assert_eq!(single.len(), 1, "{single:?}");
    assert!(single[0].contains("'tag=t1'"), "{single:?}");
    assert_eq!(notes(&mint(&key, &urls, &bound).stderr), single);
}

#[test]
fn quiet_or_unbound_a_batch_prints_no_binding_note() {
    let dir = tempfile::tempdir().unwrap();
    let key = key_file(dir.path());
    let urls: Vec<String> = (1..=3).map(blob).collect();

    let quiet = mint(&key, &urls, &["--create-only", "--quiet"]);
    assert_eq!(String::from_utf8(quiet.stdout).unwrap().lines().count(), 3);
    assert!(
        !String::from_utf8_lossy(&quiet.stderr).contains("request-bound"),
        "{}",
        String::from_utf8_lossy(&quiet.stderr)
    );

    let unbound = mint(&key, &urls, &[]);
    assert!(
        !String::from_utf8_lossy(&unbound.stderr).contains("request-bound"),
        "{}",
        String::from_utf8_lossy(&unbound.stderr)
    );
}
