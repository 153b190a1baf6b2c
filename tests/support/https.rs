//! A small HTTPS server (hyper + tokio-rustls) on `127.0.0.1:0` for the service stand-ins.
//!
//! It serves with a given certificate and key (the Azurite instance's, which child processes
//! already trust through `SSL_CERT_FILE`), runs on its own thread with its own tokio runtime (so
//! it works from `#[test]` and `#[tokio::test]` alike), and hands every request, body read in
//! full, to an async handler. HTTP/1.1 only.

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Instant;

use http_body_util::{BodyExt as _, Full};
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject as _;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// One request, as the handler sees it.
#[derive(Clone, Debug)]
pub struct HttpRequest {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path exactly as sent (still percent-encoded).
    pub path: String,
    /// The query string exactly as sent, without the `?`.
    pub query: Option<String>,
    /// Header names lowercased, in the order received.
    pub headers: Vec<(String, String)>,
    /// The whole body.
    pub body: Vec<u8>,
    /// When the server had read the request in full (for gaps between a client's attempts,
    /// measured by the server's own clock).
    pub received: Instant,
}

impl HttpRequest {
    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Decoded query pairs, in order, duplicates kept.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        self.query
            .as_deref()
            .map(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The path split on `/` (after the leading one), each segment percent-decoded.
    pub fn path_segments(&self) -> Vec<String> {
        self.path
            .strip_prefix('/')
            .unwrap_or(&self.path)
            .split('/')
            .map(|s| {
                percent_encoding::percent_decode_str(s)
                    .decode_utf8_lossy()
                    .into_owned()
            })
            .collect()
    }

    /// The body as UTF-8 (lossy).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// What the handler answers.
#[derive(Clone, Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// A response with this status and no body.
    pub fn empty(status: u16) -> Self {
        HttpResponse {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// A JSON response.
    pub fn json(status: u16, value: &serde_json::Value) -> Self {
        HttpResponse {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: value.to_string().into_bytes(),
        }
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_string(), value.into()));
        self
    }
}

/// The future a handler returns.
pub type HandlerFuture = Pin<Box<dyn Future<Output = HttpResponse> + Send>>;
/// A request handler.
pub type Handler = Arc<dyn Fn(HttpRequest) -> HandlerFuture + Send + Sync>;

/// A running HTTPS server. Stops (and joins its thread) on drop.
pub struct HttpsServer {
    port: u16,
    connections: Arc<AtomicUsize>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl fmt::Debug for HttpsServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpsServer")
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

impl HttpsServer {
    /// Binds `127.0.0.1:0` and serves HTTPS with this certificate chain and key (PEM).
    /// Panics on any setup failure.
    pub fn start(name: &str, cert_pem: &str, key_pem: &str, handler: Handler) -> HttpsServer {
        let tls = Arc::new(server_config(cert_pem, key_pem));
        let listener =
            std::net::TcpListener::bind("127.0.0.1:0").expect("stand-in: bind 127.0.0.1:0");
        listener
            .set_nonblocking(true)
            .expect("stand-in: non-blocking listener");
        let port = listener.local_addr().expect("stand-in: local addr").port();
        let (shutdown_tx, shutdown_rx) = tokio::sync::oneshot::channel::<()>();
        let connections = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&connections);

        let thread = std::thread::Builder::new()
            .name(format!("{name}-{port}"))
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("stand-in: tokio runtime");
                runtime.block_on(serve(listener, tls, handler, counter, shutdown_rx));
                // Dropping the runtime cancels the connection tasks still running.
            })
            .expect("stand-in: spawn server thread");

        HttpsServer {
            port,
            connections,
            shutdown: Some(shutdown_tx),
            thread: Some(thread),
        }
    }

    /// The port (on 127.0.0.1).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// TCP connections accepted so far, whether or not their TLS handshake succeeded (a client
    /// that does not trust the certificate connects once per attempt and sends no request).
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// `https://127.0.0.1:PORT`
    pub fn base_url(&self) -> String {
        format!("https://127.0.0.1:{}", self.port)
    }
}

impl Drop for HttpsServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The TLS server side of every local HTTPS server in the tests (stand-ins, fault and hostile
/// servers): this certificate and key, HTTP/1.1 only.
pub(crate) fn server_config(cert_pem: &str, key_pem: &str) -> rustls::ServerConfig {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_pem.as_bytes())
        .collect::<Result<_, _>>()
        .expect("stand-in: parse certificate PEM");
    assert!(!certs.is_empty(), "stand-in: no certificate in the PEM");
    let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).expect("stand-in: parse key PEM");
    // An explicit provider: several rustls crypto features may be on in a test build.
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("stand-in: TLS versions")
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .expect("stand-in: certificate and key");
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    config
}

async fn serve(
    listener: std::net::TcpListener,
    tls: Arc<rustls::ServerConfig>,
    handler: Handler,
    connections: Arc<AtomicUsize>,
    mut shutdown: tokio::sync::oneshot::Receiver<()>,
) {
    let listener = tokio::net::TcpListener::from_std(listener).expect("stand-in: tokio listener");
    let acceptor = tokio_rustls::TlsAcceptor::from(tls);
    loop {
        let accepted = tokio::select! {
            _ = &mut shutdown => return,
            accepted = listener.accept() => accepted,
        };
        let Ok((stream, peer)) = accepted else {
            continue;
        };
        // As real services do: a response written in pieces (TLS records) goes out at once,
        // not held back by Nagle's algorithm until the client's delayed ACK (up to 40 ms).
        let _ = stream.set_nodelay(true);
        connections.fetch_add(1, Ordering::SeqCst);
        let acceptor = acceptor.clone();
        let handler = Arc::clone(&handler);
        tokio::spawn(async move {
            // A client that does not trust the certificate fails the handshake: nothing to do.
            let Ok(stream) = acceptor.accept(stream).await else {
                return;
            };
            let service = service_fn(move |request: hyper::Request<Incoming>| {
                let handler = Arc::clone(&handler);
                async move { Ok::<_, Infallible>(dispatch(request, peer, handler).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn dispatch(
    request: hyper::Request<Incoming>,
    _peer: SocketAddr,
    handler: Handler,
) -> hyper::Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    let body = match body.collect().await {
        Ok(collected) => collected.to_bytes().to_vec(),
        Err(_) => return to_hyper(HttpResponse::empty(400)),
    };
    let request = HttpRequest {
        method: parts.method.as_str().to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().map(str::to_string),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
        received: Instant::now(),
    };
    to_hyper(handler(request).await)
}

fn to_hyper(response: HttpResponse) -> hyper::Response<Full<Bytes>> {
    let mut builder = hyper::Response::builder().status(response.status);
    for (name, value) in &response.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    builder
        .body(Full::new(Bytes::from(response.body)))
        .expect("stand-in: valid response")
}
