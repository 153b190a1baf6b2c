//! `sasmint revoke-keys` end to end: the real binary, tokens from the local managed-identity
//! endpoint, and the strict ARM stand-in (`support::Arm`), which checks the token's audience,
//! the api-version, the paths, that the revocation is a POST with no body, and pages the
//! account list. The account URL is Azurite's (`https://127.0.0.1:PORT/devstoreaccount1`), so
//! `--arm-endpoint` points at the stand-in.
//!
//! What this cannot prove: that a revoked key's tokens stop working. Azurite 3.37 does not
//! implement `revokeUserDelegationKeys` (it has no ARM at all), and faking it would prove
//! nothing about Azure.

mod support;

use support::{
    Arm, Azurite, Run, TokenServer, ACCOUNT, ARM_API_VERSION, ARM_RESOURCE, ARM_SUBSCRIPTION,
};

fn azurite() -> &'static Azurite {
    support::shared_azurite()
}

/// `sasmint revoke-keys ACCOUNT_URL ARGS… --arm-endpoint ARM --auth managed-identity`
/// (stdin is not a terminal: it is empty).
fn revoke(ts: &TokenServer, arm: &Arm, args: &[&str]) -> Run {
    revoke_with(ts, args, |cmd| {
        cmd.args(["--arm-endpoint", &arm.endpoint()]);
    })
}

fn revoke_with(
    ts: &TokenServer,
    args: &[&str],
    tweak: impl FnOnce(&mut assert_cmd::Command),
) -> Run {
    let mut cmd = support::sasmint(azurite(), ts);
    cmd.arg("revoke-keys")
        .arg(azurite().account_url())
        .args(args)
        .args(["--auth", "managed-identity"])
        .write_stdin("");
    tweak(&mut cmd);
    Run::of(&mut cmd)
}

/// An ARM whose subscription holds four accounts, ours third (on page 2 of 2-account pages).
fn arm_with_accounts() -> (Arm, String) {
    let arm = Arm::start(azurite());
    arm.add_account(ARM_SUBSCRIPTION, "rg-a", "alpha01");
    arm.add_account(ARM_SUBSCRIPTION, "rg-a", "beta02");
    let id = arm.add_account(ARM_SUBSCRIPTION, "rg-data", ACCOUNT);
    arm.add_account(ARM_SUBSCRIPTION, "rg-z", "zulu03");
    (arm, id)
}

/// `"METHOD /path STATUS"` of every request the stand-in answered.
fn calls(arm: &Arm) -> Vec<String> {
    arm.requests()
        .iter()
        .map(|r| format!("{} {} {}", r.method, r.path, r.status))
        .collect()
}

#[track_caller]
fn all_with_api_version(arm: &Arm) {
    for r in arm.requests() {
        assert_eq!(r.api_version.as_deref(), Some(ARM_API_VERSION), "{r:?}");
    }
}

#[test]
fn by_subscription_finds_the_account_on_page_two_and_revokes() {
    let ts = TokenServer::start();
    let (arm, id) = arm_with_accounts();

    let r = revoke(&ts, &arm, &["--subscription", ARM_SUBSCRIPTION, "--yes"]);
    r.ok().no_identity_secrets(&ts);
    assert_eq!(
        r.stdout,
        format!("revoked every user delegation key of {ACCOUNT} ({id})\n")
    );
    let list =
        format!("/subscriptions/{ARM_SUBSCRIPTION}/providers/Microsoft.Storage/storageAccounts");
    assert_eq!(
        calls(&arm),
        [
            format!("GET {list} 200"),
            format!("GET {list} 200"),
            format!("POST {id}/revokeUserDelegationKeys 200"),
        ]
    );
    assert_eq!(
        arm.requests()[1].query_param("$skipToken").as_deref(),
        Some("2")
    );
    all_with_api_version(&arm);
    assert!(arm.requests()[2].body.is_empty());
    assert_eq!(arm.revoked(), [id]);
    // One token, for ARM; nothing asked for storage.
    assert!(ts.requests_for(ARM_RESOURCE) >= 1);
    assert_eq!(ts.requests_for(support::STORAGE_RESOURCE), 0);
}

#[test]
fn the_subscription_comes_from_azure_subscription_id() {
    let ts = TokenServer::start();
    let (arm, id) = arm_with_accounts();
    let r = revoke_with(&ts, &["--yes", "--output", "json"], |cmd| {
        cmd.env("AZURE_SUBSCRIPTION_ID", ARM_SUBSCRIPTION)
            .env("SASMINT_ARM_ENDPOINT", arm.endpoint());
    });
    r.ok();
    let out = r.json();
    assert_eq!(
        out,
        serde_json::json!({"revoked": true, "account": ACCOUNT, "resource_id": id, "completed": true})
    );
    assert_eq!(arm.revoked(), [id]);
}

#[test]
fn by_resource_id_sends_one_post() {
    let ts = TokenServer::start();
    let (arm, id) = arm_with_accounts();
    // ARM matches the literal segments case-insensitively; sasmint writes them canonically.
    let typed = id.replace("resourceGroups", "resourcegroups");
    let r = revoke(&ts, &arm, &["--resource-id", &typed, "--yes", "-o", "json"]);
    r.ok();
    assert_eq!(r.json()["resource_id"], id.as_str());
    assert_eq!(
        calls(&arm),
        [format!("POST {id}/revokeUserDelegationKeys 200")]
    );
    all_with_api_version(&arm);
    assert_eq!(arm.revoked(), [id]);
}

#[test]
fn a_202_is_accepted_and_said_to_be_asynchronous() {
    let ts = TokenServer::start();
    let (arm, id) = arm_with_accounts();
    arm.answer_revoke_with(202);
    let r = revoke(&ts, &arm, &["--resource-id", &id, "--yes", "-o", "json"]);
    r.ok().says("202");
    assert_eq!(r.json()["completed"], false);
    assert_eq!(r.json()["revoked"], true);
    assert_eq!(arm.revoked(), [id]);
}

#[test]
fn without_a_terminal_it_needs_yes_and_sends_nothing() {
    let ts = TokenServer::start();
    let (arm, id) = arm_with_accounts();
    revoke(&ts, &arm, &["--resource-id", &id])
        .failed_with(2)
        .says("--yes");
    revoke(&ts, &arm, &["--subscription", ARM_SUBSCRIPTION])
        .failed_with(2)
        .says("stdin is not a terminal");
    assert_eq!(arm.request_count(), 0);
    assert_eq!(ts.requests(), 0);
}

#[test]
fn bad_input_is_exit_2_before_any_request() {
    let ts = TokenServer::start();
    let (arm, id) = arm_with_accounts();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["--yes".into()], "--subscription"),
        (
            vec!["--yes".into(), "--subscription".into(), "not-a-guid".into()],
            "GUID",
        ),
        (
            vec![
                "--yes".into(),
                "--resource-id".into(),
                "/subscriptions/x".into(),
            ],
            "resource id",
        ),
        (
            vec![
                "--yes".into(),
                "--resource-id".into(),
                id.replace("Microsoft.Storage", "Microsoft.Compute"),
            ],
            "resource id",
        ),
        (
            vec![
                "--yes".into(),
                "--resource-id".into(),
                id.replace(ACCOUNT, "otheracct"),
            ],
            "names the account",
        ),
        (
            vec![
                "--yes".into(),
                "--resource-id".into(),
                format!("{id}\u{1b}[2J"),
            ],
            "resource id",
        ),
    ];
    for (args, needle) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = revoke(&ts, &arm, &args);
        r.failed_with(2).says(needle);
        assert!(!r.stderr.contains('\u{1b}'), "{}", r.stderr);
    }
    // An emulator URL names no cloud: --arm-endpoint is needed.
    revoke_with(&ts, &["--subscription", ARM_SUBSCRIPTION, "--yes"], |_| {})
        .failed_with(2)
        .says("--arm-endpoint");
    // Bearer tokens go over https only.
    revoke_with(&ts, &["--subscription", ARM_SUBSCRIPTION, "--yes"], |cmd| {
        cmd.args(["--arm-endpoint", &arm.endpoint().replace("https:", "http:")]);
    })
    .failed_with(2)
    .says("https");
    assert_eq!(arm.request_count(), 0);
    assert_eq!(ts.requests(), 0);
}

#[test]
fn a_denied_revocation_is_exit_4_and_names_the_role() {
    let ts = TokenServer::start();
    let (arm, id) = arm_with_accounts();
    arm.deny_revoke();
    revoke(&ts, &arm, &["--resource-id", &id, "--yes"])
        .failed_with(4)
        .says("AuthorizationFailed")
        .says("Storage Account Contributor")
        .says("Microsoft.Storage/storageAccounts/revokeUserDelegationKeys/action");
    assert!(arm.revoked().is_empty());
}

#[test]
fn an_unknown_account_is_exit_5_with_a_hint() {
    let ts = TokenServer::start();
    let arm = Arm::start(azurite());
    arm.add_account(ARM_SUBSCRIPTION, "rg-a", "alpha01");
    // A resource id ARM does not know: 404 ResourceNotFound.
    let id = format!("/subscriptions/{ARM_SUBSCRIPTION}/resourceGroups/rg-wrong/providers/Microsoft.Storage/storageAccounts/{ACCOUNT}");
    revoke(&ts, &arm, &["--resource-id", &id, "--yes"])
        .failed_with(5)
        .says("HTTP 404")
        .says("ResourceNotFound")
        .says("--subscription");
    // A subscription without the account: listed to the end, not found.
    revoke(&ts, &arm, &["--subscription", ARM_SUBSCRIPTION, "--yes"])
        .failed_with(5)
        .says("not in subscription")
        .says("--resource-id");
    // A subscription ARM does not know: 404 SubscriptionNotFound.
    revoke(
        &ts,
        &arm,
        &[
            "--subscription",
            "11111111-2222-4333-8444-555555555555",
            "--yes",
        ],
    )
    .failed_with(5)
    .says("SubscriptionNotFound")
    .says("--subscription");
    assert!(arm.revoked().is_empty());
}

#[test]
fn a_next_link_to_another_host_is_not_followed() {
    let ts = TokenServer::start();
    let (arm, _) = arm_with_accounts();
    arm.set_foreign_next_link(true);
    revoke(&ts, &arm, &["--subscription", ARM_SUBSCRIPTION, "--yes"])
        .failed_with(5)
        .says("another host");
    assert_eq!(arm.request_count(), 1);
    assert!(arm.revoked().is_empty());
}

#[test]
fn the_whole_flow_at_vv_never_shows_the_bearer_token() {
    let ts = TokenServer::start();
    let (arm, id) = arm_with_accounts();
    let r = revoke(
        &ts,
        &arm,
        &["--subscription", ARM_SUBSCRIPTION, "--yes", "-vv"],
    );
    r.ok().no_identity_secrets(&ts);
    // -vv did log the requests.
    assert!(
        r.stderr.contains("revokeUserDelegationKeys"),
        "{}",
        r.stderr
    );
    let tokens = arm.bearer_tokens();
    assert_eq!(tokens.len(), 3);
    for token in tokens {
        support::assert_absent(&r.stderr, "ARM bearer token", &token);
        support::assert_absent(&r.stdout, "ARM bearer token", &token);
    }
    assert_eq!(arm.revoked(), [id]);
}

#[test]
fn a_token_for_another_audience_is_refused_by_arm() {
    // The stand-in checks the audience: a token for another cloud's ARM gets 401, exit 4.
    let ts = TokenServer::start();
    let (arm, id) = arm_with_accounts();
    revoke(
        &ts,
        &arm,
        &[
            "--resource-id",
            &id,
            "--yes",
            "--arm-audience",
            "https://management.chinacloudapi.cn",
        ],
    )
    .failed_with(4)
    .says("InvalidAuthenticationToken");
    assert_eq!(ts.requests_for("https://management.chinacloudapi.cn"), 1);
    assert!(arm.revoked().is_empty());
}
