//! The network part of a command runs on a small runtime, bounded by one deadline.
//!
//! One runtime serves the whole process: connections (and connections opened early by
//! `clients::http::warm`) live on it from one network step of a command to the next.
//!
//! `--timeout` is the budget of the whole network part of a command, not of each step: the
//! [`deadline`] is set once, when the network part starts (the first credential or client is
//! built, after every check), and every step after it ([`network`]) — token, key, lookups,
//! writes, `--verify` probes, their retries — gets only the time left. The HTTP pipeline ends
//! each request by the same deadline with an error naming its endpoint
//! ([`http::deadline`](crate::clients::http::deadline)); a step that still runs [`GRACE`]
//! after it fails naming the step.

use crate::clients::http::Deadline;
use crate::domain::error::{Failure, Kind, Result};
use std::future::Future;
use std::sync::OnceLock;
use std::time::Duration;

/// How long after the deadline a step may still run before it is cut off: the pipeline's own
/// bound (at the deadline, naming the endpoint) fires first; this catches what it does not
/// cover (a CLI credential's child process, a body still arriving).
pub const GRACE: Duration = Duration::from_millis(250);

/// The command's one deadline: `timeout` seconds after the first call (later calls return the
/// same deadline, whatever `timeout` they pass), until [`restart_deadline`].
pub fn deadline(timeout: u64) -> Deadline {
    Deadline::command(timeout)
}

/// A new budget of `timeout` seconds from now for what the command sends next: a batch that
/// streams calls it for each chunk that needs the network, so that a long input does not run
/// its later chunks out of the time its first ones had.
pub fn restart_deadline(timeout: u64) -> Deadline {
    Deadline::restart_command(timeout)
}

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

/// Runs the step `what` on the process's runtime, within the command's [`deadline`] (set now
/// if this is the first network step): it fails with [`timed_out`] once the deadline (and
/// [`GRACE`]) has passed.
pub fn network<T>(timeout: u64, what: &str, work: impl Future<Output = Result<T>>) -> Result<T> {
    let deadline = deadline(timeout);
    runtime()?.block_on(async {
        tokio::time::timeout_at(deadline.at() + GRACE, work)
            .await
            .unwrap_or_else(|_| Err(timed_out(what, deadline.timeout())))
    })
}

/// `work`, the step `what` inside a [`network`] one (one account of a batch), failing with
/// [`timed_out`] at `deadline`: before the [`network`] step around it, so the step that ran
/// out is the one named.
pub async fn within<T>(
    deadline: Deadline,
    what: &str,
    work: impl Future<Output = Result<T>>,
) -> Result<T> {
    tokio::time::timeout_at(deadline.at(), work)
        .await
        .unwrap_or_else(|_| Err(timed_out(what, deadline.timeout())))
}

/// The step `what` was running when the command's `--timeout` ran out.
pub fn timed_out(what: &str, timeout: u64) -> Failure {
    Failure::new(
        Kind::Network,
        format!("{what} timed out: the command's --timeout of {timeout} s ran out"),
    )
    .hint(crate::clients::http::error::HINT_DEADLINE)
}

/// Runs `first` and `second` at the same time and reports errors as if they had run one after
/// the other: an error of `first` wins (and ends the wait at once); an error of `second` is
/// reported once `first` has finished without one.
pub async fn both<A, B>(
    first: impl Future<Output = Result<A>>,
    second: impl Future<Output = Result<B>>,
) -> Result<(A, B)> {
    tokio::pin!(first, second);
    tokio::select! {
        biased;
        a = &mut first => {
            let a = a?;
            Ok((a, second.await?))
        }
        b = &mut second => {
            let a = first.await?;
            Ok((a, b?))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::pending;

    fn failure(what: &str) -> Failure {
        Failure::new(Kind::Service, what)
    }

    /// A runtime of the test's own, with a 5-second bound: a wait that never ends fails.
    fn run<T>(work: impl Future<Output = Result<T>>) -> Result<T> {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
            .block_on(async {
                tokio::time::timeout(Duration::from_secs(5), work)
                    .await
                    .unwrap_or_else(|_| Err(timed_out("the test", 5)))
            })
    }

    #[test]
    fn steps_share_the_deadline_and_the_one_that_runs_out_is_named() {
        // One budget: the first step ends (ready when first polled, so no clock can cut it),
        // the second never does and is named when the same budget runs out. No margin of
        // wall-clock time decides which.
        let error = run(async {
            let deadline = Deadline::starting_now(1);
            within(deadline, "the first step", async { Ok(()) }).await?;
            within(
                deadline,
                "the second step",
                std::future::pending::<Result<()>>(),
            )
            .await
        })
        .unwrap_err();
        assert_eq!(error.kind, Kind::Network);
        assert_eq!(
            error.message,
            "the second step timed out: the command's --timeout of 1 s ran out"
        );
    }

    #[test]
    fn both_gives_both_values() {
        let (a, b) = run(both(async { Ok(1) }, async { Ok("two") })).unwrap();
        assert_eq!((a, b), (1, "two"));
    }

    #[test]
    fn an_error_of_the_first_ends_the_wait_at_once() {
        // The second never finishes: only the first's error can end this before the timeout.
        let error = run(both(
            async { Err::<(), _>(failure("first")) },
            pending::<Result<()>>(),
        ))
        .unwrap_err();
        assert_eq!(error.message, "first");
    }

    #[test]
    fn the_first_error_wins_even_when_the_second_fails_sooner() {
        let first = async {
            tokio::time::sleep(Duration::from_millis(50)).await;
            Err::<(), _>(failure("first"))
        };
        let error = run(both(first, async { Err::<(), _>(failure("second")) })).unwrap_err();
        assert_eq!(error.message, "first");
    }

    #[test]
    fn an_error_of_the_second_waits_for_the_first() {
        let finished = std::cell::Cell::new(false);
        let first = async {
            tokio::time::sleep(Duration::from_millis(50)).await;
            finished.set(true);
            Ok(())
        };
        let error = run(both(first, async { Err::<(), _>(failure("second")) })).unwrap_err();
        assert_eq!(error.message, "second");
        assert!(finished.get(), "the first ran to its end");
    }
}
