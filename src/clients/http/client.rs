//! The one HTTP client of the process and the `azure_core` pipeline settings every client
//! shares: one deadline for the whole command, retries honouring `Retry-After` within it, no
//! retry of an untrusted certificate, capped response bodies, and the early connection ([`warm`]).

use super::deadline::{Clock, Deadline, DeadlineRetry, WithinDeadline};
use super::policy::FailFastOnTls;
use super::proxy::Proxies;
use super::roots;
use crate::clients::transport::CappedHttp;
use crate::clients::warmup::Prewarm;
use crate::domain::error::{Failure, Kind, Result};
use crate::domain::redact;
use azure_core::http::{ClientOptions, RetryOptions, Transport, Url};
use std::sync::Arc;
use std::time::Duration;

/// Pipeline settings shared by storage, credential and service clients: every try ends by the
/// command's `deadline` (an error naming the endpoint), a few retries (429/5xx, honouring
/// `Retry-After`) and only while their back-off fits before the deadline, an answer asking to
/// wait past it failing at once ([`deadline`](super::deadline)), no retries for TLS trust
/// failures, and bounded response bodies ([`transport`](crate::clients::transport)): no compression is asked
/// for or undone, a success body over 1 MiB fails, an error body is read only up to 64 KiB.
/// Every call returns the same HTTP client (one connection pool per process, see [`shared`]).
/// Fails (exit 7) when TLS cannot be set up, e.g. when `SSL_CERT_FILE` holds no certificate.
pub fn client_options(timeout: u64) -> Result<ClientOptions> {
    // The command's deadline starts here, when its network part does, if nothing started it.
    Deadline::command(timeout);
    let clock = Clock::Command(timeout);
    let (http, _) = shared(Duration::from_secs(timeout))?;
    Ok(ClientOptions {
        transport: Some(Transport::new(Arc::new(CappedHttp::new(Arc::new(http))))),
        retry: RetryOptions::custom(Arc::new(DeadlineRetry::new(clock))),
        per_try_policies: vec![Arc::new(FailFastOnTls), Arc::new(WithinDeadline(clock))],
        ..Default::default()
    })
}

/// Starts the connection (DNS, TCP, TLS) to `origin`'s scheme, host and port in the background
/// ([`warmup`](crate::clients::warmup)), so that the first request to it does not wait for a
/// handshake. Call it inside the runtime, after [`client_options`] and before getting the token
/// the request needs. Sends no HTTP request; does nothing when it cannot help (outside a
/// runtime, an origin already warmed or in use, no client yet). A failed warm-up is forgotten:
/// the request connects itself.
pub fn warm(origin: &Url) {
    let shared = SHARED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(shared) = shared.as_ref() {
        shared.prewarm.warm(&shared.client, origin);
    }
}

/// The process's HTTP client, and its warm-up table.
struct Shared {
    timeout: Duration,
    client: reqwest::Client,
    prewarm: Prewarm,
}

static SHARED: std::sync::Mutex<Option<Shared>> = std::sync::Mutex::new(None);

/// The one `reqwest` client of the process (built on first use, rebuilt only for another
/// `timeout`): storage, the credentials and the services share its connection pool, so a
/// connection opened early ([`warm`]) is the one the request uses.
fn shared(timeout: Duration) -> Result<(reqwest::Client, Prewarm)> {
    let mut shared = SHARED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(s) = shared.as_ref().filter(|s| s.timeout == timeout) {
        return Ok((s.client.clone(), s.prewarm.clone()));
    }
    // TLS crypto: rustls' `ring` provider (Cargo.toml says why). Installed once for the process;
    // `Err` means one is installed already.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let prewarm = Prewarm::default();
    // Proxies as sasmint reads them (never for loopback and link-local: the managed-identity
    // endpoints), and the roots of SSL_CERT_FILE/SSL_CERT_DIR read with the one file reader.
    let proxies = Proxies::from_env()?;
    let mut builder = reqwest::Client::builder();
    builder = if proxies.any() {
        builder.proxy(reqwest::Proxy::custom(move |url| proxies.for_url(url)))
    } else {
        builder.no_proxy()
    };
    if let Some(roots) = roots::from_env()? {
        builder = builder.tls_certs_only(roots);
    }
    let client = builder
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        // No `Accept-Encoding`, no decompression: a compression bomb stays its own size.
        .no_gzip()
        .no_deflate()
        .no_brotli()
        .no_zstd()
        .connector_layer(prewarm.clone())
        .build()
        .map_err(|e| {
            let cause = std::error::Error::source(&e).map_or_else(|| e.to_string(), ToString::to_string);
            Failure::new(Kind::Tls, format!("cannot set up TLS: {}", redact::scrub(&cause)))
                .hint("check SSL_CERT_FILE and SSL_CERT_DIR: they must name PEM CA certificates (or unset them to use the system's)")
        })?;
    *shared = Some(Shared {
        timeout,
        client: client.clone(),
        prewarm: prewarm.clone(),
    });
    Ok((client, prewarm))
}
