//! Identifiers checked before they are sent anywhere: the one check of an id that becomes a
//! URL path segment ([`path_segment_problem`]), and the one GUID parser every command uses: a
//! GUID is sent the way `uuid` prints it (lowercase, hyphenated) whatever form it was given in.

use crate::domain::error::{Failure, Kind, Result};
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

/// The longest id put in a path.
pub const MAX_PATH_ID_CHARS: usize = 500;

/// Why `id` cannot be one segment of a URL path, or `None` when it can. An id put in a path must
/// stay that one segment whatever parses the URL: not empty (nor only spaces), not `.` or `..`
/// (a URL joiner resolves them: `DELETE …/sources/..` would name the collection), none of `/`
/// and `\` (a separator, for WHATWG parsers both), `?` and `#` (they end the path), `%` (so no
/// percent-encoded dot or slash, `%2e`, `%2F`, is decoded into one on the way), no control
/// character (parsers drop tabs and newlines), and at most [`MAX_PATH_ID_CHARS`] characters.
pub fn path_segment_problem(id: &str) -> Option<String> {
    if id.trim().is_empty() {
        return Some("it is empty".to_owned());
    }
    if id == "." || id == ".." {
        return Some(format!(
            "'{id}' would be resolved out of its place in the URL path"
        ));
    }
    if let Some(c) = id
        .chars()
        .find(|c| matches!(c, '/' | '\\' | '?' | '#' | '%'))
    {
        return Some(format!("'{c}' cannot be part of a URL path segment"));
    }
    if id.chars().any(char::is_control) {
        return Some("it contains a control character".to_owned());
    }
    if id.chars().count() > MAX_PATH_ID_CHARS {
        return Some(format!("it is longer than {MAX_PATH_ID_CHARS} characters"));
    }
    None
}

/// An id given on the command line that sasmint puts in a URL path ([`path_segment_problem`]):
/// anything else is a usage error (exit 2), before any request. `what` names it ("an ingestion
/// source id").
pub fn check_path_id(id: &str, what: &str, hint: &'static str) -> Result<()> {
    match path_segment_problem(id) {
        None => Ok(()),
        Some(why) => {
            Err(Failure::usage(format!("'{}' is not {what}: {why}", shown::value(id))).hint(hint))
        }
    }
}

/// Whether an id a service listed can be put in a path: when not, the entry is reported as a
/// bad one ([`bad_listed`]) and never becomes a request.
pub fn usable_listed(id: &str) -> bool {
    path_segment_problem(id).is_none()
}

/// The failure (exit 5: the service's data, never exit 2) for the entries a service listed
/// whose ids cannot be put in a URL path; the rest of the list has been shown. `service` names
/// it ("the GeoCatalog"), `entries` what it lists ("ingestion sources").
pub fn bad_listed(service: &str, entries: &str, bad: &[String]) -> Failure {
    let ids: Vec<String> = bad
        .iter()
        .take(5)
        .map(|id| format!("'{}'", shown::value(id)))
        .collect();
    let more = match bad.len().saturating_sub(ids.len()) {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    Failure::new(
        Kind::Service,
        format!(
            "{service} listed {} {entries} whose id cannot be used in a URL path, left out: {}{more}",
            bad.len(),
            ids.join(", ")
        ),
    )
    .hint("the other entries are shown; remove or rename the bad ones in the service")
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
    fn path_ids_stay_one_segment() {
        for ok in [ID, "abc", "a.b", "...", "a b", "sasmint-blob-1", "é"] {
            assert_eq!(path_segment_problem(ok), None, "{ok:?}");
            assert!(check_path_id(ok, "an id", "h").is_ok());
        }
        let long = "a".repeat(MAX_PATH_ID_CHARS + 1);
        for bad in [
            "",
            " ",
            ".",
            "..",
            "%2e",
            "%2e%2e",
            ".%2E",
            "a/b",
            "/",
            "..\\",
            "a\\b",
            "a?b",
            "a#b",
            "a%2fb",
            "a\tb",
            "a\nb",
            "\u{7f}",
            long.as_str(),
        ] {
            assert!(path_segment_problem(bad).is_some(), "{bad:?}");
            let e = check_path_id(bad, "an id", "h").unwrap_err();
            assert_eq!(e.kind, crate::domain::error::Kind::Usage, "{bad:?}");
            assert!(!usable_listed(bad));
        }
        // What a URL joiner makes of each accepted id: still one segment under the base.
        for ok in ["abc", "a.b", "...", "a b"] {
            let mut url = url::Url::parse("https://h.example/base/items").unwrap();
            url.path_segments_mut().unwrap().push(ok);
            assert_eq!(url.path_segments().unwrap().count(), 3, "{ok:?} -> {url}");
        }
    }

    #[test]
    fn a_bad_listed_entry_is_the_service_s_fault() {
        let bad = vec!["..".to_owned(), "a/b".to_owned()];
        let e = bad_listed("the GeoCatalog", "ingestion sources", &bad);
        assert_eq!(e.kind, Kind::Service);
        assert!(
            e.message.contains("listed 2 ingestion sources"),
            "{}",
            e.message
        );
        assert!(e.message.contains("'..'"), "{}", e.message);
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
