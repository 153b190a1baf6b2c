//! [`Secret`]: the one type for every secret value sasmint holds — bearer tokens (Maxar ARD's,
//! from the environment or its sign-in), the delegation key's value, minted tokens and the URLs
//! that carry them, passwords.
//!
//! A `Secret` is zeroed when it is dropped, prints `Secret([REDACTED])` in `Debug`, has no
//! `Display`, no `Clone` and no blanket `Serialize`: its value is read only through
//! [`Secret::expose`], so every use is one `grep expose` away. Where a secret *is* the requested
//! output (the JSON of `mint`, the key file `sasmint key` writes), the field says so with
//! `#[serde(serialize_with = "secret::serialize")]`.
//!
//! Built on the `zeroize` crate, not `secrecy`: `zeroize` is already in the dependency tree
//! (under rustls), so this adds no crate, and its volatile writes (which the optimiser may not
//! remove) are all `secrecy` would add underneath. `secrecy`'s `SecretString` is a boxed `str`
//! with the same guarantees; owning the type here lets sasmint choose its `Debug` text and its
//! explicit serializer, and hold bytes (`Secret<Vec<u8>>`) the same way as text.
//!
//! The redaction registry (`domain::redact`) is separate and unchanged: a secret is still
//! registered there as soon as it exists, so that any copy a service echoes is scrubbed.
//!
//! Outside sasmint's own code a secret may live in a type of the SDK's: the Entra token in
//! `azure_core`'s `AccessToken`, the client secret handed to `ClientSecretCredential`, the
//! key's bytes in `azure_storage_common`'s `UserDelegationKey` (zeroed by
//! [`SdkKey`](crate::domain::keyfile::SdkKey)'s `Drop`). Those are converted at that boundary only.

use serde::{Deserialize, Deserializer, Serializer};
use std::borrow::Borrow;
use std::fmt;
use zeroize::Zeroize;

/// A secret value: text by default (`Secret` is `Secret<String>`), or bytes
/// (`Secret<Vec<u8>>`). Zeroed on drop; `Debug` shows only a placeholder.
pub struct Secret<T: Zeroize = String>(T);

impl<T: Zeroize> Secret<T> {
    /// Takes ownership of `value`: from now on it is zeroed when dropped.
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// The value itself. Every use of a secret goes through here.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl<T: Zeroize> Drop for Secret<T> {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl<T: Zeroize> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

/// Writes a secret text as a plain string, for a field whose value is the requested output:
/// `#[serde(serialize_with = "secret::serialize")]` (on a `Secret` or a `&Secret` field).
pub fn serialize<S: Serializer, B: Borrow<Secret>>(
    secret: &B,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(secret.borrow().expose())
}

/// Reads a secret text from a plain string: `#[serde(deserialize_with = "secret::deserialize")]`.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Secret, D::Error> {
    String::deserialize(deserializer).map(Secret::new)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::rc::Rc;

    #[test]
    fn debug_shows_a_placeholder_only() {
        let text = Secret::new("sig=hunter2".to_owned());
        assert_eq!(format!("{text:?}"), "Secret([REDACTED])");
        assert_eq!(format!("{text:#?}"), "Secret([REDACTED])");
        let bytes = Secret::new(b"hunter2".to_vec());
        assert_eq!(format!("{bytes:?}"), "Secret([REDACTED])");
    }

    #[test]
    fn expose_gives_the_value() {
        let text = Secret::from("hunter2".to_owned());
        assert_eq!(text.expose(), "hunter2");
    }

    /// Records whether it was zeroized, in a cell that outlives it.
    struct Probe(Rc<Cell<bool>>);

    impl Zeroize for Probe {
        fn zeroize(&mut self) {
            self.0.set(true);
        }
    }

    /// That `zeroize` overwrites the value's memory (with volatile writes, spare capacity
    /// included) is the `zeroize` crate's guarantee and tested there: reading a buffer after
    /// it is freed would be undefined behaviour. What is tested here is that dropping a
    /// `Secret` calls it.
    #[test]
    fn dropping_a_secret_zeroizes_its_value() {
        let zeroized = Rc::new(Cell::new(false));
        let secret = Secret::new(Probe(zeroized.clone()));
        assert!(!zeroized.get());
        drop(secret);
        assert!(zeroized.get());
    }

    #[test]
    fn serializes_only_through_the_explicit_serializer() {
        #[derive(serde::Serialize, serde::Deserialize)]
        struct Holder {
            #[serde(serialize_with = "serialize", deserialize_with = "deserialize")]
            value: Secret,
        }
        #[derive(serde::Serialize)]
        struct Borrowed<'a> {
            #[serde(serialize_with = "serialize")]
            value: &'a Secret,
        }
        let holder: Holder = serde_json::from_str(r#"{"value":"hunter2"}"#).unwrap();
        assert_eq!(holder.value.expose(), "hunter2");
        assert_eq!(
            serde_json::to_string(&holder).unwrap(),
            r#"{"value":"hunter2"}"#
        );
        let borrowed = Borrowed {
            value: &holder.value,
        };
        assert_eq!(
            serde_json::to_string(&borrowed).unwrap(),
            r#"{"value":"hunter2"}"#
        );
    }
}
