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
    register_at_least(secret, 8);
}

/// [`register`] for values the user chose (passwords): shorter ones count too.
fn register_at_least(secret: &str, shortest: usize) {
    if secret.len() < shortest {
        return;
    }
    let mut guard = SECRETS.lock().unwrap_or_else(PoisonError::into_inner);
    let (list, unsorted) = &mut *guard;
    list.extend(forms(secret, shortest));
    *unsorted = true;
}

/// A secret as other software may print it: as is, percent-encoded (upper- or lower-case
/// escapes, fully or only `+` and `=`), and base64 without its `=` padding.
fn forms(secret: &str, shortest: usize) -> Vec<String> {
    let mut out = Vec::with_capacity(8);
    for s in [secret, secret.trim_end_matches('=')] {
        if s.len() < shortest {
            continue;
        }
        let encoded = percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC)
            .to_string();
        let partly = s.replace('+', "%2B").replace('=', "%3D");
        out.push(lower_escapes(&encoded));
        out.push(lower_escapes(&partly));
        out.extend([s.to_owned(), encoded, partly]);
    }
    out
}

/// `%2B` → `%2b`: .NET and others write percent-escapes in lower case.
fn lower_escapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '%' {
            for _ in 0..2 {
                if let Some(h) = chars.next() {
                    out.push(h.to_ascii_lowercase());
                }
            }
        }
    }
    out
}

/// Registers the signature in a token (`sig=`): as emitted, decoded, and in the partly
/// encoded form other tools print (`/` raw). Cheap: batches register thousands.
pub fn register_token(token: &str) {
    let Some(sig) = crate::domain::sas::query_param(token, "sig") else {
        return;
    };
    let Ok(decoded) = percent_encoding::percent_decode_str(sig).decode_utf8() else {
        return register(sig);
    };
    let partly = decoded.replace('+', "%2B").replace('=', "%3D");
    let trimmed = decoded.trim_end_matches('=').to_owned();
    let mut guard = SECRETS.lock().unwrap_or_else(PoisonError::into_inner);
    let (list, unsorted) = &mut *guard;
    list.extend([
        lower_escapes(sig),
        lower_escapes(&partly),
        sig.to_owned(),
        partly,
        trimmed,
        decoded.into_owned(),
    ]);
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
            // People choose passwords; a short one is still a secret.
            register_at_least(&value, 4);
        }
    }
    // The federated token (workload identity) is a bearer credential too.
    if let Some(path) = std::env::var_os("AZURE_FEDERATED_TOKEN_FILE") {
        if let Ok(token) = std::fs::read_to_string(path) {
            register(token.trim());
        }
    }
}

/// Replaces every registered secret in `text`, then masks whatever still looks like one (see
/// [`mask_patterns`]): a service may echo a token sasmint never saw, or only part of one.
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
    drop(guard);
    match mask_patterns(&out) {
        Some(masked) => Cow::Owned(masked),
        None => out,
    }
}

/// Text before a secret value, matched ASCII-case-insensitively: a SAS signature in a query
/// string, a bearer token in a header, and the JSON fields of request bodies that carry
/// passwords and tokens.
const SECRET_PREFIXES: &[&str] = &[
    "sig=",
    "bearer ",
    "\"password\":\"",
    "\"access_token\":\"",
    "\"refresh_token\":\"",
    "\"client_secret\":\"",
];

/// Masks the value after each of [`SECRET_PREFIXES`], up to the first character that cannot be
/// part of it. `None` when there is nothing to mask.
pub fn mask_patterns(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let bytes = text.as_bytes();
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    for prefix in SECRET_PREFIXES {
        let in_json = prefix.starts_with('"');
        let mut from = 0;
        while let Some(found) = lower[from..].find(prefix) {
            let at = from + found;
            let start = at + prefix.len();
            from = start;
            // `sig=` only as a whole parameter name: not `xsig=`.
            if !in_json && at > 0 && bytes[at - 1].is_ascii_alphanumeric() {
                continue;
            }
            let end = bytes[start..]
                .iter()
                .position(|&b| {
                    if in_json {
                        b == b'"'
                    } else {
                        b.is_ascii_whitespace() || b"&\"'`<>,;()[]{}\\".contains(&b)
                    }
                })
                .map_or(bytes.len(), |n| start + n);
            // `sig=...` in a hint is an example, not a secret.
            // Prose says "bearer tokens"; a real bearer token is long.
            let shortest = if *prefix == "bearer " { 20 } else { 1 };
            if end - start >= shortest && !text[start..end].bytes().all(|b| b == b'.') {
                cuts.push((start, end));
            }
        }
    }
    // JSON Web Tokens (bearer and federated tokens): `eyJ…` with at least one `.`.
    let token_char = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.';
    let mut from = 0;
    while let Some(found) = text[from..].find("eyJ") {
        let start = from + found;
        let end = bytes[start..]
            .iter()
            .position(|&b| !token_char(b))
            .map_or(bytes.len(), |n| start + n);
        from = end;
        let boundary = start == 0 || !token_char(bytes[start - 1]);
        if boundary && end - start >= 20 && text[start..end].contains('.') {
            cuts.push((start, end));
        }
    }
    if cuts.is_empty() {
        return None;
    }
    cuts.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    for (start, end) in cuts {
        if start < done {
            continue;
        }
        out.push_str(&text[done..start]);
        out.push_str(MARK);
        done = end;
    }
    out.push_str(&text[done..]);
    Some(out)
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
    fn masks_what_looks_like_a_secret() {
        let cases = [
            (
                "bad token sv=2026-04-06&sr=c&sig=Zm9v%2Bbar%3D&x=1 end",
                "bad token sv=2026-04-06&sr=c&sig=[REDACTED]&x=1 end",
            ),
            ("<Sig=abc/def+g=>", "<Sig=[REDACTED]>"),
            ("trailing ...&sig=abcdef", "trailing ...&sig=[REDACTED]"),
            (
                "Authorization: Bearer eyJhbGciOi.eyJzdWIi.c2ln rest",
                "Authorization: Bearer [REDACTED] rest",
            ),
            (
                r#"{"username":"me","password":"hunter2","access_token":"tok"}"#,
                r#"{"username":"me","password":"[REDACTED]","access_token":"[REDACTED]"}"#,
            ),
            (
                "xsig=notasecret and sig= empty",
                "xsig=notasecret and sig= empty",
            ),
            ("sig=[REDACTED] already", "sig=[REDACTED] already"),
            (
                "pass sv=...&sig=... or the `sig=` value",
                "pass sv=...&sig=... or the `sig=` value",
            ),
            ("nothing here", "nothing here"),
            (
                "AADSTS700211: assertion eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl is bad",
                "AADSTS700211: assertion [REDACTED] is bad",
            ),
            ("eyJustAWord and eyJ.", "eyJustAWord and eyJ."),
            (
                "the service accepts bearer tokens over https only",
                "the service accepts bearer tokens over https only",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(scrub(input), want, "{input}");
        }
    }

    #[test]
    fn scrubs_other_spellings_of_a_secret() {
        register("Zm9vYmFyYmF6+/quux==");
        for shown in [
            "Zm9vYmFyYmF6%2b%2fquux%3d%3d", // lower-case escapes
            "Zm9vYmFyYmF6+/quux",           // padding stripped
            "Zm9vYmFyYmF6%2B%2Fquux",       // stripped, then encoded
        ] {
            assert_eq!(scrub(&format!("x {shown} y")), "x [REDACTED] y", "{shown}");
        }
        register_token("sv=1&sig=AbCdEfGhIjKl%2bMnOp%3d");
        assert_eq!(scrub("a AbCdEfGhIjKl+MnOp b"), "a [REDACTED] b");
        assert_eq!(scrub("a AbCdEfGhIjKl%2bMnOp%3d b"), "a [REDACTED] b");
    }

    #[test]
    fn passwords_count_from_four_characters() {
        register_at_least("Tr0ub4d", 4);
        assert_eq!(
            scrub("wrong password 'Tr0ub4d'"),
            "wrong password '[REDACTED]'"
        );
    }

    #[test]
    fn ignores_short_values() {
        register("ab");
        assert_eq!(scrub("ab ab"), "ab ab");
    }
}
