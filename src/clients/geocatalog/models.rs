//! The ingestion-sources API's payloads, as typed models (after the GeoCatalog SDK's
//! `IngestionSource`, `SasTokenConnection`, `ManagedIdentityConnection` and paged lists).
//!
//! What the service returns is read into these; what `show` and `identities` print as JSON is
//! the same document written back: known fields as they came (absent, `null` or a value, see
//! [`Field`]), unknown ones kept in `other`, keys sorted.

use crate::clients::field::Field;
use crate::domain::secret::{self, Secret};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// An ingestion source. The kind is `kind`, or `sourceType` in the 2024-01-31-preview API.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IngestionSource {
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub id: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub kind: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub source_type: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub created: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub connection_info: Field<ConnectionInfo>,
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// How a source reaches its container. `sasToken` is write-only: the service never returns it.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionInfo {
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub container_url: Field<String>,
    /// When the SAS token expires (SAS sources).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub expiration: Field<String>,
    /// The managed identity (managed-identity sources).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub object_id: Field<String>,
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl ConnectionInfo {
    /// When the SAS token expires, if the service said so in RFC 3339.
    pub fn expires_at(&self) -> Option<time::OffsetDateTime> {
        let text = self.expiration.as_deref()?;
        time::OffsetDateTime::parse(text.trim(), &time::format_description::well_known::Rfc3339)
            .ok()
    }
}

/// A list entry: what `list` prints, whatever the API version calls the kind.
#[derive(Debug, Clone, Serialize)]
pub struct SourceSummary {
    pub id: Option<String>,
    pub kind: Option<String>,
    pub created: Option<String>,
}

/// The flat view of a source that `register` and `show` print: never holds a token.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceView {
    pub id: Option<String>,
    pub kind: Option<String>,
    pub created: Option<String>,
    pub container_url: Option<String>,
    pub expiration: Option<String>,
    pub object_id: Option<String>,
}

/// A managed identity the catalog can use for sources.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ManagedIdentity {
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub object_id: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub resource_id: Field<String>,
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// The body of a create (`POST`) or replace (`PUT`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceBody<'a> {
    /// Client-generated (not in the legacy API, which assigns ids itself).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_type: Option<&'a str>,
    pub connection_info: ConnectionBody<'a>,
}

/// `connectionInfo` as sent: a SAS connection, or a managed-identity connection.
#[derive(Debug, Serialize)]
#[serde(untagged, rename_all_fields = "camelCase")]
pub enum ConnectionBody<'a> {
    Sas {
        container_url: &'a str,
        #[serde(serialize_with = "secret::serialize")]
        sas_token: &'a Secret,
    },
    ManagedIdentity {
        container_url: &'a str,
        object_id: &'a str,
    },
}

/// One page of a list: `{value, nextLink}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Page {
    pub value: Option<Vec<Value>>,
    #[serde(default)]
    pub next_link: Option<String>,
}
