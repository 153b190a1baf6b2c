//! `sasmint key`: fetch a user delegation key and print it as JSON (a secret).

use crate::clients::storage;
use crate::domain::error::Result;
use crate::domain::lifetime::{self, Until};
use crate::domain::resource;
use crate::domain::secret::Secret;
use crate::io::outfile::{self, emit};
use crate::io::runtime::network;
use crate::io::secrets_env;
use crate::io::terminal::note;
use crate::pipeline::{self, AzureOptions, Clamped};
use std::io::IsTerminal;
use std::path::PathBuf;
use time::OffsetDateTime;

#[derive(Debug)]
pub struct KeyRequest {
    /// The account URL, or any container URL in it.
    pub url: String,
    /// `--queue`: the URL is a queue endpoint (a key for queue tokens).
    pub queue: bool,
    /// How long the key lives, as typed.
    pub expires_in: String,
    /// `--delegated-user-tenant`: ask for a key whose tokens users of this tenant may use.
    pub delegated_user_tenant: Option<String>,
    pub output_file: Option<PathBuf>,
    /// Replace an existing `output_file`.
    pub force: bool,
    pub azure: AzureOptions,
}

pub fn run(request: KeyRequest, quiet: bool) -> Result<()> {
    secrets_env::register_env();
    let now = lifetime::truncate(OffsetDateTime::now_utc());
    let mut target = resource::parse(&request.url, request.azure.account.as_deref(), false, true)?;
    if request.queue {
        target = target.into_queue()?;
    }
    pipeline::check_token_recipient(&target, &request.azure)?;
    let lifetime = lifetime::parse_duration(&request.expires_in)?;
    let window = lifetime::window(now, None, Until::In(lifetime))?;
    let key_request = lifetime::key_request(now, window);
    let tenant = request
        .delegated_user_tenant
        .as_deref()
        .map(pipeline::delegated_user_tenant)
        .transpose()?;
    outfile::check(request.output_file.as_deref(), request.force)?;
    pipeline::note_clamp(quiet, key_request, Clamped::Key);
    let AzureOptions { auth, timeout, .. } = request.azure;
    let (credential, options) = pipeline::credential(auth, timeout)?;
    let key = network(timeout, "getting the delegation key", async move {
        storage::fetch_key(&target, credential, key_request, tenant, options, auth).await
    })?;
    if request.output_file.is_none() && std::io::stdout().is_terminal() {
        note(
            quiet,
            "this key signs tokens for the whole account until it expires: keep it secret (save it with --output-file, which creates the file with mode 0600)",
        );
    }
    // Both the JSON and the line that carries it hold the key's value: both are zeroed.
    let line = Secret::new(format!("{}\n", key.to_json().expose()));
    emit(line.expose(), request.output_file.as_deref(), request.force)
}
