//! What went wrong with a call: the service's error answer ([`CallError`], its code and message
//! scrubbed), or a failure before any answer, classified into an exit code by the types in the
//! error's chain ([`classify_transport`]).

use super::deadline::{origin, OutOfTime, WaitTooLong};
use crate::clients::causes::{self, chain_text, is_timeout, last_cause};
use crate::clients::credentials::{self, Auth};
use crate::clients::transport;
use crate::domain::error::{Failure, Kind};
use crate::domain::redact;
use azure_core::error::ErrorKind;
use serde_json::Value;
use std::error::Error;

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
    let scrubbed = redact::scrub(&message);
    let first = scrubbed.lines().next()?.trim();
    Some(first.chars().take(300).collect())
}

/// Whether the server's certificate was refused: rustls rejected it (untrusted issuer,
/// expired, another name, revoked, …) or the server sent a certificate alert. Only that: a
/// connection that ends during the handshake is a network failure, and is retried.
pub(super) fn is_certificate_refused(e: &(dyn Error + 'static)) -> bool {
    use rustls::AlertDescription as Alert;
    causes::sources(e).any(|s| match s.downcast_ref::<rustls::Error>() {
        Some(
            rustls::Error::InvalidCertificate(_)
            | rustls::Error::InvalidCertRevocationList(_)
            | rustls::Error::NoCertificatesPresented,
        ) => true,
        Some(rustls::Error::AlertReceived(alert)) => matches!(
            alert,
            Alert::BadCertificate
                | Alert::UnsupportedCertificate
                | Alert::CertificateRevoked
                | Alert::CertificateExpired
                | Alert::CertificateUnknown
                | Alert::CertificateUnobtainable
                | Alert::CertificateRequired
                | Alert::BadCertificateStatusResponse
                | Alert::BadCertificateHashValue
        ),
        _ => false,
    })
}

/// Whether the server answered, but not with TLS: plain HTTP on the port (a record rustls
/// cannot read), or a connection closed in the middle of the handshake (an end of file while
/// connecting: plain TCP reads nothing before the connection is made).
fn is_tls_protocol(e: &(dyn Error + 'static)) -> bool {
    let corrupt = causes::find::<rustls::Error>(e)
        .is_some_and(|t| matches!(t, rustls::Error::InvalidMessage(_)));
    let eof_while_connecting = any_reqwest(e, reqwest::Error::is_connect)
        && causes::sources(e).any(|s| {
            s.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::UnexpectedEof)
        });
    corrupt || eof_while_connecting
}

/// Whether any `reqwest::Error` in `e`'s chain satisfies `test`.
fn any_reqwest(e: &(dyn Error + 'static), test: impl Fn(&reqwest::Error) -> bool) -> bool {
    causes::sources(e).any(|s| s.downcast_ref::<reqwest::Error>().is_some_and(&test))
}

/// The hint for a step the command's deadline cut short.
pub const HINT_DEADLINE: &str = "check the network path to the endpoint, or raise --timeout (it bounds the whole command, retries included)";

/// What a step that ran out of the command's time is: a request still running at the deadline
/// (exit 6, naming its endpoint), or a service asking to wait past it (exit 5, saying how
/// long). Either may come from a credential's token request: then the step is the token.
fn out_of_budget(e: &azure_core::Error, what: &str) -> Option<Failure> {
    let what = match e.kind() {
        ErrorKind::Credential => "getting an Entra ID token",
        _ => what,
    };
    if let Some(wait) = causes::find::<WaitTooLong>(e) {
        return Some(
            Failure::new(Kind::Service, format!("{what} failed: {wait}"))
                .hint("the service is busy: try again later, or raise --timeout to wait as long as it asks"),
        );
    }
    causes::find::<OutOfTime>(e).map(|late| {
        Failure::new(Kind::Network, format!("{what} failed: {late}")).hint(HINT_DEADLINE)
    })
}

/// A credential's failure. One that never got an answer from its token endpoint (refused,
/// unreachable, timed out, broken connection, TLS) is a network failure (exit 6, or 7 for TLS
/// trust) naming the endpoint; any other is a sign-in failure (exit 3).
fn token_failure(e: &azure_core::Error, auth: Auth) -> Failure {
    const WHAT: &str = "getting an Entra ID token";
    let request = causes::sources(e)
        .filter_map(|s| s.downcast_ref::<reqwest::Error>())
        .find(|r| r.is_connect() || r.is_timeout() || r.is_request() || r.is_body());
    let Some(request) = request else {
        return credentials::failure(auth, e);
    };
    let endpoint = request
        .url()
        .map_or_else(|| "the token endpoint".to_owned(), origin);
    let hint = "check the token endpoint (IDENTITY_ENDPOINT, AZURE_AUTHORITY_HOST, or IMDS at 169.254.169.254) and the network path to it: DNS, firewall, proxy";
    if is_certificate_refused(e) {
        return Failure::new(
            Kind::Tls,
            format!("{WHAT} failed: the TLS certificate of {endpoint} is not trusted"),
        )
        .hint("behind a TLS-inspecting proxy or against an emulator, point SSL_CERT_FILE at the CA certificate (PEM)");
    }
    let text = if is_timeout(e) {
        format!("{WHAT} failed: {endpoint} did not answer in time")
    } else if request.is_connect() && !is_tls_protocol(e) {
        format!(
            "{WHAT} failed: could not reach {endpoint}: {}",
            redact::scrub(&last_cause(e))
        )
    } else {
        format!(
            "{WHAT} failed: the connection to {endpoint} broke: {}",
            redact::scrub(&last_cause(e))
        )
    };
    Failure::new(Kind::Network, text).hint(hint)
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
    if let Some(failure) = out_of_budget(e, what) {
        return failure;
    }
    match e.kind() {
        ErrorKind::Credential => token_failure(e, auth),
        _ if is_certificate_refused(e) => Failure::new(
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

    /// A rustls error as the TLS stack reports it (tokio-rustls's `io::Error`, inside
    /// hyper-rustls's), inside an SDK error as the pipeline returns it.
    fn sdk_error(kind: std::io::ErrorKind, inner: rustls::Error) -> azure_core::Error {
        let tls = std::io::Error::new(kind, inner);
        azure_core::Error::new(ErrorKind::Io, std::io::Error::other(tls))
    }

    #[test]
    fn a_refused_certificate_is_known_by_its_type_not_its_words() {
        use rustls::{AlertDescription, CertificateError};
        let untrusted = sdk_error(
            std::io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer),
        );
        assert!(is_certificate_refused(&untrusted));
        let expired = sdk_error(
            std::io::ErrorKind::InvalidData,
            rustls::Error::AlertReceived(AlertDescription::CertificateExpired),
        );
        assert!(is_certificate_refused(&expired));
        // Words alone prove nothing: a message that mentions a certificate is not a refusal.
        let words = azure_core::Error::with_message(
            ErrorKind::Io,
            "the certificate store was read; unknownissuer",
        );
        assert!(!is_certificate_refused(&words));
        // Plain HTTP on a TLS port: rustls cannot read the record. Not a certificate problem.
        let plain = sdk_error(
            std::io::ErrorKind::InvalidData,
            rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType),
        );
        assert!(!is_certificate_refused(&plain));
        assert!(is_tls_protocol(&plain));
        assert!(!is_tls_protocol(&untrusted));
    }

    #[test]
    fn a_system_timeout_is_a_timeout_whatever_it_says() {
        let e = azure_core::Error::new(
            ErrorKind::Io,
            std::io::Error::new(std::io::ErrorKind::TimedOut, "no answer"),
        );
        assert!(is_timeout(&e));
        let words = azure_core::Error::with_message(ErrorKind::Io, "it timed out");
        assert!(!is_timeout(&words));
    }
}
