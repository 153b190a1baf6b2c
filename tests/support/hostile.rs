//! Hostile servers and hostile-input helpers (issue 10).
//!
//! * [`HostileServer`]: a raw HTTPS server (tokio-rustls, HTTP/1.1, one request per connection)
//!   on `127.0.0.1:0`, serving with Azurite's certificate (which children trust through
//!   `SSL_CERT_FILE`). A test-supplied responder decides every answer, and an answer's body may be
//!   generated lazily: a huge body of a given length, an endless chunked body, or a gzip bomb,
//!   so the test process never holds more than 64 KiB of it. The server logs every request
//!   (headers and body included: tests use them to know the secrets that were sent) and counts
//!   the body bytes it managed to write ([`HostileServer::body_bytes_sent`]).
//! * [`gzip_bomb`]: a valid gzip stream of ~`compressed` bytes that inflates ~1032 times.
//! * [`command`] / [`run_measured`]: the real binary as a `std::process::Command` (same scrubbed
//!   environment as [`super::sasmint`]) run with its peak memory measured (`wait4`'s
//!   `ru_maxrss`), and killed at once if its resident memory passes a ceiling, so a test that
//!   fails on an unbounded read never takes the machine down with it.
//! * [`spellings`] / [`assert_no_secret`]: every spelling of a secret that a server or a
//!   library can produce, and the check that no 8-character window of any of them appears.

use std::ffi::OsStr;
use std::fmt;
use std::io::Read as _;
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use base64::Engine as _;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio_rustls::rustls;

use super::azurite::{Azurite, ACCOUNT};
use super::run::Run;
use super::token_server::TokenServer;

// ---- the server ---------------------------------------------------------------------------------

/// One request the hostile server read.
#[derive(Clone)]
pub struct HostileRequest {
    pub method: String,
    /// Path and query as sent.
    pub target: String,
    /// Header names lowercased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl fmt::Debug for HostileRequest {
    // Headers and body hold secrets: never in a test's failure message.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.target)
    }
}

impl HostileRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The bearer token of the `Authorization` header.
    pub fn bearer(&self) -> Option<String> {
        let v = self.header("authorization")?;
        let (scheme, token) = v.split_once(' ')?;
        scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| token.trim().to_owned())
    }

    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A form-encoded body parameter.
    pub fn form(&self, name: &str) -> Option<String> {
        url::form_urlencoded::parse(&self.body)
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }
}

/// How an answer's body is produced.
#[derive(Clone, Debug)]
pub enum Body {
    Bytes(Vec<u8>),
    /// `content-length: len`: `prefix`, then `A`s up to `len` bytes, generated while sending.
    Huge {
        prefix: Vec<u8>,
        len: u64,
    },
    /// `transfer-encoding: chunked`: `prefix`, then `A`s for ever.
    Endless {
        prefix: Vec<u8>,
    },
    /// `content-encoding: gzip`, a [`gzip_bomb`] of about this many compressed bytes.
    GzipBomb {
        compressed: u64,
    },
}

/// One answer.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Body,
}

impl Reply {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: Body::Bytes(body.into()),
        }
    }

    pub fn json(status: u16, value: &serde_json::Value) -> Reply {
        Reply::new(status, "application/json", value.to_string())
    }

    pub fn xml(status: u16, xml: impl Into<String>) -> Reply {
        Reply::new(status, "application/xml", xml.into())
    }

    pub fn with_body(status: u16, content_type: &str, body: Body) -> Reply {
        Reply {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body,
        }
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// Decides the answer to each request.
pub type Responder = Arc<dyn Fn(&HostileRequest) -> Reply + Send + Sync>;

#[derive(Default)]
struct State {
    log: Mutex<Vec<HostileRequest>>,
    sent: AtomicU64,
}

/// A hostile HTTPS server. Stops on drop.
pub struct HostileServer {
    port: u16,
    state: Arc<State>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl fmt::Debug for HostileServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HostileServer")
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

impl Drop for HostileServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl HostileServer {
    /// Serves with `az`'s certificate; `respond` answers every request.
    pub fn start(
        az: &Azurite,
        respond: impl Fn(&HostileRequest) -> Reply + Send + Sync + 'static,
    ) -> HostileServer {
        Self::start_at(
            "127.0.0.1".parse().unwrap(),
            az.cert_pem(),
            az.key_pem(),
            respond,
        )
    }

    /// Serves on `ip` (port 0) with this certificate and key (PEM).
    pub fn start_at(
        ip: std::net::IpAddr,
        cert_pem: &str,
        key_pem: &str,
        respond: impl Fn(&HostileRequest) -> Reply + Send + Sync + 'static,
    ) -> HostileServer {
        let tls = Arc::new(super::https::server_config(cert_pem, key_pem));
        let listener = std::net::TcpListener::bind((ip, 0)).expect("hostile: bind");
        listener
            .set_nonblocking(true)
            .expect("hostile: nonblocking");
        let port = listener.local_addr().expect("hostile: addr").port();
        let state = Arc::new(State::default());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let responder: Responder = Arc::new(respond);
        let thread = {
            let state = Arc::clone(&state);
            std::thread::Builder::new()
                .name(format!("hostile-{port}"))
                .spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .expect("hostile: runtime");
                    rt.block_on(serve(listener, tls, responder, state, rx));
                })
                .expect("hostile: thread")
        };
        HostileServer {
            port,
            state,
            shutdown: Some(tx),
            thread: Some(thread),
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `https://127.0.0.1:PORT`
    pub fn base_url(&self) -> String {
        format!("https://127.0.0.1:{}", self.port)
    }

    /// `https://127.0.0.1:PORT/devstoreaccount1/NAME` (path-style, as for Azurite).
    pub fn container_url(&self, name: &str) -> String {
        format!("{}/{ACCOUNT}/{name}", self.base_url())
    }

    /// Every request read so far, oldest first.
    pub fn requests(&self) -> Vec<HostileRequest> {
        self.state.log.lock().unwrap().clone()
    }

    pub fn request_count(&self) -> usize {
        self.state.log.lock().unwrap().len()
    }

    /// Requests that carried an `Authorization` header.
    pub fn authorized_requests(&self) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.header("authorization").is_some())
            .count()
    }

    /// Response body bytes the server managed to write (all requests together).
    pub fn body_bytes_sent(&self) -> u64 {
        self.state.sent.load(Ordering::SeqCst)
    }
}

async fn serve(
    listener: std::net::TcpListener,
    tls: Arc<rustls::ServerConfig>,
    respond: Responder,
    state: Arc<State>,
    mut shutdown: tokio::sync::oneshot::Receiver<()>,
) {
    let listener = tokio::net::TcpListener::from_std(listener).expect("hostile: listener");
    let acceptor = tokio_rustls::TlsAcceptor::from(tls);
    loop {
        let accepted = tokio::select! {
            _ = &mut shutdown => return,
            accepted = listener.accept() => accepted,
        };
        let Ok((stream, _)) = accepted else { continue };
        let acceptor = acceptor.clone();
        let respond = Arc::clone(&respond);
        let state = Arc::clone(&state);
        tokio::spawn(async move {
            let Ok(mut stream) = acceptor.accept(stream).await else {
                return;
            };
            let Some(request) = read_request(&mut stream).await else {
                return;
            };
            state.log.lock().unwrap().push(request.clone());
            let reply = respond(&request);
            let _ = write_reply(&mut stream, reply, &state.sent).await;
            let _ = stream.shutdown().await;
        });
    }
}

async fn read_request<S: tokio::io::AsyncRead + Unpin>(s: &mut S) -> Option<HostileRequest> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        if buf.len() > 256 * 1024 {
            return None;
        }
        let n = tokio::time::timeout(Duration::from_secs(20), s.read(&mut chunk))
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
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_owned();
    let target = first.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < length.min(16 * 1024 * 1024) {
        let n = tokio::time::timeout(Duration::from_secs(20), s.read(&mut chunk))
            .await
            .ok()?
            .ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(HostileRequest {
        method,
        target,
        headers,
        body,
    })
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        500 => "Internal Server Error",
        _ => "Whatever",
    }
}

const PIECE: usize = 64 * 1024;

async fn write_reply<S: tokio::io::AsyncWrite + Unpin>(
    s: &mut S,
    reply: Reply,
    sent: &AtomicU64,
) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (n, v) in &reply.headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    head.push_str("connection: close\r\n");
    let count = |n: usize| {
        sent.fetch_add(n as u64, Ordering::SeqCst);
    };
    match reply.body {
        Body::Bytes(b) => {
            head.push_str(&format!("content-length: {}\r\n\r\n", b.len()));
            s.write_all(head.as_bytes()).await?;
            s.write_all(&b).await?;
            count(b.len());
        }
        Body::Huge { prefix, len } => {
            head.push_str(&format!("content-length: {len}\r\n\r\n"));
            s.write_all(head.as_bytes()).await?;
            s.write_all(&prefix).await?;
            count(prefix.len());
            let filler = vec![b'A'; PIECE];
            let mut left = len.saturating_sub(prefix.len() as u64);
            while left > 0 {
                let n = (left as usize).min(PIECE);
                s.write_all(&filler[..n]).await?;
                count(n);
                left -= n as u64;
            }
        }
        Body::Endless { prefix } => {
            head.push_str("transfer-encoding: chunked\r\n\r\n");
            s.write_all(head.as_bytes()).await?;
            if !prefix.is_empty() {
                s.write_all(format!("{:x}\r\n", prefix.len()).as_bytes())
                    .await?;
                s.write_all(&prefix).await?;
                s.write_all(b"\r\n").await?;
                count(prefix.len());
            }
            let mut chunk = format!("{PIECE:x}\r\n").into_bytes();
            chunk.extend(std::iter::repeat_n(b'A', PIECE));
            chunk.extend_from_slice(b"\r\n");
            loop {
                s.write_all(&chunk).await?;
                count(PIECE);
            }
        }
        Body::GzipBomb { compressed } => {
            let bomb = GzipBomb::new(compressed);
            head.push_str(&format!(
                "content-encoding: gzip\r\ncontent-length: {}\r\n\r\n",
                bomb.len()
            ));
            s.write_all(head.as_bytes()).await?;
            let mut at = 0;
            let mut piece = vec![0u8; PIECE];
            while at < bomb.len() {
                let n = bomb.read_at(at, &mut piece);
                s.write_all(&piece[..n]).await?;
                count(n);
                at += n as u64;
            }
        }
    }
    s.flush().await
}

// ---- gzip bomb ----------------------------------------------------------------------------------

/// A gzip stream whose one dynamic-Huffman deflate block is: a literal `0`, then `reps` copies
/// of "length 258, distance 1" at 2 bits each, then end-of-block: it inflates to
/// `1 + 258 × reps` zero bytes, ~1032 times its size. Its middle is all zero bytes, so it is
/// generated on the fly ([`GzipBomb::read_at`]). The CRC in the trailer is not computed (a
/// client is meant to stop long before it).
pub struct GzipBomb {
    head: Vec<u8>,
    /// Zero bytes between the head and the final byte.
    zeros: u64,
    tail: Vec<u8>,
}

struct Bits {
    out: Vec<u8>,
    n: usize,
}

impl Bits {
    /// `count` bits of `value`, least significant first (header fields, extra bits).
    fn lsb(&mut self, value: u32, count: usize) {
        for i in 0..count {
            self.bit((value >> i) & 1);
        }
    }
    /// A Huffman code, most significant bit first.
    fn code(&mut self, code: u32, len: usize) {
        for i in (0..len).rev() {
            self.bit((code >> i) & 1);
        }
    }
    fn bit(&mut self, b: u32) {
        if self.n.is_multiple_of(8) {
            self.out.push(0);
        }
        if b != 0 {
            *self.out.last_mut().unwrap() |= 1 << (self.n % 8);
        }
        self.n += 1;
    }
}

impl GzipBomb {
    /// About `compressed` bytes long.
    pub fn new(compressed: u64) -> GzipBomb {
        let mut b = Bits {
            out: Vec::new(),
            n: 0,
        };
        b.lsb(1, 1); // BFINAL
        b.lsb(2, 2); // BTYPE = dynamic
        b.lsb(286 - 257, 5); // HLIT
        b.lsb(2 - 1, 5); // HDIST
        b.lsb(18 - 4, 4); // HCLEN: code-length code lengths up to symbol 1
        let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1];
        for sym in order {
            let len = match sym {
                18 => 1,
                1 | 2 => 2,
                _ => 0,
            };
            b.lsb(len, 3);
        }
        // Code-length codes: 18 → 0, 1 → 10, 2 → 11.
        let (c18, c1, c2) = ((0, 1), (2, 2), (3, 2));
        // Literal/length lengths: 0 → 2, 1..=255 → 0, 256 → 2, 257..=284 → 0, 285 → 1;
        // distance lengths: 1, 1.
        b.code(c2.0, c2.1);
        b.code(c18.0, c18.1);
        b.lsb(138 - 11, 7);
        b.code(c18.0, c18.1);
        b.lsb(117 - 11, 7);
        b.code(c2.0, c2.1);
        b.code(c18.0, c18.1);
        b.lsb(28 - 11, 7);
        for _ in 0..3 {
            b.code(c1.0, c1.1);
        }
        // Literal/length codes: 285 → 0, 0 → 10, 256 → 11; distance codes 0 → 0, 1 → 1.
        b.code(2, 2); // the literal 0
        let header_bits = b.n as u64; // 107
        assert_eq!(header_bits % 8, 3, "the block header is 107 bits");
        // reps is a multiple of 4 so that the end-of-block lands on bits 3..5 of a byte.
        let reps = (compressed.max(64) * 4) & !3;
        let end_bit = header_bits + 2 * reps;
        let end_byte = end_bit / 8;
        let mut head = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
        head.extend_from_slice(&b.out);
        let zeros = end_byte - b.out.len() as u64;
        let mut tail = vec![0b0001_1000]; // end of block: code 11 at bits 3 and 4
        let size = (1 + 258 * reps) as u32; // ISIZE is mod 2^32
        tail.extend_from_slice(&[0, 0, 0, 0]); // CRC32: not computed
        tail.extend_from_slice(&size.to_le_bytes());
        GzipBomb { head, zeros, tail }
    }

    pub fn len(&self) -> u64 {
        self.head.len() as u64 + self.zeros + self.tail.len() as u64
    }

    pub fn is_empty(&self) -> bool {
        false
    }

    /// Fills `buf` from offset `at`; returns how many bytes.
    pub fn read_at(&self, at: u64, buf: &mut [u8]) -> usize {
        let mut n = 0;
        let mut pos = at;
        let total = self.len();
        let head = self.head.len() as u64;
        while n < buf.len() && pos < total {
            buf[n] = if pos < head {
                self.head[pos as usize]
            } else if pos < head + self.zeros {
                0
            } else {
                self.tail[(pos - head - self.zeros) as usize]
            };
            n += 1;
            pos += 1;
        }
        n
    }

    /// The whole stream (small bombs only: for checking the generator).
    pub fn to_vec(&self) -> Vec<u8> {
        let mut v = vec![0u8; self.len() as usize];
        self.read_at(0, &mut v);
        v
    }
}

/// A [`GzipBomb`] of about `compressed` bytes.
pub fn gzip_bomb(compressed: u64) -> GzipBomb {
    GzipBomb::new(compressed)
}

// ---- the binary with its memory measured -------------------------------------------------------

/// The real binary as a `std::process::Command`, with the environment [`super::sasmint`] gives
/// (scrubbed; `IDENTITY_*` pointing at `ts`; `SSL_CERT_FILE` trusting `az`). Either may be
/// left out.
pub fn command(az: Option<&Azurite>, ts: Option<&TokenServer>) -> std::process::Command {
    let bin = assert_cmd::cargo::cargo_bin("sasmint");
    let mut cmd = std::process::Command::new(bin);
    cmd.env_clear();
    {
        let _env = super::env_lock();
        for (name, value) in std::env::vars_os() {
            if !super::is_scrubbed(&name) {
                cmd.env(name, value);
            }
        }
    }
    let home = super::test_home();
    cmd.env("SASMINT_AZURE_VM", "no");
    cmd.env("HOME", home)
        .env("AZURE_CONFIG_DIR", home.join(".azure"))
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .env("XDG_DATA_HOME", home.join(".local/share"));
    if let Some(az) = az {
        cmd.env("SSL_CERT_FILE", az.cert_path());
    }
    if let Some(ts) = ts {
        cmd.env("IDENTITY_ENDPOINT", ts.endpoint())
            .env("IDENTITY_HEADER", ts.header());
    }
    cmd
}

/// What a measured run did.
pub struct Measured {
    pub run: Run,
    /// Peak resident set size of the child, KiB: `ru_maxrss` from `wait4`, unless that may be
    /// the test process's own peak (see [`run_measured`]).
    pub peak_kib: u64,
    /// Killed by the watchdog because its resident memory passed [`KILL_ABOVE_KIB`].
    pub killed_for_memory: bool,
    /// Killed by the watchdog because it ran past the deadline.
    pub killed_for_time: bool,
}

/// The watchdog kills a child whose resident memory passes this (KiB): far above the 64 MiB
/// bound under test, far below what would hurt the machine.
pub const KILL_ABOVE_KIB: u64 = 384 * 1024;
/// The bound under test: peak RSS under 64 MiB.
pub const MEMORY_BOUND_KIB: u64 = 64 * 1024;

/// What to feed the child's stdin.
pub enum Input {
    Null,
    Bytes(Vec<u8>),
    /// `A`s (and a newline every 100 bytes) until the child closes its end.
    Endless,
}

/// Runs `cmd` to the end (or kills it past `deadline` or [`KILL_ABOVE_KIB`]), recording its
/// output, exit code and peak memory.
pub fn run_measured(mut cmd: std::process::Command, input: Input, deadline: Duration) -> Measured {
    use std::io::Write as _;
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd.stdin(match input {
        Input::Null => Stdio::null(),
        _ => Stdio::piped(),
    });
    // The kernel records into the child's `ru_maxrss` the high-water mark of the memory its exec
    // replaces, which (std spawns with `CLONE_VM`) is this process's: reset ours to its current
    // size first, so that figure is this process's size now, not its peak of the day.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let start = Instant::now();
    let mut child = cmd.spawn().expect("spawn sasmint");
    let pid = child.id() as libc::pid_t;
    let feeder = child.stdin.take().map(|mut stdin| {
        std::thread::spawn(move || match input {
            Input::Bytes(b) => {
                let _ = stdin.write_all(&b);
            }
            Input::Endless => {
                let mut line = vec![b'A'; 99];
                line.push(b'\n');
                let block: Vec<u8> = line.repeat(650);
                while stdin.write_all(&block).is_ok() {}
            }
            Input::Null => {}
        })
    });
    let reader = |mut r: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut v = Vec::new();
            // Bounded: a child that prints gigabytes must not grow the test.
            let _ = (&mut r).take(4 * 1024 * 1024).read_to_end(&mut v);
            let mut sink = [0u8; 8192];
            while matches!(r.read(&mut sink), Ok(n) if n > 0) {}
            v
        })
    };
    let out = reader(Box::new(child.stdout.take().unwrap()));
    let err = reader(Box::new(child.stderr.take().unwrap()));
    let mut killed_for_memory = false;
    let mut killed_for_time = false;
    let mut status: libc::c_int = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // The child's own high-water mark, sampled while it runs.
    let mut sampled_hwm_kib = 0;
    loop {
        // SAFETY: plain syscall on our own child; status and usage are valid out-pointers.
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if r == pid {
            break;
        }
        assert!(r == 0, "wait4 failed: {}", std::io::Error::last_os_error());
        if let Some(kib) = status_kib(&pid.to_string(), "VmHWM:") {
            sampled_hwm_kib = sampled_hwm_kib.max(kib);
        }
        if !killed_for_memory && !killed_for_time {
            if rss_kib(pid).is_some_and(|kib| kib > KILL_ABOVE_KIB) {
                killed_for_memory = true;
                unsafe { libc::kill(pid, libc::SIGKILL) };
            } else if start.elapsed() > deadline {
                killed_for_time = true;
                unsafe { libc::kill(pid, libc::SIGKILL) };
            }
        }
        // The sampling interval of the watchdog: it waits for the child's exit (wait4 above).
        std::thread::sleep(Duration::from_millis(5));
    }
    let elapsed = start.elapsed();
    if let Some(f) = feeder {
        let _ = f.join();
    }
    let stdout = out.join().unwrap();
    let stderr = err.join().unwrap();
    let code = if libc::WIFEXITED(status) {
        Some(libc::WEXITSTATUS(status))
    } else {
        None
    };
    // The child was reaped by wait4: std must not wait for it again.
    std::mem::forget(child);
    Measured {
        run: Run {
            code,
            stdout: String::from_utf8_lossy(&stdout).into_owned(),
            stderr: String::from_utf8_lossy(&stderr).into_owned(),
            elapsed,
        },
        peak_kib: {
            let peak = child_peak_kib(usage.ru_maxrss as u64, sampled_hwm_kib);
            assert!(peak > 0, "the child's peak memory was not measured");
            peak
        },
        killed_for_memory,
        killed_for_time,
    }
}

fn rss_kib(pid: libc::pid_t) -> Option<u64> {
    status_kib(&pid.to_string(), "VmRSS:")
}

/// A `kB` line of `/proc/<pid>/status`.
fn status_kib(pid: &str, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// The child's peak RSS. On Linux, exec records the high-water mark of the memory it replaces
/// into the new program's `ru_maxrss`; std spawns with `CLONE_VM` (posix_spawn), so that is the
/// test process's own peak, which a panic elsewhere in the binary (backtrace symbolisation,
/// over 100 MiB) pushes past the bound for every later child. When `ru_maxrss` is not above the test
/// process's peak, it may be that inherited figure: take the child's own high-water mark sampled
/// while it ran instead.
///
/// The kernel's figure is an upper bound of the child's own peak, and is never 0. The sample is
/// only taken instead when there is one (a child that exits before the first 5 ms sample has
/// none): then the kernel's figure stands, an upper bound, so the bound is never checked
/// against a 0 that measured nothing.
fn child_peak_kib(ru_maxrss: u64, sampled_hwm_kib: u64) -> u64 {
    match status_kib("self", "VmHWM:") {
        Some(own) if ru_maxrss <= own && sampled_hwm_kib > 0 => sampled_hwm_kib,
        _ => ru_maxrss,
    }
}

impl Measured {
    /// Not killed, peak memory under [`MEMORY_BOUND_KIB`].
    #[track_caller]
    pub fn bounded(&self, what: &str) -> &Self {
        assert!(
            !self.killed_for_memory,
            "{what}: memory grew past {} MiB (killed) after {:?}; stderr:\n{}",
            KILL_ABOVE_KIB / 1024,
            self.run.elapsed,
            cut(&self.run.stderr, 2000)
        );
        assert!(
            !self.killed_for_time,
            "{what}: still running after {:?} (killed); stderr:\n{}",
            self.run.elapsed,
            cut(&self.run.stderr, 2000)
        );
        assert!(
            self.peak_kib < MEMORY_BOUND_KIB,
            "{what}: peak RSS {} MiB, bound {} MiB; stderr:\n{}",
            self.peak_kib / 1024,
            MEMORY_BOUND_KIB / 1024,
            cut(&self.run.stderr, 2000)
        );
        self
    }

    /// Exited with one of `codes`, nothing on stdout, something on stderr.
    #[track_caller]
    pub fn failed_with_one_of(&self, codes: &[i32], what: &str) -> &Self {
        assert!(
            self.run.code.is_some_and(|c| codes.contains(&c)),
            "{what}: exit {:?}, expected one of {codes:?}, after {:?}; stderr:\n{}",
            self.run.code,
            self.run.elapsed,
            cut(&self.run.stderr, 2000)
        );
        assert!(
            self.run.stdout.is_empty(),
            "{what}: stdout: {}",
            cut(&self.run.stdout, 500)
        );
        assert!(!self.run.stderr.trim().is_empty(), "{what}: says nothing");
        assert_no_panic(&self.run.stderr, what);
        self
    }
}

/// At most `n` characters of `s` (for failure messages).
pub fn cut(s: &str, n: usize) -> String {
    let mut out: String = s.chars().take(n).collect();
    if s.chars().count() > n {
        out.push_str("…[cut]");
    }
    out
}

/// No panic message, no backtrace.
#[track_caller]
pub fn assert_no_panic(stderr: &str, what: &str) {
    for bad in ["panicked", "backtrace", "RUST_BACKTRACE", "stack backtrace"] {
        assert!(
            !stderr.contains(bad),
            "{what}: stderr has {bad:?}:\n{}",
            cut(stderr, 3000)
        );
    }
}

// ---- secret spellings ---------------------------------------------------------------------------

fn percent(secret: &str, upper: bool) -> String {
    secret
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else if upper {
                format!("%{b:02X}")
            } else {
                format!("%{b:02x}")
            }
        })
        .collect()
}

/// Every character that is not a letter or digit as `\u00XX` (and `/` as `\/`).
fn json_escaped(secret: &str, slash_only: bool) -> String {
    secret
        .chars()
        .map(|c| {
            if c == '/' {
                "\\/".to_owned()
            } else if c.is_ascii_alphanumeric() || (slash_only && c != '"' && c != '\\') {
                c.to_string()
            } else {
                format!("\\u{:04X}", c as u32)
            }
        })
        .collect()
}

/// The spellings of `secret` that a server or a library can produce, each with a label:
/// raw, percent-encoded (upper and lower case), form-encoded, JSON-escaped (`\uXXXX` and `\/`),
/// base64 and base64url of the secret and of `Bearer <secret>`, and (for a JWT) each segment.
pub fn spellings(secret: &str) -> Vec<(String, String)> {
    let std = base64::engine::general_purpose::STANDARD;
    let url = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let bearer = format!("Bearer {secret}");
    let mut v = vec![
        ("raw".to_owned(), secret.to_owned()),
        ("percent-upper".to_owned(), percent(secret, true)),
        ("percent-lower".to_owned(), percent(secret, false)),
        (
            "form".to_owned(),
            url::form_urlencoded::byte_serialize(secret.as_bytes()).collect(),
        ),
        ("json-u".to_owned(), json_escaped(secret, false)),
        ("json-slash".to_owned(), json_escaped(secret, true)),
        ("base64".to_owned(), std.encode(secret)),
        ("base64url".to_owned(), url.encode(secret)),
        ("base64-bearer".to_owned(), std.encode(&bearer)),
        ("base64url-bearer".to_owned(), url.encode(&bearer)),
    ];
    let segments: Vec<&str> = secret.split('.').collect();
    if segments.len() == 3 && segments.iter().all(|s| s.len() >= 8) {
        for (i, s) in segments.iter().enumerate() {
            v.push((format!("jwt-segment-{i}"), (*s).to_owned()));
        }
    }
    v
}

/// An error text echoing every spelling of every secret, one per line, and each raw secret
/// split over a line break.
pub fn echo_text(secrets: &[&str]) -> String {
    let mut text = String::from("request rejected; you sent:\n");
    for secret in secrets {
        for (label, s) in spellings(secret) {
            text.push_str(&format!("{label}: {s}\n"));
        }
        let half = secret.len() / 2;
        let split = secret
            .char_indices()
            .map(|(i, _)| i)
            .find(|&i| i >= half)
            .unwrap_or(0);
        text.push_str(&format!(
            "split: {}\n{}\n",
            &secret[..split],
            &secret[split..]
        ));
        text.push_str(&format!(
            "split-crlf: {}\r\n{}\r\n",
            &secret[..split],
            &secret[split..]
        ));
    }
    text
}

/// How many echo variants [`echo_variant`] has for `secret`: one per spelling, plus the secret
/// split over `\n` and over `\r\n`.
pub fn variant_count(secret: &str) -> usize {
    spellings(secret).len() + 2
}

/// An error text whose *first line* carries variant `n` (modulo [`variant_count`]) of every
/// secret (clients tend to show only an error's first line), followed by [`echo_text`].
pub fn echo_variant(secrets: &[&str], n: usize) -> String {
    let mut first = String::from("rejected:");
    for secret in secrets {
        let all = spellings(secret);
        let k = n % variant_count(secret);
        let half = secret
            .char_indices()
            .map(|(i, _)| i)
            .find(|&i| i >= secret.len() / 2)
            .unwrap_or(0);
        match k {
            k if k < all.len() => first.push_str(&format!(" {}", all[k].1)),
            k if k == all.len() => {
                first.push_str(&format!(" {}\n{}", &secret[..half], &secret[half..]))
            }
            _ => first.push_str(&format!(" {}\r\n{}", &secret[..half], &secret[half..])),
        }
    }
    format!("{first}\n{}", echo_text(secrets))
}

/// The 8-character windows of `s` to look for; for the `Bearer` spellings only those past the
/// encoded `Bearer ` prefix (which is not secret).
fn windows_of(label: &str, s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    let skip = if label.contains("bearer") { 12 } else { 0 };
    if chars.len() < 8 {
        return Vec::new();
    }
    (skip..=chars.len() - 8)
        .map(|i| chars[i..i + 8].iter().collect())
        .collect()
}

/// No 8-character window of any spelling of `secret` appears in `text`; an empty `secret` fails
/// the test (there would be nothing to look for). A secret shorter than
/// 8 characters must not appear in any spelling at all (each spelling is looked for whole,
/// and between non-alphanumeric boundaries for the raw form).
#[track_caller]
pub fn assert_no_secret(text: &str, what: &str, secret: &str) {
    // An empty secret is a test that lost track of its secret: it would pass without looking.
    assert!(
        !secret.is_empty(),
        "{what}: the secret to look for is empty, so nothing would be checked"
    );
    if secret.chars().count() < 8 {
        for (label, s) in spellings(secret) {
            if label.starts_with("jwt") {
                continue;
            }
            assert!(
                !text.contains(&s),
                "{what}: the short secret leaked ({label} spelling {s:?}):\n{}",
                cut(text, 4000)
            );
        }
        return;
    }
    // A JWT's first segment is its header (`{"alg":…,"typ":"JWT"}`), the same in every token
    // and not secret: its windows, in any spelling, are not looked for.
    let segments: Vec<&str> = secret.split('.').collect();
    let public: std::collections::HashSet<String> = if segments.len() == 3 {
        spellings(segments[0])
            .into_iter()
            .flat_map(|(label, s)| windows_of(&label, &s))
            .collect()
    } else {
        Default::default()
    };
    for (label, s) in spellings(secret) {
        if label == "jwt-segment-0" {
            continue;
        }
        for w in windows_of(&label, &s) {
            if public.contains(&w) {
                continue;
            }
            assert!(
                !text.contains(&w),
                "{what}: 8 characters of the secret leaked ({label} spelling, {w:?}):\n{}",
                cut(text, 4000)
            );
        }
    }
}

/// A path-style container URL on `127.0.0.1:port`.
pub fn path_style(port: u16, container: &str) -> String {
    format!("https://127.0.0.1:{port}/{ACCOUNT}/{container}")
}

/// `true` if `name`'s value in the process environment should not be passed on.
pub fn is_scrubbed_name(name: &str) -> bool {
    super::is_scrubbed(OsStr::new(name))
}

// ---- certificates, host names, delegation keys ----------------------------------------------------

/// A self-signed server certificate (CA:FALSE, serverAuth) for `host`: `(cert_pem, key_pem)`.
pub fn cert_for(host: &str) -> (String, String) {
    use rcgen::{
        CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
        KeyUsagePurpose,
    };
    let mut params = CertificateParams::new(vec![host.to_string()]).expect("certificate params");
    let mut dn = DistinguishedName::new();
    dn.push(
        DnType::CommonName,
        format!("sasmint hostile {}", super::token_server::random_hex(12)),
    );
    params.distinguished_name = dn;
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::hours(1);
    params.not_after = now + time::Duration::days(2);
    let key = KeyPair::generate().expect("generate key pair");
    let cert = params.self_signed(&key).expect("self-sign certificate");
    (cert.pem(), key.serialize_pem())
}

/// A host name (not an IP, not `localhost`) that resolves to a loopback IPv4 address on this
/// machine, with that address: the machine's own name, or `vm`/`runsc` from `/etc/hosts`.
pub fn loopback_host_name() -> Option<(String, std::net::IpAddr)> {
    use std::net::ToSocketAddrs as _;
    let mut names = Vec::new();
    let mut buf = [0u8; 256];
    // SAFETY: buf is valid for its length.
    if unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) } == 0 {
        let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
        names.push(String::from_utf8_lossy(&buf[..end]).into_owned());
    }
    names.extend(["vm".to_owned(), "runsc".to_owned()]);
    names.into_iter().find_map(|name| {
        if name.is_empty() || name == "localhost" || name.parse::<std::net::IpAddr>().is_ok() {
            return None;
        }
        let addr = (name.as_str(), 443)
            .to_socket_addrs()
            .ok()?
            .find(|a| a.is_ipv4() && a.ip().is_loopback())?;
        Some((name, addr.ip()))
    })
}

/// The fields of a user delegation key as the service sends them (XML element text, raw:
/// [`udk_xml`] escapes `&`, `<` and `>`).
#[derive(Clone, Debug)]
pub struct Udk {
    pub oid: String,
    pub tid: String,
    pub start: String,
    pub expiry: String,
    pub service: String,
    pub version: String,
    pub value: String,
}

fn rfc3339(t: time::OffsetDateTime) -> String {
    t.replace_nanosecond(0)
        .unwrap()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

impl Udk {
    /// A well-formed key: valid from 1 hour ago for 1 day.
    pub fn good() -> Udk {
        let now = time::OffsetDateTime::now_utc();
        Udk {
            oid: super::token_server::TEST_OID.to_owned(),
            tid: super::token_server::TEST_TID.to_owned(),
            start: rfc3339(now - time::Duration::hours(1)),
            expiry: rfc3339(now + time::Duration::days(1)),
            service: "b".to_owned(),
            version: "2026-04-06".to_owned(),
            value: base64::engine::general_purpose::STANDARD.encode([7u8; 32]),
        }
    }

    /// Valid from 1 hour ago for `days` days.
    pub fn lasting_days(days: i64) -> Udk {
        let now = time::OffsetDateTime::now_utc();
        Udk {
            expiry: rfc3339(now - time::Duration::hours(1) + time::Duration::days(days)),
            ..Udk::good()
        }
    }

    /// Writes [`key_file_json`](Self::key_file_json) to `dir/key.json`, mode 0600, as `sasmint
    /// key --output-file` would, and returns its path.
    pub fn write_key_file(&self, dir: &std::path::Path) -> std::path::PathBuf {
        use std::os::unix::fs::OpenOptionsExt as _;
        let path = dir.join("key.json");
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&path)
            .unwrap();
        std::io::Write::write_all(&mut f, self.key_file_json().as_bytes()).unwrap();
        path
    }

    /// The key file JSON `sasmint key` writes.
    pub fn key_file_json(&self) -> String {
        serde_json::json!({
            "signedOid": self.oid,
            "signedTid": self.tid,
            "signedStart": self.start,
            "signedExpiry": self.expiry,
            "signedService": self.service,
            "signedVersion": self.version,
            "value": self.value,
        })
        .to_string()
    }
}

fn xml_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The Get User Delegation Key answer for `k`.
pub fn udk_xml(k: &Udk) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><UserDelegationKey><SignedOid>{}</SignedOid><SignedTid>{}</SignedTid><SignedStart>{}</SignedStart><SignedExpiry>{}</SignedExpiry><SignedService>{}</SignedService><SignedVersion>{}</SignedVersion><Value>{}</Value></UserDelegationKey>",
        xml_text(&k.oid),
        xml_text(&k.tid),
        xml_text(&k.start),
        xml_text(&k.expiry),
        xml_text(&k.service),
        xml_text(&k.version),
        xml_text(&k.value),
    )
}

/// An Azure Storage XML error body.
pub fn storage_error_xml(code: &str, message: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{code}</Code><Message>{}</Message></Error>",
        xml_text(message)
    )
}
