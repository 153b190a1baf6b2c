//! The transport under every pipeline (storage, credentials, GeoCatalog, Maxar ARD): response
//! bodies are read only up to a cap, so no server can make sasmint hold more than that in
//! memory (a 1 GiB answer, an endless chunked one, a compression bomb: the reqwest client under
//! it asks for no compression and decompresses nothing).
//!
//! * A success body (status below 400) larger than [`MAX_BODY`] fails the call with
//!   [`BodyTooBig`]; a `Content-Length` over the cap fails before any of the body is read. The
//!   error is not a transport error ([`ErrorKind::Other`]), so it is never retried: a cut-off
//!   answer must not be parsed, and asking again would bring the same answer.
//! * An error body (status 400 and up) is cut after [`MAX_ERROR_BODY`]: its start still carries
//!   the error code and message. The rest is never read: the connection is closed, on every try
//!   the retry policy makes.

use azure_core::error::ErrorKind;
use azure_core::http::headers::CONTENT_LENGTH;
use azure_core::http::{AsyncRawResponse, AsyncResponseBody, HttpClient, Method, Request};
use azure_core::Bytes;
use futures::Stream;
use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// The largest success body read: a delegation key is ~600 bytes, a token a few KiB, a page of
/// a GeoCatalog or ARD list well under this.
pub const MAX_BODY: usize = 1 << 20;

/// How much of an error body is read: enough for the error code and message at its start.
pub const MAX_ERROR_BODY: usize = 64 << 10;

/// An [`HttpClient`] that caps the response bodies of the client it wraps.
#[derive(Debug)]
pub struct CappedHttp {
    inner: Arc<dyn HttpClient>,
    max_body: usize,
    max_error_body: usize,
}

impl CappedHttp {
    /// `inner` with the documented caps, [`MAX_BODY`] and [`MAX_ERROR_BODY`].
    pub fn new(inner: Arc<dyn HttpClient>) -> Self {
        Self::with_caps(inner, MAX_BODY, MAX_ERROR_BODY)
    }

    fn with_caps(inner: Arc<dyn HttpClient>, max_body: usize, max_error_body: usize) -> Self {
        Self {
            inner,
            max_body,
            max_error_body,
        }
    }
}

#[async_trait::async_trait]
impl HttpClient for CappedHttp {
    async fn execute_request(&self, request: &Request) -> azure_core::Result<AsyncRawResponse> {
        let response = self.inner.execute_request(request).await?;
        let (status, headers, body) = response.deconstruct();
        let success = u16::from(status) < 400;
        let too_big = || BodyTooBig {
            origin: origin(request),
            cap: self.max_body,
        };
        if success && request.method() != Method::Head {
            let length = headers
                .get_optional_str(&CONTENT_LENGTH)
                .and_then(|v| v.trim().parse::<u64>().ok());
            if length.is_some_and(|n| n > self.max_body as u64) {
                // Dropping `body` closes the connection: nothing of it is read.
                return Err(too_big().into());
            }
        }
        let body = CappedBody {
            inner: Some(body),
            left: if success {
                self.max_body
            } else {
                self.max_error_body
            },
            over: if success {
                Over::Fail(too_big())
            } else {
                Over::Cut
            },
        };
        Ok(AsyncRawResponse::new(status, headers, Box::pin(body)))
    }
}

/// The scheme, host, port and path of the request: no query, no user.
fn origin(request: &Request) -> String {
    let url = request.url();
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    format!(
        "{}://{}{port}{}",
        url.scheme(),
        url.host_str().unwrap_or_default(),
        url.path()
    )
}

/// A success answer larger than the cap.
#[derive(Debug, Clone)]
pub struct BodyTooBig {
    origin: String,
    cap: usize,
}

impl fmt::Display for BodyTooBig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} answered with a body larger than {}",
            self.origin,
            size(self.cap)
        )
    }
}

impl std::error::Error for BodyTooBig {}

impl From<BodyTooBig> for azure_core::Error {
    /// Not [`ErrorKind::Io`] or [`ErrorKind::Connection`]: the retry policy retries those.
    fn from(e: BodyTooBig) -> Self {
        azure_core::Error::new(ErrorKind::Other, e)
    }
}

/// `n` bytes for people: "1 MiB", "64 KiB", "100 bytes".
fn size(n: usize) -> String {
    match n {
        n if n >= 1 << 20 && n % (1 << 20) == 0 => format!("{} MiB", n >> 20),
        n if n >= 1 << 10 && n % (1 << 10) == 0 => format!("{} KiB", n >> 10),
        n => format!("{n} bytes"),
    }
}

/// The [`BodyTooBig`] somewhere in `e`'s chain of sources (the retry policy and the
/// credentials wrap it), if any.
pub fn body_too_big(e: &azure_core::Error) -> Option<&BodyTooBig> {
    crate::clients::causes::find(e)
}

/// What to do with the bytes past the cap.
enum Over {
    /// Fail with this error (success bodies: a cut-off answer must not be parsed).
    Fail(BodyTooBig),
    /// End the body at the cap (error bodies: their start is what matters).
    Cut,
}

/// A body that yields at most `left` more bytes. Past that it drops the inner body, which
/// closes the connection, and ends or fails as [`Over`] says.
struct CappedBody {
    inner: Option<AsyncResponseBody>,
    left: usize,
    over: Over,
}

impl Stream for CappedBody {
    type Item = azure_core::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let Some(inner) = self.inner.as_mut() else {
            return Poll::Ready(None);
        };
        match Pin::new(inner).poll_next(cx) {
            Poll::Ready(Some(Ok(mut chunk))) if chunk.len() > self.left => {
                self.inner = None;
                match &self.over {
                    Over::Fail(e) => Poll::Ready(Some(Err(e.clone().into()))),
                    Over::Cut => {
                        chunk.truncate(self.left);
                        self.left = 0;
                        Poll::Ready((!chunk.is_empty()).then_some(Ok(chunk)))
                    }
                }
            }
            Poll::Ready(Some(Ok(chunk))) => {
                self.left -= chunk.len();
                Poll::Ready(Some(Ok(chunk)))
            }
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use azure_core::http::headers::Headers;
    use azure_core::http::{StatusCode, Url};
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Answers every request with `status`, an optional `Content-Length`, and `chunks` chunks of
    /// `chunk` bytes (endless when `chunks` is `None`); counts the chunks handed out.
    #[derive(Debug)]
    struct Fake {
        status: u16,
        content_length: Option<u64>,
        chunk: usize,
        chunks: Option<usize>,
        pulled: Arc<AtomicUsize>,
    }

    #[async_trait::async_trait]
    impl HttpClient for Fake {
        async fn execute_request(&self, _: &Request) -> azure_core::Result<AsyncRawResponse> {
            let mut headers = Headers::new();
            if let Some(n) = self.content_length {
                headers.insert("content-length", n.to_string());
            }
            let (chunk, chunks, pulled) = (self.chunk, self.chunks, self.pulled.clone());
            let body = futures::stream::iter(std::iter::from_fn(move || {
                let n = pulled.fetch_add(1, Ordering::SeqCst);
                (chunks.is_none_or(|c| n < c)).then(|| Ok(Bytes::from(vec![b'A'; chunk])))
            }));
            Ok(AsyncRawResponse::new(
                StatusCode::from(self.status),
                headers,
                Box::pin(body),
            ))
        }
    }

    fn capped(fake: Fake) -> CappedHttp {
        CappedHttp::with_caps(Arc::new(fake), 1000, 100)
    }

    fn fake(status: u16, content_length: Option<u64>, chunks: Option<usize>) -> Fake {
        Fake {
            status,
            content_length,
            chunk: 64,
            chunks,
            pulled: Arc::new(AtomicUsize::new(0)),
        }
    }

    fn request() -> Request {
        Request::new(
            Url::parse("https://user:pw@example.com:8443/a/b?sig=secret").unwrap(),
            Method::Get,
        )
    }

    async fn body(http: &CappedHttp) -> azure_core::Result<Bytes> {
        http.execute_request(&request())
            .await?
            .into_body()
            .collect()
            .await
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn bodies_within_the_cap_pass_untouched() {
        block_on(async {
            assert_eq!(
                body(&capped(fake(200, None, Some(15))))
                    .await
                    .unwrap()
                    .len(),
                960
            );
            assert_eq!(
                body(&capped(fake(500, None, Some(1)))).await.unwrap().len(),
                64
            );
        });
    }

    #[test]
    fn an_endless_success_body_fails_once_past_the_cap() {
        block_on(async {
            let f = fake(200, None, None);
            let pulled = f.pulled.clone();
            let e = body(&capped(f)).await.unwrap_err();
            assert_eq!(e.kind(), &ErrorKind::Other, "not retried");
            let big = body_too_big(&e).expect("a BodyTooBig");
            // No user, no query.
            assert_eq!(
                big.to_string(),
                "https://example.com:8443/a/b answered with a body larger than 1000 bytes"
            );
            assert_eq!(
                pulled.load(Ordering::SeqCst),
                16,
                "stops at the first chunk past it"
            );
        });
    }

    #[test]
    fn a_content_length_over_the_cap_fails_before_reading() {
        block_on(async {
            let f = fake(200, Some(1 << 30), None);
            let pulled = f.pulled.clone();
            let e = capped(f).execute_request(&request()).await.unwrap_err();
            assert!(body_too_big(&e).is_some());
            assert_eq!(pulled.load(Ordering::SeqCst), 0);
        });
    }

    #[test]
    fn an_error_body_is_cut_at_its_cap() {
        block_on(async {
            let f = fake(500, Some(1 << 30), None);
            let pulled = f.pulled.clone();
            let bytes = body(&capped(f)).await.unwrap();
            assert_eq!(bytes.len(), 100);
            assert_eq!(pulled.load(Ordering::SeqCst), 2);
        });
    }

    #[test]
    fn wrapped_errors_are_still_found() {
        let e: azure_core::Error = BodyTooBig {
            origin: "https://x/".into(),
            cap: MAX_BODY,
        }
        .into();
        let wrapped = azure_core::Error::with_error(ErrorKind::Credential, e, "sign-in failed")
            .with_context("non-transport error occurred which will not be retried");
        assert_eq!(
            body_too_big(&wrapped).unwrap().to_string(),
            "https://x/ answered with a body larger than 1 MiB"
        );
        assert!(body_too_big(&azure_core::Error::with_message(ErrorKind::Other, "x")).is_none());
        assert_eq!(size(64 << 10), "64 KiB");
    }
}
