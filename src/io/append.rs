//! Appending to a file someone else named for us (a CI runner's `GITHUB_OUTPUT`): checked
//! before anything is sent ([`check`]: a regular file of ours, or none yet), then opened for
//! appending only, never followed through a symbolic link, without blocking (a FIFO with no
//! reader fails at once instead of hanging), checked again once open, created private if
//! missing.

use crate::domain::error::{Failure, Kind, Result};
use crate::domain::shown;
use std::io::Write;
use std::path::Path;

/// What is wrong with the file at `path` as a place to append to, if anything: it must be a
/// regular file (not a symbolic link, a directory, a FIFO, a device or a socket) owned by the
/// effective user. A file that does not exist yet is fine (it will be created).
fn unfit(meta: &std::fs::Metadata) -> Option<&'static str> {
    let kind = meta.file_type();
    if kind.is_symlink() {
        return Some("is a symbolic link");
    }
    if kind.is_dir() {
        return Some("is a directory");
    }
    if !kind.is_file() {
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if kind.is_fifo() {
                return Some("is a FIFO (named pipe)");
            }
        }
        return Some("is not a regular file");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.uid() != rustix::process::geteuid().as_raw() {
            return Some("belongs to another user");
        }
    }
    None
}

fn named(variable: &str, path: &Path) -> String {
    format!("{variable} ({})", shown::value(&path.display().to_string()))
}

/// Checks, before anything is sent, that `path` (named by the environment variable
/// `variable`) is a file sasmint may append to: exit 2 naming the variable when it is a
/// symbolic link, a directory, a FIFO or another special file, or a file of another user.
/// Looks at the path only (never opens it, so nothing can block).
pub fn check(variable: &str, path: &Path) -> Result<()> {
    let problem = match std::fs::symlink_metadata(path) {
        Ok(meta) => match unfit(&meta) {
            None => return Ok(()),
            Some(problem) => problem.to_owned(),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => format!("cannot be checked: {e}"),
    };
    Err(Failure::usage(format!(
        "{} {problem}: sasmint appends only to a regular file of its own user",
        named(variable, path)
    ))
    .hint("point it at the file the CI runner created for this step"))
}

/// Appends `text` to `path` (named by `variable`): opened without following a symbolic link
/// and without blocking, then checked again as opened ([`check`]'s rules), so a file swapped
/// in meanwhile is refused too.
pub fn append(variable: &str, path: &Path, text: &str) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use rustix::fs::OFlags;
        use std::os::unix::fs::OpenOptionsExt;
        options
            .mode(0o600)
            .custom_flags((OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC).bits() as i32);
    }
    let cannot = |e: &dyn std::fmt::Display| {
        Failure::new(
            Kind::Internal,
            format!("cannot append to {}: {e}", named(variable, path)),
        )
        .hint("check the path the CI runner gave (GITHUB_OUTPUT / GITHUB_ENV)")
    };
    let mut file = options.open(path).map_err(|e| cannot(&e))?;
    let meta = file.metadata().map_err(|e| cannot(&e))?;
    if let Some(problem) = unfit(&meta) {
        return Err(cannot(&problem));
    }
    file.write_all(text.as_bytes()).map_err(|e| cannot(&e))
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use super::*;

    #[test]
    fn only_a_regular_file_of_ours_or_none() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("out");
        assert!(
            check("GITHUB_OUTPUT", &file).is_ok(),
            "missing: created later"
        );
        std::fs::write(&file, "").unwrap();
        assert!(check("GITHUB_OUTPUT", &file).is_ok());
        append("GITHUB_OUTPUT", &file, "a=1\n").unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "a=1\n");

        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        let e = check("GITHUB_OUTPUT", &link).unwrap_err();
        assert_eq!(e.kind, Kind::Usage);
        assert!(e.message.starts_with("GITHUB_OUTPUT ("), "{}", e.message);
        assert!(e.message.contains("symbolic link"), "{}", e.message);
        assert!(append("GITHUB_OUTPUT", &link, "x").is_err());

        let e = check("GITHUB_ENV", dir.path()).unwrap_err();
        assert!(e.message.contains("is a directory"), "{}", e.message);

        let fifo = dir.path().join("fifo");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &fifo,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        let e = check("GITHUB_OUTPUT", &fifo).unwrap_err();
        assert!(e.message.contains("FIFO"), "{}", e.message);
        // No reader: fails at once instead of blocking.
        assert!(append("GITHUB_OUTPUT", &fifo, "x").is_err());
    }
}
