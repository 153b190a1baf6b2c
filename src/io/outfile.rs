//! `--output-file`: a result written to a new private file, atomically, never left
//! half-written (the temporary file is removed on Ctrl-C, SIGTERM and SIGHUP), and in a way
//! that another local user cannot redirect.
//!
//! What happens at the path (the README's "Security" section says the same):
//! * nothing there: a new file, mode 0600. It is written under a temporary name nobody can
//!   predict (`.sasmint-XXXXXX.tmp`, created exclusively, mode 0600, in the same directory),
//!   then renamed into place without replacing anything that appeared meanwhile;
//! * a regular file, or a symbolic link to one (or to nothing): refused unless `--force`; with
//!   it, replaced the same way by a new file (a new inode: whoever holds the old one open never
//!   sees the result; a link is replaced, not followed);
//! * a FIFO or device (also through a symbolic link, as `/dev/stdout`): written to directly, and
//!   only when the running user owns it, checked again on the opened file (`fstat`), so a swap
//!   between the check and the open is caught. Another user's is refused before it is opened;
//! * a directory: refused.
//!
//! On Windows (the README's Security section says the same): the new file has no mode 0600; it
//! gets the access list its directory passes on (a user's profile, `%TEMP%` and a runner's
//! `RUNNER_TEMP` are the user's alone; a shared directory is not). There is no owner check for a
//! named pipe or device (`NUL`, `\\.\pipe\…`): Windows has no uid to compare, and a pipe's own
//! access list decides who may read it. Only Ctrl-C (SIGINT) removes the temporary file: Windows
//! sends no SIGTERM or SIGHUP, and a killed process (`taskkill /F`) cannot clean up.

use crate::domain::error::{Failure, Kind, Result};
use crate::io::terminal::stdout;
use std::fs::Metadata;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What is at the `--output-file` path, as far as writing it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// Nothing: a new file.
    New,
    /// A regular file, or a symbolic link that does not lead to a FIFO or device: replaced by
    /// a new file (only with `--force`).
    Replace,
    /// A FIFO or device of the running user: written to directly. `follow`: the path is a
    /// symbolic link to it.
    Special { follow: bool },
}

/// Checks, before anything is sent, that the result may go to `file` (see the module
/// documentation): a usage error for another user's FIFO or device, a directory, or an
/// existing file without `force`; exit 1 when its directory does not exist. [`emit`] checks
/// again when it writes.
pub fn check(file: Option<&Path>, force: bool) -> Result<()> {
    let Some(path) = file else {
        return Ok(());
    };
    if let Target::New | Target::Replace = classify(path, force)? {
        match std::fs::metadata(directory(path)) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(cannot_write(
                    path,
                    &std::io::Error::from(std::io::ErrorKind::NotADirectory),
                ))
            }
            Err(e) => return Err(cannot_write(path, &e)),
        }
    }
    Ok(())
}

/// Writes a result: to stdout, or with `--output-file` as the module documentation says.
/// `force`: an existing file may be replaced.
pub fn emit(text: &str, file: Option<&Path>, force: bool) -> Result<()> {
    let Some(path) = file else {
        return stdout(text);
    };
    match classify(path, force)? {
        Target::Special { follow } => write_special(path, follow, text.as_bytes()),
        // `Replace` only comes with `force`.
        Target::New | Target::Replace => write_private(path, text.as_bytes(), force),
    }
}

fn classify(path: &Path, force: bool) -> Result<Target> {
    if path.file_name().is_none() {
        return Err(
            Failure::usage(format!("--output-file {} names no file", path.display()))
                .hint("give the path of a file, such as token.txt"),
        );
    }
    let link = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Target::New),
        Err(e) => return Err(cannot_write(path, &e)),
    };
    let (meta, follow) = if link.file_type().is_symlink() {
        match std::fs::metadata(path) {
            Ok(m) => (m, true),
            // A dangling link: replaced like a file.
            Err(_) => return existing(path, force),
        }
    } else {
        (link, false)
    };
    if meta.is_dir() {
        return Err(
            Failure::usage(format!("--output-file {} is a directory", path.display()))
                .hint("give the path of a file in it"),
        );
    }
    if meta.is_file() {
        return existing(path, force);
    }
    owned(path, &meta)?;
    Ok(Target::Special { follow })
}

/// An existing file: replaced only with `--force`.
fn existing(path: &Path, force: bool) -> Result<Target> {
    if force {
        Ok(Target::Replace)
    } else {
        Err(already_exists(path))
    }
}

fn already_exists(path: &Path) -> Failure {
    Failure::usage(format!("{} already exists", path.display())).hint(
        "pass --force to replace it with a new private file (mode 0600), or choose another path",
    )
}

fn cannot_write(path: &Path, e: &std::io::Error) -> Failure {
    Failure::new(
        Kind::Internal,
        format!("cannot write {}: {e}", path.display()),
    )
    .hint("check that the directory exists and is writable")
}

/// The directory the file goes in.
fn directory(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A FIFO or device must belong to the running user: another user's may have a reader that
/// the result must never reach.
#[cfg(unix)]
fn owned(path: &Path, meta: &Metadata) -> Result<()> {
    use std::os::unix::fs::{FileTypeExt as _, MetadataExt as _};
    let me = rustix::process::geteuid().as_raw();
    if meta.uid() == me {
        return Ok(());
    }
    let kind = meta.file_type();
    let what = if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else {
        "a special file"
    };
    Err(Failure::usage(format!(
        "refusing to write {}: it is {what} owned by another user (uid {})",
        path.display(),
        meta.uid()
    ))
    .hint(
        "someone else may be reading it: write to a new path, in a directory only you can write to",
    ))
}

#[cfg(not(unix))]
fn owned(_path: &Path, _meta: &Metadata) -> Result<()> {
    Ok(())
}

/// Writes a FIFO or device directly (renaming over it would replace it). The open blocks on a
/// FIFO until a reader comes, as a shell's `>` does.
fn write_special(path: &Path, follow: bool, bytes: &[u8]) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    #[cfg(unix)]
    {
        use rustix::fs::OFlags;
        // Not a symbolic link when it was checked: it must not have become one.
        let mut flags = OFlags::NOCTTY;
        if !follow {
            flags |= OFlags::NOFOLLOW;
        }
        std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, flags.bits() as i32);
    }
    #[cfg(not(unix))]
    let _ = follow;
    let mut file = options.open(path).map_err(|e| cannot_write(path, &e))?;
    // Check what was opened, not the path: it may have been swapped since it was checked.
    let meta = file.metadata().map_err(|e| cannot_write(path, &e))?;
    if meta.is_file() || meta.is_dir() {
        return Err(Failure::usage(format!(
            "refusing to write {}: it changed while it was being opened",
            path.display()
        ))
        .hint("write to a new path, in a directory only you can write to"));
    }
    owned(path, &meta)?;
    file.write_all(bytes)
        .and_then(|()| file.flush())
        .map_err(|e| cannot_write(path, &e))
}

/// The temporary file being written, if any: removed when the process is interrupted.
static PENDING: std::sync::Mutex<Option<PathBuf>> = std::sync::Mutex::new(None);

fn pending() -> std::sync::MutexGuard<'static, Option<PathBuf>> {
    PENDING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Removes the pending temporary file, if any. Holding the lock: the writer cannot create or
/// rename meanwhile.
fn remove_pending() {
    let guard = pending();
    if let Some(tmp) = guard.as_ref() {
        let _ = std::fs::remove_file(tmp);
    }
}

/// From now on, SIGINT, SIGTERM and SIGHUP remove the pending temporary file before the
/// process dies of them. Installed only when a file is written, so start-up stays lean.
#[cfg(unix)]
fn clean_up_on_interrupt() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                remove_pending();
                let _ = signal_hook::low_level::emulate_default_handler(signal);
                std::process::exit(128 + signal);
            }
        });
    });
}

/// Windows: Ctrl-C (SIGINT, the only one of the three it sends) removes the pending temporary
/// file before the process exits with 130. Windows runs a console control handler on a thread
/// of its own, not on an interrupted one, so taking the lock and removing a file there is safe.
#[cfg(not(unix))]
fn clean_up_on_interrupt() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        use signal_hook::consts::SIGINT;
        // SAFETY: see above; the action runs on the handler thread Windows starts for Ctrl-C.
        let _ = unsafe {
            signal_hook::low_level::register(SIGINT, || {
                remove_pending();
                std::process::exit(128 + SIGINT);
            })
        };
    });
}

/// Writes a new 0600 file under a temporary name in the target's directory, then renames it
/// into place: over an existing file when `force`, else only if nothing is there by then.
fn write_private(path: &Path, bytes: &[u8], force: bool) -> Result<()> {
    let dir = directory(path);
    clean_up_on_interrupt();
    let mut builder = tempfile::Builder::new();
    // Short, whatever the target's name: a long name plus a suffix could exceed NAME_MAX.
    builder.prefix(".sasmint-").suffix(".tmp");
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600));
    let mut tmp = {
        let mut guard = pending();
        let tmp = builder.tempfile_in(&dir).map_err(|e| {
            Failure::new(
                Kind::Internal,
                format!(
                    "cannot write {}: cannot create a temporary file in {}: {}",
                    path.display(),
                    dir.display(),
                    e.kind()
                ),
            )
            .hint("check that the directory exists and is writable")
        })?;
        *guard = Some(tmp.path().to_path_buf());
        tmp
    };
    let written = tmp
        .as_file_mut()
        .write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all());
    // Holding the lock: a signal now finds either the temporary file or none.
    let mut guard = pending();
    // On failure the temporary file is dropped, which removes it.
    let result = match written {
        Ok(()) if force => tmp.persist(path).map(drop).map_err(|e| e.error),
        Ok(()) => tmp.persist_noclobber(path).map(drop).map_err(|e| e.error),
        Err(e) => {
            drop(tmp);
            Err(e)
        }
    };
    *guard = None;
    drop(guard);
    result.map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            // Created by someone else after it was checked.
            already_exists(path)
        } else {
            cannot_write(path, &e)
        }
    })
}
