//! The network part of a command runs on a small runtime, bounded by `--timeout`.
//!
//! One runtime serves the whole process: connections (and connections opened early by
//! `clients::http::warm`) live on it from one network step of a command to the next.

use crate::domain::error::{Failure, Kind, Result};
use std::future::Future;
use std::sync::OnceLock;
use std::time::Duration;

/// The process's current-thread runtime, made on first use.
fn runtime() -> Result<&'static tokio::runtime::Runtime> {
    static RUNTIME: OnceLock<std::result::Result<tokio::runtime::Runtime, String>> =
        OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| Failure::new(Kind::Internal, format!("cannot start the runtime: {e}")))
}

/// Runs `start` inside the runtime without waiting for anything: what it spawns (a warm-up)
/// runs during the next [`network`] step.
pub fn start(start: impl FnOnce()) -> Result<()> {
    let _inside = runtime()?.enter();
    start();
    Ok(())
}

/// Runs `work` on the process's runtime, failing with [`timed_out`] after `timeout` seconds.
pub fn network<T>(timeout: u64, what: &str, work: impl Future<Output = Result<T>>) -> Result<T> {
    runtime()?.block_on(async {
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
