//! The mint pipeline every token-producing command shares (`mint`, batch mode, `kusto-uri`,
//! `geocatalog register`, `ard register`): check a token request → get a delegation key
//! (offline from a saved key, or from the service) → fit the token inside it → sign.
//!
//! [`TokenOptions`] is the domain request: what the token is for and how long it lives. A
//! command fills it from its own options (the consumers with their preset); `plan` checks it
//! completely before anything is sent. With `verify`, [`mint`] then uses the signed token once
//! per right it grants ([`clients::probe`](crate::clients::probe)) before returning it, so a
//! refused token is never printed or registered.

mod key;
mod options;
mod plan;
mod sign;
mod verify;

pub use key::{credential, fetch_key, note_clamp, read_key, Clamped};
pub use options::{Access, AzureOptions, LifetimeOptions, TokenOptions};
pub use plan::{check_shared, check_token_recipient, delegated_user_tenant, plan, MintPlan};
pub use sign::{binding_note, sign};
pub use verify::probe;

use crate::domain::error::Result;
use crate::domain::minted::Minted;
use crate::io::runtime::network;
use azure_core::credentials::TokenCredential;
use std::sync::Arc;
use time::OffsetDateTime;

/// Gets the key (offline from `delegation_key`, or from the service with `credential`, built
/// from the plan's `--auth` when not given), fits the window inside it and signs; with
/// `--verify`, proves the token before returning it.
pub fn mint(
    plan: MintPlan,
    delegation_key: Option<&std::path::Path>,
    now: OffsetDateTime,
    credential: Option<Arc<dyn TokenCredential>>,
    quiet: bool,
) -> Result<Minted> {
    let key = match delegation_key {
        Some(path) => read_key(path, now)?,
        None => network(
            plan.timeout,
            "getting the delegation key",
            fetch_key(&plan, now, credential, quiet)?,
        )?,
    };
    let (verify, timeout, auth) = (plan.verify, plan.timeout, plan.auth);
    let minted = sign(plan, &key, delegation_key.is_some(), quiet)?;
    if verify {
        let verified = network(
            timeout,
            "verifying the token",
            probe(&minted, timeout, auth),
        )?;
        verify::note_verified(quiet, &verified);
    }
    Ok(minted)
}
