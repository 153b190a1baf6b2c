//! `ard show ID`: registered credentials (the stored signature masked unless `--reveal`).

use super::common::{login, Common};
use crate::clients::ard;
use crate::domain::error::Result;
use crate::io::runtime::network;
use crate::io::terminal::stdout;
use crate::render::ard as render;

pub(super) fn run(credentials_id: &str, common: &Common, reveal: bool) -> Result<()> {
    ard::check_credentials_id(credentials_id)?;
    let login = login()?;
    let shown = network(common.azure.timeout, "calling Maxar ARD", async {
        let (ard, account) = common.session(login).await?;
        ard.show(&account, credentials_id).await
    })?;
    stdout(&render::show(&shown, common.output, reveal)?)
}
