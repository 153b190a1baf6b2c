//! Get User Delegation Key, through the official `azure_storage_blob` client (a blob key, for
//! blob, container and directory tokens) or `azure_storage_queue`'s (a queue key).
//! Errors are turned into [`Failure`]s with exit codes and storage-specific hints, and never
//! carry a response body verbatim.

use crate::clients::credentials::Auth;
use crate::clients::http::{self, CallError};
use crate::domain::error::{Failure, Kind, Result};
use crate::domain::keyfile::Key;
use crate::domain::lifetime::{self, KeyRequest};
use crate::domain::redact;
use crate::domain::resource::{Storage, Target};
use crate::domain::secret::Secret;
use azure_core::credentials::TokenCredential;
use azure_core::http::{ClientOptions, Response, XmlFormat};
use azure_storage_blob::models::KeyInfo;
use azure_storage_blob::{BlobServiceClient, BlobServiceClientOptions};
use azure_storage_common::models::UserDelegationKey;
use azure_storage_queue::{QueueServiceClient, QueueServiceClientOptions};
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
    tracing::info!(account = %target.account, service = target.storage.name(), "requesting a user delegation key");
    let response = match target.storage {
        Storage::Blob => {
            blob_key(
                service.clone(),
                credential,
                request,
                delegated_user_tid,
                options,
            )
            .await
        }
        Storage::Queue => {
            queue_key(
                service.clone(),
                credential,
                request,
                delegated_user_tid,
                options,
            )
            .await
        }
    }
    .map_err(|e| classify(&e, target.storage, service.as_str(), auth))?;
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
    check_service(&key, target, service.as_str())?;
    check_lifetime(&key, request, service.as_str())?;
    Ok(key)
}

/// Get User Delegation Key on a blob endpoint.
async fn blob_key(
    service: azure_core::http::Url,
    credential: Arc<dyn TokenCredential>,
    request: KeyRequest,
    delegated_user_tid: Option<String>,
    options: ClientOptions,
) -> azure_core::Result<Response<UserDelegationKey, XmlFormat>> {
    let options = BlobServiceClientOptions {
        client_options: options,
        ..Default::default()
    };
    let client = BlobServiceClient::new(service, Some(credential), Some(options))?;
    let info = KeyInfo {
        start: Some(request.start),
        expiry: Some(request.expiry),
        delegated_user_tid,
    };
    client.get_user_delegation_key(info.try_into()?, None).await
}

/// Get User Delegation Key on a queue endpoint (its key's `signedService` is `q`).
async fn queue_key(
    service: azure_core::http::Url,
    credential: Arc<dyn TokenCredential>,
    request: KeyRequest,
    delegated_user_tid: Option<String>,
    options: ClientOptions,
) -> azure_core::Result<Response<UserDelegationKey, XmlFormat>> {
    let options = QueueServiceClientOptions {
        client_options: options,
        ..Default::default()
    };
    let client = QueueServiceClient::new(service, Some(credential), Some(options))?;
    let info = azure_storage_queue::models::KeyInfo {
        start: Some(request.start),
        expiry: Some(request.expiry),
        delegated_user_tid,
    };
    client.get_user_delegation_key(info.try_into()?, None).await
}

/// A key from the blob endpoint is `b`, from the queue endpoint `q`: another is refused (exit 5)
/// rather than saved (`sasmint key`) or used to sign tokens the service would refuse.
fn check_service(key: &Key, target: &Target, endpoint: &str) -> Result<()> {
    let wanted = target.storage.key_service();
    if key.file.signed_service == wanted {
        return Ok(());
    }
    Err(Failure::new(
        Kind::Service,
        format!(
            "{endpoint} returned a delegation key for signedService '{}', not '{wanted}' ({} Storage)",
            key.file.signed_service,
            target.storage.title()
        ),
    )
    .hint("check that the URL reaches Azure Storage itself, not a proxy or another service"))
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
    .hint("try again; if it persists, ask for a shorter lifetime (--expires-in) or check that the URL reaches Azure Storage itself, not a proxy or another service"))
}

/// What a 401/403 from storage means for sasmint.
const HINT_ROLES: &str = "the signing identity needs a role with Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action on the account, e.g. Storage Blob Delegator, plus a data role (Storage Blob Data Reader for read/list, Storage Blob Data Contributor for writes) for the token to work; new role assignments can take minutes to apply";

/// What a 401/403 from a queue endpoint's Get User Delegation Key means for sasmint.
const HINT_QUEUE_ROLES: &str = "the signing identity needs a role that may get a user delegation key from the account's queue service, plus a queue data role for the token to work (Storage Queue Data Message Sender to add, Storage Queue Data Message Processor to process, Storage Queue Data Reader to peek, Storage Queue Data Contributor to update); new role assignments can take minutes to apply";

/// What a 401/403 from storage means when the service refused the token itself: no role
/// assignment fixes that.
const HINT_TOKEN: &str = "the storage service did not accept the Entra ID token itself (this is not a missing role): check that the identity belongs to the storage account's tenant (set AZURE_TENANT_ID, or `az login --tenant TENANT`), that the token is for https://storage.azure.com, and this machine's clock";

/// The hint for a 401/403 with this `x-ms-error-code` from `storage`'s endpoint.
fn denied_hint(code: &str, storage: Storage) -> &'static str {
    match (code, storage) {
        ("AuthenticationFailed" | "InvalidAuthenticationInfo", _) => HINT_TOKEN,
        (_, Storage::Blob) => HINT_ROLES,
        (_, Storage::Queue) => HINT_QUEUE_ROLES,
    }
}

/// Turns an SDK error from Get User Delegation Key on `storage`'s `endpoint` (no query) into a
/// failure with an exit code and a hint.
fn classify(e: &azure_core::Error, storage: Storage, endpoint: &str, auth: Auth) -> Failure {
    let what = "Get User Delegation Key";
    if let Some(CallError::Status {
        status,
        code,
        message,
    }) = CallError::from_sdk(e)
    {
        let clock =
            status == 400 && matches!(code.as_str(), "InvalidXmlNodeValue" | "InvalidHeaderValue");
        let hint = denied_hint(&code, storage);
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
                "check the account in {endpoint}: does it exist, and does it have {} Storage?",
                storage.title()
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
        let blob = Storage::Blob;
        assert_eq!(
            denied_hint("AuthorizationPermissionMismatch", blob),
            HINT_ROLES
        );
        assert_eq!(denied_hint("AuthorizationFailure", blob), HINT_ROLES);
        assert_eq!(denied_hint("", blob), HINT_ROLES);
        assert_eq!(denied_hint("AuthenticationFailed", blob), HINT_TOKEN);
        assert_eq!(denied_hint("InvalidAuthenticationInfo", blob), HINT_TOKEN);
        let queue = Storage::Queue;
        assert_eq!(
            denied_hint("AuthorizationPermissionMismatch", queue),
            HINT_QUEUE_ROLES
        );
        assert_eq!(denied_hint("AuthenticationFailed", queue), HINT_TOKEN);
    }
}
