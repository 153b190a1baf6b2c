//! The delegation key: offline from a saved file, or from the service (with the credential
//! every client shares).

use super::plan::MintPlan;
use crate::clients::credentials::{self, Auth};
use crate::clients::{http, storage};
use crate::domain::error::{Failure, Result};
use crate::domain::keyfile::Key;
use crate::domain::lifetime;
use crate::domain::redact;
use crate::domain::secret::Secret;
use crate::io::input::{self, read_source};
use crate::io::terminal::note;
use azure_core::credentials::TokenCredential;
use std::sync::Arc;
use time::OffsetDateTime;

/// The credential for `auth`, with the pipeline options every client shares.
pub fn credential(
    auth: Auth,
    timeout: u64,
) -> Result<(Arc<dyn TokenCredential>, azure_core::http::ClientOptions)> {
    let options = http::client_options(timeout)?;
    let credential = credentials::build(auth, &credentials::process_env, &options)?;
    Ok((credential, options))
}

/// The delegation key for `plan` from the service, signing in with `credential` (built from
/// the plan's `--auth` when not given): a future, so that a command can send other requests
/// while it runs. [`sign`] then makes the token.
pub fn fetch_key(
    plan: &MintPlan,
    now: OffsetDateTime,
    credential: Option<Arc<dyn TokenCredential>>,
    quiet: bool,
) -> Result<impl std::future::Future<Output = Result<Key>> + 'static> {
    let request = lifetime::key_request(now, plan.spec.window);
    note_clamp(quiet, request, Clamped::Token);
    let (credential, options) = match credential {
        Some(c) => (c, http::client_options(plan.timeout)?),
        None => self::credential(plan.auth, plan.timeout)?,
    };
    let target = plan.target.clone();
    let auth = plan.auth;
    let tenant = plan.key_tenant.clone();
    Ok(async move { storage::fetch_key(&target, credential, request, tenant, options, auth).await })
}

/// Reads a key saved by `sasmint key` and checks it has not expired.
pub fn read_key(path: &std::path::Path, now: OffsetDateTime) -> Result<Key> {
    let (text, source) = read_source(path, "the delegation key", input::KEY_LIMIT)?;
    // The file's text holds the key's value: zeroed when dropped, like the value itself.
    let text = Secret::new(text);
    let key = Key::from_json(text.expose(), &source)?;
    redact::register(key.file.value.expose());
    if key.expiry <= now {
        return Err(Failure::usage(format!(
            "the delegation key in {source} expired at {}",
            key.file.signed_expiry
        ))
        .hint("fetch a fresh one with `sasmint key`"));
    }
    Ok(key)
}

/// Whose expiry a clamped key request moved: the key `sasmint key` prints, or the key (and so
/// the token) of a mint.
#[derive(Debug, Clone, Copy)]
pub enum Clamped {
    Key,
    Token,
}

/// Says when the key request had to stay under the 7-day limit.
pub fn note_clamp(quiet: bool, request: lifetime::KeyRequest, what: Clamped) {
    if let Some(text) = clamp_text(request, what) {
        note(quiet, &text);
    }
}

/// The note for a key request the 7-day limit moved, if it did.
fn clamp_text(request: lifetime::KeyRequest, what: Clamped) -> Option<String> {
    if !request.clamped {
        return None;
    }
    let expiry = lifetime::format(request.expiry);
    let limit = "(the service allows at most 7 days from its own clock)";
    Some(match what {
        Clamped::Key => format!("the key expires {expiry} {limit}"),
        Clamped::Token => {
            format!("asking for a key that expires {expiry} {limit}; the token expires then too")
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn the_clamp_note_names_the_key_or_the_token() {
        let now = datetime!(2026-12-01 00:00:00 UTC);
        let long = lifetime::Window {
            start: now,
            expiry: now + time::Duration::days(10),
        };
        let request = lifetime::key_request(now, long);
        assert!(request.clamped);
        let expiry = lifetime::format(request.expiry);
        assert_eq!(
            clamp_text(request, Clamped::Key).unwrap(),
            format!(
                "the key expires {expiry} (the service allows at most 7 days from its own clock)"
            )
        );
        assert_eq!(
            clamp_text(request, Clamped::Token).unwrap(),
            format!("asking for a key that expires {expiry} (the service allows at most 7 days from its own clock); the token expires then too")
        );
        let short = lifetime::Window {
            start: now,
            expiry: now + time::Duration::hours(8),
        };
        let request = lifetime::key_request(now, short);
        assert!(!request.clamped);
        assert_eq!(clamp_text(request, Clamped::Key), None);
    }
}
