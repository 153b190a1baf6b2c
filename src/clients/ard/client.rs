//! The Maxar ARD credentials client: sign in, register (or rotate) a write-only SAS URL under
//! a stable credentials id, and list, show and delete registered credentials.

use super::models::{
    CredentialsAnswer, CredentialsBody, ListPage, Myself, PasswordGrant, RegisteredCredentials,
    RotationBody, SignedIn,
};
use crate::clients::http::{self, to_json, CallError, JsonApi, Paged, Service};
use crate::domain::error::{Failure, Kind, Result};
use crate::domain::secret::Secret;
use crate::domain::{ids, shown};
use azure_core::http::{Method, Url};
use serde_json::{json, Value};

/// The public API.
pub const DEFAULT_ENDPOINT: &str = "https://ard.maxar.com/api/v1";

const HINT_403: &str = "the Maxar ARD user needs the admin role on the account";

/// How messages name the service ([`JsonApi`]).
const CALLED: &str = "Maxar ARD";

/// Credentials ids: a URL path segment ([`ids::path_segment_problem`]) of letters, digits, `_`
/// and `-` only.
pub fn check_credentials_id(id: &str) -> Result<()> {
    let ok = ids::usable_listed(id)
        && id.len() <= 200
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(Failure::usage(format!(
            "'{}' is not a valid credentials id",
            shown::value(id)
        ))
        .hint("use only letters, digits, '_' and '-', e.g. my-delivery-bucket"))
    }
}

/// Splits a list into the credentials whose ids can be used in a path (or that have none) and
/// the ids that cannot ([`ids::bad_listed`] reports them).
pub fn usable(list: Vec<RegisteredCredentials>) -> (Vec<RegisteredCredentials>, Vec<String>) {
    let (good, bad): (Vec<_>, Vec<_>) = list
        .into_iter()
        .partition(|c| c.credentials_id.as_deref().is_none_or(ids::usable_listed));
    (
        good,
        bad.into_iter()
            .filter_map(|c| c.credentials_id.get().cloned())
            .collect(),
    )
}

/// How to authenticate, from the environment; checked before any request.
#[derive(Debug)]
pub enum Login {
    Token(Secret),
    Password { username: String, password: Secret },
}

impl Login {
    pub fn from_env(env: crate::clients::credentials::Env) -> Result<Self> {
        if let Some(token) = env("MAXAR_ARD_TOKEN") {
            return Ok(Login::Token(Secret::new(token)));
        }
        match (env("MAXAR_ARD_USERNAME"), env("MAXAR_ARD_PASSWORD")) {
            (Some(username), Some(password)) => Ok(Login::Password {
                username,
                password: Secret::new(password),
            }),
            _ => Err(Failure::usage("no Maxar ARD credentials: set MAXAR_ARD_TOKEN, or MAXAR_ARD_USERNAME and MAXAR_ARD_PASSWORD")
                .hint("an ARD admin user's token or password is needed to register credentials")),
        }
    }
}

fn url(base: &Url, segments: &[&str]) -> Url {
    let mut url = base.clone();
    {
        let mut path = url.path_segments_mut().expect("https URLs are bases");
        path.pop_if_empty();
        path.extend(segments);
    }
    url
}

/// Exchanges a username and password for a bearer token (`POST /auth/authenticate`).
pub async fn authenticate(
    anonymous: &Service,
    base: &Url,
    username: &str,
    password: &Secret,
) -> Result<Secret> {
    let body = to_json(&PasswordGrant {
        grant_type: "password",
        username,
        password,
    });
    let reply = anonymous
        .call(
            Method::Post,
            url(base, &["auth", "authenticate"]),
            Some(&body),
        )
        .await
        .map_err(|e| {
            let f = e.into_failure(
                "signing in to Maxar ARD",
                "check MAXAR_ARD_USERNAME and MAXAR_ARD_PASSWORD",
            );
            if f.kind == Kind::Denied {
                Failure {
                    kind: Kind::Credential,
                    ..f
                }
            } else {
                f
            }
        })?;
    let signed_in: Option<SignedIn> = serde_json::from_value(reply).ok();
    let token = signed_in
        .and_then(|s| s.access_token)
        .map(Secret::new)
        .ok_or_else(|| {
            Failure::new(
                Kind::Credential,
                "Maxar ARD sign-in returned no access_token",
            )
        })?;
    crate::domain::redact::register_credential(token.expose());
    Ok(token)
}

pub struct Ard {
    api: JsonApi,
    base: Url,
}

impl Ard {
    pub fn new(service: Service, base: Url) -> Self {
        Self {
            api: JsonApi::new(service, CALLED, HINT_403),
            base,
        }
    }

    /// The signed-in user's account id (`GET /auth/self`).
    pub async fn account_id(&self) -> Result<String> {
        let me: Myself = self
            .api
            .call_for(
                Method::Get,
                url(&self.base, &["auth", "self"]),
                None,
                "looking up the ARD account",
            )
            .await?;
        me.account_id().ok_or_else(|| {
            Failure::new(
                Kind::Service,
                "Maxar ARD did not say which account this user belongs to",
            )
            .hint("pass --account-id")
        })
    }

    fn credentials_url(&self, account: &str, id: Option<&str>) -> Url {
        let mut segments = vec!["admin", "account", account, "credentials"];
        if let Some(id) = id {
            segments.push(id);
        }
        url(&self.base, &segments)
    }

    /// Registers `id` with the full SAS URL, or rotates it: in-flight orders keep working.
    ///
    /// With a description: one `PUT` of `{"credentials", "description"}` (creates or replaces
    /// both; among racing writers the last one's description stands, as asked). Without one:
    /// a `PATCH` of `{"credentials"}` only, which changes nothing else, so the stored
    /// description is never read and cannot be lost to a racing rotation; an unknown id (404)
    /// is then created with a `PUT` and an empty description, as Maxar's SDK sends it. The
    /// answers may be empty (204).
    pub async fn register(
        &self,
        account: &str,
        id: &str,
        sas_url: &Secret,
        description: Option<&str>,
    ) -> Result<()> {
        let what = "registering the credentials";
        let url = self.credentials_url(account, Some(id));
        if description.is_none() {
            let body = to_json(&RotationBody {
                credentials: sas_url,
            });
            match self
                .api
                .service()
                .call(Method::Patch, url.clone(), Some(&body))
                .await
            {
                Ok(_) => return Ok(()),
                Err(CallError::Status { status: 404, .. }) => {}
                Err(e) => return Err(self.api.failure(e, what)),
            }
        }
        let body = to_json(&CredentialsBody {
            credentials: sas_url,
            description: description.unwrap_or_default(),
        });
        self.api
            .call(Method::Put, url, Some(&body), what)
            .await
            .map(|_| ())
    }

    pub async fn show(&self, account: &str, id: &str) -> Result<RegisteredCredentials> {
        let answer: CredentialsAnswer = self
            .api
            .call_for(
                Method::Get,
                self.credentials_url(account, Some(id)),
                None,
                "getting the credentials",
            )
            .await?;
        Ok(answer.into_inner())
    }

    pub async fn delete(&self, account: &str, id: &str) -> Result<()> {
        self.api
            .call(
                Method::Delete,
                self.credentials_url(account, Some(id)),
                None,
                "deleting the credentials",
            )
            .await
            .map(|_| ())
    }

    /// All registered credentials, following `starting_after` while `has_more`.
    pub async fn list(&self, account: &str) -> Result<Vec<RegisteredCredentials>> {
        let what = "listing credentials";
        let first: Option<String> = None;
        let (all, _) = http::collect_pages(first, what, |after| async move {
            let mut url = self.credentials_url(account, None);
            url.query_pairs_mut().append_pair("limit", "100");
            if let Some(a) = &after {
                url.query_pairs_mut().append_pair("starting_after", a);
            }
            let reply: ListPage = self.api.call_for(Method::Get, url, None, what).await?;
            let page: Vec<RegisteredCredentials> = reply
                .data
                .ok_or_else(|| {
                    Failure::new(
                        Kind::Service,
                        "listing credentials: the answer has no 'data' list",
                    )
                })?
                .into_iter()
                .map(CredentialsAnswer::into_inner)
                .collect();
            let more = reply.has_more.unwrap_or(false);
            let last = page.last().and_then(|c| c.credentials_id.get().cloned());
            let next = match (more, last) {
                (true, Some(last)) if after.as_deref() != Some(last.as_str()) => Some(Some(last)),
                (true, _) => {
                    return Err(Failure::new(
                        Kind::Service,
                        "listing credentials: has_more without a cursor",
                    ))
                }
                (false, _) => None,
            };
            Ok(Paged { items: page, next })
        })
        .await?;
        Ok(all)
    }
}

/// What an order's `output_config` needs to deliver into the container.
pub fn output_config(credentials_id: &str, container: &str, prefix: &str) -> Value {
    json!({"output_config": {"azure_blob_storage": {
        "credentials_id": credentials_id, "container": container, "prefix": prefix}}})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_ids() {
        for ok in ["abc", "my-bucket_2", "A"] {
            assert!(check_credentials_id(ok).is_ok(), "{ok}");
        }
        for bad in ["", "has space", "slash/id", "dot.id", "ünï", "a?b"] {
            assert!(check_credentials_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn login_from_env() {
        let none = |_: &str| None;
        assert!(Login::from_env(&none).is_err());
        let token = |n: &str| (n == "MAXAR_ARD_TOKEN").then(|| "t0ken-value".to_owned());
        assert!(matches!(Login::from_env(&token), Ok(Login::Token(_))));
        let user_only = |n: &str| (n == "MAXAR_ARD_USERNAME").then(|| "me".to_owned());
        assert!(Login::from_env(&user_only).is_err());
    }

    #[test]
    fn debug_shows_no_ard_secret() {
        let env = |n: &str| match n {
            "MAXAR_ARD_USERNAME" => Some("me".to_owned()),
            "MAXAR_ARD_PASSWORD" => Some("pa55-w0rd".to_owned()),
            _ => None,
        };
        let login = Login::from_env(&env).unwrap();
        let shown = format!("{login:?}");
        assert!(!shown.contains("pa55-w0rd"), "{shown}");
        assert!(shown.contains("password: Secret([REDACTED])"), "{shown}");
        let token = |n: &str| (n == "MAXAR_ARD_TOKEN").then(|| "t0ken-value".to_owned());
        let shown = format!("{:?}", Login::from_env(&token).unwrap());
        assert_eq!(shown, "Token(Secret([REDACTED]))");

        let password = Secret::new("pa55-w0rd".to_owned());
        let grant = PasswordGrant {
            grant_type: "password",
            username: "me",
            password: &password,
        };
        let shown = format!("{grant:?}");
        assert!(!shown.contains("pa55-w0rd"), "{shown}");
        assert!(shown.contains("password: Secret([REDACTED])"), "{shown}");
        assert_eq!(
            to_json(&grant)["password"],
            "pa55-w0rd",
            "the request body carries it"
        );

        let sas_url =
            Secret::new("https://a.blob.core.windows.net/c?sv=x&sig=s1gnature".to_owned());
        let body = CredentialsBody {
            credentials: &sas_url,
            description: "d",
        };
        let shown = format!("{body:?}");
        assert!(!shown.contains("s1gnature"), "{shown}");
        assert_eq!(to_json(&body)["credentials"], *sas_url.expose());
        let rotation = RotationBody {
            credentials: &sas_url,
        };
        let shown = format!("{rotation:?}");
        assert!(!shown.contains("s1gnature"), "{shown}");
        assert_eq!(
            to_json(&rotation),
            json!({"credentials": sas_url.expose().as_str()}),
            "the credentials and nothing else"
        );
    }

    #[test]
    fn credentials_are_unwrapped_when_wrapped() {
        let inner = json!({"credentials_id": "a", "description": "d"});
        let unwrap = |v: Value| {
            let answer: CredentialsAnswer = http::service::parse_answer(v, "test", CALLED).unwrap();
            serde_json::to_value(answer.into_inner()).unwrap()
        };
        assert_eq!(
            unwrap(json!({ "registered_credentials": inner.clone() })),
            inner
        );
        assert_eq!(unwrap(inner.clone()), inner, "bare items too");
    }

    #[test]
    fn output_config_shape() {
        let v = output_config("id-1", "drop", "orders/");
        assert_eq!(
            v["output_config"]["azure_blob_storage"]["container"],
            "drop"
        );
    }
}
