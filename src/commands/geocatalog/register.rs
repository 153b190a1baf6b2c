//! `geocatalog register URL`: mint a read+list SAS (or name a managed identity) and register
//! it, rotating the container's existing source in place — or, with `--if-expiring-within`,
//! only when its token is due.

use super::common::{no_token_output, Common};
use crate::clients::geocatalog::{Action, Connection, IngestionSource};
use crate::clients::http;
use crate::domain::error::Result;
use crate::domain::ids::check_object_id;
use crate::domain::lifetime;
use crate::domain::minted::Minted;
use crate::domain::permissions::Preset;
use crate::domain::secret::Secret;
use crate::io::runtime::{self, network};
use crate::io::terminal::{note, stdout};
use crate::pipeline::{self, LifetimeOptions, MintPlan, TokenOptions};
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
    /// Change nothing when the source's token lives longer than this from now, as typed.
    pub if_expiring_within: Option<String>,
    /// Verify the token before registering it.
    pub verify: bool,
    /// With `--output github-actions`: GITHUB_ENV instead of GITHUB_OUTPUT.
    pub github_env: bool,
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
    // The identity as it is sent: lowercase, hyphenated.
    let managed_identity = options
        .managed_identity
        .as_deref()
        .map(|id| check_object_id(id, "--managed-identity"))
        .transpose()?;
    if managed_identity.is_some() {
        no_token_output(
            common.output,
            "needs a SAS; --managed-identity registers none",
            false,
        )?;
    }
    let ci_file = crate::commands::ci::github_file(
        common.output == render::GeoOutput::GithubActions,
        options.github_env,
    )?;
    let keep_while = options
        .if_expiring_within
        .as_deref()
        .map(lifetime::parse_duration)
        .transpose()?;

    let (credential, client_options) = common.credential()?;
    // Connect to the catalog, and to the storage account when a SAS will be minted, while the
    // credential gets its tokens (no request is sent; see clients::warmup).
    runtime::start(|| {
        http::warm(&common.base);
        if managed_identity.is_none() && keep_while.is_none() {
            http::warm(&plan.target.service_url());
        }
    })?;
    let container_url = plan.target.resource_url();
    let catalog = common.catalog(credential.clone(), client_options);
    let kind = match &managed_identity {
        None => Connection::Sas {
            token: &Secret::new(String::new()),
        }
        .kind(),
        Some(id) => Connection::ManagedIdentity { object_id: id }.kind(),
    };
    let timeout = common.azure.timeout;
    let lookup = catalog.find(&container_url, kind);
    let (existing, pending) = match managed_identity.as_deref() {
        // A managed identity mints nothing.
        Some(id) => {
            let existing = network(timeout, "looking up the ingestion source", lookup)?;
            (existing, Pending::Ready(Credentials::ManagedIdentity(id)))
        }
        // With --verify the token is proven before the catalog hears of it: a refused token
        // registers nothing and sends the catalog nothing, not even the lookup.
        None if options.verify => {
            let minted = pipeline::mint(plan, None, now, Some(credential.clone()), quiet)?;
            let existing = network(timeout, "looking up the ingestion source", lookup)?;
            (existing, Pending::Ready(Credentials::Sas(Box::new(minted))))
        }
        // A token will be registered whatever the lookup finds: the lookup and the delegation
        // key go out together. The key gets a credential of its own, so that the catalog's
        // token and the storage token are fetched at the same time, not one after the other
        // in one credential's token cache. A lookup error is reported first, as if the two
        // had run in turn.
        None if keep_while.is_none() => {
            let (key_credential, _) = common.credential()?;
            let key = pipeline::fetch_key(&plan, now, Some(key_credential), quiet)?;
            let (existing, key) = network(
                timeout,
                "looking up the ingestion source and getting the delegation key",
                runtime::both(lookup, key),
            )?;
            let minted = pipeline::sign(plan, &key, false, quiet)?;
            (existing, Pending::Ready(Credentials::Sas(Box::new(minted))))
        }
        // With --if-expiring-within the lookup decides whether a token is minted.
        None => {
            let existing = network(timeout, "looking up the ingestion source", lookup)?;
            (existing, Pending::Mint(Box::new(plan)))
        }
    };
    if let (Some(window), Some(source)) = (keep_while, &existing) {
        if still_good(source, managed_identity.as_deref(), now, window) {
            if common.output == render::GeoOutput::Token {
                note(
                    quiet,
                    "the source's token lives long enough: no new token was minted",
                );
            }
            return finish(
                Action::Kept,
                source,
                &container_url,
                None,
                common,
                ci_file.as_deref().map(|path| (path, options.github_env)),
            );
        }
    }

    let credentials = match pending {
        Pending::Ready(credentials) => credentials,
        Pending::Mint(plan) => Credentials::Sas(Box::new(pipeline::mint(
            *plan,
            None,
            now,
            Some(credential),
            quiet,
        )?)),
    };
    let (connection, token) = match &credentials {
        Credentials::Sas(minted) => (
            Connection::Sas {
                token: &minted.token,
            },
            Some(minted.token.expose().as_str()),
        ),
        Credentials::ManagedIdentity(id) => (Connection::ManagedIdentity { object_id: id }, None),
    };
    let (action, source) = network(timeout, "registering the ingestion source", async {
        catalog
            .register(&container_url, connection, existing.as_ref())
            .await
    })?;
    finish(
        action,
        &source,
        &container_url,
        token,
        common,
        ci_file.as_deref().map(|path| (path, options.github_env)),
    )
}

/// What the source is registered with.
enum Credentials<'a> {
    Sas(Box<Minted>),
    ManagedIdentity(&'a str),
}

/// What the lookup found the source to need: its credentials, or (with
/// `--if-expiring-within`) a token minted only if the source's is due.
enum Pending<'a> {
    Ready(Credentials<'a>),
    Mint(Box<MintPlan>),
}

/// Prints what was done and, for GitHub Actions, appends the values to the runner's file.
fn finish(
    action: Action,
    source: &IngestionSource,
    container_url: &str,
    token: Option<&str>,
    common: &Common,
    github: Option<(&std::path::Path, bool)>,
) -> Result<()> {
    stdout(&render::registered(
        action,
        source,
        container_url,
        token,
        common.version,
        common.output,
    )?)?;
    if let Some((path, env)) = github {
        let view = source.view(common.version);
        let expiry = render::ci_expiry(source, token);
        crate::commands::ci::write_github(
            path,
            &render::ci_values(&view, token, expiry.as_deref()),
            env,
        )?;
    }
    Ok(())
}

/// Whether `source` needs no change: a SAS source whose token expires later than `now +
/// window`, or the managed-identity source of that same identity (it never expires). A SAS
/// source whose expiry the service did not give (or gave unreadably) is due.
fn still_good(
    source: &IngestionSource,
    managed_identity: Option<&str>,
    now: OffsetDateTime,
    window: time::Duration,
) -> bool {
    let info = source.connection_info.get();
    match managed_identity {
        Some(id) => info
            .and_then(|c| c.object_id.as_deref())
            .is_some_and(|stored| stored.eq_ignore_ascii_case(id)),
        None => info
            .and_then(|c| c.expires_at())
            .is_some_and(|expiry| now.checked_add(window).is_some_and(|due| expiry > due)),
    }
}
