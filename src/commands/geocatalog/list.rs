//! `geocatalog list`: every ingestion source's summary.

use super::common::Common;
use crate::clients::geocatalog;
use crate::domain::error::Result;
use crate::domain::ids;
use crate::io::runtime::network;
use crate::io::terminal::stdout;
use crate::render::geocatalog as render;

pub(super) fn run(common: &Common) -> Result<()> {
    let catalog = common.connect()?;
    let timeout = common.azure.timeout;
    let sources = network(timeout, "listing ingestion sources", catalog.list())?;
    // An id that cannot be a path segment is the service's bad entry: the rest is shown, exit 5.
    let (sources, bad) = geocatalog::usable(sources);
    stdout(&render::list(&sources, common.output)?)?;
    if bad.is_empty() {
        return Ok(());
    }
    Err(ids::bad_listed("the GeoCatalog", "ingestion sources", &bad))
}
