//! Pre-connecting: [`Prewarm::warm`] opens the connection to an origin (DNS, TCP, TLS) while the
//! command is still getting its credential and tokens, so that the first request to that origin
//! goes out on a ready connection instead of waiting for a handshake after the token arrives.
//!
//! reqwest has no API to open a connection without a request. This module is a connector layer
//! ([`reqwest::ClientBuilder::connector_layer`]) on the one shared client:
//!
//! 1. `warm(origin)` puts an empty slot for the origin in a table and spawns a *warm-up request*
//!    to it, marked with a task-local value.
//! 2. When hyper asks the connector for a connection for that warm-up request, the layer runs
//!    the real connector (DNS, TCP, TLS, and a proxy's `CONNECT` if one is configured), puts the
//!    finished connection in the slot and **fails the warm-up request**. hyper only writes a
//!    request once its connector returns a connection, so not one byte of HTTP goes to the
//!    origin: nothing shows up in the service's logs (no anonymous or failed call), only a TLS
//!    handshake.
//! 3. The next real request to that origin finds the slot, waits for the handshake if it is
//!    still running (instead of opening a second connection), and is sent on the connection.
//!
//! When the warm-up fails (refused, timed out, untrusted certificate, …), its slot is closed
//! and the real request connects as it always did, and fails (or not) with its own error. A
//! parked connection older than [`MAX_PARKED`] is closed unused.
//!
//! The warm-up request can never be sent on a *pooled* connection either: an origin is warmed
//! only if no real request has connected to it yet in this process, and every real request that
//! comes after the warm-up waits for the slot, so the pool holds no connection to the origin
//! until the warm-up request has already failed.

use azure_core::http::Url;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A connection made by a warm-up (reqwest's sealed `Conn`, boxed), and when it was made.
type Parked = (Instant, Box<dyn std::any::Any + Send>);

/// How long a parked connection stays usable: servers close idle connections, and a stale one
/// would cost the real request a failed try.
pub const MAX_PARKED: Duration = Duration::from_secs(30);

/// What a warm-up request carries down to the connector: the origin it is for, and where to
/// put the connection.
struct Warming {
    key: String,
    slot: oneshot::Sender<Parked>,
}

tokio::task_local! {
    static WARMING: RefCell<Option<Warming>>;
}

#[derive(Default)]
struct Table {
    /// Connections being made or made by warm-ups, not yet taken.
    parked: HashMap<String, oneshot::Receiver<Parked>>,
    /// Origins a real request has connected to: never warmed again (the pool may hold one).
    used: HashSet<String>,
}

/// The connector layer, and the table of parked connections it shares with [`Prewarm::warm`].
#[derive(Clone, Default)]
pub struct Prewarm {
    table: Arc<Mutex<Table>>,
}

impl std::fmt::Debug for Prewarm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Prewarm")
    }
}

impl Prewarm {
    fn table(&self) -> MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts connecting `client` (built with this layer) to `origin`'s scheme, host and port
    /// in the background, on the current tokio runtime. Returns whether a warm-up started: not
    /// outside a runtime, not for an origin already warmed or already connected to, not for a
    /// URL that is not plain http(s).
    pub fn warm(&self, client: &reqwest::Client, origin: &Url) -> bool {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return false;
        };
        let Some(key) = key(origin) else {
            return false;
        };
        let mut root = origin.clone();
        root.set_path("/");
        root.set_query(None);
        root.set_fragment(None);
        let Ok(request) = client.head(root.as_str()).build() else {
            return false;
        };
        let (slot, parked) = oneshot::channel();
        {
            let mut table = self.table();
            if table.used.contains(&key) || table.parked.contains_key(&key) {
                return false;
            }
            table.parked.insert(key.clone(), parked);
        }
        tracing::debug!(origin = root.as_str(), "pre-connecting");
        let client = client.clone();
        let warming = RefCell::new(Some(Warming { key, slot }));
        // The request fails by design (the layer fails it once connected): nothing to report.
        runtime.spawn(WARMING.scope(warming, async move {
            let _ = client.execute(request).await;
        }));
        true
    }
}

/// The connector's name for `url`'s origin: the `Debug` text of the destination reqwest hands
/// its connector layers (`Unnameable(https://host:port/)`, a sealed type). `None` for a URL the
/// connector would see differently (user info, not http(s), no host).
pub fn key(url: &Url) -> Option<String> {
    if !matches!(url.scheme(), "http" | "https") || !url.username().is_empty() {
        return None;
    }
    let host = url.host_str()?;
    Some(match url.port() {
        Some(port) => format!("Unnameable({}://{host}:{port}/)", url.scheme()),
        None => format!("Unnameable({}://{host}/)", url.scheme()),
    })
}

impl<S> tower_layer::Layer<S> for Prewarm {
    type Service = PrewarmService<S>;

    fn layer(&self, inner: S) -> PrewarmService<S> {
        PrewarmService {
            inner,
            prewarm: self.clone(),
        }
    }
}

/// The connector with [`Prewarm`] around it.
#[derive(Clone)]
pub struct PrewarmService<S> {
    inner: S,
    prewarm: Prewarm,
}

/// The error that ends every warm-up request (never shown: nobody awaits a warm-up's result).
#[derive(Debug)]
struct Parking;

impl std::fmt::Display for Parking {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("pre-connecting only: the connection is kept for the next request")
    }
}

impl std::error::Error for Parking {}

impl<S, R> tower_service::Service<R> for PrewarmService<S>
where
    S: tower_service::Service<R, Error = BoxError> + Clone + Send + 'static,
    S::Response: Send + 'static,
    S::Future: Send + 'static,
    R: std::fmt::Debug + Send + 'static,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, dst: R) -> Self::Future {
        let key = format!("{dst:?}");
        if let Ok(warming) = WARMING.try_with(|w| w.borrow_mut().take()) {
            // A warm-up request: connect, park the connection, fail the request. Anything
            // unexpected (a second connect for the same request, another origin than the one
            // the slot was made for) fails at once without connecting; dropping the slot sends
            // the real request to connect on its own.
            let slot = match warming {
                Some(w) if w.key == key => w.slot,
                _ => return Box::pin(async { Err(Parking.into()) }),
            };
            let connecting = self.inner.call(dst);
            return Box::pin(async move {
                if let Ok(conn) = connecting.await {
                    let parked: Box<dyn std::any::Any + Send> = Box::new(conn);
                    let _ = slot.send((Instant::now(), parked));
                }
                Err(Parking.into())
            });
        }
        let parked = {
            let mut table = self.prewarm.table();
            table.used.insert(key.clone());
            table.parked.remove(&key)
        };
        // The service that was made ready goes with the call; a clone stays for the next one.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let Some(parked) = parked else {
            return Box::pin(inner.call(dst));
        };
        Box::pin(async move {
            if let Ok((made, conn)) = parked.await {
                if made.elapsed() < MAX_PARKED {
                    if let Ok(conn) = conn.downcast::<S::Response>() {
                        tracing::debug!("using the pre-connected connection");
                        return Ok(*conn);
                    }
                }
            }
            // The warm-up failed, or its connection is too old: connect as without it.
            inner.call(dst).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clients::causes::chain_text;
    use std::io::{Read, Write};

    /// Records the destination every connect is asked for, and refuses it.
    #[derive(Clone, Default)]
    struct Seen(Arc<Mutex<Vec<String>>>);

    impl<S> tower_layer::Layer<S> for Seen {
        type Service = SeenService<S>;
        fn layer(&self, _inner: S) -> SeenService<S> {
            SeenService(self.0.clone(), std::marker::PhantomData)
        }
    }

    struct SeenService<S>(Arc<Mutex<Vec<String>>>, std::marker::PhantomData<fn() -> S>);

    impl<S> Clone for SeenService<S> {
        fn clone(&self) -> Self {
            SeenService(self.0.clone(), std::marker::PhantomData)
        }
    }

    impl<S, R> tower_service::Service<R> for SeenService<S>
    where
        S: tower_service::Service<R>,
        R: std::fmt::Debug,
    {
        type Response = S::Response;
        type Error = BoxError;
        type Future = std::future::Ready<Result<S::Response, BoxError>>;
        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
            Poll::Ready(Ok(()))
        }
        fn call(&mut self, dst: R) -> Self::Future {
            self.0.lock().unwrap().push(format!("{dst:?}"));
            std::future::ready(Err("recorded".into()))
        }
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    /// The slot a warm-up fills and the one a real request looks in are the same only if
    /// [`key`] is exactly what reqwest hands its connector layers: pinned here for the URLs
    /// sasmint warms (a reqwest upgrade that changes it fails this test, not silently the
    /// warm-up). No network: the recording layer refuses every connect.
    #[test]
    fn the_key_is_what_the_connector_sees() {
        let seen = Seen::default();
        let client = reqwest::Client::builder()
            .no_proxy()
            .connector_layer(seen.clone())
            .build()
            .unwrap();
        let urls = [
            "https://acct.blob.core.windows.net/?restype=service&comp=userdelegationkey",
            "https://acct.blob.core.windows.net:443/c/b",
            "https://127.0.0.1:10000/devstoreaccount1/c",
            "https://cat.abc.uksouth.geocatalog.spatio.azure.com/inges?api-version=1",
            "https://ARD.Maxar.com/api/v1/x",
            "http://169.254.169.254/metadata/identity/oauth2/token",
            "https://[::1]:8443/a",
        ];
        runtime().block_on(async {
            for url in urls {
                let _ = client.get(url).send().await;
            }
        });
        let expected: Vec<String> = urls
            .iter()
            .map(|u| key(&Url::parse(u).unwrap()).unwrap())
            .collect();
        assert_eq!(*seen.0.lock().unwrap(), expected);
        assert_eq!(
            expected[0], "Unnameable(https://acct.blob.core.windows.net/)",
            "path and query are not part of it"
        );
        assert_eq!(
            expected[0], expected[1],
            "the default port is the same origin"
        );
        assert_eq!(expected[4], "Unnameable(https://ard.maxar.com/)");
        assert_ne!(
            key(&Url::parse("http://acct.blob.core.windows.net/").unwrap()),
            key(&Url::parse("https://acct.blob.core.windows.net/").unwrap()),
        );
        assert_ne!(
            key(&Url::parse("https://acct.blob.core.windows.net:444/").unwrap()),
            key(&Url::parse("https://acct.blob.core.windows.net/").unwrap()),
        );
        assert_eq!(key(&Url::parse("https://u:p@host/").unwrap()), None);
        assert_eq!(key(&Url::parse("ftp://host/").unwrap()), None);
    }

    /// A plain-TCP server that counts connections and the HTTP requests on them, answering each
    /// with an empty 200 and keeping the connection open.
    /// Connections accepted, and the request line of each request.
    type Counts = Arc<Mutex<(usize, Vec<String>)>>;

    fn server() -> (Url, Counts) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
        let counts = Arc::new(Mutex::new((0, Vec::new())));
        let shared = counts.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                shared.lock().unwrap().0 += 1;
                let shared = shared.clone();
                std::thread::spawn(move || {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    loop {
                        let Ok(n) = stream.read(&mut chunk) else {
                            return;
                        };
                        if n == 0 {
                            return;
                        }
                        buf.extend_from_slice(&chunk[..n]);
                        while let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            let head = String::from_utf8_lossy(&buf[..end]).into_owned();
                            buf.drain(..end + 4);
                            let line = head.lines().next().unwrap_or_default().to_owned();
                            shared.lock().unwrap().1.push(line);
                            let _ =
                                stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");
                        }
                    }
                });
            }
        });
        (url, counts)
    }

    fn client(prewarm: &Prewarm) -> reqwest::Client {
        reqwest::Client::builder()
            .no_proxy()
            .connector_layer(prewarm.clone())
            .build()
            .unwrap()
    }

    /// Waits until `done` holds: a condition checked every millisecond, with a deadline far
    /// beyond anything a local connection takes.
    async fn wait_until(what: &str, done: impl Fn() -> bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !done() {
            assert!(Instant::now() < deadline, "not within 30 s: {what}");
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }

    /// Whether the warm-up of `url` has parked its connection in the table.
    fn parked(prewarm: &Prewarm, url: &Url) -> bool {
        let key = key(url).unwrap();
        prewarm
            .table()
            .parked
            .get(&key)
            .is_some_and(|slot| !slot.is_empty())
    }

    #[test]
    fn a_warm_up_connects_once_and_sends_nothing() {
        let (url, counts) = server();
        let prewarm = Prewarm::default();
        let client = client(&prewarm);
        runtime().block_on(async {
            assert!(prewarm.warm(&client, &url));
            assert!(!prewarm.warm(&client, &url), "one warm-up per origin");
            // Wait until the warm-up has connected and parked its connection (its request
            // has failed by then, unsent) and the server has seen the connection: nothing may
            // have been sent on it.
            wait_until("the warm-up parks its connection", || {
                parked(&prewarm, &url) && counts.lock().unwrap().0 > 0
            })
            .await;
            assert_eq!(counts.lock().unwrap().0, 1, "the warm-up connected");
            assert!(counts.lock().unwrap().1.is_empty(), "and sent no request");
            let first = client.post(url.join("a?b=c").unwrap()).send().await;
            assert_eq!(first.unwrap().status(), 200);
            let second = client.get(url.join("d").unwrap()).send().await;
            assert_eq!(second.unwrap().status(), 200);
            assert!(
                !prewarm.warm(&client, &url),
                "an origin in use is never warmed (the pool may hold a connection)"
            );
        });
        let counts = counts.lock().unwrap();
        assert_eq!(counts.0, 1, "the requests used the warm-up's connection");
        assert_eq!(counts.1, ["POST /a?b=c HTTP/1.1", "GET /d HTTP/1.1"]);
    }

    #[test]
    fn a_request_during_the_handshake_waits_for_it() {
        let (url, counts) = server();
        let prewarm = Prewarm::default();
        let client = client(&prewarm);
        runtime().block_on(async {
            assert!(prewarm.warm(&client, &url));
            // No pause: the real request is made while the warm-up is still connecting.
            let response = client.get(url.clone()).send().await.unwrap();
            assert_eq!(response.status(), 200);
        });
        let counts = counts.lock().unwrap();
        assert_eq!(counts.0, 1, "one connection, not two");
        assert_eq!(counts.1, ["GET / HTTP/1.1"]);
    }

    #[test]
    fn a_failed_warm_up_changes_nothing() {
        // Nothing listens: the warm-up fails, then the request fails with its own error.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = Url::parse(&format!("http://127.0.0.1:{port}/")).unwrap();
        let prewarm = Prewarm::default();
        let client = client(&prewarm);
        let plain = reqwest::Client::builder().no_proxy().build().unwrap();
        runtime().block_on(async {
            assert!(prewarm.warm(&client, &url));
            let warmed = client.get(url.clone()).send().await.unwrap_err();
            let cold = plain.get(url.clone()).send().await.unwrap_err();
            assert!(warmed.is_connect() && cold.is_connect());
            assert_eq!(chain_text(&warmed), chain_text(&cold));
        });
    }

    #[test]
    fn outside_a_runtime_nothing_happens() {
        let prewarm = Prewarm::default();
        let client = client(&prewarm);
        let url = Url::parse("https://example.invalid/").unwrap();
        assert!(!prewarm.warm(&client, &url));
        assert!(prewarm.table().parked.is_empty());
    }
}
