//! `sasmint revoke-keys`: incident response. Asks Azure Resource Manager to revoke every user
//! delegation key of a storage account, which invalidates every user delegation SAS signed for
//! it (sasmint's and anyone else's).
//!
//! Check (the account URL, the resource id or subscription, the ARM endpoint and audience, the
//! confirmation) → act (find the resource id by listing the subscription, unless given; revoke)
//! → render.

use crate::clients::arm::{self, AccountId, Arm, Cloud, Revoked};
use crate::clients::http::{parse_endpoint, Service};
use crate::domain::error::{Failure, Result};
use crate::domain::{resource, shown};
use crate::io::runtime::network;
use crate::io::secrets_env;
use crate::io::terminal::{confirm, note, stdout};
use crate::pipeline::{self, AzureOptions};
use crate::render::revoke_keys::{render, Revocation, RevokeOutput};
use azure_core::http::policies::auth::BearerTokenAuthorizationPolicy;
use azure_core::http::Url;
use std::sync::Arc;

#[derive(Debug)]
pub struct RevokeRequest {
    /// The account URL (or any container URL in it).
    pub url: String,
    /// `--subscription` / `AZURE_SUBSCRIPTION_ID`.
    pub subscription: Option<String>,
    /// `--resource-id`.
    pub resource_id: Option<String>,
    /// `--arm-endpoint` / `SASMINT_ARM_ENDPOINT`.
    pub arm_endpoint: Option<String>,
    /// `--arm-audience` / `SASMINT_ARM_AUDIENCE`.
    pub arm_audience: Option<String>,
    /// `--yes`: no confirmation asked.
    pub yes: bool,
    pub output: RevokeOutput,
    pub azure: AzureOptions,
}

/// Where the account's resource id comes from.
enum Lookup {
    Given(AccountId),
    List { subscription: String },
}

pub fn run(request: RevokeRequest, quiet: bool) -> Result<()> {
    secrets_env::register_env();
    // ---- check: everything before a credential is built or a request sent ----
    let target = resource::parse(&request.url, request.azure.account.as_deref(), false, true)?;
    let account = target.account.clone();
    let blob_cloud = target
        .service_url()
        .host_str()
        .and_then(Cloud::of_blob_host);
    let base = match &request.arm_endpoint {
        Some(text) => parse_endpoint(text, "--arm-endpoint")?,
        None => blob_cloud.map(Cloud::endpoint).ok_or_else(|| {
            Failure::usage(format!(
                "{} is not an Azure public, China or US Gov blob endpoint, so the Azure Resource Manager endpoint does not follow from it",
                shown::value(target.service())
            ))
            .hint("pass --arm-endpoint https://… (or SASMINT_ARM_ENDPOINT): your cloud's Resource Manager endpoint (Azure Stack Hub: https://management.LOCATION.FQDN)")
        })?,
    };
    let scope = scope(&base, blob_cloud, request.arm_audience.as_deref())?;
    let lookup = match (&request.resource_id, &request.subscription) {
        (Some(id), _) => {
            let id = AccountId::parse(id, "--resource-id")?;
            if id.account != account {
                return Err(Failure::usage(format!(
                    "--resource-id names the account '{}', but the URL names '{}'",
                    shown::value(&id.account),
                    shown::value(&account)
                ))
                .hint("pass the resource id of the account in the URL"));
            }
            Lookup::Given(id)
        }
        (None, Some(subscription)) => Lookup::List {
            subscription: arm::check_subscription(subscription, "--subscription")?,
        },
        (None, None) => {
            return Err(Failure::usage(
                "revoke-keys needs the account's subscription or resource id",
            )
            .hint("pass --subscription GUID (or set AZURE_SUBSCRIPTION_ID), or --resource-id /subscriptions/…/storageAccounts/NAME"))
        }
    };
    if !request.yes {
        let question = format!(
            "revoke every user delegation key of {account}? this breaks every user delegation SAS signed for it [y/N]"
        );
        match confirm(&question) {
            None => {
                return Err(Failure::usage(
                    "revoke-keys asks for confirmation, and stdin is not a terminal",
                )
                .hint("pass --yes to revoke without asking (scripts, CI)"))
            }
            Some(false) => {
                return Err(Failure::usage("not confirmed: nothing was revoked")
                    .hint("answer 'y' to revoke, or pass --yes"))
            }
            Some(true) => {}
        }
    }

    // ---- act ----
    let AzureOptions { auth, timeout, .. } = request.azure;
    let (credential, options) = pipeline::credential(auth, timeout)?;
    let policy = BearerTokenAuthorizationPolicy::new(credential, [scope.as_str()]);
    let client = Arm::new(
        Service::new(
            "Azure Resource Manager",
            options,
            Some(Arc::new(policy)),
            auth,
        ),
        base,
    );
    let (id, revoked) = network(timeout, "revoking the user delegation keys", async {
        let id = match lookup {
            Lookup::Given(id) => id,
            Lookup::List { subscription } => {
                let (id, pages) = client.find_account(&subscription, &account).await?;
                tracing::info!(pages, "found the account's resource id");
                id
            }
        };
        let revoked = client.revoke_user_delegation_keys(&id).await?;
        Ok((id, revoked))
    })?;
    if revoked == Revoked::Accepted {
        note(
            quiet,
            "Azure Resource Manager accepted the revocation (202) without confirming it (it documents 200 for this action): it completes asynchronously",
        );
    }

    // ---- render ----
    stdout(&render(
        &Revocation {
            account,
            resource_id: id.to_text(),
            completed: revoked == Revoked::Done,
        },
        request.output,
    )?)
}

/// The token scope for ARM at `base`: `--arm-audience` when given; else the audience of the
/// cloud whose ARM host `base` is; else (a custom endpoint) the audience of the blob endpoint's
/// cloud, or the public cloud's.
fn scope(base: &Url, blob_cloud: Option<Cloud>, audience: Option<&str>) -> Result<String> {
    let audience = match audience {
        Some(text) => parse_endpoint(text, "--arm-audience")?
            .as_str()
            .trim_end_matches('/')
            .to_owned(),
        None => base
            .host_str()
            .and_then(Cloud::of_arm_host)
            .or(blob_cloud)
            .unwrap_or(Cloud::Public)
            .audience(),
    };
    Ok(format!("{audience}/.default"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn scopes() {
        let s = |base: &str, blob, aud| scope(&url(base), blob, aud).unwrap();
        assert_eq!(
            s("https://management.azure.com/", Some(Cloud::Public), None),
            "https://management.azure.com/.default"
        );
        assert_eq!(
            s(
                "https://management.chinacloudapi.cn/",
                Some(Cloud::China),
                None
            ),
            "https://management.chinacloudapi.cn/.default"
        );
        // A custom endpoint: the blob endpoint's cloud, else public.
        assert_eq!(
            s("https://arm.example/", Some(Cloud::UsGov), None),
            "https://management.usgovcloudapi.net/.default"
        );
        assert_eq!(
            s("https://127.0.0.1:1/", None, None),
            "https://management.azure.com/.default"
        );
        assert_eq!(
            s(
                "https://management.local.azurestack.external/",
                None,
                Some("https://management.adfs.azurestack.local/0123")
            ),
            "https://management.adfs.azurestack.local/0123/.default"
        );
        assert!(scope(&url("https://a/"), None, Some("http://x")).is_err());
    }
}
