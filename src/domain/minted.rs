//! A minted token and what it grants: what every output format is made from.

use crate::domain::sas::ResponseHeaders;
use crate::domain::secret::{self, Secret};
use serde::Serialize;
use std::collections::BTreeMap;

/// A minted token and what it grants. Never holds the delegation key's value. Its `Debug`
/// shows the token and the URL (which carries the token) as placeholders; its JSON, the
/// output of `mint --output json`, writes them ([`secret::serialize`]). Not `Clone`: a token
/// used in several places is shared by reference.
#[derive(Debug, Serialize)]
pub struct Minted {
    #[serde(serialize_with = "secret::serialize")]
    pub token: Secret,
    /// The resource URL with the token.
    #[serde(serialize_with = "secret::serialize")]
    pub url: Secret,
    pub account: String,
    /// The container (empty for a queue token: its queue is in `queue`).
    pub container: String,
    pub blob: Option<String>,
    /// `container`, `blob`, `directory` or `queue`.
    pub resource: &'static str,
    /// The `sr` value: `c`, `b`, `bs` (a snapshot), `bv` (a version) or `d` (a directory);
    /// `null` for a queue token, which carries no `sr`.
    pub signed_resource: Option<&'static str>,
    pub permissions: String,
    pub start: String,
    pub expiry: String,
    /// `se − st` in seconds: what an account's SAS expiration policy measures.
    pub interval_seconds: i64,
    pub protocol: String,
    pub ip: Option<String>,
    pub encryption_scope: Option<String>,
    /// The `scid` the token carries: storage logs it with every request made with the token.
    pub correlation_id: Option<String>,
    pub signed_version: String,
    pub signed_oid: String,
    pub signed_tid: String,
    pub key_start: String,
    pub key_expiry: String,
    #[serde(flatten)]
    pub extras: MintedExtras,
}

/// What only some tokens carry (issue 13): always present in JSON, `null` when not set.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MintedExtras {
    /// The queue of a queue token.
    pub queue: Option<String>,
    /// The directory path of a directory SAS (`sr=d`), below the container.
    pub directory: Option<String>,
    /// `sdd`: the number of path segments of that directory. The token grants the directory
    /// and everything below it.
    pub directory_depth: Option<usize>,
    /// `snapshot=`: the one snapshot a `sr=bs` token reads.
    pub snapshot: Option<String>,
    /// `versionid=`: the one version a `sr=bv` token reads.
    pub version_id: Option<String>,
    /// `rscc rscd rsce rscl rsct`: the headers Get Blob answers with when given the token.
    pub response_headers: ResponseHeaders,
    /// `sduoid`: the one Entra user (object id) who may use the token, with their own bearer
    /// token.
    pub delegated_user_oid: Option<String>,
    /// `skdutid`: the tenant of that user, from the key.
    pub delegated_user_tid: Option<String>,
    /// `srh`: the headers every request with the token must send, name to value, in the
    /// order of `srh`. Values are not secret.
    pub required_headers: Option<BTreeMap<String, String>>,
    /// `srq`: the query parameters every request with the token must carry, name to value.
    pub required_query_parameters: Option<BTreeMap<String, String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "sv=2026-04-06&sr=c&sp=rl&sig=c2VjcmV0LXNpZ25hdHVyZQ%3D%3D";

    fn minted() -> Minted {
        Minted {
            token: Secret::new(TOKEN.to_owned()),
            url: Secret::new(format!("https://acct.blob.core.windows.net/c?{TOKEN}")),
            account: "acct".into(),
            container: "c".into(),
            blob: None,
            resource: "container",
            signed_resource: Some("c"),
            permissions: "rl".into(),
            start: "2026-11-30T08:45:00Z".into(),
            expiry: "2026-11-30T17:00:00Z".into(),
            interval_seconds: 30_600,
            protocol: "https".into(),
            ip: None,
            encryption_scope: None,
            correlation_id: None,
            signed_version: "2026-04-06".into(),
            signed_oid: "o".into(),
            signed_tid: "t".into(),
            key_start: "2026-11-30T08:45:00Z".into(),
            key_expiry: "2026-11-30T17:00:00Z".into(),
            extras: MintedExtras::default(),
        }
    }

    #[test]
    fn debug_shows_neither_the_token_nor_the_url() {
        for shown in [format!("{:?}", minted()), format!("{:#?}", minted())] {
            assert!(!shown.contains("sig="), "{shown}");
            assert!(!shown.contains("c2VjcmV0"), "{shown}");
            assert!(shown.contains("token: Secret([REDACTED])"), "{shown}");
            assert!(shown.contains("url: Secret([REDACTED])"), "{shown}");
            assert!(shown.contains("account: \"acct\""), "{shown}");
        }
    }

    #[test]
    fn json_writes_the_token_and_the_url() {
        let json = serde_json::to_value(minted()).unwrap();
        assert_eq!(json["token"], TOKEN);
        assert_eq!(
            json["url"],
            format!("https://acct.blob.core.windows.net/c?{TOKEN}")
        );
    }
}
