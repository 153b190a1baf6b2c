//! `--verify`: a token is used once per kind of right it grants before it is handed over, and
//! changes nothing. On the shared Azurite 3.37.0 (HTTPS + OAuth), with the real binary.
//!
//! * `probes_are_authorised_before_they_could_act`: the exact requests the probes send
//!   (`src/clients/probe.rs`), with and without the letter, on a blob that exists and on one
//!   that does not: the service answers 403 without the letter, and a status that proves
//!   authorisation but changes nothing with it. This pins the order Azurite checks things in:
//!   the SAS permission first, then the blob's existence and the request's conditions.
//! * `every_preset_verifies_and_changes_nothing`: every preset (single URL and batch, container
//!   and blob) and custom letters verify, and the container's full listing (uncommitted blobs,
//!   metadata, tags, snapshots, ETags) is byte-for-byte the same afterwards.
//! * the refused path, through a fault proxy that answers `403 AuthorizationPermissionMismatch`
//!   to every SAS request (and forwards the Bearer ones, so keys are fetched): exit 4, nothing
//!   on stdout, the hint naming the data role; `geocatalog register --verify` and `ard register
//!   --verify` send nothing to the catalog or registry.

mod support;

use support::{BlobHttp, FaultMode, FaultServer, Reply, Run, TokenServer};

fn az() -> &'static support::Azurite {
    support::shared_azurite()
}

/// An ETag no blob has (what the probes send as `If-Match`).
const NEVER: &str = "\"sasmint-verify-never-0123456789abcdef\"";

/// Seeds a container with what a no-op must leave alone: a committed block blob with metadata
/// and tags, a snapshot of it, an append blob, and a blob with only an uncommitted block.
async fn seeded(http: &BlobHttp, name: &str) -> String {
    http.create_container(az(), name).await;
    let data = az().blob_url(name, "data/a.bin");
    http.setup(
        "PUT",
        &data,
        &[
            ("x-ms-blob-type", "BlockBlob"),
            ("x-ms-meta-owner", "verify"),
        ],
        b"payload",
    )
    .await;
    http.setup(
        "PUT",
        &format!("{data}?comp=tags"),
        &[("content-type", "application/xml")],
        b"<?xml version=\"1.0\" encoding=\"utf-8\"?><Tags><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tags>",
    )
    .await;
    http.setup("PUT", &format!("{data}?comp=snapshot"), &[], b"")
        .await;
    http.put_append_blob(&az().blob_url(name, "logs/app.log"))
        .await;
    http.stage_block(
        &az().blob_url(name, "staged.bin"),
        "YmxvY2stMQ==",
        b"staged",
    )
    .await;
    az().container_url(name)
}

/// The container's full listing (Bearer): names, ETags, times, metadata, tags, snapshots and
/// uncommitted blobs.
async fn listing(http: &BlobHttp, name: &str) -> String {
    let url = format!(
        "{}?restype=container&comp=list&include=uncommittedblobs,metadata,snapshots,tags",
        az().container_url(name)
    );
    let reply = http.send_bearer("GET", &url, &[], b"").await;
    assert_eq!(reply.status, 200, "{reply:?}: {}", reply.body);
    reply.body
}

/// The blob names in a listing, in order (snapshots repeat their blob's name).
fn names(listing: &str) -> Vec<&str> {
    listing
        .split("<Name>")
        .skip(1)
        .filter_map(|s| s.split_once("</Name>").map(|(n, _)| n))
        .collect()
}

/// `sasmint ARGS… --auth managed-identity`.
fn run(ts: &TokenServer, args: &[&str]) -> Run {
    let mut cmd = support::sasmint(az(), ts);
    cmd.args(args).args(["--auth", "managed-identity"]);
    let run = Run::of(&mut cmd);
    run.no_identity_secrets(ts);
    run
}

/// The canonical letters of each preset, for a container and (where allowed) a blob.
const PRESETS: &[(&str, &str, Option<&str>)] = &[
    ("ingest", "rl", Some("r")),
    ("upload", "w", Some("w")),
    ("geocatalog", "rl", None),
    ("kusto", "rl", Some("r")),
    ("cado", "w", None),
    ("maxar-ard", "w", None),
    ("snowflake-load", "rl", Some("r")),
    ("snowflake-unload", "racwl", Some("racw")),
    ("gcs-transfer", "rl", None),
];

// ---- the probes, pinned on Azurite ---------------------------------------------------------------

/// One probe as `src/clients/probe.rs` sends it.
struct Probe {
    /// Any one of these letters allows the request.
    letters: &'static str,
    method: &'static str,
    query: &'static str,
    headers: &'static [(&'static str, &'static str)],
    body: &'static [u8],
    /// What Azurite answers when the token has the letter: on a blob that does not exist, on an
    /// existing block blob.
    absent: u16,
    existing: u16,
}

const PROBES: &[Probe] = &[
    Probe {
        letters: "r",
        method: "HEAD",
        query: "",
        headers: &[],
        body: b"",
        absent: 404,
        existing: 200,
    },
    Probe {
        // Append Block: `a` or `w`.
        letters: "aw",
        method: "PUT",
        query: "comp=appendblock",
        headers: &[("if-match", NEVER)],
        body: b"\0",
        absent: 404,
        // InvalidBlobType: a block blob takes no appended block.
        existing: 409,
    },
    Probe {
        letters: "cw",
        method: "PUT",
        query: "",
        headers: &[("x-ms-blob-type", "BlockBlob"), ("if-match", NEVER)],
        body: b"",
        absent: 412,
        existing: 412,
    },
    Probe {
        letters: "d",
        method: "DELETE",
        query: "",
        headers: &[("if-match", NEVER)],
        body: b"",
        absent: 412,
        existing: 412,
    },
    Probe {
        letters: "l",
        method: "GET",
        query: "restype=container&comp=list&maxresults=1",
        headers: &[],
        body: b"",
        absent: 200,
        existing: 200,
    },
    Probe {
        letters: "t",
        method: "GET",
        query: "comp=tags",
        headers: &[],
        body: b"",
        absent: 404,
        existing: 200,
    },
];

fn url_with(base: &str, query: &str, token: &str) -> String {
    support::sas_url(base, query, token)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn probes_are_authorised_before_they_could_act() {
    let http = BlobHttp::new(az(), 8);
    let ts = TokenServer::start();
    let c = "verify-pin";
    let container = seeded(&http, c).await;
    let existing = az().blob_url(c, "data/a.bin");
    let absent = az().blob_url(c, "sasmint-verify-pinned-absent");
    let before = listing(&http, c).await;

    let mut checks = 0;
    let mut failures = Vec::new();
    // Each letter alone, and `x`, which no probe may accept.
    for letters in ["r", "a", "c", "w", "d", "l", "t", "x"] {
        let mut urls = vec![container.clone()];
        if letters != "l" {
            urls.extend([existing.clone(), absent.clone()]);
        }
        let args = vec!["-p".to_owned(), letters.to_owned()];
        let tokens = support::mint_tokens(az(), &ts, &urls, &args)
            .unwrap_or_else(|r| panic!("mint -p {letters}: {}", r.stderr));
        for probe in PROBES {
            let granted = probe.letters.chars().any(|l| letters.contains(l));
            // (token, URL the request goes to, status when granted)
            let mut cases: Vec<(&str, String, u16)> = Vec::new();
            if probe.letters == "l" {
                cases.push((&tokens[0], container.clone(), probe.absent));
            } else {
                // A container token on any blob in it; a blob token on its own blob.
                cases.push((&tokens[0], existing.clone(), probe.existing));
                cases.push((&tokens[0], absent.clone(), probe.absent));
                if letters != "l" {
                    cases.push((&tokens[1], existing.clone(), probe.existing));
                    cases.push((&tokens[2], absent.clone(), probe.absent));
                }
            }
            for (token, url, ok) in cases {
                let reply: Reply = http
                    .send(
                        probe.method,
                        &url_with(&url, probe.query, token),
                        probe.headers,
                        probe.body,
                    )
                    .await;
                checks += 1;
                // `c` alone may not overwrite a blob: Azurite checks that before the condition.
                let create_only = letters == "c" && ok == 412 && url == existing;
                let expected = if granted && !create_only { ok } else { 403 };
                let code_ok = expected != 403
                    || reply.error_code.as_deref() == Some("AuthorizationPermissionMismatch");
                if reply.status != expected || !code_ok {
                    failures.push(format!(
                        "-p {letters}, probe '{}' on {}: expected {expected}, got {reply:?}",
                        probe.letters,
                        support::without_query(&url)
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checks} checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // 7 letter sets × (1 list + 5 probes × 4 cases), and `l` × (1 list + 5 probes × 2 cases).
    assert_eq!(checks, 7 * (1 + 5 * 4) + (1 + 5 * 2), "every case was sent");
    assert_eq!(listing(&http, c).await, before, "no probe changed anything");
}

// ---- every token sasmint mints verifies, and nothing changes ------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_preset_verifies_and_changes_nothing() {
    let http = BlobHttp::new(az(), 8);
    let ts = TokenServer::start();
    let c = "verify-presets";
    let container = seeded(&http, c).await;
    let existing = az().blob_url(c, "data/a.bin");
    let absent = az().blob_url(c, "not/there.bin");
    let before = listing(&http, c).await;
    assert_eq!(
        names(&before),
        ["data/a.bin", "data/a.bin", "logs/app.log", "staged.bin"],
        "the seeded listing shows the snapshot and the uncommitted blob: {before}"
    );

    let mut ran = 0;
    for &(preset, letters, blob_letters) in PRESETS {
        // A single URL (the single-token path)…
        let r = run(&ts, &["mint", &container, "--for", preset, "--verify"]);
        r.ok();
        assert_eq!(
            support::token_param(r.stdout.trim(), "sp").as_deref(),
            Some(letters)
        );
        r.says(&format!("verified: the service authorised '{letters}'"));
        ran += 1;
        // …and a blob that exists and one that does not, in one batch run.
        if let Some(blob_letters) = blob_letters {
            let r = run(
                &ts,
                &["mint", &existing, &absent, "--for", preset, "--verify"],
            );
            r.ok().says("verified 2 token(s)");
            let lines: Vec<&str> = r.stdout.lines().collect();
            assert_eq!(lines.len(), 2, "{}", r.stdout);
            for line in lines {
                assert_eq!(
                    support::token_param(line, "sp").as_deref(),
                    Some(blob_letters)
                );
            }
            ran += 1;
        }
    }
    assert_eq!(
        ran,
        9 + 5,
        "every preset, and every preset that allows a blob"
    );

    // Every probe at once, on the container and on both blobs; letters without a probe are named.
    let r = run(
        &ts,
        &["mint", &container, "-p", "racwdxyltmeopi", "--verify"],
    );
    r.ok()
        .says("verified: the service authorised 'racwdlt'")
        .says("'xymeopi' not verified");
    for blob in [&existing, &absent] {
        let r = run(
            &ts,
            &["mint", blob, "-p", "racwdt", "--verify", "-o", "json"],
        );
        r.ok();
        assert_eq!(r.json()["permissions"], "racwdt");
    }
    // `c` without `w` may create but not overwrite: verified for a new blob, refused (with a hint
    // saying why, besides the role) for one that exists.
    run(&ts, &["mint", &absent, "-p", "c", "--verify"]).ok();
    run(&ts, &["mint", &existing, "-p", "c", "--verify"])
        .failed_with(4)
        .says("cannot overwrite a blob that exists");
    // kusto-uri mints a read SAS for a blob.
    let r = run(&ts, &["kusto-uri", &existing, "--verify"]);
    r.ok().says("verified: the service authorised 'r'");

    let after = listing(&http, c).await;
    assert_eq!(after, before, "--verify changed the container");
    assert!(!after.contains("sasmint-verify-"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_kind_of_right_is_one_request() {
    let http = BlobHttp::new(az(), 4);
    let ts = TokenServer::start();
    let c = "verify-count";
    seeded(&http, c).await;
    let proxy = FaultServer::forwarding(az());
    let url = proxy.container_url(c);

    let probes = |args: &[&str]| -> Vec<String> {
        let before = proxy.requests();
        let mut all = vec!["mint", url.as_str()];
        all.extend_from_slice(args);
        all.push("--verify");
        run(&ts, &all).ok();
        let log = proxy.log();
        log[before..]
            .iter()
            // The key request (Bearer) is not a probe.
            .filter(|r| r.target.contains("sig="))
            .map(|r| {
                let (path, query) = r.target.split_once('?').unwrap_or((&r.target, ""));
                let path = path.rsplit('/').next().unwrap_or_default();
                let kind = if path.starts_with("sasmint-verify-") {
                    "random"
                } else {
                    path
                };
                let mut comp: Vec<&str> = query
                    .split('&')
                    .filter(|p| {
                        ["comp=", "restype=", "maxresults="]
                            .iter()
                            .any(|k| p.starts_with(k))
                    })
                    .collect();
                comp.sort_unstable();
                format!("{} {kind} {} -> {:?}", r.method, comp.join("&"), r.status)
            })
            .collect()
    };

    assert_eq!(
        probes(&["-p", "racwdlt"]),
        [
            "HEAD random  -> Some(404)",
            "PUT random comp=appendblock -> Some(404)",
            "PUT random  -> Some(412)",
            "DELETE random  -> Some(412)",
            "GET verify-count comp=list&maxresults=1&restype=container -> Some(200)",
            "GET random comp=tags -> Some(404)",
        ]
    );
    assert_eq!(probes(&["--for", "ingest"]).len(), 2);
    assert_eq!(probes(&["--for", "upload"]), ["PUT random  -> Some(412)"]);
    // `c` and `w` are one kind of right: one request.
    assert_eq!(probes(&["-p", "cw"]).len(), 1);
    // Nothing to prove: no request, and the note says so.
    let before = proxy.requests();
    run(&ts, &["mint", &url, "-p", "xy", "--verify"])
        .ok()
        .says("verified nothing")
        .says("'xy' not verified");
    assert_eq!(proxy.requests() - before, 1, "only the key request");
}

// ---- refused tokens ------------------------------------------------------------------------------

/// A proxy in front of Azurite that refuses every SAS request like Azure refuses a token whose
/// signer lacks the data role, with a container `name` on Azurite behind it.
async fn refusing(http: &BlobHttp, name: &str) -> (FaultServer, String) {
    http.create_container(az(), name).await;
    let proxy = FaultServer::start(az(), FaultMode::RefuseSas(403));
    let url = proxy.container_url(name);
    (proxy, url)
}

#[track_caller]
fn refused(r: &Run, role: &str) {
    r.failed_with(4)
        .says("AuthorizationPermissionMismatch")
        .says(role);
    // The token is in no message (only scrubbed, in `-vv` logs).
    let mut rest = r.stderr.as_str();
    while let Some(at) = rest.find("sig=") {
        rest = &rest[at + 4..];
        assert!(
            rest.starts_with("[REDACTED]"),
            "a signature on stderr:\n{}",
            r.stderr
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_token_is_never_printed() {
    let http = BlobHttp::new(az(), 4);
    let ts = TokenServer::start();
    let (proxy, url) = refusing(&http, "verify-refused").await;

    // Without --verify the (useless) token is minted: the proxy lets the key through.
    run(&ts, &["mint", &url]).ok();
    let sas_requests = || {
        proxy
            .log()
            .iter()
            .filter(|r| r.target.contains("sig="))
            .count()
    };
    assert_eq!(sas_requests(), 0);

    let r = run(&ts, &["mint", &url, "--verify"]);
    refused(&r, "Storage Blob Data Reader");
    r.says("'r' right (Get Blob Properties");
    assert_eq!(sas_requests(), 1, "the first refusal stops the probes");

    let r = run(&ts, &["mint", &url, "--for", "upload", "--verify"]);
    refused(&r, "Storage Blob Data Contributor");
    let r = run(&ts, &["mint", &url, "-p", "d", "--verify"]);
    refused(&r, "Storage Blob Data Contributor");
    let r = run(&ts, &["mint", &url, "-p", "l", "--verify", "-vv"]);
    refused(&r, "Storage Blob Data Reader");
    r.says("sig=[REDACTED]");

    // No --output-file either.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("token.txt");
    let r = run(
        &ts,
        &[
            "mint",
            &url,
            "--verify",
            "--output-file",
            out.to_str().unwrap(),
        ],
    );
    refused(&r, "Storage Blob Data Reader");
    assert!(!out.exists(), "a refused token was written to the file");

    // A blob token, and kusto-uri.
    let blob = format!("{url}/events.csv");
    refused(
        &run(&ts, &["mint", &blob, "-p", "r", "--verify"]),
        "Storage Blob Data Reader",
    );
    refused(
        &run(&ts, &["kusto-uri", &blob, "--verify"]),
        "Storage Blob Data Reader",
    );

    // Batch: the refused input fails alone (an empty line), the exit code is its.
    let good = az().container_url("verify-refused");
    let r = run(&ts, &["mint", &good, &url, "--verify"]);
    assert_eq!(r.code, Some(4), "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.split('\n').collect();
    assert_eq!(lines.len(), 3, "{:?}", r.stdout);
    assert!(lines[0].contains("sig="));
    assert_eq!(lines[1], "");
    r.says("argument 2: verifying the token's 'r' right")
        .says("Storage Blob Data Reader");
    // …and with --fail-fast the batch stops there, having printed the proven token before it
    // (a stream cannot take back what it wrote: docs/mint.md), never the refused one.
    let r = run(&ts, &["mint", &good, &url, "--verify", "--fail-fast"]);
    assert_eq!(r.code, Some(4), "{}", r.stderr);
    r.says("AuthorizationPermissionMismatch")
        .says("Storage Blob Data Reader");
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{:?}", r.stdout);
    assert!(lines[0].contains("sig="), "{:?}", r.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn geocatalog_and_ard_register_nothing_when_the_token_is_refused() {
    let http = BlobHttp::new(az(), 4);
    let ts = TokenServer::start();
    let (proxy, url) = refusing(&http, "verify-register").await;
    let catalog = support::GeoCatalog::start(az());
    let ard = support::Ard::start(az());

    let mut cmd = support::sasmint(az(), &ts);
    cmd.args(["geocatalog", "register", &url, "--verify"])
        .args(["--geocatalog", &catalog.endpoint()])
        .args(["--auth", "managed-identity"]);
    let r = Run::of(&mut cmd);
    refused(&r, "Storage Blob Data Reader");
    assert_eq!(catalog.request_count(), 0, "the catalog was called");

    let mut cmd = support::sasmint(az(), &ts);
    cmd.args(["ard", "register", &url, "--credentials-id", "verify-me"])
        .arg("--verify")
        .args(["--ard-endpoint", &ard.endpoint()])
        .args(["--auth", "managed-identity"])
        .env("MAXAR_ARD_USERNAME", ard.username())
        .env("MAXAR_ARD_PASSWORD", ard.password());
    let r = Run::of(&mut cmd);
    refused(&r, "Storage Blob Data Contributor");
    assert_eq!(ard.request_count(), 0, "the registry was called");
    assert!(proxy.requests() >= 2);

    // The same commands on Azurite itself verify and register.
    let good = az().container_url("verify-register");
    let mut cmd = support::sasmint(az(), &ts);
    cmd.args(["geocatalog", "register", &good, "--verify"])
        .args(["--geocatalog", &catalog.endpoint()])
        .args(["--auth", "managed-identity"]);
    Run::of(&mut cmd)
        .ok()
        .says("verified: the service authorised 'rl'");
    assert_eq!(catalog.sources_for(&good).len(), 1);

    let mut cmd = support::sasmint(az(), &ts);
    cmd.args(["ard", "register", &good, "--credentials-id", "verify-me"])
        .arg("--verify")
        .args(["--ard-endpoint", &ard.endpoint()])
        .args(["--auth", "managed-identity"])
        .env("MAXAR_ARD_USERNAME", ard.username())
        .env("MAXAR_ARD_PASSWORD", ard.password());
    Run::of(&mut cmd)
        .ok()
        .says("verified: the service authorised 'w'");
    assert!(ard.credential("verify-me").is_some());
}

// ---- the rest of the contract --------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_signing_verifies_over_the_network() {
    let http = BlobHttp::new(az(), 4);
    let ts = TokenServer::start();
    let c = "verify-offline";
    let container = seeded(&http, c).await;
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key.json");
    let key = key.to_str().unwrap();
    run(&ts, &["key", &az().account_url(), "--output-file", key]).ok();
    let offline = |url: &str, extra: &[&str]| {
        // No identity at all: only the probes reach the network.
        let mut cmd = support::sasmint_offline();
        cmd.env("SSL_CERT_FILE", az().cert_path())
            .args(["mint", url, "--delegation-key", key, "--verify"])
            .args(extra);
        Run::of(&mut cmd)
    };
    let before = listing(&http, c).await;
    offline(&container, &["-p", "racwdlt"])
        .ok()
        .says("verified: the service authorised 'racwdlt'");
    assert_eq!(listing(&http, c).await, before);

    // The same key through the refusing proxy (same account, path-style): refused.
    let proxy = FaultServer::start(az(), FaultMode::RefuseSas(403));
    refused(
        &offline(&proxy.container_url(c), &[]),
        "Storage Blob Data Reader",
    );
    assert_eq!(proxy.requests(), 1, "one probe, no key request");

    // Nothing listens where the token points: a network error.
    let r = offline("https://127.0.0.1:1/devstoreaccount1/verify-offline", &[]);
    r.failed_with(6);

    // A token that allows http is still verified over https only.
    let http_url = container.replacen("https://", "http://", 1);
    offline(&http_url, &["--allow-http"])
        .failed_with(2)
        .says("--verify")
        .says("https");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_errors_during_verify_keep_their_exit_codes() {
    let http = BlobHttp::new(az(), 4);
    let ts = TokenServer::start();
    http.create_container(az(), "verify-errors").await;

    // 503 to every probe (after the retries): a service error, nothing printed.
    let proxy = FaultServer::start(az(), FaultMode::RefuseSas(503));
    let r = run(
        &ts,
        &["mint", &proxy.container_url("verify-errors"), "--verify"],
    );
    r.failed_with(5).says("HTTP 503");
    assert!(
        proxy
            .log()
            .iter()
            .filter(|l| l.target.contains("sig="))
            .count()
            > 1,
        "503 is retried"
    );

    // A container that does not exist: the token would not work either.
    let r = run(
        &ts,
        &[
            "mint",
            &az().container_url("verify-no-such-container"),
            "--verify",
        ],
    );
    r.failed_with(5).says("ContainerNotFound");
}

#[test]
fn verify_has_nothing_to_do_without_a_token() {
    let ts = TokenServer::start();
    let blob = "https://myacct.blob.core.windows.net/raw/events.csv";
    run(
        &ts,
        &[
            "kusto-uri",
            blob,
            "--managed-identity",
            "system",
            "--verify",
        ],
    )
    .failed_with(2)
    .says("--verify");
    run(
        &ts,
        &[
            "geocatalog",
            "register",
            "https://myacct.blob.core.windows.net/raw",
            "--managed-identity",
            "00000000-0000-0000-0000-000000000001",
            "--verify",
            "--geocatalog",
            "https://cat.abc.uksouth.geocatalog.spatio.azure.com",
        ],
    )
    .failed_with(2)
    .says("--verify");
    assert!(ts.issued_tokens().is_empty());
}
