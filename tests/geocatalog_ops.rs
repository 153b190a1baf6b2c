//! Running ingestion for months: `geocatalog register` finds its own source with one GET
//! whatever the catalog holds, rotates only when due with `--if-expiring-within`, and
//! `geocatalog status` reports every source's expiry with an exit code for alerting. Against
//! the strict local GeoCatalog stand-in, whose every registered token is used on Azurite.

mod support;

use serde_json::Value;
use support::{Azurite, GeoCatalog, Run, TokenServer};
use time::{Duration, OffsetDateTime};

fn azurite() -> &'static Azurite {
    support::shared_azurite()
}

fn geo(ts: &TokenServer, catalog: &GeoCatalog, args: &[&str]) -> Run {
    let mut cmd = support::sasmint(azurite(), ts);
    cmd.arg("geocatalog").args(args).args([
        "--auth",
        "managed-identity",
        "--geocatalog",
        &catalog.endpoint(),
    ]);
    Run::of(&mut cmd)
}

async fn container(name: &str) -> String {
    support::create_container(azurite(), name).await;
    azurite().container_url(name)
}

/// `METHOD path status` of every request the catalog received after `from`.
fn calls_since(catalog: &GeoCatalog, from: usize) -> Vec<String> {
    catalog.requests()[from..]
        .iter()
        .map(|r| format!("{} {} {}", r.method, r.path, r.status))
        .collect()
}

#[tokio::test]
async fn register_costs_two_requests_among_500_other_sources() {
    let ts = TokenServer::start();
    let catalog = GeoCatalog::start(azurite());
    catalog.set_page_size(50);
    for i in 0..500 {
        catalog.seed_sas_source(&format!("https://other{i}.blob.core.windows.net/c{i}"));
    }
    let c = container("ops-many").await;

    let r = geo(&ts, &catalog, &["register", &c, "--output", "json"]);
    r.ok();
    assert_eq!(r.json()["action"], "created");
    let created = calls_since(&catalog, 0);
    assert_eq!(created.len(), 2, "create: {created:?}");
    assert!(created[0].starts_with("GET /inma/ingestion-sources/") && created[0].ends_with(" 404"));
    assert_eq!(created[1], "POST /inma/ingestion-sources 201");

    let before = catalog.request_count();
    let r = geo(
        &ts,
        &catalog,
        &["register", &c, "--expires-in", "3d", "--output", "json"],
    );
    r.ok();
    assert_eq!(r.json()["action"], "rotated");
    let rotated = calls_since(&catalog, before);
    assert_eq!(rotated.len(), 2, "rotate: {rotated:?}");
    assert!(rotated[1].starts_with("PUT "), "{rotated:?}");
    assert_eq!(catalog.sources().len(), 501);
}

#[tokio::test]
async fn a_source_made_some_other_way_is_rotated_in_place_after_the_409() {
    let ts = TokenServer::start();
    let catalog = GeoCatalog::start(azurite());
    let c = container("ops-foreign").await;
    let theirs = catalog.seed_sas_source(&c);

    let r = geo(&ts, &catalog, &["register", &c, "--output", "json"]);
    r.ok();
    let out = r.json();
    assert_eq!(out["action"], "rotated");
    assert_eq!(out["source"]["id"], theirs.as_str(), "kept its id");
    let log = calls_since(&catalog, 0);
    assert_eq!(log.len(), 3, "{log:?}");
    assert_eq!(log[1], "POST /inma/ingestion-sources 409");
    assert_eq!(log[2], format!("PUT /inma/ingestion-sources/{theirs} 200"));
    assert_eq!(catalog.sources_for(&c).len(), 1);
}

#[tokio::test]
async fn register_rotates_only_when_due() {
    let ts = TokenServer::start();
    let catalog = GeoCatalog::start(azurite());
    let c = container("ops-due").await;
    geo(&ts, &catalog, &["register", &c]).ok();
    let first = catalog.sources_for(&c).remove(0);
    let tokens_before = ts.requests();

    // The 7-day token has more than 2 days left: nothing changes, and no token is minted.
    let before = catalog.request_count();
    let r = geo(
        &ts,
        &catalog,
        &["register", &c, "--if-expiring-within", "2d"],
    );
    r.ok();
    assert!(
        r.stdout.starts_with("kept SasToken ingestion source "),
        "{}",
        r.stdout
    );
    assert_eq!(calls_since(&catalog, before).len(), 1, "one GET, no PUT");
    let kept = catalog.sources_for(&c).remove(0);
    assert_eq!(kept.writes, first.writes);
    assert_eq!(kept.sas_token, first.sas_token);
    assert_eq!(
        ts.requests(),
        tokens_before + 1,
        "a catalog token only: no storage token, no key"
    );
    let r = geo(
        &ts,
        &catalog,
        &[
            "register",
            &c,
            "--if-expiring-within",
            "2d",
            "--output",
            "json",
        ],
    );
    assert_eq!(r.json()["action"], "kept");
    let r = geo(
        &ts,
        &catalog,
        &[
            "register",
            &c,
            "--if-expiring-within",
            "2d",
            "--output",
            "token",
        ],
    );
    r.ok();
    assert!(r.stdout.is_empty(), "no new token to print");

    // A window longer than the token's life left: it is due, and rotated.
    let r = geo(
        &ts,
        &catalog,
        &[
            "register",
            &c,
            "--if-expiring-within",
            "8d",
            "--expires-in",
            "6d",
            "--output",
            "json",
        ],
    );
    r.ok();
    assert_eq!(r.json()["action"], "rotated");
    let rotated = catalog.sources_for(&c).remove(0);
    assert_eq!(rotated.writes, first.writes + 1);
    assert_ne!(
        rotated.sas_token, first.sas_token,
        "another lifetime, another token"
    );
    support::check_sas(rotated.sas_token.as_deref().unwrap(), "c", "rl").unwrap();

    // A bad window is bad input, before anything is sent.
    let before = catalog.request_count();
    let r = geo(
        &ts,
        &catalog,
        &["register", &c, "--if-expiring-within", "soon"],
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("is not a duration"), "{}", r.stderr);
    assert_eq!(catalog.request_count(), before);
}

#[tokio::test]
async fn status_marks_each_source_and_exits_8_when_any_needs_attention() {
    let ts = TokenServer::start();
    let catalog = GeoCatalog::start(azurite());
    let now = OffsetDateTime::now_utc();
    let ok = catalog.seed_sas_source_expiring(
        "https://a1.blob.core.windows.net/ok",
        now + Duration::days(5),
    );
    let soon = catalog.seed_sas_source_expiring(
        "https://a2.blob.core.windows.net/soon",
        now + Duration::hours(20),
    );
    let gone = catalog.seed_sas_source_expiring(
        "https://a3.blob.core.windows.net/gone",
        now - Duration::hours(3),
    );
    let mi = catalog.seed_managed_identity_source(
        "https://a4.blob.core.windows.net/mi",
        "1f0e2d3c-4b5a-4968-8776-5a4b3c2d1e0f",
    );

    let r = geo(&ts, &catalog, &["status"]);
    assert_eq!(r.code, Some(8), "{}", r.stderr);
    let state_of = |id: &str| {
        r.stdout
            .lines()
            .find(|l| l.contains(id))
            .map(|l| l.split('\t').next().unwrap().to_owned())
            .unwrap_or_else(|| panic!("{id} not listed: {}", r.stdout))
    };
    assert_eq!(state_of(&ok), "ok");
    assert_eq!(state_of(&soon), "expiring");
    assert_eq!(state_of(&gone), "expired");
    assert_eq!(state_of(&mi), "ok");
    assert_eq!(r.stdout.lines().count(), 4);
    assert!(
        r.stderr.contains("2 of 4 ingestion sources need attention"),
        "{}",
        r.stderr
    );
    // The list, then each source read once.
    let gets = catalog
        .requests()
        .iter()
        .filter(|q| q.method == "GET" && q.path.starts_with("/inma/ingestion-sources/"))
        .count();
    assert_eq!(gets, 4);

    let r = geo(
        &ts,
        &catalog,
        &["status", "--output", "json", "--expiring-within", "12h"],
    );
    assert_eq!(r.code, Some(8), "only the expired one now: {}", r.stderr);
    let report: Value = r.json();
    assert_eq!(report["summary"]["total"], 4);
    assert_eq!(report["summary"]["expiring"], 0);
    assert_eq!(report["summary"]["expired"], 1);
    assert_eq!(report["summary"]["ok"], 3);
    let mi_entry = report["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == mi.as_str())
        .unwrap();
    assert_eq!(mi_entry["expiry"], Value::Null);
    assert_eq!(mi_entry["state"], "ok");

    // Nothing needs attention once the expired and the expiring sources are gone.
    for id in [&soon, &gone] {
        geo(&ts, &catalog, &["delete", id]).ok();
    }
    let r = geo(&ts, &catalog, &["status"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
}

#[tokio::test]
async fn register_hands_the_token_to_github_actions() {
    let ts = TokenServer::start();
    let catalog = GeoCatalog::start(azurite());
    let c = container("ops-ci").await;
    let dir = tempfile::tempdir().unwrap();
    let outputs = dir.path().join("github_output");
    std::fs::write(&outputs, "").unwrap();
    let mut cmd = support::sasmint(azurite(), &ts);
    cmd.args(["geocatalog", "register", &c, "--output", "github-actions"])
        .args([
            "--auth",
            "managed-identity",
            "--geocatalog",
            &catalog.endpoint(),
        ])
        .env("GITHUB_OUTPUT", &outputs);
    let r = Run::of(&mut cmd);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let stored = catalog.sources_for(&c).remove(0);
    let token = stored.sas_token.unwrap();
    // The token, then its signature on its own (as written, and decoded when that differs).
    let sig = token
        .split('&')
        .find_map(|p| p.strip_prefix("sig="))
        .unwrap();
    let mut masks = format!("::add-mask::{}\n", token.replace('%', "%25"));
    masks.push_str(&format!("::add-mask::{}\n", sig.replace('%', "%25")));
    let decoded = support::sig_of(&token);
    if decoded != sig {
        masks.push_str(&format!("::add-mask::{decoded}\n"));
    }
    assert_eq!(r.stdout, masks);
    let written = std::fs::read_to_string(&outputs).unwrap();
    assert!(written.starts_with("sas_token<<ghadelimiter_"), "{written}");
    assert!(written.contains(&format!("\n{token}\n")), "{written}");
    assert!(written.contains("source_id<<"), "{written}");
    assert!(written.contains(&format!("\n{}\n", stored.id)), "{written}");

    // The other verbs have no token to hand on.
    let r = geo(&ts, &catalog, &["status", "--output", "github-actions"]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("is only for `geocatalog register`"),
        "{}",
        r.stderr
    );
}
