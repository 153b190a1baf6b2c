//! `ard delete ID`: orders already running finish.

use super::common::{login, Common};
use crate::clients::ard;
use crate::domain::error::Result;
use crate::io::runtime::network;
use crate::io::terminal::stdout;
use crate::render::ard as render;

pub(super) fn run(credentials_id: &str, common: &Common) -> Result<()> {
    ard::check_credentials_id(credentials_id)?;
    let login = login()?;
    network(common.azure.timeout, "calling Maxar ARD", async {
        let (ard, account) = common.session(login).await?;
        ard.delete(&account, credentials_id).await
    })?;
    stdout(&render::deleted(credentials_id, common.output)?)
}
