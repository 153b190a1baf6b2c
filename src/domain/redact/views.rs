//! Views of a text: the text as seen after some decoding (line breaks removed, escapes
//! decoded, base64 read), each byte remembering where in the original text it came from, so a
//! secret found in a view replaces exactly the characters that spell it.

use super::patterns::MARK;
use super::registry::Registry;
use crate::domain::encoding::hex_at;

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
pub(super) const PIECE: usize = 64 * 1024;
pub(super) const OVERLAP: usize = 16 * 1024;

/// Where the registered secrets are in `text`, in any spelling: ranges of `text`.
pub(super) fn secret_spans(registry: &Registry, text: &str) -> Vec<(usize, usize)> {
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
pub(super) fn replace_spans(text: &str, mut spans: Vec<(usize, usize)>) -> String {
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
