//! Appending to a file someone else named for us (a CI runner's `GITHUB_OUTPUT`): opened for
//! appending only, never followed through a symbolic link, created private if missing.

use crate::domain::error::{Failure, Kind, Result};
use crate::domain::shown;
use std::io::Write;
use std::path::Path;

pub fn append(path: &Path, text: &str) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use rustix::fs::OFlags;
        use std::os::unix::fs::OpenOptionsExt;
        options
            .mode(0o600)
            .custom_flags(OFlags::NOFOLLOW.bits() as i32);
    }
    options
        .open(path)
        .and_then(|mut file| file.write_all(text.as_bytes()))
        .map_err(|e| {
            Failure::new(
                Kind::Internal,
                format!(
                    "cannot append to {}: {e}",
                    shown::value(&path.display().to_string())
                ),
            )
            .hint("check the path the CI runner gave (GITHUB_OUTPUT / GITHUB_ENV)")
        })
}
