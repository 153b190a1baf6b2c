//! Masking what looks like a secret, registered or not: a value after `sig=`, `Bearer ` or a
//! password field, and JSON Web Tokens.

/// What replaces a secret.
pub const MARK: &str = "[REDACTED]";

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
            // A JSON string ends at a `"` that no `\` escapes (`\"` is part of the value).
            let mut escaped = false;
            let end = bytes[start..]
                .iter()
                .position(|&b| {
                    if in_json {
                        let ends = b == b'"' && !escaped;
                        escaped = b == b'\\' && !escaped;
                        ends
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
