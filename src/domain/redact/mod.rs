//! A process-wide list of secret values, scrubbed from everything sasmint writes to stderr.
//!
//! Secrets are registered as soon as they are known: bearer tokens when a credential returns
//! them, the delegation key's value, every signature, and the secret environment variables.
//! Log lines and error messages are then passed through [`scrub`] before they are written.
//! The secrets found in the environment are read by `io::secrets_env`, and the log writer that
//! scrubs every event is `io::log_writer`: this module does no I/O.
//!
//! # Every spelling
//!
//! A server or a library may echo a secret in another spelling than the one sasmint sent:
//! percent- or form-encoded, JSON- or Rust-escaped (once or twice), as an XML entity, split
//! over a line break, in base64 (alone, or inside `Bearer …`), or only one segment of a JWT.
//! Rather than registering every spelling of every secret (which cannot be complete: escapes
//! nest), the registry keeps each secret in its plain form, and [`scrub`] looks for it in
//! *views* of the text:
//!
//! 1. the text with its line breaks removed (so a secret split over `\n` or `\r\n` is found
//!    whole);
//! 2. up to three rounds of decoding of that view: `%XX` (either case), `\uXXXX` (either case,
//!    surrogate pairs too), `\u{…}`, `\xXX`, `\/`, `\"` and friends behind any number of
//!    backslashes, XML/HTML entities (`&#x7E;`, `&#126;`, `&amp;`), with escaped line breaks
//!    (`\n`, `%0A`, …) removed;
//! 3. each of those views read as base64 (standard or URL-safe alphabet, padded or not), from
//!    each of the four possible starting points of every run of base64 characters: a secret
//!    inside `base64("Bearer " + token)` is found like one encoded alone.
//!
//! Every byte of a view remembers which part of the original text it came from, so a match
//! replaces exactly the original characters that spell the secret, escapes included. Form
//! encoding writes a space as `+`: a secret with a space is also registered with `+` in its
//! place. A JWT also registers its payload and signature segments (its header is the same in
//! every token and not secret).
//!
//! Scrubbing costs a few passes over the text whatever the number of secrets: secrets of 8
//! bytes or more are indexed by their first 8 bytes. Registering is one hash insert per form.
//!
//! # Rooms
//!
//! [`Secrets`] (`secrets`) is a set of secrets, a value: the process has one, behind the free
//! functions below. `registry` indexes their forms, `views` finds them in every spelling,
//! `patterns` masks what looks like a secret whether registered or not.
//!
//! # Tests
//!
//! In unit tests the free functions use a registry of the calling thread instead of the
//! process's (the test harness runs each test on a thread of its own), so no test sees
//! another's secrets and exact-output assertions do not depend on the order tests run in. A
//! test that needs a registry across threads makes its own [`Secrets`].

mod patterns;
mod registry;
mod secrets;
mod views;

use std::borrow::Cow;

pub use patterns::{mask_patterns, MARK};
pub use secrets::Secrets;

/// The process's registry.
#[cfg(not(test))]
fn with_secrets<R>(f: impl FnOnce(&Secrets) -> R) -> R {
    static PROCESS: Secrets = Secrets::new();
    f(&PROCESS)
}

/// In unit tests: the calling thread's registry (see the module documentation).
#[cfg(test)]
fn with_secrets<R>(f: impl FnOnce(&Secrets) -> R) -> R {
    thread_local! {
        static OWN: Secrets = const { Secrets::new() };
    }
    OWN.with(f)
}

/// [`Secrets::register`] on the process's registry.
pub fn register(secret: &str) {
    with_secrets(|s| s.register(secret));
}

/// [`Secrets::register_credential`] on the process's registry.
pub fn register_credential(secret: &str) {
    with_secrets(|s| s.register_credential(secret));
}

/// [`Secrets::register_token`] on the process's registry.
pub fn register_token(token: &str) {
    with_secrets(|s| s.register_token(token));
}

/// [`Secrets::forget_token`] on the process's registry.
pub fn forget_token(token: &str) {
    with_secrets(|s| s.forget_token(token));
}

/// [`Secrets::scrub`] against the process's registry.
pub fn scrub(text: &str) -> Cow<'_, str> {
    with_secrets(|s| s.scrub(text))
}

#[cfg(test)]
mod tests;
