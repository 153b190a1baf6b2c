//! Issue 10, "no panic on any input". Inputs that once panicked, and the panic hook: should a
//! bug still panic, the user sees one line, `sasmint: internal error: …`, scrubbed and escaped,
//! and exit 1 — no backtrace. (The parsers themselves are driven by the property tests in
//! `src/domain/proptests.rs`.)

use std::process::Command;

/// The panic is triggered by `SASMINT_DEBUG_PANIC`, which only debug builds (the ones tests
/// run) honour.
#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "SASMINT_DEBUG_PANIC exists in debug builds only"
)]
fn a_panic_is_one_scrubbed_line_and_exit_1() {
    let secret = "Xy58Q~4dK.Lm_pQ-secret-0123456789";
    let out = Command::new(env!("CARGO_BIN_EXE_sasmint"))
        .args(["mint", "https://myacct.blob.core.windows.net/c"])
        .env(
            "SASMINT_DEBUG_PANIC",
            format!("boom {secret}\n\u{1b}[31mnext"),
        )
        .env("AZURE_CLIENT_SECRET", secret)
        .env("RUST_BACKTRACE", "full")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty());
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].starts_with("sasmint: internal error: boom [REDACTED]\\n\\x1b[31mnext"),
        "{stderr}"
    );
    for bad in [secret, "panicked", "backtrace", "\u{1b}"] {
        assert!(!stderr.contains(bad), "{bad:?} in {stderr}");
    }
}

/// `SSL_CERT_FILE` naming no certificate: reqwest cannot build its client. That was a panic
/// (exit 101); it is a TLS failure (exit 7), before any request.
#[test]
fn no_usable_ca_certificate_is_exit_7() {
    let out = Command::new(env!("CARGO_BIN_EXE_sasmint"))
        .args([
            "mint",
            "https://127.0.0.1:9/devstoreaccount1/imagery",
            "--auth",
            "managed-identity",
        ])
        .env("SSL_CERT_FILE", "/nonexistent/ca.pem")
        .env("SSL_CERT_DIR", "/nonexistent")
        .env("IDENTITY_ENDPOINT", "http://127.0.0.1:9/token")
        .env("IDENTITY_HEADER", "header-0123456789")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(7), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(
        stderr.starts_with("sasmint: error: cannot set up TLS"),
        "{stderr}"
    );
    assert!(stderr.contains("SSL_CERT_FILE"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
