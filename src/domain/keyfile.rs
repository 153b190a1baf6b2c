//! The user delegation key as sasmint saves and reads it (`sasmint key`, `--delegation-key`).
//!
//! The JSON has exactly the fields `signedOid`, `signedTid`, `signedStart`, `signedExpiry`,
//! `signedService`, `signedVersion` and `value`. The value is a secret: it is never shown in
//! `Debug` output or error messages.

use crate::domain::error::{Failure, Result};
use crate::domain::lifetime;
use crate::domain::shown;
use azure_storage_common::models::UserDelegationKey;
use base64::Engine;
use serde::{Deserialize, Serialize};
use std::fmt;
use time::OffsetDateTime;

#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KeyFile {
    pub signed_oid: String,
    pub signed_tid: String,
    pub signed_start: String,
    pub signed_expiry: String,
    pub signed_service: String,
    pub signed_version: String,
    pub value: String,
    /// The tenant whose users may use tokens signed with the key (`skdutid`): set when the key
    /// was asked for with `DelegatedUserTid` (`--delegated-user-tenant`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_delegated_user_tid: Option<String>,
}

impl fmt::Debug for KeyFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyFile")
            .field("signed_oid", &self.signed_oid)
            .field("signed_tid", &self.signed_tid)
            .field("signed_start", &self.signed_start)
            .field("signed_expiry", &self.signed_expiry)
            .field("signed_service", &self.signed_service)
            .field("signed_version", &self.signed_version)
            .field("signed_delegated_user_tid", &self.signed_delegated_user_tid)
            .field("value", &"<redacted>")
            .finish()
    }
}

/// A checked delegation key, ready to sign with.
#[derive(Clone)]
pub struct Key {
    pub file: KeyFile,
    pub start: OffsetDateTime,
    pub expiry: OffsetDateTime,
    pub sdk: UserDelegationKey,
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.file.fmt(f)
    }
}

impl Key {
    /// From the service's answer (all fields must be present).
    pub fn from_sdk(sdk: UserDelegationKey) -> Result<Self> {
        let missing = |field: &str| {
            Failure::new(
                crate::domain::error::Kind::Service,
                format!("the delegation key the service returned has no {field}"),
            )
        };
        let start = sdk.signed_start.ok_or_else(|| missing("SignedStart"))?;
        let expiry = sdk.signed_expiry.ok_or_else(|| missing("SignedExpiry"))?;
        let value = sdk.value.as_deref().ok_or_else(|| missing("Value"))?;
        let file = KeyFile {
            signed_oid: sdk.signed_oid.clone().ok_or_else(|| missing("SignedOid"))?,
            signed_tid: sdk.signed_tid.clone().ok_or_else(|| missing("SignedTid"))?,
            signed_start: lifetime::format(start),
            signed_expiry: lifetime::format(expiry),
            signed_service: sdk
                .signed_service
                .clone()
                .ok_or_else(|| missing("SignedService"))?,
            signed_version: sdk
                .signed_version
                .clone()
                .ok_or_else(|| missing("SignedVersion"))?,
            value: base64::engine::general_purpose::STANDARD.encode(value),
            signed_delegated_user_tid: sdk.signed_delegated_user_tid.clone(),
        };
        Ok(Self {
            file,
            start,
            expiry,
            sdk,
        })
    }

    /// Reads a key saved by `sasmint key`; `source` names it in messages.
    pub fn from_json(text: &str, source: &str) -> Result<Self> {
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
        let time = |name: &str, text: &str| {
            lifetime::parse_time(text, name)
                .map_err(|_| bad(format!("{name} is not an RFC 3339 time")))
        };
        let start = time("signedStart", &file.signed_start)?;
        let expiry = time("signedExpiry", &file.signed_expiry)?;
        if file.signed_service != "b" {
            return Err(bad("signedService must be \"b\" (Blob Storage)".to_owned()));
        }
        if file.signed_oid.trim().is_empty() || file.signed_tid.trim().is_empty() {
            return Err(bad("signedOid and signedTid must not be empty".to_owned()));
        }
        if file.signed_version.len() != 10 {
            return Err(bad("signedVersion must look like 2026-04-06".to_owned()));
        }
        let value = base64::engine::general_purpose::STANDARD
            .decode(file.value.trim())
            .ok()
            .filter(|v| !v.is_empty())
            .ok_or_else(|| bad("value is not base64".to_owned()))?;
        if expiry <= start {
            return Err(bad("signedExpiry is not after signedStart".to_owned()));
        }
        if let Some(tid) = &file.signed_delegated_user_tid {
            if uuid::Uuid::try_parse(tid).is_err() {
                return Err(bad("signedDelegatedUserTid is not a GUID".to_owned()));
            }
        }
        let sdk = UserDelegationKey {
            signed_delegated_user_tid: file.signed_delegated_user_tid.clone(),
            signed_oid: Some(file.signed_oid.clone()),
            signed_tid: Some(file.signed_tid.clone()),
            signed_start: Some(start),
            signed_expiry: Some(expiry),
            signed_service: Some(file.signed_service.clone()),
            signed_version: Some(file.signed_version.clone()),
            value: Some(value),
        };
        Ok(Self {
            file,
            start,
            expiry,
            sdk,
        })
    }

    /// The JSON `sasmint key` prints.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.file).expect("plain strings serialize")
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
        let again = Key::from_json(&key.to_json(), "again").unwrap();
        assert_eq!(again.file.value, key.file.value);
        assert_eq!(key.sdk.value.as_ref().unwrap().len(), 32);
    }

    #[test]
    fn debug_hides_the_value() {
        let key = Key::from_json(GOOD, "key.json").unwrap();
        let shown = format!("{key:?}");
        assert!(!shown.contains("CDbbW7"));
        assert!(shown.contains("<redacted>"));
    }

    #[test]
    fn malformed_keys_are_usage_errors_without_echo() {
        for bad in [
            "",
            "not json CDbbW7auD7G7KPwtUda3fRepaIxXK2WN1Gja",
            "{}",
            &GOOD.replace("\"b\"", "\"q\""),
            &GOOD.replace("2025-03-08T00:00:00Z", "next week"),
            &GOOD.replace("CDbbW7auD7G7KPwtUda3fRepaIxXK2WN1Gja/igmRuY=", "!!!"),
            &GOOD.replace("}", ",\"extra\":1}"),
        ] {
            let e = Key::from_json(bad, "k.json").unwrap_err();
            assert_eq!(e.kind, crate::domain::error::Kind::Usage, "{bad}");
            assert!(!e.message.contains("CDbbW7"), "{}", e.message);
        }
    }
}
