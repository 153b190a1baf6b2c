//! `sasmint geocatalog …`: GeoCatalog (Planetary Computer Pro) ingestion sources. One file
//! per verb; this module checks what all verbs share and connects to the catalog.

mod common;
mod delete;
mod identities;
mod list;
pub mod register;
mod show;
mod status;

use crate::clients::geocatalog::ApiVersion;
use crate::clients::http;
use crate::domain::error::{Failure, Result};
use crate::domain::lifetime;
use crate::io::secrets_env;
use crate::pipeline::AzureOptions;
use crate::render::geocatalog::GeoOutput;
use common::{no_token_output, Common};
use time::OffsetDateTime;

/// What every `geocatalog` verb takes.
#[derive(Debug)]
pub struct GeocatalogRequest {
    /// The catalog's endpoint, as typed (`--geocatalog` or `SASMINT_GEOCATALOG`).
    pub endpoint: Option<String>,
    pub api_version: ApiVersion,
    pub output: GeoOutput,
    pub azure: AzureOptions,
    pub action: Action,
}

#[derive(Debug)]
pub enum Action {
    Register(register::RegisterOptions),
    List,
    Status { expiring_within: String },
    Show { id: String },
    Delete { id: String },
    Identities,
}

pub fn run(request: GeocatalogRequest, quiet: bool) -> Result<()> {
    secrets_env::register_env();
    let endpoint = request.endpoint.as_deref().ok_or_else(|| {
        Failure::usage("no GeoCatalog endpoint")
            .hint("pass --geocatalog https://NAME.ID.REGION.geocatalog.spatio.azure.com or set SASMINT_GEOCATALOG")
    })?;
    let common = Common {
        base: http::parse_endpoint(endpoint, "--geocatalog")?,
        version: request.api_version,
        output: request.output,
        azure: request.azure,
    };
    let now = lifetime::truncate(OffsetDateTime::now_utc());
    // The verbs that print no token refuse the token outputs before anything else.
    let no_token = || no_token_output(common.output, "is only for `geocatalog register`", true);
    match request.action {
        Action::Register(options) => register::run(&options, &common, now, quiet),
        Action::Show { id } | Action::Delete { id } if id.trim().is_empty() => {
            Err(Failure::usage("the ingestion source id is empty")
                .hint("take the id from `sasmint geocatalog list`"))
        }
        Action::List => no_token().and_then(|()| list::run(&common)),
        Action::Status { expiring_within } => {
            no_token().and_then(|()| status::run(&expiring_within, &common, now))
        }
        Action::Show { id } => no_token().and_then(|()| show::run(&id, &common)),
        Action::Delete { id } => no_token().and_then(|()| delete::run(&id, &common)),
        Action::Identities => no_token().and_then(|()| identities::run(&common)),
    }
}
