//! Output that cannot command a CI runner.
//!
//! CI runners read a step's stdout and stderr line by line and act on some lines:
//!
//! - GitHub Actions: a line that starts with `::` once leading whitespace is trimmed is a
//!   workflow command (`::stop-commands::TOKEN` stops the processing of every later command,
//!   `::add-mask::` included); its legacy parser acts on `##[NAME]` anywhere in a line.
//! - Azure Pipelines: `##vso[AREA.EVENT …]` anywhere in a line is a logging command
//!   (`task.setvariable` overwrites a pipeline variable); `##[group]`, `##[error]` … format the
//!   log.
//!
//! So everything sasmint prints that it did not compose itself (a service's ids, descriptions,
//! URLs and error messages, values echoed from the command line) is neutralised: one character
//! of each such sequence is escaped, which breaks it:
//!
//! - the first `#` of every `##[` and of every `##vso[` (`vso` in any case);
//! - the first `:` of a `::` that begins a line after whitespace;
//! - and, so that nothing invisible can sit inside one of these sequences for a parser that
//!   skips it, every Unicode default-ignorable character (soft hyphen, zero-width and bidi
//!   marks, variation selectors, tags).
//!
//! Text escapes them as `domain::shown` escapes control characters (`\x23`, `\x3a`, `\u{ad}`);
//! JSON as JSON escapes (`\u0023`, `\u003a`, `\u00ad`), so a JSON reader decodes exactly the
//! value the service sent. The runners' own lines that sasmint writes on purpose
//! (`::add-mask::`, `##vso[task.setvariable …]`) are composed in `render::ci`, with their values
//! escaped the runners' way.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Unicode's default-ignorable code points: characters a comparison may skip and a terminal
/// does not show.
pub fn ignorable(c: char) -> bool {
    matches!(c,
        '\u{ad}'
        | '\u{34f}'
        | '\u{61c}'
        | '\u{115f}'..='\u{1160}'
        | '\u{17b4}'..='\u{17b5}'
        | '\u{180b}'..='\u{180f}'
        | '\u{200b}'..='\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{206f}'
        | '\u{3164}'
        | '\u{fe00}'..='\u{fe0f}'
        | '\u{feff}'
        | '\u{ffa0}'
        | '\u{fff0}'..='\u{fff8}'
        | '\u{1bca0}'..='\u{1bca3}'
        | '\u{1d173}'..='\u{1d17a}'
        | '\u{e0000}'..='\u{e0fff}')
}

/// Whether `rest` starts with `##[` or `##vso[` (any case).
fn starts_hash_command(rest: &str) -> bool {
    let Some(after) = rest.strip_prefix("##") else {
        return false;
    };
    after.starts_with('[')
        || after
            .get(..4)
            .is_some_and(|s| s.eq_ignore_ascii_case("vso["))
}

/// Where the text of a line begins: the byte offset after its leading whitespace (and
/// default-ignorable characters).
pub fn lead(line: &str) -> usize {
    line.char_indices()
        .find(|&(_, c)| !(c.is_whitespace() || ignorable(c)))
        .map_or(line.len(), |(i, _)| i)
}

/// Whether the character at byte `i` of `line` (a `#` or a `:`) must be escaped: it begins
/// `##[` or `##vso[`, or it is the `:` of a `::` at `lead`, where the line's text begins.
pub fn marks(line: &str, i: usize, lead: usize) -> bool {
    let rest = &line[i..];
    match rest.as_bytes().first() {
        Some(b'#') => starts_hash_command(rest),
        Some(b':') => i == lead && rest.starts_with("::"),
        _ => false,
    }
}

/// Whether `text` (any number of lines) has nothing the rules escape.
pub fn clean(text: &str) -> bool {
    !text.chars().any(ignorable)
        && !text
            .match_indices('#')
            .any(|(i, _)| starts_hash_command(&text[i..]))
        && text
            .split(['\n', '\r'])
            .all(|line| !line[lead(line)..].starts_with("::"))
}

/// How one format writes an escaped character.
#[derive(Clone, Copy)]
enum Style {
    Text,
    Json,
}

fn push_escaped(out: &mut String, c: char, style: Style) {
    match style {
        Style::Text if (c as u32) < 0x80 => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        Style::Text => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
        Style::Json => {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        }
    }
}

fn neutralise(text: &str, style: Style) -> Cow<'_, str> {
    if clean(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut line_start = 0;
    let mut lead_at = lead(text);
    for (i, c) in text.char_indices() {
        if c == '\n' || c == '\r' {
            out.push(c);
            line_start = i + 1;
            lead_at = line_start + lead(&text[line_start..]);
            continue;
        }
        let line = &text[line_start..];
        if ignorable(c)
            || ((c == '#' || c == ':') && marks(line, i - line_start, lead_at - line_start))
        {
            push_escaped(&mut out, c, style);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text output (any number of lines) that commands no runner: see the module's rules.
/// Idempotent; the same string when there is nothing to escape.
pub fn text(text: String) -> String {
    match neutralise(&text, Style::Text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(out) => out,
    }
}

/// Serialized JSON that commands no runner and decodes to the same values: the characters
/// the rules name are written as `\uXXXX` escapes. They only ever occur inside strings (a
/// pretty-printed JSON line starts with whitespace and a bracket, a brace or a quote, so never
/// with `::`; `#` and default-ignorable characters are not JSON syntax).
pub fn json(json: String) -> String {
    match neutralise(&json, Style::Json) {
        Cow::Borrowed(_) => json,
        Cow::Owned(out) => out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn text_breaks_each_command() {
        assert_eq!(text("plain: a::b # c".into()), "plain: a::b # c");
        assert!(clean("a::b"));
        assert_eq!(text("::stop-commands::x".into()), "\\x3a:stop-commands::x");
        assert_eq!(text("  \t::x::y".into()), "  \t\\x3a:x::y");
        assert_eq!(text("a\n ::x::y\n".into()), "a\n \\x3a:x::y\n");
        assert_eq!(text("a\r::x::y".into()), "a\r\\x3a:x::y");
        assert_eq!(text("x ##[group]y".into()), "x \\x23#[group]y");
        assert_eq!(text("###[x]".into()), "#\\x23#[x]");
        assert_eq!(
            text("##VSO[task.setvariable]".into()),
            "\\x23#VSO[task.setvariable]"
        );
        assert_eq!(text("C## notes".into()), "C## notes");
        assert_eq!(text("#\u{ad}#[x]".into()), "#\\u{ad}#[x]");
        assert_eq!(text("\u{a0}::x::y".into()), "\u{a0}\\x3a:x::y");
    }

    #[test]
    fn json_escapes_decode_to_the_same_value() {
        let value = serde_json::json!({"id": "##vso[task.setvariable variable=X]e ##[x] \u{feff}\u{e0001}"});
        let pretty = serde_json::to_string_pretty(&value).unwrap();
        let out = json(pretty);
        assert!(!out.contains("##"), "{out}");
        assert!(out.contains("\\u0023#vso["), "{out}");
        assert!(out.contains("\\udb40\\udc01"), "{out}");
        let back: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back, value);
    }

    proptest! {
        #[test]
        fn nothing_is_left_to_escape(s in "[#:v\\[ \nso\u{ad}a]{0,40}") {
            let once = text(s.clone());
            prop_assert!(clean(&once), "{:?} -> {:?}", s, once);
            prop_assert_eq!(text(once.clone()), once);
            let encoded = serde_json::to_string_pretty(&serde_json::json!([s.clone()])).unwrap();
            let neutral = json(encoded);
            prop_assert!(clean(&neutral));
            let back: Vec<String> = serde_json::from_str(&neutral).unwrap();
            prop_assert_eq!(&back[0], &s);
        }
    }
}
