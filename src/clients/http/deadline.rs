//! One deadline for the whole command (`--timeout`): every request, every retry and every
//! back-off fits in the time left, and a request that would not is told so at once.
//!
//! The process keeps its one [`Deadline`] in `io::runtime`, which hands it to
//! [`client_options`](super::client_options); the pipeline then bounds each try by it
//! ([`WithinDeadline`]), stops retrying when the next back-off would not fit ([`DeadlineRetry`]),
//! and fails at once when a service asks (`Retry-After`) to wait longer than is left.

use crate::clients::causes;
use azure_core::error::ErrorKind;
use azure_core::http::headers::{Headers, RETRY_AFTER, RETRY_AFTER_MS, X_MS_RETRY_AFTER_MS};
use azure_core::http::policies::{
    get_retry_after, Policy, PolicyResult, RetryHeaders, RetryPolicy,
};
use azure_core::http::{Context, Request, StatusCode, Url};
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

/// The end of the command's network budget: `--timeout` seconds from when the network part of
/// the command started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    at: Instant,
    timeout: u64,
}

impl Deadline {
    /// A deadline `timeout` seconds from now.
    pub fn starting_now(timeout: u64) -> Self {
        Self::starting_at(Instant::now(), timeout)
    }

    /// A deadline `timeout` seconds from `start`.
    pub fn starting_at(start: Instant, timeout: u64) -> Self {
        let budget = Duration::from_secs(timeout);
        let at = start
            .checked_add(budget)
            // Far enough: `--timeout` is checked to be small, this only keeps away a panic.
            .unwrap_or_else(|| start + Duration::from_secs(86_400 * 365));
        Deadline { at, timeout }
    }

    /// When the budget ends.
    pub fn at(&self) -> Instant {
        self.at
    }

    /// The whole budget, `--timeout`, in seconds.
    pub fn timeout(&self) -> u64 {
        self.timeout
    }

    /// What is left of the budget (zero once it has ended).
    pub fn left(&self) -> Duration {
        self.at.saturating_duration_since(Instant::now())
    }

    /// The command's deadline: `timeout` seconds after the first call (later calls return the
    /// same one, whatever `timeout` they pass), until [`restart_command`](Self::restart_command).
    pub fn command(timeout: u64) -> Deadline {
        let mut current = COMMAND.lock().unwrap_or_else(|e| e.into_inner());
        *current.get_or_insert_with(|| Deadline::starting_now(timeout))
    }

    /// Starts the command's deadline anew, `timeout` seconds from now: a batch that streams
    /// gives each chunk's network work (its new accounts' keys, its probes) a budget of its
    /// own. Every client made with [`client_options`](super::client_options) reads it on its
    /// next try.
    pub fn restart_command(timeout: u64) -> Deadline {
        let mut current = COMMAND.lock().unwrap_or_else(|e| e.into_inner());
        *current.insert(Deadline::starting_now(timeout))
    }
}

/// The command's deadline ([`Deadline::command`]).
static COMMAND: Mutex<Option<Deadline>> = Mutex::new(None);

/// Where a policy reads its deadline: the command's, as it is at each try (a batch restarts it
/// a chunk at a time), or a fixed one.
#[derive(Debug, Clone, Copy)]
pub(super) enum Clock {
    /// [`Deadline::command`] with this `--timeout`.
    Command(u64),
    #[cfg_attr(not(test), allow(dead_code))]
    Fixed(Deadline),
}

impl Clock {
    fn deadline(self) -> Deadline {
        match self {
            Clock::Command(timeout) => Deadline::command(timeout),
            Clock::Fixed(deadline) => deadline,
        }
    }
}

/// A request was still running when the command's budget ended.
#[derive(Debug)]
pub struct OutOfTime {
    /// The origin (scheme, host, port) the request went to; never a path or a query.
    pub endpoint: String,
    /// `--timeout`, in seconds.
    pub timeout: u64,
}

impl fmt::Display for OutOfTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} did not answer before the command's --timeout of {} s ran out",
            self.endpoint, self.timeout
        )
    }
}

impl std::error::Error for OutOfTime {}

/// A service asked (429/503 with `Retry-After`) to wait longer than the command has left.
#[derive(Debug)]
pub struct WaitTooLong {
    /// The origin (scheme, host, port) that answered.
    pub endpoint: String,
    /// The status it answered with.
    pub status: u16,
    /// How long it asked to wait.
    pub asked: Duration,
    /// What was left of the budget when it answered.
    pub left: Duration,
    /// `--timeout`, in seconds.
    pub timeout: u64,
}

impl fmt::Display for WaitTooLong {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} answered HTTP {} and asked to wait {} before retrying, longer than the {} left of the command's --timeout of {} s",
            self.endpoint,
            self.status,
            seconds(self.asked),
            seconds(self.left),
            self.timeout
        )
    }
}

impl std::error::Error for WaitTooLong {}

/// A duration as whole seconds, rounded up (`0.2 s` left is "1 s", never "0 s").
fn seconds(d: Duration) -> String {
    let whole = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    format!("{whole} s")
}

/// The scheme, host and port of `url`: what an error may name (a query may hold a SAS).
pub fn origin(url: &Url) -> String {
    url.origin().ascii_serialization()
}

/// The headers a service may use to say how long to wait, in the order the SDK reads them.
fn retry_headers() -> RetryHeaders {
    RetryHeaders {
        retry_headers: vec![X_MS_RETRY_AFTER_MS, RETRY_AFTER_MS, RETRY_AFTER],
    }
}

/// How long an answer with `status` and `headers` asks to wait before a retry, as the SDK's
/// retry policy reads it (only 429 and 503 carry one it honours).
fn asked_wait(status: StatusCode, headers: &Headers) -> Option<Duration> {
    if !matches!(
        status,
        StatusCode::TooManyRequests | StatusCode::ServiceUnavailable
    ) {
        return None;
    }
    let wait = get_retry_after(
        headers,
        time::OffsetDateTime::now_utc,
        &retry_headers().retry_headers,
    )?;
    Some(Duration::try_from(wait).unwrap_or(Duration::ZERO))
}

/// A per-try policy: each try ends by the deadline ([`OutOfTime`], naming the endpoint), and an
/// answer asking to wait longer than is left fails at once ([`WaitTooLong`]). Both are
/// non-transport errors, so the retry policy gives up on them at once.
#[derive(Debug)]
pub(super) struct WithinDeadline(pub Clock);

#[async_trait::async_trait]
impl Policy for WithinDeadline {
    async fn send(
        &self,
        ctx: &Context,
        request: &mut Request,
        next: &[Arc<dyn Policy>],
    ) -> PolicyResult {
        let endpoint = origin(request.url());
        let deadline = self.0.deadline();
        let out_of_time = |endpoint| {
            azure_core::Error::new(
                ErrorKind::Other,
                OutOfTime {
                    endpoint,
                    timeout: deadline.timeout(),
                },
            )
        };
        let sent = tokio::time::timeout_at(deadline.at(), next[0].send(ctx, request, &next[1..]));
        let Ok(answer) = sent.await else {
            return Err(out_of_time(endpoint));
        };
        // The HTTP client's own timeout is `--timeout` too (a backstop), started when the try
        // was sent, so it never ends before the deadline; but when the task wakes late, both
        // have ended and the try's own timeout error may come first. Once the budget is spent,
        // a try that timed out ran out of the command's time, whichever clock said so first.
        let response = match answer {
            Err(e) if deadline.left().is_zero() && causes::is_timeout(&e) => {
                return Err(out_of_time(endpoint));
            }
            answer => answer?,
        };
        if let Some(asked) = asked_wait(response.status(), response.headers()) {
            let left = deadline.left();
            if asked > left {
                return Err(azure_core::Error::new(
                    ErrorKind::Other,
                    WaitTooLong {
                        endpoint,
                        status: u16::from(response.status()),
                        asked,
                        left,
                        timeout: deadline.timeout(),
                    },
                ));
            }
        }
        Ok(response)
    }
}

/// The retry policy: at most [`MAX_RETRIES`] retries of 408/429/5xx and of transport errors,
/// backing off exponentially from 400 ms (up to 8 s, with jitter) or as long as the service
/// asks; no retry whose back-off would end past the deadline (the last answer or error is
/// reported instead).
#[derive(Debug)]
pub(super) struct DeadlineRetry {
    clock: Clock,
    headers: RetryHeaders,
}

/// How many times a request is retried at most.
pub const MAX_RETRIES: u32 = 3;

impl DeadlineRetry {
    pub(super) fn new(clock: Clock) -> Self {
        DeadlineRetry {
            clock,
            headers: retry_headers(),
        }
    }

    /// The back-off before retry number `retry_count` (from 1), without jitter.
    fn base_delay(retry_count: u32) -> Duration {
        let ms = 200u64.saturating_mul(2u64.saturating_pow(retry_count));
        Duration::from_millis(ms.min(8_000))
    }
}

#[async_trait::async_trait]
impl RetryPolicy for DeadlineRetry {
    fn is_expired(&self, _since_start: time::Duration, retry_count: u32) -> bool {
        retry_count >= MAX_RETRIES
            || Self::base_delay(retry_count + 1) >= self.clock.deadline().left()
    }

    fn retry_headers(&self) -> Option<&RetryHeaders> {
        Some(&self.headers)
    }

    fn retry_status_codes(&self) -> &[StatusCode] {
        // Empty: the SDK's own list (408, 429, 500, 502, 503, 504).
        &[]
    }

    fn sleep_duration(&self, retry_count: u32) -> time::Duration {
        let jitter = Duration::from_millis(u64::from(rand_byte()));
        let delay = (Self::base_delay(retry_count) + jitter).min(Duration::from_secs(8));
        time::Duration::try_from(delay).unwrap_or(time::Duration::SECOND)
    }
}

/// A byte that changes from call to call (jitter for back-offs; not for anything secret).
fn rand_byte() -> u8 {
    uuid::Uuid::new_v4().as_bytes()[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The next policy of a pipeline that fails at once with a timeout of its own, as the
    /// HTTP client does when its backstop timeout ends.
    #[derive(Debug)]
    struct TimesOut;

    #[async_trait::async_trait]
    impl Policy for TimesOut {
        async fn send(&self, _: &Context, _: &mut Request, _: &[Arc<dyn Policy>]) -> PolicyResult {
            Err(azure_core::Error::new(
                ErrorKind::Io,
                std::io::Error::from(std::io::ErrorKind::TimedOut),
            ))
        }
    }

    /// One try through [`WithinDeadline`] with `deadline`, whose next policy times out at once.
    async fn timed_out_try(deadline: Deadline) -> azure_core::Error {
        let mut request = Request::new(
            Url::parse("http://127.0.0.1:9/token?secret=x").unwrap(),
            azure_core::http::Method::Get,
        );
        let next: Vec<Arc<dyn Policy>> = vec![Arc::new(TimesOut)];
        WithinDeadline(Clock::Fixed(deadline))
            .send(&Context::new(), &mut request, &next)
            .await
            .unwrap_err()
    }

    /// Both clocks ended before the task woke: the try's own timeout error is polled first, yet
    /// the failure is the command's deadline (the flake this closed: "did not answer in time"
    /// instead of naming `--timeout`, about one run in a few dozen on a loaded machine).
    #[tokio::test]
    async fn a_try_timing_out_once_the_budget_is_spent_is_out_of_time() {
        let e = timed_out_try(Deadline {
            at: Instant::now(),
            timeout: 2,
        })
        .await;
        let late = causes::find::<OutOfTime>(&e).expect("out of time");
        assert_eq!(late.endpoint, "http://127.0.0.1:9");
        assert_eq!(late.timeout, 2);
    }

    /// Before the deadline, a try's own timeout stays what it is (retried, then reported).
    #[tokio::test]
    async fn a_try_timing_out_with_time_left_keeps_its_error() {
        let e = timed_out_try(Deadline::starting_now(60)).await;
        assert!(causes::find::<OutOfTime>(&e).is_none());
        assert_eq!(*e.kind(), ErrorKind::Io);
    }

    #[test]
    fn back_offs_double_from_400_ms_and_stop_at_8_s() {
        assert_eq!(DeadlineRetry::base_delay(1), Duration::from_millis(400));
        assert_eq!(DeadlineRetry::base_delay(2), Duration::from_millis(800));
        assert_eq!(DeadlineRetry::base_delay(3), Duration::from_millis(1600));
        assert_eq!(DeadlineRetry::base_delay(40), Duration::from_secs(8));
    }

    #[test]
    fn no_retry_past_the_deadline_or_the_count() {
        let long = DeadlineRetry::new(Clock::Fixed(Deadline::starting_now(60)));
        assert!(!long.is_expired(time::Duration::ZERO, 0));
        assert!(!long.is_expired(time::Duration::ZERO, 2));
        assert!(long.is_expired(time::Duration::ZERO, MAX_RETRIES));
        // 300 ms left: not even the first back-off (400 ms) fits.
        let short = DeadlineRetry::new(Clock::Fixed(Deadline {
            at: Instant::now() + Duration::from_millis(300),
            timeout: 1,
        }));
        assert!(short.is_expired(time::Duration::ZERO, 0));
    }

    #[test]
    fn a_wait_is_read_only_from_429_and_503() {
        let mut headers = Headers::new();
        headers.insert(RETRY_AFTER, "120");
        assert_eq!(
            asked_wait(StatusCode::TooManyRequests, &headers),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            asked_wait(StatusCode::ServiceUnavailable, &headers),
            Some(Duration::from_secs(120))
        );
        assert_eq!(asked_wait(StatusCode::InternalServerError, &headers), None);
        assert_eq!(
            asked_wait(StatusCode::TooManyRequests, &Headers::new()),
            None
        );
    }

    #[test]
    fn messages_name_the_endpoint_and_the_wait_never_the_path() {
        let url = Url::parse("https://acct.blob.core.windows.net:444/c/b?sig=SECRET").unwrap();
        assert_eq!(origin(&url), "https://acct.blob.core.windows.net:444");
        let wait = WaitTooLong {
            endpoint: origin(&url),
            status: 429,
            asked: Duration::from_secs(60),
            left: Duration::from_millis(1200),
            timeout: 2,
        };
        assert_eq!(
            wait.to_string(),
            "https://acct.blob.core.windows.net:444 answered HTTP 429 and asked to wait 60 s before retrying, longer than the 2 s left of the command's --timeout of 2 s"
        );
        let late = OutOfTime {
            endpoint: origin(&url),
            timeout: 5,
        };
        assert_eq!(
            late.to_string(),
            "https://acct.blob.core.windows.net:444 did not answer before the command's --timeout of 5 s ran out"
        );
    }
}
