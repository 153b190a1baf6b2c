//! `--output github-actions` and `--output azure-pipelines`, and `--correlation-id`: the exact
//! bytes written, checked against the runners' documented formats (GitHub: workflow commands
//! and the `NAME<<DELIMITER` form of `GITHUB_OUTPUT`/`GITHUB_ENV`; Azure Pipelines: the
//! `##vso[task.setvariable]` logging command with its escapes). Offline: a saved key signs.

mod support;

use serde_json::Value;
use std::io::Write;
use support::Run;

const URL: &str = "https://myacct.blob.core.windows.net/imagery";
const KEY_VALUE: &str = "CDbbW7auD7G7KPwtUda3fRepaIxXK2WN1Gja/igmRuY=";

fn time_in(seconds: i64) -> String {
    let t = time::OffsetDateTime::now_utc() + time::Duration::seconds(seconds);
    t.replace_nanosecond(0)
        .unwrap()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

struct Fixture {
    dir: tempfile::TempDir,
    key: String,
    start: String,
    expiry: String,
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("key.json");
        let json = serde_json::json!({
            "signedOid": "8e0c6a5c-6a36-4c5a-9c5c-1f1c0b2f6c11",
            "signedTid": "72f988bf-86f1-41af-91ab-2d7cd011db47",
            "signedStart": time_in(-3600),
            "signedExpiry": time_in(86_400),
            "signedService": "b",
            "signedVersion": "2026-04-06",
            "value": KEY_VALUE,
        });
        std::fs::File::create(&key)
            .unwrap()
            .write_all(json.to_string().as_bytes())
            .unwrap();
        Fixture {
            key: key.to_str().unwrap().to_owned(),
            dir,
            start: time_in(-600),
            expiry: time_in(3600),
        }
    }

    /// `sasmint mint URL` with fixed times (so every run signs the same token) and `extra`.
    fn mint(&self, extra: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = support::sasmint_offline();
        cmd.args(["mint", URL, "--delegation-key", &self.key])
            .args(["--start", &self.start, "--expiry", &self.expiry])
            .args(extra);
        for (name, value) in env {
            cmd.env(name, value);
        }
        Run::of(&mut cmd)
    }

    /// The token and URL the same inputs give with `--output json`.
    fn expected(&self, extra: &[&str]) -> Value {
        let r = self.mint(&[&["--output", "json"], extra].concat(), &[]);
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        serde_json::from_str(&r.stdout).unwrap()
    }

    fn file(&self, name: &str, content: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        path.to_str().unwrap().to_owned()
    }
}

/// GitHub's workflow-command data escaping (actions/toolkit `escapeData`).
fn github_data(value: &str) -> String {
    value
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// The signature of `token` on its own, as written in it and percent-decoded (once if the same):
/// what sasmint masks besides the token and the URL, so a step printing only it leaks nothing.
fn signatures(token: &str) -> Vec<String> {
    let raw = token
        .split('&')
        .find_map(|p| p.strip_prefix("sig="))
        .expect("sig")
        .to_owned();
    let decoded = support::sig_of(token);
    if decoded == raw {
        vec![raw]
    } else {
        vec![raw, decoded]
    }
}

/// The `NAME<<DELIMITER` blocks of a GitHub file, in order, checking the form as it goes.
fn blocks(text: &str) -> Vec<(String, String)> {
    let mut lines = text.lines();
    let mut out = Vec::new();
    while let Some(head) = lines.next() {
        let (name, delimiter) = head.split_once("<<").unwrap_or_else(|| panic!("{head}"));
        assert!(delimiter.starts_with("ghadelimiter_"), "{delimiter}");
        let value = lines.next().unwrap();
        assert_eq!(
            lines.next(),
            Some(delimiter),
            "one-line value, then the delimiter"
        );
        assert!(!value.contains(delimiter));
        out.push((name.to_owned(), value.to_owned()));
    }
    out
}

#[test]
fn github_actions_masks_the_token_and_writes_step_outputs() {
    let f = Fixture::new();
    let expected = f.expected(&[]);
    let (token, url) = (
        expected["token"].as_str().unwrap(),
        expected["url"].as_str().unwrap(),
    );
    assert!(
        token.contains('%'),
        "a token with characters to escape: {token}"
    );
    // The runner's file already holds another step's output: sasmint appends.
    let outputs = f.file("github_output", "earlier=1\n");
    let r = f.mint(
        &["--output", "github-actions"],
        &[("GITHUB_OUTPUT", &outputs)],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let mut masks = format!(
        "::add-mask::{}\n::add-mask::{}\n",
        github_data(token),
        github_data(url)
    );
    for sig in signatures(token) {
        masks.push_str(&format!("::add-mask::{}\n", github_data(&sig)));
    }
    assert_eq!(r.stdout, masks);
    let written = std::fs::read_to_string(&outputs).unwrap();
    let rest = written.strip_prefix("earlier=1\n").expect("appended");
    let blocks = blocks(rest);
    let names: Vec<&str> = blocks.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "sas_token",
            "sas_url",
            "expiry",
            "permissions",
            "account",
            "container"
        ]
    );
    assert_eq!(blocks[0].1, token);
    assert_eq!(blocks[1].1, url);
    assert_eq!(blocks[2].1, expected["expiry"].as_str().unwrap());
    assert_eq!(blocks[3].1, "rl");
    assert!(!r.stderr.contains(token));
}

#[test]
fn github_env_writes_environment_variables() {
    let f = Fixture::new();
    let env_file = f.file("github_env", "");
    let r = f.mint(
        &["--output", "github-actions", "--github-env"],
        &[("GITHUB_ENV", &env_file)],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let blocks = blocks(&std::fs::read_to_string(&env_file).unwrap());
    assert_eq!(blocks[0].0, "SAS_TOKEN");
    assert_eq!(blocks[1].0, "SAS_URL");
    assert_eq!(blocks[2].0, "SAS_EXPIRY");
    assert_eq!(blocks[0].1, f.expected(&[])["token"].as_str().unwrap());
}

#[test]
fn github_actions_outside_a_runner_is_bad_input() {
    let f = Fixture::new();
    let r = f.mint(&["--output", "github-actions"], &[]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("GITHUB_OUTPUT"), "{}", r.stderr);
    let r = f.mint(&["--output", "github-actions", "--github-env"], &[]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("GITHUB_ENV"), "{}", r.stderr);
    let r = f.mint(&["--github-env"], &[]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("--output github-actions"), "{}", r.stderr);
    // Several URLs: one token per step output cannot be expressed.
    let outputs = f.file("o", "");
    let mut cmd = support::sasmint_offline();
    cmd.args(["mint", URL, URL, "--delegation-key", &f.key])
        .args(["--output", "github-actions"])
        .env("GITHUB_OUTPUT", &outputs);
    let r = Run::of(&mut cmd);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("takes a single URL"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&outputs).unwrap(), "");
}

#[test]
fn azure_pipelines_sets_secret_variables() {
    let f = Fixture::new();
    let expected = f.expected(&[]);
    let pipelines = |v: &str| {
        v.replace('%', "%AZP25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
            .replace(';', "%3B")
            .replace(']', "%5D")
    };
    let r = f.mint(&["--output", "azure-pipelines"], &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let field = |name: &str| expected[name].as_str().unwrap().to_owned();
    let secrets: String = signatures(&field("token"))
        .iter()
        .map(|sig| format!("##vso[task.setsecret]{}\n", pipelines(sig)))
        .collect();
    assert_eq!(
        r.stdout,
        format!(
            "##vso[task.setvariable variable=SAS_TOKEN;issecret=true]{}\n\
             ##vso[task.setvariable variable=SAS_URL;issecret=true]{}\n\
             ##vso[task.setvariable variable=SAS_EXPIRY]{}\n\
             ##vso[task.setvariable variable=SAS_PERMISSIONS]rl\n\
             ##vso[task.setvariable variable=AZURE_STORAGE_ACCOUNT]myacct\n\
             ##vso[task.setvariable variable=AZURE_STORAGE_CONTAINER]imagery\n{secrets}",
            pipelines(&field("token")),
            pipelines(&field("url")),
            field("expiry"),
        )
    );
}

#[test]
fn correlation_id_is_signed_shown_and_handed_to_ci() {
    let f = Fixture::new();
    let id = "6f3c1c2e-2d6b-4b7e-9a51-3c0c3b1f7a42";
    let v = f.expected(&["--correlation-id", &id.to_uppercase()]);
    assert_eq!(v["correlation_id"], id, "normalised to lowercase");
    assert!(v["token"].as_str().unwrap().contains(&format!("scid={id}")));

    let auto = f.expected(&["--correlation-id", "auto"]);
    let fresh = auto["correlation_id"].as_str().unwrap();
    let parsed = uuid::Uuid::parse_str(fresh).unwrap();
    assert_eq!(parsed.get_version_num(), 4);
    assert!(auto["token"]
        .as_str()
        .unwrap()
        .contains(&format!("scid={fresh}")));
    assert_ne!(
        fresh,
        f.expected(&["--correlation-id", "auto"])["correlation_id"]
    );

    let without = f.expected(&[]);
    assert!(without["correlation_id"].is_null());
    assert!(!without["token"].as_str().unwrap().contains("scid="));

    let r = f.mint(
        &["--correlation-id", "auto", "--output", "azure-pipelines"],
        &[],
    );
    assert!(
        r.stdout
            .contains("##vso[task.setvariable variable=SAS_CORRELATION_ID]"),
        "{}",
        r.stdout
    );

    let r = f.mint(&["--correlation-id", "not-a-guid&sp=racwdl"], &[]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("is not a GUID"), "{}", r.stderr);
}

#[test]
fn kusto_uri_hands_its_uri_to_ci() {
    let f = Fixture::new();
    let blob = format!("{URL}/events.csv");
    let kusto = |extra: &[&str], env: &[(&str, &str)]| {
        let mut cmd = support::sasmint_offline();
        cmd.args(["kusto-uri", &blob]).args(extra);
        for (name, value) in env {
            cmd.env(name, value);
        }
        Run::of(&mut cmd)
    };
    let sas = ["--delegation-key", f.key.as_str(), "--expires-in", "1h"];

    // A SAS URI is a secret: masked, then written as a step output.
    let outputs = f.file("kusto_output", "");
    let r = kusto(
        &[&sas[..], &["--output", "github-actions"]].concat(),
        &[("GITHUB_OUTPUT", &outputs)],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let written = blocks(&std::fs::read_to_string(&outputs).unwrap());
    assert_eq!(written[0].0, "kusto_uri");
    let uri = &written[0].1;
    assert!(uri.contains("sig="), "{uri}");
    // The URI, and the token and its signature on their own.
    let token = uri.split_once('?').unwrap().1;
    let mut masks = format!(
        "::add-mask::{}\n::add-mask::{}\n",
        github_data(uri),
        github_data(token)
    );
    for sig in signatures(token) {
        masks.push_str(&format!("::add-mask::{}\n", github_data(&sig)));
    }
    assert_eq!(r.stdout, masks);
    assert_eq!(written[1].0, "expiry");

    // Azure Pipelines: the SAS URI as a secret variable.
    let r = kusto(&[&sas[..], &["--output", "azure-pipelines"]].concat(), &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stdout
            .starts_with("##vso[task.setvariable variable=KUSTO_URI;issecret=true]https://"),
        "{}",
        r.stdout
    );

    // A managed-identity URI holds no secret: nothing to mask.
    let outputs = f.file("kusto_mi", "");
    let r = kusto(
        &["--managed-identity", "system", "--output", "github-actions"],
        &[("GITHUB_OUTPUT", &outputs)],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    let written = blocks(&std::fs::read_to_string(&outputs).unwrap());
    assert_eq!(
        written,
        [(
            "kusto_uri".to_owned(),
            format!("{blob};managed_identity=system")
        )]
    );

    // Outside a runner: bad input.
    let r = kusto(&[&sas[..], &["--output", "github-actions"]].concat(), &[]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("GITHUB_OUTPUT"), "{}", r.stderr);
}
