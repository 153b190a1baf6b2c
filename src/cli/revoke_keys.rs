//! `revoke-keys`.

use super::common::AzureArgs;
use crate::commands::revoke_keys::RevokeRequest;
use crate::render::revoke_keys::RevokeOutput;
use clap::Args;

pub(super) const REVOKE_EXAMPLES: &str = "\
Examples:
  # A token leaked: invalidate every user delegation SAS of the account
  sasmint revoke-keys https://myacct.blob.core.windows.net --subscription 0b1f6471-1bf0-4dda-aec3-cb9272f09590
  # From a script, with the resource id
  sasmint revoke-keys https://myacct.blob.core.windows.net --yes --output json \\
    --resource-id /subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/myacct";

#[derive(Debug, Args)]
pub struct RevokeKeysArgs {
    /// The storage account's blob endpoint (or any container URL in it).
    #[arg(value_name = "ACCOUNT_URL")]
    pub url: String,

    /// The subscription that holds the account: its resource id is found by listing the
    /// subscription's storage accounts.
    #[arg(long, env = "AZURE_SUBSCRIPTION_ID", value_name = "GUID")]
    pub subscription: Option<String>,

    /// The account's resource id (/subscriptions/…/resourceGroups/…/providers/Microsoft.Storage/storageAccounts/NAME); no listing needed.
    #[arg(long, value_name = "ID")]
    pub resource_id: Option<String>,

    /// Azure Resource Manager's endpoint [default: the blob endpoint's cloud:
    /// management.azure.com, management.chinacloudapi.cn or management.usgovcloudapi.net].
    #[arg(long, env = "SASMINT_ARM_ENDPOINT", value_name = "URL")]
    pub arm_endpoint: Option<String>,

    /// The token audience of that endpoint [default: its cloud's management audience; for a
    /// custom endpoint, the blob endpoint's cloud's, else https://management.azure.com].
    #[arg(long, env = "SASMINT_ARM_AUDIENCE", value_name = "URI")]
    pub arm_audience: Option<String>,

    /// Revoke without asking (needed when stdin is not a terminal).
    #[arg(long, short)]
    pub yes: bool,

    /// What to print.
    #[arg(long, short, value_enum, default_value_t = RevokeOutput::Text)]
    pub output: RevokeOutput,

    #[command(flatten)]
    pub azure: AzureArgs,
}

impl RevokeKeysArgs {
    pub(super) fn request(self) -> RevokeRequest {
        RevokeRequest {
            url: self.url,
            subscription: self.subscription,
            resource_id: self.resource_id,
            arm_endpoint: self.arm_endpoint,
            arm_audience: self.arm_audience,
            yes: self.yes,
            output: self.output,
            azure: self.azure.options(),
        }
    }
}
