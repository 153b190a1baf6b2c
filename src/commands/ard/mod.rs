//! `sasmint ard …`: Maxar ARD order-delivery credentials. One file per verb; this module
//! checks what all verbs share and signs in to ARD.

mod common;
mod delete;
mod list;
pub mod register;
mod show;

use crate::clients::{ard, http};
use crate::domain::error::{Failure, Result};
use crate::domain::{lifetime, shown};
use crate::io::secrets_env;
use crate::pipeline::AzureOptions;
use crate::render::ard::ArdOutput;
use common::Common;
use time::OffsetDateTime;

/// What every `ard` verb takes.
#[derive(Debug)]
pub struct ArdRequest {
    /// The ARD API base URL, as typed.
    pub endpoint: String,
    /// The ARD account id; default: the signed-in user's.
    pub account_id: Option<String>,
    pub output: ArdOutput,
    pub azure: AzureOptions,
    pub action: Action,
}

#[derive(Debug)]
pub enum Action {
    Register(register::RegisterOptions),
    /// `reveal`: print stored SAS signatures (masked otherwise).
    List {
        reveal: bool,
    },
    Show {
        credentials_id: String,
        reveal: bool,
    },
    Delete {
        credentials_id: String,
    },
}

pub fn run(request: ArdRequest, quiet: bool) -> Result<()> {
    secrets_env::register_env();
    let common = Common {
        base: http::parse_endpoint(&request.endpoint, "--ard-endpoint")?,
        account_id: request.account_id,
        output: request.output,
        azure: request.azure,
    };
    let now = lifetime::truncate(OffsetDateTime::now_utc());
    if let Some(account) = &common.account_id {
        ard::check_credentials_id(account).map_err(|_| {
            Failure::usage(format!(
                "--account-id '{}' is not an account id",
                shown::value(account)
            ))
        })?;
    }
    match request.action {
        Action::Register(options) => register::run(&options, &common, now, quiet),
        Action::List { reveal } => list::run(&common, reveal),
        Action::Show {
            credentials_id,
            reveal,
        } => show::run(&credentials_id, &common, reveal),
        Action::Delete { credentials_id } => delete::run(&credentials_id, &common),
    }
}
