//! Self-test of the test harness (tests/support): Azurite, the token server, the SDK helpers and
//! the environment scrubbing, end to end. Runs without the sasmint binary.

mod support;

use std::sync::Arc;
use std::time::Instant;

use azure_identity::{ManagedIdentityCredential, ManagedIdentityCredentialOptions};
use azure_storage_sas::SasBuilder;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use support::{Azurite, Behaviour, TokenServer, STORAGE_RESOURCE, TEST_OID, TEST_TID};
use time::OffsetDateTime;

/// Names the data plane must round-trip: spaces, a "directory", non-ASCII, `+`, `%`, `#`, `?`.
const ODD_NAME: &str = "dir one/ünïcødé + 100% #1?.txt";
const PAYLOAD: &[u8] = b"harness payload\n";

/// Full circle with the real credential and SAS code: managed identity (TokenServer) →
/// Get User Delegation Key (Azurite) → `azure_storage_sas` read+list container SAS →
/// list and read succeed, write and delete are refused with 403.
///
/// This is the only test in this binary that changes the process environment
/// (`ManagedIdentityCredential` reads `IDENTITY_*` from it).
#[tokio::test]
async fn harness_end_to_end_user_delegation_sas() {
    let started = Instant::now();
    let az = Azurite::start();
    let ts = TokenServer::start();
    eprintln!(
        "azurite up on port {} after {:?}",
        az.port(),
        started.elapsed()
    );

    // Setup with Bearer tokens (Azurite --oauth basic accepts them for data operations).
    support::create_container(&az, "harness").await;
    support::upload_blob(&az, "harness", ODD_NAME, PAYLOAD).await;
    support::upload_blob(&az, "harness", "plain.txt", b"plain").await;

    // The real ManagedIdentityCredential, talking App Service protocol to the TokenServer.
    {
        let _env = support::env_lock();
        for var in [
            "IDENTITY_SERVER_THUMBPRINT",
            "MSI_ENDPOINT",
            "MSI_SECRET",
            "IMDS_ENDPOINT",
        ] {
            std::env::remove_var(var);
        }
        std::env::set_var("IDENTITY_ENDPOINT", ts.endpoint());
        std::env::set_var("IDENTITY_HEADER", ts.header());
    }
    let credential = managed_identity();

    let now = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap();
    let key = support::user_delegation_key(
        &az,
        credential,
        now - time::Duration::minutes(5),
        now + time::Duration::hours(1),
    )
    .await
    .expect("Get User Delegation Key with a managed-identity token");
    assert_eq!(key.signed_oid.as_deref(), Some(TEST_OID));
    assert_eq!(key.signed_tid.as_deref(), Some(TEST_TID));
    assert_eq!(key.signed_service.as_deref(), Some("b"));
    assert!(key.value.as_ref().is_some_and(|v| !v.is_empty()));
    assert_eq!(ts.requests(), 1, "exactly one token fetched");
    assert_eq!(ts.requests_for(STORAGE_RESOURCE), 1);
    let token = ts.last_token().expect("a token was issued");
    assert_eq!(jwt_claims(&token)["aud"], STORAGE_RESOURCE);

    // A read+list container SAS signed by the official SAS crate.
    let sas = SasBuilder::new(support::ACCOUNT, &key, now + time::Duration::minutes(30))
        .expect("key has every field the SAS builder needs")
        .container("harness")
        .read()
        .list()
        .build();
    assert!(sas.contains("sp=rl"), "{sas}");
    assert!(sas.contains(&format!("skoid={TEST_OID}")), "{sas}");

    let container = support::with_query(&az.container_url("harness"), &sas);
    let odd_blob = support::with_query(&az.blob_url("harness", ODD_NAME), &sas);
    let new_blob = support::with_query(&az.blob_url("harness", "new + blob #2.txt"), &sas);

    let mut names = support::list_blobs(&container)
        .await
        .expect("list with r+l SAS");
    names.sort();
    assert_eq!(names, vec![ODD_NAME.to_string(), "plain.txt".to_string()]);
    assert_eq!(
        support::read_blob(&odd_blob)
            .await
            .expect("read with r SAS"),
        PAYLOAD
    );

    let denied = support::assert_forbidden(support::write_blob(&new_blob, b"nope").await);
    assert_eq!(
        denied.error_code.as_deref(),
        Some("AuthorizationPermissionMismatch"),
        "{denied:?}"
    );
    let denied = support::assert_forbidden(support::write_blob(&odd_blob, b"overwrite").await);
    assert_eq!(
        denied.error_code.as_deref(),
        Some("AuthorizationPermissionMismatch")
    );
    support::assert_forbidden(support::delete_blob(&odd_blob).await);
    // Nothing changed.
    assert_eq!(support::list_blobs(&container).await.unwrap().len(), 2);
    assert_eq!(support::read_blob(&odd_blob).await.unwrap(), PAYLOAD);

    // Azurite really checks signatures: flip one character of `sig`.
    let tampered = tamper_signature(&sas);
    let denied = support::assert_forbidden(
        support::list_blobs(&support::with_query(
            &az.container_url("harness"),
            &tampered,
        ))
        .await,
    );
    // Azure says AuthenticationFailed for a bad signature; Azurite says AuthorizationFailure.
    assert_eq!(denied.error_code.as_deref(), Some("AuthorizationFailure"));

    // The same checks byte-for-byte, as `curl` in the demo does them.
    let (status, _, body) = support::raw_request(
        "GET",
        &format!(
            "{}?restype=container&comp=list&{sas}",
            az.container_url("harness")
        ),
        b"",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("<Name>plain.txt</Name>"), "{body}");
    let (status, code, _) = support::raw_request("PUT", &new_blob, b"nope").await;
    assert_eq!(
        (status, code.as_deref()),
        (403, Some("AuthorizationPermissionMismatch"))
    );

    // Fault knobs reach the real credential (fresh credentials: no token cache).
    ts.set_behaviour(Behaviour::Garbage);
    let err =
        support::user_delegation_key(&az, managed_identity(), now, now + time::Duration::hours(1))
            .await
            .expect_err("a non-JSON token response must fail");
    eprintln!("garbage token response -> {err}");
    ts.set_behaviour(Behaviour::Status(503));
    let err =
        support::user_delegation_key(&az, managed_identity(), now, now + time::Duration::hours(1))
            .await
            .expect_err("a 503 from the token endpoint must fail");
    let rendered = format!("{err:?} {}", support::error_chain(&err));
    assert!(!rendered.contains(ts.header()), "identity header leaked");
    assert_eq!(ts.requests(), 3);

    // The environment a `sasmint(&az, &ts)` child gets.
    let mut env = support::scrubbed_command("env");
    support::use_local_azure(&mut env, &az, &ts);
    let out = env.output().expect("run env");
    let vars = String::from_utf8(out.stdout).unwrap();
    assert!(vars.contains(&format!("IDENTITY_ENDPOINT={}\n", ts.endpoint())));
    assert!(vars.contains(&format!("IDENTITY_HEADER={}\n", ts.header())));
    assert!(vars.contains(&format!("SSL_CERT_FILE={}\n", az.cert_path().display())));

    {
        let _env = support::env_lock();
        std::env::remove_var("IDENTITY_ENDPOINT");
        std::env::remove_var("IDENTITY_HEADER");
    }
    eprintln!("harness end-to-end took {:?}", started.elapsed());
}

fn managed_identity() -> Arc<ManagedIdentityCredential> {
    assert!(
        std::env::var("IDENTITY_ENDPOINT").is_ok_and(|e| e.starts_with("http://127.0.0.1:")),
        "IDENTITY_ENDPOINT must point at the local token server, never IMDS"
    );
    ManagedIdentityCredential::new(Some(ManagedIdentityCredentialOptions {
        // Loopback-only transport: even a misconfiguration cannot reach 169.254.169.254.
        client_options: support::loopback_client_options(None),
        ..Default::default()
    }))
    .expect("ManagedIdentityCredential")
}

fn jwt_claims(token: &str) -> serde_json::Value {
    let payload = token.split('.').nth(1).expect("JWT has a payload");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64url payload"))
        .expect("JSON payload")
}

fn tamper_signature(sas: &str) -> String {
    sas.split('&')
        .map(|pair| match pair.strip_prefix("sig=") {
            Some(sig) => {
                let mut chars: Vec<char> = sig.chars().collect();
                chars[0] = if chars[0] == 'A' { 'B' } else { 'A' };
                format!("sig={}", chars.into_iter().collect::<String>())
            }
            None => pair.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The token endpoint speaks the App Service protocol and refuses clients that don't.
#[tokio::test]
async fn token_server_protocol() {
    let ts = TokenServer::start();
    let http = support::http_client_trusting(None);
    let get = |resource: &str, header: Option<&str>, metadata: bool| {
        let url = url::Url::parse_with_params(
            &ts.endpoint(),
            [
                ("api-version", support::MSI_API_VERSION),
                ("resource", resource),
            ],
        )
        .unwrap();
        let mut req = http.get(url);
        if let Some(h) = header {
            req = req.header("x-identity-header", h);
        }
        if metadata {
            req = req.header("metadata", "true");
        }
        req.send()
    };

    let ok = get(
        "https://geocatalog.spatio.azure.com",
        Some(ts.header()),
        true,
    )
    .await
    .unwrap();
    assert_eq!(ok.status(), 200);
    let body: serde_json::Value = serde_json::from_str(&ok.text().await.unwrap()).unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["resource"], "https://geocatalog.spatio.azure.com");
    let expires_on = body["expires_on"].as_str().expect("expires_on is a string");
    let expires_on: i64 = expires_on.parse().unwrap();
    assert!(expires_on > support::now_unix() + 3000);
    let token = body["access_token"].as_str().unwrap();
    assert_eq!(ts.last_token().as_deref(), Some(token));

    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3);
    let header: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
    assert_eq!(header["alg"], "RS256");
    assert_eq!(header["typ"], "JWT");
    let claims = jwt_claims(token);
    assert_eq!(claims["aud"], "https://geocatalog.spatio.azure.com");
    assert_eq!(
        claims["iss"],
        format!("https://sts.windows.net/{TEST_TID}/")
    );
    assert_eq!(claims["oid"], TEST_OID);
    assert_eq!(claims["tid"], TEST_TID);
    let now = support::now_unix();
    let (iat, nbf, exp) = (
        claims["iat"].as_i64().unwrap(),
        claims["nbf"].as_i64().unwrap(),
        claims["exp"].as_i64().unwrap(),
    );
    assert!(nbf < now && now <= iat + 5 && exp > now + 3000, "{claims}");
    assert_eq!(claims["exp"].as_i64(), Some(expires_on));

    // Wrong / missing secret header, missing metadata header: 4xx, secret not echoed.
    let wrong = get(STORAGE_RESOURCE, Some("not-the-secret"), true)
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    assert!(!wrong.text().await.unwrap().contains(ts.header()));
    assert_eq!(
        get(STORAGE_RESOURCE, None, true).await.unwrap().status(),
        401
    );
    assert_eq!(
        get(STORAGE_RESOURCE, Some(ts.header()), false)
            .await
            .unwrap()
            .status(),
        400
    );

    // Fault behaviours.
    ts.set_behaviour(Behaviour::Garbage);
    let garbage = get(STORAGE_RESOURCE, Some(ts.header()), true)
        .await
        .unwrap();
    assert_eq!(garbage.status(), 200);
    assert!(serde_json::from_str::<serde_json::Value>(&garbage.text().await.unwrap()).is_err());
    ts.set_behaviour(Behaviour::Status(500));
    assert_eq!(
        get(STORAGE_RESOURCE, Some(ts.header()), true)
            .await
            .unwrap()
            .status(),
        500
    );

    assert_eq!(ts.requests(), 6);
    assert_eq!(ts.requests_for(STORAGE_RESOURCE), 5);
    assert_eq!(ts.requests_for("https://geocatalog.spatio.azure.com"), 1);
    assert_eq!(
        ts.last_token().as_deref(),
        Some(token),
        "only Normal issues tokens"
    );
    assert!(!format!("{ts:?}").contains(ts.header()));

    // Different servers, different secrets.
    assert_ne!(TokenServer::start().header(), ts.header());
}

/// Credentials, identity endpoints, proxies and config dirs never leak into the child.
#[test]
fn scrubbed_environment() {
    let parent: Vec<(String, String)> = std::env::vars().collect();
    let out = support::scrubbed_command("env").output().expect("run env");
    assert!(out.status.success());
    let child = String::from_utf8(out.stdout).unwrap();
    for line in child.lines() {
        let name = line.split('=').next().unwrap();
        if name == "AZURE_CONFIG_DIR" || name == "SASMINT_AZURE_VM" {
            continue; // set by the harness, checked below
        }
        for prefix in support::SCRUBBED_PREFIXES {
            assert!(!name.starts_with(prefix), "{name} leaked into the child");
        }
        assert!(!support::SCRUBBED_VARS.contains(&name), "{name} leaked");
    }
    let home = support::test_home();
    assert!(child.contains(&format!("HOME={}\n", home.display())));
    assert!(child.contains(&format!(
        "AZURE_CONFIG_DIR={}\n",
        home.join(".azure").display()
    )));
    assert!(home.join(".azure").is_dir());
    // No test may reach IMDS, whatever machine runs it.
    assert!(child.contains("SASMINT_AZURE_VM=no\n"), "{child}");
    // Everything else is passed through (PATH in particular).
    for (name, value) in parent {
        if !support::is_scrubbed(name.as_ref())
            && !name.starts_with("XDG_")
            && name != "HOME"
            && !value.contains('\n')
        {
            assert!(
                child.contains(&format!("{name}={value}\n")),
                "{name} missing"
            );
        }
    }
}

#[test]
fn with_query_and_blob_urls() {
    assert_eq!(
        support::with_query("https://h/a/c", "sv=1&sig=x"),
        "https://h/a/c?sv=1&sig=x"
    );
    assert_eq!(
        support::with_query("https://h/a/c", "?sv=1"),
        "https://h/a/c?sv=1"
    );
    assert_eq!(
        support::with_query("https://h/a/c?restype=container", "sv=1"),
        "https://h/a/c?restype=container&sv=1"
    );
    assert_eq!(support::with_query("https://h/a/c", ""), "https://h/a/c");
}
