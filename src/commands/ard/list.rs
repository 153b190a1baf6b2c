//! `ard list`: registered credentials.

use super::common::{login, Common};
use crate::clients::ard;
use crate::domain::error::Result;
use crate::domain::ids;
use crate::io::runtime::network;
use crate::io::terminal::stdout;
use crate::render::ard as render;

pub(super) fn run(common: &Common, reveal: bool) -> Result<()> {
    let login = login()?;
    let list = network(common.azure.timeout, "listing ARD credentials", async {
        let (ard, account) = common.session(login).await?;
        ard.list(&account).await
    })?;
    // An id that cannot be a path segment is the service's bad entry: the rest is shown, exit 5.
    let (list, bad) = ard::usable(list);
    stdout(&render::list(&list, common.output, reveal)?)?;
    if bad.is_empty() {
        return Ok(());
    }
    Err(ids::bad_listed("Maxar ARD", "credentials", &bad))
}
