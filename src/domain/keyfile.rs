//! The user delegation key as sasmint saves and reads it (`sasmint key`, `--delegation-key`).
//!
//! The JSON has exactly the fields `signedOid`, `signedTid`, `signedStart`, `signedExpiry`,
//! `signedService`, `signedVersion` and `value`. The value is a secret: it is never shown in
//! `Debug` output or error messages.

use crate::domain::error::{Failure, Kind, Result};
use crate::domain::ids::hyphenated_guid;
use crate::domain::lifetime;
use crate::domain::secret::{self, Secret};
use crate::domain::shown;
use azure_storage_common::models::UserDelegationKey;
use base64::Engine;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::Deref;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// The key file's fields. Its `Debug` shows the value as a placeholder ([`Secret`]).
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KeyFile {
    pub signed_oid: String,
    pub signed_tid: String,
    pub signed_start: String,
    pub signed_expiry: String,
    pub signed_service: String,
    pub signed_version: String,
    /// The key itself, in base64: written only because the key file is `sasmint key`'s output.
    #[serde(
        serialize_with = "secret::serialize",
        deserialize_with = "secret::deserialize"
    )]
    pub value: Secret,
    /// The tenant whose users may use tokens signed with the key (`skdutid`): set when the key
    /// was asked for with `DelegatedUserTid` (`--delegated-user-tenant`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_delegated_user_tid: Option<String>,
}

/// A checked delegation key, ready to sign with. Not `Clone`: a key used more than once (every
/// account of a batch) is shared by reference.
pub struct Key {
    pub file: KeyFile,
    pub start: OffsetDateTime,
    pub expiry: OffsetDateTime,
    pub sdk: SdkKey,
}

/// The signing library's key, its value zeroed on drop (`UserDelegationKey` does not zero it,
/// and a foreign type cannot be a [`Secret`]). It derefs to the `UserDelegationKey`.
pub struct SdkKey(UserDelegationKey);

impl Deref for SdkKey {
    type Target = UserDelegationKey;

    fn deref(&self) -> &UserDelegationKey {
        &self.0
    }
}

impl Drop for SdkKey {
    fn drop(&mut self) {
        if let Some(value) = self.0.value.as_mut() {
            zeroize::Zeroize::zeroize(value);
        }
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.file.fmt(f)
    }
}

/// Where a key came from: it decides the exit code, and how the fields are named.
#[derive(Debug, Clone, Copy)]
enum Origin<'a> {
    /// A key file (`source` names it in messages): a bad field is a usage error (exit 2), named
    /// as in the JSON.
    File(&'a str),
    /// Get User Delegation Key: a bad field is a service error (exit 5), named as in the XML.
    Service,
}

/// The fields of a delegation key.
#[derive(Debug, Clone, Copy)]
enum Field {
    Oid,
    Tid,
    Start,
    Expiry,
    Service,
    Version,
    Value,
    DelegatedUserTid,
}

impl Field {
    fn name(self, origin: Origin<'_>) -> &'static str {
        let (json, xml) = match self {
            Field::Oid => ("signedOid", "SignedOid"),
            Field::Tid => ("signedTid", "SignedTid"),
            Field::Start => ("signedStart", "SignedStart"),
            Field::Expiry => ("signedExpiry", "SignedExpiry"),
            Field::Service => ("signedService", "SignedService"),
            Field::Version => ("signedVersion", "SignedVersion"),
            Field::Value => ("value", "Value"),
            Field::DelegatedUserTid => ("signedDelegatedUserTid", "SignedDelegatedUserTid"),
        };
        match origin {
            Origin::File(_) => json,
            Origin::Service => xml,
        }
    }
}

/// The length of the keys the service issues: 32 bytes (44 base64 characters). Azure's keys
/// and Azurite's (an HMAC-SHA256) both have it, as do every key in the signing vectors.
pub const KEY_BYTES: usize = 32;

/// A key field that breaks the rules. The message names the field and never quotes its value
/// (it could be the key itself, or carry control characters).
fn invalid(origin: Origin<'_>, field: Field, problem: &str) -> Failure {
    let name = field.name(origin);
    match origin {
        Origin::File(source) => {
            Failure::usage(format!("{source} is not a delegation key: {name} {problem}"))
                .hint("save a fresh one with `sasmint key URL > key.json`, and do not edit it")
        }
        Origin::Service => Failure::new(
            Kind::Service,
            format!("the delegation key the service returned is not valid: {name} {problem}"),
        )
        .hint("check that the URL points at Azure Blob Storage (or Azurite), not at a proxy or another service"),
    }
}

/// `YYYY-MM-DD`, a real date: the form of a service version.
pub fn is_version(text: &str) -> bool {
    let bytes = text.as_bytes();
    let shape = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
    shape
        && time::Date::parse(
            text,
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .is_ok()
}

/// A key's fields before they are checked.
struct Unchecked<'a> {
    oid: &'a str,
    tid: &'a str,
    start: OffsetDateTime,
    expiry: OffsetDateTime,
    service: &'a str,
    version: &'a str,
    value: &'a [u8],
    delegated_user_tid: Option<&'a str>,
}

/// The one set of rules for a key, from a key file or from the service: `signedOid` and
/// `signedTid` are GUIDs, `signedVersion` a `YYYY-MM-DD` date, `signedService` is `b` or `q`, the value
/// is [`KEY_BYTES`] long, the times have a UTC form in 0000-9999, and the key lives after its
/// start for at most 7 days plus [`lifetime::KEY_LIFE_TOLERANCE`]. So no field can add a query
/// parameter, a line break or a control character to a token (`azure_storage_sas` writes
/// `skoid`, `sktid`, `sks` and `skv` without percent-encoding them). Returns the times in UTC.
fn check(origin: Origin<'_>, key: &Unchecked<'_>) -> Result<(OffsetDateTime, OffsetDateTime)> {
    let bad = |field, problem: &str| invalid(origin, field, problem);
    if hyphenated_guid(key.oid).is_none() {
        return Err(bad(Field::Oid, "is not a GUID"));
    }
    if hyphenated_guid(key.tid).is_none() {
        return Err(bad(Field::Tid, "is not a GUID"));
    }
    if key
        .delegated_user_tid
        .is_some_and(|t| hyphenated_guid(t).is_none())
    {
        return Err(bad(Field::DelegatedUserTid, "is not a GUID"));
    }
    if !matches!(key.service, "b" | "q") {
        return Err(bad(
            Field::Service,
            "is not \"b\" (Blob Storage) or \"q\" (Queue Storage)",
        ));
    }
    if !is_version(key.version) {
        return Err(bad(
            Field::Version,
            "is not a service version (a date like 2026-04-06)",
        ));
    }
    if key.value.is_empty() {
        return Err(bad(Field::Value, "is empty"));
    }
    if key.value.len() != KEY_BYTES {
        return Err(bad(
            Field::Value,
            "is not a 32-byte key (44 base64 characters), as the service issues",
        ));
    }
    let in_range = "is out of range (its UTC date must be 0000-9999)";
    let start = lifetime::utc_seconds(key.start).ok_or_else(|| bad(Field::Start, in_range))?;
    let expiry = lifetime::utc_seconds(key.expiry).ok_or_else(|| bad(Field::Expiry, in_range))?;
    if expiry <= start {
        return Err(bad(Field::Expiry, "is not after the start"));
    }
    if expiry - start > lifetime::MAX_LIFETIME + lifetime::KEY_LIFE_TOLERANCE {
        return Err(bad(
            Field::Expiry,
            "is more than 7 days after the start: the service issues keys of at most 7 days",
        ));
    }
    Ok((start, expiry))
}

impl Key {
    /// From the service's answer: every field must be present and pass [`check`], else a
    /// service error (exit 5) naming the field.
    pub fn from_sdk(sdk: UserDelegationKey) -> Result<Self> {
        // Zeroed on drop from here on, on every error path too.
        let mut sdk = SdkKey(sdk);
        let missing = |field: &str| {
            Failure::new(
                Kind::Service,
                format!("the delegation key the service returned has no {field}"),
            )
        };
        let unchecked = Unchecked {
            oid: sdk
                .signed_oid
                .as_deref()
                .ok_or_else(|| missing("SignedOid"))?,
            tid: sdk
                .signed_tid
                .as_deref()
                .ok_or_else(|| missing("SignedTid"))?,
            start: sdk.signed_start.ok_or_else(|| missing("SignedStart"))?,
            expiry: sdk.signed_expiry.ok_or_else(|| missing("SignedExpiry"))?,
            service: sdk
                .signed_service
                .as_deref()
                .ok_or_else(|| missing("SignedService"))?,
            version: sdk
                .signed_version
                .as_deref()
                .ok_or_else(|| missing("SignedVersion"))?,
            value: sdk.value.as_deref().ok_or_else(|| missing("Value"))?,
            delegated_user_tid: sdk.signed_delegated_user_tid.as_deref(),
        };
        let (start, expiry) = check(Origin::Service, &unchecked)?;
        let file = KeyFile {
            signed_oid: unchecked.oid.to_owned(),
            signed_tid: unchecked.tid.to_owned(),
            signed_start: lifetime::format(start),
            signed_expiry: lifetime::format(expiry),
            signed_service: unchecked.service.to_owned(),
            signed_version: unchecked.version.to_owned(),
            value: Secret::new(base64::engine::general_purpose::STANDARD.encode(unchecked.value)),
            signed_delegated_user_tid: sdk.signed_delegated_user_tid.clone(),
        };
        Ok(Self {
            file,
            start,
            expiry,
            // In UTC, so the signing library formats them as checked.
            sdk: SdkKey(UserDelegationKey {
                signed_start: Some(start),
                signed_expiry: Some(expiry),
                ..std::mem::take(&mut sdk.0)
            }),
        })
    }

    /// Reads a key saved by `sasmint key`; `source` names it in messages. Every field must pass
    /// [`check`], else a usage error (exit 2) naming the field.
    pub fn from_json(text: &str, source: &str) -> Result<Self> {
        let origin = Origin::File(source);
        let bad = |what: String| {
            Failure::usage(format!(
                "{} is not a delegation key: {what}",
                shown::value(source)
            ))
            .hint("save one with `sasmint key URL > key.json`")
        };
        // serde_json's messages quote no input values for these errors, only field names.
        let file: KeyFile = serde_json::from_str(text).map_err(|e| {
            let what = e.to_string();
            // Never echo the file's content: keep only serde's classification.
            let what = if what.contains("unknown field") || what.contains("missing field") {
                what.split(" at line").next().unwrap_or("").to_owned()
            } else {
                "expected a JSON object with signedOid, signedTid, signedStart, signedExpiry, signedService, signedVersion and value".to_owned()
            };
            bad(what)
        })?;
        let time = |field: Field, text: &str| {
            OffsetDateTime::parse(text.trim(), &Rfc3339)
                .map_err(|_| invalid(origin, field, "is not an RFC 3339 time"))
        };
        let start = time(Field::Start, &file.signed_start)?;
        let expiry = time(Field::Expiry, &file.signed_expiry)?;
        let value = base64::engine::general_purpose::STANDARD
            .decode(file.value.expose().trim())
            .map_err(|_| invalid(origin, Field::Value, "is not base64"))?;
        let value = Secret::new(value);
        let (start, expiry) = check(
            origin,
            &Unchecked {
                oid: &file.signed_oid,
                tid: &file.signed_tid,
                start,
                expiry,
                service: &file.signed_service,
                version: &file.signed_version,
                value: value.expose(),
                delegated_user_tid: file.signed_delegated_user_tid.as_deref(),
            },
        )?;
        let file = KeyFile {
            signed_start: lifetime::format(start),
            signed_expiry: lifetime::format(expiry),
            value: Secret::new(base64::engine::general_purpose::STANDARD.encode(value.expose())),
            ..file
        };
        let sdk = SdkKey(UserDelegationKey {
            signed_delegated_user_tid: file.signed_delegated_user_tid.clone(),
            signed_oid: Some(file.signed_oid.clone()),
            signed_tid: Some(file.signed_tid.clone()),
            signed_start: Some(start),
            signed_expiry: Some(expiry),
            signed_service: Some(file.signed_service.clone()),
            signed_version: Some(file.signed_version.clone()),
            value: Some(value.expose().clone()),
        });
        Ok(Self {
            file,
            start,
            expiry,
            sdk,
        })
    }

    /// The JSON `sasmint key` prints: it holds the key's value, so it is a [`Secret`] too.
    pub fn to_json(&self) -> Secret {
        // Plain strings: serializing them cannot fail, and `{}` is no key file either.
        Secret::new(serde_json::to_string_pretty(&self.file).unwrap_or_else(|_| "{}".to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{"signedOid":"8e0c6a5c-6a36-4c5a-9c5c-1f1c0b2f6c11","signedTid":"72f988bf-86f1-41af-91ab-2d7cd011db47","signedStart":"2025-03-01T00:00:00Z","signedExpiry":"2025-03-08T00:00:00Z","signedService":"b","signedVersion":"2026-10-06","value":"CDbbW7auD7G7KPwtUda3fRepaIxXK2WN1Gja/igmRuY="}"#;

    #[test]
    fn round_trips() {
        let key = Key::from_json(GOOD, "key.json").unwrap();
        assert_eq!(lifetime::format(key.expiry), "2025-03-08T00:00:00Z");
        let again = Key::from_json(key.to_json().expose(), "again").unwrap();
        assert_eq!(again.file.value.expose(), key.file.value.expose());
        assert_eq!(key.sdk.value.as_ref().unwrap().len(), 32);
    }

    #[test]
    fn debug_hides_the_value() {
        let key = Key::from_json(GOOD, "key.json").unwrap();
        let shown = format!("{key:?}");
        assert!(!shown.contains("CDbbW7"));
        assert!(shown.contains("value: Secret([REDACTED])"), "{shown}");
    }

    #[test]
    fn malformed_keys_are_usage_errors_without_echo() {
        for bad in [
            "",
            "not json CDbbW7auD7G7KPwtUda3fRepaIxXK2WN1Gja",
            "{}",
            &GOOD.replace("\"b\"", "\"f\""),
            &GOOD.replace("2025-03-08T00:00:00Z", "next week"),
            &GOOD.replace("CDbbW7auD7G7KPwtUda3fRepaIxXK2WN1Gja/igmRuY=", "!!!"),
            &GOOD.replace("}", ",\"extra\":1}"),
        ] {
            let e = Key::from_json(bad, "k.json").unwrap_err();
            assert_eq!(e.kind, crate::domain::error::Kind::Usage, "{bad}");
            assert!(!e.message.contains("CDbbW7"), "{}", e.message);
        }
    }

    /// Each field that breaks the rules, and the name the error must give it.
    fn bad_fields() -> Vec<(&'static str, &'static str, String)> {
        let oid = "8e0c6a5c-6a36-4c5a-9c5c-1f1c0b2f6c11";
        let tid = "72f988bf-86f1-41af-91ab-2d7cd011db47";
        let value = "CDbbW7auD7G7KPwtUda3fRepaIxXK2WN1Gja/igmRuY=";
        vec![
            (
                "signedOid",
                "SignedOid",
                GOOD.replace(oid, "x&sp=racwdl&se=2099-01-01T00:00:00Z"),
            ),
            (
                "signedOid",
                "SignedOid",
                GOOD.replace(oid, &format!("\\u001b[31m{oid}")),
            ),
            ("signedOid", "SignedOid", GOOD.replace(oid, "")),
            (
                "signedTid",
                "SignedTid",
                GOOD.replace(tid, &format!("{tid}\\nsecond")),
            ),
            (
                "signedTid",
                "SignedTid",
                GOOD.replace(tid, &tid.replace('-', "")),
            ),
            (
                "signedVersion",
                "SignedVersion",
                GOOD.replace("2026-10-06", "12&sp=rwdl"),
            ),
            (
                "signedVersion",
                "SignedVersion",
                GOOD.replace("2026-10-06", "2026-13-06"),
            ),
            (
                "signedService",
                "SignedService",
                GOOD.replace("\"b\"", "\"f\""),
            ),
            ("value", "Value", GOOD.replace(value, "")),
            ("value", "Value", GOOD.replace(value, "AAAA")),
            (
                "signedExpiry",
                "SignedExpiry",
                GOOD.replace("2025-03-08T00:00:00Z", "2026-05-01T00:00:00Z"),
            ),
            (
                "signedExpiry",
                "SignedExpiry",
                GOOD.replace("2025-03-08T00:00:00Z", "9999-12-31T23:59:59-23:59"),
            ),
            (
                "signedExpiry",
                "SignedExpiry",
                GOOD.replace("2025-03-08T00:00:00Z", "2025-03-01T00:00:00Z"),
            ),
            (
                "signedStart",
                "SignedStart",
                GOOD.replace("2025-03-01T00:00:00Z", "0000-01-01T00:00:00+00:01"),
            ),
        ]
    }

    #[test]
    fn every_field_is_checked_and_named() {
        for (json_name, _, text) in bad_fields() {
            let e = Key::from_json(&text, "key.json").unwrap_err();
            assert_eq!(e.kind, crate::domain::error::Kind::Usage, "{text}");
            assert!(e.message.contains(json_name), "{json_name}: {}", e.message);
            assert!(!e.message.chars().any(char::is_control), "{:?}", e.message);
            assert!(!e.message.contains("CDbbW7"), "{}", e.message);
        }
    }

    /// The same rules for the service's answer: a service error (exit 5), named as in the XML.
    #[test]
    fn the_service_key_is_checked_by_the_same_rules() {
        let good = Key::from_json(GOOD, "key.json").unwrap();
        assert!(Key::from_sdk((*good.sdk).clone()).is_ok());
        for (json_name, xml_name, text) in bad_fields() {
            // The key file's text as the service's model, without the key file's checks.
            let file: KeyFile = serde_json::from_str(&text).unwrap();
            let time = |t: &str| OffsetDateTime::parse(t, &Rfc3339).ok();
            let sdk = UserDelegationKey {
                signed_delegated_user_tid: None,
                signed_oid: Some(file.signed_oid),
                signed_tid: Some(file.signed_tid),
                signed_start: time(&file.signed_start),
                signed_expiry: time(&file.signed_expiry),
                signed_service: Some(file.signed_service),
                signed_version: Some(file.signed_version),
                value: base64::engine::general_purpose::STANDARD
                    .decode(file.value.expose())
                    .ok(),
            };
            let e = Key::from_sdk(sdk).unwrap_err();
            assert_eq!(e.kind, crate::domain::error::Kind::Service, "{json_name}");
            assert!(e.message.contains(xml_name), "{xml_name}: {}", e.message);
            assert!(!e.message.chars().any(char::is_control), "{:?}", e.message);
        }
        let mut far = (*good.sdk).clone();
        far.signed_delegated_user_tid = Some("x&sp=rwdl".to_owned());
        let e = Key::from_sdk(far).unwrap_err();
        assert!(
            e.message.contains("SignedDelegatedUserTid"),
            "{}",
            e.message
        );
    }

    /// The service's times come back in UTC, so the signing library can format them.
    #[test]
    fn service_times_are_converted_to_utc() {
        let mut sdk = (*Key::from_json(GOOD, "key.json").unwrap().sdk).clone();
        sdk.signed_start = Some(time::macros::datetime!(2025-03-01 02:00:00.9 +02:00));
        let key = Key::from_sdk(sdk).unwrap();
        assert_eq!(key.file.signed_start, "2025-03-01T00:00:00Z");
        assert_eq!(key.sdk.signed_start.unwrap().offset(), time::UtcOffset::UTC);
    }

    /// `azure_storage_sas` writes skoid, sktid, sks and skv without percent-encoding them: a
    /// checked key gives a token with each parameter once and nothing to escape.
    #[test]
    fn a_signed_token_has_each_parameter_once() {
        use crate::domain::lifetime::Window;
        use crate::domain::permissions::Permissions;
        use crate::domain::{resource, sas};
        let key = Key::from_json(GOOD, "key.json").unwrap();
        let target = resource::parse(
            "https://acct.blob.core.windows.net/imagery",
            None,
            false,
            false,
        )
        .unwrap();
        let spec = sas::Spec {
            permissions: Permissions::parse("rl", target.level()).unwrap(),
            window: Window {
                start: key.start,
                expiry: key.expiry,
            },
            https_only: true,
            ip: None,
            encryption_scope: None,
            correlation_id: None,
            extras: sas::Extras::default(),
        };
        let token = sas::sign(&target, &spec, &key.sdk).unwrap();
        let names: Vec<&str> = token
            .split('&')
            .map(|p| p.split_once('=').unwrap().0)
            .collect();
        assert_eq!(
            names,
            [
                "sv", "sr", "st", "se", "sp", "spr", "skoid", "sktid", "skt", "ske", "sks", "skv",
                "sig"
            ],
            "{token}"
        );
        assert!(!token.chars().any(|c| c.is_control() || c.is_whitespace()));
    }
}
