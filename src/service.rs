//! JSON REST calls to the services that consume tokens (GeoCatalog, Maxar ARD), through the
//! `azure_core` pipeline: its retry policy (429/503 honouring `Retry-After`, 408/5xx, connection
//! errors; never other 4xx), its logging (safe URLs, allow-listed headers) and timeouts.
//!
//! A service error shows its status, error code and message, with every registered secret
//! scrubbed: services echo request bodies, which carry SAS tokens.

use crate::error::{Failure, Kind, Result};
use crate::redact;
use azure_core::credentials::Secret;
use azure_core::error::ErrorKind;
use azure_core::http::policies::{Policy, PolicyResult};
use azure_core::http::{
    ClientOptions, Context, Method, Pipeline, PipelineSendOptions, Request, Url,
};
use serde_json::Value;
use std::sync::Arc;

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
        let message = body
            .and_then(crate::storage::service_message)
            .unwrap_or_default();
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
    pub auth: crate::credentials::Auth,
}

impl Service {
    pub fn new(
        name: &'static str,
        options: ClientOptions,
        auth_policy: Option<Arc<dyn Policy>>,
        auth: crate::credentials::Auth,
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
                    return Ok(Value::Null);
                }
                serde_json::from_slice(&bytes).map_err(|_| {
                    CallError::Failed(Failure::new(
                        Kind::Service,
                        format!(
                            "{} answered {status} with a body that is not JSON",
                            self.name
                        ),
                    ))
                })
            }
            Err(e) => Err(CallError::from_sdk(&e).unwrap_or_else(|| {
                CallError::Failed(crate::storage::classify(
                    &e,
                    &format!("calling {}", self.name),
                    &endpoint,
                    self.auth,
                ))
            })),
        }
    }
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

/// Parses a service endpoint: https (bearer tokens are only sent over https), no query.
pub fn parse_endpoint(text: &str, flag: &str) -> Result<Url> {
    let mut url = Url::parse(text.trim()).map_err(|e| {
        Failure::usage(format!("{flag} '{}' is not a URL ({e})", text.trim()))
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
}
