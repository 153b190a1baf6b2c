//! Identifiers checked before they are sent anywhere, and the one GUID parser every command
//! uses: a GUID is sent the way `uuid` prints it (lowercase, hyphenated) whatever form it was
//! given in.

use crate::domain::error::{Failure, Result};
use crate::domain::shown;

/// The GUID `text` holds, written as the services expect it: lowercase, with hyphens
/// (`0b9c3d1e-7f0a-4e4f-8a2d-5d8f2b6a1c93`). Every form `uuid` reads is accepted: hyphenated
/// (either case), braced `{…}`, `urn:uuid:…` and 32 bare hex digits. Nothing else, not even
/// surrounding whitespace (callers that allow it trim first). `None` if it is no GUID.
pub fn guid(text: &str) -> Option<String> {
    uuid::Uuid::try_parse(text)
        .ok()
        .map(|id| id.hyphenated().to_string())
}

/// [`guid`], accepting only the hyphenated form (`8-4-4-4-12` hex digits, either case): the
/// form Entra ID writes object and tenant ids in, and Azure Resource Manager puts in paths.
pub fn hyphenated_guid(text: &str) -> Option<String> {
    guid(text).filter(|_| text.len() == 36)
}

/// An Entra object id (of a managed identity, a user): a GUID, returned as it is to be sent
/// ([`guid`]).
pub fn check_object_id(id: &str, flag: &str) -> Result<String> {
    guid(id).ok_or_else(|| {
        Failure::usage(format!(
            "{flag} '{}' is not an object id (a GUID)",
            shown::value(id)
        ))
            .hint("find it in the portal under the identity's Properties, or with `sasmint geocatalog identities`")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0b9c3d1e-7f0a-4e4f-8a2d-5d8f2b6a1c93";

    #[test]
    fn every_form_of_a_guid_is_sent_in_one_form() {
        for form in [
            ID,
            "0B9C3D1E-7F0A-4E4F-8A2D-5D8F2B6A1C93",
            "{0b9c3d1e-7f0a-4e4f-8a2d-5d8f2b6a1c93}",
            "urn:uuid:0b9c3d1e-7f0a-4e4f-8a2d-5d8f2b6a1c93",
            "0b9c3d1e7f0a4e4f8a2d5d8f2b6a1c93",
        ] {
            assert_eq!(guid(form).as_deref(), Some(ID), "{form}");
            assert_eq!(check_object_id(form, "--managed-identity").unwrap(), ID);
        }
    }

    #[test]
    fn only_guids_pass() {
        for bad in [
            "",
            "system",
            "not-a-guid",
            " 0b9c3d1e-7f0a-4e4f-8a2d-5d8f2b6a1c93",
            "0b9c3d1e-7f0a-4e4f-8a2d-5d8f2b6a1c93\n",
            "0b9c3d1e-7f0a-4e4f-8a2d-5d8f2b6a1c9",
            "0b9c3d1e-7f0a-4e4f-8a2d-5d8f2b6a1c9g",
            "0b9c3d1e_7f0a_4e4f_8a2d_5d8f2b6a1c93",
        ] {
            assert_eq!(guid(bad), None, "{bad:?}");
            let e = check_object_id(bad, "--managed-identity").unwrap_err();
            assert_eq!(e.kind, crate::domain::error::Kind::Usage);
        }
    }

    #[test]
    fn the_hyphenated_form_alone_when_asked() {
        assert_eq!(hyphenated_guid(ID).as_deref(), Some(ID));
        assert_eq!(
            hyphenated_guid("0B9C3D1E-7F0A-4E4F-8A2D-5D8F2B6A1C93").as_deref(),
            Some(ID)
        );
        for other in [
            "{0b9c3d1e-7f0a-4e4f-8a2d-5d8f2b6a1c93}",
            "urn:uuid:0b9c3d1e-7f0a-4e4f-8a2d-5d8f2b6a1c93",
            "0b9c3d1e7f0a4e4f8a2d5d8f2b6a1c93",
            // 36 characters, but not 8-4-4-4-12.
            "0b9c3d1e7-f0a-4e4f-8a2d-5d8f2b6a1c93",
            "    0b9c3d1e7f0a4e4f8a2d5d8f2b6a1c93",
        ] {
            assert_eq!(hyphenated_guid(other), None, "{other}");
        }
    }
}
