//! stdout for results, stderr for errors and notes: every line for stderr is scrubbed of
//! registered secrets first.

use crate::domain::error::{Failure, Kind, Result};
use crate::domain::redact;
use std::io::Write;

/// Prints a failure: one line, and a hint line; secrets scrubbed.
pub fn report(failure: &Failure) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "sasmint: error: {}", redact::scrub(&failure.message));
    if let Some(hint) = &failure.hint {
        let _ = writeln!(err, "  hint: {}", redact::scrub(hint));
    }
}

/// A note on stderr (unless -q): something the user should know but that is not an error.
pub fn note(quiet: bool, text: &str) {
    if !quiet {
        // Not eprintln!: a closed stderr must not turn a note into a crash.
        let _ = writeln!(std::io::stderr(), "sasmint: note: {}", redact::scrub(text));
    }
}

/// Writes the result to stdout. A closed pipe (`| head -c1`) is not an error.
pub fn stdout(text: &str) -> Result<()> {
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
