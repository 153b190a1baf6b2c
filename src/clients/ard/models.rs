//! The Maxar ARD credentials API's payloads, as typed models (after Maxar's own SDK).

use crate::clients::field::Field;
use crate::domain::secret::{self, Secret};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Registered credentials. ARD wraps them as `{"registered_credentials": {…}}` in a `GET`
/// answer and in each list item; the stored SAS URL (`credentials`) is a secret.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct RegisteredCredentials {
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub credentials_id: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub account_id: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub description: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub created: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub modified: Field<String>,
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// An answer that holds credentials, wrapped or not.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum CredentialsAnswer {
    Wrapped {
        registered_credentials: RegisteredCredentials,
    },
    Bare(RegisteredCredentials),
}

impl CredentialsAnswer {
    pub fn into_inner(self) -> RegisteredCredentials {
        match self {
            CredentialsAnswer::Wrapped {
                registered_credentials,
            } => registered_credentials,
            CredentialsAnswer::Bare(c) => c,
        }
    }
}

/// One page of `GET …/credentials`: `{data, has_more}`, continued with `starting_after`.
#[derive(Debug, Deserialize)]
pub struct ListPage {
    pub data: Option<Vec<CredentialsAnswer>>,
    #[serde(default)]
    pub has_more: Option<bool>,
}

/// The body of a `PUT …/credentials/{id}`, as Maxar's SDK sends it.
#[derive(Debug, Serialize)]
pub struct CredentialsBody<'a> {
    /// The full SAS URL.
    #[serde(serialize_with = "secret::serialize")]
    pub credentials: &'a Secret,
    pub description: &'a str,
}

/// The body of a rotation, `PATCH …/credentials/{id}`: the credentials only, so the stored
/// description is neither read nor written (a rotation racing another cannot lose it).
#[derive(Debug, Serialize)]
pub struct RotationBody<'a> {
    /// The full SAS URL.
    #[serde(serialize_with = "secret::serialize")]
    pub credentials: &'a Secret,
}

/// The body of `POST /auth/authenticate`. Its `Debug` shows the password as a placeholder.
#[derive(Debug, Serialize)]
pub struct PasswordGrant<'a> {
    pub grant_type: &'static str,
    pub username: &'a str,
    #[serde(serialize_with = "secret::serialize")]
    pub password: &'a Secret,
}

/// The answer of `POST /auth/authenticate`.
#[derive(Debug, Deserialize)]
pub struct SignedIn {
    #[serde(default)]
    pub access_token: Option<String>,
}

/// The answer of `GET /auth/self`: `{"user": {"user_id", "account_id", "roles"}}`; older shapes
/// put `account_id` at the top or `{"account": {"id"}}`.
#[derive(Debug, Deserialize)]
pub struct Myself {
    #[serde(default)]
    pub user: Option<AccountRef>,
    #[serde(default)]
    pub account_id: Option<String>,
    #[serde(default)]
    pub account: Option<AccountId>,
}

#[derive(Debug, Deserialize)]
pub struct AccountRef {
    #[serde(default)]
    pub account_id: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct AccountId {
    #[serde(default)]
    pub id: Option<String>,
}

impl Myself {
    pub fn account_id(self) -> Option<String> {
        self.user
            .and_then(|u| u.account_id)
            .or(self.account_id)
            .or(self.account.and_then(|a| a.id))
    }
}
