//! The failures sasmint reports, each with its documented exit code and an optional hint.
//!
//! Every message that reaches the terminal passes through [`crate::domain::redact`] first, so a
//! secret that a service or credential echoes back is never printed.

use std::fmt;
use std::process::ExitCode;

/// What went wrong, coarsely: each kind has its own exit code (documented in the README).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Anything unexpected: I/O on local files, a bug. Exit 1.
    Internal,
    /// Bad input: caught before any network request. Exit 2.
    Usage,
    /// No credential could produce an Entra ID token. Exit 3.
    Credential,
    /// The service refused the caller (401/403). Exit 4.
    Denied,
    /// The service answered with another error (400, 404, 409, 5xx after retries). Exit 5.
    Service,
    /// The network failed: connection refused, DNS, timeout. Exit 6.
    Network,
    /// TLS failed: the server's certificate is not trusted. Exit 7.
    Tls,
    /// The command worked and found something that needs attention (`geocatalog status`: a
    /// token expiring or expired). Exit 8.
    Attention,
}

impl Kind {
    pub fn exit_code(self) -> u8 {
        match self {
            Kind::Internal => 1,
            Kind::Usage => 2,
            Kind::Credential => 3,
            Kind::Denied => 4,
            Kind::Service => 5,
            Kind::Network => 6,
            Kind::Tls => 7,
            Kind::Attention => 8,
        }
    }
}

/// A failure to report: one line of message, and an optional `hint:` line saying how to fix it.
#[derive(Debug, Clone, thiserror::Error)]
pub struct Failure {
    pub kind: Kind,
    pub message: String,
    pub hint: Option<String>,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl Failure {
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            hint: None,
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Kind::Usage, message)
    }

    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.kind.exit_code())
    }
}

pub type Result<T, E = Failure> = std::result::Result<T, E>;
