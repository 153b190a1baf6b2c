//! Local inputs: a file, or `-` for stdin.

use crate::domain::error::{Failure, Result};
use crate::domain::shown;
use std::io::Read;
use std::path::Path;

/// Reads `path` (or stdin for `-`) as text; returns the text and how to name its source in
/// messages. `what` says what is read ("the delegation key", "the URL list").
pub fn read_source(path: &Path, what: &str) -> Result<(String, String)> {
    if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Failure::usage(format!("cannot read {what} from stdin: {e}")))?;
        Ok((text, "stdin".to_owned()))
    } else {
        let text = std::fs::read_to_string(path).map_err(|e| {
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
        Ok((text, shown::value(&path.display().to_string())))
    }
}
