//! Microsoft Planetary Computer Pro (GeoCatalog) ingestion sources: register a container's SAS
//! (rotating an existing source in place), or a managed-identity source; list, show, delete.

use crate::error::{Failure, Kind, Result};
use crate::service::{CallError, Service};
use azure_core::http::{Method, Url};
use serde_json::{json, Value};

/// The token scope of the GeoCatalog data plane.
pub const SCOPE: &str = "https://geocatalog.spatio.azure.com/.default";

const HINT_403: &str = "the identity needs the GeoCatalog Administrator role on the catalog";

/// Versions of the ingestion-sources API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ApiVersion {
    /// GA: `/inma/ingestion-sources`, `kind`, client-generated ids.
    #[value(name = "2026-04-15")]
    Ga20260415,
    /// Preview, same shapes as GA.
    #[value(name = "2025-04-30-preview")]
    Preview20250430,
    /// Legacy: `/api/ingestion-sources`, `sourceType`, server-assigned ids, bare-array lists.
    #[value(name = "2024-01-31-preview")]
    Legacy20240131,
}

impl ApiVersion {
    fn as_str(self) -> &'static str {
        match self {
            ApiVersion::Ga20260415 => "2026-04-15",
            ApiVersion::Preview20250430 => "2025-04-30-preview",
            ApiVersion::Legacy20240131 => "2024-01-31-preview",
        }
    }
    fn legacy(self) -> bool {
        self == ApiVersion::Legacy20240131
    }
    fn kind_field(self) -> &'static str {
        if self.legacy() {
            "sourceType"
        } else {
            "kind"
        }
    }
}

/// What `register` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Created,
    Rotated,
}

/// How a source connects to the container.
pub enum Connection<'a> {
    Sas { token: &'a str },
    ManagedIdentity { object_id: &'a str },
}

impl Connection<'_> {
    fn kind(&self) -> &'static str {
        match self {
            Connection::Sas { .. } => "SasToken",
            Connection::ManagedIdentity { .. } => "BlobManagedIdentity",
        }
    }
}

pub struct GeoCatalog {
    service: Service,
    base: Url,
    version: ApiVersion,
}

impl GeoCatalog {
    pub fn new(service: Service, base: Url, version: ApiVersion) -> Self {
        Self {
            service,
            base,
            version,
        }
    }

    fn url(&self, tail: &[&str]) -> Url {
        let mut url = self.base.clone();
        {
            let mut segments = url.path_segments_mut().expect("https URLs are bases");
            segments.pop_if_empty();
            segments.push(if self.version.legacy() { "api" } else { "inma" });
            segments.push("ingestion-sources");
            segments.extend(tail);
        }
        url.query_pairs_mut()
            .append_pair("api-version", self.version.as_str());
        url
    }

    async fn call(
        &self,
        method: Method,
        url: Url,
        body: Option<&Value>,
        what: &str,
    ) -> Result<Value> {
        self.service
            .call(method, url, body)
            .await
            .map_err(|e| e.into_failure(what, HINT_403))
    }

    /// A `nextLink` is followed only on the catalog's own origin: the bearer token goes with it.
    /// It gets this client's `api-version` (added, or replacing the link's own): the service
    /// requires one on every request and need not put it in the link.
    fn next_link(&self, body: &Value) -> Result<Option<Url>> {
        let Some(link) = body.get("nextLink").and_then(Value::as_str) else {
            return Ok(None);
        };
        let mut url = self.base.join(link).map_err(|_| {
            Failure::new(
                Kind::Service,
                "the GeoCatalog returned a nextLink that is not a URL",
            )
        })?;
        if url.origin() != self.base.origin() {
            return Err(Failure::new(
                Kind::Service,
                "the GeoCatalog returned a nextLink to another host; not following it with a bearer token",
            ));
        }
        set_api_version(&mut url, self.version.as_str());
        Ok(Some(url))
    }

    async fn collect(&self, first: Url, what: &str) -> Result<Vec<Value>> {
        let mut items = Vec::new();
        let mut next = Some(first);
        let mut pages = 0;
        while let Some(url) = next.take() {
            pages += 1;
            if pages > 10_000 {
                return Err(Failure::new(
                    Kind::Service,
                    format!("{what}: the service kept returning pages"),
                ));
            }
            let reply = self.call(Method::Get, url, None, what).await?;
            match &reply {
                Value::Array(page) => items.extend(page.iter().cloned()),
                Value::Object(_) => {
                    let page = reply
                        .get("value")
                        .and_then(Value::as_array)
                        .ok_or_else(|| {
                            Failure::new(
                                Kind::Service,
                                format!("{what}: the answer has no 'value' list"),
                            )
                        })?;
                    items.extend(page.iter().cloned());
                    next = self.next_link(&reply)?;
                }
                _ => {
                    return Err(Failure::new(
                        Kind::Service,
                        format!("{what}: unexpected answer"),
                    ))
                }
            }
        }
        Ok(items)
    }

    /// Every source's summary (`id`, `kind`, `created`), across all pages.
    pub async fn list(&self) -> Result<Vec<Value>> {
        let sources = self
            .collect(self.url(&[]), "listing ingestion sources")
            .await?;
        Ok(sources
            .into_iter()
            .map(|s| summary(&s, self.version))
            .collect())
    }

    pub async fn show(&self, id: &str) -> Result<Value> {
        check_id(id)?;
        self.call(
            Method::Get,
            self.url(&[id]),
            None,
            "getting the ingestion source",
        )
        .await
    }

    pub async fn delete(&self, id: &str) -> Result<()> {
        check_id(id)?;
        self.call(
            Method::Delete,
            self.url(&[id]),
            None,
            "deleting the ingestion source",
        )
        .await
        .map(|_| ())
    }

    pub async fn identities(&self) -> Result<Vec<Value>> {
        if self.version.legacy() {
            return Err(Failure::usage(
                "the 2024-01-31-preview API has no managed-identities list",
            )
            .hint("use --api-version 2026-04-15"));
        }
        self.collect(
            self.url(&["managed-identities"]),
            "listing managed identities",
        )
        .await
    }

    /// The id of an existing source of the same kind for `container_url`, if any.
    async fn existing(&self, container_url: &str, kind: &str) -> Result<Option<String>> {
        for source in self.list().await? {
            if source.get("kind").and_then(Value::as_str) != Some(kind) {
                continue;
            }
            let Some(id) = source.get("id").and_then(Value::as_str) else {
                continue;
            };
            let full = self.show(id).await?;
            let url = full
                .pointer("/connectionInfo/containerUrl")
                .and_then(Value::as_str)
                .map(|u| u.trim_end_matches('/'));
            if url == Some(container_url) {
                return Ok(Some(id.to_owned()));
            }
        }
        Ok(None)
    }

    fn body(&self, id: Option<&str>, container_url: &str, connection: &Connection<'_>) -> Value {
        let info = match connection {
            Connection::Sas { token } => json!({"containerUrl": container_url, "sasToken": token}),
            Connection::ManagedIdentity { object_id } => {
                json!({"containerUrl": container_url, "objectId": object_id})
            }
        };
        let mut body =
            json!({ self.version.kind_field(): connection.kind(), "connectionInfo": info });
        if let (Some(id), false) = (id, self.version.legacy()) {
            body["id"] = json!(id);
        }
        body
    }

    async fn replace(
        &self,
        id: &str,
        container_url: &str,
        connection: &Connection<'_>,
    ) -> Result<Value> {
        let body = self.body(Some(id), container_url, connection);
        self.call(
            Method::Put,
            self.url(&[id]),
            Some(&body),
            "replacing the ingestion source",
        )
        .await
    }

    /// Registers the container: replaces an existing source of the same kind for it under its
    /// id (a rotation), or creates one; a creation that loses a race (409) becomes a rotation.
    pub async fn register(
        &self,
        container_url: &str,
        connection: Connection<'_>,
    ) -> Result<(Action, Value)> {
        let kind = connection.kind();
        if let Some(id) = self.existing(container_url, kind).await? {
            let source = self.replace(&id, container_url, &connection).await?;
            return Ok((Action::Rotated, source));
        }
        let id = uuid::Uuid::new_v4().to_string();
        let body = self.body(Some(&id), container_url, &connection);
        match self
            .service
            .call(Method::Post, self.url(&[]), Some(&body))
            .await
        {
            Ok(reply) => Ok((Action::Created, reply)),
            Err(CallError::Status {
                status: 409,
                message,
                code,
            }) => {
                let Some(existing) = conflicting_id(&message) else {
                    return Err(CallError::Status {
                        status: 409,
                        code,
                        message,
                    }
                    .into_failure("creating the ingestion source", HINT_403));
                };
                let source = self.replace(&existing, container_url, &connection).await?;
                Ok((Action::Rotated, source))
            }
            Err(e) => Err(e.into_failure("creating the ingestion source", HINT_403)),
        }
    }
}

/// Sets `api-version=VERSION` on `url`, dropping any other `api-version`; the rest of the query
/// is kept as it is (continuation tokens are opaque).
fn set_api_version(url: &mut Url, version: &str) {
    let mut query: Vec<&str> = url
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|pair| {
            let name = pair.split_once('=').map_or(*pair, |(name, _)| name);
            !pair.is_empty()
                && !percent_encoding::percent_decode_str(name)
                    .decode_utf8_lossy()
                    .eq_ignore_ascii_case("api-version")
        })
        .collect();
    let version = format!("api-version={version}");
    query.push(&version);
    url.set_query(Some(&query.join("&")));
}

/// The id in "Container url … already contains a SAS token ingestion source with id <id>".
fn conflicting_id(message: &str) -> Option<String> {
    let (_, rest) = message.rsplit_once("with id ")?;
    let id: String = rest
        .trim()
        .trim_end_matches('.')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    (!id.is_empty()).then_some(id)
}

fn check_id(id: &str) -> Result<()> {
    if id.trim().is_empty() || id.len() > 500 || id.chars().any(char::is_control) {
        return Err(
            Failure::usage(format!("'{id}' is not an ingestion source id"))
                .hint("take the id from `sasmint geocatalog list`"),
        );
    }
    Ok(())
}

/// `{id, kind, created}` whatever the API version calls them.
fn summary(source: &Value, version: ApiVersion) -> Value {
    json!({
        "id": source.get("id").cloned().unwrap_or(Value::Null),
        "kind": source.get(version.kind_field()).or_else(|| source.get("kind")).cloned().unwrap_or(Value::Null),
        "created": source.get("created").cloned().unwrap_or(Value::Null),
    })
}

/// The flat view of a source that `register` prints: never holds a token.
pub fn flatten(source: &Value, version: ApiVersion) -> Value {
    let info = source.get("connectionInfo");
    let field = |name: &str| {
        info.and_then(|i| i.get(name))
            .cloned()
            .unwrap_or(Value::Null)
    };
    let mut flat = summary(source, version);
    flat["containerUrl"] = field("containerUrl");
    flat["expiration"] = field("expiration");
    flat["objectId"] = field("objectId");
    flat
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflict_message_gives_the_id() {
        assert_eq!(
            conflicting_id("Container url https://a.blob.core.windows.net/c already contains a SAS token ingestion source with id 7d3c2f9e-1b2a-4c3d-9e8f-0a1b2c3d4e5f").as_deref(),
            Some("7d3c2f9e-1b2a-4c3d-9e8f-0a1b2c3d4e5f")
        );
        assert_eq!(conflicting_id("something else"), None);
    }

    #[test]
    fn followed_links_get_the_api_version() {
        let mut url = Url::parse("https://cat.example.com/inma/ingestion-sources?$skip=2").unwrap();
        set_api_version(&mut url, "2026-04-15");
        assert_eq!(
            url.as_str(),
            "https://cat.example.com/inma/ingestion-sources?$skip=2&api-version=2026-04-15"
        );
        let mut url = Url::parse(
            "https://cat.example.com/inma/ingestion-sources?api-version=2020-01-01&$skipToken=a%2Bb%3D&API-Version=x",
        )
        .unwrap();
        set_api_version(&mut url, "2025-04-30-preview");
        assert_eq!(
            url.as_str(),
            "https://cat.example.com/inma/ingestion-sources?$skipToken=a%2Bb%3D&api-version=2025-04-30-preview"
        );
        let mut url = Url::parse("https://cat.example.com/inma/ingestion-sources").unwrap();
        set_api_version(&mut url, "2026-04-15");
        assert_eq!(url.query(), Some("api-version=2026-04-15"));
    }

    #[test]
    fn flatten_never_carries_a_token() {
        let source = json!({"id": "x", "kind": "SasToken", "created": "t",
            "connectionInfo": {"containerUrl": "u", "expiration": "e", "sasToken": "sig=SECRET"}});
        let flat = flatten(&source, ApiVersion::Ga20260415);
        assert!(!flat.to_string().contains("SECRET"));
        assert_eq!(flat["expiration"], "e");
        let legacy = json!({"id": "x", "sourceType": "SasToken"});
        assert_eq!(
            flatten(&legacy, ApiVersion::Legacy20240131)["kind"],
            "SasToken"
        );
    }
}
