//! `geocatalog status`: every ingestion source with its token's expiry, marked `ok`,
//! `expiring` (within the window) or `expired`; exit 8 when any needs attention, for cron.

use super::common::Common;
use crate::clients::geocatalog::{GeoCatalog, IngestionSource, READS_AT_ONCE};
use crate::domain::error::{Failure, Kind, Result};
use crate::domain::lifetime;
use crate::io::runtime::network;
use crate::io::terminal::stdout;
use crate::render::geocatalog::{self as render, BadEntry};
use time::OffsetDateTime;

pub(super) fn run(expiring_within: &str, common: &Common, now: OffsetDateTime) -> Result<()> {
    let window = lifetime::parse_duration(expiring_within)?;
    let catalog = common.connect()?;
    let read = network(
        common.azure.timeout,
        "reading the ingestion sources",
        async {
            // The list has summaries only: each source is read for its expiry.
            let ids: Vec<String> = catalog
                .list()
                .await?
                .into_iter()
                .filter_map(|s| s.id)
                .collect();
            tracing::info!(
                "reading {} ingestion sources, {READS_AT_ONCE} at a time",
                ids.len()
            );
            read_each(&catalog, ids).await
        },
    )?;
    let (sources, bad): (Vec<_>, Vec<_>) = read.into_iter().partition(|r| r.is_ok());
    let sources: Vec<_> = sources.into_iter().flatten().collect();
    let bad: Vec<BadEntry> = bad.into_iter().filter_map(|r| r.err()).collect();
    let mut report = render::assess(
        &sources,
        common.version,
        now,
        window,
        expiring_within.trim(),
    );
    report.add_bad(bad);
    stdout(&render::status(&report, common.output)?)?;
    let summary = &report.summary;
    if summary.bad > 0 {
        return Err(Failure::new(
            Kind::Service,
            format!(
                "the catalog listed {} ingestion source(s) with an id sasmint will not put in a request; the other {} are shown",
                summary.bad,
                summary.total - summary.bad
            ),
        )
        .hint("look at these sources in the GeoCatalog portal: the catalog should not have listed such ids"));
    }
    if summary.expiring + summary.expired == 0 {
        return Ok(());
    }
    Err(Failure::new(
        Kind::Attention,
        format!(
            "{} of {} ingestion sources need attention: {} expiring within {}, {} expired",
            summary.expiring + summary.expired,
            summary.total,
            summary.expiring,
            report.summary.expiring_within,
            summary.expired
        ),
    )
    .hint("rotate them with `sasmint geocatalog register CONTAINER_URL` (daily from cron: add --if-expiring-within 2d)"))
}

/// Reads every source in `ids`, [`READS_AT_ONCE`] at a time, in the order of `ids`. An id the
/// client refuses to put in a request (the same check as for an id typed on the command line,
/// made before anything is sent) is a bad entry the catalog sent, not a failure of the whole
/// command; any other failure ends it.
async fn read_each(
    catalog: &GeoCatalog,
    ids: Vec<String>,
) -> Result<Vec<std::result::Result<IngestionSource, BadEntry>>> {
    use futures::stream::{self, StreamExt, TryStreamExt};
    stream::iter(ids)
        .map(|id| async move {
            match catalog.show(&id).await {
                Ok(source) => Ok(Ok(source)),
                Err(f) if f.kind == Kind::Usage => Ok(Err(BadEntry {
                    id,
                    problem: f.message,
                })),
                Err(f) => Err(f),
            }
        })
        .buffered(READS_AT_ONCE)
        .try_collect()
        .await
}
