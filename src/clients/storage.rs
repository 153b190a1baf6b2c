//! Blob Storage: Get User Delegation Key, through the official `azure_storage_blob` client.
//! Errors are turned into [`Failure`]s with exit codes and storage-specific hints, and never
//! carry a response body verbatim.

use crate::clients::credentials::Auth;
use crate::clients::http::{self, CallError};
use crate::domain::error::{Failure, Kind, Result};
use crate::domain::keyfile::Key;
use crate::domain::lifetime::{self, KeyRequest};
use crate::domain::redact;
use crate::domain::resource::Target;
use crate::domain::secret::Secret;
use azure_core::credentials::TokenCredential;
use azure_core::http::ClientOptions;
use azure_storage_blob::models::KeyInfo;
use azure_storage_blob::{BlobServiceClient, BlobServiceClientOptions};
use std::sync::Arc;

/// Fetches a user delegation key for `target`'s account; with `delegated_user_tid`, a key whose
/// tokens users of that tenant may use (`DelegatedUserTid`, returned as the key's
/// `SignedDelegatedUserTid` and signed into tokens as `skdutid`). The connection to the account
/// opens while the credential gets its token ([`http::warm`]), unless a command warmed it earlier.
pub async fn fetch_key(
    target: &Target,
    credential: Arc<dyn TokenCredential>,
    request: KeyRequest,
    delegated_user_tid: Option<String>,
    options: ClientOptions,
    auth: Auth,
) -> Result<Key> {
    let service = target.service_url();
    http::warm(&service);
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
        delegated_user_tid,
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
        let value = Secret::new(base64::engine::general_purpose::STANDARD.encode(value));
        redact::register(value.expose());
    }
    let key = Key::from_sdk(sdk)?;
    check_lifetime(&key, request, service.as_str())?;
    Ok(key)
}

/// A key that ends sooner than asked would end every token signed with it sooner than asked,
/// silently: it is refused (exit 5), saying when it ends and what was asked. (Azure returns the
/// expiry it was asked for; the 7-day limit is applied to the request, with a note, before it
/// is sent.)
fn check_lifetime(key: &Key, request: KeyRequest, endpoint: &str) -> Result<()> {
    if key.expiry >= request.expiry {
        return Ok(());
    }
    Err(Failure::new(
        Kind::Service,
        format!(
            "{endpoint} returned a delegation key that expires {}, sooner than the {} asked for: a token signed with it would end then too",
            lifetime::format(key.expiry),
            lifetime::format(request.expiry)
        ),
    )
    .hint("try again; if it persists, ask for a shorter lifetime (--expires-in) or check that the URL reaches Azure Blob Storage itself, not a proxy or another service"))
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
    http::classify_transport(e, what, endpoint, auth)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn denied_hints_tell_a_refused_token_from_a_missing_role() {
        assert_eq!(denied_hint("AuthorizationPermissionMismatch"), HINT_ROLES);
        assert_eq!(denied_hint("AuthorizationFailure"), HINT_ROLES);
        assert_eq!(denied_hint(""), HINT_ROLES);
        assert_eq!(denied_hint("AuthenticationFailed"), HINT_TOKEN);
        assert_eq!(denied_hint("InvalidAuthenticationInfo"), HINT_TOKEN);
    }
}
