//! `sasmint geocatalog …` end to end: the real binary, real Azurite, tokens from the local
//! managed-identity endpoint, and the strict GeoCatalog stand-in (`support::GeoCatalog`), which
//! lists the container with every SAS it is given and refuses one that does not work.

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::{
    assert_absent, sig_of, Azurite, Behaviour, GeoCatalog, Run, SourceKind, TokenServer, Until,
};

fn azurite() -> &'static Azurite {
    support::shared_azurite()
}

/// `sasmint geocatalog ARGS… --geocatalog ENDPOINT --auth managed-identity`.
fn geo(ts: &TokenServer, catalog: &GeoCatalog, args: &[&str]) -> Run {
    geo_with(ts, args, |cmd| {
        cmd.args(["--geocatalog", &catalog.endpoint()]);
    })
}

fn geo_with(ts: &TokenServer, args: &[&str], tweak: impl FnOnce(&mut assert_cmd::Command)) -> Run {
    let mut cmd = support::sasmint(azurite(), ts);
    cmd.arg("geocatalog")
        .args(args)
        .args(["--auth", "managed-identity"]);
    tweak(&mut cmd);
    Run::of(&mut cmd)
}

/// The id sasmint gives the sources it creates: the version-5 UUID of `"{kind} {url}"` in its
/// namespace, itself the version-5 UUID of `https://sasmint.invalid/geocatalog/ingestion-source`
/// in the URL namespace (README, "geocatalog").
fn sasmint_id(kind: &str, container_url: &str) -> String {
    let namespace = uuid::Uuid::new_v5(
        &uuid::Uuid::NAMESPACE_URL,
        b"https://sasmint.invalid/geocatalog/ingestion-source",
    );
    uuid::Uuid::new_v5(&namespace, format!("{kind} {container_url}").as_bytes()).to_string()
}

async fn container(name: &str) -> String {
    support::create_container(azurite(), name).await;
    support::upload_blob(azurite(), name, "items/scene-1.json", b"{}").await;
    azurite().container_url(name)
}

/// The one SAS source the catalog holds for `container_url`, checked to have been proven
/// working by the stand-in (it listed the container with exactly this token).
#[track_caller]
fn proven_source(catalog: &GeoCatalog, container_url: &str) -> support::StoredSource {
    let sources = catalog.sources_for(container_url);
    assert_eq!(
        sources.len(),
        1,
        "one source for {container_url}: {sources:?}"
    );
    let source = sources.into_iter().next().unwrap();
    assert_eq!(source.kind, SourceKind::SasToken);
    let token = source.sas_token.clone().expect("the source holds a token");
    let check = catalog
        .token_checks()
        .into_iter()
        .rev()
        .find(|c| c.sas_token == token)
        .expect("the stand-in used the registered token");
    assert!(
        check.ok,
        "the registered token lists the container: {check:?}"
    );
    assert!(
        check.blobs.iter().any(|b| b == "items/scene-1.json"),
        "{check:?}"
    );
    source
}

fn source_keys(v: &Value) -> Vec<String> {
    let mut keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    keys
}

/// Methods and paths (without query) of every request the catalog answered, e.g.
/// `"POST /inma/ingestion-sources 201"`.
fn calls(catalog: &GeoCatalog) -> Vec<String> {
    catalog
        .requests()
        .iter()
        .map(|r| format!("{} {} {}", r.method, r.path, r.status))
        .collect()
}

// ---- register ---------------------------------------------------------------------------------

#[tokio::test]
async fn register_creates_a_source_whose_token_works() {
    let ts = TokenServer::start();
    let catalog = GeoCatalog::start(azurite());
    let c = container("geo-create").await;

    let r = geo(&ts, &catalog, &["register", &c, "--output", "json"]);
    r.ok();
    let out = r.json();
    assert_eq!(out["action"], "created");
    let src = &out["source"];
    assert_eq!(
        source_keys(src),
        [
            "containerUrl",
            "created",
            "expiration",
            "id",
            "kind",
            "objectId"
        ]
    );
    assert_eq!(src["kind"], "SasToken");
    assert_eq!(src["containerUrl"], c.as_str());
    assert_eq!(src["objectId"], Value::Null);
    let id = src["id"].as_str().unwrap();
    assert_eq!(id, sasmint_id("SasToken", &c), "sasmint's name-based id");

    let stored = proven_source(&catalog, &c);
    assert_eq!(stored.id, id);
    assert_eq!(src["created"], stored.created.as_str());
    assert_eq!(
        src["expiration"],
        stored.expiration.clone().unwrap().as_str()
    );
    let token = stored.sas_token.unwrap();
    let fields = support::check_sas(&token, "c", "rl").expect("an rl container SAS, ≤ 7 days");
    // The default lifetime is (about) the 7-day maximum.
    let se = support::parse_rfc3339(fields.get("se").unwrap()).unwrap();
    let left = se - time::OffsetDateTime::now_utc();
    assert!(left > time::Duration::days(6), "{left}");
    assert_absent(&r.stdout, "SAS signature", &sig_of(&token));

    // One GET of sasmint's own id (not there yet), then a POST with it, all on the GA version.
    let log = catalog.requests();
    assert_eq!(
        calls(&catalog),
        [
            format!("GET /inma/ingestion-sources/{id} 404"),
            "POST /inma/ingestion-sources 201".to_string()
        ]
    );
    assert!(log
        .iter()
        .all(|r| r.api_version.as_deref() == Some(support::GEO_API_GA)));
    assert_eq!(log[1].json()["id"], id);
    assert_eq!(ts.requests_for(support::GEOCATALOG_RESOURCE), 1);
}

#[tokio::test]
async fn register_again_rotates_in_place_with_one_get_whatever_the_list_holds() {
    let ts = TokenServer::start();
    let catalog = GeoCatalog::start(azurite());
    let c = container("geo-rotate").await;
    // Three other containers' sources first: the list would need two pages.
    for i in 0..3 {
        catalog.seed_sas_source(&azurite().container_url(&format!("geo-rotate-other-{i}")));
    }

    let first = geo(&ts, &catalog, &["register", &c]);
    first.ok();
    let created = proven_source(&catalog, &c);
    let expected_line = format!(
        "created SasToken ingestion source {} for {c} (source created {}, token expires {})",
        created.id,
        created.created,
        created.expiration.as_deref().unwrap()
    );
    assert_eq!(first.stdout.trim_end(), expected_line);
    assert_eq!(first.stdout.lines().count(), 1);

    let before = catalog.request_count();
    // Another lifetime, so the new token differs even within the same second.
    let second = geo(
        &ts,
        &catalog,
        &["register", &c, "--expires-in", "3d", "--output", "json"],
    );
    second.ok();
    let out = second.json();
    assert_eq!(out["action"], "rotated");
    assert_eq!(out["source"]["id"], created.id.as_str());
    assert_eq!(out["source"]["created"], created.created.as_str());

    let rotated = proven_source(&catalog, &c);
    assert_eq!(rotated.id, created.id, "same id");
    assert_eq!(rotated.created, created.created);
    assert_eq!(rotated.writes, 2);
    assert_ne!(rotated.sas_token, created.sas_token, "a fresh token");
    assert_ne!(rotated.expiration, created.expiration);
    assert_eq!(
        out["source"]["expiration"],
        rotated.expiration.clone().unwrap().as_str()
    );
    assert_eq!(catalog.sources().len(), 4, "no second source");
    assert_absent(
        &second.stdout,
        "SAS signature",
        &sig_of(rotated.sas_token.as_deref().unwrap()),
    );

    // The second run read its source by id and replaced it with PUT: no list, no POST.
    let log = &catalog.requests()[before..];
    assert_eq!(
        calls(&catalog)[before..],
        [
            format!("GET /inma/ingestion-sources/{} 200", created.id),
            format!("PUT /inma/ingestion-sources/{} 200", created.id),
        ]
    );
    let puts: Vec<_> = log.iter().filter(|r| r.method == "PUT").collect();
    assert_eq!(puts.len(), 1);
    assert_eq!(
        puts[0].path,
        format!("/inma/ingestion-sources/{}", created.id)
    );
    assert_eq!(puts[0].status, 200);
    assert_eq!(puts[0].json()["id"], created.id.as_str());
    assert!(log.iter().all(|r| r.status < 400), "{:?}", calls(&catalog));
}

#[tokio::test]
async fn register_gets_the_key_while_the_catalog_looks_up_the_source() {
    // The catalog holds its answer to the lookup until the token endpoint has answered the
    // storage token request. Asked one after the other, the storage token would be asked for
    // only after that answer, so the hold would end at its deadline; sasmint asks for it (to
    // get the delegation key) while the lookup is out.
    let ts = TokenServer::start();
    let catalog = GeoCatalog::start(azurite());
    let c = container("geo-overlap").await;
    catalog.hold_next_until(Until::new(ts.served_for(support::STORAGE_RESOURCE)));

    let r = geo(&ts, &catalog, &["register", &c]);
    r.ok();
    proven_source(&catalog, &c);
    let log = catalog.requests();
    assert_eq!(log[0].method, "GET", "{:?}", calls(&catalog));
    assert_eq!(
        catalog.holds(),
        [true],
        "the lookup was held {:?} without the storage token being asked for: asked one after \
         the other, not while the lookup was out",
        Until::DEADLINE
    );
    let storage: Vec<_> = ts
        .served()
        .into_iter()
        .filter(|s| s.resource.as_deref() == Some(support::STORAGE_RESOURCE))
        .collect();
    assert_eq!(storage.len(), 1, "one storage token");
}

#[tokio::test]
async fn register_reports_a_refused_lookup_though_the_key_came() {
    // The lookup and the key go out together; the catalog's refusal is what the user hears,
    // as when they ran in turn, and nothing is registered.
    let ts = TokenServer::start();
    let catalog = GeoCatalog::start(azurite());
    let c = container("geo-overlap-refused").await;
    catalog.fail_next(1, 403, None);

    let r = geo(&ts, &catalog, &["register", &c]);
    assert_eq!(r.code, Some(4), "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr.contains("GeoCatalog") && r.stderr.contains("403"),
        "{}",
        r.stderr
    );
    assert!(catalog.sources_for(&c).is_empty());
    assert_eq!(
        calls(&catalog),
        ["GET /inma/ingestion-sources/".to_string() + &sasmint_id("SasToken", &c) + " 403"]
    );
}

#[tokio::test]
async fn endpoint_from_the_environment_with_a_trailing_slash() {
    let ts = TokenServer::start();
    let catalog = GeoCatalog::start(azurite());
    let c = container("geo-env").await;
    let r = geo_with(&ts, &["register", &c, "--output", "json"], |cmd| {
        cmd.env("SASMINT_GEOCATALOG", format!("{}/", catalog.endpoint()));
    });
    r.ok();
    assert_eq!(r.json()["action"], "created");
    proven_source(&catalog, &c);
    assert!(
        catalog.requests().iter().all(|r| !r.path.starts_with("//")),
        "no double slash: {:?}",
        calls(&catalog)
    );
}

#[tokio::test]
async fn output_token_prints_only_the_registered_sas() {
    let ts = TokenServer::start();
    let catalog = GeoCatalog::start(azurite());
    let c = container("geo-token-out").await;
    let r = geo(&ts, &catalog, &["register", &c, "--output", "token"]);
    r.ok();
    let stored = proven_source(&catalog, &c);
    assert_eq!(r.stdout.trim_end(), stored.sas_token.as_deref().unwrap());
    assert_eq!(r.stdout.lines().count(), 1);
}

#[tokio::test]
async fn preview_api_version_uses_the_same_shapes() {
    let ts = TokenServer::start();
    let catalog = GeoCatalog::start(azurite());
    let c = container("geo-preview").await;
    let args = [
        "register",
        &c,
        "--api-version",
        support::GEO_API_PREVIEW,
        "--output",
        "json",
    ];
    geo(&ts, &catalog, &args).ok();
    let r = geo(&ts, &catalog, &args);
    r.ok();
    assert_eq!(r.json()["action"], "rotated");
    proven_source(&catalog, &c);
    assert!(catalog
        .requests()
        .iter()
        .all(|r| r.api_version.as_deref() == Some(support::GEO_API_PREVIEW)));
}

#[tokio::test]
async fn concurrent_creator_conflict_is_resolved_by_rotating_its_source() {
    let ts = TokenServer::start();
    let catalog = GeoCatalog::start(azurite());
    let c = container("geo-race").await;
    // Between the CLI's lookup and its POST, someone else registers the container.
    catalog.race_next_create();

    let r = geo(&ts, &catalog, &["register", &c, "--output", "json"]);
    r.ok();
    let out = r.json();
    assert_eq!(out["action"], "rotated");
    let stored = proven_source(&catalog, &c);
    assert!(stored.seeded, "the competitor's source was kept");
    assert_eq!(out["source"]["id"], stored.id.as_str());
    assert_eq!(stored.writes, 1, "and given the CLI's token");
    let log: Vec<String> = calls(&catalog);
    assert_eq!(
        log,
        [
            format!(
                "GET /inma/ingestion-sources/{} 404",
                sasmint_id("SasToken", &c)
            ),
            "POST /inma/ingestion-sources 409".to_string(),
            format!("PUT /inma/ingestion-sources/{} 200", stored.id),
        ]
    );
}

#[tokio::test]
async fn managed_identity_source_needs_no_token() {
    let ts = TokenServer::start();
    let catalog = GeoCatalog::start(azurite());
    let c = container("geo-mi").await;
    let oid = catalog.identities()[0].object_id.clone();

    let r = geo(
        &ts,
        &catalog,
        &[
            "register",
            &c,
            "--managed-identity",
            &oid,
            "--output",
            "json",
        ],
    );
    r.ok();
    let out = r.json();
    assert_eq!(out["action"], "created");
    assert_eq!(out["source"]["kind"], "BlobManagedIdentity");
    assert_eq!(out["source"]["objectId"], oid.as_str());
    assert_eq!(out["source"]["expiration"], Value::Null);
    assert_eq!(out["source"]["containerUrl"], c.as_str());
    let sources = catalog.sources();
    assert_eq!(sources.len(), 1);
    assert_eq!(sources[0].kind, SourceKind::BlobManagedIdentity);
    assert_eq!(sources[0].object_id.as_deref(), Some(oid.as_str()));
    assert_eq!(sources[0].sas_token, None);
    assert_eq!(out["source"]["id"], sources[0].id.as_str());
    assert!(catalog.token_checks().is_empty());
    assert_eq!(
        ts.requests_for(support::STORAGE_RESOURCE),
        0,
        "no SAS minted, so no storage token"
    );
    let post = catalog
        .requests()
        .into_iter()
        .find(|r| r.method == "POST")
        .unwrap();
    assert_eq!(
        post.json()["connectionInfo"],
        json!({"containerUrl": c, "objectId": oid})
    );

    // Text output: created, with when and which identity; again: rotated in place.
    let other_oid = catalog.identities()[1].object_id.clone();
    let text_container = container("geo-mi-text").await;
    let r = geo(
        &ts,
        &catalog,
        &[
            "register",
            &text_container,
            "--managed-identity",
            &other_oid,
        ],
    );
    r.ok();
    let stored = catalog.sources_for(&text_container).pop().unwrap();
    assert_eq!(
        r.stdout.trim_end(),
        format!(
            "created BlobManagedIdentity ingestion source {} for {text_container} (source created {}, identity {other_oid})",
            stored.id, stored.created
        )
    );
    let r = geo(
        &ts,
        &catalog,
        &[
            "register",
            &text_container,
            "--managed-identity",
            &other_oid,
        ],
    );
    r.ok();
    assert!(
        r.stdout.starts_with(&format!(
            "rotated BlobManagedIdentity ingestion source {} ",
            stored.id
        )),
        "{}",
        r.stdout
    );
    assert_eq!(catalog.sources().len(), 2);

    // An identity the catalog does not have: the service's 400 is a service error.
    let stranger = support::new_uuid();
    let other = container("geo-mi-unknown").await;
    let r = geo(
        &ts,
        &catalog,
        &["register", &other, "--managed-identity", &stranger],
    );
    assert_eq!(r.code, Some(5), "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("400"), "{}", r.stderr);
    assert_eq!(catalog.sources().len(), 2);
}

// ---- list, show, delete, identities -----------------------------------------------------------

#[tokio::test]
async fn list_follows_next_link_across_pages() {
    let ts = TokenServer::start();
    let catalog = GeoCatalog::start(azurite());
    let oid = catalog.identities()[2].object_id.clone();
    let mut ids = Vec::new();
    for i in 0..4 {
        ids.push(catalog.seed_sas_source(&azurite().container_url(&format!("geo-list-{i}"))));
    }
    ids.push(catalog.seed_managed_identity_source(&azurite().container_url("geo-list-mi"), &oid));

    let r = geo(&ts, &catalog, &["list", "--output", "json"]);
    r.ok();
    let expected: Vec<Value> = catalog
        .sources()
        .iter()
        .map(|s| s.summary_json(false))
        .collect();
    assert_eq!(r.json(), Value::Array(expected));
    let lists = catalog.requests();
    assert_eq!(lists.len(), 3, "three pages of two: {:?}", calls(&catalog));
    assert_eq!(
        lists
            .iter()
            .map(|r| r.query_param("$skip"))
            .collect::<Vec<_>>(),
        [None, Some("2".into()), Some("4".into())]
    );
    assert!(
        lists
            .iter()
            .all(|r| r.status == 200 && r.api_version.as_deref() == Some(support::GEO_API_GA)),
        "the CLI puts its api-version on each nextLink, which has none: {:?}",
        calls(&catalog)
    );

    let r = geo(&ts, &catalog, &["list"]);
    r.ok();
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 5);
    for (line, source) in lines.iter().zip(catalog.sources()) {
        assert_eq!(
            line.split_whitespace().collect::<Vec<_>>(),
            [
                source.id.as_str(),
                source.kind.as_str(),
                source.created.as_str()
            ]
        );
    }
    assert_eq!(
        lines
            .iter()
            .map(|l| l.split_whitespace().next().unwrap())
            .collect::<Vec<_>>(),
        ids
    );

    // An empty catalog lists nothing.
    let empty = GeoCatalog::start(azurite());
    let r = geo(&ts, &empty, &["list", "--output", "json"]);
    r.ok();
    assert_eq!(r.json(), json!([]));
}

#[tokio::test]
async fn show_prints_the_service_object_and_delete_removes_it() {
    let ts = TokenServer::start();
    let catalog = GeoCatalog::start(azurite());
    let c = container("geo-show").await;
    let r = geo(&ts, &catalog, &["register", &c, "--output", "json"]);
    r.ok();
    let id = r.json()["source"]["id"].as_str().unwrap().to_string();
    let stored = proven_source(&catalog, &c);

    let r = geo(&ts, &catalog, &["show", &id, "--output", "json"]);
    r.ok();
    assert_eq!(
        r.json(),
        stored.to_json(false),
        "the service's object as returned"
    );
    assert_absent(
        &r.stdout,
        "SAS signature",
        &sig_of(stored.sas_token.as_deref().unwrap()),
    );

    let missing = support::new_uuid();
    let r = geo(&ts, &catalog, &["show", &missing, "--output", "json"]);
    assert_eq!(r.code, Some(5), "404 is a service error: {}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("404"), "{}", r.stderr);

    let r = geo(&ts, &catalog, &["delete", &id, "--output", "json"]);
    r.ok();
    assert_eq!(r.json(), json!({ "deleted": id }));
    assert!(catalog.sources().is_empty());
    let last = catalog.requests().pop().unwrap();
    assert_eq!(
        (last.method.as_str(), last.status),
        ("DELETE", 204),
        "{last:?}"
    );

    let r = geo(&ts, &catalog, &["delete", &id]);
    assert_eq!(r.code, Some(5), "deleting twice: {}", r.stderr);

    // Ids are the service's to judge (legacy ids were server-assigned): a non-UUID id reaches
    // the catalog, whose 400 is a service error.
    for action in ["show", "delete"] {
        let r = geo(&ts, &catalog, &[action, "not-a-uuid"]);
        assert_eq!(r.code, Some(5), "{action}: {}", r.stderr);
        assert!(r.stdout.is_empty());
        assert!(
            r.stderr.contains("HTTP 400 InvalidRequestContent")
                && r.stderr.contains("must be a UUID"),
            "{action}: {}",
            r.stderr
        );
    }

    // Text output of delete.
    let other = catalog.seed_sas_source(&azurite().container_url("geo-show-other"));
    let r = geo(&ts, &catalog, &["delete", &other]);
    r.ok();
    assert_eq!(r.stdout.trim_end(), format!("deleted {other}"));
    assert!(catalog.sources().is_empty());
}

#[test]
fn identities_lists_every_page() {
    let ts = TokenServer::start();
    let catalog = GeoCatalog::start(azurite());
    let r = geo(&ts, &catalog, &["identities", "--output", "json"]);
    r.ok();
    let expected: Vec<Value> = catalog.identities().iter().map(|i| i.to_json()).collect();
    assert_eq!(expected.len(), 3);
    assert_eq!(r.json(), Value::Array(expected));
    let log = catalog.requests();
    assert_eq!(log.len(), 2, "3 identities, pages of 2");
    assert!(log
        .iter()
        .all(|r| r.path == "/inma/ingestion-sources/managed-identities" && r.status == 200));
}

// ---- legacy API -------------------------------------------------------------------------------

#[tokio::test]
async fn legacy_api_version_registers_rotates_lists_and_deletes() {
    let ts = TokenServer::start();
    let catalog = GeoCatalog::start(azurite());
    let c = container("geo-legacy").await;
    let legacy = ["--api-version", support::GEO_API_LEGACY];
    let other = catalog.seed_sas_source(&azurite().container_url("geo-legacy-other"));

    let r = geo(
        &ts,
        &catalog,
        &[&["register", &c, "--output", "json"], &legacy[..]].concat(),
    );
    r.ok();
    let out = r.json();
    assert_eq!(out["action"], "created");
    assert_eq!(out["source"]["kind"], "SasToken");
    let created = proven_source(&catalog, &c);
    assert_eq!(out["source"]["id"], created.id.as_str(), "the server's id");
    let post = catalog
        .requests()
        .into_iter()
        .find(|r| r.method == "POST")
        .expect("a POST");
    let body = post.json();
    assert_eq!(body.get("id"), None, "no id in a legacy create body");
    assert_eq!(body["sourceType"], "SasToken");
    assert_eq!(body.get("kind"), None);

    let r = geo(
        &ts,
        &catalog,
        &[
            &["register", &c, "--expires-in", "2d", "--output", "json"],
            &legacy[..],
        ]
        .concat(),
    );
    r.ok();
    assert_eq!(r.json()["action"], "rotated");
    let rotated = proven_source(&catalog, &c);
    assert_eq!(rotated.id, created.id);
    assert_ne!(rotated.sas_token, created.sas_token);
    assert!(catalog
        .requests()
        .iter()
        .any(|r| r.method == "PUT" && r.path == format!("/api/ingestion-sources/{}", created.id)));

    let r = geo(
        &ts,
        &catalog,
        &[&["list", "--output", "json"], &legacy[..]].concat(),
    );
    r.ok();
    let listed = r.json();
    let ids: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [other.as_str(), created.id.as_str()]);
    assert!(listed
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["kind"] == "SasToken" && s["created"].is_string()));

    let r = geo(
        &ts,
        &catalog,
        &[&["delete", &created.id], &legacy[..]].concat(),
    );
    r.ok();
    assert_eq!(catalog.sources().len(), 1);
    assert!(catalog
        .requests()
        .iter()
        .all(|r| r.path.starts_with("/api/ingestion-sources")
            && r.api_version.as_deref() == Some(support::GEO_API_LEGACY)));
}

// ---- faults -----------------------------------------------------------------------------------

#[tokio::test]
async fn service_unavailable_with_retry_after_is_retried() {
    let ts = TokenServer::start();
    let catalog = GeoCatalog::start(azurite());
    let c = container("geo-503").await;
    catalog.fail_next(1, 503, Some(1));

    let r = geo(&ts, &catalog, &["register", &c, "--output", "json"]);
    r.ok();
    assert_eq!(r.json()["action"], "created");
    proven_source(&catalog, &c);
    assert_eq!(catalog.pending_faults(), 0);
    let log = catalog.requests();
    assert_eq!(log[0].status, 503);
    assert_eq!(
        (log[1].method.as_str(), log[1].path.clone(), log[1].status),
        (
            "GET",
            format!("/inma/ingestion-sources/{}", sasmint_id("SasToken", &c)),
            404
        ),
        "the same lookup again"
    );
    assert_waited_retry_after(&log[0], &log[1]);
}

/// `retry` came at least 1 s after `refused` (answered with `Retry-After: 1`), by the stand-in's
/// own clock: sasmint's own back-off before a first retry is under 0.7 s, so only the header
/// explains the wait.
#[track_caller]
fn assert_waited_retry_after(refused: &support::LoggedRequest, retry: &support::LoggedRequest) {
    let gap = retry.received - refused.received;
    assert!(
        gap >= Duration::from_secs(1),
        "Retry-After: 1 was not honoured: retried after {gap:?}"
    );
}

#[test]
fn too_many_requests_is_retried() {
    let ts = TokenServer::start();
    let catalog = GeoCatalog::start(azurite());
    catalog.seed_sas_source(&azurite().container_url("geo-429"));
    catalog.fail_next(1, 429, Some(1));
    let r = geo(&ts, &catalog, &["list", "--output", "json"]);
    r.ok();
    assert_eq!(r.json().as_array().unwrap().len(), 1);
    assert_eq!(
        catalog
            .requests()
            .iter()
            .map(|r| r.status)
            .collect::<Vec<_>>(),
        [429, 200]
    );
    let log = catalog.requests();
    assert_waited_retry_after(&log[0], &log[1]);
}

#[test]
fn forbidden_is_denied_without_retrying() {
    let ts = TokenServer::start();
    let catalog = GeoCatalog::start(azurite());
    catalog.fail_next(1, 403, None);
    let r = geo(&ts, &catalog, &["list"]);
    assert_eq!(r.code, Some(4), "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert_eq!(catalog.request_count(), 1, "a 403 is not retried");
}

#[test]
fn token_for_another_audience_is_denied() {
    // The token endpoint answers every resource with a token for ARM: the catalog says 401.
    let ts = TokenServer::start_with(Behaviour::WrongAudience);
    let catalog = GeoCatalog::start(azurite());
    let r = geo(&ts, &catalog, &["list"]);
    assert_eq!(r.code, Some(4), "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("401"), "{}", r.stderr);
    assert!(catalog.requests().iter().all(|r| r.status == 401));
    for token in catalog.bearer_tokens() {
        assert_absent(&r.stderr, "bearer token", &token);
    }
}

#[tokio::test]
async fn service_error_echoing_the_request_is_redacted() {
    let ts = TokenServer::start();
    let catalog = GeoCatalog::start(azurite());
    let c = container("geo-echo").await;
    catalog.set_echo_errors(true);

    for verbosity in [None, Some("-vv")] {
        let r = geo_with(&ts, &["register", &c], |cmd| {
            cmd.args(["--geocatalog", &catalog.endpoint()]);
            if let Some(v) = verbosity {
                cmd.arg(v);
            }
        });
        assert_eq!(r.code, Some(5), "{verbosity:?}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{verbosity:?}: {}", r.stdout);
        assert!(
            r.stderr.contains("400"),
            "{verbosity:?}: the status is reported: {}",
            r.stderr
        );
        let write = catalog
            .requests()
            .into_iter()
            .rev()
            .find(|r| r.method == "POST" || r.method == "PUT")
            .expect("the CLI sent the source");
        assert_eq!(write.status, 400);
        let token = write.json()["connectionInfo"]["sasToken"]
            .as_str()
            .expect("the body carried the token")
            .to_string();
        // The stand-in's message starts with the token, so it is within what the CLI shows.
        let raw_sig = token
            .split('&')
            .find_map(|p| p.strip_prefix("sig="))
            .unwrap();
        assert!(!r.stderr.contains(raw_sig), "{verbosity:?}: {}", r.stderr);
        assert_absent(&r.stderr, "SAS signature", &sig_of(&token));
        assert!(
            r.stderr.contains("Rejected SAS token ") && r.stderr.contains("[REDACTED]"),
            "{verbosity:?}: the service's message is shown, scrubbed: {}",
            r.stderr
        );
        for token in catalog.bearer_tokens() {
            assert_absent(&r.stderr, "GeoCatalog bearer token", &token);
        }
        assert_absent(&r.stderr, "identity header", ts.header());
    }
    assert!(catalog.sources().is_empty());
}

// ---- bad input: exit 2, nothing sent ----------------------------------------------------------

#[test]
fn bad_input_sends_nothing() {
    let ts = TokenServer::start();
    let catalog = GeoCatalog::start(azurite());
    // The container URL is on a tripwire: storage is never asked either.
    let storage = support::Tripwire::new();
    let c = storage.container_url("geo-bad-input");
    let endpoint = catalog.endpoint();
    // (what, arguments, the error line says, the hint says)
    let cases: Vec<(&str, Vec<String>, &str, &str)> = vec![
        (
            "no endpoint",
            vec!["list".into()],
            "no GeoCatalog endpoint",
            "pass --geocatalog https://NAME.ID.REGION.geocatalog.spatio.azure.com or set SASMINT_GEOCATALOG",
        ),
        (
            "plain http to a remote host",
            vec![
                "list".into(),
                "--geocatalog".into(),
                "http://catalog.example.com".into(),
            ],
            "--geocatalog must use https",
            "tokens and credentials are only sent over https",
        ),
        (
            "not a URL",
            vec!["list".into(), "--geocatalog".into(), "catalog".into()],
            "--geocatalog 'catalog' is not a URL",
            "pass the service's https:// endpoint",
        ),
        (
            "over 7 days",
            vec![
                "register".into(),
                c.clone(),
                "--expires-in".into(),
                "8d".into(),
                "--geocatalog".into(),
                endpoint.clone(),
            ],
            "a lifetime of 8d is more than 7 days",
            "a user delegation SAS lives at most 7 days (the life of its key): use --expires-in 7d or less",
        ),
        (
            "container URL is not a URL",
            vec![
                "register".into(),
                "not a url".into(),
                "--geocatalog".into(),
                endpoint.clone(),
            ],
            "'not a url' is not a URL",
            "pass a container URL such as https://ACCOUNT.blob.core.windows.net/CONTAINER",
        ),
        (
            "unknown api version",
            vec![
                "list".into(),
                "--api-version".into(),
                "2023-01-01".into(),
                "--geocatalog".into(),
                endpoint.clone(),
            ],
            "invalid value '2023-01-01' for '--api-version <API_VERSION>' [possible values: 2026-04-15, 2025-04-30-preview, 2024-01-31-preview]",
            "hint: ",
        ),
    ];
    for (what, args, error, hint) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = geo_with(&ts, &args, |_| {});
        r.failed_with(2).says(error).says(hint);
        let lines: Vec<&str> = r.stderr.lines().collect();
        assert_eq!(lines.len(), 2, "{what}: error and hint only: {}", r.stderr);
        assert!(
            lines[0].starts_with("sasmint: error: ") && lines[0].contains(error),
            "{what}: {}",
            r.stderr
        );
        assert!(
            lines[1].trim_start().starts_with("hint: ") && lines[1].contains(hint),
            "{what}: {}",
            r.stderr
        );
    }
    assert_eq!(catalog.request_count(), 0, "nothing reached the catalog");
    assert_eq!(ts.requests(), 0, "no token was even requested");
    storage.assert_untouched("storage");
}

/// Four `geocatalog register` runs for one container with the legacy API (the service assigns
/// ids, so sasmint's name-based id cannot make creates idempotent), started together.
fn four_parallel_legacy_registers(
    ts: &TokenServer,
    catalog: &GeoCatalog,
    args: &[&str],
) -> Vec<Run> {
    let barrier = std::sync::Barrier::new(4);
    std::thread::scope(|scope| {
        let runs: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| {
                    barrier.wait();
                    geo(
                        ts,
                        catalog,
                        &[
                            args,
                            &["--api-version", support::GEO_API_LEGACY, "--output", "json"],
                        ]
                        .concat(),
                    )
                })
            })
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    })
}

#[tokio::test]
async fn legacy_parallel_registers_end_with_one_sas_source() {
    let ts = TokenServer::start();
    let catalog = GeoCatalog::start(azurite());
    let c = container("geo-legacy-parallel").await;
    let runs = four_parallel_legacy_registers(&ts, &catalog, &["register", &c]);
    let stored = proven_source(&catalog, &c);
    let mut created = 0;
    for r in &runs {
        r.ok();
        let out = r.json();
        assert_eq!(
            out["source"]["id"],
            stored.id.as_str(),
            "every run reports the one source"
        );
        if out["action"] == "created" {
            created += 1;
        }
    }
    assert_eq!(created, 1, "one run created it, the others rotated it");
    assert_eq!(catalog.sources().len(), 1);
}

#[tokio::test]
async fn legacy_parallel_managed_identity_registers_end_with_one_source() {
    let ts = TokenServer::start();
    let catalog = GeoCatalog::start(azurite());
    let c = container("geo-legacy-parallel-mi").await;
    let oid = catalog.identities()[0].object_id.clone();
    let runs = four_parallel_legacy_registers(
        &ts,
        &catalog,
        &["register", &c, "--managed-identity", &oid],
    );
    for r in &runs {
        r.ok();
    }
    let sources = catalog.sources_for(&c);
    assert_eq!(
        sources.len(),
        1,
        "one source for the container: {sources:?}"
    );
    let mut created = 0;
    for r in &runs {
        let out = r.json();
        assert_eq!(
            out["source"]["id"],
            sources[0].id.as_str(),
            "every run reports the one source"
        );
        if out["action"] == "created" {
            created += 1;
        }
    }
    assert_eq!(created, 1, "one run created it, the others rotated it");
    let deleted = catalog
        .requests()
        .iter()
        .filter(|r| r.method == "DELETE")
        .count();
    let posted = catalog
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(
        deleted,
        posted - 1,
        "every duplicate created was deleted by its run"
    );
}
