//! The log writer: every `tracing` event goes to stderr scrubbed of secrets, on one line.

use std::io::{self, Write};

use super::terminal::for_stderr;

/// A stderr writer for `tracing`: buffers one event and writes it scrubbed.
#[derive(Default)]
pub struct ScrubbedStderr(Vec<u8>);

impl Write for ScrubbedStderr {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.0.is_empty() {
            return Ok(());
        }
        let result = io::stderr().lock().write_all(line(&self.0).as_bytes());
        self.0.clear();
        result
    }
}

impl Drop for ScrubbedStderr {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

/// The most a log line shows, in bytes: more than an error line, for the headers `-vv` logs.
const LOG_BYTES: usize = 8000;

/// One event as it reaches stderr, as every other stderr line does (`terminal::for_stderr`):
/// whatever it quotes (a server's header, a URL) is scrubbed, cannot add lines or drive the
/// terminal, and is cut.
fn line(event: &[u8]) -> String {
    let text = String::from_utf8_lossy(event);
    let (body, end) = match text.strip_suffix('\n') {
        Some(body) => (body, "\n"),
        None => (&*text, ""),
    };
    format!("{}{end}", for_stderr(body, LOG_BYTES))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_is_one_bounded_escaped_line() {
        let event = format!("DEBUG header: {}\r\nFAKE\x1b[2J\n", "x".repeat(20_000));
        let shown = line(event.as_bytes());
        assert!(shown.len() <= LOG_BYTES + 8, "{}", shown.len());
        assert!(shown.ends_with('\n'));
        assert_eq!(shown.matches('\n').count(), 1);
        assert!(!shown.contains('\x1b'));
        assert_eq!(line(b"INFO plain\n"), "INFO plain\n");
    }
}
