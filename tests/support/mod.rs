//! Test support: run the real `sasmint` binary against real (emulated) storage.
//!
//! * [`Azurite`]: Microsoft's storage emulator on a free loopback port, HTTPS with a throwaway
//!   certificate, `--oauth basic` (Bearer tokens and Get User Delegation Key work).
//! * [`TokenServer`]: a local App Service managed-identity endpoint minting JWTs Azurite accepts.
//! * [`sasmint`] / [`sasmint_offline`]: the CLI with a scrubbed environment.
//! * [`GeoCatalog`] and [`Ard`]: strict local HTTPS stand-ins for the GeoCatalog
//!   ingestion-sources API and the Maxar ARD credentials API, serving with Azurite's certificate
//!   and proving every SAS they are given works against Azurite (see their module docs).
//! * Data-plane helpers on the real Azure SDK: setup with a Bearer token
//!   ([`create_container`], [`upload_blob`]) and SAS-only probes ([`list_blobs`], [`read_blob`],
//!   [`write_blob`], [`delete_blob`]) that return `Err(Denied)` on a 4xx and panic on anything
//!   unexpected. They are async: use `#[tokio::test]`.
//! * [`Arm`]: a strict local stand-in for the Azure Resource Manager operations of
//!   `revoke-keys` (list a subscription's storage accounts, revoke user delegation keys).
//! * [`Tripwire`]: a loopback listener that proves nothing connected to it (bad-input tests).
//! * [`BlobHttp`]: raw blob requests sent exactly as given (the permission matrix), Bearer setup,
//!   and [`mint_tokens`] for many tokens from one run of the binary.
//!
//! ```ignore
//! mod support;
//!
//! #[tokio::test]
//! async fn ingest_token_can_write_but_not_read() {
//!     let az = support::Azurite::start();
//!     let ts = support::TokenServer::start();
//!     support::create_container(&az, "c").await;
//!     let out = support::sasmint(&az, &ts)
//!         .args(["mint", &az.container_url("c"), "--for", "ingest", "--auth", "managed-identity"])
//!         .assert()
//!         .success();
//!     let token = String::from_utf8(out.get_output().stdout.clone()).unwrap();
//!     let url = support::with_query(&az.blob_url("c", "x.txt"), token.trim());
//!     assert!(support::write_blob(&url, b"x").await.is_ok());
//!     support::assert_forbidden(support::read_blob(&url).await);
//! }
//! ```
//!
//! Included from examples too (`#[path = "../tests/support/mod.rs"] mod support;`), so nothing
//! here may depend on being compiled as an integration test.

#![allow(dead_code, unused_imports)]

mod ard;
mod arm;
mod azurite;
mod blob;
mod faults;
mod geocatalog;
pub mod hostile;
mod https;
mod ops;
mod run;
mod standin;
mod token_server;
mod tripwire;

pub use ard::{
    is_credentials_id, Ard, StoredCredentials, UploadCheck, ARD_BASE_PATH, ARD_DEFAULT_PAGE_SIZE,
    ARD_MAX_LIMIT, ARD_TOKEN_LIFETIME,
};
pub use arm::{
    Arm, ArmAccount, ARM_API_VERSION, ARM_DEFAULT_PAGE_SIZE, ARM_RESOURCE, ARM_SUBSCRIPTION,
};
pub use azurite::{error_chain, http_client_trusting, locate, Azurite, ACCOUNT, AZURITE_VERSION};
pub use blob::{
    assert_forbidden, blob_client, container_client, container_sas, create_container, delete_blob,
    list_blobs, loopback_client_options, raw_request, read_blob, service_client, upload_blob,
    user_delegation_key, with_query, write_blob, Denied, TestCredential,
};
pub use faults::{FaultLog, FaultMode, FaultServer, BAD_KEY_VALUE};
pub use geocatalog::{
    default_identities, GeoCatalog, ManagedIdentity, SourceKind, StoredSource, TokenCheck,
    GEOCATALOG_RESOURCE, GEO_API_GA, GEO_API_LEGACY, GEO_API_PREVIEW, GEO_DEFAULT_PAGE_SIZE,
};
pub use https::{Handler, HandlerFuture, HttpRequest, HttpResponse, HttpsServer};
pub use ops::{mint_tokens, sas_url, token_param, without_query, BlobHttp, Reply, X_MS_VERSION};
pub use run::Run;
pub use standin::{
    check_container_url, check_sas, is_uuid, jwt_audience, jwt_claims, new_uuid, parse_rfc3339,
    Fault, LoggedRequest, SasFields,
};
pub use token_server::{
    mint_jwt, mint_jwt_with, now_unix, random_hex, standard_claims, Behaviour, ServedRequest,
    TokenServer, MSI_API_VERSION, STORAGE_RESOURCE, TEST_OID, TEST_TID, TOKEN_PATH,
};
pub use tripwire::Tripwire;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Duration;

/// Environment variables whose names start with one of these are removed from the child.
pub const SCRUBBED_PREFIXES: &[&str] = &[
    "AZURE_",
    "AZD_",
    "IDENTITY_",
    "MSI_",
    "IMDS_",
    "SYSTEM_",
    "AZURESUBSCRIPTION_",
    "SASMINT_",
    "MAXAR_",
];
/// Environment variables removed from the child by exact name (proxies too: tests talk to
/// loopback only, and a proxy would be a non-loopback hop).
pub const SCRUBBED_VARS: &[&str] = &[
    "SSL_CERT_DIR",
    "SSL_CERT_FILE",
    "RUST_LOG",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
];
/// Default time limit for one CLI run (a hung or retrying CLI fails the test instead of hanging it).
pub const CLI_TIMEOUT: Duration = Duration::from_secs(30);

/// `sasmint` with a scrubbed environment, pointed at `ts` for managed identity and trusting
/// `az`'s certificate: `IDENTITY_ENDPOINT`, `IDENTITY_HEADER`, `SSL_CERT_FILE` set; `HOME`,
/// `AZURE_CONFIG_DIR` and the XDG dirs in a temp dir so no real az/azd login is found.
pub fn sasmint(az: &Azurite, ts: &TokenServer) -> assert_cmd::Command {
    let mut cmd = sasmint_offline();
    use_local_azure(&mut cmd, az, ts);
    cmd
}

/// `sasmint` with the same scrubbed environment but no identity or TLS variables: for
/// bad-input tests that must fail before any network access.
pub fn sasmint_offline() -> assert_cmd::Command {
    let bin = assert_cmd::cargo::cargo_bin("sasmint");
    assert!(
        bin.is_file(),
        "the sasmint binary was not built: {}",
        bin.display()
    );
    scrubbed_command(bin)
}

/// Any program with the environment scrubbing `sasmint_offline` applies (exposed so the
/// scrubbing itself can be tested, e.g. with `env`).
///
/// The child starts from an empty environment plus the parent's variables that survive the
/// scrubbing, as they are now: a variable another test sets later is not inherited.
pub fn scrubbed_command(program: impl AsRef<OsStr>) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(program);
    cmd.env_clear();
    {
        let _env = env_lock();
        for (name, value) in std::env::vars_os() {
            if !is_scrubbed(&name) {
                cmd.env(name, value);
            }
        }
    }
    let home = test_home();
    cmd.env("HOME", home)
        .env("AZURE_CONFIG_DIR", home.join(".azure"))
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        // `--auth auto` never asks IMDS, even when the tests run on an Azure VM: no test
        // leaves loopback (a test may set it to `yes` to check the other path).
        .env("SASMINT_AZURE_VM", "no")
        .timeout(CLI_TIMEOUT);
    cmd
}

/// Points a (scrubbed) command at `ts` for managed identity and makes it trust `az`'s
/// certificate: sets `IDENTITY_ENDPOINT`, `IDENTITY_HEADER` and `SSL_CERT_FILE`.
pub fn use_local_azure(cmd: &mut assert_cmd::Command, az: &Azurite, ts: &TokenServer) {
    cmd.env("IDENTITY_ENDPOINT", ts.endpoint())
        .env("IDENTITY_HEADER", ts.header())
        .env("SSL_CERT_FILE", az.cert_path());
}

/// Whether [`scrubbed_command`] drops this variable.
pub fn is_scrubbed(name: &OsStr) -> bool {
    // Non-UTF-8 names cannot match any of the (ASCII) patterns.
    let Some(name) = name.to_str() else {
        return false;
    };
    SCRUBBED_PREFIXES.iter().any(|p| name.starts_with(p)) || SCRUBBED_VARS.contains(&name)
}

/// An empty home directory for child processes, one per test process (under cargo's
/// `target/tmp` when available, so it is cleaned by `cargo clean`).
pub fn test_home() -> &'static Path {
    static HOME: OnceLock<PathBuf> = OnceLock::new();
    HOME.get_or_init(|| {
        let base = option_env!("CARGO_TARGET_TMPDIR")
            .map(PathBuf::from)
            .unwrap_or_else(std::env::temp_dir);
        std::fs::create_dir_all(&base).expect("create temp base dir");
        let dir = tempfile::Builder::new()
            .prefix("sasmint-test-home-")
            .tempdir_in(base)
            .expect("create test HOME")
            .keep();
        for sub in [".azure", ".config", ".cache", ".local/share"] {
            std::fs::create_dir_all(dir.join(sub)).expect("create test HOME subdir");
        }
        dir
    })
}

/// Hold this while changing the process environment (`std::env::set_var`) in a test, so no
/// other support code reads it half-changed.
pub fn env_lock() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// One Azurite per test binary (started on first use; each test works in its own containers).
pub fn shared_azurite() -> &'static Azurite {
    static AZ: OnceLock<Azurite> = OnceLock::new();
    AZ.get_or_init(Azurite::start)
}

/// The decoded `sig` of a SAS token.
pub fn sig_of(token: &str) -> String {
    let sig = token
        .split('&')
        .find_map(|p| p.strip_prefix("sig="))
        .expect("token has sig");
    percent_encoding::percent_decode_str(sig)
        .decode_utf8()
        .unwrap()
        .into_owned()
}

/// Neither the secret nor its percent-encoded forms appear in `text`.
#[track_caller]
pub fn assert_absent(text: &str, what: &str, secret: &str) {
    assert!(secret.len() >= 8, "{what} is a real secret");
    let encoded: String =
        url::form_urlencoded::byte_serialize(secret.as_bytes()).collect::<String>();
    let encoded_upper = secret
        .replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D");
    for form in [secret, &encoded, &encoded_upper] {
        assert!(!text.contains(form), "{what} leaked:\n{text}");
    }
}

/// A condition a stand-in waits on before it answers, to prove an order of events: "the catalog
/// holds its answer to the lookup until the token endpoint has seen the storage token request".
/// If the condition never comes true, the stand-in answers after [`Until::DEADLINE`] and records
/// that it was not met, which fails the test that asked for the order (a generous deadline: only
/// a wrong order ever waits that long).
#[derive(Clone)]
pub struct Until {
    condition: std::sync::Arc<dyn Fn() -> bool + Send + Sync>,
}

impl Until {
    pub const DEADLINE: Duration = Duration::from_secs(20);
    /// How often the condition is looked at: a poll interval, not a wait for anything.
    const POLL: Duration = Duration::from_millis(2);

    pub fn new(condition: impl Fn() -> bool + Send + Sync + 'static) -> Until {
        Until {
            condition: std::sync::Arc::new(condition),
        }
    }

    /// Blocks until the condition holds (`true`) or the deadline passes (`false`).
    pub fn wait_blocking(&self) -> bool {
        let deadline = std::time::Instant::now() + Self::DEADLINE;
        loop {
            if (self.condition)() {
                return true;
            }
            if std::time::Instant::now() > deadline {
                return false;
            }
            std::thread::sleep(Self::POLL);
        }
    }

    /// [`Until::wait_blocking`] for an async stand-in.
    pub async fn wait(&self) -> bool {
        let deadline = std::time::Instant::now() + Self::DEADLINE;
        loop {
            if (self.condition)() {
                return true;
            }
            if std::time::Instant::now() > deadline {
                return false;
            }
            tokio::time::sleep(Self::POLL).await;
        }
    }
}
