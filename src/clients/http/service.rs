//! JSON REST calls to the services that consume tokens (GeoCatalog, Maxar ARD, Azure Resource
//! Manager): one pipeline per service, its answers parsed into typed models, its lists read
//! page by page.

use super::error::{classify_transport, CallError};
use crate::clients::credentials::Auth;
use crate::domain::encoding::{percent_decode, Escapes};
use crate::domain::error::{Failure, Kind, Result};
use azure_core::http::policies::Policy;
use azure_core::http::{
    ClientOptions, Context, Method, Pipeline, PipelineSendOptions, Request, Url,
};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::future::Future;
use std::sync::Arc;

/// A JSON service behind one pipeline.
pub struct Service {
    pipeline: Pipeline,
    /// For messages: "GeoCatalog", "Maxar ARD".
    pub name: &'static str,
    /// Which `--auth` produced the credential, for credential failures.
    pub auth: Auth,
}

impl Service {
    pub fn new(
        name: &'static str,
        options: ClientOptions,
        auth_policy: Option<Arc<dyn Policy>>,
        auth: Auth,
    ) -> Self {
        let pipeline = Pipeline::new(
            option_env!("CARGO_PKG_NAME"),
            option_env!("CARGO_PKG_VERSION"),
            options,
            Vec::new(),
            auth_policy.into_iter().collect(),
            None,
        );
        Self {
            pipeline,
            name,
            auth,
        }
    }

    /// Sends `method url` with an optional JSON body and returns the JSON answer (`null` when
    /// empty). Any 2xx is success.
    pub async fn call(
        &self,
        method: Method,
        url: Url,
        body: Option<&Value>,
    ) -> std::result::Result<Value, CallError> {
        self.call_with_status(method, url, body)
            .await
            .map(|(_, value)| value)
    }

    /// [`call`](Self::call), also returning the success status (200, 201, 202, …).
    pub async fn call_with_status(
        &self,
        method: Method,
        url: Url,
        body: Option<&Value>,
    ) -> std::result::Result<(u16, Value), CallError> {
        let endpoint = format!(
            "{}://{}{}",
            url.scheme(),
            url.host_str().unwrap_or_default(),
            url.path()
        );
        let mut request = Request::new(url, method);
        request.insert_header("accept", "application/json");
        if let Some(body) = body {
            request.insert_header("content-type", "application/json");
            request.set_body(serde_json::to_vec(body).expect("JSON values serialize"));
        }
        let response = self
            .pipeline
            .send(
                &Context::new(),
                &mut request,
                Some(PipelineSendOptions::default()),
            )
            .await;
        match response {
            Ok(raw) => {
                let status = u16::from(raw.status());
                let bytes = raw.into_body();
                if bytes.is_empty() {
                    return Ok((status, Value::Null));
                }
                let value = serde_json::from_slice(&bytes).map_err(|_| {
                    CallError::Failed(Failure::new(
                        Kind::Service,
                        format!(
                            "{} answered {status} with a body that is not JSON",
                            self.name
                        ),
                    ))
                })?;
                Ok((status, value))
            }
            Err(e) => Err(CallError::from_sdk(&e).unwrap_or_else(|| {
                CallError::Failed(classify_transport(
                    &e,
                    &format!("calling {}", self.name),
                    &endpoint,
                    self.auth,
                ))
            })),
        }
    }
}

/// A JSON API on a [`Service`], with what its failures say: how messages name the service
/// ("the GeoCatalog", "Maxar ARD") and what a 401/403 needs granted.
pub struct JsonApi {
    service: Service,
    called: &'static str,
    hint_403: &'static str,
}

impl JsonApi {
    pub fn new(service: Service, called: &'static str, hint_403: &'static str) -> Self {
        Self {
            service,
            called,
            hint_403,
        }
    }

    /// The service, for a call whose error statuses the client handles itself (a 404 that
    /// means "none", a 409 that names the existing resource).
    pub fn service(&self) -> &Service {
        &self.service
    }

    /// [`Service::call`], an error answer reported as the failure of `what`.
    pub async fn call(
        &self,
        method: Method,
        url: Url,
        body: Option<&Value>,
        what: &str,
    ) -> Result<Value> {
        self.service
            .call(method, url, body)
            .await
            .map_err(|e| self.failure(e, what))
    }

    /// A call whose answer is one `T`.
    pub async fn call_for<T: DeserializeOwned>(
        &self,
        method: Method,
        url: Url,
        body: Option<&Value>,
        what: &str,
    ) -> Result<T> {
        let reply = self.call(method, url, body, what).await?;
        self.parse(reply, what)
    }

    /// A `T` from this service's answer ([`parse_answer`]).
    pub fn parse<T: DeserializeOwned>(&self, value: Value, what: &str) -> Result<T> {
        parse_answer(value, what, self.called)
    }

    /// The failure of `what` that `e` is.
    pub fn failure(&self, e: CallError, what: &str) -> Failure {
        e.into_failure(what, self.hint_403)
    }
}

/// A typed model `T` from a JSON service answer: an empty answer (a 201/204 without a body)
/// is the model's defaults; a shape that does not fit the API is the service's error (exit 5),
/// never quoted (it may echo a secret).
pub fn parse_answer<T: DeserializeOwned>(value: Value, what: &str, service: &str) -> Result<T> {
    if value.is_null() {
        if let Ok(empty) = serde_json::from_value(Value::Object(serde_json::Map::new())) {
            return Ok(empty);
        }
    }
    serde_json::from_value(value).map_err(|_| {
        Failure::new(
            Kind::Service,
            format!("{what}: {service} answered with a body that does not fit its API"),
        )
    })
}

/// A request body from a typed model.
pub fn to_json<T: serde::Serialize>(body: &T) -> Value {
    serde_json::to_value(body).expect("plain data serializes")
}

/// The most pages of one list sasmint reads: a service that keeps returning pages (links that
/// loop, a cursor that never ends) is an error, not an endless loop.
pub const MAX_PAGES: usize = 10_000;

/// One page of a list: its items, and the cursor of the next page (`None` after the last).
pub struct Paged<C, T> {
    pub items: Vec<T>,
    pub next: Option<C>,
}

/// Reads a list page by page from `first`: `fetch` reads the page at a cursor (a `nextLink`,
/// a `starting_after` id). Returns the items of every page, in order, and how many pages were
/// read; past [`MAX_PAGES`], fails with "`what`: the service kept returning pages".
pub async fn collect_pages<C, T, F, Fut>(
    first: C,
    what: &str,
    mut fetch: F,
) -> Result<(Vec<T>, usize)>
where
    F: FnMut(C) -> Fut,
    Fut: Future<Output = Result<Paged<C, T>>>,
{
    let mut items = Vec::new();
    let mut next = Some(first);
    let mut pages = 0;
    while let Some(cursor) = next.take() {
        pages += 1;
        if pages > MAX_PAGES {
            return Err(Failure::new(
                Kind::Service,
                format!("{what}: the service kept returning pages"),
            ));
        }
        let page = fetch(cursor).await?;
        items.extend(page.items);
        next = page.next;
    }
    Ok((items, pages))
}

/// The next page of a list: a `nextLink` is followed only on `base`'s own origin (the bearer
/// token goes with it), with `api_version` set on it (added, or replacing the link's own: the
/// services require one on every request and need not put it in the link). An empty link ends
/// the list.
pub fn next_link(
    base: &Url,
    link: Option<&str>,
    api_version: &str,
    service: &str,
) -> Result<Option<Url>> {
    let Some(link) = link.filter(|l| !l.is_empty()) else {
        return Ok(None);
    };
    let mut url = base.join(link).map_err(|_| {
        Failure::new(
            Kind::Service,
            format!("{service} returned a nextLink that is not a URL"),
        )
    })?;
    if url.origin() != base.origin() {
        return Err(Failure::new(
            Kind::Service,
            format!("{service} returned a nextLink to another host; not following it with a bearer token"),
        ));
    }
    set_api_version(&mut url, api_version);
    Ok(Some(url))
}

/// Sets `api-version=VERSION` on `url`, dropping any other `api-version`; the rest of the query
/// is kept as it is (continuation tokens are opaque).
pub fn set_api_version(url: &mut Url, version: &str) {
    let mut query: Vec<&str> = url
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|pair| {
            let name = pair.split_once('=').map_or(*pair, |(name, _)| name);
            !pair.is_empty()
                && !percent_decode(name, Escapes::Lenient, false)
                    .is_some_and(|name| name.eq_ignore_ascii_case("api-version"))
        })
        .collect();
    let version = format!("api-version={version}");
    query.push(&version);
    url.set_query(Some(&query.join("&")));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
    }

    #[test]
    fn pages_are_read_in_order_until_the_last() {
        let (items, pages) = runtime()
            .block_on(collect_pages(0, "listing", |at: usize| async move {
                Ok(Paged {
                    items: vec![at * 10, at * 10 + 1],
                    next: (at < 2).then_some(at + 1),
                })
            }))
            .unwrap();
        assert_eq!(items, [0, 1, 10, 11, 20, 21]);
        assert_eq!(pages, 3);
    }

    #[test]
    fn a_list_that_never_ends_is_a_service_error() {
        let mut fetched = 0;
        let e = runtime()
            .block_on(collect_pages((), "listing things", |()| {
                fetched += 1;
                async {
                    Ok(Paged::<(), u8> {
                        items: Vec::new(),
                        next: Some(()),
                    })
                }
            }))
            .unwrap_err();
        assert_eq!(e.kind, Kind::Service);
        assert_eq!(
            e.message,
            "listing things: the service kept returning pages"
        );
        assert_eq!(
            fetched, MAX_PAGES,
            "every page up to the limit is read, no more"
        );
    }

    #[test]
    fn a_failed_page_ends_the_list() {
        let e = runtime()
            .block_on(collect_pages(0, "listing", |at: usize| async move {
                if at == 1 {
                    return Err(Failure::new(Kind::Network, "page 1 failed"));
                }
                Ok(Paged {
                    items: vec![at],
                    next: Some(at + 1),
                })
            }))
            .unwrap_err();
        assert_eq!(e.message, "page 1 failed");
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
}
