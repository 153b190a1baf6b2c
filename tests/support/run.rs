//! [`Run`]: what one run of the binary did, with chainable assertions.

use std::time::{Duration, Instant};

use super::{assert_absent, TokenServer};

/// Exit code, output and wall time of one run of `sasmint`.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Run {
    /// Runs `cmd` to the end and records what it did.
    pub fn of(cmd: &mut assert_cmd::Command) -> Self {
        let start = Instant::now();
        let out = cmd.output().expect("run sasmint");
        Self::from_output(out, start.elapsed())
    }

    fn from_output(out: std::process::Output, elapsed: Duration) -> Self {
        Self {
            code: out.status.code(),
            stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
            elapsed,
        }
    }

    /// Exit 0.
    #[track_caller]
    pub fn ok(&self) -> &Self {
        assert_eq!(
            self.code,
            Some(0),
            "after {:?}\nstdout:\n{}\nstderr:\n{}",
            self.elapsed,
            self.stdout,
            self.stderr
        );
        self
    }

    /// Exit `code`, nothing on stdout, and a message on stderr.
    #[track_caller]
    pub fn failed_with(&self, code: i32) -> &Self {
        assert_eq!(
            self.code,
            Some(code),
            "after {:?}\nstdout:\n{}\nstderr:\n{}",
            self.elapsed,
            self.stdout,
            self.stderr
        );
        assert!(
            self.stdout.is_empty(),
            "a failure printed on stdout: {}",
            self.stdout
        );
        assert!(!self.stderr.trim().is_empty(), "a failure says nothing");
        self
    }

    /// stdout parsed as one JSON value.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }

    #[track_caller]
    pub fn took_between(&self, min: Duration, max: Duration) -> &Self {
        assert!(
            (min..max).contains(&self.elapsed),
            "took {:?}, expected {min:?}..{max:?}; stderr:\n{}",
            self.elapsed,
            self.stderr
        );
        self
    }

    /// stderr contains `needle`.
    #[track_caller]
    pub fn says(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}:\n{}",
            self.stderr
        );
        self
    }

    /// Neither the identity header nor any bearer token the token server handed out reached
    /// stderr.
    #[track_caller]
    pub fn no_identity_secrets(&self, ts: &TokenServer) -> &Self {
        assert_absent(&self.stderr, "identity header", ts.header());
        if let Some(token) = ts.last_token() {
            assert_absent(&self.stderr, "bearer token", &token);
        }
        self
    }
}
