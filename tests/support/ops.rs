//! Raw blob operations for the permission matrix (`tests/matrix.rs`): one reqwest client per
//! test, requests sent exactly as given (the SAS query is never re-encoded, so what is tested is
//! the bytes `sasmint` printed), Bearer-authenticated setup, and minting many tokens in one run of
//! the binary.

use std::sync::Arc;

use super::azurite::{error_chain, Azurite};
use super::run::Run;
use super::token_server::{mint_jwt, TokenServer, STORAGE_RESOURCE};

/// The `x-ms-version` every request here sends (the `sv` sasmint signs; Azurite runs with
/// `--skipApiVersionCheck`).
pub const X_MS_VERSION: &str = "2026-04-06";

/// What the service answered.
#[derive(Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    /// `x-ms-error-code` (present on HEAD responses too, which have no body).
    pub error_code: Option<String>,
    pub body: String,
}

impl Reply {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

impl std::fmt::Debug for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}",
            self.status,
            self.error_code.as_deref().unwrap_or("<no x-ms-error-code>")
        )
    }
}

/// An HTTPS client for one Azurite, shared by every request of a test (connection reuse keeps
/// thousands of requests cheap), with a limit on requests in flight so a large matrix does not
/// queue thousands of sockets on a single-threaded emulator.
#[derive(Clone)]
pub struct BlobHttp {
    client: reqwest::Client,
    in_flight: Arc<tokio::sync::Semaphore>,
}

impl BlobHttp {
    pub fn new(az: &Azurite, max_in_flight: usize) -> Self {
        Self {
            client: az.http_client(),
            in_flight: Arc::new(tokio::sync::Semaphore::new(max_in_flight)),
        }
    }

    /// Sends `method url` with these headers (plus `x-ms-version`) and body, the URL exactly as
    /// given. Panics on a transport failure (never on an HTTP status), without the query (the
    /// SAS) in the message.
    pub async fn send(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Reply {
        let _permit = self.in_flight.acquire().await.expect("semaphore open");
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("valid HTTP method");
        let mut request = self
            .client
            .request(method.clone(), url)
            .header("x-ms-version", X_MS_VERSION);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if method == reqwest::Method::PUT {
            // hyper sends no Content-Length for an empty body, and Azurite answers a bare 400 to a
            // PUT without one (Create Append Blob, Set Metadata, Lease, …).
            request = request.header(reqwest::header::CONTENT_LENGTH, body.len());
        }
        let response = request
            .body(body.to_vec())
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {}: {}", without_query(url), error_chain(&e)));
        let status = response.status().as_u16();
        let error_code = response
            .headers()
            .get("x-ms-error-code")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response.text().await.unwrap_or_default();
        Reply {
            status,
            error_code,
            body,
        }
    }

    /// The same with a Bearer token Azurite accepts (for setup, never for what is tested).
    pub async fn send_bearer(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Reply {
        let bearer = format!("Bearer {}", mint_jwt(STORAGE_RESOURCE));
        let mut all = vec![("authorization", bearer.as_str())];
        all.extend_from_slice(headers);
        self.send(method, url, &all, body).await
    }

    /// Setup with a Bearer token that must succeed: panics with the status otherwise.
    pub async fn setup(&self, method: &str, url: &str, headers: &[(&str, &str)], body: &[u8]) {
        let reply = self.send_bearer(method, url, headers, body).await;
        assert!(
            reply.is_success(),
            "setup {method} {}: {reply:?}: {}",
            without_query(url),
            reply.body
        );
    }

    /// Creates a container (Bearer).
    pub async fn create_container(&self, az: &Azurite, name: &str) {
        let url = format!("{}?restype=container", az.container_url(name));
        self.setup("PUT", &url, &[], b"").await;
    }

    /// Uploads a block blob (Bearer).
    pub async fn put_block_blob(&self, url: &str, bytes: &[u8]) {
        self.setup("PUT", url, &[("x-ms-blob-type", "BlockBlob")], bytes)
            .await;
    }

    /// Creates an empty append blob (Bearer).
    pub async fn put_append_blob(&self, url: &str) {
        self.setup("PUT", url, &[("x-ms-blob-type", "AppendBlob")], b"")
            .await;
    }

    /// Creates a zeroed page blob of `len` bytes (a multiple of 512) (Bearer).
    pub async fn put_page_blob(&self, url: &str, len: usize) {
        let len = len.to_string();
        self.setup(
            "PUT",
            url,
            &[
                ("x-ms-blob-type", "PageBlob"),
                ("x-ms-blob-content-length", &len),
            ],
            b"",
        )
        .await;
    }

    /// Stages an uncommitted block (Bearer). `block_id` must already be URL-safe base64.
    pub async fn stage_block(&self, url: &str, block_id: &str, bytes: &[u8]) {
        let url = format!("{url}?comp=block&blockid={block_id}");
        self.setup("PUT", &url, &[], bytes).await;
    }

    /// Acquires an infinite lease (Bearer).
    pub async fn acquire_lease(&self, url: &str) {
        let url = format!("{url}?comp=lease");
        self.setup(
            "PUT",
            &url,
            &[
                ("x-ms-lease-action", "acquire"),
                ("x-ms-lease-duration", "-1"),
            ],
            b"",
        )
        .await;
    }
}

/// The URL without its query (the SAS), for messages.
pub fn without_query(url: &str) -> &str {
    url.split('?').next().unwrap_or(url)
}

/// `url` with `query` (which may be empty) and then the token appended.
pub fn sas_url(url: &str, query: &str, token: &str) -> String {
    if query.is_empty() {
        format!("{url}?{token}")
    } else {
        format!("{url}?{query}&{token}")
    }
}

/// The decoded value of one query parameter of a token (`sp`, `sr`, …).
pub fn token_param(token: &str, name: &str) -> Option<String> {
    url::form_urlencoded::parse(token.trim_start_matches('?').as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Mints one token per URL in a single run of the binary (`sasmint mint URL… ARGS --auth
/// managed-identity`, token output: one line per URL, in order). `Err(run)` if the run failed.
pub fn mint_tokens(
    az: &Azurite,
    ts: &TokenServer,
    urls: &[String],
    args: &[String],
) -> Result<Vec<String>, Run> {
    let mut cmd = super::sasmint(az, ts);
    cmd.arg("mint")
        .args(urls)
        .args(args)
        .args(["--auth", "managed-identity"]);
    let run = Run::of(&mut cmd);
    run.no_identity_secrets(ts);
    if run.code != Some(0) {
        return Err(run);
    }
    let tokens: Vec<String> = run.stdout.lines().map(str::to_owned).collect();
    assert_eq!(
        tokens.len(),
        urls.len(),
        "one token per URL; stderr:\n{}",
        run.stderr
    );
    assert!(
        tokens.iter().all(|t| t.contains("sig=")),
        "every line is a token"
    );
    Ok(tokens)
}
