//! Pieces shared by the service stand-ins ([`super::GeoCatalog`], [`super::Ard`]): the request
//! log, injected faults, ids and times, and the strict checks on container URLs and SAS tokens.

use std::collections::{BTreeMap, VecDeque};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::azurite::ACCOUNT;
use super::https::HttpRequest;

/// One request a stand-in answered.
#[derive(Clone, Debug)]
pub struct LoggedRequest {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path as sent (percent-encoded).
    pub path: String,
    /// The query string as sent, without `?`.
    pub query: Option<String>,
    /// The (single) `api-version` query parameter, if there was exactly one.
    pub api_version: Option<String>,
    /// The status the stand-in answered with.
    pub status: u16,
    /// The request body as sent. It may hold secrets (SAS tokens): tests use it to know them.
    pub body: String,
    /// When the stand-in had read the request (its own clock).
    pub received: std::time::Instant,
}

impl LoggedRequest {
    pub(crate) fn new(request: &HttpRequest, status: u16) -> Self {
        let versions: Vec<String> = request
            .query_pairs()
            .into_iter()
            .filter(|(k, _)| k == "api-version")
            .map(|(_, v)| v)
            .collect();
        LoggedRequest {
            method: request.method.clone(),
            path: request.path.clone(),
            query: request.query.clone(),
            api_version: (versions.len() == 1).then(|| versions[0].clone()),
            status,
            body: request.body_text(),
            received: request.received,
        }
    }

    /// The decoded value of one query parameter (the first, if repeated).
    pub fn query_param(&self, name: &str) -> Option<String> {
        url::form_urlencoded::parse(self.query.as_deref().unwrap_or_default().as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }

    /// The body parsed as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// An injected failure: answer the next request with this status (and `Retry-After`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fault {
    pub status: u16,
    pub retry_after: Option<u64>,
}

/// Queue of injected failures, consumed one per request.
#[derive(Debug, Default)]
pub(crate) struct Faults(VecDeque<Fault>);

impl Faults {
    pub(crate) fn push(&mut self, n: usize, status: u16, retry_after: Option<u64>) {
        for _ in 0..n {
            self.0.push_back(Fault {
                status,
                retry_after,
            });
        }
    }

    pub(crate) fn take(&mut self) -> Option<Fault> {
        self.0.pop_front()
    }

    pub(crate) fn pending(&self) -> usize {
        self.0.len()
    }
}

/// A fresh random (version 4) UUID, lowercase.
pub fn new_uuid() -> String {
    let hex = super::token_server::random_hex(32);
    let variant = ["8", "9", "a", "b"][usize::from_str_radix(&hex[16..17], 16).unwrap() % 4];
    format!(
        "{}-{}-4{}-{}{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        variant,
        &hex[17..20],
        &hex[20..32]
    )
}

/// Whether `s` is a UUID in its canonical 8-4-4-4-12 hex form (either case).
pub fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Now, RFC 3339 UTC with sub-second precision (what Azure services return for `created`).
pub fn now_rfc3339() -> String {
    OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .expect("format now")
}

/// Parses an RFC 3339 time.
pub fn parse_rfc3339(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).ok()
}

/// The `aud` claim of a JWT (no signature check: the token server does not sign).
pub fn jwt_audience(token: &str) -> Option<String> {
    let claims = jwt_claims(token)?;
    claims.get("aud")?.as_str().map(str::to_owned)
}

/// The claims of a JWT, if it is one.
pub fn jwt_claims(token: &str) -> Option<serde_json::Value> {
    let mut parts = token.split('.');
    let (_header, payload, _sig) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(payload).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// The token of an `Authorization: Bearer <token>` header.
pub fn bearer(request: &HttpRequest) -> Option<String> {
    let value = request.header("authorization")?;
    let (scheme, token) = value.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() && !token.contains(' '))
        .then(|| token.to_string())
}

/// Checks a bearer token the way an Entra-protected service does: present, a JWT, for
/// `resource` (a trailing `/` allowed), and not expired. The error is the service's message.
pub fn check_bearer_token(token: Option<&str>, resource: &str) -> Result<(), String> {
    let token = token.ok_or("Missing or malformed Authorization: Bearer header.")?;
    let claims = jwt_claims(token).ok_or("The access token is not a JWT.")?;
    let aud = claims
        .get("aud")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("");
    if aud.trim_end_matches('/') != resource {
        return Err(format!(
            "The access token has an invalid audience '{aud}'; expected {resource}."
        ));
    }
    if let Some(exp) = claims.get("exp").and_then(serde_json::Value::as_i64) {
        if exp <= super::token_server::now_unix() {
            return Err("The access token has expired.".into());
        }
    }
    Ok(())
}

/// Where a stand-in's container URLs point: Azurite's own port, or (for benchmarks) a port in
/// front of it — a delay proxy. A stand-in takes container URLs on [`StorageFront::port`] and
/// proves tokens on Azurite directly ([`StorageFront::direct`]), so its proof does not add the
/// proxy's delay to the client's measurement.
#[derive(Debug)]
pub struct StorageFront {
    azurite_port: u16,
    front: std::sync::atomic::AtomicU16,
}

impl StorageFront {
    pub fn new(azurite_port: u16) -> Self {
        Self {
            azurite_port,
            front: std::sync::atomic::AtomicU16::new(0),
        }
    }

    /// Container URLs name `port` on 127.0.0.1 from now on.
    pub fn set(&self, port: u16) {
        self.front.store(port, std::sync::atomic::Ordering::Relaxed);
    }

    /// The port container URLs name.
    pub fn port(&self) -> u16 {
        match self.front.load(std::sync::atomic::Ordering::Relaxed) {
            0 => self.azurite_port,
            front => front,
        }
    }

    /// `url` on Azurite itself, not through the front.
    pub fn direct(&self, url: &str) -> String {
        let front = format!("https://127.0.0.1:{}/", self.port());
        match url.strip_prefix(&front) {
            Some(rest) => format!("https://127.0.0.1:{}/{rest}", self.azurite_port),
            None => url.to_string(),
        }
    }
}

/// Checks a container URL the way a strict service would, for an Azurite on `azurite_port`:
/// `https://127.0.0.1:PORT/devstoreaccount1/CONTAINER` exactly — https, no trailing `/`, no
/// query, no fragment, no user info, a valid container name. Returns the container name.
pub fn check_container_url(url: &str, azurite_port: u16) -> Result<String, String> {
    if url.ends_with('/') {
        return Err(format!("container url {url} must not end with '/'"));
    }
    if url.contains('?') || url.contains('#') {
        return Err(format!(
            "container url {} must not have a query or fragment",
            url.split(['?', '#']).next().unwrap_or_default()
        ));
    }
    let parsed = url::Url::parse(url).map_err(|e| format!("container url is not a URL: {e}"))?;
    if parsed.scheme() != "https" {
        return Err(format!("container url {url} must use https"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(format!("container url {url} must not carry user info"));
    }
    if parsed.host_str() != Some("127.0.0.1") || parsed.port() != Some(azurite_port) {
        return Err(format!(
            "container url {url} is not a storage account this service can reach \
             (expected https://127.0.0.1:{azurite_port}/{ACCOUNT}/CONTAINER)"
        ));
    }
    let segments: Vec<&str> = parsed
        .path_segments()
        .map(|s| s.collect())
        .unwrap_or_default();
    match segments.as_slice() {
        [account, container] if *account == ACCOUNT && is_container_name(container) => {
            Ok((*container).to_string())
        }
        _ => Err(format!(
            "container url {url} must be https://127.0.0.1:{azurite_port}/{ACCOUNT}/CONTAINER"
        )),
    }
}

/// Azure container naming rules: 3–63 of `a-z0-9-`, starting and ending alphanumeric, no `--`.
pub fn is_container_name(name: &str) -> bool {
    (3..=63).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.contains("--")
}

/// The parsed query of a SAS token (decoded values).
#[derive(Clone, Debug)]
pub struct SasFields(pub BTreeMap<String, String>);

impl SasFields {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }
}

/// Checks a SAS token's shape: no leading `?`, no duplicated or empty parameters, `sv`, `sr`,
/// `sp`, `se` and `sig` present, `sr` = `want_sr`, `sp` exactly `want_sp`, `se` in the future
/// and at most 7 days ahead. Returns the fields.
pub fn check_sas(token: &str, want_sr: &str, want_sp: &str) -> Result<SasFields, String> {
    if token.starts_with('?') {
        return Err("the SAS token must not start with '?'".into());
    }
    if token.is_empty() || token.contains(['?', '#', ' ']) {
        return Err("the SAS token is not a query string".into());
    }
    let mut fields = BTreeMap::new();
    for pair in token.split('&') {
        let Some((k, v)) = pair.split_once('=') else {
            return Err(format!(
                "the SAS token has a parameter without a value: {k}",
                k = pair
            ));
        };
        let v = percent_encoding::percent_decode_str(v)
            .decode_utf8()
            .map_err(|_| format!("the SAS token parameter {k} is not UTF-8"))?
            .into_owned();
        if v.is_empty() {
            return Err(format!("the SAS token parameter {k} is empty"));
        }
        if fields.insert(k.to_string(), v).is_some() {
            return Err(format!("the SAS token repeats {k}"));
        }
    }
    for required in ["sv", "sr", "sp", "se", "sig"] {
        if !fields.contains_key(required) {
            return Err(format!("the SAS token has no {required}"));
        }
    }
    if fields["sr"] != want_sr {
        return Err(format!(
            "the SAS token must be for the container (sr={want_sr}), not sr={}",
            fields["sr"]
        ));
    }
    if fields["sp"] != want_sp {
        return Err(format!(
            "the SAS token must grant exactly sp={want_sp}, not sp={}",
            fields["sp"]
        ));
    }
    let expiry = parse_rfc3339(&fields["se"])
        .ok_or_else(|| format!("the SAS token expiry se={} is not a time", fields["se"]))?;
    let now = OffsetDateTime::now_utc();
    if expiry <= now {
        return Err(format!("the SAS token expired at {}", fields["se"]));
    }
    if expiry > now + time::Duration::days(7) {
        return Err(format!(
            "the SAS token expiry {} is more than 7 days ahead",
            fields["se"]
        ));
    }
    Ok(SasFields(fields))
}

/// Blob names in an Azure `List Blobs` XML answer.
pub fn blob_names(xml: &str) -> Vec<String> {
    xml.split("<Name>")
        .skip(1)
        .filter_map(|rest| rest.split_once("</Name>").map(|(name, _)| name.to_string()))
        .collect()
}
