//! `mint` and `key`.

use super::common::{AzureArgs, LifetimeArgs};
use crate::clients::credentials;
use crate::commands::key::KeyRequest;
use crate::commands::mint::MintRequest;
use crate::domain::permissions::Preset;
use crate::domain::sas::ResponseHeaders;
use crate::pipeline::{Access, TokenOptions};
use crate::render::mint::MintOutput;
use clap::Args;
use std::path::PathBuf;

pub(super) const MINT_EXAMPLES: &str = "\
Examples:
  # Read+list for 8 hours (the default), for a service that ingests from the container
  sasmint mint https://myacct.blob.core.windows.net/imagery

  # Write-only for a delivery service, for one day, as a full URL
  sasmint mint https://myacct.blob.core.windows.net/drop --for upload --expires-in 1d --output url

  # One blob, read-only, restricted to one client address
  sasmint mint https://myacct.blob.core.windows.net/reports/2026/q3.pdf --permissions r --ip 203.0.113.7

  # Offline: sign with a key saved earlier by `sasmint key`
  sasmint key https://myacct.blob.core.windows.net --output-file key.json
  sasmint mint https://myacct.blob.core.windows.net/imagery --delegation-key key.json

  # Many tokens, one key per account, JSON lines in input order
  sasmint mint --from-file containers.txt --output json

  # A queue: a producer adds messages, a consumer gets and deletes them
  sasmint mint https://myacct.queue.core.windows.net/orders --for producer";

#[derive(Debug, Clone, Args)]
pub struct MintArgs {
    /// Container URL (https://ACCOUNT.blob.core.windows.net/CONTAINER), blob URL or queue URL
    /// (https://ACCOUNT.queue.core.windows.net/QUEUE); several mint one token each.
    ///
    /// The emulator's path-style form https://127.0.0.1:10000/devstoreaccount1/CONTAINER works
    /// too. A URL naming a blob mints a blob SAS (sr=b).
    #[arg(value_name = "URL", required_unless_present = "from_file")]
    pub urls: Vec<String>,

    /// Read URLs from a file (or - for stdin), one per line; blank lines and # comments skipped.
    ///
    /// Streamed: results are written as the list is read, in input order, one per input (a
    /// line each for token/url, an empty line for an input that failed; JSON lines for json),
    /// in memory that does not grow with the list. One delegation key is fetched per storage
    /// account, when it is first seen. A line is capped at 64 KiB; the list is not. Failures
    /// are reported on stderr with their line number and do not stop the others unless
    /// --fail-fast.
    #[arg(long, value_name = "FILE|-", conflicts_with = "urls")]
    pub from_file: Option<PathBuf>,

    /// With several inputs: stop at the first failure (the results before it are already
    /// printed; an --output-file is not written).
    #[arg(long)]
    pub fail_fast: bool,

    /// Who will use the token; sets the permissions.
    ///
    /// ingest=rl (the default for Blob Storage), upload=w, geocatalog=rl, kusto=rl (r for a
    /// blob), cado=w, maxar-ard=w, snowflake-load=rl, snowflake-unload=racwl, gcs-transfer=rl.
    /// Queues (no default): producer=a, consumer=p.
    #[arg(
        long = "for",
        value_enum,
        value_name = "PRESET",
        conflicts_with = "permissions"
    )]
    pub preset: Option<Preset>,

    /// Permission letters instead of a preset, in any order (racwdxyltmeopi; for a queue raup:
    /// r peek, a add, u update, p process).
    #[arg(long, short = 'p', value_name = "LETTERS")]
    pub permissions: Option<String>,

    #[command(flatten)]
    pub lifetime: LifetimeArgs,

    /// Only accept requests from this IPv4 address or range (a.b.c.d or a.b.c.d-e.f.g.h).
    #[arg(long, value_name = "IP|IP-IP")]
    pub ip: Option<String>,

    /// Allow plain http as well as https (spr=https,http). Default: https only.
    #[arg(long)]
    pub allow_http: bool,

    /// Encrypt blobs written with the token under this encryption scope.
    #[arg(long, value_name = "NAME")]
    pub encryption_scope: Option<String>,

    /// Sign a correlation id (scid) into the token: storage logs it with every request made
    /// with the token. A GUID, or `auto` for a fresh one (shown in json and CI output).
    #[arg(long, value_name = "GUID|auto")]
    pub correlation_id: Option<String>,

    /// The URL's path below the container names a directory of a hierarchical-namespace
    /// (Data Lake Gen2) account: mint a directory SAS (sr=d) for it and everything below it.
    ///
    /// A dfs URL (https://ACCOUNT.dfs.core.windows.net/FILESYSTEM/DIR) needs no --directory.
    #[arg(long)]
    pub directory: bool,

    /// The URL names a queue: for an emulator or custom-domain URL, whose host does not say
    /// so (https://127.0.0.1:10001/devstoreaccount1/QUEUE). Needs no flag on
    /// ACCOUNT.queue.core.windows.net.
    #[arg(long)]
    pub queue: bool,

    /// Blob tokens: Get Blob answers with this Content-Disposition (rscd), e.g.
    /// 'attachment; filename="report.pdf"' for a download link with a file name.
    #[arg(long, value_name = "VALUE")]
    pub content_disposition: Option<String>,

    /// Blob tokens: Get Blob answers with this Content-Type (rsct).
    #[arg(long, value_name = "VALUE")]
    pub content_type: Option<String>,

    /// Blob tokens: Get Blob answers with this Content-Encoding (rsce).
    #[arg(long, value_name = "VALUE")]
    pub content_encoding: Option<String>,

    /// Blob tokens: Get Blob answers with this Content-Language (rscl).
    #[arg(long, value_name = "VALUE")]
    pub content_language: Option<String>,

    /// Blob tokens: Get Blob answers with this Cache-Control (rscc).
    #[arg(long, value_name = "VALUE")]
    pub cache_control: Option<String>,

    /// Only this Entra user (object id) may use the token, together with a bearer token of
    /// their own (sduoid).
    #[arg(long, value_name = "OBJECT_ID")]
    pub delegated_user: Option<String>,

    /// Ask for the delegation key with this tenant (DelegatedUserTid), so a user of another
    /// tenant may use the token (skdutid). With --delegation-key, the key must carry it.
    #[arg(long, value_name = "TENANT_ID")]
    pub delegated_user_tenant: Option<String>,

    /// A read token for one snapshot of the blob (sr=bs), e.g. 2025-03-01T12:34:56.1234567Z;
    /// the URL carries snapshot=.
    #[arg(long, value_name = "TIME", conflicts_with = "version_id")]
    pub snapshot: Option<String>,

    /// A read token for one version of the blob (sr=bv); the URL carries versionid=.
    #[arg(long, value_name = "ID")]
    pub version_id: Option<String>,

    /// Bind a request header to the token (srh): every request with it must send exactly
    /// this header and value, e.g. 'x-ms-blob-content-type: image/png'. Repeatable.
    ///
    /// Needs service version 2026-04-06. Blob, container and directory tokens.
    #[arg(long, value_name = "NAME: VALUE")]
    pub require_header: Vec<String>,

    /// Bind a query parameter to the token (srq): every request with it must carry exactly
    /// NAME=VALUE in its URL. Repeatable.
    ///
    /// Needs service version 2026-04-06. Blob, container and directory tokens.
    #[arg(long, value_name = "NAME=VALUE")]
    pub require_query: Vec<String>,

    /// A write token that can create blobs but never overwrite one: binds
    /// 'If-None-Match: *' (Put Blob, Put Block List, Copy Blob). Needs c or w.
    ///
    /// The consumer must send that header with every request: curl -H 'If-None-Match: *', or
    /// the SDKs' per-request conditions; azcopy cannot. See docs/mint.md.
    #[arg(long)]
    pub create_only: bool,

    /// Sign offline with a key saved by `sasmint key` (a file, or - for stdin). No network.
    #[arg(long, value_name = "FILE|-", env = "SASMINT_DELEGATION_KEY")]
    pub delegation_key: Option<PathBuf>,

    /// Before printing, use the token once per right it grants, changing no data; exit 4 if
    /// the service refuses it.
    ///
    /// One request per kind of right (read, add, create/write, delete, list, tags), e.g. a
    /// conditional Put Blob that cannot match for w: see the README. Needs the network, also
    /// with --delegation-key.
    #[arg(long)]
    pub verify: bool,

    /// What to print.
    #[arg(long, short, value_enum, default_value_t = MintOutput::Token, env = "SASMINT_OUTPUT")]
    pub output: MintOutput,

    /// Write the result to this file instead of stdout: a new file with mode 0600, written
    /// atomically.
    ///
    /// An existing file is replaced only with --force. A FIFO or device of your own is written
    /// to directly; another user's is refused.
    #[arg(long, value_name = "PATH")]
    pub output_file: Option<PathBuf>,

    /// With --output-file: replace an existing file (with a new 0600 file, atomically).
    #[arg(long, requires = "output_file")]
    pub force: bool,

    /// With --output github-actions: write the values to GITHUB_ENV (SAS_TOKEN, SAS_URL …)
    /// instead of step outputs in GITHUB_OUTPUT (sas_token, sas_url …).
    #[arg(long)]
    pub github_env: bool,

    #[command(flatten)]
    pub azure: AzureArgs,
}

impl MintArgs {
    pub(super) fn request(self) -> MintRequest {
        let access = match (self.permissions, self.preset) {
            (Some(letters), _) => Access::Letters(letters),
            (None, Some(preset)) => Access::Preset(preset),
            (None, None) => Access::Default,
        };
        MintRequest {
            urls: self.urls,
            from_file: self.from_file,
            fail_fast: self.fail_fast,
            token: TokenOptions {
                access,
                lifetime: self
                    .lifetime
                    .options()
                    .with_env_default(&credentials::process_env),
                ip: self.ip,
                allow_http: self.allow_http,
                encryption_scope: self.encryption_scope,
                correlation_id: self.correlation_id,
                headers: ResponseHeaders {
                    cache_control: self.cache_control,
                    content_disposition: self.content_disposition,
                    content_encoding: self.content_encoding,
                    content_language: self.content_language,
                    content_type: self.content_type,
                },
                delegated_user: self.delegated_user,
                delegated_user_tenant: self.delegated_user_tenant,
                snapshot: self.snapshot,
                version_id: self.version_id,
                directory: self.directory,
                require_headers: self.require_header,
                require_query: self.require_query,
                create_only: self.create_only,
                queue: self.queue,
                data_lake: true,
                delegation_key: self.delegation_key,
                verify: self.verify,
                azure: self.azure.options(),
            },
            output: self.output,
            output_file: self.output_file,
            force: self.force,
            github_env: self.github_env,
        }
    }
}

#[derive(Debug, Args)]
pub struct KeyArgs {
    /// The account URL (https://ACCOUNT.blob.core.windows.net) or any container URL in it; a
    /// queue endpoint (https://ACCOUNT.queue.core.windows.net) gives a key for queue tokens.
    #[arg(value_name = "URL")]
    pub url: String,

    /// The URL is a queue endpoint: for an emulator or custom-domain URL, whose host does not
    /// say so. Needs no flag on ACCOUNT.queue.core.windows.net.
    #[arg(long)]
    pub queue: bool,

    /// How long the key lives: 90m, 8h, 7d (at most 7d; 7d is clamped a few minutes short).
    #[arg(
        long,
        value_name = "DURATION",
        default_value = "8h",
        env = "SASMINT_EXPIRES_IN"
    )]
    pub expires_in: String,

    /// Ask for a key whose tokens a user of this tenant may use (DelegatedUserTid): saved as
    /// signedDelegatedUserTid, signed into tokens as skdutid.
    #[arg(long, value_name = "TENANT_ID")]
    pub delegated_user_tenant: Option<String>,

    /// Write the key to this file instead of stdout: a new file with mode 0600, written
    /// atomically.
    ///
    /// An existing file is replaced only with --force. A FIFO or device of your own is written
    /// to directly; another user's is refused.
    #[arg(long, value_name = "PATH")]
    pub output_file: Option<PathBuf>,

    /// With --output-file: replace an existing file (with a new 0600 file, atomically).
    #[arg(long, requires = "output_file")]
    pub force: bool,

    #[command(flatten)]
    pub azure: AzureArgs,
}

impl KeyArgs {
    pub(super) fn request(self) -> KeyRequest {
        KeyRequest {
            url: self.url,
            queue: self.queue,
            expires_in: self.expires_in,
            delegated_user_tenant: self.delegated_user_tenant,
            output_file: self.output_file,
            force: self.force,
            azure: self.azure.options(),
        }
    }
}
