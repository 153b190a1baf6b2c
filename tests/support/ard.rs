//! A local, strict stand-in for the Maxar ARD credentials API (base path `/api/v1`), written
//! from `shared/spec/consumers.md`.
//!
//! HTTPS on `127.0.0.1:0` with the Azurite certificate. Every credential it is given is *used*:
//! it uploads a small blob into the container with the SAS URL and refuses (400) credentials
//! that cannot write, so a test that passes has proven the registered SAS works.
//!
//! | request | answer |
//! |---|---|
//! | `POST /api/v1/auth/authenticate` `{"grant_type":"password","username","password"}` | 200 `{access_token, refresh_token, expires_in: 43200}`; 401 for a wrong username or password |
//! | `POST /api/v1/auth/authenticate` `{"grant_type":"refresh_token","refresh_token"}` | 200 new tokens; 401 for an unknown refresh token |
//! | `GET /api/v1/auth/self` | `{"user": {user_id, account_id, roles: ["admin"]}}` (as max_ard's `get_self` reads it) |
//! | `PUT …/admin/account/{account_id}/credentials/{id}` `{"credentials","description"}` (both strings, both required: max_ard always sends both) | 201 created / 200 replaced, `{"registered_credentials":{…}}`; or 204 with no body ([`Ard::set_put_no_content`]) |
//! | `PATCH` same path, `{"credentials"?, "description"?}` (at least one, no other field; changes only the fields sent) | 200 `{"registered_credentials":{…}}`; 404 unknown |
//! | `GET` same path | 200 `{"registered_credentials":{credentials_id, account_id, description, created, modified}}`; 404 |
//! | `GET …/credentials?limit=&starting_after=` | `{"data":[{"registered_credentials":{…}}, …], "has_more"}` (each item wrapped as in a GET), ordered by credentials_id, pages of at most the page size |
//! | `DELETE` same path | **204**, no body; 404 unknown |
//!
//! Everything but `authenticate` needs `Authorization: Bearer <token>` with a token it issued or
//! its static token (else 401). Another account id → 403. A `credentials_id` outside
//! `^[A-Za-z0-9_-]+$` → 400. Errors: `{"error": CODE, "message": TEXT}`.

use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use serde_json::{json, Map, Value};

use super::azurite::{http_client_trusting, Azurite};
use super::https::{HttpRequest, HttpResponse, HttpsServer};
use super::standin::{
    bearer, check_container_url, check_sas, now_rfc3339, Faults, LoggedRequest, StorageFront,
};
use super::token_server::random_hex;

/// Base path of the API.
pub const ARD_BASE_PATH: &str = "/api/v1";
/// Default page size of credential listings (small, so tests exercise the cursor).
pub const ARD_DEFAULT_PAGE_SIZE: usize = 2;
/// The largest `limit` accepted.
pub const ARD_MAX_LIMIT: usize = 100;
/// Lifetime of access tokens, seconds (12 h).
pub const ARD_TOKEN_LIFETIME: u64 = 43200;

/// Registered credentials as the stand-in stores them, secret included.
#[derive(Clone, Debug)]
pub struct StoredCredentials {
    pub credentials_id: String,
    pub account_id: String,
    pub description: Option<String>,
    pub created: String,
    pub modified: String,
    /// The full SAS URL exactly as received (`None` for seeded credentials).
    pub credentials: Option<String>,
    /// Put there by a test (`seed_credentials`), not by a client.
    pub seeded: bool,
    /// How many times a client wrote it (PUT or PATCH).
    pub writes: usize,
}

impl StoredCredentials {
    /// The `registered_credentials` object: never the secret.
    pub fn to_json(&self) -> Value {
        json!({
            "credentials_id": self.credentials_id,
            "account_id": self.account_id,
            "description": self.description,
            "created": self.created,
            "modified": self.modified,
        })
    }
}

/// The outcome of the stand-in uploading a blob with a registered SAS URL.
#[derive(Clone, Debug)]
pub struct UploadCheck {
    pub credentials_id: String,
    /// The SAS URL exactly as received.
    pub credentials: String,
    /// The container URL (no query).
    pub container_url: String,
    /// The blob it wrote.
    pub blob_name: String,
    /// Azurite's status for Put Blob (0: the request itself failed).
    pub status: u16,
    /// Whether the upload worked (201).
    pub ok: bool,
}

struct Inner {
    credentials: Vec<StoredCredentials>,
    access_tokens: Vec<String>,
    refresh_tokens: Vec<String>,
    page_size: usize,
    faults: Faults,
    echo_errors: bool,
    put_no_content: bool,
    /// A racing writer's description, stored just before the next PUT/PATCH is handled.
    race_description: Option<(String, String)>,
    log: Vec<LoggedRequest>,
    checks: Vec<UploadCheck>,
}

struct State {
    /// Where container URLs point (see [`Ard::set_storage_front`]).
    storage: StorageFront,
    http: reqwest::Client,
    username: String,
    password: String,
    account_id: String,
    user_id: String,
    static_token: String,
    inner: Mutex<Inner>,
}

impl State {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The Maxar ARD stand-in. Stops on drop.
pub struct Ard {
    server: HttpsServer,
    state: Arc<State>,
    endpoint: OnceLock<String>,
}

impl std::fmt::Debug for Ard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ard")
            .field("endpoint", &self.endpoint())
            .finish_non_exhaustive()
    }
}

impl Ard {
    /// Starts the service with one admin user (random password), one account, a random static
    /// token, no credentials and page size [`ARD_DEFAULT_PAGE_SIZE`]. Uploads go to `az`.
    pub fn start(az: &Azurite) -> Ard {
        let state = Arc::new(State {
            storage: StorageFront::new(az.port()),
            http: http_client_trusting(Some(az.cert_pem())),
            username: "ard-admin@example.com".to_string(),
            password: format!("pw-{}", random_hex(24)),
            account_id: format!("acct-{}", random_hex(12)),
            user_id: format!("user-{}", random_hex(12)),
            static_token: format!("ard-static-{}", random_hex(40)),
            inner: Mutex::new(Inner {
                credentials: Vec::new(),
                access_tokens: Vec::new(),
                refresh_tokens: Vec::new(),
                page_size: ARD_DEFAULT_PAGE_SIZE,
                faults: Faults::default(),
                echo_errors: false,
                put_no_content: false,
                race_description: None,
                log: Vec::new(),
                checks: Vec::new(),
            }),
        });
        let handler_state = Arc::clone(&state);
        let server = HttpsServer::start(
            "ard",
            az.cert_pem(),
            az.key_pem(),
            Arc::new(move |request| {
                let state = Arc::clone(&handler_state);
                Box::pin(async move { handle(&state, request).await })
            }),
        );
        Ard {
            server,
            state,
            endpoint: OnceLock::new(),
        }
    }

    /// For benchmarks: SAS URLs name `port` on 127.0.0.1 (a delay proxy in front of Azurite)
    /// instead of Azurite's own port. The service still proves every URL, on Azurite
    /// directly, so the proof does not add the proxy's delay to the client's measurement.
    pub fn set_storage_front(&self, port: u16) {
        self.state.storage.set(port);
    }

    /// The API base URL to give the CLI: `https://127.0.0.1:PORT/api/v1`.
    pub fn endpoint(&self) -> String {
        self.endpoint
            .get_or_init(|| format!("{}{ARD_BASE_PATH}", self.server.base_url()))
            .clone()
    }

    /// The port (on 127.0.0.1).
    pub fn port(&self) -> u16 {
        self.server.port()
    }

    /// The admin's username.
    pub fn username(&self) -> &str {
        &self.state.username
    }

    /// The admin's password (a secret: assert it is never printed).
    pub fn password(&self) -> &str {
        &self.state.password
    }

    /// The admin's account id (what `/auth/self` reports).
    pub fn account_id(&self) -> &str {
        &self.state.account_id
    }

    /// A token accepted without authenticating (for `MAXAR_ARD_TOKEN`).
    pub fn static_token(&self) -> &str {
        &self.state.static_token
    }

    // ---- knobs ----------------------------------------------------------------------------

    /// Items per list page. At least 1.
    pub fn set_page_size(&self, n: usize) {
        self.state.lock().page_size = n.max(1);
    }

    /// The next `n` requests (any path, before authentication) get `status`, and
    /// `Retry-After: SECONDS` when given.
    pub fn fail_next(&self, n: usize, status: u16, retry_after: Option<u64>) {
        self.state.lock().faults.push(n, status, retry_after);
    }

    /// Injected failures not yet consumed.
    pub fn pending_faults(&self) -> usize {
        self.state.lock().faults.pending()
    }

    /// While on, every PUT/PATCH of credentials (authenticated, right account) gets a 400 whose
    /// `message` starts with the SAS token (the query of the SAS URL) and then echoes the whole
    /// request body.
    pub fn set_echo_errors(&self, on: bool) {
        self.state.lock().echo_errors = on;
    }

    /// While on, a successful PUT answers 204 with no body instead of 200/201 with the
    /// registered credentials.
    pub fn set_put_no_content(&self, on: bool) {
        self.state.lock().put_no_content = on;
    }

    /// Plays another client racing the next write: just before the next PUT or PATCH of
    /// credentials is handled, the description of `credentials_id` (registered) becomes
    /// `description`, as if another rotation had stored it between this client's reads and
    /// its write. Counted as one write.
    pub fn race_next_write_with_description(&self, credentials_id: &str, description: &str) {
        self.state.lock().race_description =
            Some((credentials_id.to_string(), description.to_string()));
    }

    /// Adds credentials (no secret) as if registered earlier.
    pub fn seed_credentials(&self, credentials_id: &str, description: Option<&str>) {
        let now = now_rfc3339();
        self.state.lock().credentials.push(StoredCredentials {
            credentials_id: credentials_id.to_string(),
            account_id: self.state.account_id.clone(),
            description: description.map(str::to_owned),
            created: now.clone(),
            modified: now,
            credentials: None,
            seeded: true,
            writes: 0,
        });
    }

    // ---- accessors ------------------------------------------------------------------------

    /// Every stored credential, ordered by credentials_id (secrets included).
    pub fn credentials(&self) -> Vec<StoredCredentials> {
        let mut all = self.state.lock().credentials.clone();
        all.sort_by(|a, b| a.credentials_id.cmp(&b.credentials_id));
        all
    }

    /// One stored credential.
    pub fn credential(&self, credentials_id: &str) -> Option<StoredCredentials> {
        self.state
            .lock()
            .credentials
            .iter()
            .find(|c| c.credentials_id == credentials_id)
            .cloned()
    }

    /// Every request answered so far, oldest first.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.state.lock().log.clone()
    }

    /// A condition for another stand-in's [`super::Until`]: a `method` request was answered.
    pub fn answered(&self, method: &'static str) -> impl Fn() -> bool + Send + Sync + 'static {
        let state = Arc::clone(&self.state);
        move || state.lock().log.iter().any(|r| r.method == method)
    }

    /// How many requests were answered.
    pub fn request_count(&self) -> usize {
        self.state.lock().log.len()
    }

    /// Every upload made with a registered SAS URL, oldest first.
    pub fn upload_checks(&self) -> Vec<UploadCheck> {
        self.state.lock().checks.clone()
    }

    /// Every access and refresh token handed out: secrets that must never be printed.
    pub fn issued_tokens(&self) -> Vec<String> {
        let inner = self.state.lock();
        inner
            .access_tokens
            .iter()
            .chain(&inner.refresh_tokens)
            .cloned()
            .collect()
    }
}

/// Whether `id` is a valid credentials id: `^[A-Za-z0-9_-]+$`.
pub fn is_credentials_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn error(status: u16, code: &str, message: impl Into<String>) -> HttpResponse {
    HttpResponse::json(status, &json!({ "error": code, "message": message.into() }))
}

async fn handle(state: &State, request: HttpRequest) -> HttpResponse {
    let response = route(state, &request).await;
    state
        .lock()
        .log
        .push(LoggedRequest::new(&request, response.status));
    response
}

async fn route(state: &State, request: &HttpRequest) -> HttpResponse {
    if let Some(fault) = state.lock().faults.take() {
        let mut response = error(fault.status, "injected", "failure injected by the test");
        if let Some(seconds) = fault.retry_after {
            response = response.with_header("retry-after", seconds.to_string());
        }
        return response;
    }
    let rest = match request.path.strip_prefix(ARD_BASE_PATH) {
        Some(rest) if rest.starts_with('/') => rest,
        _ => return error(404, "not_found", format!("no route for {}", request.path)),
    };
    let segments: Vec<String> = request.path_segments().into_iter().skip(2).collect();
    let method = request.method.as_str();

    if rest == "/auth/authenticate" {
        return match method {
            "POST" => authenticate(state, request),
            _ => method_not_allowed(method),
        };
    }

    // Everything else needs a token.
    let authorized = bearer(request)
        .is_some_and(|t| t == state.static_token || state.lock().access_tokens.contains(&t));
    if !authorized {
        return error(
            401,
            "unauthorized",
            "missing, unknown or expired bearer token",
        )
        .with_header("www-authenticate", "Bearer");
    }

    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    match segments.as_slice() {
        ["auth", "self"] => match method {
            "GET" => HttpResponse::json(
                200,
                &json!({"user": {
                    "user_id": state.user_id,
                    "account_id": state.account_id,
                    "roles": ["admin"],
                }}),
            ),
            _ => method_not_allowed(method),
        },
        ["admin", "account", account, "credentials", rest @ ..] => {
            if *account != state.account_id {
                return error(
                    403,
                    "forbidden",
                    format!("you are not an administrator of account {account}"),
                );
            }
            match rest {
                [] => match method {
                    "GET" => list(state, request),
                    _ => method_not_allowed(method),
                },
                [id] => {
                    if !is_credentials_id(id) {
                        return error(
                            400,
                            "invalid_credentials_id",
                            "credentials_id may contain only letters, digits, '_' and '-'",
                        );
                    }
                    match method {
                        "GET" => match find(state, id) {
                            Some(c) => {
                                HttpResponse::json(200, &json!({ "registered_credentials": c }))
                            }
                            None => credentials_not_found(id),
                        },
                        "PUT" => write(state, request, id, false).await,
                        "PATCH" => write(state, request, id, true).await,
                        "DELETE" => {
                            let mut inner = state.lock();
                            let before = inner.credentials.len();
                            inner.credentials.retain(|c| c.credentials_id != *id);
                            if inner.credentials.len() == before {
                                credentials_not_found(id)
                            } else {
                                HttpResponse::empty(204)
                            }
                        }
                        _ => method_not_allowed(method),
                    }
                }
                _ => error(404, "not_found", format!("no route for {}", request.path)),
            }
        }
        _ => error(404, "not_found", format!("no route for {}", request.path)),
    }
}

fn method_not_allowed(method: &str) -> HttpResponse {
    error(
        405,
        "method_not_allowed",
        format!("{method} is not allowed here"),
    )
}

fn credentials_not_found(id: &str) -> HttpResponse {
    error(
        404,
        "not_found",
        format!("no registered credentials with id {id}"),
    )
}

fn find(state: &State, id: &str) -> Option<Value> {
    state
        .lock()
        .credentials
        .iter()
        .find(|c| c.credentials_id == id)
        .map(StoredCredentials::to_json)
}

fn json_object(request: &HttpRequest) -> Result<Map<String, Value>, HttpResponse> {
    let content_type = request.header("content-type").unwrap_or_default();
    if !content_type
        .to_ascii_lowercase()
        .starts_with("application/json")
    {
        return Err(error(
            415,
            "unsupported_media_type",
            format!("Content-Type must be application/json, not '{content_type}'"),
        ));
    }
    match serde_json::from_slice::<Value>(&request.body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(error(
            400,
            "invalid_request",
            "the body must be a JSON object",
        )),
        Err(e) => Err(error(
            400,
            "invalid_request",
            format!("the body is not JSON: {e}"),
        )),
    }
}

fn authenticate(state: &State, request: &HttpRequest) -> HttpResponse {
    let body = match json_object(request) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let field = |k: &str| body.get(k).and_then(Value::as_str);
    let keys: Vec<&str> = {
        let mut k: Vec<&str> = body.keys().map(String::as_str).collect();
        k.sort_unstable();
        k
    };
    let granted = match field("grant_type") {
        Some("password") => {
            if keys != ["grant_type", "password", "username"] {
                return error(
                    400,
                    "invalid_request",
                    "a password grant takes exactly grant_type, username and password",
                );
            }
            field("username") == Some(state.username.as_str())
                && field("password") == Some(state.password.as_str())
        }
        Some("refresh_token") => {
            if keys != ["grant_type", "refresh_token"] {
                return error(
                    400,
                    "invalid_request",
                    "a refresh grant takes exactly grant_type and refresh_token",
                );
            }
            let token = field("refresh_token").unwrap_or_default();
            state.lock().refresh_tokens.iter().any(|t| t == token)
        }
        _ => {
            return error(
                400,
                "unsupported_grant_type",
                "grant_type must be password or refresh_token",
            )
        }
    };
    if !granted {
        return error(401, "invalid_grant", "invalid username or password");
    }
    let access = format!("ard-access-{}", random_hex(48));
    let refresh = format!("ard-refresh-{}", random_hex(48));
    {
        let mut inner = state.lock();
        inner.access_tokens.push(access.clone());
        inner.refresh_tokens.push(refresh.clone());
    }
    HttpResponse::json(
        200,
        &json!({
            "access_token": access,
            "refresh_token": refresh,
            "expires_in": ARD_TOKEN_LIFETIME,
        }),
    )
}

fn list(state: &State, request: &HttpRequest) -> HttpResponse {
    let mut limit = None;
    let mut starting_after = None;
    for (k, v) in request.query_pairs() {
        match k.as_str() {
            "limit" => match v.parse::<usize>() {
                Ok(n) if (1..=ARD_MAX_LIMIT).contains(&n) => limit = Some(n),
                _ => {
                    return error(
                        400,
                        "invalid_request",
                        format!("limit must be an integer from 1 to {ARD_MAX_LIMIT}, not '{v}'"),
                    )
                }
            },
            "starting_after" => starting_after = Some(v),
            other => {
                return error(
                    400,
                    "invalid_request",
                    format!("unknown query parameter {other}"),
                )
            }
        }
    }
    let inner = state.lock();
    let mut all: Vec<&StoredCredentials> = inner.credentials.iter().collect();
    all.sort_by(|a, b| a.credentials_id.cmp(&b.credentials_id));
    let start = match &starting_after {
        None => 0,
        Some(cursor) => match all.iter().position(|c| c.credentials_id == *cursor) {
            Some(i) => i + 1,
            None => {
                return error(
                    400,
                    "invalid_request",
                    format!("starting_after {cursor} is not a registered credentials id"),
                )
            }
        },
    };
    let take = limit.unwrap_or(inner.page_size).min(inner.page_size);
    let page: Vec<Value> = all
        .iter()
        .skip(start)
        .take(take)
        .map(|c| json!({ "registered_credentials": c.to_json() }))
        .collect();
    let has_more = start + take < all.len();
    HttpResponse::json(200, &json!({ "data": page, "has_more": has_more }))
}

/// PUT (replace everything) or PATCH (only the fields sent).
async fn write(state: &State, request: &HttpRequest, id: &str, patch: bool) -> HttpResponse {
    {
        let mut inner = state.lock();
        if let Some((racer, description)) = inner.race_description.take() {
            if let Some(c) = inner
                .credentials
                .iter_mut()
                .find(|c| c.credentials_id == racer)
            {
                c.description = Some(description);
                c.modified = now_rfc3339();
                c.writes += 1;
            }
        }
    }
    if state.lock().echo_errors {
        // The SAS first, where a client that cuts long messages still shows it.
        let body = request.body_text();
        let credentials = serde_json::from_str::<Value>(&body)
            .ok()
            .and_then(|v| {
                v.get("credentials")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| body.clone());
        let message = match credentials.split_once('?') {
            Some((container, token)) => {
                format!("rejected SAS token {token} for {container}; request body: {body}")
            }
            None => format!("rejected {credentials}; request body: {body}"),
        };
        return error(400, "invalid_request", message);
    }
    let body = match json_object(request) {
        Ok(b) => b,
        Err(e) => return e,
    };
    for key in body.keys() {
        if key != "credentials" && key != "description" {
            return error(
                400,
                "invalid_request",
                format!("unknown field '{key}': only credentials and description"),
            );
        }
    }
    if patch && body.is_empty() {
        return error(
            400,
            "invalid_request",
            "a PATCH must change credentials or description",
        );
    }
    if !patch {
        for key in ["credentials", "description"] {
            if !body.contains_key(key) {
                return error(400, "invalid_request", format!("{key} is required"));
            }
        }
    }
    let credentials = match body.get("credentials") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return error(400, "invalid_request", "credentials must be a string"),
    };
    let description = match body.get("description") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return error(400, "invalid_request", "description must be a string"),
    };
    if patch
        && !state
            .lock()
            .credentials
            .iter()
            .any(|c| c.credentials_id == id)
    {
        return credentials_not_found(id);
    }

    if let Some(url) = &credentials {
        let check = match check_and_use(state, id, url).await {
            Ok(check) => check,
            Err(message) => return error(400, "invalid_credentials", message),
        };
        let ok = check.ok;
        let status = check.status;
        state.lock().checks.push(check);
        if !ok {
            return error(
                400,
                "invalid_credentials",
                format!(
                    "the credentials cannot write to the container (storage answered {status})"
                ),
            );
        }
    }

    let now = now_rfc3339();
    let mut inner = state.lock();
    let existing = inner
        .credentials
        .iter_mut()
        .find(|c| c.credentials_id == id);
    let (status, stored) = match existing {
        Some(c) => {
            if let Some(url) = credentials {
                c.credentials = Some(url);
            }
            if patch {
                if description.is_some() {
                    c.description = description;
                }
            } else {
                c.description = description;
            }
            c.modified = now;
            c.writes += 1;
            (200, c.to_json())
        }
        None => {
            let c = StoredCredentials {
                credentials_id: id.to_string(),
                account_id: state.account_id.clone(),
                description,
                created: now.clone(),
                modified: now,
                credentials,
                seeded: false,
                writes: 1,
            };
            let json = c.to_json();
            inner.credentials.push(c);
            (201, json)
        }
    };
    if !patch && inner.put_no_content {
        return HttpResponse::empty(204);
    }
    HttpResponse::json(status, &json!({ "registered_credentials": stored }))
}

/// Validates a SAS URL (container URL on the Azurite, `sr=c`, `sp=w`) and uploads a blob
/// with it. `Err` for a URL that is wrong before any upload.
async fn check_and_use(state: &State, id: &str, url: &str) -> Result<UploadCheck, String> {
    let (container_url, token) = url
        .split_once('?')
        .ok_or("credentials must be a container URL with a SAS query (URL?TOKEN)")?;
    check_container_url(container_url, state.storage.port())?;
    check_sas(token, "c", "w")?;
    let blob_name = format!(".ard-credentials-check/{id}-{}.txt", random_hex(8));
    let blob_url = format!(
        "{}/{blob_name}?{token}",
        state.storage.direct(container_url)
    );
    let status = match state
        .http
        .put(&blob_url)
        .header("x-ms-blob-type", "BlockBlob")
        .header("content-type", "text/plain")
        .body("written by the ARD stand-in to prove the credentials work")
        .send()
        .await
    {
        Ok(response) => response.status().as_u16(),
        Err(_) => 0,
    };
    Ok(UploadCheck {
        credentials_id: id.to_string(),
        credentials: url.to_string(),
        container_url: container_url.to_string(),
        blob_name,
        status,
        ok: status == 201,
    })
}
