//! The network part of a command runs on a small runtime, bounded by `--timeout`.

use crate::domain::error::{Failure, Kind, Result};
use std::future::Future;
use std::time::Duration;

/// Runs `work` on a current-thread runtime, failing with [`timed_out`] after `timeout` seconds.
pub fn network<T>(timeout: u64, what: &str, work: impl Future<Output = Result<T>>) -> Result<T> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new(Kind::Internal, format!("cannot start the runtime: {e}")))?;
    runtime.block_on(async {
        tokio::time::timeout(Duration::from_secs(timeout), work)
            .await
            .unwrap_or_else(|_| Err(timed_out(what, timeout)))
    })
}

/// `what` took longer than `--timeout`.
pub fn timed_out(what: &str, timeout: u64) -> Failure {
    Failure::new(Kind::Network, format!("{what} timed out after {timeout} s"))
        .hint("check the network path to the endpoint, or raise --timeout")
}
