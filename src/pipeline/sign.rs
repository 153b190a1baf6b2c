//! `sign`: fit the token inside its key and sign it; `describe`: what the signed token grants.

use super::plan::MintPlan;
use crate::domain::error::{Failure, Kind, Result};
use crate::domain::keyfile::Key;
use crate::domain::lifetime::{self, Window};
use crate::domain::minted::{Minted, MintedExtras};
use crate::domain::redact;
use crate::domain::resource::{Level, Target};
use crate::domain::sas::{self, BlobState, Spec};
use crate::domain::secret::Secret;
use crate::domain::shown;
use crate::io::terminal::note;

/// Fits the token inside its key (`skt ≤ st`, `se ≤ ske`) and signs it.
pub fn sign(mut plan: MintPlan, key: &Key, saved_key: bool, quiet: bool) -> Result<Minted> {
    check_key_tenant(plan.key_tenant.as_deref(), key, saved_key)?;
    if saved_key {
        check_saved_key_service(&plan.target, key)?;
    }
    let (window, shortened) = lifetime::fit_to_key(plan.spec.window, key.start, key.expiry)
        .map_err(|mut f| {
            // A key the service just returned is the service's data, not the user's input.
            if !saved_key {
                f.kind = Kind::Service;
                f.hint = None;
            }
            f
        })?;
    if shortened && saved_key {
        note(
            quiet,
            &format!(
                "the token expires {} with its delegation key, not later",
                lifetime::format(window.expiry)
            ),
        );
    }
    plan.spec.window = window;
    note_binding(quiet, &plan.spec.extras.binding);
    let token = Secret::new(sas::sign(&plan.target, &plan.spec, &key.sdk)?);
    redact::register_token(token.expose());
    Ok(describe(&plan.target, &plan.spec, key, token))
}

/// A key signs tokens of the service it came from only (`signedService`: `b` from the blob
/// endpoint, `q` from the queue endpoint): a saved key of the other service is exit 2. (A key
/// the service answers with is checked where it arrives, `clients::storage`.)
fn check_saved_key_service(target: &Target, key: &Key) -> Result<()> {
    let wanted = target.storage.key_service();
    let has = key.file.signed_service.as_str();
    if has == wanted {
        return Ok(());
    }
    let service = target.storage.name();
    Err(Failure::usage(format!(
        "a {service} token needs a delegation key from the {service} endpoint (signedService '{wanted}'), and the key has signedService '{has}'"
    ))
    .hint(format!(
        "save a key from the {service} endpoint: sasmint key https://ACCOUNT.{service}.core.windows.net/ --output-file key.json"
    )))
}

/// A request-bound token is refused unless every request carries its headers and parameters:
/// says so, naming them (their values are not secret).
fn note_binding(quiet: bool, binding: &sas::Binding) {
    if let Some(text) = binding_note(binding) {
        note(quiet, &text);
    }
}

/// The note for a request-bound token, if it is one.
pub fn binding_note(binding: &sas::Binding) -> Option<String> {
    if binding.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    if !binding.headers.is_empty() {
        let list: Vec<String> = binding
            .headers
            .iter()
            .map(|(n, v)| format!("'{n}: {v}'"))
            .collect();
        parts.push(format!("the header(s) {}", list.join(", ")));
    }
    if !binding.query.is_empty() {
        let list: Vec<String> = binding
            .query
            .iter()
            .map(|(n, v)| format!("'{n}={v}'"))
            .collect();
        parts.push(format!("the query parameter(s) {}", list.join(", ")));
    }
    Some(format!(
        "the token is request-bound: every request made with it must send exactly {}, or the service refuses it (403)",
        parts.join(" and ")
    ))
}

/// With `--delegated-user-tenant`, the key must carry that tenant: the token's `skdutid` comes
/// from the key, never from the command line.
fn check_key_tenant(wanted: Option<&str>, key: &Key, saved_key: bool) -> Result<()> {
    let Some(wanted) = wanted else {
        return Ok(());
    };
    let has = key.file.signed_delegated_user_tid.as_deref();
    if has.is_some_and(|has| has.eq_ignore_ascii_case(wanted)) {
        return Ok(());
    }
    let has = has.map_or("none".to_owned(), shown::value);
    if saved_key {
        Err(Failure::usage(format!(
            "--delegated-user-tenant {wanted}, but the saved delegation key carries delegated user tenant {has}"
        ))
        .hint("fetch a key for that tenant: sasmint key URL --delegated-user-tenant TENANT_ID --output-file key.json"))
    } else {
        Err(Failure::new(
            crate::domain::error::Kind::Service,
            format!("asked for a key with delegated user tenant {wanted}; the service returned one with {has}"),
        )
        .hint("the service must support DelegatedUserTid (version 2025-07-05 or later; the Azurite emulator ignores it)"))
    }
}

/// What a signed token grants, for every output format.
fn describe(target: &Target, spec: &Spec, key: &Key, token: Secret) -> Minted {
    let Window { start, expiry } = spec.window;
    let (level, extras) = (target.level(), &spec.extras);
    Minted {
        url: Secret::new(format!("{}?{}", target.resource_url(), token.expose())),
        signed_version: sas::query_param(token.expose(), "sv")
            .unwrap_or_default()
            .to_owned(),
        token,
        account: target.account.clone(),
        container: target
            .container
            .clone()
            .filter(|_| level != Level::Queue)
            .unwrap_or_default(),
        blob: target.blob.clone().filter(|_| level == Level::Blob),
        resource: level.name(),
        signed_resource: match (level, &extras.blob_state) {
            (Level::Blob, Some(state)) => Some(state.signed_resource()),
            (Level::Blob, None) => Some("b"),
            (Level::Directory, _) => Some("d"),
            (Level::Queue, _) => None,
            _ => Some("c"),
        },
        permissions: spec.permissions.as_str().to_owned(),
        start: lifetime::format(start),
        expiry: lifetime::format(expiry),
        interval_seconds: (expiry - start).whole_seconds(),
        protocol: if spec.https_only {
            "https"
        } else {
            "https,http"
        }
        .to_owned(),
        ip: spec.ip.as_ref().map(|ip| match ip {
            azure_storage_sas::SasIpRange::Address(a) => a.to_string(),
            azure_storage_sas::SasIpRange::InclusiveRange { start, end } => {
                format!("{start}-{end}")
            }
        }),
        encryption_scope: spec.encryption_scope.clone(),
        correlation_id: spec.correlation_id.clone(),
        signed_oid: key.file.signed_oid.clone(),
        signed_tid: key.file.signed_tid.clone(),
        key_start: key.file.signed_start.clone(),
        key_expiry: key.file.signed_expiry.clone(),
        extras: MintedExtras {
            queue: target.container.clone().filter(|_| level == Level::Queue),
            directory: target.blob.clone().filter(|_| level == Level::Directory),
            directory_depth: target.directory_depth(),
            snapshot: match &extras.blob_state {
                Some(BlobState::Snapshot(id)) => Some(id.clone()),
                _ => None,
            },
            version_id: match &extras.blob_state {
                Some(BlobState::Version(id)) => Some(id.clone()),
                _ => None,
            },
            response_headers: extras.headers.clone(),
            delegated_user_oid: extras.delegated_user.clone(),
            delegated_user_tid: key.file.signed_delegated_user_tid.clone(),
            required_headers: Some(extras.binding.headers.clone()).filter(|h| !h.is_empty()),
            required_query_parameters: Some(extras.binding.query.clone()).filter(|q| !q.is_empty()),
        },
    }
}
