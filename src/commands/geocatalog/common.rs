//! What every `geocatalog` verb shares: the checked endpoint and options, and the client.

use crate::clients::geocatalog::{self, ApiVersion, GeoCatalog};
use crate::clients::http::Service;
use crate::domain::error::{Failure, Result};
use crate::pipeline::{self, AzureOptions};
use crate::render::geocatalog::GeoOutput;
use azure_core::credentials::TokenCredential;
use azure_core::http::policies::auth::BearerTokenAuthorizationPolicy;
use azure_core::http::{ClientOptions, Url};
use std::sync::Arc;

/// The checked parts every verb uses.
pub(super) struct Common {
    pub(super) base: Url,
    pub(super) version: ApiVersion,
    pub(super) output: GeoOutput,
    pub(super) azure: AzureOptions,
}

impl Common {
    /// The credential and pipeline options for talking to the catalog (and storage).
    pub(super) fn credential(&self) -> Result<(Arc<dyn TokenCredential>, ClientOptions)> {
        pipeline::credential(self.azure.auth, self.azure.timeout)
    }

    /// The catalog client, signing in with `credential`.
    pub(super) fn catalog(
        &self,
        credential: Arc<dyn TokenCredential>,
        options: ClientOptions,
    ) -> GeoCatalog {
        let auth = BearerTokenAuthorizationPolicy::new(credential, [geocatalog::SCOPE]);
        GeoCatalog::new(
            Service::new("GeoCatalog", options, Some(Arc::new(auth)), self.azure.auth),
            self.base.clone(),
            self.version,
        )
    }

    /// The client for verbs that mint nothing.
    pub(super) fn connect(&self) -> Result<GeoCatalog> {
        let (credential, options) = self.credential()?;
        Ok(self.catalog(credential, options))
    }
}

/// Refuses `--output token` (and the CI formats, with `ci`) where there is no token to hand on.
pub(super) fn no_token_output(output: GeoOutput, why: &str, ci: bool) -> Result<()> {
    let refused = match output {
        GeoOutput::Token => true,
        GeoOutput::GithubActions | GeoOutput::AzurePipelines => ci,
        GeoOutput::Text | GeoOutput::Json => false,
    };
    if refused {
        return Err(Failure::usage(format!("--output {} {why}", output.name()))
            .hint("use --output text or --output json"));
    }
    Ok(())
}
