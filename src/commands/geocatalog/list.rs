//! `geocatalog list`: every ingestion source's summary.

use super::common::Common;
use crate::domain::error::Result;
use crate::io::runtime::network;
use crate::io::terminal::stdout;
use crate::render::geocatalog as render;

pub(super) fn run(common: &Common) -> Result<()> {
    let catalog = common.connect()?;
    let timeout = common.azure.timeout;
    let sources = network(timeout, "listing ingestion sources", catalog.list())?;
    stdout(&render::list(&sources, common.output)?)
}
