//! The commands that hand tokens to the services that use them: GeoCatalog ingestion sources,
//! Maxar ARD credentials, and Kusto ingestion URIs. Every input is checked before any request.

use crate::app::{self, network, note, stdout};
use crate::ard::{self, Ard, Login};
use crate::cli::{
    ArdAction, ArdArgs, ArdOutput, AzureArgs, GeoAction, GeocatalogArgs, KustoArgs, KustoOutput,
    LifetimeArgs, MintArgs, ServiceOutput,
};
use crate::credentials::{self, Auth};
use crate::error::{Failure, Result};
use crate::geocatalog::{self, Action, Connection, GeoCatalog};
use crate::output::MintOutput;
use crate::permissions::Preset;
use crate::redact;
use crate::resource;
use crate::service::{self, Service, StaticBearer};
use azure_core::http::policies::auth::BearerTokenAuthorizationPolicy;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;

/// A `mint` for a service, with the service's preset and lifetime.
fn mint_args(url: &str, preset: Preset, lifetime: LifetimeArgs, azure: &AzureArgs) -> MintArgs {
    MintArgs {
        urls: vec![url.to_owned()],
        from_file: None,
        fail_fast: false,
        output_file: None,
        preset: Some(preset),
        permissions: None,
        lifetime,
        ip: None,
        allow_http: false,
        encryption_scope: None,
        delegation_key: None,
        output: MintOutput::Token,
        azure: azure.clone(),
    }
}

fn lifetime_in(expires_in: &str) -> LifetimeArgs {
    LifetimeArgs {
        expires_in: Some(expires_in.to_owned()),
        ..LifetimeArgs::default()
    }
}

fn json_out(value: &Value) -> Result<()> {
    let mut text = serde_json::to_string_pretty(value).expect("JSON values serialize");
    text.push('\n');
    stdout(&text)
}

fn check_object_id(id: &str, flag: &str) -> Result<()> {
    uuid::Uuid::parse_str(id).map(|_| ()).map_err(|_| {
        Failure::usage(format!("{flag} '{id}' is not an object id (a GUID)"))
            .hint("find it in the portal under the identity's Properties, or with `sasmint geocatalog identities`")
    })
}

fn no_token_output(output: ServiceOutput, why: &str) -> Result<()> {
    if output == ServiceOutput::Token {
        return Err(Failure::usage(format!("--output token {why}"))
            .hint("use --output text or --output json"));
    }
    Ok(())
}

pub fn geocatalog(args: GeocatalogArgs, quiet: bool) -> Result<()> {
    redact::register_env();
    let endpoint = args.geocatalog.as_deref().ok_or_else(|| {
        Failure::usage("no GeoCatalog endpoint")
            .hint("pass --geocatalog https://NAME.ID.REGION.geocatalog.spatio.azure.com or set SASMINT_GEOCATALOG")
    })?;
    let base = service::parse_endpoint(endpoint, "--geocatalog")?;
    let AzureArgs { auth, timeout, .. } = args.azure;
    let version = args.api_version;

    // Check everything first; only then build a credential or send anything.
    let now = crate::lifetime::truncate(OffsetDateTime::now_utc());
    let register = match &args.action {
        GeoAction::Register {
            url,
            expires_in,
            managed_identity,
        } => {
            let mint = mint_args(
                url,
                Preset::Geocatalog,
                lifetime_in(expires_in),
                &args.azure,
            );
            let plan = app::plan(&mint.urls[0], &mint, now)?;
            if let Some(id) = managed_identity {
                check_object_id(id, "--managed-identity")?;
                no_token_output(
                    args.output,
                    "needs a SAS; --managed-identity registers none",
                )?;
            }
            Some((mint, plan, managed_identity.clone()))
        }
        GeoAction::Show { id } | GeoAction::Delete { id } if id.trim().is_empty() => {
            return Err(Failure::usage("the ingestion source id is empty")
                .hint("take the id from `sasmint geocatalog list`"))
        }
        _ => {
            no_token_output(args.output, "is only for `geocatalog register`")?;
            None
        }
    };

    let (credential, options) = app::credential(auth, timeout)?;
    let catalog = |options| {
        GeoCatalog::new(
            Service::new(
                "GeoCatalog",
                options,
                Some(Arc::new(BearerTokenAuthorizationPolicy::new(
                    credential.clone(),
                    [geocatalog::SCOPE],
                ))),
                auth,
            ),
            base.clone(),
            version,
        )
    };

    if let Some((mint, plan, managed_identity)) = register {
        let container_url = plan.target.resource_url();
        let minted = match &managed_identity {
            None => Some(app::mint_planned(
                plan,
                &mint,
                now,
                Some(credential.clone()),
                quiet,
            )?),
            Some(_) => None,
        };
        let catalog = catalog(options);
        let (action, source) = network(timeout, "registering the ingestion source", async {
            let connection = match (&minted, &managed_identity) {
                (Some(m), _) => Connection::Sas { token: &m.token },
                (None, Some(id)) => Connection::ManagedIdentity { object_id: id },
                (None, None) => unreachable!("a SAS is minted unless a managed identity is given"),
            };
            catalog.register(&container_url, connection).await
        })?;
        let flat = geocatalog::flatten(&source, version);
        return match args.output {
            ServiceOutput::Token => stdout(&format!(
                "{}\n",
                minted
                    .as_ref()
                    .map(|m| m.token.as_str())
                    .unwrap_or_default()
            )),
            ServiceOutput::Json => json_out(&json!({"action": action, "source": flat})),
            ServiceOutput::Text => {
                let verb = match action {
                    Action::Created => "created",
                    Action::Rotated => "rotated",
                };
                let tail = register_details(&flat);
                stdout(&format!(
                    "{verb} {} ingestion source {} for {}{tail}\n",
                    flat["kind"].as_str().unwrap_or("?"),
                    flat["id"].as_str().unwrap_or("?"),
                    flat["containerUrl"].as_str().unwrap_or(&container_url),
                ))
            }
        };
    }

    let catalog = catalog(options);
    let json = args.output == ServiceOutput::Json;
    match args.action {
        GeoAction::Register { .. } => unreachable!("handled above"),
        GeoAction::List => {
            let sources = network(timeout, "listing ingestion sources", catalog.list())?;
            if json {
                return json_out(&Value::Array(sources));
            }
            let lines: String = sources
                .iter()
                .map(|s| {
                    format!(
                        "{}\t{}\t{}\n",
                        text(&s["id"]),
                        text(&s["kind"]),
                        text(&s["created"])
                    )
                })
                .collect();
            stdout(&lines)
        }
        GeoAction::Show { id } => {
            let source = network(timeout, "getting the ingestion source", catalog.show(&id))?;
            if json {
                return json_out(&source);
            }
            let flat = geocatalog::flatten(&source, version);
            let lines: String = [
                "id",
                "kind",
                "created",
                "containerUrl",
                "expiration",
                "objectId",
            ]
            .iter()
            .filter(|k| !flat[**k].is_null())
            .map(|k| format!("{k}: {}\n", text(&flat[*k])))
            .collect();
            stdout(&lines)
        }
        GeoAction::Delete { id } => {
            network(
                timeout,
                "deleting the ingestion source",
                catalog.delete(&id),
            )?;
            if json {
                json_out(&json!({"deleted": id}))
            } else {
                stdout(&format!("deleted {id}\n"))
            }
        }
        GeoAction::Identities => {
            let identities = network(timeout, "listing managed identities", catalog.identities())?;
            if json {
                return json_out(&Value::Array(identities));
            }
            let lines: String = identities
                .iter()
                .map(|i| format!("{}\t{}\n", text(&i["objectId"]), text(&i["resourceId"])))
                .collect();
            stdout(&lines)
        }
    }
}

/// `" (source created T, token expires T)"` or `" (source created T, identity OID)"` for the
/// `register` line, leaving out what the service did not return.
fn register_details(flat: &Value) -> String {
    let parts: Vec<String> = [
        ("created", "source created"),
        ("expiration", "token expires"),
        ("objectId", "identity"),
    ]
    .iter()
    .filter_map(|(key, label)| flat[*key].as_str().map(|v| format!("{label} {v}")))
    .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "-".to_owned(),
        other => other.to_string(),
    }
}

/// An ARD client: signs in (token or password), and knows the account.
async fn ard_session(
    base: &azure_core::http::Url,
    login: Login,
    account_id: Option<String>,
    timeout: u64,
    auth: Auth,
) -> Result<(Ard, String)> {
    let options = || crate::storage::client_options(Duration::from_secs(timeout));
    let token = match login {
        Login::Token(t) => t,
        Login::Password { username, password } => {
            let anonymous = Service::new("Maxar ARD", options(), None, auth);
            ard::authenticate(&anonymous, base, &username, &password).await?
        }
    };
    redact::register(&token);
    let service = Service::new(
        "Maxar ARD",
        options(),
        Some(Arc::new(StaticBearer(token.into()))),
        auth,
    );
    let client = Ard::new(service, base.clone());
    let account = match account_id {
        Some(a) => a,
        None => client.account_id().await?,
    };
    Ok((client, account))
}

pub fn ard(args: ArdArgs, quiet: bool) -> Result<()> {
    redact::register_env();
    let base = service::parse_endpoint(&args.ard_endpoint, "--ard-endpoint")?;
    let AzureArgs { auth, timeout, .. } = args.azure;
    let json = args.output == ArdOutput::Json;
    let now = crate::lifetime::truncate(OffsetDateTime::now_utc());
    if let Some(account) = &args.account_id {
        ard::check_credentials_id(account).map_err(|_| {
            Failure::usage(format!("--account-id '{account}' is not an account id"))
        })?;
    }
    match &args.action {
        ArdAction::Register {
            url,
            credentials_id,
            description,
            prefix,
            expires_in,
        } => {
            ard::check_credentials_id(credentials_id)?;
            let mint = mint_args(url, Preset::MaxarArd, lifetime_in(expires_in), &args.azure);
            let plan = app::plan(&mint.urls[0], &mint, now)?;
            let login = Login::from_env(&credentials::process_env)?;
            let container = plan.target.container.clone().unwrap_or_default();
            let minted = app::mint_planned(plan, &mint, now, None, quiet)?;
            let (client, account) = (base.clone(), args.account_id.clone());
            network(timeout, "registering the ARD credentials", async {
                let (ard, account) = ard_session(&client, login, account, timeout, auth).await?;
                ard.register(
                    &account,
                    credentials_id,
                    &minted.url,
                    description.as_deref(),
                )
                .await?;
                Ok(account)
            })
            .and_then(|account| {
                note(
                    quiet,
                    &format!(
                        "registered credentials {credentials_id}; the token expires {}",
                        minted.expiry
                    ),
                );
                let config = ard::output_config(credentials_id, &container, prefix);
                if json {
                    let mut out = config;
                    out["credentials_id"] = json!(credentials_id);
                    out["account_id"] = json!(account);
                    out["expiry"] = json!(minted.expiry);
                    json_out(&out)
                } else {
                    json_out(&config)
                }
            })
        }
        ArdAction::List => {
            let login = Login::from_env(&credentials::process_env)?;
            let list = network(timeout, "listing ARD credentials", async {
                let (ard, account) =
                    ard_session(&base, login, args.account_id.clone(), timeout, auth).await?;
                ard.list(&account).await
            })?;
            if json {
                return json_out(&Value::Array(list));
            }
            let lines: String = list
                .iter()
                .map(|c| {
                    format!(
                        "{}\t{}\t{}\n",
                        text(&c["credentials_id"]),
                        text(&c["modified"]),
                        text(&c["description"])
                    )
                })
                .collect();
            stdout(&lines)
        }
        ArdAction::Show { credentials_id } | ArdAction::Delete { credentials_id } => {
            ard::check_credentials_id(credentials_id)?;
            let login = Login::from_env(&credentials::process_env)?;
            let delete = matches!(args.action, ArdAction::Delete { .. });
            let shown = network(timeout, "calling Maxar ARD", async {
                let (ard, account) =
                    ard_session(&base, login, args.account_id.clone(), timeout, auth).await?;
                if delete {
                    ard.delete(&account, credentials_id)
                        .await
                        .map(|()| Value::Null)
                } else {
                    ard.show(&account, credentials_id).await
                }
            })?;
            match (delete, json) {
                (true, true) => json_out(&json!({"deleted": credentials_id})),
                (true, false) => stdout(&format!("deleted {credentials_id}\n")),
                (false, true) => json_out(&shown),
                (false, false) => {
                    let lines: String = [
                        "credentials_id",
                        "account_id",
                        "description",
                        "created",
                        "modified",
                    ]
                    .iter()
                    .map(|k| format!("{k}: {}\n", text(&shown[*k])))
                    .collect();
                    stdout(&lines)
                }
            }
        }
    }
}

pub fn kusto_uri(args: KustoArgs, quiet: bool) -> Result<()> {
    redact::register_env();
    let target = resource::parse(&args.url, args.azure.account.as_deref(), false, false)?;
    let (uri, auth, expiry) = match &args.managed_identity {
        Some(_) if args.lifetime.any() || args.delegation_key.is_some() => {
            return Err(Failure::usage(
                "--managed-identity makes a URI without a SAS: --expires-in, --expiry, --start and --delegation-key do not apply",
            )
            .hint("drop those options, or drop --managed-identity to get a SAS URI"));
        }
        Some(mi) => {
            if mi != "system" {
                check_object_id(mi, "--managed-identity")?;
            }
            (
                format!("{};managed_identity={mi}", target.resource_url()),
                "managed_identity",
                None,
            )
        }
        None => {
            let now = crate::lifetime::truncate(OffsetDateTime::now_utc());
            let lifetime = args
                .lifetime
                .clone()
                .with_env_default(&credentials::process_env);
            let mut mint = mint_args(&args.url, Preset::Kusto, lifetime, &args.azure);
            mint.delegation_key = args.delegation_key.clone();
            let plan = app::plan(&mint.urls[0], &mint, now)?;
            let minted = app::mint_planned(plan, &mint, now, None, quiet)?;
            (minted.url, "sas", Some(minted.expiry))
        }
    };
    match args.output {
        KustoOutput::Uri => stdout(&format!("{uri}\n")),
        // h'…' keeps the URI out of Kusto's logs; percent-encoding leaves no quote in it.
        KustoOutput::Kql => stdout(&format!("h'{uri}'\n")),
        KustoOutput::Json => json_out(&json!({
            "uri": uri,
            "auth": auth,
            "managed_identity": args.managed_identity,
            "expiry": expiry,
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn register_line_details() {
        let sas = json!({"created": "C", "expiration": "E", "objectId": null});
        assert_eq!(
            register_details(&sas),
            " (source created C, token expires E)"
        );
        let mi = json!({"created": "C", "expiration": null, "objectId": "O"});
        assert_eq!(register_details(&mi), " (source created C, identity O)");
        let bare = json!({"created": null, "expiration": "E"});
        assert_eq!(register_details(&bare), " (token expires E)");
        assert_eq!(register_details(&json!({})), "");
    }
}
