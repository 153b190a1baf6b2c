//! The mint pipeline every token-producing command shares (`mint`, batch mode, `kusto-uri`,
//! `geocatalog register`, `ard register`): check a token request → get a delegation key
//! (offline from a saved key, or from the service) → fit the token inside it → sign.
//!
//! [`TokenOptions`] is the domain request: what the token is for and how long it lives. A
//! command fills it from its own options (the consumers with their preset); `plan` checks it
//! completely before anything is sent. With `verify`, [`mint`] then uses the signed token once
//! per right it grants ([`clients::probe`](crate::clients::probe)) before returning it, so a
//! refused token is never printed or registered.

use crate::clients::credentials::{self, Auth};
use crate::clients::probe::{self, Verified};
use crate::clients::{http, storage};
use crate::domain::error::{Failure, Result};
use crate::domain::keyfile::Key;
use crate::domain::lifetime::{self, Until, Window};
use crate::domain::minted::{Minted, MintedExtras};
use crate::domain::permissions::{Permissions, Preset};
use crate::domain::redact;
use crate::domain::resource::Level;
use crate::domain::resource::{self, Target};
use crate::domain::sas::{self, BlobState, Extras, ResponseHeaders, Spec};
use crate::domain::shown;
use crate::io::input::{self, read_source};
use crate::io::runtime::network;
use crate::io::terminal::note;
use azure_core::credentials::TokenCredential;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;

/// The default lifetime of a minted token.
const DEFAULT_LIFETIME: time::Duration = time::Duration::hours(8);

/// How to reach Azure: the `--auth`, `--account` and `--timeout` every networked command takes.
#[derive(Debug, Clone)]
pub struct AzureOptions {
    pub auth: Auth,
    /// The storage account name, for a custom domain whose host does not name it.
    pub account: Option<String>,
    /// Whether `account` came from `SASMINT_ACCOUNT` rather than the command line: it then
    /// never makes an unknown host the recipient of a storage token.
    pub account_from_env: bool,
    /// Seconds for the network part, retries included.
    pub timeout: u64,
}

/// When the token starts and ends, as typed (checked by [`plan`]).
#[derive(Debug, Clone, Default)]
pub struct LifetimeOptions {
    pub expires_in: Option<String>,
    pub expiry: Option<String>,
    pub start: Option<String>,
}

impl LifetimeOptions {
    /// A lifetime of `expires_in` from now.
    pub fn expires_in(expires_in: &str) -> Self {
        Self {
            expires_in: Some(expires_in.to_owned()),
            ..Self::default()
        }
    }

    /// Whether any lifetime was given.
    pub fn any(&self) -> bool {
        self.expires_in.is_some() || self.expiry.is_some() || self.start.is_some()
    }

    /// `SASMINT_EXPIRES_IN` (`env`) applies when neither an expiry nor a lifetime is given.
    #[must_use]
    pub fn with_env_default(mut self, env: credentials::Env) -> Self {
        if self.expires_in.is_none() && self.expiry.is_none() {
            self.expires_in = env("SASMINT_EXPIRES_IN").filter(|v| !v.trim().is_empty());
        }
        self
    }
}

/// What a token may do: a preset's letters, or letters given as they are.
#[derive(Debug, Clone)]
pub enum Access {
    Preset(Preset),
    Letters(String),
}

/// One token request, before any check.
#[derive(Debug, Clone)]
pub struct TokenOptions {
    pub access: Access,
    pub lifetime: LifetimeOptions,
    pub ip: Option<String>,
    pub allow_http: bool,
    pub encryption_scope: Option<String>,
    /// `--correlation-id`: a GUID, or `auto` for a fresh one.
    pub correlation_id: Option<String>,
    /// `--content-disposition` and the other response header overrides, as typed.
    pub headers: ResponseHeaders,
    /// `--delegated-user`: the object id of the one Entra user who may use the token (`sduoid`).
    pub delegated_user: Option<String>,
    /// `--delegated-user-tenant`: ask for the key with this `DelegatedUserTid` (`skdutid`).
    pub delegated_user_tenant: Option<String>,
    /// `--snapshot`: a token for one snapshot of the blob (`sr=bs`).
    pub snapshot: Option<String>,
    /// `--version-id`: a token for one version of the blob (`sr=bv`).
    pub version_id: Option<String>,
    /// `--directory`: the blob URL's path names a directory (`sr=d`).
    pub directory: bool,
    /// Accept Data Lake (`dfs`) URLs and directories: `mint` does; the consumers, which
    /// register a container URL with a service, do not.
    pub data_lake: bool,
    /// Sign offline with this saved key (a file, or `-` for stdin).
    pub delegation_key: Option<PathBuf>,
    /// Use the token once per right it grants before handing it over (`--verify`).
    pub verify: bool,
    pub azure: AzureOptions,
}

impl TokenOptions {
    /// A consumer's token: its preset and lifetime, nothing else.
    pub fn for_preset(preset: Preset, lifetime: LifetimeOptions, azure: AzureOptions) -> Self {
        Self {
            access: Access::Preset(preset),
            lifetime,
            ip: None,
            allow_http: false,
            encryption_scope: None,
            correlation_id: None,
            headers: ResponseHeaders::default(),
            delegated_user: None,
            delegated_user_tenant: None,
            snapshot: None,
            version_id: None,
            directory: false,
            data_lake: false,
            delegation_key: None,
            verify: false,
            azure,
        }
    }
}

/// Everything minting needs, checked before any request.
pub struct MintPlan {
    pub target: Target,
    pub spec: Spec,
    pub auth: Auth,
    pub timeout: u64,
    /// Verify the signed token before returning it.
    pub verify: bool,
    /// The `DelegatedUserTid` the key must carry (`--delegated-user-tenant`).
    pub key_tenant: Option<String>,
}

/// Checks `url` with `options`: exit 2 on anything wrong, and no request sent.
pub fn plan(url: &str, options: &TokenOptions, now: OffsetDateTime) -> Result<MintPlan> {
    let mut target = resource::parse(
        url,
        options.azure.account.as_deref(),
        options.allow_http,
        false,
    )?;
    if !options.data_lake && (target.on_dfs() || options.directory) {
        return Err(Failure::usage(format!(
            "{} is a Data Lake (dfs) URL or directory; only `sasmint mint` signs those",
            shown::value(&target.resource_url())
        ))
        .hint("use the blob endpoint https://ACCOUNT.blob.core.windows.net/CONTAINER (the token works on the dfs endpoint too)"));
    }
    if options.directory {
        if target.on_dfs() {
            return Err(Failure::usage(
                "--directory goes with a blob endpoint URL; a dfs URL already names a directory",
            )
            .hint("drop --directory"));
        }
        target = target.into_directory()?;
    }
    let extras = extras(&target, options)?;
    let level = target.level();
    let permissions = match &options.access {
        Access::Letters(letters) => Permissions::parse(letters, level)?,
        Access::Preset(preset) => preset.permissions(level)?,
    };
    if let Some(state) = &extras.blob_state {
        check_state_letters(state, &permissions)?;
    }
    let (window, ip) = check_shared(options, now)?;
    let correlation_id = options
        .correlation_id
        .as_deref()
        .map(correlation_id)
        .transpose()?;
    if options.delegation_key.is_none() {
        check_token_recipient(&target, &options.azure)?;
    }
    if !target.https && options.delegation_key.is_none() {
        return Err(Failure::usage(
            "fetching a delegation key needs https: the service accepts bearer tokens over https only",
        )
        .hint("use the https URL (the token still allows http with --allow-http), or sign offline with --delegation-key"));
    }
    if options.verify {
        check_verifiable(&target, &extras)?;
    }
    if options.verify && !target.https {
        return Err(Failure::usage(
            "--verify sends the token to the service, and sends it over https only",
        )
        .hint("use the https URL (the token still allows http with --allow-http), or leave out --verify"));
    }
    Ok(MintPlan {
        target,
        spec: Spec {
            permissions,
            window,
            https_only: !options.allow_http,
            ip,
            encryption_scope: options.encryption_scope.clone(),
            correlation_id,
            extras,
        },
        auth: options.azure.auth,
        timeout: options.azure.timeout,
        verify: options.verify,
        key_tenant: options
            .delegated_user_tenant
            .as_deref()
            .map(delegated_user_tenant)
            .transpose()?,
    })
}

/// Checks the response headers, the delegated user, and a snapshot or version against the
/// resource.
fn extras(target: &Target, options: &TokenOptions) -> Result<Extras> {
    let level = target.level();
    let headers = &options.headers;
    for (option, value) in headers.iter() {
        let Some(value) = value else { continue };
        sas::check_header(option, value)?;
        if level != Level::Blob {
            return Err(Failure::usage(format!(
                "{option} applies to a blob token; this is a {} token",
                level.name()
            ))
            .hint("give the blob's URL: the service applies response headers when one blob is read (Get Blob), not to a listing"));
        }
    }
    let delegated_user = options
        .delegated_user
        .as_deref()
        .map(|id| guid(id, "--delegated-user", "the user's Entra object id"))
        .transpose()?;
    let blob_state = match (&options.snapshot, &options.version_id) {
        (Some(_), Some(_)) => {
            return Err(
                Failure::usage("--snapshot and --version-id exclude each other")
                    .hint("a token reads one snapshot or one version: give one of them"),
            )
        }
        (Some(id), None) => Some(("--snapshot", BlobState::Snapshot(id.trim().to_owned()))),
        (None, Some(id)) => Some(("--version-id", BlobState::Version(id.trim().to_owned()))),
        (None, None) => None,
    };
    let blob_state = match blob_state {
        None => None,
        Some((option, state)) => {
            sas::check_blob_state(option, state.value())?;
            if level != Level::Blob {
                return Err(Failure::usage(format!(
                    "{option} applies to a blob token; this is a {} token",
                    level.name()
                ))
                .hint("give the URL of the blob whose snapshot or version the token reads"));
            }
            Some(state)
        }
    };
    Ok(Extras {
        headers: headers.clone(),
        delegated_user,
        blob_state,
    })
}

/// A snapshot token may read or delete that snapshot (`r d`), a version token read or delete
/// that version (`r x`); nothing else applies to them.
fn check_state_letters(state: &BlobState, permissions: &Permissions) -> Result<()> {
    let (option, allowed) = match state {
        BlobState::Snapshot(_) => ("--snapshot", "rd"),
        BlobState::Version(_) => ("--version-id", "rx"),
    };
    match permissions.as_str().chars().find(|c| !allowed.contains(*c)) {
        None => Ok(()),
        Some(letter) => Err(Failure::usage(format!(
            "permission '{letter}' does not apply to a token for one {} ({option})",
            if option == "--snapshot" {
                "snapshot"
            } else {
                "version"
            }
        ))
        .hint(format!(
            "such a token carries only '{allowed}': use --permissions r to read it"
        ))),
    }
}

/// `--verify` sends the token with nothing else, and probes containers and blobs only.
fn check_verifiable(target: &Target, extras: &Extras) -> Result<()> {
    let why = if target.level() == Level::Directory {
        Some("sasmint has no probe for a directory token")
    } else if extras.delegated_user.is_some() {
        Some("a --delegated-user token works only with that user's own bearer token, which sasmint does not have")
    } else if extras.blob_state.is_some() {
        Some("sasmint has no probe for a snapshot or version token")
    } else {
        None
    };
    match why {
        None => Ok(()),
        Some(why) => Err(
            Failure::usage(format!("--verify cannot prove this token: {why}"))
                .hint("leave out --verify"),
        ),
    }
}

/// `--delegated-user-tenant`: a GUID.
pub fn delegated_user_tenant(text: &str) -> Result<String> {
    guid(
        text,
        "--delegated-user-tenant",
        "the tenant id of the user who will use the token",
    )
}

/// A GUID option, written as the service expects it (lowercase, with hyphens).
fn guid(text: &str, option: &str, what: &str) -> Result<String> {
    uuid::Uuid::try_parse(text.trim())
        .map(|id| id.hyphenated().to_string())
        .map_err(|_| {
            Failure::usage(format!("{option} '{}' is not a GUID", shown::value(text))).hint(
                format!("give {what}, e.g. 0b9c3d1e-7f0a-4e4f-8a2d-5d8f2b6a1c93"),
            )
        })
}

/// `--correlation-id`: a GUID (written as the service expects it, lowercase with hyphens), or
/// `auto` for a fresh random one.
fn correlation_id(text: &str) -> Result<String> {
    if text.trim() == "auto" {
        return Ok(uuid::Uuid::new_v4().to_string());
    }
    uuid::Uuid::parse_str(text.trim())
        .map(|id| id.hyphenated().to_string())
        .map_err(|_| {
            Failure::usage(format!(
                "--correlation-id '{}' is not a GUID",
                shown::value(text)
            ))
            .hint("pass a GUID such as the CI run's id, or `auto` for a fresh one")
        })
}

/// A storage bearer token goes only where the user pointed it: a host that is no known Blob
/// Storage endpoint (a custom domain) gets one only when `--account` names the account on the
/// command line, never on `SASMINT_ACCOUNT` alone.
pub fn check_token_recipient(target: &Target, azure: &AzureOptions) -> Result<()> {
    if target.custom_domain && azure.account_from_env {
        return Err(Failure::usage(format!(
            "{} is not a known Azure Blob Storage endpoint; SASMINT_ACCOUNT from the environment does not make it one",
            shown::value(target.service())
        ))
        .hint("to send a storage token to this custom domain, name its account on the command line: --account NAME"));
    }
    Ok(())
}

/// Checks the options every URL shares (the lifetime, `--ip`, `--encryption-scope`): a batch
/// calls it once first, so a bad one is one error rather than one per URL.
pub fn check_shared(
    options: &TokenOptions,
    now: OffsetDateTime,
) -> Result<(Window, Option<azure_storage_sas::SasIpRange>)> {
    let lifetime = &options.lifetime;
    let start = lifetime
        .start
        .as_deref()
        .map(|s| lifetime::parse_time(s, "--start"))
        .transpose()?;
    let until = match (&lifetime.expiry, &lifetime.expires_in) {
        (Some(t), _) => Until::At(lifetime::parse_time(t, "--expiry")?),
        (None, Some(d)) => Until::In(lifetime::parse_duration(d)?),
        (None, None) => Until::In(DEFAULT_LIFETIME),
    };
    let window = lifetime::window(now, start, until)?;
    let ip = options.ip.as_deref().map(sas::parse_ip).transpose()?;
    if let Some(scope) = &options.encryption_scope {
        sas::check_encryption_scope(scope)?;
    }
    Ok((window, ip))
}

/// The credential for `auth`, with the pipeline options every client shares.
pub fn credential(
    auth: Auth,
    timeout: u64,
) -> Result<(Arc<dyn TokenCredential>, azure_core::http::ClientOptions)> {
    let options = http::client_options(Duration::from_secs(timeout))?;
    let credential = credentials::build(auth, &credentials::process_env, &options)?;
    Ok((credential, options))
}

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
        note_verified(quiet, &verified);
    }
    Ok(minted)
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
    note_clamp(quiet, request);
    let (credential, options) = match credential {
        Some(c) => (c, http::client_options(Duration::from_secs(plan.timeout))?),
        None => self::credential(plan.auth, plan.timeout)?,
    };
    let target = plan.target.clone();
    let auth = plan.auth;
    let tenant = plan.key_tenant.clone();
    Ok(async move { storage::fetch_key(&target, credential, request, tenant, options, auth).await })
}

/// `--verify`: uses `minted` once per right it grants, changing no data; a refusal is exit 4
/// with the data role the signer lacks.
pub async fn probe(minted: &Minted, timeout: u64, auth: Auth) -> Result<Verified> {
    let blob = minted.blob.is_some();
    let level = if blob { Level::Blob } else { Level::Container };
    let permissions = Permissions::parse(&minted.permissions, level)?;
    let options = http::client_options(Duration::from_secs(timeout))?;
    probe::verify(&minted.url, blob, &permissions, options, auth).await
}

/// Says what `--verify` proved, and which letters it could not.
pub fn note_verified(quiet: bool, verified: &Verified) {
    let mut text = if verified.proved.is_empty() {
        "verified nothing: sasmint has no probe for the token's letters".to_owned()
    } else {
        format!(
            "verified: the service authorised '{}' (one request per kind of right, no data changed)",
            verified.proved
        )
    };
    if !verified.unprobed.is_empty() {
        text.push_str(&format!(
            "; '{}' not verified (sasmint has no probe for these letters)",
            verified.unprobed
        ));
    }
    note(quiet, &text);
}

/// Reads a key saved by `sasmint key` and checks it has not expired.
pub fn read_key(path: &std::path::Path, now: OffsetDateTime) -> Result<Key> {
    let (text, source) = read_source(path, "the delegation key", input::KEY_LIMIT)?;
    let key = Key::from_json(&text, &source)?;
    redact::register(&key.file.value);
    if key.expiry <= now {
        return Err(Failure::usage(format!(
            "the delegation key in {source} expired at {}",
            key.file.signed_expiry
        ))
        .hint("fetch a fresh one with `sasmint key`"));
    }
    Ok(key)
}

/// Says when the key request had to stay under the 7-day limit.
pub fn note_clamp(quiet: bool, request: lifetime::KeyRequest) {
    if request.clamped {
        note(
            quiet,
            &format!(
                "asking for a key that expires {} (the service allows at most 7 days from its own clock); the token expires then too",
                lifetime::format(request.expiry)
            ),
        );
    }
}

/// Fits the token inside its key (`skt ≤ st`, `se ≤ ske`) and signs it.
pub fn sign(mut plan: MintPlan, key: &Key, saved_key: bool, quiet: bool) -> Result<Minted> {
    check_key_tenant(plan.key_tenant.as_deref(), key, saved_key)?;
    let (window, shortened) = lifetime::fit_to_key(plan.spec.window, key.start, key.expiry)?;
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
    let token = sas::sign(&plan.target, &plan.spec, &key.sdk)?;
    redact::register_token(&token);
    Ok(describe(&plan.target, &plan.spec, key, token))
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
pub fn describe(target: &Target, spec: &Spec, key: &Key, token: String) -> Minted {
    let Window { start, expiry } = spec.window;
    let (level, extras) = (target.level(), &spec.extras);
    Minted {
        url: format!("{}?{token}", target.resource_url()),
        signed_version: sas::query_param(&token, "sv")
            .unwrap_or_default()
            .to_owned(),
        token,
        account: target.account.clone(),
        container: target.container.clone().unwrap_or_default(),
        blob: target.blob.clone().filter(|_| level == Level::Blob),
        resource: level.name(),
        signed_resource: match (level, &extras.blob_state) {
            (Level::Blob, Some(state)) => state.signed_resource(),
            (Level::Blob, None) => "b",
            (Level::Directory, _) => "d",
            _ => "c",
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
        },
    }
}
