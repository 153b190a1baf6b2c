//! A minted token and what it grants: what every output format is made from.

use crate::domain::sas::ResponseHeaders;
use serde::Serialize;

/// A minted token and what it grants. Never holds the delegation key's value.
#[derive(Debug, Clone, Serialize)]
pub struct Minted {
    pub token: String,
    pub url: String,
    pub account: String,
    pub container: String,
    pub blob: Option<String>,
    /// `container`, `blob` or `directory`.
    pub resource: &'static str,
    /// The `sr` value: `c`, `b`, `bs` (a snapshot), `bv` (a version) or `d` (a directory).
    pub signed_resource: &'static str,
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
}
