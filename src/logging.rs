//! Diagnostics on stderr through `tracing`, every line scrubbed of secrets.
//!
//! Default: sasmint's own warnings only; the libraries' log lines would repeat, in their words,
//! the failure sasmint reports with a hint (a TLS library's `ERROR … UnknownIssuer` before
//! "the certificate is not trusted"). `-v`: sasmint's progress and the libraries' warnings.
//! `-vv`: also every HTTP request the Azure SDK makes (method, URL with only safe query
//! parameters, allow-listed headers). `-q`: nothing but sasmint's error. `RUST_LOG` overrides
//! all of these.

use crate::io::log_writer::ScrubbedStderr;
use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};
use tracing_subscriber::EnvFilter;

pub fn init(verbose: u8, quiet: bool) {
    // sasmint itself logs progress (info) and requests (debug) only, and the libraries are off
    // by default: without -v or RUST_LOG nothing would pass the filter, so none is set up
    // (building it is a tenth of an offline mint's run time).
    if (quiet || verbose == 0) && std::env::var_os("RUST_LOG").is_none() {
        return;
    }
    let default = match (quiet, verbose) {
        (true, _) => "off",
        (false, 0) => "off,sasmint=warn",
        (false, 1) => "warn,sasmint=info",
        (false, _) => "warn,sasmint=debug,azure_core=debug,typespec_client_core=debug,azure_identity=debug,azure_storage_blob=debug",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(ScrubbedStderr::default)
        // No colour: every log line has its control characters escaped (ScrubbedStderr).
        .with_ansi(false)
        .with_target(verbose >= 2)
        .without_time()
        .try_init();
}

/// Installs the hook that reports a panic (a bug: no input should cause one) as one line,
/// `sasmint: internal error: …`, scrubbed of secrets and with control characters escaped, and
/// exits 1: no backtrace, whatever `RUST_BACKTRACE` says.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        // A second panic while reporting the first (or in another thread meanwhile): the
        // first report decides, and exits.
        static REPORTING: AtomicBool = AtomicBool::new(false);
        if REPORTING.swap(true, Ordering::SeqCst) {
            return;
        }
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_owned());
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()));
        let scrubbed = scrub_or_withhold(message, |m| crate::domain::redact::scrub(m).into_owned());
        let line = internal_error_line(scrubbed.as_deref(), location.as_deref());
        let _ = writeln!(std::io::stderr(), "{line}");
        std::process::exit(1);
    }));
    #[cfg(debug_assertions)]
    debug_panic();
}

/// Debug builds only (never in a release): `SASMINT_DEBUG_PANIC=TEXT` panics with TEXT (after
/// registering the environment's secrets), so tests can check the hook's one line.
#[cfg(debug_assertions)]
fn debug_panic() {
    if let Some(text) = std::env::var_os("SASMINT_DEBUG_PANIC") {
        crate::io::secrets_env::register_env();
        panic!("{}", text.to_string_lossy());
    }
}

/// Scrubs `message` of registered secrets (with `scrub`: the process's registry, or a test's)
/// on a helper thread: if the panic happened while the secret registry was locked (or
/// scrubbing itself panics), the message is withheld (`None`) rather than printed unscrubbed or
/// waited on for ever.
fn scrub_or_withhold(
    message: String,
    scrub: impl FnOnce(&str) -> String + Send + 'static,
) -> Option<String> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .spawn(move || {
            let _ = tx.send(scrub(&message));
        })
        .ok()?;
    rx.recv_timeout(std::time::Duration::from_secs(2)).ok()
}

/// The most of a panic message shown, in characters.
const PANIC_MESSAGE_CHARS: usize = 300;

/// `sasmint: internal error: MESSAGE (at FILE:LINE)` on one line: control characters escaped
/// (`\n`, `\x1b`), the message cut with `…`. `None` when the message could not be scrubbed.
fn internal_error_line(scrubbed: Option<&str>, location: Option<&str>) -> String {
    let mut line = String::from("sasmint: internal error: ");
    match scrubbed {
        Some(message) => {
            for (i, c) in message.chars().enumerate() {
                if i == PANIC_MESSAGE_CHARS {
                    line.push('…');
                    break;
                }
                match c {
                    '\n' => line.push_str("\\n"),
                    '\r' => line.push_str("\\r"),
                    '\t' => line.push_str("\\t"),
                    c if c.is_control() => {
                        let _ = write!(line, "\\x{:02x}", u32::from(c));
                    }
                    c => line.push(c),
                }
            }
        }
        None => line.push_str("(the message is withheld: it could not be checked for secrets)"),
    }
    if let Some(location) = location {
        let _ = write!(line, " (at {location})");
    }
    line.push_str("; please report this bug");
    // Nor may it command a CI runner (domain::neutral).
    crate::domain::neutral::text(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_one_escaped_scrubbed_line() {
        // A registry of this test's own, shared with the scrubbing thread.
        let secrets = std::sync::Arc::new(crate::domain::redact::Secrets::new());
        secrets.register("s3cr3t-panic-value-0123456789");
        let message = "bad \u{1b}[31mthing\r\nsecond line s3cr3t-panic-value-0123456789\u{7}";
        let scrubbed =
            scrub_or_withhold(message.to_owned(), move |m| secrets.scrub(m).into_owned());
        let line = internal_error_line(scrubbed.as_deref(), Some("src/domain/x.rs:12"));
        assert_eq!(
            line,
            "sasmint: internal error: bad \\x1b[31mthing\\r\\nsecond line [REDACTED]\\x07 (at src/domain/x.rs:12); please report this bug"
        );
        assert!(!line.chars().any(char::is_control));
    }

    #[test]
    fn a_long_or_unscrubbable_panic_message_is_cut_or_withheld() {
        let long = "x".repeat(10_000);
        let line = internal_error_line(Some(&long), None);
        assert!(line.ends_with("x…; please report this bug"), "{line}");
        assert!(line.chars().count() < PANIC_MESSAGE_CHARS + 60);
        let line = internal_error_line(None, None);
        assert!(line.starts_with("sasmint: internal error: (the message is withheld"));
    }
}
