//! Local inputs: a file, or `-` for stdin, each read with a size limit. A file is read by the
//! one reader of files ([`local_file`]): a regular file only, opened without blocking.

use crate::clients::local_file::{self, read_at_most, size, FileError};
use crate::domain::error::{Failure, Result};
use crate::domain::shown;
use std::path::Path;

/// The most a key file saved by `sasmint key` may hold (one is under 1 KiB).
pub const KEY_LIMIT: u64 = local_file::CREDENTIAL_LIMIT;
/// The most a token given to `inspect` may hold (a real one is under 4 KiB).
pub const TOKEN_LIMIT: u64 = 64 * 1024;
/// The most a URL list (`--from-file`) may hold.
pub const URL_LIST_LIMIT: u64 = 16 * 1024 * 1024;

/// Reads `path` (or stdin for `-`) as text, at most `limit` bytes: more is a usage error, found
/// after reading `limit + 1` bytes at most (`/dev/zero` or an endless stdin end at once).
/// Returns the text and how to name its source in messages. `what` says what is read ("the
/// delegation key", "the URL list").
pub fn read_source(path: &Path, what: &str, limit: u64) -> Result<(String, String)> {
    let too_big = |source: &str| {
        Failure::usage(format!("{what} ({source}) is larger than {}", size(limit))).hint(match what
        {
            "the delegation key" => "give the file saved by `sasmint key` (under 1 KiB)",
            "the URL list" => "split the list into several files",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_is_no_regular_file_is_a_usage_error() {
        let dir = tempfile::tempdir().unwrap();
        let e = read_source(dir.path(), "the URL list", URL_LIST_LIMIT).unwrap_err();
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
}
