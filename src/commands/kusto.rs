//! `sasmint kusto-uri`: a blob or container URI for Azure Data Explorer ingestion, with a read
//! SAS or with `;managed_identity=…` and no SAS.

use crate::clients::credentials;
use crate::domain::error::{Failure, Result};
use crate::domain::ids::check_object_id;
use crate::domain::permissions::Preset;
use crate::domain::secret::Secret;
use crate::domain::{lifetime, resource};
use crate::io::secrets_env;
use crate::io::terminal::stdout;
use crate::pipeline::{self, AzureOptions, LifetimeOptions, TokenOptions};
use crate::render::kusto::{ci_values, render, KustoOutput, KustoUri};
use std::path::PathBuf;
use time::OffsetDateTime;

#[derive(Debug)]
pub struct KustoRequest {
    /// A blob URL (or a container URL).
    pub url: String,
    /// An object id, or `system`: a URI without a SAS.
    pub managed_identity: Option<String>,
    pub output: KustoOutput,
    pub lifetime: LifetimeOptions,
    pub delegation_key: Option<PathBuf>,
    /// Verify the SAS before printing it.
    pub verify: bool,
    /// With `--output github-actions`: GITHUB_ENV instead of GITHUB_OUTPUT.
    pub github_env: bool,
    pub azure: AzureOptions,
}

pub fn run(request: KustoRequest, quiet: bool) -> Result<()> {
    secrets_env::register_env();
    let ci_file = super::ci::github_file(
        request.output == KustoOutput::GithubActions,
        request.github_env,
    )?;
    let target = resource::parse(&request.url, request.azure.account.as_deref(), false, false)?;
    let uri = match &request.managed_identity {
        Some(_) if request.lifetime.any() || request.delegation_key.is_some() || request.verify => {
            return Err(Failure::usage(
                "--managed-identity makes a URI without a SAS: --expires-in, --expiry, --start, --delegation-key and --verify do not apply",
            )
            .hint("drop those options, or drop --managed-identity to get a SAS URI"));
        }
        Some(mi) => {
            // `system`, or the identity's object id as it is sent: lowercase, hyphenated.
            let mi = match mi.as_str() {
                "system" => mi.clone(),
                id => check_object_id(id, "--managed-identity")?,
            };
            KustoUri {
                uri: Secret::new(format!("{};managed_identity={mi}", target.resource_url())),
                auth: "managed_identity",
                managed_identity: Some(mi),
                expiry: None,
            }
        }
        None => {
            let now = lifetime::truncate(OffsetDateTime::now_utc());
            let lifetime = request
                .lifetime
                .clone()
                .with_env_default(&credentials::process_env);
            let mut token =
                TokenOptions::for_preset(Preset::Kusto, lifetime, request.azure.clone());
            token.delegation_key = request.delegation_key.clone();
            token.verify = request.verify;
            let plan = pipeline::plan(&request.url, &token, now)?;
            let minted = pipeline::mint(plan, token.delegation_key.as_deref(), now, None, quiet)?;
            KustoUri {
                uri: minted.url,
                auth: "sas",
                managed_identity: None,
                expiry: Some(minted.expiry),
            }
        }
    };
    stdout(&render(&uri, request.output)?)?;
    if let Some(path) = ci_file {
        super::ci::write_github(&path, &ci_values(&uri), request.github_env)?;
    }
    Ok(())
}
