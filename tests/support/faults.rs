//! A fault-injecting HTTPS stand-in for the *storage endpoint*, for failure tests of the real CLI.
//!
//! It does not emulate the blob service. It serves with Azurite's certificate (which children
//! already trust through `SSL_CERT_FILE`) on its own loopback port and, depending on its
//! [`FaultMode`]:
//!
//! * [`FaultMode::Forward`]: answers the queued injected faults first (a status, with an optional
//!   `Retry-After`, see [`FaultServer::inject`]), then **forwards** every request to the real
//!   Azurite (same method, path and query, headers including `Authorization`, body) and returns
//!   Azurite's status, headers and body;
//! * [`FaultMode::Always`]: answers every request with one status;
//! * [`FaultMode::Hang`]: reads the request and never answers;
//! * [`FaultMode::MissingRole`]: answers what Azure answers a caller without a role that allows
//!   `generateUserDelegationKey`: 403 `AuthorizationPermissionMismatch`, XML error body;
//! * [`FaultMode::RefuseSas`]: forwards every request to Azurite except those carrying a SAS
//!   (`sig=` in the query), which get the given status — for 403 the answer Azure gives a token
//!   whose signer lacks the data role (`AuthorizationPermissionMismatch`): a signer that may
//!   fetch keys (Storage Blob Delegator) but not use them;
//! * [`FaultMode::CloseMidResponse`]: reads the request, sends a status line, headers promising a
//!   body and a few bytes of it, then closes the connection;
//! * [`FaultMode::Garbage`]: reads the request, answers with bytes that are not HTTP, closes;
//! * [`FaultMode::PlainHttp`]: never speaks TLS: answers the TLS handshake with a plain-text
//!   HTTP response (a misconfigured proxy or port), closes;
//! * [`FaultMode::CloseInHandshake`]: reads the client's TLS hello and closes the connection
//!   without a word (a load balancer or firewall dropping it).
//!
//! Point the CLI at [`FaultServer::container_url`]: a path-style URL
//! `https://127.0.0.1:PORT/devstoreaccount1/CONTAINER`, so the signing account comes from the
//! path and the tokens it mints stay valid on Azurite.
//!
//! The server counts the requests it received ([`FaultServer::requests`]) and logs method, path
//! and the status it answered ([`FaultServer::log`]); it never logs headers or bodies (they
//! carry the bearer token).

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio_rustls::rustls;

use super::azurite::{Azurite, ACCOUNT};
use super::https::{Handler, HandlerFuture, HttpRequest, HttpResponse, HttpsServer};
use super::standin::{Fault, Faults};

/// How a [`FaultServer`] answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultMode {
    /// Injected faults first (see [`FaultServer::inject`]), then forward to Azurite.
    Forward,
    /// Every request gets this status (and `Retry-After`, if set), never forwarded.
    Always(Fault),
    /// Read the request, never answer (the connection stays open until the server is dropped).
    Hang,
    /// 403 `AuthorizationPermissionMismatch` with Azure's XML error body, every time.
    MissingRole,
    /// Requests with a SAS (`sig=` in the query) get this status (403: as `MissingRole`);
    /// every other request (Bearer: Get User Delegation Key) is forwarded to Azurite.
    RefuseSas(u16),
    /// 200 with a delegation key whose `SignedStart` is not a time, and [`BAD_KEY_VALUE`] as its
    /// value: the client cannot parse it, and must not quote it.
    BadKey,
    /// Read the request, send the head of a 200 and part of its body, close the connection.
    CloseMidResponse,
    /// Read the request, answer with bytes that are not HTTP, close the connection.
    Garbage,
    /// Accept TCP but never speak TLS: answer the client's handshake with plain-text HTTP.
    PlainHttp,
    /// Read the client's TLS hello, then close the connection: the handshake ends in EOF.
    CloseInHandshake,
}

/// The value of the delegation key [`FaultMode::BadKey`] answers with (a secret to look for).
pub const BAD_KEY_VALUE: &str = "QmFkS2V5VmFsdWVUaGF0TXVzdE5ldmVyQmVQcmludGVkMDE=";

/// Azure's answer to a caller whose role does not allow the operation.
const MISSING_ROLE_BODY: &str = "\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>AuthorizationPermissionMismatch</Code><Message>This request is not authorized to perform this operation using this permission.\nRequestId:5f0c1a2b-801e-0037-5d6e-3c1e2a000000\nTime:2026-11-29T12:00:00.0000000Z</Message></Error>";

/// One request the server received (no headers, no body: they hold secrets).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FaultLog {
    pub method: String,
    /// Path and query as sent.
    pub target: String,
    /// What the client got: the injected or forwarded status, or `None` when it got no status
    /// (hang, closed connection, garbage, plain HTTP).
    pub status: Option<u16>,
    /// Whether it was forwarded to Azurite (`status` is then Azurite's).
    pub forwarded: bool,
    /// When the server had read the request (its own clock): the gap between two of a
    /// client's attempts is measured here, not by the test's wall time.
    pub received: Instant,
}

#[derive(Default)]
struct State {
    faults: Mutex<Faults>,
    log: Mutex<Vec<FaultLog>>,
    connections: AtomicUsize,
}

impl State {
    fn record(
        &self,
        method: &str,
        target: &str,
        status: Option<u16>,
        forwarded: bool,
        received: Instant,
    ) {
        self.log.lock().unwrap().push(FaultLog {
            method: method.to_owned(),
            target: target.to_owned(),
            status,
            forwarded,
            received,
        });
    }
}

enum Server {
    Http(HttpsServer),
    Raw(RawServer),
}

/// The fault stand-in. Stops on drop.
pub struct FaultServer {
    server: Server,
    state: Arc<State>,
    mode: FaultMode,
}

impl fmt::Debug for FaultServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FaultServer")
            .field("port", &self.port())
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}

impl FaultServer {
    /// A server in front of `az` that misbehaves as `mode` says.
    pub fn start(az: &Azurite, mode: FaultMode) -> FaultServer {
        let state = Arc::new(State::default());
        let server = match mode {
            FaultMode::Forward
            | FaultMode::Always(_)
            | FaultMode::Hang
            | FaultMode::MissingRole
            | FaultMode::RefuseSas(_)
            | FaultMode::BadKey => {
                let handler = http_handler(az, mode, Arc::clone(&state));
                Server::Http(HttpsServer::start(
                    "fault-server",
                    az.cert_pem(),
                    az.key_pem(),
                    handler,
                ))
            }
            FaultMode::CloseMidResponse
            | FaultMode::Garbage
            | FaultMode::PlainHttp
            | FaultMode::CloseInHandshake => Server::Raw(RawServer::start(
                az.cert_pem(),
                az.key_pem(),
                mode,
                Arc::clone(&state),
            )),
        };
        FaultServer {
            server,
            state,
            mode,
        }
    }

    /// A forwarding proxy to `az` (inject faults with [`FaultServer::inject`]).
    pub fn forwarding(az: &Azurite) -> FaultServer {
        Self::start(az, FaultMode::Forward)
    }

    /// Answers the next `n` requests with `status` (and `Retry-After: retry_after` seconds),
    /// before forwarding resumes. Only for [`FaultMode::Forward`].
    pub fn inject(&self, n: usize, status: u16, retry_after: Option<u64>) {
        assert_eq!(
            self.mode,
            FaultMode::Forward,
            "inject needs FaultMode::Forward"
        );
        self.state
            .faults
            .lock()
            .unwrap()
            .push(n, status, retry_after);
    }

    /// Injected faults not yet served.
    pub fn pending(&self) -> usize {
        self.state.faults.lock().unwrap().pending()
    }

    /// The port (on 127.0.0.1).
    pub fn port(&self) -> u16 {
        match &self.server {
            Server::Http(s) => s.port(),
            Server::Raw(s) => s.port,
        }
    }

    /// `https://127.0.0.1:PORT/devstoreaccount1`
    pub fn account_url(&self) -> String {
        format!("https://127.0.0.1:{}/{ACCOUNT}", self.port())
    }

    /// `https://127.0.0.1:PORT/devstoreaccount1/NAME`: tokens minted for it work on Azurite.
    pub fn container_url(&self, name: &str) -> String {
        format!("{}/{name}", self.account_url())
    }

    /// Requests received (whatever the answer was). For [`FaultMode::PlainHttp`] there are no
    /// HTTP requests: see [`FaultServer::connections`].
    pub fn requests(&self) -> usize {
        self.state.log.lock().unwrap().len()
    }

    /// TCP connections accepted, whether or not a TLS handshake or a request followed (a
    /// client that does not trust the certificate connects once per attempt).
    pub fn connections(&self) -> usize {
        match &self.server {
            Server::Http(s) => s.connections(),
            Server::Raw(_) => self.state.connections.load(Ordering::SeqCst),
        }
    }

    /// The time between each request and the next, as the server saw them (its own clock:
    /// what a client waited between attempts, whatever else the machine was busy with).
    pub fn gaps(&self) -> Vec<Duration> {
        let mut times: Vec<Instant> = self
            .state
            .log
            .lock()
            .unwrap()
            .iter()
            .map(|r| r.received)
            .collect();
        times.sort();
        times.windows(2).map(|w| w[1] - w[0]).collect()
    }

    /// Every request received so far, oldest first.
    pub fn log(&self) -> Vec<FaultLog> {
        self.state.log.lock().unwrap().clone()
    }

    /// Requests that were forwarded to Azurite.
    pub fn forwarded(&self) -> usize {
        self.state
            .log
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.forwarded)
            .count()
    }
}

// ---- HTTP-level faults (on the shared HTTPS stand-in server) ---------------------------------

/// Headers that belong to one hop, never forwarded (hyper and reqwest set their own).
const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "content-length",
    "host",
];

fn http_handler(az: &Azurite, mode: FaultMode, state: Arc<State>) -> Handler {
    let upstream = format!("https://127.0.0.1:{}", az.port());
    let client = az.http_client();
    Arc::new(move |request: HttpRequest| -> HandlerFuture {
        let state = Arc::clone(&state);
        let client = client.clone();
        let upstream = upstream.clone();
        Box::pin(async move {
            let target = match &request.query {
                Some(q) => format!("{}?{q}", request.path),
                None => request.path.clone(),
            };
            let fault = match mode {
                FaultMode::Always(f) => Some(f),
                FaultMode::BadKey => {
                    state.record(&request.method, &target, Some(200), false, request.received);
                    return HttpResponse {
                        status: 200,
                        headers: vec![("content-type".into(), "application/xml".into())],
                        body: format!(
                            "<?xml version=\"1.0\" encoding=\"utf-8\"?><UserDelegationKey><SignedOid>8e0c6a5c-6a36-4c5a-9c5c-1f1c0b2f6c11</SignedOid><SignedTid>72f988bf-86f1-41af-91ab-2d7cd011db47</SignedTid><SignedStart>yesterday</SignedStart><SignedExpiry>tomorrow</SignedExpiry><SignedService>b</SignedService><SignedVersion>2026-04-06</SignedVersion><Value>{BAD_KEY_VALUE}</Value></UserDelegationKey>"
                        )
                        .into_bytes(),
                    };
                }
                FaultMode::MissingRole => {
                    state.record(&request.method, &target, Some(403), false, request.received);
                    return HttpResponse {
                        status: 403,
                        headers: vec![("content-type".into(), "application/xml".into())],
                        body: MISSING_ROLE_BODY.as_bytes().to_vec(),
                    }
                    .with_header("x-ms-error-code", "AuthorizationPermissionMismatch");
                }
                FaultMode::RefuseSas(403) if carries_sas(&request) => {
                    state.record(&request.method, &target, Some(403), false, request.received);
                    return HttpResponse {
                        status: 403,
                        headers: vec![("content-type".into(), "application/xml".into())],
                        body: MISSING_ROLE_BODY.as_bytes().to_vec(),
                    }
                    .with_header("x-ms-error-code", "AuthorizationPermissionMismatch");
                }
                FaultMode::RefuseSas(status) if carries_sas(&request) => Some(Fault {
                    status,
                    retry_after: None,
                }),
                FaultMode::Hang => {
                    state.record(&request.method, &target, None, false, request.received);
                    // Dropped with the server's runtime when the server stops.
                    return std::future::pending::<HttpResponse>().await;
                }
                _ => state.faults.lock().unwrap().take(),
            };
            if let Some(f) = fault {
                state.record(
                    &request.method,
                    &target,
                    Some(f.status),
                    false,
                    request.received,
                );
                let mut response = HttpResponse::json(
                    f.status,
                    &serde_json::json!({
                        "error": {"code": "InjectedFault", "message": "fault injected by the test"}
                    }),
                )
                .with_header("x-ms-error-code", "InjectedFault");
                if let Some(secs) = f.retry_after {
                    response = response.with_header("retry-after", secs.to_string());
                }
                return response;
            }
            let response = forward(&client, &upstream, &request, &target).await;
            state.record(
                &request.method,
                &target,
                Some(response.status),
                true,
                request.received,
            );
            response
        })
    })
}

/// Whether the request is authorised by a SAS (`sig=` in its query).
fn carries_sas(request: &HttpRequest) -> bool {
    request
        .query
        .as_deref()
        .is_some_and(|q| q.split('&').any(|p| p.starts_with("sig=")))
}

async fn forward(
    client: &reqwest::Client,
    upstream: &str,
    request: &HttpRequest,
    target: &str,
) -> HttpResponse {
    let method = reqwest::Method::from_bytes(request.method.as_bytes()).expect("HTTP method");
    let mut builder = client.request(method, format!("{upstream}{target}"));
    for (name, value) in &request.headers {
        if !HOP_BY_HOP.contains(&name.as_str()) {
            builder = builder.header(name.as_str(), value.as_str());
        }
    }
    // reqwest sends no Content-Length for an empty body, and Azurite answers a bare 400 to a PUT
    // without one: keep the client's.
    if request.headers.iter().any(|(n, _)| n == "content-length") {
        builder = builder.header("content-length", request.body.len());
    }
    let result = async {
        let response = builder.body(request.body.clone()).send().await?;
        let status = response.status().as_u16();
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .filter(|(n, _)| !HOP_BY_HOP.contains(&n.as_str()))
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = response.bytes().await?.to_vec();
        Ok::<_, reqwest::Error>(HttpResponse {
            status,
            headers,
            body,
        })
    };
    match result.await {
        Ok(response) => response,
        // A broken upstream must not look like a working one: the test sees a 599 in the log.
        Err(e) => {
            eprintln!(
                "fault server: forwarding to Azurite failed: {}",
                super::azurite::error_chain(&e)
            );
            HttpResponse::empty(599)
        }
    }
}

// ---- connection-level faults (a raw TLS server) ----------------------------------------------

struct RawServer {
    port: u16,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for RawServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl RawServer {
    fn start(cert_pem: &str, key_pem: &str, mode: FaultMode, state: Arc<State>) -> RawServer {
        let tls = Arc::new(super::https::server_config(cert_pem, key_pem));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("fault server: bind");
        listener
            .set_nonblocking(true)
            .expect("fault server: non-blocking listener");
        let port = listener.local_addr().expect("fault server: addr").port();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name(format!("fault-server-{port}"))
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("fault server: runtime");
                runtime.block_on(serve_raw(listener, tls, mode, state, rx));
            })
            .expect("fault server: spawn thread");
        RawServer {
            port,
            shutdown: Some(tx),
            thread: Some(thread),
        }
    }
}

async fn serve_raw(
    listener: std::net::TcpListener,
    tls: Arc<rustls::ServerConfig>,
    mode: FaultMode,
    state: Arc<State>,
    mut shutdown: tokio::sync::oneshot::Receiver<()>,
) {
    let listener = tokio::net::TcpListener::from_std(listener).expect("fault server: listener");
    let acceptor = tokio_rustls::TlsAcceptor::from(tls);
    loop {
        let accepted = tokio::select! {
            _ = &mut shutdown => return,
            accepted = listener.accept() => accepted,
        };
        let Ok((mut stream, _)) = accepted else {
            continue;
        };
        state.connections.fetch_add(1, Ordering::SeqCst);
        let acceptor = acceptor.clone();
        let state = Arc::clone(&state);
        tokio::spawn(async move {
            if mode == FaultMode::CloseInHandshake {
                let mut hello = [0u8; 512];
                let _ = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut hello)).await;
                let _ = stream.shutdown().await;
                return;
            }
            if mode == FaultMode::PlainHttp {
                let mut hello = [0u8; 512];
                let _ = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut hello)).await;
                let _ = stream
                    .write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                    .await;
                let _ = stream.shutdown().await;
                return;
            }
            let Ok(mut tls) = acceptor.accept(stream).await else {
                return;
            };
            let Some((method, target)) = read_request(&mut tls).await else {
                return;
            };
            state.record(&method, &target, None, false, Instant::now());
            let bytes: &[u8] = match mode {
                FaultMode::CloseMidResponse => {
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/xml\r\ncontent-length: 4096\r\nx-ms-request-id: 00000000-0000-0000-0000-000000000000\r\n\r\n<?xml version=\"1.0\" encoding=\"utf-8\"?><UserDelegationKey><SignedOid>"
                }
                _ => b"\x00\x13\x37 this is not HTTP \xff\xfe\r\n\r\n\x01\x02\x03",
            };
            let _ = tls.write_all(bytes).await;
            let _ = tls.flush().await;
            // close_notify, then the TCP close: a clean end of stream in the middle of the body.
            let _ = tls.shutdown().await;
        });
    }
}

/// Reads one request head and its `content-length` body; returns method and target.
async fn read_request<S: tokio::io::AsyncRead + Unpin>(stream: &mut S) -> Option<(String, String)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos + 4;
        }
        if buf.len() > 64 * 1024 {
            return None;
        }
        let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut chunk))
            .await
            .ok()?
            .ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?.to_owned();
    let length: usize = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(n, _)| n.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0);
    let mut have = buf.len() - head_end;
    while have < length {
        let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut chunk))
            .await
            .ok()?
            .ok()?;
        if n == 0 {
            return None;
        }
        have += n;
    }
    Some((method, target))
}
