//! A process-wide list of secret values, scrubbed from everything sasmint writes to stderr.
//!
//! Secrets are registered as soon as they are known: bearer tokens when a credential returns
//! them, the delegation key's value, every signature, and the secret environment variables.
//! Log lines and error messages are then passed through [`scrub`] before they are written.

use std::borrow::Cow;
use std::io::{self, Write};
use std::sync::{Mutex, PoisonError};

/// The secrets, and whether they still need sorting (longest first) before the next scrub.
static SECRETS: Mutex<(Vec<String>, bool)> = Mutex::new((Vec::new(), false));

/// What replaces a secret.
pub const MARK: &str = "[REDACTED]";

/// Remembers a secret (and its percent-encoded forms) so it is scrubbed from stderr.
pub fn register(secret: &str) {
    // Short strings would scrub innocent text; real secrets here are long.
    if secret.len() < 8 {
        return;
    }
    let encoded = percent_encoding::utf8_percent_encode(secret, percent_encoding::NON_ALPHANUMERIC)
        .to_string();
    let partly = secret.replace('+', "%2B").replace('=', "%3D");
    let mut guard = SECRETS.lock().unwrap_or_else(PoisonError::into_inner);
    let (list, unsorted) = &mut *guard;
    list.extend([secret.to_owned(), encoded, partly]);
    *unsorted = true;
}

/// Registers the signature in a token (`sig=`): as emitted, decoded, and in the partly
/// encoded form other tools print (`/` raw). Cheap: batches register thousands.
pub fn register_token(token: &str) {
    let Some(sig) = crate::sas::query_param(token, "sig") else {
        return;
    };
    let Ok(decoded) = percent_encoding::percent_decode_str(sig).decode_utf8() else {
        return register(sig);
    };
    let partly = decoded.replace('+', "%2B").replace('=', "%3D");
    let mut guard = SECRETS.lock().unwrap_or_else(PoisonError::into_inner);
    let (list, unsorted) = &mut *guard;
    list.extend([sig.to_owned(), decoded.into_owned(), partly]);
    *unsorted = true;
}

/// Registers the values of the environment variables that hold secrets.
pub fn register_env() {
    for name in [
        "AZURE_CLIENT_SECRET",
        "IDENTITY_HEADER",
        "MSI_SECRET",
        "SYSTEM_ACCESSTOKEN",
        "AZURE_STORAGE_KEY",
        "AZURE_STORAGE_SAS_TOKEN",
        "MAXAR_ARD_TOKEN",
        "MAXAR_ARD_PASSWORD",
    ] {
        if let Ok(value) = std::env::var(name) {
            register(&value);
        }
    }
}

/// Replaces every registered secret in `text`.
pub fn scrub(text: &str) -> Cow<'_, str> {
    let mut guard = SECRETS.lock().unwrap_or_else(PoisonError::into_inner);
    let (list, unsorted) = &mut *guard;
    if *unsorted {
        // Longest first, so a secret is not partly replaced by a shorter form of itself.
        list.sort_unstable_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        list.dedup();
        *unsorted = false;
    }
    let mut out = Cow::Borrowed(text);
    for secret in list.iter() {
        if out.contains(secret.as_str()) {
            out = Cow::Owned(out.replace(secret.as_str(), MARK));
        }
    }
    out
}

/// A stderr writer for `tracing`: buffers one event and writes it scrubbed.
#[derive(Default)]
pub struct ScrubbedStderr(Vec<u8>);

impl Write for ScrubbedStderr {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.0.is_empty() {
            return Ok(());
        }
        let text = String::from_utf8_lossy(&self.0);
        let result = io::stderr().lock().write_all(scrub(&text).as_bytes());
        self.0.clear();
        result
    }
}

impl Drop for ScrubbedStderr {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubs_all_forms() {
        register("abc+def/ghi=");
        assert_eq!(scrub("x abc+def/ghi= y"), "x [REDACTED] y");
        assert_eq!(scrub("x abc%2Bdef%2Fghi%3D y"), "x [REDACTED] y");
        assert_eq!(scrub("x abc%2Bdef/ghi%3D y"), "x [REDACTED] y");
        assert_eq!(scrub("nothing here"), "nothing here");
    }

    #[test]
    fn scrubs_token_signatures() {
        register_token("sv=2026-04-06&sig=AbCd%2BeFgH%2FiJkLmN%3D");
        assert_eq!(scrub("a AbCd+eFgH/iJkLmN= b"), "a [REDACTED] b");
        assert_eq!(scrub("a AbCd%2BeFgH%2FiJkLmN%3D b"), "a [REDACTED] b");
        assert_eq!(scrub("a AbCd%2BeFgH/iJkLmN%3D b"), "a [REDACTED] b");
    }

    #[test]
    fn ignores_short_values() {
        register("ab");
        assert_eq!(scrub("ab ab"), "ab ab");
    }
}
