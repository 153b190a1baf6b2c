//! A process-wide list of secret values, scrubbed from everything sasmint writes to stderr.
//!
//! Secrets are registered as soon as they are known: bearer tokens when a credential returns
//! them, the delegation key's value, every signature, and the secret environment variables.
//! Log lines and error messages are then passed through [`scrub`] before they are written.
//!
//! # Every spelling
//!
//! A server or a library may echo a secret in another spelling than the one sasmint sent:
//! percent- or form-encoded, JSON- or Rust-escaped (once or twice), as an XML entity, split
//! over a line break, in base64 (alone, or inside `Bearer …`), or only one segment of a JWT.
//! Rather than registering every spelling of every secret (which cannot be complete: escapes
//! nest), the registry keeps each secret in its plain form, and [`scrub`] looks for it in
//! *views* of the text:
//!
//! 1. the text with its line breaks removed (so a secret split over `\n` or `\r\n` is found
//!    whole);
//! 2. up to three rounds of decoding of that view: `%XX` (either case), `\uXXXX` (either case,
//!    surrogate pairs too), `\u{…}`, `\xXX`, `\/`, `\"` and friends behind any number of
//!    backslashes, XML/HTML entities (`&#x7E;`, `&#126;`, `&amp;`), with escaped line breaks
//!    (`\n`, `%0A`, …) removed;
//! 3. each of those views read as base64 (standard or URL-safe alphabet, padded or not), from
//!    each of the four possible starting points of every run of base64 characters: a secret
//!    inside `base64("Bearer " + token)` is found like one encoded alone.
//!
//! Every byte of a view remembers which part of the original text it came from, so a match
//! replaces exactly the original characters that spell the secret, escapes included. Form
//! encoding writes a space as `+`: a secret with a space is also registered with `+` in its
//! place. A JWT also registers its payload and signature segments (its header is the same in
//! every token and not secret).
//!
//! Scrubbing costs a few passes over the text whatever the number of secrets: secrets of 8
//! bytes or more are indexed by their first 8 bytes. Registering is one hash insert per form.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{self, Write};
use std::sync::{Mutex, PoisonError};

/// The registered secrets; `None` until the first one (an offline mint with nothing to hide
/// builds nothing).
static SECRETS: Mutex<Option<Registry>> = Mutex::new(None);

/// What replaces a secret.
pub const MARK: &str = "[REDACTED]";

/// How many bytes of a needle index it.
const KEY: usize = 8;

/// The forms to look for.
#[derive(Default)]
struct Registry {
    /// Needles of [`KEY`] bytes or more, by their first [`KEY`] bytes.
    long: HashMap<u64, Vec<Box<[u8]>>, BuildHasherDefault<KeyHasher>>,
    /// The first two bytes of the long needles, one bit each: most positions of a text are
    /// passed over with one bit test. Built at the first scrub after a change, so registering
    /// (every mint registers its token) costs no 8 KiB table when nothing is ever scrubbed.
    starts: std::cell::OnceCell<Vec<u64>>,
    /// Shorter needles: short secrets the user chose, and their exact base64 spellings.
    short: Vec<Box<[u8]>>,
}

/// The bit of [`Registry::starts`] for a needle or text position.
fn start_bit(bytes: &[u8]) -> (usize, u64) {
    let n = usize::from(u16::from_le_bytes([bytes[0], bytes[1]]));
    (n / 64, 1 << (n % 64))
}

impl Registry {
    fn add(&mut self, needle: &[u8]) {
        if needle.is_empty() {
            return;
        }
        if needle.len() < KEY {
            if !self.short.iter().any(|n| **n == *needle) {
                self.short.push(needle.into());
            }
            return;
        }
        self.starts = std::cell::OnceCell::new();
        let bucket = self.long.entry(key_of(needle)).or_default();
        if !bucket.iter().any(|n| **n == *needle) {
            bucket.push(needle.into());
        }
    }

    /// Every match of a needle in `view`, as ranges of `view`. Needles shorter than
    /// `shortest` are not looked for (the base64 views are mostly noise).
    fn find(&self, view: &[u8], shortest: usize, out: &mut Vec<(usize, usize)>) {
        if view.len() >= KEY && !self.long.is_empty() {
            let starts = self.starts.get_or_init(|| {
                let mut starts = vec![0; 1 << 10];
                for needle in self.long.values().flatten() {
                    let (word, bit) = start_bit(needle);
                    starts[word] |= bit;
                }
                starts
            });
            for i in 0..=view.len() - KEY {
                let (word, bit) = start_bit(&view[i..]);
                if starts[word] & bit == 0 {
                    continue;
                }
                if let Some(bucket) = self.long.get(&key_of(&view[i..])) {
                    for needle in bucket {
                        if view[i..].starts_with(needle) {
                            out.push((i, i + needle.len()));
                        }
                    }
                }
            }
        }
        for needle in self.short.iter().filter(|n| n.len() >= shortest) {
            let mut from = 0;
            while let Some(at) = find_bytes(&view[from..], needle) {
                out.push((from + at, from + at + needle.len()));
                from += at + 1;
            }
        }
    }
}

fn key_of(bytes: &[u8]) -> u64 {
    let mut key = [0u8; KEY];
    key.copy_from_slice(&bytes[..KEY]);
    u64::from_le_bytes(key)
}

fn find_bytes(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The index keys are 8 bytes of text: a multiply-fold is enough (and far cheaper than SipHash,
/// which would be paid for every position of every view).
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(self.0 ^ u64::from(b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        let h = (n ^ self.0).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = h ^ (h >> 29);
    }
}

/// Remembers a secret sasmint computed or received as data (a delegation key's value, a
/// signature), in all its spellings (see the module documentation). Such values are long; a
/// value shorter than 8 bytes is not one of them and is not registered, so that it cannot
/// garble text.
pub fn register(secret: &str) {
    register_at_least(secret, 8);
}

/// [`register`] for a credential sasmint sends (a client secret, a password, a bearer token,
/// an ARD token): a server can echo it, so it counts whatever its length. A JWT's payload and
/// signature segments are registered on their own too.
pub fn register_credential(secret: &str) {
    register_at_least(secret, 1);
}

fn register_at_least(secret: &str, shortest: usize) {
    if secret.len() < shortest || secret.is_empty() {
        return;
    }
    let mut guard = SECRETS.lock().unwrap_or_else(PoisonError::into_inner);
    add_forms(
        guard.get_or_insert_with(Registry::default),
        secret,
        shortest,
    );
}

/// The forms of one secret that are looked for in the decoded views of a text.
fn add_forms(registry: &mut Registry, secret: &str, shortest: usize) {
    // Base64 padding is often dropped: look for the secret without it too (a prefix of
    // itself; where the padding is there, the whole secret matches as well).
    registry.add(secret.as_bytes());
    let trimmed = secret.trim_end_matches('=');
    let plain = if trimmed.len() >= shortest.max(1) {
        trimmed
    } else {
        secret
    };
    registry.add(plain.as_bytes());
    if secret.contains(' ') {
        registry.add(secret.replace(' ', "+").as_bytes());
    }
    // Form encoding writes a space as `+` (and a `+` as `%2B`, which the views decode).
    if plain.contains(' ') {
        registry.add(plain.replace(' ', "+").as_bytes());
    }
    // A JWT's payload and signature, printed alone. Its header (`{"alg":…}`) is in every
    // token and is no secret.
    let segments: Vec<&str> = secret.split('.').collect();
    if segments.len() >= 3 && secret.starts_with("eyJ") {
        for segment in &segments[1..] {
            if segment.len() >= 8 {
                registry.add(segment.as_bytes());
            }
        }
    }
    // The base64 views skip needles under 3 bytes (noise would match them): spell those out.
    if plain.len() < 3 {
        use base64::Engine;
        let std = base64::engine::general_purpose::STANDARD;
        let url = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let bearer = format!("Bearer {plain}");
        for form in [
            std.encode(plain),
            url.encode(plain),
            std.encode(&bearer),
            url.encode(&bearer),
        ] {
            registry.add(form.as_bytes());
        }
    }
}

/// Registers the signature in a token (`sig=`). Cheap: batches register thousands.
pub fn register_token(token: &str) {
    let Some(sig) = crate::domain::sas::query_param(token, "sig") else {
        return;
    };
    match percent_encoding::percent_decode_str(sig).decode_utf8() {
        Ok(decoded) => register(&decoded),
        Err(_) => register(sig),
    }
}

/// Registers the values of the environment variables that hold secrets, whatever their length
/// (people choose passwords and tokens; a short one is still a secret).
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
            register_credential(&value);
        }
    }
    // The federated token (workload identity) is a bearer credential too.
    if let Some(path) = std::env::var_os("AZURE_FEDERATED_TOKEN_FILE") {
        if let Ok(token) = std::fs::read_to_string(path) {
            register_credential(token.trim());
        }
    }
}

/// Replaces every registered secret in `text`, in any spelling (see the module
/// documentation), then masks whatever still looks like one (see [`mask_patterns`]): a
/// service may echo a token sasmint never saw, or only part of one.
pub fn scrub(text: &str) -> Cow<'_, str> {
    let cuts = {
        let guard = SECRETS.lock().unwrap_or_else(PoisonError::into_inner);
        match &*guard {
            Some(registry) => secret_spans(registry, text),
            None => Vec::new(),
        }
    };
    let out = if cuts.is_empty() {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(replace_spans(text, cuts))
    };
    match mask_patterns(&out) {
        Some(masked) => Cow::Owned(masked),
        None => out,
    }
}

/// A text as seen after some decoding: each byte with the range of the original text it came
/// from.
struct View {
    bytes: Vec<u8>,
    from: Vec<(u32, u32)>,
}

impl View {
    fn push(&mut self, byte: u8, from: (u32, u32)) {
        self.bytes.push(byte);
        self.from.push(from);
    }

    fn push_char(&mut self, c: char, from: (u32, u32)) {
        let mut buf = [0u8; 4];
        for &b in c.encode_utf8(&mut buf).as_bytes() {
            self.push(b, from);
        }
    }

    /// The original range of `self.bytes[start..end]`.
    fn span(&self, start: usize, end: usize) -> (u32, u32) {
        (self.from[start].0, self.from[end - 1].1)
    }
}

/// How much of a text is decoded at a time, and how much consecutive pieces share: a text of
/// any size is scrubbed in bounded memory (its views cost ~30 bytes per byte of a piece), and
/// a spelling of a secret up to [`OVERLAP`] bytes long is found wherever it is.
const PIECE: usize = 64 * 1024;
const OVERLAP: usize = 16 * 1024;

/// Where the registered secrets are in `text`, in any spelling: ranges of `text`.
fn secret_spans(registry: &Registry, text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut start = 0;
    loop {
        let end = (start + PIECE).min(bytes.len());
        spans_in(registry, &bytes[start..end], start, &mut spans);
        if end == bytes.len() {
            return spans;
        }
        start = end - OVERLAP;
    }
}

/// [`secret_spans`] of one piece that starts at `offset` in the text.
fn spans_in(registry: &Registry, piece: &[u8], offset: usize, spans: &mut Vec<(usize, usize)>) {
    let mut found = Vec::new();
    let mut record = |found: &mut Vec<(usize, usize)>, view: &View| {
        spans.extend(found.drain(..).map(|(s, e)| {
            let (s, e) = view.span(s, e);
            (offset + s as usize, offset + e as usize)
        }));
    };
    // 1. Line breaks out: a secret split over two lines is whole again.
    let mut view = View {
        bytes: Vec::with_capacity(piece.len()),
        from: Vec::with_capacity(piece.len()),
    };
    for (i, &b) in (0u32..).zip(piece) {
        if b != b'\n' && b != b'\r' {
            view.push(b, (i, i + 1));
        }
    }
    // 2. Rounds of unescaping, for escapes inside escaped strings (JSON in a JSON string,
    //    a Rust `{:?}` of a JSON body).
    for round in 0..=3 {
        registry.find(&view.bytes, 1, &mut found);
        record(&mut found, &view);
        // 3. The same view read as base64, from each possible start.
        for start in 0..4 {
            let decoded = base64_view(&view, start);
            registry.find(&decoded.bytes, 3, &mut found);
            record(&mut found, &decoded);
        }
        if round == 3 {
            break;
        }
        match unescape(&view) {
            Some(next) => view = next,
            None => break,
        }
    }
}

/// `text` with each of `spans` (merged where they overlap or touch, widened to whole
/// characters) replaced by [`MARK`].
fn replace_spans(text: &str, mut spans: Vec<(usize, usize)>) -> String {
    for (start, end) in &mut spans {
        while !text.is_char_boundary(*start) {
            *start -= 1;
        }
        while !text.is_char_boundary(*end) {
            *end += 1;
        }
    }
    spans.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    let mut open: Option<(usize, usize)> = None;
    for (start, end) in spans {
        match &mut open {
            Some((_, e)) if start <= *e => *e = (*e).max(end),
            _ => {
                if let Some((s, e)) = open.take() {
                    out.push_str(&text[done..s]);
                    out.push_str(MARK);
                    done = e;
                }
                open = Some((start, end));
            }
        }
    }
    if let Some((s, e)) = open {
        out.push_str(&text[done..s]);
        out.push_str(MARK);
        done = e;
    }
    out.push_str(&text[done..]);
    out
}

fn hex(b: u8) -> Option<u32> {
    (b as char).to_digit(16)
}

/// The value of `n` hex digits at `bytes[at..]`.
fn hex_at(bytes: &[u8], at: usize, n: usize) -> Option<u32> {
    let digits = bytes.get(at..at + n)?;
    digits.iter().try_fold(0, |v, &b| Some(v * 16 + hex(b)?))
}

/// One round of decoding: percent-escapes, backslash escapes (behind any number of
/// backslashes) and character references; escaped line breaks are dropped. `None` if there
/// was nothing to decode.
fn unescape(view: &View) -> Option<View> {
    let bytes = &view.bytes;
    if !bytes.iter().any(|b| matches!(b, b'%' | b'\\' | b'&')) {
        return None;
    }
    let mut out = View {
        bytes: Vec::with_capacity(bytes.len()),
        from: Vec::with_capacity(bytes.len()),
    };
    let mut changed = false;
    let mut i = 0;
    while i < bytes.len() {
        let (decoded, next) = match bytes[i] {
            b'%' => match hex_at(bytes, i + 1, 2) {
                Some(v) => (Some(Decoded::Byte(v as u8)), i + 3),
                None => (None, i + 1),
            },
            b'\\' => backslash(bytes, i),
            b'&' => entity(bytes, i),
            _ => (None, i + 1),
        };
        match decoded {
            None => out.push(bytes[i], view.from[i]),
            Some(d) => {
                changed = true;
                let from = view.span(i, next);
                match d {
                    // Line breaks, escaped or decoded, are dropped like the raw ones.
                    Decoded::Byte(b'\n' | b'\r') | Decoded::Char('\n' | '\r') => {}
                    Decoded::Byte(b) => out.push(b, from),
                    Decoded::Char(c) => out.push_char(c, from),
                }
            }
        }
        i = next;
    }
    changed.then_some(out)
}

enum Decoded {
    Byte(u8),
    Char(char),
}

/// A backslash escape at `bytes[at]`, behind any number of backslashes (each round of JSON
/// or `{:?}` doubles them): what it stands for, and where it ends.
fn backslash(bytes: &[u8], at: usize) -> (Option<Decoded>, usize) {
    let mut i = at;
    while bytes.get(i) == Some(&b'\\') {
        i += 1;
    }
    let Some(&c) = bytes.get(i) else {
        return (None, at + 1);
    };
    let simple = |c: char| (Some(Decoded::Char(c)), i + 1);
    match c {
        b'u' if bytes.get(i + 1) == Some(&b'{') => {
            let digits = bytes[i + 2..].iter().take(7).position(|&b| b == b'}');
            match digits
                .filter(|&n| (1..=6).contains(&n))
                .and_then(|n| Some((hex_at(bytes, i + 2, n)?, n)))
                .and_then(|(v, n)| Some((char::from_u32(v)?, n)))
            {
                Some((ch, n)) => (Some(Decoded::Char(ch)), i + 3 + n),
                None => (None, at + 1),
            }
        }
        b'u' => match hex_at(bytes, i + 1, 4) {
            Some(high @ 0xD800..=0xDBFF) => {
                // A surrogate pair: `\uD83D\uDE00`.
                let mut j = i + 5;
                let mut backslashes = 0;
                while bytes.get(j) == Some(&b'\\') {
                    j += 1;
                    backslashes += 1;
                }
                let low = (backslashes > 0 && bytes.get(j) == Some(&b'u'))
                    .then(|| hex_at(bytes, j + 1, 4))
                    .flatten()
                    .filter(|low| (0xDC00..=0xDFFF).contains(low));
                match low.and_then(|low| {
                    char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
                }) {
                    Some(ch) => (Some(Decoded::Char(ch)), j + 5),
                    None => (None, at + 1),
                }
            }
            Some(v) => match char::from_u32(v) {
                Some(ch) => (Some(Decoded::Char(ch)), i + 5),
                None => (None, at + 1),
            },
            None => (None, at + 1),
        },
        b'x' => match hex_at(bytes, i + 1, 2) {
            Some(v) => (Some(Decoded::Byte(v as u8)), i + 3),
            None => (None, at + 1),
        },
        b'n' => simple('\n'),
        b'r' => simple('\r'),
        b't' => simple('\t'),
        b'/' | b'"' | b'\'' => simple(c as char),
        // Backslashes that escape nothing we know of: one backslash (`\\` in JSON).
        _ if i - at >= 2 => (Some(Decoded::Char('\\')), i),
        _ => (None, at + 1),
    }
}

/// An XML/HTML character reference at `bytes[at]` (`&amp;`, `&#126;`, `&#x7E;`).
fn entity(bytes: &[u8], at: usize) -> (Option<Decoded>, usize) {
    let Some(len) = bytes[at..].iter().take(10).position(|&b| b == b';') else {
        return (None, at + 1);
    };
    let name = &bytes[at + 1..at + len];
    let c = match name {
        b"amp" => Some('&'),
        b"lt" => Some('<'),
        b"gt" => Some('>'),
        b"quot" => Some('"'),
        b"apos" => Some('\''),
        [b'#', b'x' | b'X', digits @ ..] if !digits.is_empty() => {
            hex_at(digits, 0, digits.len()).and_then(char::from_u32)
        }
        [b'#', digits @ ..] if !digits.is_empty() && digits.iter().all(u8::is_ascii_digit) => {
            std::str::from_utf8(digits)
                .ok()
                .and_then(|d| d.parse().ok())
                .and_then(char::from_u32)
        }
        _ => None,
    };
    match c {
        Some(c) => (Some(Decoded::Char(c)), at + len + 1),
        None => (None, at + 1),
    }
}

/// The value of a base64 character, standard or URL-safe alphabet.
fn base64_value(b: u8) -> Option<u8> {
    Some(match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        b'+' | b'-' => 62,
        b'/' | b'_' => 63,
        _ => return None,
    })
}

/// Every run of base64 characters in `view`, decoded from its character `start` (0 to 3; one
/// of the four is where an encoding starts, if one does), the decodings kept apart by a byte no
/// needle contains (`0xFF` is never in UTF-8).
fn base64_view(view: &View, start: usize) -> View {
    let bytes = &view.bytes;
    let mut out = View {
        bytes: Vec::new(),
        from: Vec::new(),
    };
    let mut i = 0;
    while i < bytes.len() {
        if base64_value(bytes[i]).is_none() {
            i += 1;
            continue;
        }
        let run = i;
        while i < bytes.len() && base64_value(bytes[i]).is_some() {
            i += 1;
        }
        // Three bytes encode as four characters: shorter runs hold no needle.
        if i - run < 4 {
            continue;
        }
        let mut at = run + start;
        while at + 1 < i {
            let len = (i - at).min(4);
            let mut v = [0u8; 4];
            for (k, slot) in v.iter_mut().enumerate().take(len) {
                *slot = base64_value(bytes[at + k]).unwrap_or(0);
            }
            // Each decoded byte comes from two neighbouring characters.
            for k in 0..len - 1 {
                let byte = match k {
                    0 => (v[0] << 2) | (v[1] >> 4),
                    1 => (v[1] << 4) | (v[2] >> 2),
                    _ => (v[2] << 6) | v[3],
                };
                out.push(byte, view.span(at + k, at + k + 2));
            }
            at += 4;
        }
        out.push(0xFF, (0, 0));
    }
    out
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
        let scrubbed = scrub(&text);
        // One event is one line: whatever it quotes (a server's header, a URL) cannot add
        // lines or drive the terminal, as for every other stderr line.
        let (body, end) = match scrubbed.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (&*scrubbed, ""),
        };
        let line = format!("{}{end}", crate::domain::shown::escape(body));
        let result = io::stderr().lock().write_all(line.as_bytes());
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

    /// Every spelling the hostile-server tests echo, for a secret with every awkward
    /// character (`~ / + = space %`).
    #[test]
    fn scrubs_every_spelling_of_a_credential() {
        use base64::Engine;
        let secret = "Xy58Q~4dK.Lm_pQ-r/S+t=u v%w";
        register_credential(secret);
        let std = base64::engine::general_purpose::STANDARD;
        let std_no_pad = base64::engine::general_purpose::STANDARD_NO_PAD;
        let url = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let url_pad = base64::engine::general_purpose::URL_SAFE;
        let bearer = format!("Bearer {secret}");
        let shown = [
            secret.to_owned(),
            "Xy58Q~4dK.Lm_pQ-r%2FS%2Bt%3Du%20v%25w".to_owned(),
            "Xy58Q%7E4dK.Lm_pQ-r%2fS%2bt%3du%20v%25w".to_owned(),
            "Xy58Q%7E4dK.Lm_pQ-r%2FS%2Bt%3Du+v%25w".to_owned(), // form
            r"Xy58Q\u007E4dK\u002ELm\u005FpQ\u002Dr\/S\u002Bt\u003Du\u0020v\u0025w".to_owned(),
            r"Xy58Q\u007e4dK.Lm_pQ-r\u002fS\u002bt\u003du v\u0025w".to_owned(),
            r"Xy58Q~4dK.Lm_pQ-r\/S+t=u v%w".to_owned(),
            r"Xy58Q\\u007E4dK.Lm_pQ-r\\/S+t=u v%w".to_owned(), // escaped twice
            r"Xy58Q\u{7e}4dK.Lm_pQ-r/S+t=u v%w".to_owned(),    // Rust `{:?}`
            "Xy58Q&#x7E;4dK.Lm_pQ-r&#47;S+t=u v%w".to_owned(), // XML
            "Xy58Q%257E4dK.Lm_pQ-r%252FS%252Bt%253Du+v%2525w".to_owned(), // encoded twice
            "Xy58Q~4dK.Lm_\npQ-r/S+t=u v%w".to_owned(),
            "Xy58Q~4dK.Lm_\r\npQ-r/S+t=u v%w".to_owned(),
            r"Xy58Q~4dK.Lm_\r\npQ-r/S+t=u v%w".to_owned(),
            std.encode(secret),
            std_no_pad.encode(secret),
            url.encode(secret),
            url_pad.encode(secret),
            std.encode(&bearer),
            url.encode(&bearer),
            // Inside a longer encoded text, at each of the three byte offsets.
            std.encode(format!("x{secret}y")),
            std.encode(format!("xy{secret}")),
            std.encode(format!("{{\"client_secret\":\"{secret}\"}}")),
        ];
        for s in shown {
            let out = scrub(&format!("before {s} after")).into_owned();
            assert!(
                out.starts_with("before ") && out.ends_with(" after"),
                "{s}: {out}"
            );
            assert!(out.contains(MARK), "{s}: {out}");
            for window in secret.as_bytes().windows(6) {
                let w = std::str::from_utf8(window).unwrap();
                assert!(!out.contains(w), "{s}: {w:?} left in {out}");
            }
        }
    }

    #[test]
    fn credentials_count_whatever_their_length() {
        register_credential("q~Z");
        for s in [
            "q~Z",
            "q%7EZ",
            "q%7eZ",
            r"q\u007EZ",
            r"q\u007eZ",
            "cX5a",
            "QmVhcmVyIHF+Wg==",
            "QmVhcmVyIHF-Wg",
        ] {
            let out = scrub(&format!("got [{s}]")).into_owned();
            assert!(!out.contains(s), "{s}: {out}");
        }
        register_credential("k9");
        assert_eq!(scrub("token k9 refused"), "token [REDACTED] refused");
        assert_eq!(scrub("token azk= refused"), "token [REDACTED] refused");
    }

    #[test]
    fn jwt_segments_alone() {
        let header = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9";
        let payload = "eyJhdWQiOiJodHRwczovL3N0b3JhZ2UuYXp1cmUuY29tIn0";
        let signature = "c2lnbmF0dXJlLW9mLXRoZS10b2tlbi0wMTIzNDU2Nzg5";
        register_credential(&format!("{header}.{payload}.{signature}"));
        assert_eq!(
            scrub(&format!("p {payload} s {signature}")),
            "p [REDACTED] s [REDACTED]"
        );
        // The header is in every token: it is no secret.
        assert_eq!(scrub(&format!("h {header}")), format!("h {header}"));
    }

    #[test]
    fn innocent_text_is_untouched() {
        register_credential("Tr0ub4dor&3-horse");
        for text in [
            "sasmint: error: getting the delegation key failed: HTTP 403 AuthorizationPermissionMismatch",
            "caf\u{e9} %zz \\q \\u12 &#xZZ; &nosuch; ==== ++++ \u{1F600}",
            "",
            "%",
            "\\",
            "\\u{110000} \\uD800 \\uD800\\u0041 &#99999999;",
        ] {
            assert_eq!(scrub(text), text);
        }
    }

    #[test]
    fn a_match_next_to_non_ascii_text_keeps_the_text_valid() {
        register_credential("\u{e9}t\u{e9}-secret-value");
        assert_eq!(scrub("a \u{e9}t\u{e9}-secret-value b"), "a [REDACTED] b");
        assert_eq!(scrub("a %C3%A9t%C3%A9-secret-value b"), "a [REDACTED] b");
        // Half an escape sequence, or base64 around multi-byte characters: no panic.
        let _ = scrub("\u{e9}%C3 w6l0w6ktc2VjcmV0LXZhbHVl\u{e9}");
    }

    #[test]
    fn large_texts_are_scrubbed_piece_by_piece() {
        let secret = "piece-boundary-secret-0123456789";
        register_credential(secret);
        // The secret (percent-encoded) across the end of every piece of a 1 MiB text.
        let encoded = "piece-boundary-secret-0123456789".replace('-', "%2D");
        let mut text = String::new();
        while text.len() < 1 << 20 {
            // Pieces end at PIECE, then every PIECE - OVERLAP bytes.
            let step = PIECE - OVERLAP;
            let boundary = (text.len().saturating_sub(OVERLAP) / step + 1) * step + OVERLAP;
            text.push_str(&"x".repeat(boundary - text.len() - 20));
            text.push(' ');
            text.push_str(&encoded);
            text.push(' ');
        }
        let out = scrub(&text);
        assert!(!out.contains("boundary"));
        assert_eq!(
            out.matches(MARK).count(),
            text.matches(encoded.as_str()).count()
        );
    }
}
