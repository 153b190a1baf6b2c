//! `revoke-keys`'s output.

use super::pretty;
use crate::domain::error::Result;
use crate::domain::{neutral, shown};
use serde_json::json;

crate::domain::choices::choices! {
    /// Output of `revoke-keys`.
    pub enum RevokeOutput {
        Text = "text": "One line saying what was revoked",
        Json = "json": "{\"revoked\": true, \"account\", \"resource_id\", \"completed\"}",
    }
}

/// What was revoked.
pub struct Revocation {
    pub account: String,
    pub resource_id: String,
    /// ARM answered 200 (done), not 202 (accepted, completing asynchronously).
    pub completed: bool,
}

pub fn render(revocation: &Revocation, format: RevokeOutput) -> Result<String> {
    let Revocation {
        account,
        resource_id,
        completed,
    } = revocation;
    let (shown_account, shown_id) = (shown::escape(account), shown::escape(resource_id));
    Ok(match format {
        RevokeOutput::Text if *completed => neutral::text(format!(
            "revoked every user delegation key of {shown_account} ({shown_id})\n"
        )),
        RevokeOutput::Text => neutral::text(format!(
            "revocation of every user delegation key of {shown_account} ({shown_id}) accepted; it completes asynchronously\n"
        )),
        RevokeOutput::Json => pretty::json(&json!({
            "revoked": true,
            "account": account,
            "resource_id": resource_id,
            "completed": completed,
        }))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_json() {
        let r = Revocation {
            account: "acct".into(),
            resource_id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct".into(),
            completed: true,
        };
        assert_eq!(
            render(&r, RevokeOutput::Text).unwrap(),
            "revoked every user delegation key of acct (/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct)\n"
        );
        let v: serde_json::Value =
            serde_json::from_str(&render(&r, RevokeOutput::Json).unwrap()).unwrap();
        assert_eq!(v["revoked"], true);
        assert_eq!(v["account"], "acct");
        assert_eq!(v["completed"], true);
    }
}
