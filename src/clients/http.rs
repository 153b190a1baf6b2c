//! The one HTTP layer every client shares: the `azure_core` pipeline settings (bounded
//! timeouts, retries honouring `Retry-After`, no retry of an untrusted certificate), the
//! classification of transport failures into exit codes, and JSON REST calls to the services
//! that consume tokens (GeoCatalog, Maxar ARD): the retry policy (429/503 honouring
//! `Retry-After`, 408/5xx, connection errors; never other 4xx), logging (safe URLs,
//! allow-listed headers) and timeouts.
//!
//! A service error shows its status, error code and message, with every registered secret
//! scrubbed: services echo request bodies, which carry SAS tokens.

use crate::clients::credentials::{self, Auth};
use crate::clients::transport::{self, CappedHttp};
use crate::clients::warmup::Prewarm;
use crate::domain::error::{Failure, Kind, Result};
use crate::domain::redact;
use crate::domain::shown;
use azure_core::credentials::Secret;
use azure_core::error::ErrorKind;
use azure_core::http::policies::{Policy, PolicyResult};
use azure_core::http::{
    ClientOptions, Context, ExponentialRetryOptions, Method, Pipeline, PipelineSendOptions,
    Request, RetryOptions, Transport, Url,
};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

/// A failed call: the service's answer, or a failure before one.
#[derive(Debug)]
pub enum CallError {
    /// The service answered with an error status. `message` is already scrubbed.
    Status {
        status: u16,
        code: String,
        message: String,
    },
    /// No usable answer (network, TLS, credential, bad JSON).
    Failed(Failure),
}

impl CallError {
    /// The service's answer inside an SDK error (status, error code, first line of the
    /// message), secrets scrubbed; `None` if the error is not an HTTP answer.
    pub fn from_sdk(e: &azure_core::Error) -> Option<Self> {
        let ErrorKind::HttpResponse {
            status,
            error_code,
            raw_response,
        } = e.kind()
        else {
            return None;
        };
        let status = u16::from(*status);
        let body = raw_response.as_ref().map(|r| r.body().as_ref());
        let message = body.and_then(service_message).unwrap_or_default();
        // azure_core falls back to the status number when the body is not an Azure.Core
        // error (ARD's `{"error": "<code>", "message"}`): that is no code.
        let code = error_code
            .clone()
            .filter(|c| is_code(c, status))
            .or_else(|| body.and_then(error_code_in))
            .filter(|c| is_code(c, status))
            .unwrap_or_default();
        Some(CallError::Status {
            status,
            code: redact::scrub(code.trim()).into_owned(),
            message: redact::scrub(&message).into_owned(),
        })
    }

    /// The failure to report; `what` names the operation and `hint_403` says what to grant.
    pub fn into_failure(self, what: &str, hint_403: &str) -> Failure {
        match self {
            CallError::Failed(f) => f,
            CallError::Status {
                status,
                code,
                message,
            } => {
                let mut text = format!("{what} failed: HTTP {status}");
                if is_code(&code, status) {
                    text.push(' ');
                    text.push_str(&code);
                }
                if !message.is_empty() {
                    text.push_str(": ");
                    text.push_str(&message);
                }
                match status {
                    401 | 403 => Failure::new(Kind::Denied, text).hint(hint_403),
                    _ => Failure::new(Kind::Service, text),
                }
            }
        }
    }
}

/// Adds a fixed bearer token (services outside Entra ID, such as Maxar ARD).
#[derive(Debug)]
pub struct StaticBearer(pub Secret);

#[async_trait::async_trait]
impl Policy for StaticBearer {
    async fn send(
        &self,
        ctx: &Context,
        request: &mut Request,
        next: &[Arc<dyn Policy>],
    ) -> PolicyResult {
        request.insert_header("authorization", format!("Bearer {}", self.0.secret()));
        next[0].send(ctx, request, &next[1..]).await
    }
}

/// A JSON service behind one pipeline.
pub struct Service {
    pipeline: Pipeline,
    /// For messages: "GeoCatalog", "Maxar ARD".
    pub name: &'static str,
    /// Which `--auth` produced the credential, for credential failures.
    pub auth: Auth,
}

impl Service {
    pub fn new(
        name: &'static str,
        options: ClientOptions,
        auth_policy: Option<Arc<dyn Policy>>,
        auth: Auth,
    ) -> Self {
        let pipeline = Pipeline::new(
            option_env!("CARGO_PKG_NAME"),
            option_env!("CARGO_PKG_VERSION"),
            options,
            Vec::new(),
            auth_policy.into_iter().collect(),
            None,
        );
        Self {
            pipeline,
            name,
            auth,
        }
    }

    /// Sends `method url` with an optional JSON body and returns the JSON answer (`null` when
    /// empty). Any 2xx is success.
    pub async fn call(
        &self,
        method: Method,
        url: Url,
        body: Option<&Value>,
    ) -> std::result::Result<Value, CallError> {
        self.call_with_status(method, url, body)
            .await
            .map(|(_, value)| value)
    }

    /// [`call`](Self::call), also returning the success status (200, 201, 202, …).
    pub async fn call_with_status(
        &self,
        method: Method,
        url: Url,
        body: Option<&Value>,
    ) -> std::result::Result<(u16, Value), CallError> {
        let endpoint = format!(
            "{}://{}{}",
            url.scheme(),
            url.host_str().unwrap_or_default(),
            url.path()
        );
        let mut request = Request::new(url, method);
        request.insert_header("accept", "application/json");
        if let Some(body) = body {
            request.insert_header("content-type", "application/json");
            request.set_body(serde_json::to_vec(body).expect("JSON values serialize"));
        }
        let response = self
            .pipeline
            .send(
                &Context::new(),
                &mut request,
                Some(PipelineSendOptions::default()),
            )
            .await;
        match response {
            Ok(raw) => {
                let status = u16::from(raw.status());
                let bytes = raw.into_body();
                if bytes.is_empty() {
                    return Ok((status, Value::Null));
                }
                let value = serde_json::from_slice(&bytes).map_err(|_| {
                    CallError::Failed(Failure::new(
                        Kind::Service,
                        format!(
                            "{} answered {status} with a body that is not JSON",
                            self.name
                        ),
                    ))
                })?;
                Ok((status, value))
            }
            Err(e) => Err(CallError::from_sdk(&e).unwrap_or_else(|| {
                CallError::Failed(classify_transport(
                    &e,
                    &format!("calling {}", self.name),
                    &endpoint,
                    self.auth,
                ))
            })),
        }
    }
}

/// A typed model `T` from a JSON service answer: an empty answer (a 201/204 without a body)
/// is the model's defaults; a shape that does not fit the API is the service's error (exit 5),
/// never quoted (it may echo a secret).
pub fn parse_answer<T: serde::de::DeserializeOwned>(
    value: Value,
    what: &str,
    service: &str,
) -> Result<T> {
    if value.is_null() {
        if let Ok(empty) = serde_json::from_value(Value::Object(serde_json::Map::new())) {
            return Ok(empty);
        }
    }
    serde_json::from_value(value).map_err(|_| {
        Failure::new(
            Kind::Service,
            format!("{what}: {service} answered with a body that does not fit its API"),
        )
    })
}

/// The error code of a JSON error body: `error.code` (Azure.Core), or `error` when it is a
/// string (Maxar ARD's `{"error": "<code>", "message"}`).
fn error_code_in(body: &[u8]) -> Option<String> {
    let json: Value = serde_json::from_slice(body).ok()?;
    let error = json.get("error")?;
    error
        .get("code")
        .unwrap_or(error)
        .as_str()
        .map(str::to_owned)
}

/// Whether `code` says something the status does not: not empty, not just the status number.
fn is_code(code: &str, status: u16) -> bool {
    let code = code.trim();
    !code.is_empty() && code != status.to_string()
}

/// The next page of a list: a `nextLink` is followed only on `base`'s own origin (the bearer
/// token goes with it), with `api_version` set on it (added, or replacing the link's own: the
/// services require one on every request and need not put it in the link). An empty link ends
/// the list.
pub fn next_link(
    base: &Url,
    link: Option<&str>,
    api_version: &str,
    service: &str,
) -> Result<Option<Url>> {
    let Some(link) = link.filter(|l| !l.is_empty()) else {
        return Ok(None);
    };
    let mut url = base.join(link).map_err(|_| {
        Failure::new(
            Kind::Service,
            format!("{service} returned a nextLink that is not a URL"),
        )
    })?;
    if url.origin() != base.origin() {
        return Err(Failure::new(
            Kind::Service,
            format!("{service} returned a nextLink to another host; not following it with a bearer token"),
        ));
    }
    set_api_version(&mut url, api_version);
    Ok(Some(url))
}

/// Sets `api-version=VERSION` on `url`, dropping any other `api-version`; the rest of the query
/// is kept as it is (continuation tokens are opaque).
pub fn set_api_version(url: &mut Url, version: &str) {
    let mut query: Vec<&str> = url
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|pair| {
            let name = pair.split_once('=').map_or(*pair, |(name, _)| name);
            !pair.is_empty()
                && !percent_encoding::percent_decode_str(name)
                    .decode_utf8_lossy()
                    .eq_ignore_ascii_case("api-version")
        })
        .collect();
    let version = format!("api-version={version}");
    query.push(&version);
    url.set_query(Some(&query.join("&")));
}

/// Parses a service endpoint: https (bearer tokens are only sent over https), no query.
pub fn parse_endpoint(text: &str, flag: &str) -> Result<Url> {
    let mut url = Url::parse(text.trim()).map_err(|e| {
        Failure::usage(format!(
            "{flag} '{}' is not a URL ({e})",
            shown::value(text.trim())
        ))
        .hint("pass the service's https:// endpoint")
    })?;
    if url.scheme() != "https" {
        return Err(Failure::usage(format!("{flag} must use https"))
            .hint("tokens and credentials are only sent over https"));
    }
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err(
            Failure::usage(format!("{flag} must not carry a query, fragment or user")).hint(
                "pass only the endpoint, e.g. https://NAME.ID.REGION.geocatalog.spatio.azure.com",
            ),
        );
    }
    // A base for joining: exactly one trailing '/'.
    let path = url.path().trim_end_matches('/').to_owned();
    url.set_path(&format!("{path}/"));
    Ok(url)
}

/// Pipeline settings shared by storage, credential and service clients: bounded timeouts, a
/// few retries (429/5xx, honouring `Retry-After`), no retries for TLS trust failures, and
/// bounded response bodies ([`transport`]): no compression is asked for or undone, a success
/// body over 1 MiB fails, an error body is read only up to 64 KiB. Every call returns the same
/// HTTP client (one connection pool per process, see [`shared`]). Fails (exit 7) when TLS
/// cannot be set up, e.g. when `SSL_CERT_FILE` holds no certificate.
pub fn client_options(timeout: Duration) -> Result<ClientOptions> {
    let (http, _) = shared(timeout)?;
    Ok(ClientOptions {
        transport: Some(Transport::new(Arc::new(CappedHttp::new(Arc::new(http))))),
        retry: RetryOptions::exponential(ExponentialRetryOptions {
            initial_delay: time::Duration::milliseconds(200),
            max_retries: 3,
            max_total_elapsed: time::Duration::try_from(timeout)
                .unwrap_or(time::Duration::SECOND * 30),
            max_delay: time::Duration::seconds(8),
        }),
        per_try_policies: vec![Arc::new(FailFastOnTls)],
        ..Default::default()
    })
}

/// Starts the connection (DNS, TCP, TLS) to `origin`'s scheme, host and port in the background
/// ([`warmup`]), so that the first request to it does not wait for a handshake. Call it inside
/// the runtime, after [`client_options`] and before getting the token the request needs. Sends
/// no HTTP request; does nothing when it cannot help (outside a runtime, an origin already
/// warmed or in use, no client yet). A failed warm-up is forgotten: the request connects itself.
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
    let client = reqwest::Client::builder()
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

/// Turns a TLS trust failure into a non-transport error, so the retry policy gives up at once
/// (retrying an untrusted certificate cannot succeed, and took ~80 s with the defaults).
#[derive(Debug)]
struct FailFastOnTls;

#[async_trait::async_trait]
impl Policy for FailFastOnTls {
    async fn send(
        &self,
        ctx: &Context,
        request: &mut Request,
        next: &[Arc<dyn Policy>],
    ) -> PolicyResult {
        match next[0].send(ctx, request, &next[1..]).await {
            Err(e) if is_tls(&e) => Err(azure_core::Error::new(ErrorKind::Other, e)),
            other => other,
        }
    }
}

fn chain_text(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// Whether the server's certificate was refused. Only that: a connection that ends during the
/// handshake ("tls handshake eof") is a network failure, and is retried.
fn is_tls(e: &azure_core::Error) -> bool {
    let text = chain_text(e).to_ascii_lowercase();
    text.contains("certificate") || text.contains("unknownissuer")
}

/// Whether any `reqwest::Error` in `e`'s source chain satisfies `test`.
fn any_reqwest(e: &azure_core::Error, test: impl Fn(&reqwest::Error) -> bool) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if s.downcast_ref::<reqwest::Error>().is_some_and(&test) {
            return true;
        }
        source = s.source();
    }
    false
}

/// Whether the server answered, but not with TLS: plain HTTP on the port ("corrupt message"), or a
/// connection closed in the middle of the handshake.
fn is_tls_protocol(e: &azure_core::Error) -> bool {
    let text = chain_text(e).to_ascii_lowercase();
    [
        "corrupt message",
        "invalidcontenttype",
        "tls handshake eof",
        "wrong version number",
    ]
    .iter()
    .any(|t| text.contains(t))
}

fn is_timeout(e: &azure_core::Error) -> bool {
    any_reqwest(e, reqwest::Error::is_timeout)
        || chain_text(e).to_ascii_lowercase().contains("timed out")
}

/// Turns an SDK error that is not an HTTP answer (credential, TLS, timeout, connection) into a
/// failure with an exit code and a hint. `what` names the operation, `endpoint` the service (no query).
pub fn classify_transport(
    e: &azure_core::Error,
    what: &str,
    endpoint: &str,
    auth: Auth,
) -> Failure {
    if let Some(big) = transport::body_too_big(e) {
        // Also when a credential got it: the token endpoint misbehaved, not the sign-in.
        let (what, hint) = match e.kind() {
            ErrorKind::Credential => ("getting an Entra ID token", "no token endpoint answers like that: check AZURE_AUTHORITY_HOST (or IDENTITY_ENDPOINT) and any proxy in between"),
            _ => (what, "no service sasmint talks to answers like that: check the URL and any proxy in between"),
        };
        return Failure::new(
            Kind::Service,
            format!("{what} failed: {}", redact::scrub(&big.to_string())),
        )
        .hint(hint);
    }
    match e.kind() {
        ErrorKind::Credential => credentials::failure(auth, e),
        _ if is_tls(e) => Failure::new(
            Kind::Tls,
            format!("{what} failed: the TLS certificate of {endpoint} is not trusted"),
        )
        .hint("behind a TLS-inspecting proxy or against an emulator, point SSL_CERT_FILE at the CA certificate (PEM)"),
        _ if is_timeout(e) => Failure::new(
            Kind::Network,
            format!("{what} failed: {endpoint} did not answer in time"),
        )
        .hint("check the network path to the endpoint, or raise --timeout"),
        ErrorKind::Io | ErrorKind::Connection if is_tls_protocol(e) => Failure::new(
            Kind::Network,
            format!(
                "{what} failed: the TLS handshake with {endpoint} failed: {}",
                redact::scrub(&last_cause(e))
            ),
        )
        .hint("something answers at that address but did not complete TLS: check the port (plain http there?) and any proxy or load balancer in between"),
        ErrorKind::Io | ErrorKind::Connection if !any_reqwest(e, reqwest::Error::is_connect) => {
            Failure::new(
                Kind::Network,
                format!(
                    "{what} failed: the connection to {endpoint} broke: {}",
                    redact::scrub(&last_cause(e))
                ),
            )
            .hint("the endpoint answered with something other than a complete HTTP response: check for a proxy or a non-storage service at that address")
        }
        ErrorKind::Io | ErrorKind::Connection => Failure::new(
            Kind::Network,
            format!(
                "{what} failed: could not reach {endpoint}: {}",
                redact::scrub(&last_cause(e))
            ),
        )
        .hint("check the URL, DNS and firewall (storage account network rules, private endpoints)"),
        _ => Failure::new(
            Kind::Internal,
            format!("{what} failed: {}", redact::scrub(&chain_text(e))),
        ),
    }
}

fn last_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut last = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        last = s.to_string();
        source = s.source();
    }
    last
}

/// The `<Message>` (XML) or `message` (JSON) of an error body: its first line, shortened.
/// Storage error messages carry a request id and time on later lines; the body itself may
/// echo the request and is never printed.
pub fn service_message(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let message = if let Some(start) = text.find("<Message>") {
        let rest = &text[start + "<Message>".len()..];
        rest[..rest.find("</Message>")?].to_owned()
    } else {
        let json: serde_json::Value = serde_json::from_str(text).ok()?;
        let m = json
            .pointer("/error/message")
            .or_else(|| json.get("message"))?;
        m.as_str()?.to_owned()
    };
    // Scrub before cutting to the first line and to length: half a signature (on the first
    // line, or before the cut) no longer matches the registered one.
    let scrubbed = crate::domain::redact::scrub(&message);
    let first = scrubbed.lines().next()?.trim();
    Some(first.chars().take(300).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use azure_core::http::{headers::Headers, RawResponse, StatusCode};

    /// What `from_sdk` makes of an error answer with this status, error-code header and body.
    fn status_error(status: u16, header: Option<&str>, body: &str) -> (String, String) {
        let mut headers = Headers::new();
        if let Some(code) = header {
            headers.insert("x-ms-error-code", code.to_owned());
        }
        let status = StatusCode::from(status);
        // What azure_core's pipeline puts in the error when the body is not Azure.Core's.
        let error_code = header
            .map(str::to_owned)
            .or_else(|| Some(status.to_string()));
        let raw = RawResponse::from_bytes(status, headers, body.as_bytes().to_vec());
        let e = azure_core::Error::with_message(
            ErrorKind::HttpResponse {
                status,
                error_code,
                raw_response: Some(Box::new(raw)),
            },
            "failed",
        );
        match CallError::from_sdk(&e) {
            Some(CallError::Status { code, message, .. }) => (code, message),
            other => panic!("not a status error: {other:?}"),
        }
    }

    #[test]
    fn error_codes_never_just_repeat_the_status() {
        // Maxar ARD: the code is the string `error`.
        assert_eq!(
            status_error(400, None, r#"{"error":"invalid_request","message":"nope"}"#),
            ("invalid_request".to_owned(), "nope".to_owned())
        );
        // Only a message: no code at all, not "400".
        assert_eq!(
            status_error(400, None, r#"{"message":"nope"}"#),
            (String::new(), "nope".to_owned())
        );
        assert_eq!(status_error(502, None, "").0, "");
        // Azure.Core bodies and the header still win.
        assert_eq!(
            status_error(409, None, r#"{"error":{"code":"Conflict","message":"x"}}"#).0,
            "Conflict"
        );
        assert_eq!(
            status_error(404, Some("NotFound"), r#"{"error":"not_found"}"#).0,
            "NotFound"
        );

        let text = |code: &str| {
            CallError::Status {
                status: 400,
                code: code.to_owned(),
                message: "nope".to_owned(),
            }
            .into_failure("doing it", "")
            .message
        };
        assert_eq!(text("400"), "doing it failed: HTTP 400: nope");
        assert_eq!(
            text("invalid_request"),
            "doing it failed: HTTP 400 invalid_request: nope"
        );
    }

    #[test]
    fn endpoints() {
        let u = parse_endpoint(
            "https://cat.abc.uksouth.geocatalog.spatio.azure.com",
            "--geocatalog",
        )
        .unwrap();
        assert_eq!(
            u.as_str(),
            "https://cat.abc.uksouth.geocatalog.spatio.azure.com/"
        );
        let u = parse_endpoint("https://ard.maxar.com/api/v1/", "--ard-endpoint").unwrap();
        assert_eq!(u.as_str(), "https://ard.maxar.com/api/v1/");
        assert!(parse_endpoint("http://cat.example.com", "--geocatalog").is_err());
        assert!(parse_endpoint("https://cat.example.com/?x=1", "--geocatalog").is_err());
        assert!(parse_endpoint("nope", "--geocatalog").is_err());
    }

    #[test]
    fn storage_error_messages() {
        let body = b"<?xml version=\"1.0\"?><Error><Code>AuthorizationPermissionMismatch</Code><Message>This request is not authorized to perform this operation using this permission.\nRequestId:1\nTime:2</Message></Error>";
        assert_eq!(
            service_message(body).unwrap(),
            "This request is not authorized to perform this operation using this permission."
        );
        assert_eq!(
            service_message(br#"{"error":{"code":"X","message":"nope"}}"#).unwrap(),
            "nope"
        );
        assert_eq!(service_message(b"garbage"), None);
    }

    #[test]
    fn service_messages_are_scrubbed_before_they_are_cut() {
        // A signature that straddles the 300-character cut: only half of it would survive the
        // cut, and half no longer matches the registered secret.
        let sig = "N0tAR3alS1gnatureButL0ngEnough%2BtoMatter%3D";
        crate::domain::redact::register_token(&format!("sv=2026-04-06&sig={sig}"));
        let padding = "x".repeat(280);
        let body = format!(r#"{{"error":{{"code":"Bad","message":"{padding} sig={sig}"}}}}"#);
        let shown = service_message(body.as_bytes()).unwrap();
        assert!(!shown.contains("N0tAR3al"), "{shown}");
        assert!(shown.ends_with("sig=[REDACTED]"), "{shown}");
    }
}
