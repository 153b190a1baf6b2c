//! What every `ard` verb shares: the checked endpoint and options, and signing in.

use crate::clients::ard::{self, Ard, Login};
use crate::clients::credentials::{self, Auth};
use crate::clients::http::{self, Service, StaticBearer};
use crate::domain::error::Result;
use crate::domain::redact;
use crate::pipeline::AzureOptions;
use crate::render::ard::ArdOutput;
use azure_core::http::Url;
use std::sync::Arc;

/// The checked parts every verb uses.
pub(super) struct Common {
    pub(super) base: Url,
    pub(super) account_id: Option<String>,
    pub(super) output: ArdOutput,
    pub(super) azure: AzureOptions,
}

impl Common {
    /// Signs in (token or password) and finds the account: the client and the account id.
    pub(super) async fn session(&self, login: Login) -> Result<(Ard, String)> {
        session(
            &self.base,
            login,
            self.account_id.clone(),
            self.azure.timeout,
            self.azure.auth,
        )
        .await
    }
}

/// An ARD client: signs in (token or password), and knows the account.
async fn session(
    base: &Url,
    login: Login,
    account_id: Option<String>,
    timeout: u64,
    auth: Auth,
) -> Result<(Ard, String)> {
    let options = || http::client_options(timeout);
    let token = match login {
        Login::Token(t) => t,
        Login::Password { username, password } => {
            let anonymous = Service::new("Maxar ARD", options()?, None, auth);
            ard::authenticate(&anonymous, base, &username, &password).await?
        }
    };
    redact::register(token.expose());
    let service = Service::new(
        "Maxar ARD",
        options()?,
        Some(Arc::new(StaticBearer(token))),
        auth,
    );
    let client = Ard::new(service, base.clone());
    let account = match account_id {
        Some(a) => a,
        None => client.account_id().await?,
    };
    Ok((client, account))
}

/// The ARD sign-in from the environment, checked before any request.
pub(super) fn login() -> Result<Login> {
    Login::from_env(&credentials::process_env)
}
