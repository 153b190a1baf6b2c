//! Azure Resource Manager, for the one storage-account action sasmint takes there:
//! `revokeUserDelegationKeys`, which invalidates every user delegation key of an account and so
//! every user delegation SAS signed with them. Finding the account's resource id by its name
//! lists the subscription's storage accounts (paged with `nextLink`).
//!
//! Also the pure pieces the command checks before anything is sent: the cloud of a blob
//! endpoint (which ARM host and token audience go with it) and the shape of a storage account's
//! resource id.
//!
//! Failures come in ARM's `ErrorResponse` shape, `{"error": {"code", "message"}}`, which is
//! Azure.Core's: `http::CallError` reads the code and message from it.

use crate::clients::http::{self, CallError, Paged, Service};
use crate::domain::error::{Failure, Kind, Result};
use crate::domain::ids::hyphenated_guid;
use crate::domain::resource::validate_account;
use crate::domain::shown;
use azure_core::http::{Method, Url};
use serde::Deserialize;

/// The api-version of `Microsoft.Storage` sent with every request: the .NET management SDK's
/// default for `StorageAccounts_RevokeUserDelegationKeys` (the REST reference shows a newer one,
/// 2026-04-01, not yet in every cloud).
pub const API_VERSION: &str = "2025-08-01";

/// What a 401/403 means here.
pub const HINT_403: &str = "the identity needs Storage Account Contributor on the account (or a custom role with Microsoft.Storage/storageAccounts/revokeUserDelegationKeys/action; listing the subscription's accounts also needs Microsoft.Storage/storageAccounts/read)";

/// The clouds whose ARM endpoint follows from a blob endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cloud {
    Public,
    China,
    UsGov,
}

impl Cloud {
    /// The cloud of a blob endpoint's host: `ACCOUNT.blob.core.windows.net` and the DNS-zone
    /// endpoints `ACCOUNT.zNN.blob.storage.azure.net` are public; `None` for anything else (an
    /// emulator, an IP, a custom domain).
    pub fn of_blob_host(host: &str) -> Option<Cloud> {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        let (_, rest) = host.split_once('.')?;
        match rest {
            "blob.core.windows.net" => Some(Cloud::Public),
            "blob.core.chinacloudapi.cn" => Some(Cloud::China),
            "blob.core.usgovcloudapi.net" => Some(Cloud::UsGov),
            _ => rest
                .split_once('.')
                .filter(|(zone, tail)| {
                    zone.len() > 1
                        && zone.starts_with('z')
                        && zone[1..].bytes().all(|b| b.is_ascii_digit())
                        && *tail == "blob.storage.azure.net"
                })
                .map(|_| Cloud::Public),
        }
    }

    /// The cloud whose ARM host this is, if it is one of the three.
    pub fn of_arm_host(host: &str) -> Option<Cloud> {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        [Cloud::Public, Cloud::China, Cloud::UsGov]
            .into_iter()
            .find(|c| c.arm_host() == host)
    }

    pub fn arm_host(self) -> &'static str {
        match self {
            Cloud::Public => "management.azure.com",
            Cloud::China => "management.chinacloudapi.cn",
            Cloud::UsGov => "management.usgovcloudapi.net",
        }
    }

    /// The token audience of this cloud's ARM: `https://HOST`.
    pub fn audience(self) -> String {
        format!("https://{}", self.arm_host())
    }

    /// `https://HOST/`
    pub fn endpoint(self) -> Url {
        Url::parse(&format!("https://{}/", self.arm_host())).expect("a fixed https URL")
    }
}

/// A storage account's resource id, checked:
/// `/subscriptions/GUID/resourceGroups/NAME/providers/Microsoft.Storage/storageAccounts/NAME`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountId {
    pub subscription: String,
    pub resource_group: String,
    pub account: String,
}

impl AccountId {
    /// Parses a resource id; the literal segments match case-insensitively (as ARM does).
    /// `what` names where it came from, for the message.
    pub fn parse(text: &str, what: &str) -> Result<AccountId> {
        let bad = |why: &str| {
            Failure::usage(format!(
                "{what} '{}' is not a storage account resource id: {why}",
                shown::value(text.trim())
            ))
            .hint("the form is /subscriptions/GUID/resourceGroups/NAME/providers/Microsoft.Storage/storageAccounts/NAME (the account's Properties page in the portal, or `az storage account show -n NAME --query id`)")
        };
        let text = text.trim();
        let Some(rest) = text.strip_prefix('/') else {
            return Err(bad("it does not start with '/'"));
        };
        let parts: Vec<&str> = rest.split('/').collect();
        let expected = [
            "subscriptions",
            "",
            "resourceGroups",
            "",
            "providers",
            "Microsoft.Storage",
            "storageAccounts",
            "",
        ];
        if parts.len() != expected.len() {
            return Err(bad("it does not have the 8 segments of that form"));
        }
        for (part, want) in parts.iter().zip(expected) {
            if !want.is_empty() && !part.eq_ignore_ascii_case(want) {
                return Err(bad(&format!("'{want}' expected")));
            }
        }
        let subscription = check_subscription(parts[1], what)
            .map_err(|_| bad("the subscription is not a GUID"))?;
        let resource_group = parts[3];
        if !is_resource_group(resource_group) {
            return Err(bad("the resource group name is not valid (1-90 letters, digits, '_', '-', '.', '(' or ')', not ending in '.')"));
        }
        let account = parts[7];
        if validate_account(account).is_err() {
            return Err(bad(
                "the account name is not valid (3-24 lowercase letters and digits)",
            ));
        }
        Ok(AccountId {
            subscription,
            resource_group: resource_group.to_owned(),
            account: account.to_owned(),
        })
    }

    /// The canonical text of the id.
    pub fn to_text(&self) -> String {
        format!(
            "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Storage/storageAccounts/{}",
            self.subscription, self.resource_group, self.account
        )
    }
}

/// A subscription id: a GUID, written lowercase with hyphens.
pub fn check_subscription(text: &str, what: &str) -> Result<String> {
    hyphenated_guid(text.trim()).ok_or_else(|| {
        Failure::usage(format!(
            "{what} '{}' is not a subscription id (a GUID)",
            shown::value(text.trim())
        ))
        .hint("pass the subscription's GUID (`az account show --query id`)")
    })
}

/// ARM's rule for resource group names.
fn is_resource_group(name: &str) -> bool {
    (1..=90).contains(&name.chars().count())
        && !name.ends_with('.')
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '(' | ')'))
}

/// One page of `GET /subscriptions/{sub}/providers/Microsoft.Storage/storageAccounts`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AccountPage {
    value: Vec<AccountItem>,
    #[serde(default)]
    next_link: Option<String>,
}

/// A storage account in the list: only what is needed to find it.
#[derive(Debug, Deserialize)]
struct AccountItem {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

/// How ARM answered the revocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revoked {
    /// 200: done (what ARM documents for this action).
    Done,
    /// 202: accepted, to complete asynchronously (not documented for this action; ARM's generic
    /// contract allows it for any POST).
    Accepted,
}

pub struct Arm {
    service: Service,
    base: Url,
}

impl Arm {
    /// A client on `base` (`https://HOST/`, or a path below which ARM's paths go).
    pub fn new(service: Service, base: Url) -> Self {
        Self { service, base }
    }

    fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        {
            let mut path = url.path_segments_mut().expect("https URLs are bases");
            path.pop_if_empty();
            path.extend(segments);
        }
        url.query_pairs_mut()
            .append_pair("api-version", API_VERSION);
        url
    }

    /// A `nextLink`, followed only on ARM's own origin, with this client's api-version.
    fn next_link(&self, link: Option<&str>) -> Result<Option<Url>> {
        http::next_link(&self.base, link, API_VERSION, "Azure Resource Manager")
    }

    /// The resource id of `account` in `subscription`, by listing the subscription's storage
    /// accounts page by page until it turns up. Returns the id and the pages read.
    pub async fn find_account(
        &self,
        subscription: &str,
        account: &str,
    ) -> Result<(AccountId, usize)> {
        let what = "listing the subscription's storage accounts";
        let first = self.url(&[
            "subscriptions",
            subscription,
            "providers",
            "Microsoft.Storage",
            "storageAccounts",
        ]);
        // The list ends at the page that holds the account: its one item is the account's id.
        let (found, pages) = http::collect_pages(first, what, |url| async move {
            let reply = self
                .service
                .call(Method::Get, url, None)
                .await
                .map_err(|e| failure(e, what))?;
            let page: AccountPage = serde_json::from_value(reply).map_err(|_| {
                Failure::new(
                    Kind::Service,
                    format!("{what}: the answer is not a list of storage accounts"),
                )
            })?;
            let found = page
                .value
                .iter()
                .find(|item| item.name.as_deref() == Some(account));
            let Some(item) = found else {
                return Ok(Paged {
                    items: Vec::new(),
                    next: self.next_link(page.next_link.as_deref())?,
                });
            };
            let id = item.id.as_deref().unwrap_or_default();
            let parsed = AccountId::parse(id, "the id ARM listed")
                .map_err(|f| Failure::new(Kind::Service, f.message))?;
            if parsed.account != account {
                return Err(Failure::new(
                    Kind::Service,
                    format!(
                        "{what}: ARM listed '{}' under an id naming another account",
                        shown::value(account)
                    ),
                ));
            }
            Ok(Paged {
                items: vec![parsed],
                next: None,
            })
        })
        .await?;
        match found.into_iter().next() {
            Some(id) => Ok((id, pages)),
            None => Err(Failure::new(
                Kind::Service,
                format!(
                    "the storage account '{}' is not in subscription {subscription}",
                    shown::value(account)
                ),
            )
            .hint("pass the subscription that holds it (--subscription or AZURE_SUBSCRIPTION_ID), or its --resource-id")),
        }
    }

    /// `POST {id}/revokeUserDelegationKeys`, no body.
    pub async fn revoke_user_delegation_keys(&self, id: &AccountId) -> Result<Revoked> {
        let url = self.url(&[
            "subscriptions",
            &id.subscription,
            "resourceGroups",
            &id.resource_group,
            "providers",
            "Microsoft.Storage",
            "storageAccounts",
            &id.account,
            "revokeUserDelegationKeys",
        ]);
        let what = "revoking the user delegation keys";
        match self.service.call_with_status(Method::Post, url, None).await {
            Ok((202, _)) => Ok(Revoked::Accepted),
            Ok(_) => Ok(Revoked::Done),
            Err(e) => Err(failure(e, what)),
        }
    }
}

/// The failure of `what`; a 404 most often means the wrong subscription or resource id.
fn failure(e: CallError, what: &str) -> Failure {
    let not_found = matches!(e, CallError::Status { status: 404, .. });
    let failure = e.into_failure(what, HINT_403);
    if not_found {
        failure.hint("check --subscription (or AZURE_SUBSCRIPTION_ID) and --resource-id: ARM does not know the subscription, the resource group or the account there")
    } else {
        failure
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg-data.1/providers/Microsoft.Storage/storageAccounts/acct01";

    #[test]
    fn resource_ids_parse_case_insensitively() {
        let id = AccountId::parse(ID, "--resource-id").unwrap();
        assert_eq!(id.subscription, "0b1f6471-1bf0-4dda-aec3-cb9272f09590");
        assert_eq!(id.resource_group, "rg-data.1");
        assert_eq!(id.account, "acct01");
        assert_eq!(id.to_text(), ID);
        let lower = ID
            .replace("resourceGroups", "resourcegroups")
            .replace("Microsoft.Storage", "microsoft.storage")
            .replace("storageAccounts", "STORAGEACCOUNTS")
            .replace(
                "0b1f6471-1bf0-4dda-aec3-cb9272f09590",
                "0B1F6471-1BF0-4DDA-AEC3-CB9272F09590",
            );
        assert_eq!(AccountId::parse(&lower, "x").unwrap().to_text(), ID);
    }

    #[test]
    fn bad_resource_ids_are_usage_errors() {
        for bad in [
            "",
            "subscriptions/x",
            &ID.replace("0b1f6471-1bf0-4dda-aec3-cb9272f09590", "not-a-guid"),
            &ID.replace("Microsoft.Storage", "Microsoft.Compute"),
            &ID.replace("storageAccounts", "virtualMachines"),
            &ID.replace("acct01", "Acct01"),
            &ID.replace("rg-data.1", "rg."),
            &ID.replace("rg-data.1", "rg/x"),
            &ID.replace("rg-data.1", ""),
            &format!("{ID}/"),
            &format!("{ID}/blobServices/default"),
            &format!("{ID}?x"),
            "/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/a\u{1b}[2J",
        ] {
            let e = AccountId::parse(bad, "--resource-id").unwrap_err();
            assert_eq!(e.kind, Kind::Usage, "{bad}");
            assert!(!e.message.contains('\u{1b}'), "{}", e.message);
        }
    }

    #[test]
    fn subscriptions_are_guids() {
        assert!(check_subscription("0b1f6471-1bf0-4dda-aec3-cb9272f09590", "x").is_ok());
        for bad in [
            "",
            "0b1f64711bf04ddaaec3cb9272f09590",
            "{0b1f6471-1bf0-4dda-aec3-cb9272f09590}",
            "sub",
        ] {
            assert_eq!(
                check_subscription(bad, "x").unwrap_err().kind,
                Kind::Usage,
                "{bad}"
            );
        }
    }

    #[test]
    fn the_cloud_follows_the_blob_endpoint() {
        assert_eq!(
            Cloud::of_blob_host("a.blob.core.windows.net"),
            Some(Cloud::Public)
        );
        assert_eq!(
            Cloud::of_blob_host("a.z13.blob.storage.azure.net"),
            Some(Cloud::Public)
        );
        assert_eq!(
            Cloud::of_blob_host("a.blob.core.chinacloudapi.cn"),
            Some(Cloud::China)
        );
        assert_eq!(
            Cloud::of_blob_host("a.blob.core.usgovcloudapi.net"),
            Some(Cloud::UsGov)
        );
        for none in [
            "127.0.0.1",
            "localhost",
            "files.example.com",
            "a.blob.core.windows.net.evil",
            "a.zz.blob.storage.azure.net",
        ] {
            assert_eq!(Cloud::of_blob_host(none), None, "{none}");
        }
        assert_eq!(
            Cloud::China.audience(),
            "https://management.chinacloudapi.cn"
        );
        assert_eq!(
            Cloud::of_arm_host("management.usgovcloudapi.net"),
            Some(Cloud::UsGov)
        );
        assert_eq!(Cloud::of_arm_host("127.0.0.1"), None);
    }

    #[test]
    fn next_links_stay_on_arms_origin() {
        let service = Service::new(
            "Azure Resource Manager",
            Default::default(),
            None,
            crate::clients::credentials::Auth::Auto,
        );
        let arm = Arm::new(service, Cloud::Public.endpoint());
        let next = arm
            .next_link(Some("https://management.azure.com/subscriptions/s/providers/Microsoft.Storage/storageAccounts?api-version=2019-01-01&%24skipToken=abc"))
            .unwrap()
            .unwrap();
        assert_eq!(
            next.query(),
            Some("%24skipToken=abc&api-version=2025-08-01")
        );
        assert!(arm.next_link(Some("https://evil.example/x")).is_err());
        assert!(arm
            .next_link(Some("http://management.azure.com/x"))
            .is_err());
        assert_eq!(arm.next_link(None).unwrap(), None);
    }
}
