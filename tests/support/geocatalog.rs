//! A local, strict stand-in for the GeoCatalog (Planetary Computer Pro) ingestion-sources API,
//! written from `shared/spec/geocatalog-ingestion-sources.md` and the 2026-04-15 OpenAPI subset.
//!
//! HTTPS on `127.0.0.1:0` with the Azurite certificate (children trust it through
//! `SSL_CERT_FILE`). Every SAS it is given is *used*: it lists the container on Azurite with it
//! and refuses (400) a token that does not work, so a test that passes has proven the
//! registered token works.
//!
//! | api-version | paths | discriminator | create body | list |
//! |---|---|---|---|---|
//! | `2026-04-15`, `2025-04-30-preview` | `/inma/ingestion-sources…` | `kind` | `{id, kind, connectionInfo}` | `{"value":[…],"nextLink"?}` paged; the link has no `api-version` |
//! | `2024-01-31-preview` | `/api/ingestion-sources…` | `sourceType` | `{sourceType, connectionInfo}` (server assigns the id; PUT may repeat the path id) | bare array, unpaged |
//!
//! Order of checks for every request: injected fault → bearer token (`aud` must be
//! `https://geocatalog.spatio.azure.com`, trailing `/` allowed; else 401) → exactly one known
//! `api-version` (else 400) → path of that version's family (else 404) → method (else 405) →
//! a source id that is a UUID (GET, PUT, DELETE; else 400) → body. Errors are Azure.Core error
//! bodies with an `x-ms-error-code` header.

use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use serde_json::{json, Map, Value};

use super::azurite::{http_client_trusting, Azurite};
use super::https::{HttpRequest, HttpResponse, HttpsServer};
use super::standin::{
    bearer, blob_names, check_bearer_token, check_container_url, check_sas, is_uuid, new_uuid,
    now_rfc3339, Faults, LoggedRequest, StorageFront,
};

/// The resource (token audience) of GeoCatalog data-plane tokens.
pub const GEOCATALOG_RESOURCE: &str = "https://geocatalog.spatio.azure.com";
/// The GA api-version (the CLI's default).
pub const GEO_API_GA: &str = "2026-04-15";
/// The preview api-version with the same shapes as GA.
pub const GEO_API_PREVIEW: &str = "2025-04-30-preview";
/// The legacy api-version: `/api/…`, `sourceType`, no `id` in create bodies, bare-array list.
pub const GEO_API_LEGACY: &str = "2024-01-31-preview";
/// Default page size of list answers (small, so tests exercise `nextLink`).
pub const GEO_DEFAULT_PAGE_SIZE: usize = 2;

const NEW_PREFIX: &str = "/inma/ingestion-sources";
const LEGACY_PREFIX: &str = "/api/ingestion-sources";

/// The two kinds of ingestion source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    SasToken,
    BlobManagedIdentity,
}

impl SourceKind {
    /// The wire name (`SasToken`, `BlobManagedIdentity`).
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::SasToken => "SasToken",
            SourceKind::BlobManagedIdentity => "BlobManagedIdentity",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "SasToken" => Some(SourceKind::SasToken),
            "BlobManagedIdentity" => Some(SourceKind::BlobManagedIdentity),
            _ => None,
        }
    }
}

/// An ingestion source as the stand-in stores it, secrets included.
#[derive(Clone, Debug)]
pub struct StoredSource {
    pub id: String,
    pub kind: SourceKind,
    /// Server time of the first creation (kept across replacements).
    pub created: String,
    pub container_url: String,
    /// The SAS token exactly as received (`None` for managed-identity and seeded sources).
    pub sas_token: Option<String>,
    /// The token's `se` (SAS sources).
    pub expiration: Option<String>,
    /// The managed identity's object id (managed-identity sources).
    pub object_id: Option<String>,
    /// Put there by a test (`seed_*`, `race_next_create`), not by a client.
    pub seeded: bool,
    /// How many times a client created or replaced it (0 for a seeded source never replaced).
    pub writes: usize,
}

impl StoredSource {
    /// The source as the service returns it (GET, POST, PUT): never the token.
    pub fn to_json(&self, legacy: bool) -> Value {
        let connection = match self.kind {
            SourceKind::SasToken => json!({
                "containerUrl": self.container_url,
                "expiration": self.expiration,
            }),
            SourceKind::BlobManagedIdentity => json!({
                "containerUrl": self.container_url,
                "objectId": self.object_id,
            }),
        };
        json!({
            "id": self.id,
            "created": self.created,
            discriminator(legacy): self.kind.as_str(),
            "connectionInfo": connection,
        })
    }

    /// The list summary `{id, kind|sourceType, created}`.
    pub fn summary_json(&self, legacy: bool) -> Value {
        json!({
            "id": self.id,
            discriminator(legacy): self.kind.as_str(),
            "created": self.created,
        })
    }
}

/// A managed identity the catalog can use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManagedIdentity {
    pub object_id: String,
    pub resource_id: String,
}

impl ManagedIdentity {
    /// `{"objectId","resourceId"}`
    pub fn to_json(&self) -> Value {
        json!({ "objectId": self.object_id, "resourceId": self.resource_id })
    }
}

/// The outcome of the stand-in using a SAS token against Azurite (List Blobs on the container).
#[derive(Clone, Debug)]
pub struct TokenCheck {
    /// The source id the token was offered for.
    pub source_id: String,
    pub container_url: String,
    /// The token exactly as received.
    pub sas_token: String,
    /// Azurite's status for List Blobs with the token (0: the request itself failed).
    pub status: u16,
    /// Whether the token listed the container (status 200).
    pub ok: bool,
    /// The blob names the listing returned.
    pub blobs: Vec<String>,
}

struct Inner {
    sources: Vec<StoredSource>,
    identities: Vec<ManagedIdentity>,
    page_size: usize,
    require_known_identity: bool,
    faults: Faults,
    /// The next answer waits for this, before anything else (see
    /// [`GeoCatalog::hold_next_until`]).
    hold: Option<super::Until>,
    /// For each held answer: whether its condition came true before the deadline.
    holds: Vec<bool>,
    echo_errors: bool,
    race_next_create: bool,
    log: Vec<LoggedRequest>,
    checks: Vec<TokenCheck>,
    bearer_tokens: Vec<String>,
}

struct State {
    /// Where container URLs point (see [`GeoCatalog::set_storage_front`]).
    storage: StorageFront,
    http: reqwest::Client,
    base_url: OnceLock<String>,
    inner: Mutex<Inner>,
}

impl State {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn base(&self) -> &str {
        self.base_url.get().map(String::as_str).unwrap_or_default()
    }
}

/// The GeoCatalog stand-in. Stops on drop.
pub struct GeoCatalog {
    server: HttpsServer,
    state: Arc<State>,
}

impl std::fmt::Debug for GeoCatalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GeoCatalog")
            .field("endpoint", &self.endpoint())
            .finish_non_exhaustive()
    }
}

impl GeoCatalog {
    /// Starts a catalog with no sources, three managed identities ([`default_identities`]),
    /// page size [`GEO_DEFAULT_PAGE_SIZE`] and managed-identity sources restricted to its
    /// identities. Its SAS checks go to `az`.
    pub fn start(az: &Azurite) -> GeoCatalog {
        let state = Arc::new(State {
            storage: StorageFront::new(az.port()),
            http: http_client_trusting(Some(az.cert_pem())),
            base_url: OnceLock::new(),
            inner: Mutex::new(Inner {
                sources: Vec::new(),
                identities: default_identities(),
                page_size: GEO_DEFAULT_PAGE_SIZE,
                require_known_identity: true,
                faults: Faults::default(),
                hold: None,
                holds: Vec::new(),
                echo_errors: false,
                race_next_create: false,
                log: Vec::new(),
                checks: Vec::new(),
                bearer_tokens: Vec::new(),
            }),
        });
        let handler_state = Arc::clone(&state);
        let server = HttpsServer::start(
            "geocatalog",
            az.cert_pem(),
            az.key_pem(),
            Arc::new(move |request| {
                let state = Arc::clone(&handler_state);
                Box::pin(async move { handle(&state, request).await })
            }),
        );
        state
            .base_url
            .set(server.base_url())
            .expect("base url set once");
        GeoCatalog { server, state }
    }

    /// The endpoint to give the CLI: `https://127.0.0.1:PORT` (no trailing `/`).
    pub fn endpoint(&self) -> String {
        self.server.base_url()
    }

    /// The port (on 127.0.0.1).
    pub fn port(&self) -> u16 {
        self.server.port()
    }

    // ---- knobs ----------------------------------------------------------------------------

    /// Items per list page (list and managed-identities). At least 1.
    pub fn set_page_size(&self, n: usize) {
        self.state.lock().page_size = n.max(1);
    }

    /// Replaces the catalog's managed identities.
    pub fn set_identities(&self, identities: Vec<ManagedIdentity>) {
        self.state.lock().identities = identities;
    }

    /// Whether a managed-identity source must name one of the catalog's identities (default
    /// true; 400 otherwise).
    pub fn set_require_known_identity(&self, on: bool) {
        self.state.lock().require_known_identity = on;
    }

    /// The next `n` requests (any path, before authentication) get `status` with an
    /// Azure.Core error body, and `Retry-After: SECONDS` when given.
    pub fn fail_next(&self, n: usize, status: u16, retry_after: Option<u64>) {
        self.state.lock().faults.push(n, status, retry_after);
    }

    /// For benchmarks: container URLs name `port` on 127.0.0.1 (a delay proxy in front of
    /// Azurite) instead of Azurite's own port. The catalog still proves every token, on
    /// Azurite directly, so the proof does not add the proxy's delay to the client's
    /// measurement.
    pub fn set_storage_front(&self, port: u16) {
        self.state.storage.set(port);
    }

    /// The next request is answered as usual, but only once `until` holds (or its deadline
    /// passes); see [`GeoCatalog::holds`].
    pub fn hold_next_until(&self, until: super::Until) {
        self.state.lock().hold = Some(until);
    }

    /// For each answer held by [`GeoCatalog::hold_next_until`], in order: whether it was
    /// released by its condition (`false`: by the deadline).
    pub fn holds(&self) -> Vec<bool> {
        self.state.lock().holds.clone()
    }

    /// Injected failures not yet consumed.
    pub fn pending_faults(&self) -> usize {
        self.state.lock().faults.pending()
    }

    /// While on, every POST/PUT to a source (authenticated, right version and path) gets a 400
    /// whose `error.message` starts with the SAS token and then echoes the whole request body
    /// — as some services do. Tests use it to prove the CLI redacts what it prints.
    pub fn set_echo_errors(&self, on: bool) {
        self.state.lock().echo_errors = on;
    }

    /// Simulates a concurrent creator: just before the next POST of a SAS source is handled,
    /// another (seeded) SAS source for the same container appears, so the POST gets the
    /// documented 409.
    pub fn race_next_create(&self) {
        self.state.lock().race_next_create = true;
    }

    /// Adds a SAS source (no token; expiration 3 days ahead) as if another client had
    /// registered it. Returns its id.
    pub fn seed_sas_source(&self, container_url: &str) -> String {
        self.seed_sas_source_expiring(
            container_url,
            time::OffsetDateTime::now_utc() + time::Duration::days(3),
        )
    }

    /// Adds a SAS source as [`GeoCatalog::seed_sas_source`] does, under the id `id`: any text, as
    /// a hostile or broken service might list it.
    pub fn seed_sas_source_with_id(&self, id: &str, container_url: &str) {
        let seeded = self.seed_sas_source(container_url);
        let mut state = self.state.lock();
        let source = state
            .sources
            .iter_mut()
            .find(|s| s.id == seeded)
            .expect("just seeded");
        source.id = id.to_owned();
    }

    /// Adds a SAS source whose token expires at `expires` (in the past for an expired one),
    /// as if another client had registered it. Returns its id.
    pub fn seed_sas_source_expiring(
        &self,
        container_url: &str,
        expires: time::OffsetDateTime,
    ) -> String {
        let expiration = expires
            .replace_nanosecond(0)
            .expect("0 ns")
            .format(&time::format_description::well_known::Rfc3339)
            .expect("format");
        let source = StoredSource {
            id: new_uuid(),
            kind: SourceKind::SasToken,
            created: now_rfc3339(),
            container_url: container_url.to_string(),
            sas_token: None,
            expiration: Some(expiration),
            object_id: None,
            seeded: true,
            writes: 0,
        };
        let id = source.id.clone();
        self.state.lock().sources.push(source);
        id
    }

    /// Adds a managed-identity source as if another client had registered it. Returns its id.
    pub fn seed_managed_identity_source(&self, container_url: &str, object_id: &str) -> String {
        let source = StoredSource {
            id: new_uuid(),
            kind: SourceKind::BlobManagedIdentity,
            created: now_rfc3339(),
            container_url: container_url.to_string(),
            sas_token: None,
            expiration: None,
            object_id: Some(object_id.to_string()),
            seeded: true,
            writes: 0,
        };
        let id = source.id.clone();
        self.state.lock().sources.push(source);
        id
    }

    /// Gives the stored source `id` another id (a hostile catalog's: `..`, `a/b`).
    pub fn rename_source(&self, id: &str, new_id: &str) {
        let mut state = self.state.lock();
        let source = state
            .sources
            .iter_mut()
            .find(|s| s.id == id)
            .expect("a source");
        source.id = new_id.to_string();
    }

    // ---- accessors ------------------------------------------------------------------------

    /// Every stored source, in creation order (tokens included).
    pub fn sources(&self) -> Vec<StoredSource> {
        self.state.lock().sources.clone()
    }

    /// One stored source.
    pub fn source(&self, id: &str) -> Option<StoredSource> {
        self.state
            .lock()
            .sources
            .iter()
            .find(|s| s.id == id)
            .cloned()
    }

    /// The stored sources for this container URL.
    pub fn sources_for(&self, container_url: &str) -> Vec<StoredSource> {
        self.state
            .lock()
            .sources
            .iter()
            .filter(|s| s.container_url == container_url)
            .cloned()
            .collect()
    }

    /// The catalog's managed identities.
    pub fn identities(&self) -> Vec<ManagedIdentity> {
        self.state.lock().identities.clone()
    }

    /// Every request answered so far, oldest first.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.state.lock().log.clone()
    }

    /// How many requests were answered.
    pub fn request_count(&self) -> usize {
        self.state.lock().log.len()
    }

    /// Every SAS token check against Azurite, oldest first.
    pub fn token_checks(&self) -> Vec<TokenCheck> {
        self.state.lock().checks.clone()
    }

    /// Every bearer token presented (valid or not): secrets that must never be printed.
    pub fn bearer_tokens(&self) -> Vec<String> {
        self.state.lock().bearer_tokens.clone()
    }
}

/// Three identities with fixed object ids.
pub fn default_identities() -> Vec<ManagedIdentity> {
    [
        ("6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a01", "geo-reader-1"),
        ("6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a02", "geo-reader-2"),
        ("6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a03", "geo-reader-3"),
    ]
    .into_iter()
    .map(|(oid, name)| ManagedIdentity {
        object_id: oid.to_string(),
        resource_id: format!(
            "/subscriptions/00000000-0000-4000-8000-000000000000/resourceGroups/rg-geo/\
             providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}"
        ),
    })
    .collect()
}

fn discriminator(legacy: bool) -> &'static str {
    if legacy {
        "sourceType"
    } else {
        "kind"
    }
}

/// An Azure.Core error response with `x-ms-error-code`.
fn error(status: u16, code: &str, message: impl Into<String>) -> HttpResponse {
    let message = message.into();
    HttpResponse::json(
        status,
        &json!({ "error": { "code": code, "message": message } }),
    )
    .with_header("x-ms-error-code", code)
}

async fn handle(state: &State, request: HttpRequest) -> HttpResponse {
    let response = route(state, &request).await;
    state
        .lock()
        .log
        .push(LoggedRequest::new(&request, response.status));
    response
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Family {
    New,
    Legacy,
}

async fn route(state: &State, request: &HttpRequest) -> HttpResponse {
    let hold = state.lock().hold.take();
    if let Some(hold) = hold {
        let met = hold.wait().await;
        state.lock().holds.push(met);
    }
    if let Some(fault) = state.lock().faults.take() {
        let code = match fault.status {
            429 => "TooManyRequests",
            503 => "ServiceUnavailable",
            500 => "InternalServerError",
            _ => "InjectedFailure",
        };
        let mut response = error(fault.status, code, "failure injected by the test");
        if let Some(seconds) = fault.retry_after {
            response = response.with_header("retry-after", seconds.to_string());
        }
        return response;
    }

    // Authentication.
    let token = bearer(request);
    if let Some(token) = &token {
        state.lock().bearer_tokens.push(token.clone());
    }
    if let Err(why) = check_bearer_token(token.as_deref(), GEOCATALOG_RESOURCE) {
        return error(401, "Unauthorized", why)
            .with_header("www-authenticate", "Bearer error=\"invalid_token\"");
    }

    // api-version.
    let versions: Vec<String> = request
        .query_pairs()
        .into_iter()
        .filter(|(k, _)| k == "api-version")
        .map(|(_, v)| v)
        .collect();
    let version = match versions.as_slice() {
        [] => {
            return error(
                400,
                "MissingApiVersionParameter",
                "The api-version query parameter (?api-version=) is required for all requests.",
            )
        }
        [one] => one.clone(),
        _ => {
            return error(
                400,
                "InvalidApiVersionParameter",
                "The api-version query parameter must be given once.",
            )
        }
    };
    let family = match version.as_str() {
        GEO_API_GA | GEO_API_PREVIEW => Family::New,
        GEO_API_LEGACY => Family::Legacy,
        other => {
            return error(
                400,
                "UnsupportedApiVersion",
                format!(
                    "The HTTP resource does not support the API version '{other}'. Supported \
                     versions: {GEO_API_GA}, {GEO_API_PREVIEW}, {GEO_API_LEGACY}."
                ),
            )
        }
    };

    // Path.
    let prefix = match family {
        Family::New => NEW_PREFIX,
        Family::Legacy => LEGACY_PREFIX,
    };
    let Some(rest) = request.path.strip_prefix(prefix) else {
        return not_found(request, &version);
    };
    let legacy = family == Family::Legacy;
    let segments: Vec<String> = if rest.is_empty() {
        Vec::new()
    } else if let Some(rest) = rest.strip_prefix('/') {
        rest.split('/')
            .map(|s| {
                percent_encoding::percent_decode_str(s)
                    .decode_utf8_lossy()
                    .into_owned()
            })
            .collect()
    } else {
        return not_found(request, &version);
    };
    let method = request.method.as_str();
    match segments.as_slice() {
        [] => match method {
            "GET" => list(state, request, legacy),
            "POST" => write(state, request, legacy, &version, None).await,
            _ => method_not_allowed(method),
        },
        [seg] if seg == "managed-identities" => match method {
            "GET" => identities(state, request, legacy),
            _ => method_not_allowed(method),
        },
        [id] if !id.is_empty() => match method {
            "GET" | "PUT" | "DELETE" if !is_uuid(id) => not_a_uuid(id),
            "GET" => get(state, id, legacy),
            "PUT" => write(state, request, legacy, &version, Some(id)).await,
            "DELETE" => delete(state, id, legacy),
            _ => method_not_allowed(method),
        },
        _ => not_found(request, &version),
    }
}

fn not_found(request: &HttpRequest, version: &str) -> HttpResponse {
    error(
        404,
        "NotFound",
        format!(
            "No route for {} {} with api-version {version}.",
            request.method, request.path
        ),
    )
}

fn method_not_allowed(method: &str) -> HttpResponse {
    error(
        405,
        "MethodNotAllowed",
        format!("The method {method} is not allowed here."),
    )
}

/// `(skip, take)` from `$skip`/`$top` (each optional, a non-negative integer).
fn paging(request: &HttpRequest, page_size: usize) -> Result<(usize, usize), HttpResponse> {
    let mut skip = 0;
    let mut take = page_size;
    for (k, v) in request.query_pairs() {
        let parse = || {
            v.parse::<usize>().map_err(|_| {
                error(
                    400,
                    "InvalidQueryParameterValue",
                    format!("{k} must be a non-negative integer, not '{v}'."),
                )
            })
        };
        match k.as_str() {
            "$skip" => skip = parse()?,
            "$top" => take = parse()?.min(page_size),
            _ => {}
        }
    }
    Ok((skip, take))
}

/// The absolute URL of the next page, if there is one. Like some Azure services, it carries
/// no `api-version`: following it as given gets a 400, so a client must add its own.
fn next_link(
    state: &State,
    path: &str,
    request: &HttpRequest,
    skip: usize,
    take: usize,
    total: usize,
) -> Option<String> {
    (skip + take < total).then(|| {
        let top = request
            .query_pairs()
            .into_iter()
            .find(|(k, _)| k == "$top")
            .map(|(_, v)| format!("$top={v}&"))
            .unwrap_or_default();
        format!("{}{path}?{top}$skip={}", state.base(), skip + take)
    })
}

fn list(state: &State, request: &HttpRequest, legacy: bool) -> HttpResponse {
    let inner = state.lock();
    if legacy {
        // The legacy API returned every source at once as a bare array.
        let all: Vec<Value> = inner.sources.iter().map(|s| s.summary_json(true)).collect();
        return HttpResponse::json(200, &Value::Array(all));
    }
    let (skip, take) = match paging(request, inner.page_size) {
        Ok(p) => p,
        Err(e) => return e,
    };
    let page: Vec<Value> = inner
        .sources
        .iter()
        .skip(skip)
        .take(take)
        .map(|s| s.summary_json(false))
        .collect();
    let mut body = json!({ "value": page });
    if let Some(link) = next_link(state, NEW_PREFIX, request, skip, take, inner.sources.len()) {
        body["nextLink"] = Value::String(link);
    }
    HttpResponse::json(200, &body)
}

fn identities(state: &State, request: &HttpRequest, legacy: bool) -> HttpResponse {
    let inner = state.lock();
    let (skip, take) = match paging(request, inner.page_size) {
        Ok(p) => p,
        Err(e) => return e,
    };
    let page: Vec<Value> = inner
        .identities
        .iter()
        .skip(skip)
        .take(take)
        .map(ManagedIdentity::to_json)
        .collect();
    let mut body = json!({ "value": page });
    let prefix = if legacy { LEGACY_PREFIX } else { NEW_PREFIX };
    if let Some(link) = next_link(
        state,
        &format!("{prefix}/managed-identities"),
        request,
        skip,
        take,
        inner.identities.len(),
    ) {
        body["nextLink"] = Value::String(link);
    }
    HttpResponse::json(200, &body)
}

fn get(state: &State, id: &str, legacy: bool) -> HttpResponse {
    match state.lock().sources.iter().find(|s| s.id == id) {
        Some(source) => HttpResponse::json(200, &source.to_json(legacy)),
        None => source_not_found(id),
    }
}

fn delete(state: &State, id: &str, legacy: bool) -> HttpResponse {
    let mut inner = state.lock();
    let before = inner.sources.len();
    inner.sources.retain(|s| s.id != id);
    if inner.sources.len() == before {
        return source_not_found(id);
    }
    // The legacy API answered 200; the current one answers 204.
    HttpResponse::empty(if legacy { 200 } else { 204 })
}

/// The 400 for a source path whose id is not a UUID (GET, PUT and DELETE alike).
fn not_a_uuid(id: &str) -> HttpResponse {
    bad_body(format!(
        "The ingestion source id must be a UUID, not '{id}'."
    ))
}

fn source_not_found(id: &str) -> HttpResponse {
    error(
        404,
        "NotFound",
        format!("Ingestion source with id {id} was not found."),
    )
}

/// A validated create/replace body.
struct Create {
    id: Option<String>,
    kind: SourceKind,
    container_url: String,
    sas_token: Option<String>,
    expiration: Option<String>,
    object_id: Option<String>,
}

fn bad_body(message: impl Into<String>) -> HttpResponse {
    error(400, "InvalidRequestContent", message)
}

/// Exactly these keys (`required`), plus any of `optional`.
fn check_keys(
    object: &Map<String, Value>,
    what: &str,
    required: &[&str],
    optional: &[&str],
) -> Result<(), HttpResponse> {
    for key in object.keys() {
        if !required.contains(&key.as_str()) && !optional.contains(&key.as_str()) {
            return Err(bad_body(format!("{what}: unknown property '{key}'.")));
        }
    }
    for key in required {
        if !object.contains_key(*key) {
            return Err(bad_body(format!(
                "{what}: the required property '{key}' is missing."
            )));
        }
    }
    Ok(())
}

fn string_field<'a>(
    object: &'a Map<String, Value>,
    what: &str,
    key: &str,
) -> Result<&'a str, HttpResponse> {
    object
        .get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| bad_body(format!("{what}: '{key}' must be a string.")))
}

fn parse_create(
    state: &State,
    request: &HttpRequest,
    legacy: bool,
    path_id: Option<&str>,
) -> Result<Create, HttpResponse> {
    let content_type = request.header("content-type").unwrap_or_default();
    if !content_type
        .to_ascii_lowercase()
        .starts_with("application/json")
    {
        return Err(error(
            415,
            "UnsupportedMediaType",
            format!("Content-Type must be application/json, not '{content_type}'."),
        ));
    }
    let body: Value = serde_json::from_slice(&request.body)
        .map_err(|e| bad_body(format!("The request body is not JSON: {e}.")))?;
    let object = body
        .as_object()
        .ok_or_else(|| bad_body("The request body must be a JSON object."))?;
    let disc = discriminator(legacy);
    match (legacy, path_id) {
        (false, _) => check_keys(
            object,
            "ingestion source",
            &["id", disc, "connectionInfo"],
            &[],
        )?,
        (true, None) => check_keys(object, "ingestion source", &[disc, "connectionInfo"], &[])?,
        (true, Some(_)) => check_keys(
            object,
            "ingestion source",
            &[disc, "connectionInfo"],
            &["id"],
        )?,
    }
    let id = match object.get("id") {
        None => None,
        Some(v) => {
            let id = v
                .as_str()
                .ok_or_else(|| bad_body("ingestion source: 'id' must be a string."))?;
            if !is_uuid(id) {
                return Err(bad_body(format!(
                    "ingestion source: 'id' must be a UUID, not '{id}'."
                )));
            }
            Some(id.to_string())
        }
    };
    if let (Some(path_id), Some(body_id)) = (path_id, id.as_deref()) {
        if path_id != body_id {
            return Err(bad_body(format!(
                "The id in the body ({body_id}) does not match the id in the path ({path_id})."
            )));
        }
    }
    let kind_name = string_field(object, "ingestion source", disc)?;
    let kind = SourceKind::parse(kind_name).ok_or_else(|| {
        bad_body(format!(
            "ingestion source: '{disc}' must be SasToken or BlobManagedIdentity, not '{kind_name}'."
        ))
    })?;
    let connection = object
        .get("connectionInfo")
        .and_then(Value::as_object)
        .ok_or_else(|| bad_body("ingestion source: 'connectionInfo' must be an object."))?;
    let (second, what) = match kind {
        SourceKind::SasToken => ("sasToken", "SAS token connection"),
        SourceKind::BlobManagedIdentity => ("objectId", "managed identity connection"),
    };
    check_keys(connection, what, &["containerUrl", second], &[])?;
    let container_url = string_field(connection, what, "containerUrl")?.to_string();
    check_container_url(&container_url, state.storage.port()).map_err(bad_body)?;
    let mut create = Create {
        id,
        kind,
        container_url,
        sas_token: None,
        expiration: None,
        object_id: None,
    };
    match kind {
        SourceKind::SasToken => {
            let token = string_field(connection, what, "sasToken")?;
            let fields = check_sas(token, "c", "rl")
                .map_err(|e| error(400, "InvalidSasToken", format!("Invalid SAS token: {e}.")))?;
            create.expiration = fields.get("se").map(str::to_owned);
            create.sas_token = Some(token.to_string());
        }
        SourceKind::BlobManagedIdentity => {
            let object_id = string_field(connection, what, "objectId")?;
            if !is_uuid(object_id) {
                return Err(bad_body(format!(
                    "{what}: 'objectId' must be a UUID, not '{object_id}'."
                )));
            }
            let inner = state.lock();
            if inner.require_known_identity
                && !inner
                    .identities
                    .iter()
                    .any(|i| i.object_id.eq_ignore_ascii_case(object_id))
            {
                return Err(error(
                    400,
                    "InvalidManagedIdentity",
                    format!("The managed identity {object_id} is not assigned to this GeoCatalog."),
                ));
            }
            create.object_id = Some(object_id.to_string());
        }
    }
    Ok(create)
}

/// The 409 for a second SAS source on a container, if there is one (`own_id` may keep its own).
fn conflict(inner: &Inner, container_url: &str, own_id: Option<&str>) -> Option<HttpResponse> {
    let other = inner.sources.iter().find(|s| {
        s.kind == SourceKind::SasToken
            && s.container_url == container_url
            && Some(s.id.as_str()) != own_id
    })?;
    Some(error(
        409,
        "Conflict",
        format!(
            "Container url {container_url} already contains a SAS token ingestion source with id {}",
            other.id
        ),
    ))
}

/// POST (`path_id` None) or PUT.
async fn write(
    state: &State,
    request: &HttpRequest,
    legacy: bool,
    version: &str,
    path_id: Option<&str>,
) -> HttpResponse {
    if state.lock().echo_errors {
        // The token first, where a client that cuts long messages still shows it.
        let body = request.body_text();
        let token = serde_json::from_str::<Value>(&body)
            .ok()
            .and_then(|v| {
                v.pointer("/connectionInfo/sasToken")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| body.clone());
        return error(
            400,
            "InvalidRequestContent",
            format!("Rejected SAS token {token}; request body: {body}"),
        );
    }
    let create = match parse_create(state, request, legacy, path_id) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let id = match (path_id, &create.id) {
        (Some(id), _) => id.to_string(),
        (None, Some(id)) => id.clone(),
        (None, None) => new_uuid(), // legacy: the service assigns the id
    };
    if path_id.is_none() && state.lock().sources.iter().any(|s| s.id == id) {
        return error(
            409,
            "Conflict",
            format!("An ingestion source with id {id} already exists."),
        );
    }

    if create.kind == SourceKind::SasToken {
        {
            let mut inner = state.lock();
            if path_id.is_none() && std::mem::take(&mut inner.race_next_create) {
                inner.sources.push(StoredSource {
                    id: new_uuid(),
                    kind: SourceKind::SasToken,
                    created: now_rfc3339(),
                    container_url: create.container_url.clone(),
                    sas_token: None,
                    expiration: create.expiration.clone(),
                    object_id: None,
                    seeded: true,
                    writes: 0,
                });
            }
            if let Some(response) = conflict(&inner, &create.container_url, Some(&id)) {
                return response;
            }
        }
        // Use the token, as the service will when it ingests.
        let token = create.sas_token.clone().unwrap_or_default();
        let check = check_token_works(state, &id, &create.container_url, &token).await;
        let ok = check.ok;
        let status = check.status;
        state.lock().checks.push(check);
        if !ok {
            return error(
                400,
                "InvalidSasToken",
                format!(
                    "The SAS token cannot list container {} (storage answered {status}).",
                    create.container_url
                ),
            );
        }
    }

    let mut inner = state.lock();
    // Another request may have created a SAS source for the container meanwhile.
    if create.kind == SourceKind::SasToken {
        if let Some(response) = conflict(&inner, &create.container_url, Some(&id)) {
            return response;
        }
    }
    let existing = inner.sources.iter().position(|s| s.id == id);
    let (status, created) = match existing {
        Some(i) => (200, inner.sources[i].created.clone()),
        None => (201, now_rfc3339()),
    };
    let writes = existing.map(|i| inner.sources[i].writes).unwrap_or(0) + 1;
    let source = StoredSource {
        id: id.clone(),
        kind: create.kind,
        created,
        container_url: create.container_url,
        sas_token: create.sas_token,
        expiration: create.expiration,
        object_id: create.object_id,
        seeded: existing.is_some_and(|i| inner.sources[i].seeded),
        writes,
    };
    let body = source.to_json(legacy);
    match existing {
        Some(i) => inner.sources[i] = source,
        None => inner.sources.push(source),
    }
    let prefix = if legacy { LEGACY_PREFIX } else { NEW_PREFIX };
    let location = format!("{}{prefix}/{id}?api-version={version}", state.base());
    HttpResponse::json(status, &body).with_header("location", location)
}

async fn check_token_works(
    state: &State,
    id: &str,
    container_url: &str,
    token: &str,
) -> TokenCheck {
    let url = format!(
        "{}?restype=container&comp=list&{token}",
        state.storage.direct(container_url)
    );
    let (status, blobs) = match state.http.get(&url).send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            let text = response.text().await.unwrap_or_default();
            (status, blob_names(&text))
        }
        Err(_) => (0, Vec::new()),
    };
    TokenCheck {
        source_id: id.to_string(),
        container_url: container_url.to_string(),
        sas_token: token.to_string(),
        status,
        ok: status == 200,
        blobs,
    }
}
