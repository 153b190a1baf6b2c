//! Nothing a service or an input says can command the CI runner (issue 22, item 1): every
//! output of every command is read with ports of the runners' own line parsers
//! (`support/runners.rs`), fed hostile ids, descriptions and error messages through the
//! stand-ins and hostile servers. sasmint's own CI lines stay exactly what the runners need,
//! every CI format masks the token and its signature on their own (item 2), and the runner's
//! file is checked before anything is sent (item 3).

#[path = "support/runners.rs"]
mod runners;
mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::hostile::{storage_error_xml, HostileRequest, HostileServer, Reply};
use support::{Ard, Azurite, GeoCatalog, Run, TokenServer, Tripwire};

fn azurite() -> &'static Azurite {
    support::shared_azurite()
}

/// What a hostile service says: workflow commands (with and without leading white space), a
/// legacy command and an Azure Pipelines logging command.
const HOSTILE: &[&str] = &[
    "::stop-commands::pwned",
    "   ::stop-commands::pwned",
    "\u{a0}::stop-commands::pwned",
    "##[stop-commands]pwned",
    "x ##[stop-commands]pwned",
    "##vso[task.setvariable variable=SAS_TOKEN]evil",
    " ##vso[task.setvariable variable=SAS_TOKEN;issecret=true]evil",
];

/// Panics, naming `what`, if any line of the run's stdout or stderr is a runner command.
#[track_caller]
fn commands_nothing(run: &Run, what: &str) {
    for (stream, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        let found = runners::commands(text);
        assert!(
            found.is_empty(),
            "{what}: {stream} commands a runner: {found:#?}\n{stream}:\n{text}"
        );
    }
}

fn geo(ts: &TokenServer, endpoint: &str, args: &[&str]) -> Run {
    let mut cmd = support::sasmint(azurite(), ts);
    cmd.arg("geocatalog")
        .args(args)
        .args(["--auth", "managed-identity", "--geocatalog", endpoint]);
    Run::of(&mut cmd)
}

fn ard(ts: &TokenServer, service: &Ard, args: &[&str]) -> Run {
    ard_at(ts, &service.endpoint(), service, args)
}

fn ard_at(ts: &TokenServer, endpoint: &str, service: &Ard, args: &[&str]) -> Run {
    let mut cmd = support::sasmint(azurite(), ts);
    cmd.arg("ard")
        .args(args)
        .args(["--auth", "managed-identity", "--ard-endpoint", endpoint])
        .env("MAXAR_ARD_USERNAME", service.username())
        .env("MAXAR_ARD_PASSWORD", service.password());
    Run::of(&mut cmd)
}

#[test]
fn geocatalog_ids_command_no_runner() {
    let ts = TokenServer::start();
    let catalog = GeoCatalog::start(azurite());
    for (i, id) in HOSTILE.iter().enumerate() {
        catalog.seed_sas_source_with_id(id, &format!("https://acct{i}.blob.core.windows.net/c"));
    }
    let endpoint = catalog.endpoint();

    // An id with `#` cannot be a path segment: it is a bad entry (exit 5), named on stderr; the
    // others are listed. Neither stream may command a runner.
    let (usable, bad): (Vec<&str>, Vec<&str>) = HOSTILE.iter().partition(|id| !id.contains('#'));
    assert!(!usable.is_empty() && !bad.is_empty());
    let text = geo(&ts, &endpoint, &["list"]);
    assert_eq!(text.code, Some(5), "{}", text.stderr);
    commands_nothing(&text, "geocatalog list");
    assert_eq!(text.stdout.lines().count(), usable.len(), "{}", text.stdout);
    assert!(
        text.stderr
            .contains(&format!("{} ingestion sources", bad.len())),
        "{}",
        text.stderr
    );

    let listed = geo(&ts, &endpoint, &["list", "--output", "json"]);
    assert_eq!(listed.code, Some(5), "{}", listed.stderr);
    commands_nothing(&listed, "geocatalog list --output json");
    let mut ids: Vec<String> = listed
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    let mut want: Vec<String> = usable.iter().map(|s| (*s).to_owned()).collect();
    want.sort();
    assert_eq!(ids, want, "JSON decodes to the ids the service sent");

    // status reads each source by id: the stand-in refuses these ids, echoing them.
    for format in ["text", "json"] {
        let r = geo(&ts, &endpoint, &["status", "--output", format]);
        assert_ne!(r.code, Some(0), "{}", r.stderr);
        commands_nothing(&r, &format!("geocatalog status --output {format}"));
    }
    // An id typed by the user, echoed back by the service in its error.
    for id in HOSTILE
        .iter()
        .filter(|id| !id.starts_with(char::is_whitespace))
    {
        let r = geo(&ts, &endpoint, &["show", id]);
        assert_ne!(r.code, Some(0), "{}", r.stderr);
        commands_nothing(&r, &format!("geocatalog show {id:?}"));
    }
}

#[test]
fn ard_descriptions_command_no_runner() {
    let ts = TokenServer::start();
    let service = Ard::start(azurite());
    for (i, description) in HOSTILE.iter().enumerate() {
        service.seed_credentials(&format!("drop-{i}"), Some(description));
    }

    let text = ard(&ts, &service, &["list"]);
    text.ok();
    commands_nothing(&text, "ard list");
    let listed = ard(&ts, &service, &["list", "--output", "json"]);
    listed.ok();
    commands_nothing(&listed, "ard list --output json");
    let mut descriptions: Vec<String> = listed
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["description"].as_str().unwrap().to_owned())
        .collect();
    descriptions.sort();
    let mut want: Vec<String> = HOSTILE.iter().map(|s| (*s).to_owned()).collect();
    want.sort();
    assert_eq!(descriptions, want, "JSON decodes to what the service sent");

    for (i, description) in HOSTILE.iter().enumerate() {
        let id = format!("drop-{i}");
        for format in ["text", "json"] {
            let r = ard(&ts, &service, &["show", &id, "--output", format]);
            r.ok();
            commands_nothing(&r, &format!("ard show {id} --output {format}"));
            if format == "json" {
                assert_eq!(r.json()["description"], *description);
            }
        }
    }
}

/// A service that refuses every request with `message`, as JSON (GeoCatalog, ARD) or as
/// storage's XML.
fn refusing(message: &'static str, xml: bool) -> HostileServer {
    HostileServer::start(azurite(), move |_: &HostileRequest| {
        if xml {
            Reply::xml(403, storage_error_xml("AuthorizationFailure", message))
                .header("x-ms-error-code", "AuthorizationFailure")
        } else {
            Reply::json(
                400,
                &json!({"error": {"code": "BadRequest", "message": message}}),
            )
        }
    })
}

#[test]
fn error_messages_command_no_runner() {
    let ts = TokenServer::start();
    let service = Ard::start(azurite());
    for message in HOSTILE {
        let geo_server = refusing(message, false);
        let r = geo(&ts, &geo_server.base_url(), &["list"]);
        assert_ne!(r.code, Some(0), "{}", r.stderr);
        commands_nothing(&r, &format!("geocatalog error {message:?}"));

        let ard_server = refusing(message, false);
        let r = ard_at(&ts, &ard_server.base_url(), &service, &["list"]);
        assert_ne!(r.code, Some(0), "{}", r.stderr);
        commands_nothing(&r, &format!("ard error {message:?}"));

        let storage = refusing(message, true);
        let url = storage.container_url("imagery");
        for extra in [&[][..], &["-v"][..]] {
            let mut cmd = support::sasmint(azurite(), &ts);
            cmd.args(["mint", &url, "--auth", "managed-identity"])
                .args(extra);
            let r = Run::of(&mut cmd);
            assert!(matches!(r.code, Some(4 | 5)), "{}", r.stderr);
            commands_nothing(&r, &format!("storage error {message:?} {extra:?}"));
        }
        // Batch JSON carries the error: still JSON of the same text.
        let mut cmd = support::sasmint(azurite(), &ts);
        cmd.args(["mint", &url, &url, "--auth", "managed-identity"])
            .args(["--output", "json"]);
        let r = Run::of(&mut cmd);
        commands_nothing(&r, &format!("batch JSON, storage error {message:?}"));
        let first: Value = serde_json::from_str(r.stdout.lines().next().unwrap()).unwrap();
        let error = first["error"].as_str().unwrap();
        assert!(
            error.contains(message.trim_start_matches([' ', '\u{a0}'])),
            "the message decodes as sent: {error}"
        );
    }
}

// ---- sasmint's own CI output -------------------------------------------------------------------

const URL: &str = "https://myacct.blob.core.windows.net/imagery";
const KEY_VALUE: &str = "CDbbW7auD7G7KPwtUda3fRepaIxXK2WN1Gja/igmRuY=";

fn time_in(seconds: i64) -> String {
    let t = time::OffsetDateTime::now_utc() + time::Duration::seconds(seconds);
    t.replace_nanosecond(0)
        .unwrap()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

/// A saved delegation key: offline minting.
fn key_file(dir: &std::path::Path) -> String {
    let key = dir.join("key.json");
    let json = json!({
        "signedOid": "8e0c6a5c-6a36-4c5a-9c5c-1f1c0b2f6c11",
        "signedTid": "72f988bf-86f1-41af-91ab-2d7cd011db47",
        "signedStart": time_in(-3600),
        "signedExpiry": time_in(86_400),
        "signedService": "b",
        "signedVersion": "2026-04-06",
        "value": KEY_VALUE,
    });
    std::fs::write(&key, json.to_string()).unwrap();
    key.to_str().unwrap().to_owned()
}

fn offline(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = support::sasmint_offline();
    cmd.args(args);
    for (name, value) in env {
        cmd.env(name, value);
    }
    Run::of(&mut cmd)
}

/// The blob name is `value` (percent-encoded in the URL, as the URL parser wants it).
fn blob_url(value: &str) -> String {
    let encoded: String =
        percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC)
            .to_string();
    format!("{URL}/{encoded}")
}

/// The `sig` of a token, as written in it.
fn raw_sig(token: &str) -> &str {
    token
        .split('&')
        .find_map(|p| p.strip_prefix("sig="))
        .expect("sig")
}

#[test]
fn mint_output_with_a_hostile_blob_name_commands_only_what_sasmint_meant() {
    let dir = tempfile::tempdir().unwrap();
    let key = key_file(dir.path());
    // Fixed times: every run signs the same token.
    let (start, expiry) = (time_in(-600), time_in(3600));
    for blob in HOSTILE {
        let url = blob_url(blob);
        let mint = |output: &str, env: &[(&str, &str)]| {
            offline(
                &[
                    "mint",
                    &url,
                    "--delegation-key",
                    &key,
                    "--start",
                    &start,
                    "--expiry",
                    &expiry,
                    "--output",
                    output,
                ],
                env,
            )
        };
        for output in ["token", "url", "env"] {
            let r = mint(output, &[]);
            r.ok();
            commands_nothing(&r, &format!("mint --output {output}, blob {blob:?}"));
        }
        let r = mint("json", &[]);
        r.ok();
        commands_nothing(&r, &format!("mint --output json, blob {blob:?}"));
        let minted = r.json();
        assert_eq!(minted["blob"], *blob, "JSON decodes to the blob name");
        let token = minted["token"].as_str().unwrap().to_owned();
        let sig = raw_sig(&token).to_owned();
        let sig_decoded = support::sig_of(&token);

        // GitHub Actions: only add-mask lines, masking the token, the URL and the signature
        // (as written and decoded) each on their own.
        let outputs = dir.path().join("github_output");
        std::fs::write(&outputs, "").unwrap();
        let r = mint(
            "github-actions",
            &[("GITHUB_OUTPUT", outputs.to_str().unwrap())],
        );
        r.ok();
        let found = runners::commands(&r.stdout);
        assert_eq!(found.len(), r.stdout.lines().count(), "{}", r.stdout);
        assert!(found
            .iter()
            .all(|c| c.parser == "github" && c.name == "add-mask"));
        let masked: Vec<&str> = found.iter().map(|c| c.data.as_str()).collect();
        for secret in [
            &token,
            &minted["url"].as_str().unwrap().to_owned(),
            &sig,
            &sig_decoded,
        ] {
            assert!(
                masked.contains(&secret.as_str()),
                "{secret} not masked: {masked:?}"
            );
        }
        assert!(runners::commands(&r.stderr).is_empty(), "{}", r.stderr);

        // Azure Pipelines: only setvariable and setsecret lines, each value decoding to what
        // it was, the blob name as data.
        let r = mint("azure-pipelines", &[]);
        r.ok();
        let mut variables = std::collections::BTreeMap::new();
        let mut secrets = Vec::new();
        for line in r.stdout.lines() {
            let c = runners::azure(line).unwrap_or_else(|| panic!("not a command: {line}"));
            match c.name.as_str() {
                "task.setvariable" => {
                    assert_eq!(c.properties[0].0, "variable");
                    let fresh = variables.insert(c.properties[0].1.clone(), c.data.clone());
                    assert!(fresh.is_none(), "set twice: {line}");
                }
                "task.setsecret" => secrets.push(c.data.clone()),
                other => panic!("unexpected command {other}: {line}"),
            }
        }
        assert_eq!(variables["AZURE_STORAGE_BLOB"], *blob);
        assert_eq!(variables["SAS_TOKEN"], token);
        assert!(
            secrets.contains(&sig) && secrets.contains(&sig_decoded),
            "{secrets:?}"
        );
    }
}

#[test]
fn kusto_uri_masks_the_token_and_its_signature_on_their_own() {
    let dir = tempfile::tempdir().unwrap();
    let key = key_file(dir.path());
    let blob = format!("{URL}/events.csv");
    let outputs = dir.path().join("kusto_output");
    std::fs::write(&outputs, "").unwrap();
    let args = [
        "kusto-uri",
        &blob,
        "--delegation-key",
        &key,
        "--expires-in",
        "1h",
    ];
    let r = offline(
        &[&args[..], &["--output", "github-actions"]].concat(),
        &[("GITHUB_OUTPUT", outputs.to_str().unwrap())],
    );
    r.ok();
    let written = std::fs::read_to_string(&outputs).unwrap();
    let uri = written.lines().nth(1).unwrap();
    let token = uri.split_once('?').unwrap().1;
    let masked: Vec<String> = runners::commands(&r.stdout)
        .into_iter()
        .map(|c| {
            assert_eq!(c.name, "add-mask");
            c.data
        })
        .collect();
    for secret in [uri, token, raw_sig(token), &support::sig_of(token)] {
        assert!(
            masked.iter().any(|m| m == secret),
            "{secret} not masked: {masked:?}"
        );
    }

    let r = offline(&[&args[..], &["--output", "azure-pipelines"]].concat(), &[]);
    r.ok();
    let secrets: Vec<String> = r
        .stdout
        .lines()
        .filter_map(runners::azure)
        .filter(|c| c.name == "task.setsecret")
        .map(|c| c.data)
        .collect();
    let uri = r
        .stdout
        .lines()
        .filter_map(runners::azure)
        .find(|c| c.properties.first().is_some_and(|(_, v)| v == "KUSTO_URI"))
        .unwrap()
        .data;
    let token = uri.split_once('?').unwrap().1;
    for secret in [token, raw_sig(token), &support::sig_of(token)] {
        assert!(
            secrets.iter().any(|m| m == secret),
            "{secret} not a secret: {secrets:?}"
        );
    }
}

/// A GeoCatalog that creates every source, answering with an `expiration` of its own.
fn catalog_with_its_own_expiry() -> HostileServer {
    HostileServer::start(azurite(), |req: &HostileRequest| {
        if req.method == "POST" {
            let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
            let container = body
                .pointer("/connectionInfo/containerUrl")
                .cloned()
                .unwrap_or(Value::Null);
            let kind = body.get("kind").cloned().unwrap_or(json!("SasToken"));
            Reply::json(
                201,
                &json!({
                    "id": support::new_uuid(),
                    "created": time_in(0),
                    "kind": kind,
                    "connectionInfo": {
                        "containerUrl": container,
                        "expiration": "##vso[task.setvariable variable=SAS_EXPIRY]2999-01-01",
                    },
                }),
            )
        } else {
            Reply::json(
                404,
                &json!({"error": {"code": "NotFound", "message": "no such source"}}),
            )
        }
    })
}

#[tokio::test]
async fn geocatalog_register_hands_ci_the_tokens_own_expiry() {
    let ts = TokenServer::start();
    let catalog = catalog_with_its_own_expiry();
    support::create_container(azurite(), "ci-expiry").await;
    let c = azurite().container_url("ci-expiry");
    let dir = tempfile::tempdir().unwrap();
    let outputs = dir.path().join("github_output");
    std::fs::write(&outputs, "").unwrap();
    let mut cmd = support::sasmint(azurite(), &ts);
    cmd.args(["geocatalog", "register", &c, "--output", "github-actions"])
        .args([
            "--auth",
            "managed-identity",
            "--geocatalog",
            &catalog.base_url(),
        ])
        .env("GITHUB_OUTPUT", &outputs);
    let r = Run::of(&mut cmd);
    r.ok();
    let masked: Vec<String> = runners::commands(&r.stdout)
        .into_iter()
        .map(|c| c.data)
        .collect();
    let token = &masked[0];
    let se = token
        .split('&')
        .find_map(|p| p.strip_prefix("se="))
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .unwrap()
                .into_owned()
        })
        .unwrap();
    let written = std::fs::read_to_string(&outputs).unwrap();
    let lines: Vec<&str> = written.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("expiry<<"))
        .unwrap();
    assert_eq!(lines[at + 1], se, "the token's own se:\n{written}");
    assert!(masked.contains(&raw_sig(token).to_owned()), "{masked:?}");

    let mut cmd = support::sasmint(azurite(), &ts);
    cmd.args(["geocatalog", "register", &c, "--output", "azure-pipelines"])
        .args([
            "--auth",
            "managed-identity",
            "--geocatalog",
            &catalog.base_url(),
        ]);
    let r = Run::of(&mut cmd);
    r.ok();
    let expiry = r
        .stdout
        .lines()
        .filter_map(runners::azure)
        .find(|c| c.properties.first().is_some_and(|(_, v)| v == "SAS_EXPIRY"))
        .unwrap();
    assert!(parse_rfc3339(&expiry.data), "{}", expiry.data);
}

fn parse_rfc3339(s: &str) -> bool {
    support::parse_rfc3339(s).is_some()
}

// ---- the runner's file, checked before anything is sent -----------------------------------------

/// Every place the runner's file can be that sasmint must refuse, made in `dir`.
fn unfit_files(dir: &std::path::Path) -> Vec<(&'static str, std::path::PathBuf)> {
    let regular = dir.join("regular");
    std::fs::write(&regular, "").unwrap();
    let link = dir.join("link");
    std::os::unix::fs::symlink(&regular, &link).unwrap();
    let fifo = dir.join("fifo");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid C string; mkfifo only creates a file.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let directory = dir.join("directory");
    std::fs::create_dir(&directory).unwrap();
    let mut all = vec![
        ("a symbolic link", link),
        ("a FIFO", fifo),
        ("a directory", directory),
    ];
    // Another user's file: only root can make one here.
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        let foreign = dir.join("foreign");
        std::fs::write(&foreign, "").unwrap();
        std::os::unix::fs::chown(&foreign, Some(65534), Some(65534)).unwrap();
        all.push(("another user's file", foreign));
    } else {
        all.push(("another user's file", "/etc/passwd".into()));
    }
    all
}

#[test]
fn an_unfit_runner_file_is_refused_before_anything_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let identity = Tripwire::new();
    let service = Tripwire::new();
    let container = service.container_url("imagery");
    let commands: Vec<Vec<String>> = vec![
        vec!["mint".into(), container.clone()],
        vec!["kusto-uri".into(), format!("{container}/events.csv")],
        vec![
            "geocatalog".into(),
            "register".into(),
            container.clone(),
            "--geocatalog".into(),
            service.endpoint(),
        ],
    ];
    for (what, path) in unfit_files(dir.path()) {
        for (variable, extra) in [
            ("GITHUB_OUTPUT", None),
            ("GITHUB_ENV", Some("--github-env")),
        ] {
            for args in &commands {
                let mut cmd = support::sasmint_offline();
                cmd.args(args)
                    .args(["--output", "github-actions", "--auth", "managed-identity"])
                    .args(["--timeout", "3"])
                    .args(extra)
                    .env("IDENTITY_ENDPOINT", identity.identity_endpoint())
                    .env("IDENTITY_HEADER", "header-secret-value")
                    .env(variable, &path)
                    .timeout(Duration::from_secs(20));
                let r = Run::of(&mut cmd);
                let case = format!("{args:?} with {variable} = {what}");
                assert_eq!(r.code, Some(2), "{case}: {}", r.stderr);
                assert!(r.stdout.is_empty(), "{case}: {}", r.stdout);
                let first = r.stderr.lines().next().unwrap_or_default();
                assert!(first.contains(variable), "{case}: {}", r.stderr);
                identity.assert_untouched(&case);
                service.assert_untouched(&case);
            }
        }
    }
}
