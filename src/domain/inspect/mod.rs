//! `sasmint inspect <TOKEN_OR_URL>`: decode any Blob SAS (user delegation, service or account)
//! or user delegation queue token, and report what it grants, to what, over which protocol, from when until when, and what about
//! it is risky.
//!
//! The module is pure: it does no I/O and reads no clock (the caller passes `now`).
//!
//! # Secrets
//!
//! The signature (`sig`) is a bearer secret. It is never stored in an [`Inspection`]. So it never
//! reaches the text output (`render::inspect`), the JSON output or `Debug`. Only its presence and length are reported.
//! `InspectError` messages never contain the raw input or any parameter value. Parameters that
//! `inspect` does not know are listed **by name only**, because their values may be secrets, too.
//! Names that do not look like parameter names are hidden as well (see `display_name`).
//!
//! # Thresholds (see `Warning` for every code)
//!
//! * `LONG_LIVED_SECONDS` (24 h): above it, a token without `sip` gets
//!   `no_ip_restriction_long_lived`.
//! * `MAX_LIFETIME_SECONDS` (7 days): above it, `lifetime_over_7_days`. It is also the most a user
//!   delegation SAS can live, because its key lives at most 7 days. An `st` back-dated by up to
//!   `START_SKEW_SECONDS` (15 minutes, the usual allowance for clock skew) is not counted.
//! * Lifetime is `se − st`. When `st` is absent, the token is valid from the moment it was signed,
//!   which `inspect` cannot know. The thresholds then use the remaining validity `se − now`.
//!
//! A least-privilege read token (`sp=rl`, `spr=https`, container or blob, lifetime ≤ 24 h, not
//! expired, `se ≤ ske`) has no warnings. Any write or delete letter always gets a warning, even
//! when the token is otherwise minimal.
//!
//! # Rooms
//!
//! `model` is what is reported, `tables` the letters and parameter names of a SAS, `params`
//! reads the input and its fields, `decode` builds the [`Inspection`] ([`inspect`]) and `lint`
//! raises the warnings. The text output is in `render::inspect`.

mod decode;
mod lint;
mod model;
mod params;
mod tables;

pub use decode::inspect;
pub use lint::human_duration;
pub use model::{Inspection, Letter, SasKind};

#[cfg(test)]
mod tests;

#[cfg(test)]
mod proptests;
