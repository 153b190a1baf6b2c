//! `geocatalog register URL`: mint a read+list SAS (or name a managed identity) and register
//! it, rotating the container's existing source in place.

use super::common::{no_token_output, Common};
use crate::clients::geocatalog::Connection;
use crate::domain::error::Result;
use crate::domain::ids::check_object_id;
use crate::domain::permissions::Preset;
use crate::io::runtime::network;
use crate::io::terminal::stdout;
use crate::pipeline::{self, LifetimeOptions, TokenOptions};
use crate::render::geocatalog as render;
use time::OffsetDateTime;

#[derive(Debug)]
pub struct RegisterOptions {
    /// The container URL.
    pub url: String,
    /// How long the token lives, as typed.
    pub expires_in: String,
    /// Register a managed-identity source with this object id instead (no SAS).
    pub managed_identity: Option<String>,
    /// Verify the token before registering it.
    pub verify: bool,
}

pub(super) fn run(
    options: &RegisterOptions,
    common: &Common,
    now: OffsetDateTime,
    quiet: bool,
) -> Result<()> {
    // Check everything first; only then build a credential or send anything.
    let mut token = TokenOptions::for_preset(
        Preset::Geocatalog,
        LifetimeOptions::expires_in(&options.expires_in),
        common.azure.clone(),
    );
    token.verify = options.verify;
    let plan = pipeline::plan(&options.url, &token, now)?;
    if let Some(id) = &options.managed_identity {
        check_object_id(id, "--managed-identity")?;
        no_token_output(
            common.output,
            "needs a SAS; --managed-identity registers none",
        )?;
    }

    let (credential, client_options) = common.credential()?;
    let container_url = plan.target.resource_url();
    let minted = match &options.managed_identity {
        None => Some(pipeline::mint(
            plan,
            None,
            now,
            Some(credential.clone()),
            quiet,
        )?),
        Some(_) => None,
    };
    let catalog = common.catalog(credential, client_options);
    let connection = match (&minted, &options.managed_identity) {
        (Some(m), _) => Connection::Sas { token: &m.token },
        (None, Some(id)) => Connection::ManagedIdentity { object_id: id },
        (None, None) => unreachable!("a SAS is minted unless a managed identity is given"),
    };
    let timeout = common.azure.timeout;
    let (action, source) = network(timeout, "registering the ingestion source", async {
        catalog.register(&container_url, connection).await
    })?;
    let token = minted.as_ref().map(|m| m.token.as_str());
    stdout(&render::registered(
        action,
        &source,
        &container_url,
        token,
        common.version,
        common.output,
    )?)
}
