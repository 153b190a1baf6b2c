//! Identifiers checked before they are sent anywhere.

use crate::domain::error::{Failure, Result};
use crate::domain::shown;

/// An Entra object id (of a managed identity, a user): a GUID.
pub fn check_object_id(id: &str, flag: &str) -> Result<()> {
    uuid::Uuid::parse_str(id).map(|_| ()).map_err(|_| {
        Failure::usage(format!(
            "{flag} '{}' is not an object id (a GUID)",
            shown::value(id)
        ))
            .hint("find it in the portal under the identity's Properties, or with `sasmint geocatalog identities`")
    })
}
