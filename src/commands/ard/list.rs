//! `ard list`: registered credentials.

use super::common::{login, Common};
use crate::domain::error::Result;
use crate::io::runtime::network;
use crate::io::terminal::stdout;
use crate::render::ard as render;

pub(super) fn run(common: &Common, reveal: bool) -> Result<()> {
    let login = login()?;
    let list = network(common.azure.timeout, "listing ARD credentials", async {
        let (ard, account) = common.session(login).await?;
        ard.list(&account).await
    })?;
    stdout(&render::list(&list, common.output, reveal)?)
}
