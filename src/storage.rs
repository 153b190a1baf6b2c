//! Blob Storage: the HTTP pipeline settings and Get User Delegation Key, through the official
//! `azure_storage_blob` client. Errors are turned into [`Failure`]s with exit codes and hints,
//! and never carry a response body verbatim.

use crate::credentials::{self, Auth};
use crate::error::{Failure, Kind, Result};
use crate::keyfile::Key;
use crate::lifetime::KeyRequest;
use crate::redact;
use crate::resource::Target;
use crate::service::CallError;
use azure_core::credentials::TokenCredential;
use azure_core::error::ErrorKind;
use azure_core::http::policies::{Policy, PolicyResult};
use azure_core::http::{
    ClientOptions, Context, ExponentialRetryOptions, Request, RetryOptions, Transport,
};
use azure_storage_blob::models::KeyInfo;
use azure_storage_blob::{BlobServiceClient, BlobServiceClientOptions};
use std::sync::Arc;
use std::time::Duration;

/// Pipeline settings shared by storage and credential clients: bounded timeouts, a few
/// retries (429/5xx, honouring `Retry-After`), and no retries for TLS trust failures.
pub fn client_options(timeout: Duration) -> ClientOptions {
    let http = reqwest::Client::builder()
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a reqwest client with default TLS builds");
    ClientOptions {
        transport: Some(Transport::new(Arc::new(http))),
        retry: RetryOptions::exponential(ExponentialRetryOptions {
            initial_delay: time::Duration::milliseconds(200),
            max_retries: 3,
            max_total_elapsed: time::Duration::try_from(timeout)
                .unwrap_or(time::Duration::SECOND * 30),
            max_delay: time::Duration::seconds(8),
        }),
        per_try_policies: vec![Arc::new(FailFastOnTls)],
        ..Default::default()
    }
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

/// Fetches a user delegation key for `target`'s account.
pub async fn fetch_key(
    target: &Target,
    credential: Arc<dyn TokenCredential>,
    request: KeyRequest,
    options: ClientOptions,
    auth: Auth,
) -> Result<Key> {
    let service = target.service_url();
    let client = BlobServiceClient::new(
        service.clone(),
        Some(credential),
        Some(BlobServiceClientOptions {
            client_options: options,
            ..Default::default()
        }),
    )
    .map_err(|e| Failure::usage(redact::scrub(&e.to_string()).into_owned()))?;
    let info = KeyInfo {
        start: Some(request.start),
        expiry: Some(request.expiry),
        ..Default::default()
    };
    let body = info
        .try_into()
        .map_err(|e: azure_core::Error| Failure::new(Kind::Internal, e.to_string()))?;
    tracing::info!(account = %target.account, "requesting a user delegation key");
    let response = client
        .get_user_delegation_key(body, None)
        .await
        .map_err(|e| classify(&e, "Get User Delegation Key", service.as_str(), auth))?;
    // Not the parser's message: it quotes the body, and the body holds the key's value.
    let sdk = response.into_model().map_err(|_| {
        Failure::new(
            Kind::Service,
            format!("{} answered Get User Delegation Key with a body that is not a delegation key", service.as_str()),
        )
        .hint("check that the URL points at Azure Blob Storage (or Azurite), not at a proxy or another service")
    })?;
    if let Some(value) = &sdk.value {
        use base64::Engine;
        redact::register(&base64::engine::general_purpose::STANDARD.encode(value));
    }
    Key::from_sdk(sdk)
}

/// What a 401/403 from storage means for sasmint.
const HINT_ROLES: &str = "the signing identity needs a role with Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action on the account, e.g. Storage Blob Delegator, plus a data role (Storage Blob Data Reader for read/list, Storage Blob Data Contributor for writes) for the token to work; new role assignments can take minutes to apply";

/// What a 401/403 from storage means when the service refused the token itself: no role
/// assignment fixes that.
const HINT_TOKEN: &str = "the storage service did not accept the Entra ID token itself (this is not a missing role): check that the identity belongs to the storage account's tenant (set AZURE_TENANT_ID, or `az login --tenant TENANT`), that the token is for https://storage.azure.com, and this machine's clock";

/// The hint for a 401/403 with this `x-ms-error-code`.
fn denied_hint(code: &str) -> &'static str {
    match code {
        "AuthenticationFailed" | "InvalidAuthenticationInfo" => HINT_TOKEN,
        _ => HINT_ROLES,
    }
}

/// Turns an SDK error into a failure with an exit code and a hint. `what` names the operation,
/// `endpoint` the service (no query).
pub fn classify(e: &azure_core::Error, what: &str, endpoint: &str, auth: Auth) -> Failure {
    if let Some(CallError::Status {
        status,
        code,
        message,
    }) = CallError::from_sdk(e)
    {
        let clock =
            status == 400 && matches!(code.as_str(), "InvalidXmlNodeValue" | "InvalidHeaderValue");
        let hint = denied_hint(&code);
        let failure = CallError::Status {
            status,
            code,
            message,
        }
        .into_failure(what, hint);
        return match status {
            _ if clock => failure.hint(
                "the key's start or expiry was refused: check this machine's clock (the service allows at most 7 days from its own time)",
            ),
            404 => failure.hint(format!(
                "check the account in {endpoint}: does it exist, and is it a Blob Storage account?"
            )),
            _ => failure,
        };
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
    // Scrub before cutting: half a signature no longer matches the registered one.
    let first = crate::redact::scrub(message.lines().next()?.trim()).into_owned();
    Some(first.chars().take(300).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn denied_hints_tell_a_refused_token_from_a_missing_role() {
        assert_eq!(denied_hint("AuthorizationPermissionMismatch"), HINT_ROLES);
        assert_eq!(denied_hint("AuthorizationFailure"), HINT_ROLES);
        assert_eq!(denied_hint(""), HINT_ROLES);
        assert_eq!(denied_hint("AuthenticationFailed"), HINT_TOKEN);
        assert_eq!(denied_hint("InvalidAuthenticationInfo"), HINT_TOKEN);
    }

    #[test]
    fn service_messages_are_scrubbed_before_they_are_cut() {
        // A signature that straddles the 300-character cut: only half of it would survive the
        // cut, and half no longer matches the registered secret.
        let sig = "N0tAR3alS1gnatureButL0ngEnough%2BtoMatter%3D";
        crate::redact::register_token(&format!("sv=2026-04-06&sig={sig}"));
        let padding = "x".repeat(280);
        let body = format!(r#"{{"error":{{"code":"Bad","message":"{padding} sig={sig}"}}}}"#);
        let shown = service_message(body.as_bytes()).unwrap();
        assert!(!shown.contains("N0tAR3al"), "{shown}");
        assert!(shown.ends_with("sig=[REDACTED]"), "{shown}");
    }
}
