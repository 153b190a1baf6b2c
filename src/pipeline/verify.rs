//! `--verify`: use the signed token once per right it grants before it is handed over.

use crate::clients::credentials::Auth;
use crate::clients::http;
use crate::clients::probe::{self, Verified};
use crate::domain::error::Result;
use crate::domain::minted::Minted;
use crate::domain::permissions::Permissions;
use crate::domain::resource::Level;
use crate::io::terminal::note;

/// `--verify`: uses `minted` once per right it grants, changing no data; a refusal is exit 4
/// with the data role the signer lacks.
pub async fn probe(minted: &Minted, timeout: u64, auth: Auth) -> Result<Verified> {
    let blob = minted.blob.is_some();
    let level = match (minted.extras.queue.is_some(), blob) {
        (true, _) => Level::Queue,
        (false, true) => Level::Blob,
        (false, false) => Level::Container,
    };
    let permissions = Permissions::parse(&minted.permissions, level)?;
    let options = http::client_options(timeout)?;
    if level == Level::Queue {
        return probe::verify_queue(minted.url.expose(), &permissions, options, auth).await;
    }
    probe::verify(minted.url.expose(), blob, &permissions, options, auth).await
}

/// Says what `--verify` proved, and which letters it could not.
pub fn note_verified(quiet: bool, verified: &Verified) {
    let mut text = if verified.proved.is_empty() {
        "verified nothing: sasmint has no probe for the token's letters".to_owned()
    } else {
        format!(
            "verified: the service authorised '{}' (one request per kind of right, no data changed)",
            verified.proved
        )
    };
    if !verified.unprobed.is_empty() {
        text.push_str(&format!(
            "; '{}' not verified (sasmint has no probe for these letters)",
            verified.unprobed
        ));
    }
    note(quiet, &text);
}
