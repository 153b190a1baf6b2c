//! A local App Service managed-identity endpoint (the protocol `azure_identity`'s
//! `ManagedIdentityCredential` speaks when `IDENTITY_ENDPOINT` and `IDENTITY_HEADER` are set).
//!
//! It mints unsigned-but-well-formed JWTs that Azurite's `--oauth basic` mode accepts, counts the
//! requests it serves, and can be told to misbehave for fault tests.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Object id of the test identity (becomes `skoid` in user delegation SAS tokens).
pub const TEST_OID: &str = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
/// Tenant id of the test identity (becomes `sktid`).
pub const TEST_TID: &str = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9";
/// The resource (audience) for Azure Storage data-plane tokens.
pub const STORAGE_RESOURCE: &str = "https://storage.azure.com";
/// Path of the token endpoint on the [`TokenServer`].
pub const TOKEN_PATH: &str = "/msi/token";
/// The only `api-version` the App Service protocol (as spoken by azure_identity 1.x) uses.
pub const MSI_API_VERSION: &str = "2019-08-01";

/// How a [`TokenServer`] answers protocol-conforming requests.
///
/// Requests that break the protocol (wrong or missing `x-identity-header`, no `metadata: true`,
/// wrong `api-version`, no `resource`) are always refused with a 4xx, whatever the behaviour.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Behaviour {
    /// 200 with a fresh token.
    Normal,
    /// 200 with a body that is not JSON.
    Garbage,
    /// This status code with a small JSON error body (no secrets in it).
    Status(u16),
    /// Sleep this long, then answer like [`Behaviour::Normal`] (for timeout tests).
    Slow(Duration),
    /// 200 with a well-formed token for another audience (`https://management.azure.com`):
    /// the token endpoint works, but storage refuses the identity.
    WrongAudience,
}

/// One request the server received on [`TOKEN_PATH`].
#[derive(Clone, Debug)]
pub struct ServedRequest {
    /// The `resource` query parameter, if any.
    pub resource: Option<String>,
    /// The status code the server answered with.
    pub status: u16,
    /// When the server took the request (its own clock).
    pub received: std::time::Instant,
}

#[derive(Default)]
struct State {
    behaviour: Mutex<Option<Behaviour>>,
    /// The next answer waits for this (see [`TokenServer::hold_next_until`]).
    hold: Mutex<Option<super::Until>>,
    /// For each held answer: whether its condition came true before the deadline.
    holds: Mutex<Vec<bool>>,
    served: Mutex<Vec<ServedRequest>>,
    last_token: Mutex<Option<String>>,
    issued: Mutex<Vec<String>>,
}

/// A managed-identity token endpoint on `127.0.0.1`, served by `tiny_http` on a background thread.
///
/// The secret header value and the tokens are never printed by this type (its `Debug` shows the
/// port only), so tests can use them as planted secrets.
pub struct TokenServer {
    port: u16,
    header: String,
    state: Arc<State>,
    server: Arc<tiny_http::Server>,
    thread: Option<JoinHandle<()>>,
}

impl fmt::Debug for TokenServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenServer")
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

impl TokenServer {
    /// Starts a server that hands out tokens normally.
    pub fn start() -> Self {
        Self::start_with(Behaviour::Normal)
    }

    /// Starts a server with the given behaviour (see [`TokenServer::set_behaviour`]).
    pub fn start_with(behaviour: Behaviour) -> Self {
        let server = Arc::new(
            tiny_http::Server::http("127.0.0.1:0").expect("token server: bind 127.0.0.1:0"),
        );
        let port = server
            .server_addr()
            .to_ip()
            .expect("token server listens on an IP socket")
            .port();
        let header = format!("test-identity-header-{}", random_hex(24));
        let state = Arc::new(State::default());
        *state.behaviour.lock().unwrap() = Some(behaviour);

        let thread = {
            let server = Arc::clone(&server);
            let state = Arc::clone(&state);
            let header = header.clone();
            std::thread::Builder::new()
                .name(format!("token-server-{port}"))
                .spawn(move || {
                    for request in server.incoming_requests() {
                        handle(request, &state, &header);
                    }
                })
                .expect("spawn token server thread")
        };

        TokenServer {
            port,
            header,
            state,
            server,
            thread: Some(thread),
        }
    }

    /// Changes how subsequent requests are answered.
    pub fn set_behaviour(&self, behaviour: Behaviour) {
        *self.state.behaviour.lock().unwrap() = Some(behaviour);
    }

    /// The port the server listens on (127.0.0.1).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Value for `IDENTITY_ENDPOINT`: `http://127.0.0.1:PORT/msi/token`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}{TOKEN_PATH}", self.port)
    }

    /// Value for `IDENTITY_HEADER`: the secret the client must send as `x-identity-header`.
    /// Treat it as a secret: assert it never shows up in output.
    pub fn header(&self) -> &str {
        &self.header
    }

    /// Number of requests received on the token path (whatever the answer was).
    pub fn requests(&self) -> usize {
        self.state.served.lock().unwrap().len()
    }

    /// Number of requests received on the token path for exactly this `resource`.
    pub fn requests_for(&self, resource: &str) -> usize {
        self.state
            .served
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.resource.as_deref() == Some(resource))
            .count()
    }

    /// Every request received on the token path so far, oldest first.
    /// The next token answered waits until `until` holds (or its deadline passes); see
    /// [`TokenServer::holds`].
    pub fn hold_next_until(&self, until: super::Until) {
        *self.state.hold.lock().unwrap() = Some(until);
    }

    /// For each answer held by [`TokenServer::hold_next_until`], in order: whether it was
    /// released by its condition (`false`: by the deadline).
    pub fn holds(&self) -> Vec<bool> {
        self.state.holds.lock().unwrap().clone()
    }

    /// A condition for another stand-in's [`super::Until`]: a token for `resource` was asked
    /// for and answered.
    pub fn served_for(&self, resource: &'static str) -> impl Fn() -> bool + Send + Sync + 'static {
        let state = Arc::clone(&self.state);
        move || {
            state
                .served
                .lock()
                .unwrap()
                .iter()
                .any(|s| s.resource.as_deref() == Some(resource))
        }
    }

    pub fn served(&self) -> Vec<ServedRequest> {
        self.state.served.lock().unwrap().clone()
    }

    /// Every `access_token` handed out so far, oldest first: all of them are secrets.
    pub fn issued_tokens(&self) -> Vec<String> {
        self.state.issued.lock().unwrap().clone()
    }

    /// The most recent `access_token` handed out, if any. Use it as a planted secret.
    pub fn last_token(&self) -> Option<String> {
        self.state.last_token.lock().unwrap().clone()
    }
}

impl Drop for TokenServer {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn handle(request: tiny_http::Request, state: &State, secret: &str) {
    let received = std::time::Instant::now();
    // tiny_http gives us the request target ("/msi/token?...") already parsed out of the request line.
    let url = match url::Url::parse(&format!("http://127.0.0.1{}", request.url())) {
        Ok(url) => url,
        Err(_) => return respond_error(request, 400, "bad_request", "unparseable request target"),
    };
    if url.path() != TOKEN_PATH {
        return respond_error(request, 404, "not_found", "unknown path");
    }

    let query = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    let resource = query("resource");
    let api_version = query("api-version");
    let header_value = |name: &str| {
        request
            .headers()
            .iter()
            .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str().to_owned())
    };

    // Protocol checks first: a broken client must fail whatever the behaviour.
    let refusal = if *request.method() != tiny_http::Method::Get {
        Some((405, "method_not_allowed", "only GET is supported"))
    } else if header_value("x-identity-header").as_deref() != Some(secret) {
        Some((401, "unauthorized", "missing or wrong x-identity-header"))
    } else if header_value("metadata").as_deref() != Some("true") {
        Some((400, "bad_request", "the metadata: true header is required"))
    } else if api_version.as_deref() != Some(MSI_API_VERSION) {
        Some((400, "bad_request", "unsupported api-version"))
    } else if resource.as_deref().is_none_or(str::is_empty) {
        Some((400, "bad_request", "the resource parameter is required"))
    } else {
        None
    };

    let record = |status: u16| {
        state.served.lock().unwrap().push(ServedRequest {
            resource: resource.clone(),
            status,
            received,
        });
    };

    if let Some((status, error, description)) = refusal {
        record(status);
        return respond_error(request, status, error, description);
    }

    let hold = state.hold.lock().unwrap().take();
    if let Some(hold) = hold {
        let met = hold.wait_blocking();
        state.holds.lock().unwrap().push(met);
    }
    let behaviour = state
        .behaviour
        .lock()
        .unwrap()
        .clone()
        .unwrap_or(Behaviour::Normal);
    match behaviour {
        Behaviour::Garbage => {
            record(200);
            let response = tiny_http::Response::from_string("<html>upstream proxy says hi</html>")
                .with_status_code(200)
                .with_header(content_type("text/html"));
            let _ = request.respond(response);
        }
        Behaviour::Status(status) => {
            record(status);
            respond_error(request, status, "injected", "status injected by the test");
        }
        Behaviour::Slow(delay) => {
            // The slowness is the behaviour under test (timeouts), not a wait for an event.
            std::thread::sleep(delay);
            record(200);
            respond_token(request, state, resource.as_deref().unwrap_or_default());
        }
        Behaviour::Normal => {
            record(200);
            respond_token(request, state, resource.as_deref().unwrap_or_default());
        }
        Behaviour::WrongAudience => {
            record(200);
            respond_token_with(
                request,
                state,
                resource.as_deref().unwrap_or_default(),
                "https://management.azure.com",
            );
        }
    }
}

fn respond_token(request: tiny_http::Request, state: &State, resource: &str) {
    respond_token_with(request, state, resource, resource);
}

/// Answers for `resource` with a token whose audience is `audience`.
fn respond_token_with(request: tiny_http::Request, state: &State, resource: &str, audience: &str) {
    let claims = standard_claims(audience);
    let expires_on = claims["exp"].as_i64().expect("exp is a number");
    let token = mint_jwt_with(&claims);
    *state.last_token.lock().unwrap() = Some(token.clone());
    state.issued.lock().unwrap().push(token.clone());
    let body = serde_json::json!({
        "access_token": token,
        // A JSON *string*: azure_identity 1.0 fails to parse a number here.
        "expires_on": expires_on.to_string(),
        "resource": resource,
        "token_type": "Bearer",
        "client_id": "00000000-0000-4000-8000-000000000001",
    });
    let response = tiny_http::Response::from_string(body.to_string())
        .with_status_code(200)
        .with_header(content_type("application/json"));
    let _ = request.respond(response);
}

fn respond_error(request: tiny_http::Request, status: u16, error: &str, description: &str) {
    let body = serde_json::json!({
        "statusCode": status,
        "error": error,
        "error_description": description,
    });
    let response = tiny_http::Response::from_string(body.to_string())
        .with_status_code(status)
        .with_header(content_type("application/json"));
    let _ = request.respond(response);
}

fn content_type(value: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(&b"Content-Type"[..], value.as_bytes())
        .expect("valid content-type header")
}

/// Seconds since the Unix epoch.
pub fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs() as i64
}

/// The claims the [`TokenServer`] puts into a token for `resource`: what Azurite's basic OAuth
/// needs (`iat`, `nbf` = now−5 min, `exp` = now+1 h, a v1 `sts.windows.net` issuer, `oid`, `tid`,
/// `aud` = the resource) plus a unique `uti` so every token differs.
/// Tweak and pass to [`mint_jwt_with`] to make broken tokens.
pub fn standard_claims(resource: &str) -> serde_json::Value {
    let now = now_unix();
    serde_json::json!({
        "aud": resource,
        "iss": format!("https://sts.windows.net/{TEST_TID}/"),
        "iat": now,
        "nbf": now - 300,
        "exp": now + 3600,
        "oid": TEST_OID,
        "tid": TEST_TID,
        "sub": TEST_OID,
        "idtyp": "app",
        "ver": "1.0",
        "uti": random_hex(16),
    })
}

/// A well-formed but unsigned JWT (`alg: RS256`, dummy signature) for `resource`.
pub fn mint_jwt(resource: &str) -> String {
    mint_jwt_with(&standard_claims(resource))
}

/// A well-formed but unsigned JWT carrying exactly these claims.
pub fn mint_jwt_with(claims: &serde_json::Value) -> String {
    let header = serde_json::json!({ "alg": "RS256", "typ": "JWT", "kid": "sasmint-test" });
    let signature: Vec<u8> = (0..4).flat_map(|_| random_hex(32).into_bytes()).collect();
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        URL_SAFE_NO_PAD.encode(signature)
    )
}

/// A random-ish lowercase hex string of `len` characters (std-only: hashes a per-call random
/// seed, a counter and the clock; good enough for test secrets, not for cryptography).
pub fn random_hex(len: usize) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut out = String::with_capacity(len + 16);
    while out.len() < len {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        hasher.write_u128(
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default(),
        );
        hasher.write_u32(std::process::id());
        out.push_str(&format!("{:016x}", hasher.finish()));
    }
    out.truncate(len);
    out
}
