//! stdout for results, stderr for errors and notes. Every line for stderr is scrubbed of
//! registered secrets, then has its control characters escaped and is cut to a bounded length
//! (`domain::shown`): whatever a message quotes, it stays one line and cannot drive the terminal.

use crate::domain::error::{Failure, Kind, Result};
use crate::domain::{redact, shown};
use std::io::Write;

/// The most a message line shows, in bytes (the values it quotes are cut shorter still).
const MESSAGE_BYTES: usize = 2000;
/// The most a hint line shows, in bytes.
const HINT_BYTES: usize = 1000;

/// A line of text for stderr: secrets scrubbed, controls escaped, cut.
pub(super) fn for_stderr(text: &str, max_bytes: usize) -> String {
    shown::line(&redact::scrub(text), max_bytes)
}

/// Prints a failure: one line, and a hint line; secrets scrubbed.
pub fn report(failure: &Failure) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(
        err,
        "sasmint: error: {}",
        for_stderr(&failure.message, MESSAGE_BYTES)
    );
    if let Some(hint) = &failure.hint {
        let _ = writeln!(err, "  hint: {}", for_stderr(hint, HINT_BYTES));
    }
}

/// A note on stderr (unless -q): something the user should know but that is not an error.
pub fn note(quiet: bool, text: &str) {
    if !quiet {
        // Not eprintln!: a closed stderr must not turn a note into a crash.
        let _ = writeln!(
            std::io::stderr(),
            "sasmint: note: {}",
            for_stderr(text, MESSAGE_BYTES)
        );
    }
}

/// Writes the result to stdout. A closed pipe (`| head -c1`) is not an error; a stdout that was
/// closed when sasmint started (`>&-`) is: the result would be lost.
pub fn stdout(text: &str) -> Result<()> {
    if stdout_was_closed() {
        return Err(
            Failure::new(Kind::Internal, "cannot write the result: stdout is closed").hint(
                "redirect stdout to a file or pipe, or use --output-file where the command has it",
            ),
        );
    }
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::new(
            Kind::Internal,
            format!("cannot write to stdout: {e}"),
        )),
    }
}

/// Whether stdout was closed when the process started. Rust's runtime then opens `/dev/null`
/// in its place, read-write (so nothing ever lands on another file that reuses the number); a
/// shell's `>/dev/null` opens it write-only, which stays a valid choice to discard the result.
#[cfg(unix)]
fn stdout_was_closed() -> bool {
    use rustix::fs::OFlags;
    use std::os::fd::AsFd;
    use std::os::unix::fs::MetadataExt;
    let stdout = std::io::stdout();
    let fd = stdout.as_fd();
    let Ok(flags) = rustix::fs::fcntl_getfl(fd) else {
        return true;
    };
    if flags & OFlags::ACCMODE != OFlags::RDWR {
        return false;
    }
    let Ok(own) = fd.try_clone_to_owned().map(std::fs::File::from) else {
        return true;
    };
    match (own.metadata(), std::fs::metadata("/dev/null")) {
        (Ok(out), Ok(null)) => out.rdev() == null.rdev() && out.dev() == null.dev(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn stdout_was_closed() -> bool {
    false
}

/// Asks `question` on stderr and reads the answer from stdin, which must be a terminal: `y` or
/// `yes` (any case) is yes; anything else, or end of input, is no. `None` when stdin is not a
/// terminal (the caller then needs an explicit flag such as `--yes`).
pub fn confirm(question: &str) -> Option<bool> {
    use std::io::{BufRead, IsTerminal, Read};
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return None;
    }
    let _ = write!(
        std::io::stderr(),
        "sasmint: {} ",
        for_stderr(question, MESSAGE_BYTES)
    );
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    // One short line; a terminal's line is bounded anyway.
    if stdin.lock().take(64).read_line(&mut answer).is_err() {
        return Some(false);
    }
    Some(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}
