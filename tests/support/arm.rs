//! A local, strict stand-in for the two Azure Resource Manager operations `sasmint revoke-keys`
//! uses, written from `shared/spec/operations.md` ("Revoking user delegation keys"):
//!
//! * `GET /subscriptions/{sub}/providers/Microsoft.Storage/storageAccounts?api-version=…`: the
//!   subscription's storage accounts, `{"value": [{id, name, type, location}], "nextLink"?}`,
//!   [`ARM_DEFAULT_PAGE_SIZE`] per page; the `nextLink` is absolute and carries the api-version
//!   and a `$skipToken`, as ARM's do.
//! * `POST /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Storage/storageAccounts/{name}/revokeUserDelegationKeys?api-version=…`:
//!   no body (400 otherwise); `200` with an empty body (or `202` with a `Location`, see
//!   [`Arm::answer_revoke_with`]).
//!
//! HTTPS on `127.0.0.1:0` with the Azurite certificate (children trust it through
//! `SSL_CERT_FILE`). Order of checks for every request: bearer token (`aud` must be
//! `https://management.azure.com`, trailing `/` allowed; else 401 `InvalidAuthenticationToken`)
//! → exactly one `api-version`, [`ARM_API_VERSION`] (else 400) → path (literal segments
//! case-insensitive, as ARM; else 404 `InvalidResourceType`) → method (else 405) → subscription
//! (else 404 `SubscriptionNotFound`) → account (else 404 `ResourceNotFound`) → denial (403
//! `AuthorizationFailed`). Errors are ARM `ErrorResponse` bodies with `x-ms-failure-cause`.
//!
//! The stand-in records revocations; it does not (cannot) make Azurite refuse tokens: Azurite
//! 3.37 does not implement user delegation key revocation.

use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use serde_json::{json, Value};

use super::azurite::Azurite;
use super::https::{HttpRequest, HttpResponse, HttpsServer};
use super::standin::{bearer, check_bearer_token, LoggedRequest};

/// The audience of ARM tokens (public cloud).
pub const ARM_RESOURCE: &str = "https://management.azure.com";
/// The api-version sasmint must send.
pub const ARM_API_VERSION: &str = "2025-08-01";
/// Accounts per list page (small, so tests exercise `nextLink`).
pub const ARM_DEFAULT_PAGE_SIZE: usize = 2;
/// A subscription the stand-in knows.
pub const ARM_SUBSCRIPTION: &str = "0b1f6471-1bf0-4dda-aec3-cb9272f09590";

/// A storage account the stand-in knows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArmAccount {
    pub subscription: String,
    pub resource_group: String,
    pub name: String,
}

impl ArmAccount {
    /// Its resource id, as ARM writes it.
    pub fn id(&self) -> String {
        format!(
            "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Storage/storageAccounts/{}",
            self.subscription, self.resource_group, self.name
        )
    }
}

struct Inner {
    accounts: Vec<ArmAccount>,
    page_size: usize,
    revoke_status: u16,
    deny_revoke: bool,
    foreign_next_link: bool,
    log: Vec<LoggedRequest>,
    revoked: Vec<String>,
    bearer_tokens: Vec<String>,
}

struct State {
    base_url: OnceLock<String>,
    inner: Mutex<Inner>,
}

impl State {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The ARM stand-in. Stops on drop.
pub struct Arm {
    server: HttpsServer,
    state: Arc<State>,
}

impl std::fmt::Debug for Arm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Arm")
            .field("endpoint", &self.endpoint())
            .finish_non_exhaustive()
    }
}

impl Arm {
    /// Starts an ARM with no accounts, page size [`ARM_DEFAULT_PAGE_SIZE`], answering 200 to a
    /// revocation. Serves with `az`'s certificate.
    pub fn start(az: &Azurite) -> Arm {
        let state = Arc::new(State {
            base_url: OnceLock::new(),
            inner: Mutex::new(Inner {
                accounts: Vec::new(),
                page_size: ARM_DEFAULT_PAGE_SIZE,
                revoke_status: 200,
                deny_revoke: false,
                foreign_next_link: false,
                log: Vec::new(),
                revoked: Vec::new(),
                bearer_tokens: Vec::new(),
            }),
        });
        let handler_state = Arc::clone(&state);
        let server = HttpsServer::start(
            "arm",
            az.cert_pem(),
            az.key_pem(),
            Arc::new(move |request| {
                let state = Arc::clone(&handler_state);
                Box::pin(async move { handle(&state, request) })
            }),
        );
        state
            .base_url
            .set(server.base_url())
            .expect("base url set once");
        Arm { server, state }
    }

    /// The endpoint to give the CLI: `https://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        self.server.base_url()
    }

    /// Adds an account; returns its resource id.
    pub fn add_account(&self, subscription: &str, resource_group: &str, name: &str) -> String {
        let account = ArmAccount {
            subscription: subscription.into(),
            resource_group: resource_group.into(),
            name: name.into(),
        };
        let id = account.id();
        self.state.lock().accounts.push(account);
        id
    }

    pub fn set_page_size(&self, n: usize) {
        self.state.lock().page_size = n.max(1);
    }

    /// The status of a successful revocation: 200 (documented) or 202 (ARM's generic
    /// asynchronous answer, with a `Location`).
    pub fn answer_revoke_with(&self, status: u16) {
        assert!(status == 200 || status == 202);
        self.state.lock().revoke_status = status;
    }

    /// Revocations get 403 `AuthorizationFailed` (the caller lacks the action).
    pub fn deny_revoke(&self) {
        self.state.lock().deny_revoke = true;
    }

    /// List pages link to another host.
    pub fn set_foreign_next_link(&self, on: bool) {
        self.state.lock().foreign_next_link = on;
    }

    /// Every request answered, oldest first.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.state.lock().log.clone()
    }

    pub fn request_count(&self) -> usize {
        self.state.lock().log.len()
    }

    /// The resource ids revoked, in order.
    pub fn revoked(&self) -> Vec<String> {
        self.state.lock().revoked.clone()
    }

    /// Every bearer token presented: secrets that must never be printed.
    pub fn bearer_tokens(&self) -> Vec<String> {
        self.state.lock().bearer_tokens.clone()
    }
}

fn handle(state: &State, request: HttpRequest) -> HttpResponse {
    let response = route(state, &request);
    state
        .lock()
        .log
        .push(LoggedRequest::new(&request, response.status));
    response
}

/// An ARM `ErrorResponse`.
fn error(status: u16, code: &str, message: impl Into<String>) -> HttpResponse {
    HttpResponse::json(
        status,
        &json!({"error": {"code": code, "message": message.into()}}),
    )
    .with_header(
        "x-ms-failure-cause",
        if status == 403 || status == 401 {
            "gateway"
        } else {
            "service"
        },
    )
}

fn route(state: &State, request: &HttpRequest) -> HttpResponse {
    let token = bearer(request);
    if let Some(token) = &token {
        state.lock().bearer_tokens.push(token.clone());
    }
    if let Err(why) = check_bearer_token(token.as_deref(), ARM_RESOURCE) {
        return error(401, "InvalidAuthenticationToken", why)
            .with_header("www-authenticate", "Bearer authorization_uri=\"https://login.microsoftonline.com/common\", error=\"invalid_token\"");
    }
    let versions: Vec<String> = request
        .query_pairs()
        .into_iter()
        .filter(|(k, _)| k == "api-version")
        .map(|(_, v)| v)
        .collect();
    match versions.as_slice() {
        [] => {
            return error(
                400,
                "MissingApiVersionParameter",
                "The api-version query parameter (?api-version=) is required for all requests.",
            )
        }
        [one] if one == ARM_API_VERSION => {}
        _ => {
            return error(
                400,
                "InvalidApiVersionParameter",
                format!(
                "The api-version '{}' is invalid; this stand-in supports '{ARM_API_VERSION}' once.",
                versions.join(",")
            ),
            )
        }
    }
    let segments = request.path_segments();
    let s: Vec<&str> = segments.iter().map(String::as_str).collect();
    let is = |i: usize, want: &str| s.get(i).is_some_and(|x| x.eq_ignore_ascii_case(want));
    // /subscriptions/{sub}/providers/Microsoft.Storage/storageAccounts
    if s.len() == 5
        && is(0, "subscriptions")
        && is(2, "providers")
        && is(3, "Microsoft.Storage")
        && is(4, "storageAccounts")
    {
        if request.method != "GET" {
            return error(
                405,
                "MethodNotAllowed",
                format!("{} is not allowed here.", request.method),
            );
        }
        return list(state, request, s[1]);
    }
    // /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Storage/storageAccounts/{name}/revokeUserDelegationKeys
    if s.len() == 9
        && is(0, "subscriptions")
        && is(2, "resourceGroups")
        && is(4, "providers")
        && is(5, "Microsoft.Storage")
        && is(6, "storageAccounts")
        && is(8, "revokeUserDelegationKeys")
    {
        if request.method != "POST" {
            return error(
                405,
                "MethodNotAllowed",
                format!("{} is not allowed on an action.", request.method),
            );
        }
        return revoke(state, request, s[1], s[3], s[7]);
    }
    error(
        404,
        "InvalidResourceType",
        format!("No route for {} {}.", request.method, request.path),
    )
}

fn known_subscription(inner: &Inner, subscription: &str) -> bool {
    inner
        .accounts
        .iter()
        .any(|a| a.subscription.eq_ignore_ascii_case(subscription))
}

fn list(state: &State, request: &HttpRequest, subscription: &str) -> HttpResponse {
    let skip: usize = match request
        .query_pairs()
        .into_iter()
        .find(|(k, _)| k == "$skipToken")
        .map(|(_, v)| v.parse())
    {
        None => 0,
        Some(Ok(n)) => n,
        Some(Err(_)) => return error(400, "InvalidSkipToken", "The $skipToken is not valid."),
    };
    let inner = state.lock();
    if !known_subscription(&inner, subscription) {
        return error(
            404,
            "SubscriptionNotFound",
            format!("The subscription '{subscription}' could not be found."),
        );
    }
    let all: Vec<&ArmAccount> = inner
        .accounts
        .iter()
        .filter(|a| a.subscription.eq_ignore_ascii_case(subscription))
        .collect();
    let page: Vec<Value> = all
        .iter()
        .skip(skip)
        .take(inner.page_size)
        .map(|a| {
            json!({
                "id": a.id(),
                "name": a.name,
                "type": "Microsoft.Storage/storageAccounts",
                "location": "westeurope",
                "kind": "StorageV2",
                "sku": {"name": "Standard_LRS", "tier": "Standard"},
            })
        })
        .collect();
    let mut body = json!({ "value": page });
    let next = skip + inner.page_size;
    if next < all.len() {
        let host = if inner.foreign_next_link {
            "https://evil.example".to_string()
        } else {
            state.base_url.get().cloned().unwrap_or_default()
        };
        body["nextLink"] = json!(format!(
            "{host}/subscriptions/{subscription}/providers/Microsoft.Storage/storageAccounts?api-version={ARM_API_VERSION}&%24skipToken={next}"
        ));
    }
    HttpResponse::json(200, &body)
}

fn revoke(
    state: &State,
    request: &HttpRequest,
    subscription: &str,
    resource_group: &str,
    name: &str,
) -> HttpResponse {
    if !request.body.is_empty() {
        return error(
            400,
            "InvalidRequestContent",
            "revokeUserDelegationKeys takes no request body.",
        );
    }
    if request
        .header("content-length")
        .is_some_and(|v| v.trim() != "0")
    {
        return error(400, "InvalidRequestContent", "Content-Length must be 0.");
    }
    if request.header("transfer-encoding").is_some() {
        return error(
            411,
            "LengthRequired",
            "A POST needs Content-Length: 0, not a chunked body.",
        );
    }
    let mut inner = state.lock();
    if !known_subscription(&inner, subscription) {
        return error(
            404,
            "SubscriptionNotFound",
            format!("The subscription '{subscription}' could not be found."),
        );
    }
    let Some(account) = inner
        .accounts
        .iter()
        .find(|a| {
            a.subscription.eq_ignore_ascii_case(subscription)
                && a.resource_group.eq_ignore_ascii_case(resource_group)
                && a.name == name
        })
        .cloned()
    else {
        return error(
            404,
            "ResourceNotFound",
            format!("The Resource 'Microsoft.Storage/storageAccounts/{name}' under resource group '{resource_group}' was not found."),
        );
    };
    if inner.deny_revoke {
        return error(
            403,
            "AuthorizationFailed",
            format!(
                "The client '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' with object id '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' does not have authorization to perform action 'Microsoft.Storage/storageAccounts/revokeUserDelegationKeys/action' over scope '{}' or the scope is invalid.",
                account.id()
            ),
        );
    }
    inner.revoked.push(account.id());
    match inner.revoke_status {
        202 => {
            let base = state.base_url.get().cloned().unwrap_or_default();
            HttpResponse::empty(202)
                .with_header(
                    "location",
                    format!("{base}/subscriptions/{subscription}/providers/Microsoft.Storage/locations/westeurope/asyncoperations/1?api-version={ARM_API_VERSION}"),
                )
                .with_header("retry-after", "1")
        }
        _ => HttpResponse::empty(200),
    }
}
