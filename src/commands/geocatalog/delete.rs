//! `geocatalog delete ID`.

use super::common::Common;
use crate::domain::error::Result;
use crate::io::runtime::network;
use crate::io::terminal::stdout;
use crate::render::geocatalog as render;

pub(super) fn run(id: &str, common: &Common) -> Result<()> {
    let catalog = common.connect()?;
    let timeout = common.azure.timeout;
    network(timeout, "deleting the ingestion source", catalog.delete(id))?;
    stdout(&render::deleted(id, common.output)?)
}
