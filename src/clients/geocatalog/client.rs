//! The GeoCatalog ingestion-sources client: register a container's SAS (rotating an existing
//! source in place) or a managed-identity source; list, show, delete.

use super::models::{
    ConnectionBody, IngestionSource, ManagedIdentity, Page, SourceBody, SourceSummary, SourceView,
};
use crate::clients::http::{self, CallError, JsonApi, Paged, Service};
use crate::domain::error::{Failure, Kind, Result};
use crate::domain::secret::Secret;
use crate::domain::{ids, shown};
use azure_core::http::{Method, Url};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// How many sources are read at once (`status`, and `register` searching the list).
pub const READS_AT_ONCE: usize = 8;

/// The namespace of the ids sasmint gives the sources it creates: a source's id is the
/// name-based UUID (version 5) of `"{kind} {container URL}"` in it, so `register` finds its own
/// source again with one GET. The namespace itself is the version-5 UUID of the URL
/// `https://sasmint.invalid/geocatalog/ingestion-source` in the standard URL namespace.
pub const ID_NAMESPACE: uuid::Uuid =
    uuid::Uuid::from_u128(0x0202_494e_a4af_53a2_a4df_992c_51a5_fbd0);

/// The id sasmint gives the source of `kind` for `container_url` (as `Target::resource_url`
/// writes it: no trailing `/`).
pub fn source_id(kind: &str, container_url: &str) -> String {
    uuid::Uuid::new_v5(&ID_NAMESPACE, format!("{kind} {container_url}").as_bytes()).to_string()
}

/// The token scope of the GeoCatalog data plane.
pub const SCOPE: &str = "https://geocatalog.spatio.azure.com/.default";

const HINT_403: &str = "the identity needs the GeoCatalog Administrator role on the catalog";

crate::domain::choices::choices! {
    /// Versions of the ingestion-sources API.
    pub enum ApiVersion {
        Ga20260415 = "2026-04-15": "GA: `/inma/ingestion-sources`, `kind`, client-generated ids",
        Preview20250430 = "2025-04-30-preview": "Preview, same shapes as GA",
        Legacy20240131 = "2024-01-31-preview": "Legacy: `/api/ingestion-sources`, `sourceType`, server-assigned ids, bare-array lists",
    }
}

impl ApiVersion {
    fn legacy(self) -> bool {
        self == ApiVersion::Legacy20240131
    }
}

/// What `register` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Created,
    Rotated,
    /// `--if-expiring-within`: the source's token lives long enough; nothing was changed.
    Kept,
}

/// How a source connects to the container.
pub enum Connection<'a> {
    Sas { token: &'a Secret },
    ManagedIdentity { object_id: &'a str },
}

impl Connection<'_> {
    pub fn kind(&self) -> &'static str {
        match self {
            Connection::Sas { .. } => "SasToken",
            Connection::ManagedIdentity { .. } => "BlobManagedIdentity",
        }
    }
}

/// How messages name the service ([`JsonApi`]).
const CALLED: &str = "the GeoCatalog";

pub struct GeoCatalog {
    api: JsonApi,
    base: Url,
    version: ApiVersion,
}

impl GeoCatalog {
    pub fn new(service: Service, base: Url, version: ApiVersion) -> Self {
        Self {
            api: JsonApi::new(service, CALLED, HINT_403),
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
            .append_pair("api-version", self.version.name());
        url
    }

    /// A `nextLink`, followed only on the catalog's own origin, with this client's api-version.
    fn next_link(&self, link: Option<&str>) -> Result<Option<Url>> {
        http::next_link(&self.base, link, self.version.name(), "the GeoCatalog")
    }

    /// Every item of a list, across all pages: the legacy API answers one bare array, the
    /// others pages of `{value, nextLink}`.
    async fn collect<T: DeserializeOwned>(&self, first: Url, what: &str) -> Result<Vec<T>> {
        let (items, _) = http::collect_pages(first, what, |url| async move {
            let reply = self.api.call(Method::Get, url, None, what).await?;
            match reply {
                // The legacy API answers a bare array.
                Value::Array(page) => Ok(Paged {
                    items: page,
                    next: None,
                }),
                Value::Object(_) => {
                    let page: Page = self.api.parse(reply, what)?;
                    let value = page.value.ok_or_else(|| {
                        Failure::new(
                            Kind::Service,
                            format!("{what}: the answer has no 'value' list"),
                        )
                    })?;
                    Ok(Paged {
                        items: value,
                        next: self.next_link(page.next_link.as_deref())?,
                    })
                }
                _ => Err(Failure::new(
                    Kind::Service,
                    format!("{what}: unexpected answer"),
                )),
            }
        })
        .await?;
        items
            .into_iter()
            .map(|item| self.api.parse(item, what))
            .collect()
    }

    /// Every source's summary (`id`, `kind`, `created`), across all pages.
    pub async fn list(&self) -> Result<Vec<SourceSummary>> {
        let sources: Vec<IngestionSource> = self
            .collect(self.url(&[]), "listing ingestion sources")
            .await?;
        Ok(sources.iter().map(|s| s.summary(self.version)).collect())
    }

    pub async fn show(&self, id: &str) -> Result<IngestionSource> {
        check_id(id)?;
        self.api
            .call_for(
                Method::Get,
                self.url(&[id]),
                None,
                "getting the ingestion source",
            )
            .await
    }

    pub async fn delete(&self, id: &str) -> Result<()> {
        check_id(id)?;
        self.api
            .call(
                Method::Delete,
                self.url(&[id]),
                None,
                "deleting the ingestion source",
            )
            .await
            .map(|_| ())
    }

    pub async fn identities(&self) -> Result<Vec<ManagedIdentity>> {
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

    /// The catalog's source of `kind` for `container_url`, if it holds one: sasmint's own with
    /// one GET of its name-based id ([`source_id`]). The legacy API assigns ids itself, so there
    /// the list is searched ([`find_in_list`](Self::find_in_list)).
    pub async fn find(&self, container_url: &str, kind: &str) -> Result<Option<IngestionSource>> {
        if self.version.legacy() {
            return self.find_in_list(container_url, kind).await;
        }
        let id = source_id(kind, container_url);
        let what = "looking up the ingestion source";
        match self
            .api
            .service()
            .call(Method::Get, self.url(&[&id]), None)
            .await
        {
            Ok(reply) => {
                let source: IngestionSource = self.api.parse(reply, what)?;
                Ok(source
                    .is_for(container_url, kind, self.version)
                    .then_some(source))
            }
            Err(CallError::Status { status: 404, .. }) => Ok(None),
            Err(e) => Err(self.api.failure(e, what)),
        }
    }

    /// Searches every source of `kind` (the list gives summaries only: the candidates are read,
    /// [`READS_AT_ONCE`] at a time) for the one of `container_url`.
    async fn find_in_list(
        &self,
        container_url: &str,
        kind: &str,
    ) -> Result<Option<IngestionSource>> {
        let (listed, bad) = usable(self.list().await?);
        if !bad.is_empty() {
            tracing::warn!(
                "left out {} listed ingestion sources whose id cannot be used in a URL path",
                bad.len()
            );
        }
        Ok(self
            .read_matching(listed, container_url, kind)
            .await?
            .into_iter()
            .next())
    }

    /// Every source of `kind` for `container_url`, as [`find_in_list`](Self::find_in_list)
    /// searches them.
    async fn find_all_in_list(
        &self,
        container_url: &str,
        kind: &str,
    ) -> Result<Vec<IngestionSource>> {
        let (listed, _) = usable(self.list().await?);
        self.read_matching(listed, container_url, kind).await
    }

    /// The listed sources of `kind` for `container_url`, read [`READS_AT_ONCE`] at a time, in
    /// the order of the list.
    async fn read_matching(
        &self,
        listed: Vec<SourceSummary>,
        container_url: &str,
        kind: &str,
    ) -> Result<Vec<IngestionSource>> {
        let candidates: Vec<String> = listed
            .into_iter()
            .filter(|s| s.kind.as_deref() == Some(kind))
            .filter_map(|s| s.id)
            .collect();
        use futures::stream::{self, StreamExt, TryStreamExt};
        for id in &candidates {
            check_given_id(id, "reading the ingestion sources")?;
        }
        let what = "reading the ingestion sources";
        // A source deleted between the list and its read (404: another run settling on one
        // source, see `settle`) is no candidate.
        let sources: Vec<Option<IngestionSource>> = stream::iter(&candidates)
            .map(|id| async move {
                match self
                    .api
                    .service()
                    .call(Method::Get, self.url(&[id]), None)
                    .await
                {
                    Ok(reply) => self.api.parse(reply, what).map(Some),
                    Err(CallError::Status { status: 404, .. }) => Ok(None),
                    Err(e) => Err(self.api.failure(e, what)),
                }
            })
            .buffered(READS_AT_ONCE)
            .try_collect()
            .await?;
        Ok(sources
            .into_iter()
            .flatten()
            .filter(|s| s.is_for(container_url, kind, self.version))
            .collect())
    }

    /// Every source in `ids`, read [`READS_AT_ONCE`] at a time, in the order of `ids`. The ids
    /// come from the service's list: one that is no path segment fails (exit 5) before any read.
    pub async fn read_all(&self, ids: &[String]) -> Result<Vec<IngestionSource>> {
        use futures::stream::{self, StreamExt, TryStreamExt};
        for id in ids {
            check_given_id(id, "reading the ingestion sources")?;
        }
        stream::iter(ids)
            .map(|id| self.show(id))
            .buffered(READS_AT_ONCE)
            .try_collect()
            .await
    }

    fn body(&self, id: Option<&str>, container_url: &str, connection: &Connection<'_>) -> Value {
        let connection_info = match *connection {
            Connection::Sas { token } => ConnectionBody::Sas {
                container_url,
                sas_token: token,
            },
            Connection::ManagedIdentity { object_id } => ConnectionBody::ManagedIdentity {
                container_url,
                object_id,
            },
        };
        let legacy = self.version.legacy();
        let body = SourceBody {
            id: id.filter(|_| !legacy),
            kind: (!legacy).then(|| connection.kind()),
            source_type: legacy.then(|| connection.kind()),
            connection_info,
        };
        http::to_json(&body)
    }

    async fn replace(
        &self,
        id: &str,
        container_url: &str,
        connection: &Connection<'_>,
    ) -> Result<IngestionSource> {
        check_given_id(id, "replacing the ingestion source")?;
        let body = self.body(Some(id), container_url, connection);
        self.api
            .call_for(
                Method::Put,
                self.url(&[id]),
                Some(&body),
                "replacing the ingestion source",
            )
            .await
    }

    /// Registers the container: replaces `existing` (found with [`find`](Self::find)) under its
    /// id (a rotation), or creates a source under sasmint's name-based id. A creation refused
    /// with 409 (the container has a source made some other way, or one appeared meanwhile)
    /// becomes a rotation of that source: the 409 names it, or the list is searched.
    pub async fn register(
        &self,
        container_url: &str,
        connection: Connection<'_>,
        existing: Option<&IngestionSource>,
    ) -> Result<(Action, IngestionSource)> {
        if let Some(id) = existing.and_then(|s| s.id.get()) {
            let source = self.replace(id, container_url, &connection).await?;
            return Ok((Action::Rotated, source));
        }
        let id = source_id(connection.kind(), container_url);
        let body = self.body(Some(&id), container_url, &connection);
        let what = "creating the ingestion source";
        match self
            .api
            .service()
            .call(Method::Post, self.url(&[]), Some(&body))
            .await
        {
            Ok(reply) => {
                let created: IngestionSource = self.api.parse(reply, what)?;
                if self.version.legacy() {
                    return self.settle(container_url, connection, created).await;
                }
                Ok((Action::Created, created))
            }
            Err(CallError::Status {
                status: 409,
                message,
                code,
            }) => {
                let existing = match conflicting_id(&message) {
                    Some(id) => Some(id),
                    None => self
                        .find_in_list(container_url, connection.kind())
                        .await?
                        .and_then(|s| s.id.get().cloned()),
                };
                let Some(existing) = existing else {
                    let conflict = CallError::Status {
                        status: 409,
                        code,
                        message,
                    };
                    return Err(self.api.failure(conflict, what));
                };
                let source = self.replace(&existing, container_url, &connection).await?;
                Ok((Action::Rotated, source))
            }
            Err(e) => Err(self.api.failure(e, what)),
        }
    }
}

impl GeoCatalog {
    /// The legacy API assigns ids itself and has no conditional requests, so runs registering
    /// one container at the same time may each create a source (the service refuses a second
    /// SAS source, but not a second managed-identity one). After creating, every run lists the
    /// sources of that kind for the container and settles on one: the earliest `created` (ties:
    /// the smallest id). A run whose own source is not that one deletes its own and rotates the
    /// winner with its credentials. Every run decides the same, so they end with one source.
    async fn settle(
        &self,
        container_url: &str,
        connection: Connection<'_>,
        created: IngestionSource,
    ) -> Result<(Action, IngestionSource)> {
        let Some(own) = created.id.get().cloned() else {
            return Ok((Action::Created, created));
        };
        let mut all = self
            .find_all_in_list(container_url, connection.kind())
            .await?;
        all.retain(|s| s.id.get().is_some());
        let winner = all
            .into_iter()
            .min_by(|a, b| settle_order(a).cmp(&settle_order(b)));
        match winner {
            Some(w) if w.id.get() != Some(&own) && settle_order(&w) < settle_order(&created) => {
                let id = w.id.get().cloned().unwrap_or_default();
                tracing::info!(
                    "another run registered the container at the same time: removing the duplicate source and rotating the first one"
                );
                self.delete_given(&own).await?;
                let source = self.replace(&id, container_url, &connection).await?;
                Ok((Action::Rotated, source))
            }
            _ => Ok((Action::Created, created)),
        }
    }

    async fn delete_given(&self, id: &str) -> Result<()> {
        check_given_id(id, "deleting the duplicate ingestion source")?;
        self.api
            .call(
                Method::Delete,
                self.url(&[id]),
                None,
                "deleting the duplicate ingestion source",
            )
            .await
            .map(|_| ())
    }
}

/// How [`GeoCatalog::settle`] orders sources: by `created` (a time; one the service did not give,
/// or cannot be read, last), then by id.
fn settle_order(source: &IngestionSource) -> (bool, i128, String) {
    use time::format_description::well_known::Rfc3339;
    let at = source
        .created
        .get()
        .and_then(|t| time::OffsetDateTime::parse(t.trim(), &Rfc3339).ok())
        .map(|t| t.unix_timestamp_nanos());
    (
        at.is_none(),
        at.unwrap_or_default(),
        source.id.get().cloned().unwrap_or_default(),
    )
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
    ids::check_path_id(
        id,
        "an ingestion source id",
        "take the id from `sasmint geocatalog list`",
    )
}

/// An id the service gave, before it is put in a path: one that is no path segment is the
/// service's fault (exit 5), never a request.
fn check_given_id(id: &str, what: &str) -> Result<()> {
    match ids::path_segment_problem(id) {
        None => Ok(()),
        Some(why) => Err(Failure::new(
            Kind::Service,
            format!(
                "{what}: the GeoCatalog gave the ingestion source id '{}', which cannot be used in a URL path ({why})",
                shown::value(id)
            ),
        )),
    }
}

/// Splits a list into the sources whose ids can be used in a path (or that have none) and the
/// ids that cannot ([`ids::bad_listed`] reports them).
pub fn usable(sources: Vec<SourceSummary>) -> (Vec<SourceSummary>, Vec<String>) {
    let (good, bad): (Vec<_>, Vec<_>) = sources
        .into_iter()
        .partition(|s| s.id.as_deref().is_none_or(ids::usable_listed));
    (good, bad.into_iter().filter_map(|s| s.id).collect())
}

impl IngestionSource {
    /// The kind, whatever the API version calls it.
    pub fn kind(&self, version: ApiVersion) -> Option<&str> {
        if version.legacy() {
            self.source_type.as_deref().or(self.kind.as_deref())
        } else {
            self.kind.as_deref()
        }
    }

    /// Whether this is the source of `kind` for `container_url`.
    pub fn is_for(&self, container_url: &str, kind: &str, version: ApiVersion) -> bool {
        let url = self
            .connection_info
            .get()
            .and_then(|c| c.container_url.as_deref())
            .map(|u| u.trim_end_matches('/'));
        self.kind(version) == Some(kind) && url == Some(container_url)
    }

    /// `{id, kind, created}`.
    pub fn summary(&self, version: ApiVersion) -> SourceSummary {
        SourceSummary {
            id: self.id.get().cloned(),
            kind: self.kind(version).map(str::to_owned),
            created: self.created.get().cloned(),
        }
    }

    /// The flat view that `register` and `show` print: never holds a token.
    pub fn view(&self, version: ApiVersion) -> SourceView {
        let info = self.connection_info.get().cloned().unwrap_or_default();
        SourceView {
            id: self.id.get().cloned(),
            kind: self.kind(version).map(str::to_owned),
            created: self.created.get().cloned(),
            container_url: info.container_url.get().cloned(),
            expiration: info.expiration.get().cloned(),
            object_id: info.object_id.get().cloned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_name_based_in_a_documented_namespace() {
        let url_namespace = uuid::Uuid::NAMESPACE_URL;
        assert_eq!(
            ID_NAMESPACE,
            uuid::Uuid::new_v5(
                &url_namespace,
                b"https://sasmint.invalid/geocatalog/ingestion-source"
            )
        );
        let id = source_id("SasToken", "https://acct.blob.core.windows.net/imagery");
        assert_eq!(id, "4eefe567-5ba6-5c4f-abdf-b2c3d38aad27");
        assert_ne!(
            id,
            source_id(
                "BlobManagedIdentity",
                "https://acct.blob.core.windows.net/imagery"
            )
        );
    }

    #[test]
    fn conflict_message_gives_the_id() {
        assert_eq!(
            conflicting_id("Container url https://a.blob.core.windows.net/c already contains a SAS token ingestion source with id 7d3c2f9e-1b2a-4c3d-9e8f-0a1b2c3d4e5f").as_deref(),
            Some("7d3c2f9e-1b2a-4c3d-9e8f-0a1b2c3d4e5f")
        );
        assert_eq!(conflicting_id("something else"), None);
    }

    #[test]
    fn the_flat_view_never_carries_a_token() {
        let parse = |value| http::service::parse_answer::<IngestionSource>(value, "test", CALLED);
        let source = parse(
            serde_json::json!({"id": "x", "kind": "SasToken", "created": "t",
            "connectionInfo": {"containerUrl": "u", "expiration": "e", "sasToken": "sig=SECRET"}}),
        )
        .unwrap();
        let view = serde_json::to_value(source.view(ApiVersion::Ga20260415)).unwrap();
        assert!(!view.to_string().contains("SECRET"));
        assert_eq!(view["expiration"], "e");
        let legacy = parse(serde_json::json!({"id": "x", "sourceType": "SasToken"})).unwrap();
        assert_eq!(
            legacy.view(ApiVersion::Legacy20240131).kind.as_deref(),
            Some("SasToken")
        );
    }

    #[test]
    fn bodies_follow_the_api_version() {
        let body = |version| {
            let catalog = GeoCatalog::new(
                Service::new(
                    "GeoCatalog",
                    azure_core::http::ClientOptions::default(),
                    None,
                    crate::clients::credentials::Auth::Auto,
                ),
                Url::parse("https://cat.example.com/").unwrap(),
                version,
            );
            catalog.body(
                Some("id-1"),
                "https://a.blob.core.windows.net/c",
                &Connection::Sas {
                    token: &Secret::new("sv=x".into()),
                },
            )
        };
        assert_eq!(
            body(ApiVersion::Ga20260415),
            serde_json::json!({"id": "id-1", "kind": "SasToken", "connectionInfo":
                {"containerUrl": "https://a.blob.core.windows.net/c", "sasToken": "sv=x"}})
        );
        assert_eq!(
            body(ApiVersion::Legacy20240131),
            serde_json::json!({"sourceType": "SasToken", "connectionInfo":
                {"containerUrl": "https://a.blob.core.windows.net/c", "sasToken": "sv=x"}})
        );
    }

    #[test]
    fn the_sas_connection_body_debug_shows_no_token() {
        let token = Secret::new("sv=x&sig=s1gnature".into());
        let body = ConnectionBody::Sas {
            container_url: "https://a.blob.core.windows.net/c",
            sas_token: &token,
        };
        let shown = format!("{body:?}");
        assert!(!shown.contains("s1gnature"), "{shown}");
        assert!(shown.contains("sas_token: Secret([REDACTED])"), "{shown}");
    }
}
