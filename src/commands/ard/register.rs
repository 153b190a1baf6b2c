//! `ard register URL --credentials-id ID`: mint a write-only SAS and register its URL (again =
//! rotate), then print the order's `output_config`.

use super::common::{login, Common};
use crate::clients::ard;
use crate::clients::http;
use crate::domain::error::Result;
use crate::domain::permissions::Preset;
use crate::io::runtime::{self, network};
use crate::io::terminal::{note, stdout};
use crate::pipeline::{self, LifetimeOptions, TokenOptions};
use crate::render::ard as render;
use time::OffsetDateTime;

#[derive(Debug)]
pub struct RegisterOptions {
    /// The container URL.
    pub url: String,
    pub credentials_id: String,
    /// Stored with the credentials; `None` keeps the stored one.
    pub description: Option<String>,
    /// The blob prefix orders deliver under (printed in `output_config`).
    pub prefix: String,
    /// How long the token lives, as typed.
    pub expires_in: String,
    /// Verify the token before registering it.
    pub verify: bool,
}

pub(super) fn run(
    options: &RegisterOptions,
    common: &Common,
    now: OffsetDateTime,
    quiet: bool,
) -> Result<()> {
    ard::check_credentials_id(&options.credentials_id)?;
    let mut token = TokenOptions::for_preset(
        Preset::MaxarArd,
        LifetimeOptions::expires_in(&options.expires_in),
        common.azure.clone(),
    );
    token.verify = options.verify;
    let plan = pipeline::plan(&options.url, &token, now)?;
    let login = login()?;
    let container = plan.target.container.clone().unwrap_or_default();
    // Connect to Maxar ARD while the storage key is fetched (no request is sent; see
    // clients::warmup); the storage account's connection opens while the credential works.
    let (credential, _) = pipeline::credential(plan.auth, plan.timeout)?;
    runtime::start(|| http::warm(&common.base))?;
    let timeout = common.azure.timeout;
    let (minted, (ard, account)) = if options.verify {
        // With --verify the token is proven before Maxar ARD hears of it: a refused token
        // sends ARD nothing, not even the sign-in.
        let minted = pipeline::mint(plan, None, now, Some(credential), quiet)?;
        let session = network(timeout, "signing in to Maxar ARD", common.session(login))?;
        (minted, session)
    } else {
        // The sign-in (and the account lookup) go out while the delegation key is fetched. A
        // storage error is reported first, as if the two had run in turn.
        let key = pipeline::fetch_key(&plan, now, Some(credential), quiet)?;
        let (key, session) = network(
            timeout,
            "getting the delegation key and signing in to Maxar ARD",
            runtime::both(key, common.session(login)),
        )?;
        (pipeline::sign(plan, &key, false, quiet)?, session)
    };
    let id = &options.credentials_id;
    network(timeout, "registering the ARD credentials", async {
        ard.register(&account, id, &minted.url, options.description.as_deref())
            .await
    })?;
    note(
        quiet,
        &format!(
            "registered credentials {id}; the token expires {}",
            minted.expiry
        ),
    );
    stdout(&render::registered(
        id,
        &container,
        &options.prefix,
        &account,
        &minted.expiry,
        common.output,
    )?)
}
