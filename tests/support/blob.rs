//! Data-plane helpers built on the real Azure SDK for Rust (`azure_storage_blob`), pointed at
//! Azurite: setup with a Bearer token, and probes that use nothing but a SAS URL.
//!
//! All helpers are `async`: call them from `#[tokio::test]`. Every SDK client here uses
//! [`loopback_client_options`]: a transport that trusts the Azurite test certificate in-process
//! (no `SSL_CERT_FILE` needed), refuses any non-loopback address, and never retries.

use std::fmt;
use std::sync::Arc;

use azure_core::credentials::{AccessToken, TokenCredential, TokenRequestOptions};
use azure_core::error::ErrorKind;
use azure_core::http::{
    AsyncRawResponse, ClientOptions, HttpClient, Request, RequestContent, RetryOptions, Transport,
    Url, XmlFormat,
};
use azure_storage_blob::models::KeyInfo;
use azure_storage_blob::{
    BlobClient, BlobClientOptions, BlobContainerClient, BlobContainerClientOptions,
    BlobServiceClient, BlobServiceClientOptions,
};
use azure_storage_common::models::UserDelegationKey;
use futures::TryStreamExt as _;
use time::OffsetDateTime;

use super::azurite::{error_chain, http_client_trusting, trusted_cert_for_port, Azurite};
use super::token_server::{mint_jwt, STORAGE_RESOURCE};

/// The service refused a request with an HTTP 4xx (for a SAS: usually 403).
#[derive(Clone, PartialEq, Eq)]
pub struct Denied {
    /// HTTP status code.
    pub status: u16,
    /// `x-ms-error-code`, e.g. `AuthorizationPermissionMismatch`, `AuthenticationFailed`.
    pub error_code: Option<String>,
    /// The response body (Azure's error XML; for signature mismatches it contains the
    /// string-to-sign the service computed).
    pub body: String,
}

impl Denied {
    /// True for 403 Forbidden, the status of every SAS authorization failure.
    pub fn is_forbidden(&self) -> bool {
        self.status == 403
    }
}

impl fmt::Debug for Denied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Denied({} {})",
            self.status,
            self.error_code.as_deref().unwrap_or("<no x-ms-error-code>")
        )?;
        if !self.body.is_empty() {
            write!(f, " body: {}", self.body)?;
        }
        Ok(())
    }
}

impl fmt::Display for Denied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl std::error::Error for Denied {}

/// Asserts the probe was refused with 403 and returns the refusal.
#[track_caller]
pub fn assert_forbidden<T: fmt::Debug>(result: Result<T, Denied>) -> Denied {
    match result {
        Err(denied) if denied.is_forbidden() => denied,
        Err(denied) => panic!("expected 403 Forbidden, got {denied:?}"),
        Ok(value) => panic!("expected 403 Forbidden, but the request succeeded: {value:?}"),
    }
}

/// Appends a SAS token to a URL: `url?token`, or `url&token` if it already has a query.
/// A leading `?` on the token is ignored.
pub fn with_query(url: &str, token: &str) -> String {
    let token = token.strip_prefix('?').unwrap_or(token);
    if token.is_empty() {
        return url.to_string();
    }
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}{token}")
}

// ---- credential and transport ------------------------------------------------------------------

/// A `TokenCredential` that mints the same unsigned JWTs as the `TokenServer`
/// (`aud` = the scope without `/.default`), for test setup without any token endpoint.
#[derive(Debug, Default, Clone, Copy)]
pub struct TestCredential;

#[async_trait::async_trait]
impl TokenCredential for TestCredential {
    async fn get_token(
        &self,
        scopes: &[&str],
        _options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        let scope = scopes.first().copied().unwrap_or(STORAGE_RESOURCE);
        let resource = scope.strip_suffix("/.default").unwrap_or(scope);
        Ok(AccessToken::new(
            mint_jwt(resource),
            OffsetDateTime::now_utc() + time::Duration::hours(1),
        ))
    }
}

/// An `HttpClient` that panics before sending anything to a non-loopback address (so a
/// misconfigured credential can never reach IMDS at 169.254.169.254).
#[derive(Debug)]
struct LoopbackOnly(reqwest::Client);

#[async_trait::async_trait]
impl HttpClient for LoopbackOnly {
    async fn execute_request(&self, request: &Request) -> azure_core::Result<AsyncRawResponse> {
        assert_loopback(request.url());
        self.0.execute_request(request).await
    }
}

fn assert_loopback(url: &Url) {
    let ok = match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    assert!(
        ok,
        "test support refuses to send a request to a non-loopback address: {}://{}",
        url.scheme(),
        url.host_str().unwrap_or("<no host>")
    );
}

/// Client options for SDK clients in tests: loopback-only transport trusting `cert_pem` (or the
/// platform roots when `None`, e.g. for plain-HTTP token endpoints), and no retries — an error
/// surfaces at once instead of after the default exponential back-off.
pub fn loopback_client_options(cert_pem: Option<&str>) -> ClientOptions {
    let client: Arc<dyn HttpClient> = Arc::new(LoopbackOnly(http_client_trusting(cert_pem)));
    ClientOptions {
        transport: Some(Transport::new(client)),
        retry: RetryOptions::none(),
        ..Default::default()
    }
}

/// Options for a URL on a running Azurite (its certificate is looked up by port).
fn options_for(url: &Url) -> ClientOptions {
    assert_loopback(url);
    let port = url.port_or_known_default().unwrap_or(443);
    let cert = trusted_cert_for_port(port).unwrap_or_else(|| {
        panic!("no running Azurite on port {port} (is the Azurite value still alive?)")
    });
    loopback_client_options(Some(&cert))
}

fn parse(url: &str) -> Url {
    Url::parse(url).unwrap_or_else(|e| panic!("not a URL ({e}): {}", redact(url)))
}

/// The URL without its query (the SAS), for messages.
fn redact(url: &str) -> &str {
    url.split('?').next().unwrap_or(url)
}

// ---- SDK clients ------------------------------------------------------------------------------

/// A service client authenticated with `credential` (Bearer over HTTPS).
pub fn service_client(az: &Azurite, credential: Arc<dyn TokenCredential>) -> BlobServiceClient {
    let url = parse(&format!("{}/", az.account_url()));
    let options = BlobServiceClientOptions {
        client_options: options_for(&url),
        ..Default::default()
    };
    BlobServiceClient::new(url, Some(credential), Some(options)).expect("BlobServiceClient")
}

/// A container client: `credential` `None` means the URL must carry its own authorization (SAS).
pub fn container_client(
    url: &str,
    credential: Option<Arc<dyn TokenCredential>>,
) -> BlobContainerClient {
    let url = parse(url);
    let options = BlobContainerClientOptions {
        client_options: options_for(&url),
        ..Default::default()
    };
    BlobContainerClient::new(url, credential, Some(options)).expect("BlobContainerClient")
}

/// A blob client: `credential` `None` means the URL must carry its own authorization (SAS).
pub fn blob_client(url: &str, credential: Option<Arc<dyn TokenCredential>>) -> BlobClient {
    let url = parse(url);
    let options = BlobClientOptions {
        client_options: options_for(&url),
        ..Default::default()
    };
    BlobClient::new(url, credential, Some(options)).expect("BlobClient")
}

// ---- setup (Bearer) ---------------------------------------------------------------------------

/// Creates a container (Bearer auth with [`TestCredential`]). Panics on failure.
pub async fn create_container(az: &Azurite, name: &str) {
    container_client(&az.container_url(name), Some(Arc::new(TestCredential)))
        .create(None)
        .await
        .unwrap_or_else(|e| panic!("create container {name}: {}", describe(&e)));
}

/// Uploads (or overwrites) a block blob (Bearer auth). Any name works: it is percent-encoded
/// as a path. Panics on failure.
pub async fn upload_blob(az: &Azurite, container: &str, blob_name: &str, bytes: &[u8]) {
    blob_client(
        &az.blob_url(container, blob_name),
        Some(Arc::new(TestCredential)),
    )
    .upload(RequestContent::from(bytes.to_vec()), None)
    .await
    .unwrap_or_else(|e| panic!("upload {container}/{blob_name}: {}", describe(&e)));
}

/// Gets a user delegation key valid from `start` to `expiry` (sent with seconds precision, as
/// SAS `skt`/`ske` must match them exactly), authenticating with `credential`.
pub async fn user_delegation_key(
    az: &Azurite,
    credential: Arc<dyn TokenCredential>,
    start: OffsetDateTime,
    expiry: OffsetDateTime,
) -> azure_core::Result<UserDelegationKey> {
    let key_info = KeyInfo {
        start: Some(start.replace_nanosecond(0).expect("0 ns is valid")),
        expiry: Some(expiry.replace_nanosecond(0).expect("0 ns is valid")),
        ..Default::default()
    };
    let content: RequestContent<KeyInfo, XmlFormat> = key_info.try_into()?;
    service_client(az, credential)
        .get_user_delegation_key(content, None)
        .await?
        .into_model()
}

// ---- probes (SAS only) ------------------------------------------------------------------------

/// Lists blob names (all pages) with a container URL that carries a SAS.
pub async fn list_blobs(container_url_with_sas: &str) -> Result<Vec<String>, Denied> {
    let client = container_client(container_url_with_sas, None);
    let pager = client
        .list_blobs(None)
        .map_err(|e| classify(e, "list", container_url_with_sas))?;
    let items: Vec<_> = pager
        .try_collect()
        .await
        .map_err(|e| classify(e, "list", container_url_with_sas))?;
    Ok(items.into_iter().filter_map(|item| item.name).collect())
}

/// Downloads a blob with a blob URL that carries a SAS.
pub async fn read_blob(blob_url_with_sas: &str) -> Result<Vec<u8>, Denied> {
    let response = blob_client(blob_url_with_sas, None)
        .download(None)
        .await
        .map_err(|e| classify(e, "read", blob_url_with_sas))?;
    let bytes = response
        .body
        .collect()
        .await
        .map_err(|e| classify(e, "read body", blob_url_with_sas))?;
    Ok(bytes.to_vec())
}

/// Uploads (overwrites) a block blob with a blob URL that carries a SAS.
pub async fn write_blob(blob_url_with_sas: &str, bytes: &[u8]) -> Result<(), Denied> {
    blob_client(blob_url_with_sas, None)
        .upload(RequestContent::from(bytes.to_vec()), None)
        .await
        .map(drop)
        .map_err(|e| classify(e, "write", blob_url_with_sas))
}

/// Deletes a blob with a blob URL that carries a SAS.
pub async fn delete_blob(blob_url_with_sas: &str) -> Result<(), Denied> {
    blob_client(blob_url_with_sas, None)
        .delete(None)
        .await
        .map(drop)
        .map_err(|e| classify(e, "delete", blob_url_with_sas))
}

/// Sends `method` to `url` exactly as given (no SDK, no re-encoding of the query: the SDK
/// re-serializes SAS query strings, which hides encoding bugs) and returns the status,
/// `x-ms-error-code` and body. For tests about how a token is encoded.
pub async fn raw_request(method: &str, url: &str, body: &[u8]) -> (u16, Option<String>, String) {
    let parsed = parse(url);
    assert_loopback(&parsed);
    let port = parsed.port_or_known_default().unwrap_or(443);
    let client = http_client_trusting(trusted_cert_for_port(port).as_deref());
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("valid HTTP method");
    let mut request = client.request(method.clone(), url);
    if method == reqwest::Method::PUT {
        request = request.header("x-ms-blob-type", "BlockBlob");
    }
    let response = request
        .body(body.to_vec())
        .send()
        .await
        .unwrap_or_else(|e| panic!("{method} {}: {}", redact(url), error_chain(&e)));
    let status = response.status().as_u16();
    let code = response
        .headers()
        .get("x-ms-error-code")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let text = response.text().await.unwrap_or_default();
    (status, code, text)
}

/// 4xx → `Denied`; anything else (connection/TLS failure, 5xx, unparseable response) is not
/// something a probe should paper over: panic.
fn classify(error: azure_core::Error, what: &str, url: &str) -> Denied {
    if let ErrorKind::HttpResponse {
        status,
        error_code,
        raw_response,
    } = error.kind()
    {
        let status = u16::from(*status);
        if (400..500).contains(&status) {
            return Denied {
                status,
                error_code: error_code.clone(),
                body: raw_response
                    .as_ref()
                    .map(|r| String::from_utf8_lossy(r.body()).into_owned())
                    .unwrap_or_default(),
            };
        }
    }
    panic!(
        "{what} {}: unexpected failure (not an HTTP 4xx): {}",
        redact(url),
        describe(&error)
    );
}

/// A readable one-paragraph account of an SDK error (its `Debug` carries a whole backtrace
/// when `RUST_BACKTRACE` is set).
fn describe(error: &azure_core::Error) -> String {
    match error.kind() {
        ErrorKind::HttpResponse {
            status,
            error_code,
            raw_response,
        } => format!(
            "HTTP {} {}: {}",
            u16::from(*status),
            error_code.as_deref().unwrap_or("<no x-ms-error-code>"),
            raw_response
                .as_ref()
                .map(|r| String::from_utf8_lossy(r.body()).into_owned())
                .unwrap_or_default()
        ),
        kind => format!("{kind:?} error: {}", error_chain(error)),
    }
}

// ---- minting (no CLI) ---------------------------------------------------------------------------

/// A container user delegation SAS signed in-process with the official `azure_storage_sas`
/// builder (key from Azurite with a [`TestCredential`] Bearer token): for tests of the stand-ins
/// that must not depend on the CLI. `permissions` are letters from `racwdl` (in any order);
/// the token expires `lifetime` from now (seconds precision).
pub async fn container_sas(
    az: &Azurite,
    container: &str,
    permissions: &str,
    lifetime: time::Duration,
) -> String {
    let now = OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .expect("0 ns");
    let expiry = now + lifetime;
    let key = user_delegation_key(
        az,
        Arc::new(TestCredential),
        now - time::Duration::minutes(5),
        expiry,
    )
    .await
    .unwrap_or_else(|e| panic!("user delegation key: {}", describe(&e)));
    let mut builder = azure_storage_sas::SasBuilder::new(super::azurite::ACCOUNT, &key, expiry)
        .expect("SAS builder")
        .container(container);
    for p in permissions.chars() {
        builder = match p {
            'r' => builder.read(),
            'a' => builder.add(),
            'c' => builder.create(),
            'w' => builder.write(),
            'd' => builder.delete(),
            'l' => builder.list(),
            other => panic!("container_sas: unsupported permission {other:?}"),
        };
    }
    builder.build()
}
