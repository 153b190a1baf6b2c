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
//! A batch writes its results as they come with [`Stream`], which keeps them in the same
//! temporary file (for a FIFO or device, an unnamed one) and puts them in place the same way at
//! the end: memory does not grow with the batch, and the file is whole or absent.
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
        Target::Special { follow } => write_special(path, follow, |f| f.write_all(text.as_bytes())),
        // `Replace` only comes with `force`.
        Target::New | Target::Replace => write_private(path, text.as_bytes(), force),
    }
}

/// An `--output-file` written as the result is produced (a batch), in memory that does not grow
/// with it, with the guarantees of [`emit`]: the text goes, buffered, to the same private
/// temporary file beside the target (removed on failure, on drop and on the signals above), and
/// [`Stream::finish`] renames it into place, with the same checks and messages. Nothing reaches
/// the path before that: a run that fails on the way leaves no file and no temporary file.
///
/// For a FIFO or device the text is kept in an unnamed private temporary file (it has no name
/// to remove) and written to it at the end, so it too sees the result whole or not at all.
pub struct Stream {
    path: PathBuf,
    force: bool,
    /// The temporary file beside the target, while it is pending.
    pending: Option<PathBuf>,
    /// `None` once finished.
    spool: Option<std::io::BufWriter<Spool>>,
}

/// Where a [`Stream`] keeps the text until it is finished.
enum Spool {
    /// Beside the target: renamed into place.
    Beside(tempfile::NamedTempFile),
    /// Unnamed (the target is a FIFO or device): copied to it.
    Unnamed(std::fs::File),
}

impl Spool {
    fn file(&mut self) -> &mut std::fs::File {
        match self {
            Spool::Beside(tmp) => tmp.as_file_mut(),
            Spool::Unnamed(file) => file,
        }
    }
}

impl Write for Spool {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file().write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file().flush()
    }
}

/// What a [`Stream`] buffers before it writes to its file.
const STREAM_BUFFER: usize = 64 * 1024;

impl Stream {
    /// Starts writing `path` (checked as [`check`] does; `force`: an existing file may be
    /// replaced).
    pub fn create(path: &Path, force: bool) -> Result<Stream> {
        let (spool, pending) = match classify(path, force)? {
            Target::Special { .. } => {
                let file = tempfile::tempfile().map_err(|e| {
                    Failure::new(
                        Kind::Internal,
                        format!(
                            "cannot write {}: cannot create a temporary file: {}",
                            path.display(),
                            e.kind()
                        ),
                    )
                    .hint("check that the temporary directory (TMPDIR) is writable")
                })?;
                (Spool::Unnamed(file), None)
            }
            Target::New | Target::Replace => {
                let tmp = create_temp(path)?;
                let pending = tmp.path().to_path_buf();
                (Spool::Beside(tmp), Some(pending))
            }
        };
        Ok(Stream {
            path: path.to_path_buf(),
            force,
            pending,
            spool: Some(std::io::BufWriter::with_capacity(STREAM_BUFFER, spool)),
        })
    }

    /// Adds `text` to the result.
    pub fn write(&mut self, text: &str) -> Result<()> {
        let spool = self.spool.as_mut().expect("not finished");
        spool
            .write_all(text.as_bytes())
            .map_err(|e| cannot_write(&self.path, &e))
    }

    /// Puts the whole result at the path, checked again as [`emit`] does: renamed into place
    /// (over an existing file only with `force`), or copied to a FIFO or device.
    pub fn finish(mut self) -> Result<()> {
        use std::io::Seek as _;
        let buffered = self.spool.take().expect("finished once");
        // On any failure below the spool is dropped, which removes a temporary file.
        let mut spool = buffered
            .into_inner()
            .map_err(|e| cannot_write(&self.path, e.error()))?;
        match classify(&self.path, self.force)? {
            Target::Special { follow } => {
                let file = spool.file();
                file.rewind().map_err(|e| cannot_write(&self.path, &e))?;
                write_special(&self.path, follow, |out| std::io::copy(file, out).map(drop))
            }
            Target::New | Target::Replace => match spool {
                Spool::Beside(tmp) => {
                    self.pending = None;
                    persist(tmp, Ok(()), &self.path, self.force)
                }
                // It was a FIFO or device when the run started.
                Spool::Unnamed(mut file) => {
                    let mut tmp = create_temp(&self.path)?;
                    let copied = file
                        .rewind()
                        .and_then(|()| std::io::copy(&mut file, tmp.as_file_mut()).map(drop));
                    persist(tmp, copied, &self.path, self.force)
                }
            },
        }
    }
}

impl Drop for Stream {
    /// Unfinished, or finished without renaming: the temporary file is removed (dropping it
    /// does) and no longer pending.
    fn drop(&mut self) {
        if let Some(tmp) = self.pending.take() {
            let mut guard = pending();
            // What is still buffered is dropped unwritten.
            drop(self.spool.take().map(std::io::BufWriter::into_parts));
            if guard.as_deref() == Some(tmp.as_path()) {
                *guard = None;
            }
        }
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

/// Writes a FIFO or device directly (renaming over it would replace it), with `write`. The open blocks on a
/// FIFO until a reader comes, as a shell's `>` does.
fn write_special(
    path: &Path,
    follow: bool,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<()> {
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
    write(&mut file)
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
    let mut tmp = create_temp(path)?;
    let written = tmp.as_file_mut().write_all(bytes);
    persist(tmp, written, path, force)
}

/// A new private (0600) file under an unpredictable name in `path`'s directory, recorded as
/// pending so that a signal removes it.
fn create_temp(path: &Path) -> Result<tempfile::NamedTempFile> {
    let dir = directory(path);
    clean_up_on_interrupt();
    let mut builder = tempfile::Builder::new();
    // Short, whatever the target's name: a long name plus a suffix could exceed NAME_MAX.
    builder.prefix(".sasmint-").suffix(".tmp");
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600));
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
    Ok(tmp)
}

/// `tmp`, once `written` and synced, renamed to `path`: over an existing file when `force`,
/// else only if nothing is there by then. On failure it is removed. Either way it is no longer
/// pending.
fn persist(
    tmp: tempfile::NamedTempFile,
    written: std::io::Result<()>,
    path: &Path,
    force: bool,
) -> Result<()> {
    let written = written.and_then(|()| tmp.as_file().sync_all());
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
