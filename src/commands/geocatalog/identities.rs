//! `geocatalog identities`: the managed identities the catalog can use for sources.

use super::common::Common;
use crate::domain::error::Result;
use crate::io::runtime::network;
use crate::io::terminal::stdout;
use crate::render::geocatalog as render;

pub(super) fn run(common: &Common) -> Result<()> {
    let catalog = common.connect()?;
    let timeout = common.azure.timeout;
    let identities = network(timeout, "listing managed identities", catalog.identities())?;
    stdout(&render::identities(&identities, common.output)?)
}
