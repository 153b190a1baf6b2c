//! The log writer: every `tracing` event goes to stderr scrubbed of secrets, on one line.

use std::io::{self, Write};

use crate::domain::{redact, shown};

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
        let text = String::from_utf8_lossy(&self.0);
        let scrubbed = redact::scrub(&text);
        // One event is one line: whatever it quotes (a server's header, a URL) cannot add
        // lines or drive the terminal, as for every other stderr line.
        let (body, end) = match scrubbed.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (&*scrubbed, ""),
        };
        let line = format!("{}{end}", shown::escape(body));
        let result = io::stderr().lock().write_all(line.as_bytes());
        self.0.clear();
        result
    }
}

impl Drop for ScrubbedStderr {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}
