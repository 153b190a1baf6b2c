//! Self-tests of the service stand-ins (`support::GeoCatalog`, `support::Ard`) with plain HTTP
//! calls and tokens signed in-process: they must be right, and strict, before the CLI tests can
//! rely on them.

mod support;

use std::sync::OnceLock;

use serde_json::{json, Value};
use support::{Ard, Azurite, GeoCatalog};

fn azurite() -> &'static Azurite {
    static AZ: OnceLock<Azurite> = OnceLock::new();
    AZ.get_or_init(Azurite::start)
}

struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    text: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("{e}: {}", self.text))
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Azure.Core `error.code` (GeoCatalog) or `error` (ARD).
    fn code(&self) -> String {
        let v = self.json();
        v["error"]["code"]
            .as_str()
            .or(v["error"].as_str())
            .unwrap_or_default()
            .to_string()
    }
}

async fn send(method: &str, url: &str, bearer: Option<&str>, body: Option<&Value>) -> Answer {
    let client = azurite().http_client();
    let mut request = client.request(reqwest::Method::from_bytes(method.as_bytes()).unwrap(), url);
    if let Some(token) = bearer {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    let response = request.send().await.expect("stand-in reachable over HTTPS");
    Answer {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        text: response.text().await.unwrap(),
    }
}

async fn container(name: &str) -> String {
    support::create_container(azurite(), name).await;
    support::upload_blob(azurite(), name, "scene/a.tif", b"pixels").await;
    azurite().container_url(name)
}

async fn sas(container: &str, permissions: &str) -> String {
    support::container_sas(azurite(), container, permissions, time::Duration::days(2)).await
}

fn set_param(token: &str, name: &str, value: &str) -> String {
    token
        .split('&')
        .map(|p| {
            if p.starts_with(&format!("{name}=")) {
                format!("{name}={value}")
            } else {
                p.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

// ---- GeoCatalog ---------------------------------------------------------------------------------

fn geo_token() -> String {
    support::mint_jwt(support::GEOCATALOG_RESOURCE)
}

fn sources_url(geo: &GeoCatalog, version: &str) -> String {
    let prefix = if version == support::GEO_API_LEGACY {
        "/api"
    } else {
        "/inma"
    };
    format!(
        "{}{prefix}/ingestion-sources?api-version={version}",
        geo.endpoint()
    )
}

fn source_url(geo: &GeoCatalog, id: &str) -> String {
    format!(
        "{}/inma/ingestion-sources/{id}?api-version={}",
        geo.endpoint(),
        support::GEO_API_GA
    )
}

fn sas_body(id: &str, container_url: &str, token: &str) -> Value {
    json!({"id": id, "kind": "SasToken",
           "connectionInfo": {"containerUrl": container_url, "sasToken": token}})
}

#[tokio::test]
async fn geocatalog_checks_token_audience_version_and_path() {
    let geo = GeoCatalog::start(azurite());
    let ga = sources_url(&geo, support::GEO_API_GA);
    let token = geo_token();

    assert_eq!(send("GET", &ga, None, None).await.status, 401);
    let storage = support::mint_jwt(support::STORAGE_RESOURCE);
    let r = send("GET", &ga, Some(&storage), None).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.header("x-ms-error-code"), Some("Unauthorized"));
    assert_eq!(send("GET", &ga, Some("not-a-jwt"), None).await.status, 401);
    let slash = support::mint_jwt("https://geocatalog.spatio.azure.com/");
    assert_eq!(send("GET", &ga, Some(&slash), None).await.status, 200);
    let mut expired = support::standard_claims(support::GEOCATALOG_RESOURCE);
    expired["exp"] = json!(support::now_unix() - 10);
    let expired = support::mint_jwt_with(&expired);
    assert_eq!(send("GET", &ga, Some(&expired), None).await.status, 401);

    let base = format!("{}/inma/ingestion-sources", geo.endpoint());
    let r = send("GET", &base, Some(&token), None).await;
    assert_eq!(
        (r.status, r.code().as_str()),
        (400, "MissingApiVersionParameter")
    );
    let r = send(
        "GET",
        &format!("{base}?api-version=2023-01-01"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(
        (r.status, r.code().as_str()),
        (400, "UnsupportedApiVersion")
    );
    let r = send(
        "GET",
        &format!("{ga}&api-version={}", support::GEO_API_GA),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(r.status, 400, "a repeated api-version is refused");

    // Each version lives under its own path family.
    let legacy_on_new = format!(
        "{}/inma/ingestion-sources?api-version={}",
        geo.endpoint(),
        support::GEO_API_LEGACY
    );
    assert_eq!(
        send("GET", &legacy_on_new, Some(&token), None).await.status,
        404
    );
    let new_on_legacy = format!(
        "{}/api/ingestion-sources?api-version={}",
        geo.endpoint(),
        support::GEO_API_GA
    );
    assert_eq!(
        send("GET", &new_on_legacy, Some(&token), None).await.status,
        404
    );
    let double_slash = format!(
        "{}//inma/ingestion-sources?api-version={}",
        geo.endpoint(),
        support::GEO_API_GA
    );
    assert_eq!(
        send("GET", &double_slash, Some(&token), None).await.status,
        404
    );
    let preview = sources_url(&geo, support::GEO_API_PREVIEW);
    let r = send("GET", &preview, Some(&token), None).await;
    assert_eq!((r.status, r.json()), (200, json!({"value": []})));
    assert_eq!(send("DELETE", &ga, Some(&token), None).await.status, 405);

    let log = geo.requests();
    assert_eq!(log.len(), geo.request_count());
    assert_eq!(log[0].status, 401);
    assert_eq!(log[0].api_version.as_deref(), Some(support::GEO_API_GA));
    assert!(geo.bearer_tokens().contains(&storage));
}

#[tokio::test]
async fn geocatalog_create_uses_the_token_conflicts_replaces_and_deletes() {
    let geo = GeoCatalog::start(azurite());
    let c = container("geo-standin-crud").await;
    let token = geo_token();
    let sas1 = sas("geo-standin-crud", "rl").await;
    let id = support::new_uuid();
    assert!(support::is_uuid(&id));

    let r = send(
        "POST",
        &sources_url(&geo, support::GEO_API_GA),
        Some(&token),
        Some(&sas_body(&id, &c, &sas1)),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(
        r.header("location"),
        Some(source_url(&geo, &id).as_str()),
        "Location names the new source"
    );
    let se = sas1.split('&').find_map(|p| p.strip_prefix("se=")).unwrap();
    let se = percent_encoding::percent_decode_str(se)
        .decode_utf8()
        .unwrap();
    let body = r.json();
    assert_eq!(body["id"], id.as_str());
    assert_eq!(body["kind"], "SasToken");
    assert_eq!(
        body["connectionInfo"],
        json!({"containerUrl": c, "expiration": se})
    );
    assert!(
        support::parse_rfc3339(body["created"].as_str().unwrap()).is_some(),
        "created is RFC 3339"
    );
    assert!(!r.text.contains("sig="), "the token is never returned");

    let checks = geo.token_checks();
    assert_eq!(checks.len(), 1);
    assert!(checks[0].ok, "{checks:?}");
    assert_eq!(
        checks[0].blobs,
        ["scene/a.tif"],
        "the stand-in listed the container"
    );
    assert_eq!(checks[0].sas_token, sas1);
    let stored = geo.source(&id).unwrap();
    assert_eq!(stored.sas_token.as_deref(), Some(sas1.as_str()));
    assert_eq!(stored.writes, 1);
    assert!(!stored.seeded);

    // A second SAS source for the container: the documented 409.
    let other = support::new_uuid();
    let r = send(
        "POST",
        &sources_url(&geo, support::GEO_API_GA),
        Some(&token),
        Some(&sas_body(&other, &c, &sas1)),
    )
    .await;
    assert_eq!(r.status, 409);
    assert_eq!(r.header("x-ms-error-code"), Some("Conflict"));
    assert_eq!(
        r.json()["error"]["message"],
        format!("Container url {c} already contains a SAS token ingestion source with id {id}")
    );

    // Replace under the same id with a new token: 200, created kept.
    // Another lifetime: two tokens signed within the same second would be identical.
    let sas2 =
        support::container_sas(azurite(), "geo-standin-crud", "rl", time::Duration::days(3)).await;
    assert_ne!(sas1, sas2);
    let r = send(
        "PUT",
        &source_url(&geo, &id),
        Some(&token),
        Some(&sas_body(&id, &c, &sas2)),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["created"], body["created"]);
    let stored = geo.source(&id).unwrap();
    assert_eq!(stored.sas_token.as_deref(), Some(sas2.as_str()));
    assert_eq!(stored.writes, 2);
    assert_eq!(geo.sources().len(), 1);
    assert!(geo.token_checks()[1].ok);

    // PUT under a new id creates (201).
    let c2 = container("geo-standin-crud2").await;
    let id2 = support::new_uuid();
    let sas3 = sas("geo-standin-crud2", "rl").await;
    let r = send(
        "PUT",
        &source_url(&geo, &id2),
        Some(&token),
        Some(&sas_body(&id2, &c2, &sas3)),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);

    let r = send("GET", &source_url(&geo, &id), Some(&token), None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), geo.source(&id).unwrap().to_json(false));
    assert_eq!(
        send("DELETE", &source_url(&geo, &id), Some(&token), None)
            .await
            .status,
        204
    );
    assert_eq!(
        send("GET", &source_url(&geo, &id), Some(&token), None)
            .await
            .status,
        404
    );
    assert_eq!(
        send("DELETE", &source_url(&geo, &id), Some(&token), None)
            .await
            .status,
        404
    );
    assert_eq!(geo.sources().len(), 1);
}

#[tokio::test]
async fn geocatalog_refuses_what_the_service_refuses() {
    let geo = GeoCatalog::start(azurite());
    let c = container("geo-standin-strict").await;
    let token = geo_token();
    let good = sas("geo-standin-strict", "rl").await;
    let url = sources_url(&geo, support::GEO_API_GA);
    let id = support::new_uuid();

    let mut cases: Vec<(&str, Value)> = vec![
        (
            "unknown field",
            json!({"id": id, "kind": "SasToken", "extra": 1,
                   "connectionInfo": {"containerUrl": c, "sasToken": good}}),
        ),
        (
            "missing id",
            json!({"kind": "SasToken", "connectionInfo": {"containerUrl": c, "sasToken": good}}),
        ),
        ("id not a uuid", sas_body("source-1", &c, &good)),
        (
            "legacy discriminator",
            json!({"id": id, "sourceType": "SasToken",
                   "connectionInfo": {"containerUrl": c, "sasToken": good}}),
        ),
        (
            "unknown kind",
            json!({"id": id, "kind": "Sas", "connectionInfo": {"containerUrl": c, "sasToken": good}}),
        ),
        (
            "extra connection field",
            json!({"id": id, "kind": "SasToken",
                   "connectionInfo": {"containerUrl": c, "sasToken": good, "expiration": "x"}}),
        ),
        ("leading ?", sas_body(&id, &c, &format!("?{good}"))),
        ("trailing /", sas_body(&id, &format!("{c}/"), &good)),
        (
            "query",
            sas_body(&id, &format!("{c}?restype=container"), &good),
        ),
        ("http", sas_body(&id, &c.replace("https:", "http:"), &good)),
        (
            "account root",
            sas_body(&id, &azurite().account_url(), &good),
        ),
        (
            "read only",
            sas_body(&id, &c, &sas("geo-standin-strict", "r").await),
        ),
        (
            "too much",
            sas_body(&id, &c, &sas("geo-standin-strict", "rwl").await),
        ),
        (
            "blob level",
            sas_body(&id, &c, &set_param(&good, "sr", "b")),
        ),
        (
            "over 7 days",
            sas_body(&id, &c, &set_param(&good, "se", "2099-01-01T00%3A00%3A00Z")),
        ),
        (
            "expired",
            sas_body(&id, &c, &set_param(&good, "se", "2020-01-01T00%3A00%3A00Z")),
        ),
        (
            "managed identity not in the catalog",
            json!({"id": id, "kind": "BlobManagedIdentity",
                   "connectionInfo": {"containerUrl": c, "objectId": support::new_uuid()}}),
        ),
        (
            "managed identity object id not a uuid",
            json!({"id": id, "kind": "BlobManagedIdentity",
                   "connectionInfo": {"containerUrl": c, "objectId": "reader"}}),
        ),
    ];
    cases.push((
        "token from another container",
        sas_body(&id, &c, &{
            container("geo-standin-other").await;
            sas("geo-standin-other", "rl").await
        }),
    ));
    for (what, body) in &cases {
        let r = send("POST", &url, Some(&token), Some(body)).await;
        assert_eq!(r.status, 400, "{what}: {}", r.text);
        assert!(r.header("x-ms-error-code").is_some(), "{what}");
        assert!(!r.code().is_empty(), "{what}: Azure.Core error body");
    }
    assert!(geo.sources().is_empty());
    let checks = geo.token_checks();
    assert_eq!(
        checks.len(),
        1,
        "only the well-formed foreign token was tried"
    );
    assert_eq!(checks[0].status, 403);
    assert!(!checks[0].ok);

    // A forged signature has the right shape but does not work.
    let forged = set_param(
        &good,
        "sig",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%3D",
    );
    let r = send(
        "POST",
        &url,
        Some(&token),
        Some(&sas_body(&id, &c, &forged)),
    )
    .await;
    assert_eq!((r.status, r.code().as_str()), (400, "InvalidSasToken"));
    assert!(!geo.token_checks()[1].ok);

    // Not JSON, wrong content type, PUT with another id in the body.
    let client = azurite().http_client();
    let r = client
        .post(&url)
        .bearer_auth(&token)
        .header("content-type", "text/plain")
        .body(sas_body(&id, &c, &good).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 415);
    let r = client
        .post(&url)
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let r = send(
        "PUT",
        &source_url(&geo, &support::new_uuid()),
        Some(&token),
        Some(&sas_body(&id, &c, &good)),
    )
    .await;
    assert_eq!(r.status, 400, "body id must equal the path id");
    // A source id that is not a UUID: the same 400 for PUT, GET and DELETE.
    let put = send(
        "PUT",
        &source_url(&geo, "not-a-uuid"),
        Some(&token),
        Some(&sas_body(&id, &c, &good)),
    )
    .await;
    assert_eq!(
        (put.status, put.code().as_str()),
        (400, "InvalidRequestContent")
    );
    for method in ["GET", "DELETE"] {
        let r = send(method, &source_url(&geo, "not-a-uuid"), Some(&token), None).await;
        assert_eq!(
            (r.status, r.code(), r.json()["error"]["message"].clone()),
            (400, put.code(), put.json()["error"]["message"].clone()),
            "{method}"
        );
    }

    // Managed identity: one of the catalog's identities works, no token involved.
    let oid = geo.identities()[1].object_id.clone();
    let body = json!({"id": id, "kind": "BlobManagedIdentity",
                      "connectionInfo": {"containerUrl": c, "objectId": oid}});
    let r = send("POST", &url, Some(&token), Some(&body)).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(
        r.json()["connectionInfo"],
        json!({"containerUrl": c, "objectId": oid})
    );
    // ... and does not block a SAS source for the same container.
    let sas_id = support::new_uuid();
    let r = send(
        "POST",
        &url,
        Some(&token),
        Some(&sas_body(&sas_id, &c, &good)),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    // Any object id once the restriction is off.
    geo.set_require_known_identity(false);
    let body = json!({"id": support::new_uuid(), "kind": "BlobManagedIdentity",
                      "connectionInfo": {"containerUrl": c, "objectId": support::new_uuid()}});
    assert_eq!(
        send("POST", &url, Some(&token), Some(&body)).await.status,
        201
    );
}

#[tokio::test]
async fn geocatalog_pages_sources_and_identities() {
    let geo = GeoCatalog::start(azurite());
    let token = geo_token();
    let ids: Vec<String> = (0..5)
        .map(|i| geo.seed_sas_source(&azurite().container_url(&format!("seeded-{i}"))))
        .collect();

    let mut url = sources_url(&geo, support::GEO_API_GA);
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let r = send("GET", &url, Some(&token), None).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let v = r.json();
        pages += 1;
        for item in v["value"].as_array().unwrap() {
            let mut keys: Vec<&String> = item.as_object().unwrap().keys().collect();
            keys.sort();
            assert_eq!(keys, ["created", "id", "kind"], "summaries only");
            seen.push(item["id"].as_str().unwrap().to_string());
        }
        match v["nextLink"].as_str() {
            Some(next) => {
                assert!(next.starts_with(&geo.endpoint()), "absolute: {next}");
                assert!(!next.contains("api-version"), "{next}");
                assert!(next.contains("$skip="), "{next}");
                // As given, the link lacks the api-version the service requires.
                let r = send("GET", next, Some(&token), None).await;
                assert_eq!(
                    (r.status, r.code().as_str()),
                    (400, "MissingApiVersionParameter")
                );
                url = format!("{next}&api-version={}", support::GEO_API_GA);
            }
            None => break,
        }
    }
    assert_eq!((pages, seen), (3, ids.clone()));

    // $top never raises the page size; $skip past the end is an empty page.
    let r = send(
        "GET",
        &format!("{}&$top=100", sources_url(&geo, support::GEO_API_GA)),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(r.json()["value"].as_array().unwrap().len(), 2);
    assert!(r.json()["nextLink"].as_str().unwrap().contains("$top=100"));
    let r = send(
        "GET",
        &format!("{}&$skip=9", sources_url(&geo, support::GEO_API_GA)),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(r.json(), json!({"value": []}));
    let r = send(
        "GET",
        &format!("{}&$skip=-1", sources_url(&geo, support::GEO_API_GA)),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(r.status, 400);

    geo.set_page_size(10);
    let r = send(
        "GET",
        &sources_url(&geo, support::GEO_API_GA),
        Some(&token),
        None,
    )
    .await;
    assert!(r.json().get("nextLink").is_none());

    // Identities page too (3 identities, page size 2).
    geo.set_page_size(2);
    let identities_url = format!(
        "{}/inma/ingestion-sources/managed-identities?api-version={}",
        geo.endpoint(),
        support::GEO_API_GA
    );
    let r = send("GET", &identities_url, Some(&token), None).await;
    let v = r.json();
    assert_eq!(v["value"].as_array().unwrap().len(), 2);
    let next = v["nextLink"].as_str().unwrap();
    assert!(!next.contains("api-version"), "{next}");
    let r = send(
        "GET",
        &format!("{next}&api-version={}", support::GEO_API_GA),
        Some(&token),
        None,
    )
    .await;
    let v2 = r.json();
    assert!(v2.get("nextLink").is_none());
    let all: Vec<Value> = v["value"]
        .as_array()
        .unwrap()
        .iter()
        .chain(v2["value"].as_array().unwrap())
        .cloned()
        .collect();
    let expected: Vec<Value> = geo.identities().iter().map(|i| i.to_json()).collect();
    assert_eq!(all, expected);
}

#[tokio::test]
async fn geocatalog_legacy_api() {
    let geo = GeoCatalog::start(azurite());
    let c = container("geo-standin-legacy").await;
    let token = geo_token();
    let good = sas("geo-standin-legacy", "rl").await;
    let url = sources_url(&geo, support::GEO_API_LEGACY);
    let body = json!({"sourceType": "SasToken",
                      "connectionInfo": {"containerUrl": c, "sasToken": good}});

    let with_id = json!({"id": support::new_uuid(), "sourceType": "SasToken",
                         "connectionInfo": {"containerUrl": c, "sasToken": good}});
    assert_eq!(
        send("POST", &url, Some(&token), Some(&with_id))
            .await
            .status,
        400
    );
    let with_kind = json!({"kind": "SasToken",
                           "connectionInfo": {"containerUrl": c, "sasToken": good}});
    assert_eq!(
        send("POST", &url, Some(&token), Some(&with_kind))
            .await
            .status,
        400
    );

    let r = send("POST", &url, Some(&token), Some(&body)).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let v = r.json();
    let id = v["id"].as_str().unwrap().to_string();
    assert!(support::is_uuid(&id), "the service assigns the id");
    assert_eq!(v["sourceType"], "SasToken");
    assert!(v.get("kind").is_none());
    assert!(r
        .header("location")
        .unwrap()
        .contains("/api/ingestion-sources/"));

    let r = send("GET", &url, Some(&token), None).await;
    assert_eq!(
        r.json(),
        json!([{"id": id, "sourceType": "SasToken", "created": v["created"]}]),
        "a bare array"
    );
    let r = send("POST", &url, Some(&token), Some(&body)).await;
    assert_eq!(r.status, 409);

    let item = format!(
        "{}/api/ingestion-sources/{id}?api-version={}",
        geo.endpoint(),
        support::GEO_API_LEGACY
    );
    let fresh = sas("geo-standin-legacy", "rl").await;
    let replace = json!({"sourceType": "SasToken",
                         "connectionInfo": {"containerUrl": c, "sasToken": fresh}});
    let r = send("PUT", &item, Some(&token), Some(&replace)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        geo.source(&id).unwrap().sas_token.as_deref(),
        Some(fresh.as_str())
    );
    let r = send("GET", &item, Some(&token), None).await;
    assert_eq!(r.json()["sourceType"], "SasToken");
    assert_eq!(send("DELETE", &item, Some(&token), None).await.status, 200);
    assert!(geo.sources().is_empty());
    assert!(geo
        .requests()
        .iter()
        .all(|r| r.api_version.as_deref() == Some(support::GEO_API_LEGACY)));
}

#[tokio::test]
async fn geocatalog_faults_race_and_echo() {
    let geo = GeoCatalog::start(azurite());
    let c = container("geo-standin-faults").await;
    let token = geo_token();
    let url = sources_url(&geo, support::GEO_API_GA);

    geo.fail_next(2, 503, Some(1));
    assert_eq!(geo.pending_faults(), 2);
    let r = send("GET", &url, None, None).await;
    assert_eq!(r.status, 503, "faults come before authentication");
    assert_eq!(r.header("retry-after"), Some("1"));
    assert_eq!(r.header("x-ms-error-code"), Some("ServiceUnavailable"));
    assert_eq!(send("GET", &url, Some(&token), None).await.status, 503);
    assert_eq!(send("GET", &url, Some(&token), None).await.status, 200);
    geo.fail_next(1, 429, None);
    let r = send("GET", &url, Some(&token), None).await;
    assert_eq!((r.status, r.header("retry-after")), (429, None));

    // A concurrent creator gets in between.
    geo.race_next_create();
    let good = sas("geo-standin-faults", "rl").await;
    let id = support::new_uuid();
    let r = send("POST", &url, Some(&token), Some(&sas_body(&id, &c, &good))).await;
    assert_eq!(r.status, 409);
    let competitor = geo.sources_for(&c);
    assert_eq!(competitor.len(), 1);
    assert!(competitor[0].seeded);
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .ends_with(&format!("with id {}", competitor[0].id)));
    let r = send(
        "PUT",
        &source_url(&geo, &competitor[0].id),
        Some(&token),
        Some(&sas_body(&competitor[0].id, &c, &good)),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let replaced = geo.source(&competitor[0].id).unwrap();
    assert_eq!(
        (replaced.writes, replaced.sas_token.as_deref()),
        (1, Some(good.as_str()))
    );

    // Echo mode puts the whole body, token included, into the error message.
    geo.set_echo_errors(true);
    let r = send(
        "PUT",
        &source_url(&geo, &competitor[0].id),
        Some(&token),
        Some(&sas_body(&competitor[0].id, &c, &good)),
    )
    .await;
    assert_eq!(r.status, 400);
    let message = r.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(
        message.starts_with(&format!("Rejected SAS token {good}; request body: {{")),
        "the token first: {message}"
    );
    let logged = geo.requests().last().unwrap().json();
    assert_eq!(logged["connectionInfo"]["sasToken"], good.as_str());
}

// ---- ARD ------------------------------------------------------------------------------------------

async fn ard_login(ard: &Ard) -> String {
    let r = send(
        "POST",
        &format!("{}/auth/authenticate", ard.endpoint()),
        None,
        Some(
            &json!({"grant_type": "password", "username": ard.username(),
                     "password": ard.password()}),
        ),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()["access_token"].as_str().unwrap().to_string()
}

fn credentials_url(ard: &Ard, id: &str) -> String {
    format!(
        "{}/admin/account/{}/credentials/{id}",
        ard.endpoint(),
        ard.account_id()
    )
}

#[tokio::test]
async fn ard_authenticates() {
    let ard = Ard::start(azurite());
    let auth = format!("{}/auth/authenticate", ard.endpoint());
    let me = format!("{}/auth/self", ard.endpoint());

    let r = send(
        "POST",
        &auth,
        None,
        Some(
            &json!({"grant_type": "password", "username": ard.username(),
                     "password": ard.password()}),
        ),
    )
    .await;
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["expires_in"], 43200);
    let access = v["access_token"].as_str().unwrap();
    let refresh = v["refresh_token"].as_str().unwrap();
    assert_eq!(ard.issued_tokens().len(), 2);

    let r = send(
        "POST",
        &auth,
        None,
        Some(
            &json!({"grant_type": "password", "username": ard.username(),
                     "password": "wrong"}),
        ),
    )
    .await;
    assert_eq!(r.status, 401);
    let r = send(
        "POST",
        &auth,
        None,
        Some(
            &json!({"grant_type": "password", "username": ard.username(),
                     "password": ard.password(), "scope": "x"}),
        ),
    )
    .await;
    assert_eq!(r.status, 400, "exactly grant_type, username, password");
    let r = send(
        "POST",
        &auth,
        None,
        Some(&json!({"grant_type": "refresh_token", "refresh_token": refresh})),
    )
    .await;
    assert_eq!(r.status, 200);

    let r = send("GET", &me, Some(access), None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["user"]["account_id"], ard.account_id());
    assert_eq!(r.json()["user"]["roles"], json!(["admin"]));
    assert_eq!(r.json().get("account_id"), None, "nested under user only");
    assert_eq!(
        send("GET", &me, Some(ard.static_token()), None)
            .await
            .status,
        200
    );
    assert_eq!(send("GET", &me, None, None).await.status, 401);
    assert_eq!(send("GET", &me, Some("nope"), None).await.status, 401);
    let other_account = format!("{}/admin/account/someone-else/credentials", ard.endpoint());
    assert_eq!(
        send("GET", &other_account, Some(access), None).await.status,
        403
    );
    let wrong_base = format!("{}x/auth/self", ard.endpoint());
    assert_eq!(
        send("GET", &wrong_base, Some(access), None).await.status,
        404
    );
}

#[tokio::test]
async fn ard_registers_by_writing_rotates_patches_lists_and_deletes() {
    let ard = Ard::start(azurite());
    let c = container("ard-standin-crud").await;
    let token = ard_login(&ard).await;
    let w1 = sas("ard-standin-crud", "w").await;

    let r = send(
        "PUT",
        &credentials_url(&ard, "deliveries_1"),
        Some(&token),
        Some(&json!({"credentials": format!("{c}?{w1}"), "description": "first"})),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let created = r.json()["registered_credentials"].clone();
    assert_eq!(created["credentials_id"], "deliveries_1");
    assert_eq!(created["account_id"], ard.account_id());
    assert_eq!(created["description"], "first");
    assert!(!r.text.contains("sig="), "the secret is never returned");
    let checks = ard.upload_checks();
    assert_eq!(checks.len(), 1);
    assert!(checks[0].ok, "{checks:?}");
    assert_eq!(checks[0].container_url, c);
    // The stand-in really wrote a blob with the SAS.
    let listing = sas("ard-standin-crud", "rl").await;
    let names = support::list_blobs(&support::with_query(&c, &listing))
        .await
        .unwrap();
    assert!(names.contains(&checks[0].blob_name), "{names:?}");

    // Rotate: PUT again keeps created, changes modified and the secret.
    let w2 =
        support::container_sas(azurite(), "ard-standin-crud", "w", time::Duration::days(3)).await;
    assert_ne!(w1, w2);
    let r = send(
        "PUT",
        &credentials_url(&ard, "deliveries_1"),
        Some(&token),
        Some(&json!({"credentials": format!("{c}?{w2}")})),
    )
    .await;
    assert_eq!(
        (r.status, r.json()["error"].as_str()),
        (400, Some("invalid_request")),
        "a PUT needs the description too: {}",
        r.text
    );
    assert_eq!(ard.upload_checks().len(), 1, "refused before any upload");
    let r = send(
        "PUT",
        &credentials_url(&ard, "deliveries_1"),
        Some(&token),
        Some(&json!({"credentials": format!("{c}?{w2}"), "description": ""})),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let rotated = r.json()["registered_credentials"].clone();
    assert_eq!(rotated["created"], created["created"]);
    assert_ne!(rotated["modified"], created["modified"]);
    assert_eq!(rotated["description"], "", "PUT replaces everything");
    let stored = ard.credential("deliveries_1").unwrap();
    assert_eq!(stored.credentials, Some(format!("{c}?{w2}")));
    assert_eq!(stored.writes, 2);

    // PATCH only what is sent.
    let r = send(
        "PATCH",
        &credentials_url(&ard, "deliveries_1"),
        Some(&token),
        Some(&json!({"description": "patched"})),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let stored = ard.credential("deliveries_1").unwrap();
    assert_eq!(stored.description.as_deref(), Some("patched"));
    assert_eq!(stored.credentials, Some(format!("{c}?{w2}")));
    assert_eq!(
        ard.upload_checks().len(),
        2,
        "no upload without new credentials"
    );
    let r = send(
        "PATCH",
        &credentials_url(&ard, "missing"),
        Some(&token),
        Some(&json!({"description": "x"})),
    )
    .await;
    assert_eq!(r.status, 404);

    let r = send(
        "GET",
        &credentials_url(&ard, "deliveries_1"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.json(),
        json!({"registered_credentials": stored.to_json()})
    );

    // A PUT may answer 204 with no body.
    ard.set_put_no_content(true);
    let w3 =
        support::container_sas(azurite(), "ard-standin-crud", "w", time::Duration::days(2)).await;
    let r = send(
        "PUT",
        &credentials_url(&ard, "deliveries_1"),
        Some(&token),
        Some(&json!({"credentials": format!("{c}?{w3}"), "description": "patched"})),
    )
    .await;
    assert_eq!((r.status, r.text.as_str()), (204, ""));
    ard.set_put_no_content(false);
    let stored = ard.credential("deliveries_1").unwrap();
    assert_eq!(stored.credentials, Some(format!("{c}?{w3}")));
    assert_eq!(stored.writes, 4);

    // Cursor paging: 5 more, ordered by id, pages of 2.
    for id in ["a-1", "b-2", "c-3", "d-4", "e-5"] {
        ard.seed_credentials(id, Some("seeded"));
    }
    let list = format!(
        "{}/admin/account/{}/credentials",
        ard.endpoint(),
        ard.account_id()
    );
    let mut seen = Vec::new();
    let mut url = format!("{list}?limit=50");
    let mut pages = 0;
    loop {
        let r = send("GET", &url, Some(&token), None).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let v = r.json();
        pages += 1;
        let data = v["data"].as_array().unwrap();
        for item in data {
            let keys: Vec<&String> = item.as_object().unwrap().keys().collect();
            assert_eq!(keys, ["registered_credentials"], "wrapped like a GET");
            seen.push(
                item["registered_credentials"]["credentials_id"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            );
        }
        if !v["has_more"].as_bool().unwrap() {
            break;
        }
        url = format!("{list}?limit=50&starting_after={}", seen.last().unwrap());
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, ["a-1", "b-2", "c-3", "d-4", "deliveries_1", "e-5"]);
    assert_eq!(
        send("GET", &format!("{list}?limit=0"), Some(&token), None)
            .await
            .status,
        400
    );
    assert_eq!(
        send(
            "GET",
            &format!("{list}?starting_after=zzz"),
            Some(&token),
            None
        )
        .await
        .status,
        400
    );

    let r = send(
        "DELETE",
        &credentials_url(&ard, "deliveries_1"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!((r.status, r.text.as_str()), (204, ""));
    assert_eq!(
        send(
            "GET",
            &credentials_url(&ard, "deliveries_1"),
            Some(&token),
            None
        )
        .await
        .status,
        404
    );
    assert_eq!(
        send(
            "DELETE",
            &credentials_url(&ard, "deliveries_1"),
            Some(&token),
            None
        )
        .await
        .status,
        404
    );
}

#[tokio::test]
async fn ard_refuses_what_cannot_deliver() {
    let ard = Ard::start(azurite());
    let c = container("ard-standin-strict").await;
    let token = ard_login(&ard).await;
    let w = sas("ard-standin-strict", "w").await;
    let url = credentials_url(&ard, "x");

    let cases: Vec<(&str, Value)> = vec![
        ("no query", json!({"credentials": c})),
        ("token only", json!({"credentials": w})),
        (
            "read-list",
            json!({"credentials": format!("{c}?{}", sas("ard-standin-strict", "rl").await)}),
        ),
        (
            "write+read",
            json!({"credentials": format!("{c}?{}", sas("ard-standin-strict", "rw").await)}),
        ),
        (
            "blob level",
            json!({"credentials": format!("{c}?{}", set_param(&w, "sr", "b"))}),
        ),
        ("trailing /", json!({"credentials": format!("{c}/?{w}")})),
        (
            "http",
            json!({"credentials": format!("{}?{w}", c.replace("https:", "http:"))}),
        ),
        (
            "unknown field",
            json!({"credentials": format!("{c}?{w}"), "name": "x"}),
        ),
        ("no credentials", json!({"description": "x"})),
        ("no description", json!({"credentials": format!("{c}?{w}")})),
        (
            "description not a string",
            json!({"credentials": format!("{c}?{w}"), "description": 5}),
        ),
        (
            "description null",
            json!({"credentials": format!("{c}?{w}"), "description": null}),
        ),
    ];
    for (what, body) in &cases {
        let r = send("PUT", &url, Some(&token), Some(body)).await;
        assert_eq!(r.status, 400, "{what}: {}", r.text);
    }
    assert!(ard.upload_checks().is_empty());
    let forged = set_param(&w, "sig", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%3D");
    let r = send(
        "PUT",
        &url,
        Some(&token),
        Some(&json!({"credentials": format!("{c}?{forged}"), "description": ""})),
    )
    .await;
    assert_eq!(r.status, 400);
    let checks = ard.upload_checks();
    assert_eq!(
        (checks.len(), checks[0].ok, checks[0].status),
        (1, false, 403)
    );
    assert!(ard.credentials().is_empty());

    for bad in ["bad%20id", "a.b", "%C3%BC"] {
        let r = send(
            "PUT",
            &credentials_url(&ard, bad),
            Some(&token),
            Some(&json!({"credentials": format!("{c}?{w}"), "description": ""})),
        )
        .await;
        assert_eq!(r.status, 400, "{bad}");
    }
    assert!(support::is_credentials_id("Ab_9-z"));
    assert!(!support::is_credentials_id("a b"));
    assert!(!support::is_credentials_id(""));

    // Faults and echo.
    ard.fail_next(1, 503, Some(1));
    let r = send("GET", &url, Some(&token), None).await;
    assert_eq!((r.status, r.header("retry-after")), (503, Some("1")));
    ard.set_echo_errors(true);
    let r = send(
        "PUT",
        &url,
        Some(&token),
        Some(&json!({"credentials": format!("{c}?{w}"), "description": ""})),
    )
    .await;
    assert_eq!(r.status, 400);
    let message = r.json()["message"].as_str().unwrap().to_string();
    assert!(
        message.starts_with(&format!("rejected SAS token {w} for {c}; request body: {{")),
        "the SAS first: {message}"
    );
    assert_eq!(ard.requests().last().unwrap().status, 400);
}

// ---- the storage front (benchmarks) ---------------------------------------------------------------

#[tokio::test]
async fn a_storage_front_moves_the_container_urls_but_tokens_are_proven_on_azurite() {
    // For bench/latency.sh: container URLs name a port in front of Azurite (a delay proxy;
    // nothing listens there in this test), and the stand-ins prove each token on Azurite
    // itself. Azurite's own port is then as foreign as any other.
    let front = 1; // never Azurite's port, and nothing is sent to it
    let c = container("standin-front").await;
    let on_front = c.replacen(
        &format!("127.0.0.1:{}/", azurite().port()),
        &format!("127.0.0.1:{front}/"),
        1,
    );
    assert_ne!(on_front, c);

    let geo = GeoCatalog::start(azurite());
    geo.set_storage_front(front);
    let url = sources_url(&geo, support::GEO_API_GA);
    let good = sas("standin-front", "rl").await;
    // Another signature of the same shape: one character changed.
    let sig = good
        .split('&')
        .find_map(|p| p.strip_prefix("sig="))
        .unwrap();
    let other = if sig.starts_with('A') { "B" } else { "A" };
    let tampered = set_param(&good, "sig", &format!("{other}{}", &sig[1..]));
    let create = |container_url: &str, sas: &str| {
        let body = sas_body(&support::new_uuid(), container_url, sas);
        let url = url.clone();
        async move { send("POST", &url, Some(&geo_token()), Some(&body)).await }
    };

    let r = create(&on_front, &tampered).await;
    assert_eq!(r.status, 400, "a tampered token: {}", r.text);
    let r = create(&on_front, &good).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let checks = geo.token_checks();
    assert_eq!(
        checks.iter().map(|c| c.ok).collect::<Vec<_>>(),
        [false, true],
        "both tokens were tried on Azurite, which refused the tampered one"
    );
    let r = create(&c, &good).await;
    assert_eq!(
        r.status, 400,
        "Azurite's own port is not the front: {}",
        r.text
    );
    assert_eq!(geo.token_checks().len(), 2, "refused before any proof");

    let ard = Ard::start(azurite());
    ard.set_storage_front(front);
    let token = ard_login(&ard).await;
    let w = sas("standin-front", "w").await;
    let put = |id: &'static str, url: String| {
        let token = token.clone();
        let ard_url = credentials_url(&ard, id);
        async move {
            send(
                "PUT",
                &ard_url,
                Some(&token),
                Some(&json!({"credentials": url, "description": ""})),
            )
            .await
        }
    };
    let r = put("front_ok", format!("{on_front}?{w}")).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert!(ard.upload_checks()[0].ok, "uploaded on Azurite");
    let r = put("front_own_port", format!("{c}?{w}")).await;
    assert_eq!(
        r.status, 400,
        "Azurite's own port is not the front: {}",
        r.text
    );
}
