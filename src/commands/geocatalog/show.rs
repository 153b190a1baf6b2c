//! `geocatalog show ID`: one ingestion source.

use super::common::Common;
use crate::domain::error::Result;
use crate::io::runtime::network;
use crate::io::terminal::stdout;
use crate::render::geocatalog as render;

pub(super) fn run(id: &str, common: &Common) -> Result<()> {
    let catalog = common.connect()?;
    let timeout = common.azure.timeout;
    let source = network(timeout, "getting the ingestion source", catalog.show(id))?;
    stdout(&render::show(&source, common.version, common.output)?)
}
