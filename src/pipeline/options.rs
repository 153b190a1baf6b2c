//! The domain request of the pipeline: what a token is for and how long it lives, as typed.
//! [`plan`](super::plan) checks it.

use crate::clients::credentials::{self, Auth};
use crate::domain::permissions::Preset;
use crate::domain::sas::ResponseHeaders;
use std::path::PathBuf;

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
    /// Neither `--for` nor `--permissions`: `ingest` (read+list) for Blob Storage; a queue
    /// token has no default, its user says which side of the queue it is for.
    Default,
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
    /// `--require-header 'NAME: VALUE'`, as typed: every request must carry it (`srh`).
    pub require_headers: Vec<String>,
    /// `--require-query NAME=VALUE`, as typed: every request must carry it (`srq`).
    pub require_query: Vec<String>,
    /// `--create-only`: bind `If-None-Match: *`, so the token never overwrites a blob.
    pub create_only: bool,
    /// `--queue`: the URL names a queue (an emulator or custom-domain URL; a
    /// `*.queue.core.windows.net` URL says so itself).
    pub queue: bool,
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
            require_headers: Vec::new(),
            require_query: Vec::new(),
            create_only: false,
            queue: false,
            data_lake: false,
            delegation_key: None,
            verify: false,
            azure,
        }
    }
}
