//! Local inputs: a file, or `-` for stdin, each read with a size limit.

use crate::domain::error::{Failure, Result};
use crate::domain::shown;
use std::io::Read;
use std::path::Path;

/// The most a key file saved by `sasmint key` may hold (one is under 1 KiB).
pub const KEY_LIMIT: u64 = 64 * 1024;
/// The most a token given to `inspect` may hold (a real one is under 4 KiB).
pub const TOKEN_LIMIT: u64 = 64 * 1024;
/// The most a URL list (`--from-file`) may hold.
pub const URL_LIST_LIMIT: u64 = 16 * 1024 * 1024;

/// Reads `path` (or stdin for `-`) as text, at most `limit` bytes: more is a usage error, found
/// after reading `limit + 1` bytes at most (`/dev/zero` or an endless stdin end at once).
/// Returns the text and how to name its source in messages. `what` says what is read ("the
/// delegation key", "the URL list").
pub fn read_source(path: &Path, what: &str, limit: u64) -> Result<(String, String)> {
    let (bytes, source) = if path.as_os_str() == "-" {
        let bytes = read_at_most(std::io::stdin().lock(), limit)
            .map_err(|e| Failure::usage(format!("cannot read {what} from stdin: {e}")))?;
        (bytes, "stdin".to_owned())
    } else {
        let bytes = std::fs::File::open(path)
            .and_then(|file| read_at_most(file, limit))
            .map_err(|e| {
                let hint = if what == "the delegation key" {
                    "give the path of a file saved by `sasmint key`, or - for stdin"
                } else {
                    "check the path, or pass - to read from stdin"
                };
                Failure::usage(format!(
                    "cannot read {what} {}: {e}",
                    shown::value(&path.display().to_string())
                ))
                .hint(hint)
            })?;
        (bytes, shown::value(&path.display().to_string()))
    };
    if bytes.len() as u64 > limit {
        return Err(
            Failure::usage(format!("{what} ({source}) is larger than {}", size(limit))).hint(
                match what {
                    "the delegation key" => "give the file saved by `sasmint key` (under 1 KiB)",
                    "the URL list" => "split the list into several files",
                    _ => "pass one token or URL",
                },
            ),
        );
    }
    let text = String::from_utf8(bytes).map_err(|_| {
        Failure::usage(format!("{what} ({source}) is not UTF-8 text"))
            .hint("check that it is the right file")
    })?;
    Ok((text, source))
}

/// Reads `limit + 1` bytes at most: one more than allowed is enough to know it is too big.
fn read_at_most(reader: impl Read, limit: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// `64 KiB`, `16 MiB`.
fn size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{} MiB", bytes / (1024 * 1024))
    } else if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_up_to_the_limit_and_stops_one_byte_past_it() {
        assert_eq!(read_at_most(&b"abcd"[..], 4).unwrap(), b"abcd");
        assert_eq!(read_at_most(&b"abcdef"[..], 4).unwrap(), b"abcde");
        assert_eq!(
            read_at_most(std::io::repeat(0), 10).unwrap().len(),
            11,
            "an endless reader stops"
        );
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(size(KEY_LIMIT), "64 KiB");
        assert_eq!(size(URL_LIST_LIMIT), "16 MiB");
        assert_eq!(size(1000), "1000 bytes");
    }
}
