//! `--output-file`: a result written to a new private file, atomically, and never left
//! half-written (the temporary file is removed on Ctrl-C, SIGTERM and SIGHUP).

use crate::domain::error::{Failure, Kind, Result};
use crate::io::terminal::stdout;
use std::io::Write;

/// Writes a result: to stdout, or with `--output-file` to a new 0600 file, atomically (a
/// temporary file in the same directory, then a rename), so it is never seen half-written.
/// A FIFO or device (`/dev/stdout`) is written to directly: renaming over it would replace it.
pub fn emit(text: &str, file: Option<&std::path::Path>) -> Result<()> {
    let Some(path) = file else {
        return stdout(text);
    };
    let special = std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir());
    let written = if special {
        std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .and_then(|mut f| f.write_all(text.as_bytes()))
    } else {
        write_private(path, text.as_bytes())
    };
    written.map_err(|e| {
        Failure::new(
            Kind::Internal,
            format!("cannot write {}: {e}", path.display()),
        )
        .hint("check that the directory exists and is writable")
    })
}

/// The temporary file being written, if any: removed when the process is interrupted.
static PENDING: std::sync::Mutex<Option<std::path::PathBuf>> = std::sync::Mutex::new(None);

fn pending() -> std::sync::MutexGuard<'static, Option<std::path::PathBuf>> {
    PENDING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// From now on, SIGINT, SIGTERM and SIGHUP remove the pending temporary file before the
/// process dies of them. Installed only when a file is written, so start-up stays lean.
fn clean_up_on_interrupt() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                // Holding the lock: the writer cannot create or rename meanwhile.
                let guard = pending();
                if let Some(tmp) = guard.as_ref() {
                    let _ = std::fs::remove_file(tmp);
                }
                let _ = signal_hook::low_level::emulate_default_handler(signal);
                std::process::exit(128 + signal);
            }
        });
    });
}

fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    if path.file_name().is_none() {
        return Err(std::io::Error::other("the path names no file"));
    }
    // Short, whatever the target's name: a long name plus a suffix could exceed NAME_MAX.
    let tmp = dir.join(format!(".sasmint-{}.tmp", std::process::id()));
    clean_up_on_interrupt();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = {
        let mut guard = pending();
        let file = options.open(&tmp)?;
        *guard = Some(tmp.clone());
        file
    };
    let result = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| {
            let mut guard = pending();
            std::fs::rename(&tmp, path)?;
            *guard = None;
            Ok(())
        });
    if result.is_err() {
        let mut guard = pending();
        let _ = std::fs::remove_file(&tmp);
        *guard = None;
    }
    result
}
