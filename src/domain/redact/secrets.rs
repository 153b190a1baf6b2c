//! [`Secrets`]: a set of registered secrets, and the scrubbing of a text against them. It is a
//! value: the process has one (see `redact`), and a test can have its own.

use std::borrow::Cow;
use std::sync::{Mutex, PoisonError};

use super::patterns::mask_patterns;
use super::registry::{add_forms, remove_forms, Registry};
use super::views::{replace_spans, secret_spans};

/// A set of registered secrets, and the scrubbing of a text against them.
pub struct Secrets {
    /// `None` until the first secret (an offline mint with nothing to hide builds nothing).
    registry: Mutex<Option<Registry>>,
}

impl Default for Secrets {
    fn default() -> Self {
        Secrets::new()
    }
}

impl Secrets {
    /// An empty set.
    pub const fn new() -> Self {
        Secrets {
            registry: Mutex::new(None),
        }
    }

    /// Remembers a secret sasmint computed or received as data (a delegation key's value, a
    /// signature), in all its spellings (see the module documentation of `redact`). Such
    /// values are long; a value shorter than 8 bytes is not one of them and is not
    /// registered, so that it cannot garble text.
    pub fn register(&self, secret: &str) {
        self.register_at_least(secret, 8);
    }

    /// [`Secrets::register`] for a credential sasmint sends (a client secret, a password, a
    /// bearer token, an ARD token): a server can echo it, so it counts whatever its length. A
    /// JWT's payload and signature segments are registered on their own too.
    pub fn register_credential(&self, secret: &str) {
        self.register_at_least(secret, 1);
    }

    /// Registers the signature in a token (`sig=`). Cheap: batches register thousands.
    pub fn register_token(&self, token: &str) {
        if let Some(sig) = crate::domain::sas::signature(token) {
            self.register(&sig);
        }
    }

    /// Forgets the signature [`Secrets::register_token`] registered for `token`: for a batch,
    /// once the token is written and nothing sent later can carry it, so that a million tokens
    /// do not leave a million signatures behind.
    pub fn forget_token(&self, token: &str) {
        let Some(secret) = crate::domain::sas::signature(token) else {
            return;
        };
        let mut guard = self.registry.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(registry) = guard.as_mut() {
            remove_forms(registry, &secret, 8);
        }
    }

    pub(super) fn register_at_least(&self, secret: &str, shortest: usize) {
        if secret.len() < shortest || secret.is_empty() {
            return;
        }
        let mut guard = self.registry.lock().unwrap_or_else(PoisonError::into_inner);
        add_forms(
            guard.get_or_insert_with(Registry::default),
            secret,
            shortest,
        );
    }

    /// Replaces every registered secret in `text`, in any spelling (see the module
    /// documentation of `redact`), then masks whatever still looks like one (see
    /// [`mask_patterns`]): a service may echo a token sasmint never saw, or only part of one.
    pub fn scrub<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let cuts = {
            let guard = self.registry.lock().unwrap_or_else(PoisonError::into_inner);
            match &*guard {
                Some(registry) => secret_spans(registry, text),
                None => Vec::new(),
            }
        };
        let out = if cuts.is_empty() {
            Cow::Borrowed(text)
        } else {
            Cow::Owned(replace_spans(text, cuts))
        };
        match mask_patterns(&out) {
            Some(masked) => Cow::Owned(masked),
            None => out,
        }
    }
}
