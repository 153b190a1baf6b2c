//! Local inputs: a file, or `-` for stdin, each read with a size limit. A file is read by the
//! one reader of files ([`local_file`]): a regular file only, opened without blocking. A URL
//! list (`mint --from-file`) is not read whole: [`Lines`] reads it a line at a time, each line
//! capped at [`LINE_LIMIT`], the list as long as it likes.

use crate::clients::local_file::{self, read_at_most, size, FileError};
use crate::domain::error::{Failure, Result};
use crate::domain::shown;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// The most a key file saved by `sasmint key` may hold (one is under 1 KiB).
pub const KEY_LIMIT: u64 = local_file::CREDENTIAL_LIMIT;
/// The most a token given to `inspect` may hold (a real one is under 4 KiB).
pub const TOKEN_LIMIT: u64 = 64 * 1024;
/// The most one line of a URL list (`--from-file`) may hold, its line end left out. A blob
/// URL is at most a few KiB (a blob name is at most 1,024 characters, 3 bytes each
/// percent-encoded); the list itself has no limit, as it is read a line at a time.
pub const LINE_LIMIT: usize = 64 * 1024;
/// How much of a URL list is read at once.
const READ_AHEAD: usize = 256 * 1024;

/// Reads `path` (or stdin for `-`) as text, at most `limit` bytes: more is a usage error, found
/// after reading `limit + 1` bytes at most (`/dev/zero` or an endless stdin end at once).
/// Returns the text and how to name its source in messages. `what` says what is read ("the
/// delegation key", "the URL list").
pub fn read_source(path: &Path, what: &str, limit: u64) -> Result<(String, String)> {
    let too_big = |source: &str| {
        Failure::usage(format!("{what} ({source}) is larger than {}", size(limit))).hint(match what
        {
            "the delegation key" => "give the file saved by `sasmint key` (under 1 KiB)",
            _ => "pass one token or URL",
        })
    };
    let (bytes, source) = if path.as_os_str() == "-" {
        let bytes = read_at_most(std::io::stdin().lock(), limit)
            .map_err(|e| Failure::usage(format!("cannot read {what} from stdin: {e}")))?;
        if bytes.len() as u64 > limit {
            return Err(too_big("stdin"));
        }
        (bytes, "stdin".to_owned())
    } else {
        let source = shown::value(&path.display().to_string());
        let bytes = local_file::read(path, limit).map_err(|e| {
            if let FileError::TooBig(_) = e {
                return too_big(&source);
            }
            let hint = if what == "the delegation key" {
                "give the path of a file saved by `sasmint key`, or - for stdin"
            } else {
                "check the path, or pass - to read from stdin"
            };
            Failure::usage(format!("cannot read {what} {source}: {e}")).hint(hint)
        })?;
        (bytes, source)
    };
    let text = String::from_utf8(bytes).map_err(|_| {
        Failure::usage(format!("{what} ({source}) is not UTF-8 text"))
            .hint("check that it is the right file")
    })?;
    Ok((text, source))
}

/// One line of a URL list, as [`Lines`] read it.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    /// The line's text, its line end (`\n` or `\r\n`) and a leading byte-order mark removed.
    Text(String),
    /// Longer than [`LINE_LIMIT`]: skipped to its end without being kept.
    TooLong,
    /// Not UTF-8.
    NotUtf8,
}

/// A URL list (`--from-file FILE|-`) read a line at a time, in bounded memory: the file (a
/// regular file only, opened without blocking, as [`local_file`] does) or stdin.
pub struct Lines {
    reader: BufReader<Box<dyn Read>>,
    /// How to name the source in messages: the path, escaped, or `stdin`.
    source: String,
    /// The number of the line read last (the first is 1).
    number: usize,
    buf: Vec<u8>,
}

impl Lines {
    /// Opens `path` (or stdin for `-`); nothing is read yet.
    pub fn open(path: &Path) -> Result<Lines> {
        if path.as_os_str() == "-" {
            return Ok(Lines::new(
                Box::new(std::io::stdin()),
                READ_AHEAD,
                "stdin".into(),
            ));
        }
        let source = shown::value(&path.display().to_string());
        let file = local_file::open_regular(path).map_err(|e| {
            Failure::usage(format!("cannot read the URL list {source}: {e}"))
                .hint("check the path, or pass - to read from stdin")
        })?;
        Ok(Lines::new(Box::new(file), READ_AHEAD, source))
    }

    /// Lines read from `reader`, `capacity` bytes ahead at most, named `source` in messages.
    pub fn new(reader: Box<dyn Read>, capacity: usize, source: String) -> Lines {
        Lines {
            reader: BufReader::with_capacity(capacity, reader),
            source,
            number: 0,
            buf: Vec::new(),
        }
    }

    /// How the source is named in messages (`stdin`, or the path).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The next line and its number, `None` at the end. Waits for input (a pipe) only when no
    /// line is at hand.
    pub fn next_line(&mut self) -> Result<Option<(usize, Line)>> {
        self.buf.clear();
        // A line at the limit, and its line end (`\r\n` at most).
        let limit = LINE_LIMIT as u64 + 2;
        let read = (&mut self.reader)
            .take(limit)
            .read_until(b'\n', &mut self.buf)
            .map_err(|e| self.cannot_read(&e))?;
        if read == 0 {
            return Ok(None);
        }
        self.number += 1;
        let ended = self.buf.last() == Some(&b'\n');
        if ended {
            self.buf.pop();
            if self.buf.last() == Some(&b'\r') {
                self.buf.pop();
            }
        }
        if self.buf.len() > LINE_LIMIT {
            // The rest of the line, unless its end is read already.
            if !ended {
                self.skip_line()?;
            }
            return Ok(Some((self.number, Line::TooLong)));
        }
        let mut bytes = &self.buf[..];
        // Editors on Windows start UTF-8 files with a byte-order mark.
        if self.number == 1 {
            bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
        }
        Ok(Some((
            self.number,
            match std::str::from_utf8(bytes) {
                Ok(text) => Line::Text(text.to_owned()),
                Err(_) => Line::NotUtf8,
            },
        )))
    }

    /// Whether a whole line is already read ahead, so that [`Lines::next_line`] will not wait
    /// for input.
    pub fn line_at_hand(&self) -> bool {
        self.reader.buffer().contains(&b'\n')
    }

    /// Reads past the rest of an over-long line, keeping nothing.
    fn skip_line(&mut self) -> Result<()> {
        loop {
            let (used, done) = match self.reader.fill_buf() {
                Ok([]) => return Ok(()),
                Ok(chunk) => match chunk.iter().position(|&b| b == b'\n') {
                    Some(end) => (end + 1, true),
                    None => (chunk.len(), false),
                },
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.cannot_read(&e)),
            };
            self.reader.consume(used);
            if done {
                return Ok(());
            }
        }
    }

    fn cannot_read(&self, e: &std::io::Error) -> Failure {
        Failure::usage(format!("cannot read the URL list {}: {e}", self.source))
            .hint("check the path, or pass - to read from stdin")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_is_no_regular_file_is_a_usage_error() {
        let dir = tempfile::tempdir().unwrap();
        let e = read_source(dir.path(), "the token", TOKEN_LIMIT).unwrap_err();
        assert_eq!(e.kind, crate::domain::error::Kind::Usage);
        assert!(
            e.message.contains("a directory, not a regular file"),
            "{}",
            e.message
        );
        let e = Lines::open(dir.path()).err().unwrap();
        assert_eq!(e.kind, crate::domain::error::Kind::Usage);
        assert!(
            e.message.contains("a directory, not a regular file"),
            "{}",
            e.message
        );
        let big = dir.path().join("big");
        std::fs::write(&big, vec![b'a'; 10]).unwrap();
        let e = read_source(&big, "the token", 4).unwrap_err();
        assert!(
            e.message.contains("is larger than 4 bytes"),
            "{}",
            e.message
        );
    }

    fn lines_of(bytes: &[u8]) -> Vec<(usize, Line)> {
        // A small buffer: lines cross its end.
        let reader = std::io::Cursor::new(bytes.to_vec());
        let mut lines = Lines::new(Box::new(reader), 7, "test".into());
        let mut all = Vec::new();
        while let Some(line) = lines.next_line().unwrap() {
            all.push(line);
        }
        all
    }

    #[test]
    fn lines_are_numbered_and_capped_one_at_a_time() {
        let long = "x".repeat(LINE_LIMIT + 1);
        let exact = "y".repeat(LINE_LIMIT);
        let mut bytes = format!("\u{feff}a\r\n\n{long}\nb\n{exact}\n").into_bytes();
        // The last line: a byte that is no UTF-8, and no line end.
        bytes.extend_from_slice(&[b'c', 0xff]);
        let lines = lines_of(&bytes);
        assert_eq!(
            lines.len(),
            6,
            "{:?}",
            lines.iter().map(|l| l.0).collect::<Vec<_>>()
        );
        assert_eq!(lines[0], (1, Line::Text("a".into())));
        assert_eq!(lines[1], (2, Line::Text(String::new())));
        assert_eq!(lines[2], (3, Line::TooLong));
        assert_eq!(lines[3], (4, Line::Text("b".into())));
        assert_eq!(lines[4], (5, Line::Text(exact)));
        assert_eq!(lines[5], (6, Line::NotUtf8));
        // An over-long last line without a line end.
        let lines = lines_of(format!("a\n{long}").as_bytes());
        assert_eq!(lines[1], (2, Line::TooLong));
        assert_eq!(lines.len(), 2);
        assert!(lines_of(b"").is_empty());
        // At the limit with a CRLF end, and one over it with either end: the next line is
        // read as itself.
        let over = "z".repeat(LINE_LIMIT + 1);
        let text = format!("{}\r\nd\n{over}\ne\n{over}\r\nf\n", "w".repeat(LINE_LIMIT));
        let lines = lines_of(text.as_bytes());
        assert_eq!(lines.len(), 6);
        assert_eq!(lines[0], (1, Line::Text("w".repeat(LINE_LIMIT))));
        assert_eq!(lines[1], (2, Line::Text("d".into())));
        assert_eq!(lines[2], (3, Line::TooLong));
        assert_eq!(lines[3], (4, Line::Text("e".into())));
        assert_eq!(lines[4], (5, Line::TooLong));
        assert_eq!(lines[5], (6, Line::Text("f".into())));
    }
}
