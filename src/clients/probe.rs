//! `--verify`: uses a freshly minted token once for each kind of right it grants, through the
//! official `azure_storage_blob` clients with the SAS URL and no credential, and changes no data.
//!
//! Each probe is a request the service must authorise before it would act, and that cannot act:
//!
//! | right | request | authorised | why nothing changes |
//! |---|---|---|---|
//! | `r` | Get Blob Properties (`HEAD`) of a random name (a blob SAS: the blob) | 200, 404, 409 | a read |
//! | `a` | Append Block (1 byte) to a random name (the blob), `If-Match` that cannot match | 404, 409, 412 | the blob does not exist, or the condition fails |
//! | `c`/`w` | Put Blob (empty) on a random name (the blob), `If-Match` that cannot match | 404, 409, 412 | the condition fails |
//! | `d` | Delete Blob of a random name (the blob), `If-Match` that cannot match | 404, 409, 412 | the blob does not exist, or the condition fails |
//! | `l` | List Blobs, `maxresults=1` | 200 | a read |
//! | `t` | Get Blob Tags of a random name (the blob) | 200, 404, 409 | a read |
//!
//! A queue token (through `azure_storage_queue`'s client):
//!
//! | right | request | authorised | why nothing changes |
//! |---|---|---|---|
//! | `r` | Peek Messages (one) | 200 | a read: peeking neither dequeues nor hides a message |
//! | `u` | Update Message of a random message id, a well-formed pop receipt | 404 `MessageNotFound` | no such message |
//! | `p` | Delete Message of a random message id, a well-formed pop receipt | 404 `MessageNotFound` | no such message |
//!
//! A queue's `a` (Put Message) has no probe: no request proves it without adding a message.
//!
//! A 401/403 is a refusal (exit 4, with the data role to grant). A 404 `ContainerNotFound` or
//! `QueueNotFound`, any
//! other status, or a write that succeeded is an error (exit 5); a transport failure is
//! classified as everywhere else. `tests/verify.rs` pins every status above on Azurite.

use crate::clients::credentials::Auth;
use crate::clients::http::{self, CallError};
use crate::domain::error::{Failure, Kind, Result};
use crate::domain::permissions::{Permissions, Right};
use crate::domain::redact;
use azure_core::http::{ClientOptions, Etag, RequestContent, Url};
use azure_storage_blob::models::{
    AppendBlobClientAppendBlockOptions, BlobClientDeleteOptions, BlobClientUploadOptions,
    BlobContainerClientListBlobsOptions,
};
use azure_storage_blob::{
    BlobClient, BlobClientOptions, BlobContainerClient, BlobContainerClientOptions,
};
use azure_storage_queue::{QueueClient, QueueClientOptions};
use futures::Stream;

/// What a verification proved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The token's letters the service authorised, in canonical order.
    pub proved: String,
    /// The token's letters no probe covers.
    pub unprobed: String,
}

/// The prefix of the random blob names a container token's probes use.
pub const PROBE_PREFIX: &str = "sasmint-verify-";

/// Uses the token in `sas_url` (a container or blob URL with the SAS as its query) once per
/// right its `permissions` grant. `blob` says whether it is a blob SAS.
pub async fn verify(
    sas_url: &str,
    blob: bool,
    permissions: &Permissions,
    options: ClientOptions,
    auth: Auth,
) -> Result<Verified> {
    let (url, endpoint) = parse_sas_url(sas_url)?;
    let bad_url = |e| client_error(&endpoint, &e);
    // One random name per run: it exists nowhere, so every probe on it is a no-op.
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    // The container (for List Blobs) and the blob every other probe uses: the one a blob SAS
    // names, or the random name in the container.
    let (container, target) = if blob {
        let options = BlobClientOptions {
            client_options: options,
            ..Default::default()
        };
        let blob = BlobClient::new(url, None, Some(options)).map_err(bad_url)?;
        (None, blob)
    } else {
        let options = BlobContainerClientOptions {
            client_options: options,
            ..Default::default()
        };
        let container = BlobContainerClient::new(url, None, Some(options)).map_err(bad_url)?;
        let blob = container.blob_client(&format!("{PROBE_PREFIX}{nonce}"));
        (Some(container), blob)
    };
    // Azure's ETags are `"0x…"` hex; this one cannot be any blob's.
    let never = Etag::from(format!("\"sasmint-verify-never-{nonce}\""));

    for right in permissions.rights() {
        tracing::info!(right = right.letters(), "verifying the token");
        let answer = match right {
            Right::Read => answer(target.get_properties(None).await),
            Right::Add => answer(
                target
                    .append_blob_client()
                    .append_block(
                        RequestContent::from(vec![0u8]),
                        1,
                        Some(AppendBlobClientAppendBlockOptions {
                            if_match: Some(never.clone()),
                            ..Default::default()
                        }),
                    )
                    .await,
            ),
            Right::Write => answer(
                target
                    .upload(
                        RequestContent::from(Vec::new()),
                        Some(BlobClientUploadOptions {
                            if_match: Some(never.clone()),
                            ..Default::default()
                        }),
                    )
                    .await,
            ),
            Right::Delete => answer(
                target
                    .delete(Some(BlobClientDeleteOptions {
                        if_match: Some(never.clone()),
                        ..Default::default()
                    }))
                    .await,
            ),
            Right::List => match &container {
                Some(c) => list_one(c).await,
                // sasmint never signs `l` for a blob.
                None => continue,
            },
            Right::Tags => answer(target.get_tags(None).await),
            // Queue rights: a blob token has none.
            Right::Peek | Right::UpdateMessage | Right::Process => continue,
        };
        judge(right, answer, blob, permissions, &endpoint, auth)?;
    }
    Ok(verified(permissions))
}

/// What the probes of `permissions` proved, once every one passed.
fn verified(permissions: &Permissions) -> Verified {
    let unprobed = permissions.unprobed();
    Verified {
        proved: permissions
            .as_str()
            .chars()
            .filter(|c| !unprobed.contains(*c))
            .collect(),
        unprobed,
    }
}

/// Uses the queue token in `sas_url` (the queue's URL with the SAS as its query) once per
/// right its `permissions` grant that has a probe (`r u p`).
pub async fn verify_queue(
    sas_url: &str,
    permissions: &Permissions,
    options: ClientOptions,
    auth: Auth,
) -> Result<Verified> {
    let (url, endpoint) = parse_sas_url(sas_url)?;
    let options = QueueClientOptions {
        client_options: options,
        ..Default::default()
    };
    let queue =
        QueueClient::new(url, None, Some(options)).map_err(|e| client_error(&endpoint, &e))?;
    // A message id and a pop receipt of the service's shapes (a GUID; base64 of 16 bytes)
    // that no message has: updating or deleting it is a no-op the service must authorise.
    let message = uuid::Uuid::new_v4().to_string();
    let receipt = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(uuid::Uuid::new_v4().as_bytes())
    };
    for right in permissions.rights() {
        tracing::info!(right = right.letters(), "verifying the token");
        let answer = match right {
            Right::Peek => answer(queue.peek_messages(None).await),
            Right::UpdateMessage => answer(queue.update_message(&message, &receipt, 0, None).await),
            Right::Process => answer(queue.delete_message(&message, &receipt, None).await),
            // Blob rights: a queue token has none.
            _ => continue,
        };
        judge(right, answer, false, permissions, &endpoint, auth)?;
    }
    Ok(verified(permissions))
}

/// The minted URL, and its endpoint without the token (what messages may name).
fn parse_sas_url(sas_url: &str) -> Result<(Url, String)> {
    let url = Url::parse(sas_url).map_err(|e| {
        Failure::new(
            Kind::Internal,
            format!("the minted URL does not parse ({e})"),
        )
    })?;
    let mut endpoint = url.clone();
    endpoint.set_query(None);
    Ok((url, endpoint.to_string()))
}

/// A probe client that could not be built for `endpoint`.
fn client_error(endpoint: &str, e: &azure_core::Error) -> Failure {
    Failure::new(
        Kind::Internal,
        format!(
            "cannot verify the token at {endpoint}: {}",
            redact::scrub(&e.to_string())
        ),
    )
}

/// What the service answered a probe.
enum Answer {
    /// A 2xx.
    Success,
    Status(CallError),
    /// No answer (network, TLS, timeout).
    Transport(azure_core::Error),
}

fn answer<T>(result: azure_core::Result<T>) -> Answer {
    match result {
        Ok(_) => Answer::Success,
        Err(e) => match CallError::from_sdk(&e) {
            Some(status) => Answer::Status(status),
            None => Answer::Transport(e),
        },
    }
}

/// The first page of List Blobs, at most one blob.
async fn list_one(container: &BlobContainerClient) -> Answer {
    let pager = match container.list_blobs(Some(BlobContainerClientListBlobsOptions {
        maxresults: Some(1),
        ..Default::default()
    })) {
        Ok(pager) => pager,
        Err(e) => return answer::<()>(Err(e)),
    };
    let mut pages = std::pin::pin!(pager.into_pages());
    match std::future::poll_fn(|cx| pages.as_mut().poll_next(cx)).await {
        Some(page) => answer(page),
        None => Answer::Success,
    }
}

/// The request each right's probe sends, for messages.
fn operation(right: Right) -> &'static str {
    match right {
        Right::Read => "Get Blob Properties",
        Right::Add => "Append Block",
        Right::Write => "Put Blob",
        Right::Delete => "Delete Blob",
        Right::List => "List Blobs",
        Right::Tags => "Get Blob Tags",
        Right::Peek => "Peek Messages",
        Right::UpdateMessage => "Update Message",
        Right::Process => "Delete Message",
    }
}

/// The statuses that prove the service authorised the probe (and that it did nothing).
fn authorised(right: Right, status: u16) -> bool {
    match right {
        Right::Read | Right::Tags => matches!(status, 404 | 409),
        Right::Add | Right::Write | Right::Delete => matches!(status, 404 | 409 | 412),
        Right::List | Right::Peek => false,
        Right::UpdateMessage | Right::Process => status == 404,
    }
}

/// Whether a probe's answer proves the right; a failure with its exit code and hint if not.
fn judge(
    right: Right,
    answer: Answer,
    blob: bool,
    permissions: &Permissions,
    endpoint: &str,
    auth: Auth,
) -> Result<()> {
    let letters: String = right
        .letters()
        .chars()
        .filter(|c| permissions.as_str().contains(*c))
        .collect();
    let what = format!(
        "verifying the token's '{letters}' right ({} on {endpoint})",
        operation(right)
    );
    match answer {
        Answer::Success => match right {
            Right::Read | Right::List | Right::Tags | Right::Peek => Ok(()),
            // The message does not exist: a success means the request did not reach a queue.
            Right::UpdateMessage | Right::Process => Err(Failure::new(
                Kind::Service,
                format!("{what}: the service accepted a request for a message that does not exist"),
            )
            .hint("this is not how Azure Queue Storage behaves: check the URL, and any proxy in between")),
            // The condition cannot match: a success means the service ignored it.
            Right::Add | Right::Write | Right::Delete => Err(Failure::new(
                Kind::Service,
                format!("{what}: the service accepted a request whose If-Match cannot match"),
            )
            .hint("this is not how Azure Blob Storage behaves: check the URL, and any proxy in between")),
        },
        Answer::Status(CallError::Status { status, code, .. })
            if status == 404 && code == "ContainerNotFound" =>
        {
            Err(Failure::new(
                Kind::Service,
                format!("{what} failed: HTTP 404 ContainerNotFound: the container does not exist"),
            )
            .hint("create the container first, or check its name in the URL"))
        }
        Answer::Status(CallError::Status { status, code, .. })
            if status == 404 && code == "QueueNotFound" =>
        {
            Err(Failure::new(
                Kind::Service,
                format!("{what} failed: HTTP 404 QueueNotFound: the queue does not exist"),
            )
            .hint("create the queue first, or check its name in the URL"))
        }
        Answer::Status(CallError::Status { status, .. }) if authorised(right, status) => Ok(()),
        Answer::Status(error) => {
            let code = match &error {
                CallError::Status { code, .. } => code.clone(),
                CallError::Failed(_) => String::new(),
            };
            let hint = denied_hint(right, &code, blob, permissions);
            Err(error.into_failure(&what, &hint))
        }
        Answer::Transport(e) => Err(http::classify_transport(&e, &what, endpoint, auth)),
    }
}

/// What to do about a probe the service refused (401/403) with this `x-ms-error-code`.
fn denied_hint(right: Right, code: &str, blob: bool, permissions: &Permissions) -> String {
    match code {
        "AuthorizationSourceIPMismatch" => "the token only accepts requests from its --ip range, and this machine is outside it: verify from inside the range, or mint without --verify".to_owned(),
        "AuthorizationProtocolMismatch" => "the token's protocol does not allow this request: check --allow-http and the URL's scheme".to_owned(),
        "AuthenticationFailed" | "InvalidAuthenticationInfo" => "the service did not accept the token itself (its signature, start or expiry), so no role would help: check this machine's clock, and that the delegation key was fetched for this account".to_owned(),
        _ => {
            let mut hint = format!(
                "a user delegation SAS never allows more than its signer may do: grant the signing identity {} (or a role with that data action) on the account or the container (the queue); role assignments can take minutes to apply",
                right.role()
            );
            if code == "AuthorizationFailure" {
                hint.push_str("; or the account's network rules refuse this machine");
            }
            if right == Right::Write && blob && !permissions.as_str().contains('w') {
                hint.push_str("; a token with 'c' but not 'w' cannot overwrite a blob that exists, so it is refused here if the blob already exists");
            }
            hint
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::resource::Level;

    fn perms(letters: &str) -> Permissions {
        Permissions::parse(letters, Level::Container).unwrap()
    }

    #[test]
    fn refusals_name_the_role_for_the_right() {
        let h = denied_hint(
            Right::List,
            "AuthorizationPermissionMismatch",
            false,
            &perms("rl"),
        );
        assert!(h.contains("Storage Blob Data Reader"), "{h}");
        let h = denied_hint(
            Right::Write,
            "AuthorizationPermissionMismatch",
            false,
            &perms("w"),
        );
        assert!(h.contains("Storage Blob Data Contributor"), "{h}");
        let h = denied_hint(Right::Delete, "", false, &perms("d"));
        assert!(h.contains("Storage Blob Data Contributor"), "{h}");
        let h = denied_hint(
            Right::Tags,
            "AuthorizationPermissionMismatch",
            false,
            &perms("t"),
        );
        assert!(h.contains("Storage Blob Data Owner"), "{h}");
        assert!(
            denied_hint(Right::Read, "AuthorizationFailure", false, &perms("r"))
                .contains("network rules")
        );
        // Not a missing role: no role is named.
        for code in [
            "AuthorizationSourceIPMismatch",
            "AuthorizationProtocolMismatch",
            "AuthenticationFailed",
        ] {
            assert!(
                !denied_hint(Right::Read, code, false, &perms("r")).contains("Storage Blob Data")
            );
        }
        // A blob token with `c` but not `w` is refused on a blob that exists.
        let bp = Permissions::parse("c", Level::Blob).unwrap();
        assert!(
            denied_hint(Right::Write, "AuthorizationPermissionMismatch", true, &bp)
                .contains("cannot overwrite")
        );
    }

    #[test]
    fn only_no_op_statuses_prove_a_right() {
        for right in Right::ALL {
            for status in [200, 201, 202, 400, 401, 403, 500, 503] {
                assert!(!authorised(right, status), "{right:?} {status}");
            }
        }
        assert!(authorised(Right::Write, 412));
        assert!(authorised(Right::Delete, 404));
        assert!(authorised(Right::Read, 404));
        assert!(!authorised(Right::Read, 412));
        assert!(!authorised(Right::List, 404));
    }

    fn status(status: u16, code: &str) -> Answer {
        Answer::Status(CallError::Status {
            status,
            code: code.to_owned(),
            message: "m".to_owned(),
        })
    }

    #[test]
    fn judging_answers() {
        let p = perms("racwdlt");
        let judge = |right, answer| judge(right, answer, false, &p, "https://a/c", Auth::Auto);
        assert!(judge(Right::Write, status(412, "ConditionNotMet")).is_ok());
        assert!(judge(Right::Read, Answer::Success).is_ok());
        let f = judge(Right::Write, status(403, "AuthorizationPermissionMismatch")).unwrap_err();
        assert_eq!(f.kind, Kind::Denied);
        assert!(
            f.message
                .contains("'cw' right (Put Blob on https://a/c) failed: HTTP 403"),
            "{}",
            f.message
        );
        assert_eq!(
            judge(Right::Read, status(404, "ContainerNotFound"))
                .unwrap_err()
                .kind,
            Kind::Service
        );
        assert_eq!(
            judge(Right::Read, status(500, "InternalError"))
                .unwrap_err()
                .kind,
            Kind::Service
        );
        assert_eq!(
            judge(Right::Write, Answer::Success).unwrap_err().kind,
            Kind::Service
        );
        assert_eq!(
            judge(Right::List, status(404, "")).unwrap_err().kind,
            Kind::Service
        );
    }
}
