//! A minted token and what it grants: what every output format is made from.

use serde::Serialize;

/// A minted token and what it grants. Never holds the delegation key's value.
#[derive(Debug, Clone, Serialize)]
pub struct Minted {
    pub token: String,
    pub url: String,
    pub account: String,
    pub container: String,
    pub blob: Option<String>,
    /// `container` or `blob`.
    pub resource: &'static str,
    /// The `sr` value: `c` or `b`.
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
}
