//! `geocatalog status`: every ingestion source with its token's expiry, marked `ok`,
//! `expiring` (within the window) or `expired`; exit 8 when any needs attention, for cron.

use super::common::Common;
use crate::clients::geocatalog::{self, READS_AT_ONCE};
use crate::domain::error::{Failure, Kind, Result};
use crate::domain::ids;
use crate::domain::lifetime;
use crate::io::runtime::network;
use crate::io::terminal::stdout;
use crate::render::geocatalog::{self as render, BadEntry};
use time::OffsetDateTime;

pub(super) fn run(expiring_within: &str, common: &Common, now: OffsetDateTime) -> Result<()> {
    let window = lifetime::parse_duration(expiring_within)?;
    let catalog = common.connect()?;
    let (sources, bad) = network(
        common.azure.timeout,
        "reading the ingestion sources",
        async {
            // The list has summaries only: each source is read for its expiry; an id that
            // cannot be a path segment is never read, but reported (exit 5) with the rest.
            let (listed, bad) = geocatalog::usable(catalog.list().await?);
            let ids: Vec<String> = listed.into_iter().filter_map(|s| s.id).collect();
            tracing::info!(
                "reading {} ingestion sources, {READS_AT_ONCE} at a time",
                ids.len()
            );
            Ok((catalog.read_all(&ids).await?, bad))
        },
    )?;
    let mut report = render::assess(
        &sources,
        common.version,
        now,
        window,
        expiring_within.trim(),
    );
    report.add_bad(
        bad.iter()
            .map(|id| BadEntry {
                problem: ids::path_segment_problem(id).unwrap_or_default(),
                id: id.clone(),
            })
            .collect(),
    );
    stdout(&render::status(&report, common.output)?)?;
    if !bad.is_empty() {
        return Err(ids::bad_listed("the GeoCatalog", "ingestion sources", &bad));
    }
    let summary = &report.summary;
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
