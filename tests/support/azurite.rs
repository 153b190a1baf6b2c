//! Azurite (Microsoft's storage emulator) on a free loopback port, over HTTPS with a throwaway
//! certificate, with `--oauth basic` so Bearer tokens and Get User Delegation Key work.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// The emulator's account name (first path segment of every URL).
pub const ACCOUNT: &str = "devstoreaccount1";
/// The Azurite version the project pins (3.36.0 rejects `sv ≥ 2026-04-06` user delegation SAS).
pub const AZURITE_VERSION: &str = "3.37.0";

const READY_TIMEOUT: Duration = Duration::from_secs(15);
const PORT_ATTEMPTS: usize = 5;
const READY_LINE: &str = "successfully listens on https://127.0.0.1:";

/// A running Azurite blob service. Killed (and its temp dir removed) on drop.
///
/// Besides `Drop`, the child is started with `PR_SET_PDEATHSIG=SIGKILL` from a process-lifetime
/// thread, so it also dies if the test process is killed or exits without dropping it.
pub struct Azurite {
    child: Child,
    port: u16,
    dir: TempDir,
    cert_path: PathBuf,
    cert_pem: String,
    key_pem: String,
}

impl std::fmt::Debug for Azurite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Azurite")
            .field("port", &self.port)
            .field("dir", &self.dir.path())
            .finish_non_exhaustive()
    }
}

impl Azurite {
    /// Starts Azurite. A missing Azurite or node is a test failure, never a skip (a skipped
    /// storage test that reports success would prove nothing): this panics with how to install it.
    ///
    /// Azurite's `main.js` comes from `$SASMINT_AZURITE`, else
    /// `$CARGO_MANIFEST_DIR/.azurite/node_modules/azurite/dist/src/blob/main.js`; `node` from
    /// `$SASMINT_NODE`, else `PATH`.
    pub fn start() -> Azurite {
        match locate() {
            Ok((node, main_js)) => Self::start_at(&node, &main_js),
            Err(reason) => panic!(
                "the storage tests need Azurite {AZURITE_VERSION}, but {reason}. Run `bash .ci/run`, \
                 or `npm install --prefix .azurite --no-audit --no-fund azurite@{AZURITE_VERSION}` \
                 (or set SASMINT_AZURITE to its dist/src/blob/main.js)"
            ),
        }
    }

    /// Starts Azurite's queue service (`dist/src/queue/main.js`, beside the blob `main.js`
    /// [`locate`] finds), with the same HTTPS and OAuth set-up. Same failure rules as [`start`].
    pub fn start_queue() -> Azurite {
        let located = locate().and_then(|(node, blob)| {
            let queue = blob
                .parent()
                .and_then(Path::parent)
                .map(|src| src.join("queue/main.js"))
                .filter(|p| p.is_file())
                .ok_or_else(|| format!("no queue/main.js beside {}", blob.display()))?;
            Ok((node, queue))
        });
        match located {
            Ok((node, main_js)) => Self::start_service(&node, &main_js, "queue"),
            Err(reason) => panic!(
                "the queue tests need Azurite {AZURITE_VERSION}'s queue service, but {reason}. Run `bash .ci/run`"
            ),
        }
    }

    /// Starts Azurite from an explicit `node` binary and `main.js`; panics on any failure.
    pub fn start_at(node: &Path, main_js: &Path) -> Azurite {
        Self::start_service(node, main_js, "blob")
    }

    /// Starts the Azurite `service` (`blob` or `queue`) of `main_js`.
    fn start_service(node: &Path, main_js: &Path, service: &str) -> Azurite {
        let dir = tempfile::Builder::new()
            .prefix("sasmint-azurite-")
            .tempdir()
            .expect("create Azurite temp dir");
        let (cert_pem, key_pem) = self_signed_cert();
        let cert_path = dir.path().join("cert.pem");
        let key_path = dir.path().join("key.pem");
        std::fs::write(&cert_path, &cert_pem).expect("write cert.pem");
        std::fs::write(&key_path, &key_pem).expect("write key.pem");
        let work = dir.path().join("work");
        std::fs::create_dir(&work).expect("create Azurite work dir");

        for attempt in 1..=PORT_ATTEMPTS {
            let port = free_port();
            let log_path = dir.path().join(format!("azurite-{attempt}.log"));
            let log = File::create(&log_path).expect("create Azurite log");
            let mut cmd = Command::new(node);
            cmd.arg(main_js)
                .args([&format!("--{service}Host"), "127.0.0.1"])
                .args([&format!("--{service}Port"), &port.to_string()])
                .args(["--inMemoryPersistence", "--oauth", "basic"])
                .arg("--cert")
                .arg(&cert_path)
                .arg("--key")
                .arg(&key_path)
                .args(["--disableTelemetry", "--skipApiVersionCheck"])
                .current_dir(&work)
                .stdin(Stdio::null())
                .stdout(log.try_clone().expect("clone log handle"))
                .stderr(log);
            if std::env::var_os("SASMINT_AZURITE_DEBUG").is_some() {
                // Azurite logs the string-to-sign it computed: the fastest way to debug a mismatch.
                // The log holds request headers (bearer tokens): it stays on disk, never printed.
                let debug_log =
                    std::env::temp_dir().join(format!("sasmint-azurite-{port}.debug.log"));
                eprintln!("azurite debug log: {}", debug_log.display());
                cmd.arg("--debug").arg(debug_log);
            }
            let mut child = spawn_with_parent_death_signal(cmd)
                .unwrap_or_else(|e| panic!("failed to spawn {}: {e}", node.display()));

            match wait_until_listening(&mut child, port, &log_path) {
                Ok(()) => {
                    let azurite = Azurite {
                        child,
                        port,
                        dir,
                        cert_path,
                        cert_pem,
                        key_pem,
                    };
                    register_trust(port, &azurite.cert_pem);
                    azurite.check_tls();
                    return azurite;
                }
                Err(StartError::AddrInUse) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    continue;
                }
                Err(StartError::Failed(why)) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!(
                        "Azurite did not start on port {port}: {why}\n--- Azurite output ---\n{}",
                        read_lossy(&log_path)
                    );
                }
            }
        }
        panic!("Azurite: every one of {PORT_ATTEMPTS} free ports was taken by the time it bound");
    }

    /// The port Azurite listens on (127.0.0.1).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `https://127.0.0.1:PORT/devstoreaccount1`
    pub fn account_url(&self) -> String {
        format!("https://127.0.0.1:{}/{ACCOUNT}", self.port)
    }

    /// `https://127.0.0.1:PORT/devstoreaccount1/NAME` (container names need no encoding).
    pub fn container_url(&self, name: &str) -> String {
        format!("{}/{name}", self.account_url())
    }

    /// The blob's URL with the name percent-encoded as one path segment per `/`-separated part
    /// (spaces, `%`, `#`, `?`, non-ASCII encoded; `+` kept literal, as Azure expects).
    pub fn blob_url(&self, container: &str, blob: &str) -> String {
        let mut url = url::Url::parse(&self.container_url(container)).expect("valid container url");
        url.path_segments_mut()
            .expect("https url has path segments")
            .extend(blob.split('/'));
        url.to_string()
    }

    /// PEM file of the server certificate: use as `SSL_CERT_FILE` for a child process.
    pub fn cert_path(&self) -> &Path {
        &self.cert_path
    }

    /// The server certificate, PEM.
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// The certificate's private key, PEM (PKCS#8): lets a local stand-in service serve HTTPS
    /// with the same certificate, which children already trust through `SSL_CERT_FILE`.
    pub fn key_pem(&self) -> &str {
        &self.key_pem
    }

    /// Azurite's stdout/stderr (startup lines and crashes; no request logging).
    pub fn output(&self) -> String {
        let mut out = String::new();
        if let Ok(entries) = std::fs::read_dir(self.dir.path()) {
            let mut logs: Vec<_> = entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "log"))
                .collect();
            logs.sort();
            for log in logs {
                out.push_str(&read_lossy(&log));
            }
        }
        out
    }

    /// A reqwest client that trusts exactly this Azurite's certificate, never uses a proxy and
    /// does not decompress (as the storage SDK expects).
    pub fn http_client(&self) -> reqwest::Client {
        http_client_trusting(Some(&self.cert_pem))
    }

    /// One HTTPS request through the same client stack the SDK helpers use: proves the
    /// certificate is trusted before any test relies on it.
    fn check_tls(&self) {
        let url = format!("{}?comp=list", self.account_url());
        let client = self.http_client();
        let outcome = std::thread::scope(|s| {
            s.spawn(|| {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("tokio runtime for the TLS check");
                rt.block_on(async { client.get(&url).send().await.map(|r| r.status()) })
            })
            .join()
            .expect("TLS check thread")
        });
        if let Err(e) = outcome {
            panic!(
                "Azurite is listening on {} but an HTTPS request trusting its certificate failed: {}",
                self.port,
                error_chain(&e)
            );
        }
    }
}

impl Drop for Azurite {
    fn drop(&mut self) {
        unregister_trust(self.port);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Locates `node` and Azurite's blob `main.js`, or says what is missing.
pub fn locate() -> Result<(PathBuf, PathBuf), String> {
    let main_js = match std::env::var_os("SASMINT_AZURITE") {
        Some(p) => PathBuf::from(p),
        None => Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(".azurite/node_modules/azurite/dist/src/blob/main.js"),
    };
    if !main_js.is_file() {
        return Err(format!("{} does not exist", main_js.display()));
    }
    let node = match std::env::var_os("SASMINT_NODE") {
        Some(p) => PathBuf::from(p),
        None => std::env::var_os("PATH")
            .and_then(|path| {
                std::env::split_paths(&path)
                    .map(|dir| dir.join("node"))
                    .find(|candidate| candidate.is_file())
            })
            .ok_or_else(|| "node is not on PATH".to_string())?,
    };
    if !node.is_file() {
        return Err(format!("{} does not exist", node.display()));
    }
    Ok((node, main_js))
}

enum StartError {
    AddrInUse,
    Failed(String),
}

fn wait_until_listening(child: &mut Child, port: u16, log_path: &Path) -> Result<(), StartError> {
    let deadline = Instant::now() + READY_TIMEOUT;
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let ready_line = format!("{READY_LINE}{port}");
    loop {
        if let Some(status) = child
            .try_wait()
            .map_err(|e| StartError::Failed(e.to_string()))?
        {
            return if read_lossy(log_path).contains("EADDRINUSE") {
                Err(StartError::AddrInUse)
            } else {
                Err(StartError::Failed(format!("node exited early ({status})")))
            };
        }
        // Our own child must say it listens (another process might hold the port), and the
        // socket must accept connections.
        if read_lossy(log_path).contains(&ready_line)
            && TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok()
        {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(StartError::Failed(format!(
                "not listening after {READY_TIMEOUT:?}"
            )));
        }
        // A poll interval: the loop waits for the condition above, up to the deadline.
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .expect("bind 127.0.0.1:0 to find a free port")
        .port()
}

fn read_lossy(path: &Path) -> String {
    let mut bytes = Vec::new();
    if let Ok(mut f) = File::open(path) {
        let _ = f.read_to_end(&mut bytes);
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// A self-signed ECDSA P-256 server certificate for `127.0.0.1` and `localhost`
/// (CA:FALSE, serverAuth), with a unique subject so several instances never get mixed up.
fn self_signed_cert() -> (String, String) {
    use rcgen::{
        CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
        KeyUsagePurpose,
    };
    let mut params = CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
        .expect("certificate params");
    let mut dn = DistinguishedName::new();
    dn.push(
        DnType::CommonName,
        format!(
            "sasmint test Azurite {}",
            super::token_server::random_hex(12)
        ),
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

/// Spawns `cmd` from one thread that lives as long as the process, with
/// `PR_SET_PDEATHSIG=SIGKILL`: the child dies when the test process dies, even without `Drop`.
/// (The signal is tied to the *thread* that forked, hence the dedicated thread.)
fn spawn_with_parent_death_signal(mut cmd: Command) -> io::Result<Child> {
    type SpawnRequest = (Command, mpsc::Sender<io::Result<Child>>);
    static SPAWNER: OnceLock<mpsc::Sender<SpawnRequest>> = OnceLock::new();

    let parent = std::process::id() as libc::pid_t;
    // SAFETY: the closure runs between fork and exec and only makes async-signal-safe calls
    // (prctl, getppid) without allocating.
    unsafe {
        cmd.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong) != 0 {
                return Err(io::Error::last_os_error());
            }
            if libc::getppid() != parent {
                // The parent died before prctl took effect.
                return Err(io::Error::from_raw_os_error(libc::ESRCH));
            }
            Ok(())
        });
    }

    let spawner = SPAWNER.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<SpawnRequest>();
        std::thread::Builder::new()
            .name("azurite-spawner".into())
            .spawn(move || {
                for (mut cmd, reply) in rx {
                    let _ = reply.send(cmd.spawn());
                }
            })
            .expect("spawn the Azurite spawner thread");
        tx
    });
    let (reply_tx, reply_rx) = mpsc::channel();
    spawner
        .send((cmd, reply_tx))
        .expect("Azurite spawner thread is alive");
    reply_rx.recv().expect("Azurite spawner replied")
}

// ---- which certificate to trust for which loopback port -------------------------------------

fn trust_registry() -> &'static Mutex<BTreeMap<u16, String>> {
    static TRUST: OnceLock<Mutex<BTreeMap<u16, String>>> = OnceLock::new();
    TRUST.get_or_init(Default::default)
}

fn register_trust(port: u16, cert_pem: &str) {
    trust_registry()
        .lock()
        .unwrap()
        .insert(port, cert_pem.to_string());
}

fn unregister_trust(port: u16) {
    trust_registry().lock().unwrap().remove(&port);
}

/// The certificate of the running Azurite on this port, if any.
pub(crate) fn trusted_cert_for_port(port: u16) -> Option<String> {
    trust_registry().lock().unwrap().get(&port).cloned()
}

/// A reqwest client for tests: trusts only `cert_pem` (or the platform roots when `None`),
/// no proxy, no redirects, no automatic decompression, short timeouts.
pub fn http_client_trusting(cert_pem: Option<&str>) -> reqwest::Client {
    let mut builder = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .gzip(false)
        .deflate(false)
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(30));
    if let Some(pem) = cert_pem {
        let cert = reqwest::Certificate::from_pem(pem.as_bytes()).expect("parse test cert PEM");
        builder = builder.tls_certs_only([cert]);
    }
    builder.build().expect("build reqwest client")
}

/// `Display` of an error and all its sources, one line.
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}
