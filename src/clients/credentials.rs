//! Entra ID credentials: one method chosen with `--auth`, or an ordered chain over the
//! standard environment (`--auth auto`) that says, on failure, what it tried and why each failed.
//!
//! Every token a credential returns is registered with [`crate::domain::redact`] before use.

use crate::clients::local_file;
use crate::domain::error::{Failure, Kind, Result};
use crate::domain::redact;
use crate::domain::shown;
use azure_core::credentials::Secret;
use azure_core::credentials::{AccessToken, TokenCredential, TokenRequestOptions};
use azure_core::error::ErrorKind;
use azure_core::http::ClientMethodOptions;
use azure_core::http::ClientOptions;
use azure_identity::{
    AzureCliCredential, AzureDeveloperCliCredential, AzurePipelinesCredential,
    AzurePipelinesCredentialOptions, ClientAssertion, ClientAssertionCredential,
    ClientAssertionCredentialOptions, ClientSecretCredential, ClientSecretCredentialOptions,
    ManagedIdentityCredential, ManagedIdentityCredentialOptions, UserAssignedId,
};
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

crate::domain::choices::choices! {
    /// How to get an Entra ID token.
    pub enum Auth {
        Auto = "auto": "Try, in order: client secret, workload identity, managed identity, Azure Pipelines, Azure CLI, Azure Developer CLI",
        AzureCli = "azure-cli": "The account of `az login`",
        Azd = "azd": "The account of `azd auth login`",
        ManagedIdentity = "managed-identity": "A managed identity (App Service/Functions/Container Apps, or an Azure VM via IMDS)",
        WorkloadIdentity = "workload-identity": "Workload identity federation (AKS, GitHub Actions OIDC): AZURE_FEDERATED_TOKEN_FILE",
        ClientSecret = "client-secret": "A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET",
        AzurePipelines = "azure-pipelines": "An Azure Pipelines service connection (AzureCLI@2 / AzurePowerShell tasks)",
    }
}

/// Reads environment variables; a function so tests can supply their own environment.
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The process environment, with empty values treated as unset.
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The chassis asset tag every Azure VM reports; read locally, so `auto` only talks to IMDS
/// on an Azure VM and never waits on 169.254.169.254 anywhere else.
const AZURE_ASSET_TAG: &str = "7783-7084-3265-9085-8269-3286-77";

/// Whether this is an Azure VM: `SASMINT_AZURE_VM=yes|no` when set (a container on an Azure VM
/// may not see the asset tag), else the machine's DMI chassis asset tag.
fn on_azure_vm(env: Env) -> bool {
    match env("SASMINT_AZURE_VM").as_deref().map(str::trim) {
        Some("yes" | "1" | "true") => true,
        Some("no" | "0" | "false") => false,
        _ => std::fs::read_to_string("/sys/class/dmi/id/chassis_asset_tag")
            .is_ok_and(|tag| tag.trim() == AZURE_ASSET_TAG),
    }
}

type Candidate = std::result::Result<Arc<dyn TokenCredential>, String>;

/// An error's text on one line, secrets scrubbed, shortened.
fn err_text(e: &(dyn std::error::Error + 'static)) -> String {
    one_line(&e.to_string(), 240)
}

fn one_line(text: &str, max_chars: usize) -> String {
    // Scrub before joining the lines and before cutting: a secret split over two lines is
    // found whole only across its line break, and a cut secret no longer matches.
    let scrubbed = redact::scrub(text);
    let joined = scrubbed.split_whitespace().collect::<Vec<_>>().join(" ");
    joined.chars().take(max_chars).collect()
}

fn client_secret(env: Env, options: &ClientOptions) -> Candidate {
    let (Some(tenant), Some(client), Some(secret)) = (
        env("AZURE_TENANT_ID"),
        env("AZURE_CLIENT_ID"),
        env("AZURE_CLIENT_SECRET"),
    ) else {
        return Err(
            "AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET are not all set".into(),
        );
    };
    // Before the first request: a token endpoint may echo it, in any encoding.
    redact::register_credential(&secret);
    ClientSecretCredential::new(
        &tenant,
        client,
        secret.into(),
        Some(ClientSecretCredentialOptions {
            client_options: options.clone(),
        }),
    )
    .map(|c| c as Arc<dyn TokenCredential>)
    .map_err(|e| err_text(&e))
}

fn workload_identity(env: Env, options: &ClientOptions) -> Candidate {
    let (Some(tenant), Some(client), Some(file)) = (
        env("AZURE_TENANT_ID"),
        env("AZURE_CLIENT_ID"),
        env("AZURE_FEDERATED_TOKEN_FILE"),
    ) else {
        return Err(
            "AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_ID and AZURE_TENANT_ID are not all set"
                .into(),
        );
    };
    // Read here, with the one reader of files (a regular file, at most 64 KiB, opened without
    // blocking), and handed to the SDK as the assertion: `WorkloadIdentityCredential` would read
    // the file itself, whole and blocking (a FIFO, `/dev/zero`).
    let token = FederatedToken::read(&file)?;
    ClientAssertionCredential::new(
        tenant,
        client,
        token,
        Some(ClientAssertionCredentialOptions {
            client_options: options.clone(),
        }),
    )
    .map(|c| c as Arc<dyn TokenCredential>)
    .map_err(|e| err_text(&e))
}

/// The federated token of workload identity, read once from `AZURE_FEDERATED_TOKEN_FILE`.
#[derive(Debug)]
struct FederatedToken(Secret);

impl FederatedToken {
    fn read(file: &str) -> std::result::Result<Self, String> {
        let path = std::path::Path::new(file);
        let named = || format!("AZURE_FEDERATED_TOKEN_FILE {}", shown::value(file));
        let text = local_file::read_text(path, local_file::CREDENTIAL_LIMIT)
            .map_err(|e| format!("cannot read {}: {e}", named()))?
            .ok_or_else(|| format!("{} is not UTF-8 text", named()))?;
        let token = text.trim();
        if token.is_empty() {
            return Err(format!("{} is empty", named()));
        }
        // Before the first request: a token endpoint may echo it.
        redact::register_credential(token);
        Ok(Self(Secret::new(token.to_owned())))
    }
}

#[async_trait::async_trait]
impl ClientAssertion for FederatedToken {
    async fn secret(&self, _: Option<ClientMethodOptions<'_>>) -> azure_core::Result<String> {
        Ok(self.0.secret().to_owned())
    }
}

fn managed_identity(env: Env, options: &ClientOptions, explicit: bool) -> Candidate {
    let app_service = env("IDENTITY_ENDPOINT").is_some() && env("IDENTITY_HEADER").is_some();
    if !app_service && !explicit && !on_azure_vm(env) {
        return Err(
            "IDENTITY_ENDPOINT/IDENTITY_HEADER are not set and this is not an Azure VM".into(),
        );
    }
    if let Some(header) = env("IDENTITY_HEADER") {
        redact::register_credential(&header);
    }
    ManagedIdentityCredential::new(Some(ManagedIdentityCredentialOptions {
        user_assigned_id: env("AZURE_CLIENT_ID").map(UserAssignedId::ClientId),
        client_options: options.clone(),
    }))
    .map(|c| c as Arc<dyn TokenCredential>)
    .map_err(|e| err_text(&e))
}

fn azure_pipelines(env: Env, options: &ClientOptions) -> Candidate {
    let (Some(tenant), Some(client), Some(connection), Some(token)) = (
        env("AZURESUBSCRIPTION_TENANT_ID"),
        env("AZURESUBSCRIPTION_CLIENT_ID"),
        env("AZURESUBSCRIPTION_SERVICE_CONNECTION_ID"),
        env("SYSTEM_ACCESSTOKEN"),
    ) else {
        return Err("AZURESUBSCRIPTION_TENANT_ID, AZURESUBSCRIPTION_CLIENT_ID, AZURESUBSCRIPTION_SERVICE_CONNECTION_ID and SYSTEM_ACCESSTOKEN are not all set".into());
    };
    redact::register_credential(&token);
    AzurePipelinesCredential::new(
        tenant,
        client,
        &connection,
        token,
        Some(AzurePipelinesCredentialOptions {
            credential_options: ClientAssertionCredentialOptions {
                client_options: options.clone(),
            },
        }),
    )
    .map(|c| c as Arc<dyn TokenCredential>)
    .map_err(|e| err_text(&e))
}

fn azure_cli() -> Candidate {
    AzureCliCredential::new(None)
        .map(|c| c as Arc<dyn TokenCredential>)
        .map_err(|e| err_text(&e))
}

fn azd() -> Candidate {
    AzureDeveloperCliCredential::new(None)
        .map(|c| c as Arc<dyn TokenCredential>)
        .map_err(|e| err_text(&e))
}

/// The credential for `auth`. An explicitly chosen method whose settings are missing is a
/// usage error (exit 2), found before any request.
pub fn build(auth: Auth, env: Env, options: &ClientOptions) -> Result<Arc<dyn TokenCredential>> {
    let candidates: Vec<(&'static str, Candidate)> = match auth {
        Auth::Auto => vec![
            ("client-secret", client_secret(env, options)),
            ("workload-identity", workload_identity(env, options)),
            ("managed-identity", managed_identity(env, options, false)),
            ("azure-pipelines", azure_pipelines(env, options)),
            ("azure-cli", azure_cli()),
            ("azd", azd()),
        ],
        Auth::AzureCli => vec![("azure-cli", azure_cli())],
        Auth::Azd => vec![("azd", azd())],
        Auth::ManagedIdentity => vec![("managed-identity", managed_identity(env, options, true))],
        Auth::WorkloadIdentity => vec![("workload-identity", workload_identity(env, options))],
        Auth::ClientSecret => vec![("client-secret", client_secret(env, options))],
        Auth::AzurePipelines => vec![("azure-pipelines", azure_pipelines(env, options))],
    };
    if auth != Auth::Auto {
        if let Some((name, Err(why))) = candidates.first() {
            return Err(Failure::usage(format!("--auth {name} cannot be used: {why}"))
                .hint("set the variables it needs, or choose another --auth (see `sasmint mint --help`)"));
        }
    }
    Ok(Arc::new(Chain {
        candidates,
        winner: AtomicUsize::new(usize::MAX),
    }))
}

/// Tries each available credential in order; remembers the first that works.
struct Chain {
    candidates: Vec<(&'static str, Candidate)>,
    winner: AtomicUsize,
}

impl fmt::Debug for Chain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.candidates.iter().map(|(n, _)| *n).collect();
        f.debug_struct("Chain").field("candidates", &names).finish()
    }
}

#[async_trait::async_trait]
impl TokenCredential for Chain {
    async fn get_token(
        &self,
        scopes: &[&str],
        options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        let winner = self.winner.load(Ordering::Relaxed);
        let mut tried = Vec::new();
        // The first failure to reach a token endpoint: kept whole (its chain names the
        // endpoint and says what happened), so that it is reported as a network failure.
        let mut unreached = None;
        for (index, (name, candidate)) in self.candidates.iter().enumerate() {
            if winner != usize::MAX && index != winner {
                continue;
            }
            let credential = match candidate {
                Ok(c) => c,
                Err(why) => {
                    tried.push(format!("{name}: {why}"));
                    continue;
                }
            };
            tracing::debug!(credential = name, "requesting a token");
            match credential.get_token(scopes, options.clone()).await {
                Ok(token) => {
                    // Before anyone sees it: a service may echo it (and each JWT segment).
                    redact::register_credential(token.token.secret());
                    tracing::info!(credential = name, "got a token");
                    self.winner.store(index, Ordering::Relaxed);
                    return Ok(token);
                }
                Err(e) => {
                    let too_big = crate::clients::transport::body_too_big(&e).is_some();
                    if (is_network(&e) || too_big) && self.candidates.len() == 1 {
                        // A single chosen method: keep the network error's chain (timeout,
                        // TLS, the endpoint), or the token endpoint's oversized answer (a
                        // service failure), as a credential's error.
                        return Err(azure_core::Error::new(ErrorKind::Credential, e));
                    }
                    tried.push(format!("{name}: {}", err_text(&e)));
                    if unreached.is_none() && is_network(&e) {
                        unreached = Some(e);
                    }
                }
            }
        }
        let message = format!(
            "no credential could get a token; tried {}",
            tried.join("; ")
        );
        Err(match unreached {
            Some(e) => azure_core::Error::with_error(ErrorKind::Credential, e, message),
            None => azure_core::Error::with_message(ErrorKind::Credential, message),
        })
    }
}

/// Whether `e` failed before its token endpoint answered: an I/O or connection error anywhere
/// in its chain (the SDK's credentials wrap it in their own), or a request the command's
/// deadline ended.
fn is_network(e: &azure_core::Error) -> bool {
    crate::clients::causes::sources(e).any(|s| {
        s.downcast_ref::<azure_core::Error>()
            .is_some_and(|a| matches!(a.kind(), ErrorKind::Io | ErrorKind::Connection))
            || s.is::<crate::clients::http::deadline::OutOfTime>()
            || s.is::<crate::clients::http::deadline::WaitTooLong>()
    })
}

/// The hint for a credential failure.
pub fn hint(auth: Auth) -> &'static str {
    match auth {
        Auth::Auto => "sign in with `az login`, or set AZURE_TENANT_ID/AZURE_CLIENT_ID/AZURE_CLIENT_SECRET, or pick a method with --auth",
        Auth::AzureCli => "run `az login` (and `az account set` for the right tenant)",
        Auth::Azd => "run `azd auth login`",
        Auth::ManagedIdentity => "run where a managed identity is assigned, or set AZURE_CLIENT_ID to pick a user-assigned one",
        Auth::WorkloadIdentity => "check the federated credential on the app registration and AZURE_FEDERATED_TOKEN_FILE",
        Auth::ClientSecret => "check AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET",
        Auth::AzurePipelines => "check the service connection and that SYSTEM_ACCESSTOKEN is mapped into the task's environment",
    }
}

/// Maps a credential error that escaped the chain into a failure. The pipeline wraps it in
/// context ("non-transport error …"); the root cause is what the user needs.
pub fn failure(auth: Auth, e: &azure_core::Error) -> Failure {
    // The chain's own message lists every candidate's (already shortened) reason.
    let root = crate::clients::causes::last_cause(e);
    Failure::new(Kind::Credential, one_line(&root, 2000)).hint(hint(auth))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn explicit_method_without_settings_is_a_usage_error() {
        let env = env_of(&[]);
        for auth in [
            Auth::ClientSecret,
            Auth::WorkloadIdentity,
            Auth::AzurePipelines,
        ] {
            let e = build(auth, &env, &ClientOptions::default()).unwrap_err();
            assert_eq!(e.kind, Kind::Usage, "{auth:?}");
        }
    }

    #[test]
    fn auto_tries_imds_only_on_an_azure_vm() {
        // Both decisions, on any machine; building the credential sends nothing.
        let off = env_of(&[("SASMINT_AZURE_VM", "no")]);
        let c = managed_identity(&off, &ClientOptions::default(), false);
        assert!(c.unwrap_err().contains("not an Azure VM"));
        let on = env_of(&[("SASMINT_AZURE_VM", "yes")]);
        assert!(managed_identity(&on, &ClientOptions::default(), false).is_ok());
        // Asked for explicitly, it is tried anywhere.
        assert!(managed_identity(&off, &ClientOptions::default(), true).is_ok());
    }

    #[test]
    fn client_secret_registers_the_secret() {
        let env = env_of(&[
            ("AZURE_TENANT_ID", "72f988bf-86f1-41af-91ab-2d7cd011db47"),
            ("AZURE_CLIENT_ID", "00000000-0000-0000-0000-000000000001"),
            ("AZURE_CLIENT_SECRET", "very-secret-value-123"),
        ]);
        assert!(client_secret(&env, &ClientOptions::default()).is_ok());
        assert_eq!(redact::scrub("x very-secret-value-123"), "x [REDACTED]");
    }
}
