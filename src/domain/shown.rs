//! Values shown to a person: control characters escaped (`\x1b`, `\r`, `\n`, `\u{202e}`), so
//! nothing from an argument, a file or a server can move the cursor, recolour the terminal,
//! fake a line or reorder text; and cut to a length, so one message stays one short line.
//!
//! What is shown cannot command a CI runner either: a `#` that begins `##[` or `##vso[` is
//! escaped (`\x23`) wherever it is, and a `::` that begins a whole [`line`] (`\x3a`), with the
//! rules of `domain::neutral`; so are the invisible characters a comparison may skip. A value
//! inside a line keeps its `::` (`--ip '::1'`): only the start of a line matters.
//!
//! JSON output needs none of this but the runner rules (`neutral::json`); text output and every
//! stderr line need all of it.

use super::neutral;
use std::borrow::Cow;
use std::fmt::Write as _;

/// How many characters of one echoed value a message shows.
pub const VALUE_CHARS: usize = 120;

/// Whether `c` must not reach a terminal as it is: C0 and C1 controls, DEL, and the Unicode
/// format characters that reorder or hide text (bidi embeddings, overrides and isolates, line
/// and paragraph separators, zero-width marks, every default-ignorable character).
fn unsafe_char(c: char) -> bool {
    c.is_control()
        || neutral::ignorable(c)
        || matches!(c,
            '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{2069}'
            | '\u{feff}')
}

/// `text` with every unsafe character escaped, and every `#` that would begin a runner command
/// (`neutral::marks`); borrowed when there is none. For a value inside a line, or a line that
/// begins with sasmint's own words; [`line`] also escapes a `::` that begins it.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(unsafe_char)
        && !text
            .match_indices('#')
            .any(|(i, _)| neutral::marks(text, i, usize::MAX))
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    // Not at the start of a line: only `#` can begin a command here.
    let lead = usize::MAX;
    for (i, c) in text.char_indices() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '#' if neutral::marks(text, i, lead) => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c as u32) < 0x80 && unsafe_char(c) => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if unsafe_char(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// At most `max` characters of `text`, with `…` when cut.
pub fn cut(text: &str, max: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => Cow::Borrowed(text),
        Some((end, _)) => Cow::Owned(format!("{}…", &text[..end])),
    }
}

/// A value echoed in a message: escaped, then cut to [`VALUE_CHARS`].
pub fn value(text: &str) -> String {
    cut(&escape(text), VALUE_CHARS).into_owned()
}

/// A whole line for a terminal: escaped (a `::` that begins it too), then cut to at most
/// `max_bytes` bytes (on a character boundary, with `…`).
pub fn line(text: &str, max_bytes: usize) -> String {
    let escaped = neutral::text(escape(text).into_owned());
    if escaped.len() <= max_bytes {
        return escaped;
    }
    let mut end = max_bytes.saturating_sub('…'.len_utf8());
    while !escaped.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &escaped[..end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn controls_are_escaped() {
        assert_eq!(escape("plain"), "plain");
        assert!(matches!(escape("plain"), Cow::Borrowed(_)));
        assert_eq!(escape("a\x1b[31mb"), "a\\x1b[31mb");
        assert_eq!(escape("x\r\ny\tz"), "x\\r\\ny\\tz");
        assert_eq!(escape("\u{7f}\u{9b}"), "\\x7f\\u{9b}");
        assert_eq!(escape("abc\u{202e}gpj.exe"), "abc\\u{202e}gpj.exe");
        assert_eq!(escape("ünï の"), "ünï の");
        assert_eq!(escape("soft\u{ad}hyphen"), "soft\\u{ad}hyphen");
    }

    #[test]
    fn runner_commands_are_escaped() {
        assert_eq!(line("::stop-commands::x", 100), "\\x3a:stop-commands::x");
        assert_eq!(line(" ::x::y", 100), " \\x3a:x::y");
        assert_eq!(escape("::1"), "::1");
        assert_eq!(line("a ::x::y", 100), "a ::x::y");
        assert_eq!(escape("d ##[stop-commands]x"), "d \\x23#[stop-commands]x");
        assert_eq!(
            escape("e ##vso[task.setvariable variable=SAS_TOKEN]evil"),
            "e \\x23#vso[task.setvariable variable=SAS_TOKEN]evil"
        );
        assert_eq!(escape("x\n::y::z"), "x\\n::y::z");
        assert!(matches!(
            escape("https://h/p#frag ## 12:00"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn values_and_lines_are_cut() {
        assert_eq!(cut("abcdef", 3), "abc…");
        assert_eq!(cut("abc", 3), "abc");
        assert_eq!(
            value(&"x".repeat(1_000_000)).chars().count(),
            VALUE_CHARS + 1
        );
        let long = "の".repeat(1000);
        let shown = line(&long, 100);
        assert!(shown.len() <= 100, "{}", shown.len());
        assert!(shown.ends_with('…'));
        assert_eq!(line("short", 100), "short");
    }

    proptest! {
        #[test]
        fn nothing_unsafe_survives(text in any::<String>(), max in 1usize..300) {
            let shown = line(&text, max);
            prop_assert!(!shown.chars().any(unsafe_char));
            prop_assert!(shown.len() <= max.max('…'.len_utf8()));
            prop_assert!(!value(&text).chars().any(unsafe_char));
            prop_assert!(neutral::clean(&shown), "{:?}", shown);
            let inside = ["x", &escape(&text)].concat();
            prop_assert!(neutral::clean(&inside));
        }
    }
}
