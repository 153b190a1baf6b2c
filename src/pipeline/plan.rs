//! `plan`: every check of a token request, before anything is sent (exit 2, no network).

use super::options::{Access, AzureOptions, TokenOptions};
use crate::clients::credentials::Auth;
use crate::domain::error::{Failure, Result};
use crate::domain::ids;
use crate::domain::lifetime::{self, Until, Window};
use crate::domain::permissions::{Permissions, Preset};
use crate::domain::resource::{self, Level, Storage, Target};
use crate::domain::sas::{self, BlobState, Extras, Spec};
use crate::domain::shown;
use time::OffsetDateTime;

/// The default lifetime of a minted token.
const DEFAULT_LIFETIME: time::Duration = time::Duration::hours(8);

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
    if options.queue {
        target = target.into_queue()?;
    }
    if target.storage == Storage::Queue {
        check_queue_options(options)?;
    }
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
        Access::Default if level == Level::Queue => {
            return Err(Failure::usage(
                "a queue token has no default permissions: say which side of the queue it is for",
            )
            .hint("--for producer (a: add messages), --for consumer (p: get and delete messages), or --permissions from 'raup'"))
        }
        Access::Default => Preset::Ingest.permissions(level)?,
    };
    if let Some(state) = &extras.blob_state {
        check_state_letters(state, &permissions)?;
    }
    if options.create_only {
        check_create_only(&permissions)?;
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
    let binding = sas::binding(
        &options.require_headers,
        &options.require_query,
        options.create_only,
    )?;
    Ok(Extras {
        headers: headers.clone(),
        delegated_user,
        blob_state,
        binding,
    })
}

/// What a queue token cannot carry: the service signs these for Blob Storage only (a queue's
/// string-to-sign has no field for them).
fn check_queue_options(options: &TokenOptions) -> Result<()> {
    let blob_only = [
        ("--directory", options.directory),
        ("--encryption-scope", options.encryption_scope.is_some()),
        ("--correlation-id", options.correlation_id.is_some()),
        ("--require-header", !options.require_headers.is_empty()),
        ("--require-query", !options.require_query.is_empty()),
        ("--create-only", options.create_only),
    ];
    match blob_only.iter().find(|(_, given)| *given) {
        None => Ok(()),
        Some((option, _)) => Err(Failure::usage(format!(
            "{option} applies to Blob Storage tokens; a queue token cannot carry it"
        ))
        .hint(format!("leave out {option} for a queue"))),
    }
}

/// `--create-only` binds `If-None-Match: *`, which only means something to a request that
/// writes: the token must carry `c` or `w`.
fn check_create_only(permissions: &Permissions) -> Result<()> {
    if permissions.as_str().contains(['c', 'w']) {
        return Ok(());
    }
    Err(Failure::usage(format!(
        "--create-only binds If-None-Match: * to writes, and this token ('{}') cannot write",
        permissions.as_str()
    ))
    .hint("give a token that creates or writes, e.g. --for upload or --permissions cw, or leave out --create-only"))
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
    } else if !extras.binding.is_empty() {
        Some("its probes send the token alone, and a request-bound token (--require-header, --require-query, --create-only) is refused without its headers and parameters")
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
    ids::guid(text.trim()).ok_or_else(|| {
        Failure::usage(format!("{option} '{}' is not a GUID", shown::value(text))).hint(format!(
            "give {what}, e.g. 0b9c3d1e-7f0a-4e4f-8a2d-5d8f2b6a1c93"
        ))
    })
}

/// `--correlation-id`: a GUID (written as the service expects it, lowercase with hyphens), or
/// `auto` for a fresh random one.
fn correlation_id(text: &str) -> Result<String> {
    if text.trim() == "auto" {
        return Ok(uuid::Uuid::new_v4().to_string());
    }
    ids::guid(text.trim()).ok_or_else(|| {
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
            "{} is not a known Azure {} Storage endpoint; SASMINT_ACCOUNT from the environment does not make it one",
            shown::value(target.service()),
            target.storage.title()
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
