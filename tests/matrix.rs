//! # Which SAS letter each blob operation needs, proven on Azurite
//!
//! Every token sasmint can mint is proven here to grant what its letters say and nothing more:
//! each `--for` preset (on a container, and on a blob where the preset allows one) and each
//! letter Azurite enforces, alone and in every pair, are minted by the real binary against
//! Azurite 3.37.0 (HTTPS + OAuth, `--auth managed-identity` with the local token server); then
//! every operation below is sent with the exact bytes sasmint printed, each on its own fresh blob.
//! An operation must succeed when the token carries one of the letters in the Azurite column and
//! must fail with `403 AuthorizationPermissionMismatch` otherwise. Run: `cargo test --test matrix`.
//!
//! ## Operation → letter
//!
//! | operation | request (plus the SAS) | letter needed (any one), documented | Azurite 3.37.0 | source |
//! |---|---|---|---|---|
//! | List Blobs (container SAS only) | `GET ?restype=container&comp=list` | `l` | same | [ud], [acct] |
//! | Get Blob | `GET` | `r` | same | [ud], [acct] |
//! | Get Blob Properties | `HEAD` | `r` | same | [ud], [acct] |
//! | Get Block List | `GET ?comp=blocklist` | `r` | same | [ud], [acct] |
//! | Put Blob, new block blob | `PUT`, `x-ms-blob-type: BlockBlob` | `c` or `w` | same | [ud], [acct] |
//! | Put Blob, existing block blob | `PUT`, `x-ms-blob-type: BlockBlob` | `w` | same | [acct] |
//! | Put Block | `PUT ?comp=block` | `c` or `w` | `w` (differs) | [acct], [v2026] |
//! | Put Block From URL | `PUT ?comp=block`, `x-ms-copy-source` | `c` or `w` | `w` (differs) | [v2026] |
//! | Put Block List, new blob | `PUT ?comp=blocklist` | `c` or `w` | `w` (differs) | [acct], [v2026] |
//! | Put Blob, new append blob | `PUT`, `x-ms-blob-type: AppendBlob` | `c` or `w` | same | [ud] |
//! | Append Block | `PUT ?comp=appendblock` | `a` or `w` | same | [ud], [acct] |
//! | Put Blob, new page blob | `PUT`, `x-ms-blob-type: PageBlob` | `c` or `w` | same | [acct] |
//! | Put Page | `PUT ?comp=page` | `w` | same | [acct] |
//! | Set Blob Metadata | `PUT ?comp=metadata` | `w` | same | [ud], [acct] |
//! | Set Blob Properties | `PUT ?comp=properties` | `w` | same | [ud], [acct] |
//! | Snapshot Blob | `PUT ?comp=snapshot` | `c` or `w` | same | [ud], [acct] |
//! | Lease Blob, acquire | `PUT ?comp=lease`, `x-ms-lease-action: acquire` | `w` | same | [ud], [acct] |
//! | Lease Blob, break | `PUT ?comp=lease`, `x-ms-lease-action: break` | `w` or `d` | same | [ud], [acct] |
//! | Delete Blob | `DELETE` | `d` | same | [ud], [acct] |
//! | Set Blob Tags | `PUT ?comp=tags` | `t` | same | [ud] |
//! | Get Blob Tags | `GET ?comp=tags` | `t` | same | [ud] |
//! | Copy Blob From URL, new destination | `PUT`, `x-ms-copy-source`, `x-ms-requires-sync: true` | `c` or `w` | same | [ud], [acct] |
//! | Copy Blob From URL, existing destination | `PUT`, `x-ms-copy-source`, `x-ms-requires-sync: true` | `w` | same | [acct] |
//! | Copy Blob (asynchronous), new destination | `PUT`, `x-ms-copy-source` | `c` or `w` | same | [acct] |
//!
//! Sources, on learn.microsoft.com (REST API reference, `/en-us/rest/api/storageservices/…`):
//! * [ud] "Create a user delegation SAS" (`create-user-delegation-sas#specify-permissions`), the
//!   permissions table: what each letter allows (`c` "write a new blob, snapshot a blob, or copy a
//!   blob to a new blob", `w` "create or write content, properties, metadata, or blocklist;
//!   snapshot or lease the blob; … the destination of a copy operation", `d` also breaks a lease,
//!   `l` container and directory only, `t` "read or write the tags on a blob"). "Create a service
//!   SAS" (`create-service-sas`) has the same letters for a container and a blob.
//! * [acct] "Create an account SAS" (`create-account-sas`), the *Blob service* table: the same
//!   letters, one REST operation per row ("Put Blob (overwrite existing block blob): Write (w)",
//!   "Copy Blob (destination is an existing blob): Write (w)", "Append Block: Add (a) or Write
//!   (w)", …).
//! * [v2026] "Version 2026-04-06" (`version-2026-04-06`; the `sv` sasmint signs): "The create (c)
//!   SAS permission can now be used with Put Block from URL, Put Block List, and Put Block".
//!
//! Where Azurite 3.37.0 differs from the documentation (the tests pin Azurite's behaviour):
//! * **Put Block**, **Put Block From URL** and **Put Block List** with `c` alone: allowed by the
//!   documentation since sv 2026-04-06, refused by Azurite with `403
//!   AuthorizationPermissionMismatch` (it still requires `w`). A `c`-only token, e.g.
//!   `--permissions c`, can upload in blocks on Azure but not on Azurite; no preset is affected
//!   (`upload`, `cado`, `maxar-ard` and `snowflake-unload` carry `w`).
//! * A **blob** SAS used to **list** its container gets `403 AuthorizationFailure` whatever its
//!   letters (the signature covers the blob, the request names the container); the documentation
//!   says only that `l` applies to a container or directory. sasmint refuses `l` on a blob URL.
//! * `t` on a **container** SAS: the user delegation table lists Tags for a blob resource; the
//!   SDKs' container permissions include it, and Azurite honours it on a container SAS (tested
//!   here). Real Azure is not tested.
//!
//! Not in the table: Get Blob Metadata (Azurite serves `GET ?comp=metadata` as a whole Get Blob,
//! Azurite #646), Set Blob Tier (no letter documented in the sources above; Azurite asks for
//! `w`), Undelete (not implemented by Azurite), versions (`x`, `y`) and the hierarchical-namespace
//! letters (`m e o p`), which Azurite does not enforce. The asynchronous Copy Blob is sent with its
//! source URL without a SAS: Azurite checks a source SAS by calling itself over HTTPS, and it does
//! not trust the test certificate; Copy Blob From URL and Put Block From URL carry a separate
//! read-only source SAS, as a real client would.
//!
//! ## Preset → letters
//!
//! | `--for` | container | blob |
//! |---|---|---|
//! | `ingest` | `rl` | `r` |
//! | `upload` | `w` | `w` |
//! | `geocatalog` | `rl` | refused (exit 2) |
//! | `kusto` | `rl` | `r` |
//! | `cado` | `w` | refused (exit 2) |
//! | `maxar-ard` | `w` | refused (exit 2) |
//! | `snowflake-load` | `rl` | `r` |
//! | `snowflake-unload` | `racwl` | `racw` |
//! | `gcs-transfer` | `rl` | refused (exit 2) |
//!
//! A preset the binary offers without a row here fails `every_preset_has_a_row_and_mints_its_letters`;
//! the two tables above are checked against the ones the tests use
//! (`documented_tables_are_the_tested_tables`).

mod support;

use std::collections::BTreeSet;
use std::io::Write as _;
use std::sync::Arc;

use futures::future::join_all;
use support::{sas_url, token_param, BlobHttp, Reply, Run, TokenServer};

// ---- the documented table: operation → letters ---------------------------------------------------

/// The blob operations a SAS letter governs that Azurite 3.37.0 implements.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Op {
    ListBlobs,
    GetBlob,
    GetBlobProperties,
    GetBlockList,
    PutBlobNew,
    PutBlobOverwrite,
    PutBlock,
    PutBlockFromUrl,
    PutBlockList,
    PutAppendBlobNew,
    AppendBlock,
    PutPageBlobNew,
    PutPage,
    SetBlobMetadata,
    SetBlobProperties,
    SnapshotBlob,
    AcquireLease,
    BreakLease,
    DeleteBlob,
    SetBlobTags,
    GetBlobTags,
    CopyFromUrlNew,
    CopyFromUrlOverwrite,
    CopyBlobNew,
}

/// One row: what the service documentation says an operation needs, and what Azurite enforces.
struct Need {
    op: Op,
    /// The REST operation, as the documentation names it.
    name: &'static str,
    /// The request sent (besides the SAS).
    request: &'static str,
    /// Any one of these letters allows the operation, per the service documentation.
    docs: &'static str,
    /// Any one of these letters allows it on Azurite 3.37.0. Equal to `docs` unless a comment on
    /// the row explains the divergence.
    azurite: &'static str,
    /// The status of the operation when it is allowed.
    ok: u16,
    /// Where `docs` comes from (the keys are defined under the table at the top of this file).
    source: &'static str,
}

/// Sources (learn.microsoft.com, REST API reference):
/// * "Create a user delegation SAS", section "Specify permissions": the letters and what each
///   allows (<https://learn.microsoft.com/en-us/rest/api/storageservices/create-user-delegation-sas#specify-permissions>).
///   `r` read content, block list, properties, metadata, and be a copy source; `a` add a block to
///   an append blob; `c` write a new blob, snapshot a blob, copy to a new blob; `w` create or write
///   content, properties, metadata, block list, snapshot or lease, resize a page blob, be a copy
///   destination; `d` delete a blob (and, since 2017-07-29, break a lease); `l` list blobs
///   (container and directory only); `t` read or write blob tags.
/// * "Create a service SAS", section "Permissions for a directory, container, or blob": the same
///   letters for a container and a blob
///   (<https://learn.microsoft.com/en-us/rest/api/storageservices/create-service-sas#permissions-for-a-directory-container-or-blob>).
/// * "Create an account SAS", the Blob service table: the same letters one REST operation per row
///   ("Put Blob (create new block blob): Create (c) or Write (w)", "Put Blob (overwrite existing
///   block blob): Write (w)", "Append Block: Add (a) or Write (w)", "Lease Blob: Write (w) or Delete
///   (d)¹, ¹ the Delete permission allows breaking a lease", "Copy Blob (destination is an existing
///   blob): Write (w)", …)
///   (<https://learn.microsoft.com/en-us/rest/api/storageservices/create-account-sas#blob-service>).
/// * "Version 2026-04-06" (the `sv` sasmint signs): "The create (c) SAS permission can now be used
///   with Put Block from URL, Put Block List, and Put Block"
///   (<https://learn.microsoft.com/en-us/rest/api/storageservices/version-2026-04-06>).
const NEEDS: &[Need] = &[
    Need {
        op: Op::ListBlobs,
        name: "List Blobs (container SAS only)",
        request: "`GET ?restype=container&comp=list`",
        docs: "l",
        azurite: "l",
        ok: 200,
        source: "[ud], [acct]",
    },
    Need {
        op: Op::GetBlob,
        name: "Get Blob",
        request: "`GET`",
        docs: "r",
        azurite: "r",
        ok: 200,
        source: "[ud], [acct]",
    },
    Need {
        op: Op::GetBlobProperties,
        name: "Get Blob Properties",
        request: "`HEAD`",
        docs: "r",
        azurite: "r",
        ok: 200,
        source: "[ud], [acct]",
    },
    Need {
        op: Op::GetBlockList,
        name: "Get Block List",
        request: "`GET ?comp=blocklist`",
        docs: "r",
        azurite: "r",
        ok: 200,
        source: "[ud], [acct]",
    },
    Need {
        op: Op::PutBlobNew,
        name: "Put Blob, new block blob",
        request: "`PUT`, `x-ms-blob-type: BlockBlob`",
        docs: "cw",
        azurite: "cw",
        ok: 201,
        source: "[ud], [acct]",
    },
    Need {
        op: Op::PutBlobOverwrite,
        name: "Put Blob, existing block blob",
        request: "`PUT`, `x-ms-blob-type: BlockBlob`",
        docs: "w",
        azurite: "w",
        ok: 201,
        source: "[acct]",
    },
    // Divergence: since sv 2026-04-06 the documentation lets `c` stage a block; Azurite 3.37.0
    // still requires `w` (its OperationBlobSASPermission table: BlockBlob_StageBlock → w), so a
    // `c`-only token gets 403 AuthorizationPermissionMismatch from Azurite where Azure accepts it.
    Need {
        op: Op::PutBlock,
        name: "Put Block",
        request: "`PUT ?comp=block`",
        docs: "cw",
        azurite: "w",
        ok: 201,
        source: "[acct], [v2026]",
    },
    // Divergence: the same 2026-04-06 change for Put Block From URL; Azurite 3.37.0 requires `w`
    // (BlockBlob_StageBlockFromURL → w).
    Need {
        op: Op::PutBlockFromUrl,
        name: "Put Block From URL",
        request: "`PUT ?comp=block`, `x-ms-copy-source`",
        docs: "cw",
        azurite: "w",
        ok: 201,
        source: "[v2026]",
    },
    // Divergence: the same 2026-04-06 change for Put Block List (committing a new blob); Azurite
    // 3.37.0 requires `w` (BlockBlob_CommitBlockList → w).
    Need {
        op: Op::PutBlockList,
        name: "Put Block List, new blob",
        request: "`PUT ?comp=blocklist`",
        docs: "cw",
        azurite: "w",
        ok: 201,
        source: "[acct], [v2026]",
    },
    Need {
        op: Op::PutAppendBlobNew,
        name: "Put Blob, new append blob",
        request: "`PUT`, `x-ms-blob-type: AppendBlob`",
        docs: "cw",
        azurite: "cw",
        ok: 201,
        source: "[ud]",
    },
    Need {
        op: Op::AppendBlock,
        name: "Append Block",
        request: "`PUT ?comp=appendblock`",
        docs: "aw",
        azurite: "aw",
        ok: 201,
        source: "[ud], [acct]",
    },
    Need {
        op: Op::PutPageBlobNew,
        name: "Put Blob, new page blob",
        request: "`PUT`, `x-ms-blob-type: PageBlob`",
        docs: "cw",
        azurite: "cw",
        ok: 201,
        source: "[acct]",
    },
    Need {
        op: Op::PutPage,
        name: "Put Page",
        request: "`PUT ?comp=page`",
        docs: "w",
        azurite: "w",
        ok: 201,
        source: "[acct]",
    },
    Need {
        op: Op::SetBlobMetadata,
        name: "Set Blob Metadata",
        request: "`PUT ?comp=metadata`",
        docs: "w",
        azurite: "w",
        ok: 200,
        source: "[ud], [acct]",
    },
    Need {
        op: Op::SetBlobProperties,
        name: "Set Blob Properties",
        request: "`PUT ?comp=properties`",
        docs: "w",
        azurite: "w",
        ok: 200,
        source: "[ud], [acct]",
    },
    Need {
        op: Op::SnapshotBlob,
        name: "Snapshot Blob",
        request: "`PUT ?comp=snapshot`",
        docs: "cw",
        azurite: "cw",
        ok: 201,
        source: "[ud], [acct]",
    },
    Need {
        op: Op::AcquireLease,
        name: "Lease Blob, acquire",
        request: "`PUT ?comp=lease`, `x-ms-lease-action: acquire`",
        docs: "w",
        azurite: "w",
        ok: 201,
        source: "[ud], [acct]",
    },
    Need {
        op: Op::BreakLease,
        name: "Lease Blob, break",
        request: "`PUT ?comp=lease`, `x-ms-lease-action: break`",
        docs: "wd",
        azurite: "wd",
        ok: 202,
        source: "[ud], [acct]",
    },
    Need {
        op: Op::DeleteBlob,
        name: "Delete Blob",
        request: "`DELETE`",
        docs: "d",
        azurite: "d",
        ok: 202,
        source: "[ud], [acct]",
    },
    Need {
        op: Op::SetBlobTags,
        name: "Set Blob Tags",
        request: "`PUT ?comp=tags`",
        docs: "t",
        azurite: "t",
        ok: 204,
        source: "[ud]",
    },
    Need {
        op: Op::GetBlobTags,
        name: "Get Blob Tags",
        request: "`GET ?comp=tags`",
        docs: "t",
        azurite: "t",
        ok: 200,
        source: "[ud]",
    },
    Need {
        op: Op::CopyFromUrlNew,
        name: "Copy Blob From URL, new destination",
        request: "`PUT`, `x-ms-copy-source`, `x-ms-requires-sync: true`",
        docs: "cw",
        azurite: "cw",
        ok: 202,
        source: "[ud], [acct]",
    },
    Need {
        op: Op::CopyFromUrlOverwrite,
        name: "Copy Blob From URL, existing destination",
        request: "`PUT`, `x-ms-copy-source`, `x-ms-requires-sync: true`",
        docs: "w",
        azurite: "w",
        ok: 202,
        source: "[acct]",
    },
    Need {
        op: Op::CopyBlobNew,
        name: "Copy Blob (asynchronous), new destination",
        request: "`PUT`, `x-ms-copy-source`",
        docs: "cw",
        azurite: "cw",
        ok: 202,
        source: "[acct]",
    },
];

/// The error code of every refusal for a missing letter.
const PERMISSION_MISMATCH: &str = "AuthorizationPermissionMismatch";

/// What a blob SAS (`sr=b`) gets when used to list its container, whatever its letters: the
/// signature is over `/blob/account/container/blob`, the request names the container, so the
/// signature check fails before any letter is looked at.
const LIST_WITH_BLOB_TOKEN: &str = "AuthorizationFailure";

// ---- the preset table: preset → letters --------------------------------------------------------

/// Every `--for` preset with the letters it must grant on a container and on a blob (`None`: the
/// preset refuses a blob URL), from what each consumer needs (README "Presets"), written here
/// independently of sasmint's own table.
const PRESETS: &[(&str, &str, Option<&str>)] = &[
    ("ingest", "rl", Some("r")),
    ("upload", "w", Some("w")),
    ("geocatalog", "rl", None),
    ("kusto", "rl", Some("r")),
    ("cado", "w", None),
    ("maxar-ard", "w", None),
    ("snowflake-load", "rl", Some("r")),
    ("snowflake-unload", "racwl", Some("racw")),
    ("gcs-transfer", "rl", None),
];

/// The queue presets and the letters each mints on a queue URL (they refuse a blob URL).
const QUEUE_PRESETS: &[(&str, &str)] = &[("producer", "a"), ("consumer", "p")];

/// The letters Azurite enforces for blob operations, in canonical order.
const LETTERS: &str = "racwdlt";

// ---- scenarios -----------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    Container,
    Blob,
}

/// One token to try every operation with.
struct Scenario {
    /// For messages, e.g. `--for ingest on a container`.
    label: String,
    /// Container name (unique in the shared Azurite).
    container: String,
    /// What the token is minted with, e.g. `["--for", "ingest"]`.
    args: Vec<String>,
    /// The `sp` the token must carry (canonical order).
    letters: String,
    scope: Scope,
}

const CONTENT: &[u8] = b"matrix content";
const BLOCK_ID: &str = "YmxvY2stMDAwMDAx"; // base64("block-000001"): no padding to escape

fn blob_name(op: Op) -> String {
    format!("ops/{op:?}")
}

/// What the operation needs to find before it runs (created with a Bearer token).
async fn set_up(http: &BlobHttp, op: Op, url: &str) {
    match op {
        Op::ListBlobs
        | Op::PutBlobNew
        | Op::PutBlock
        | Op::PutBlockFromUrl
        | Op::PutAppendBlobNew
        | Op::PutPageBlobNew
        | Op::CopyFromUrlNew
        | Op::CopyBlobNew => {}
        Op::GetBlob
        | Op::GetBlobProperties
        | Op::GetBlockList
        | Op::PutBlobOverwrite
        | Op::SetBlobMetadata
        | Op::SetBlobProperties
        | Op::SnapshotBlob
        | Op::AcquireLease
        | Op::DeleteBlob
        | Op::SetBlobTags
        | Op::GetBlobTags
        | Op::CopyFromUrlOverwrite => http.put_block_blob(url, CONTENT).await,
        Op::BreakLease => {
            http.put_block_blob(url, CONTENT).await;
            http.acquire_lease(url).await;
        }
        Op::PutBlockList => http.stage_block(url, BLOCK_ID, CONTENT).await,
        Op::AppendBlock => http.put_append_blob(url).await,
        Op::PutPage => http.put_page_blob(url, 512).await,
    }
}

/// Runs `op` with `token` (the exact bytes sasmint printed) on the blob at `blob_url` (on its
/// container for a list). `copy_source` is a blob URL with its own read SAS.
async fn perform(
    http: &BlobHttp,
    op: Op,
    container_url: &str,
    blob_url: &str,
    token: &str,
    copy_source: &str,
) -> Reply {
    let blob = |query: &str| sas_url(blob_url, query, token);
    let page = [0x5a_u8; 512];
    let tags = r#"<?xml version="1.0" encoding="utf-8"?><Tags><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tags>"#;
    let block_list = format!(
        r#"<?xml version="1.0" encoding="utf-8"?><BlockList><Latest>{BLOCK_ID}</Latest></BlockList>"#
    );
    match op {
        Op::ListBlobs => {
            let url = sas_url(container_url, "restype=container&comp=list", token);
            http.send("GET", &url, &[], b"").await
        }
        Op::GetBlob => http.send("GET", &blob(""), &[], b"").await,
        Op::GetBlobProperties => http.send("HEAD", &blob(""), &[], b"").await,
        Op::GetBlockList => {
            let url = blob("comp=blocklist&blocklisttype=all");
            http.send("GET", &url, &[], b"").await
        }
        Op::PutBlobNew | Op::PutBlobOverwrite => {
            let headers = [("x-ms-blob-type", "BlockBlob")];
            http.send("PUT", &blob(""), &headers, CONTENT).await
        }
        Op::PutBlock => {
            let url = blob(&format!("comp=block&blockid={BLOCK_ID}"));
            http.send("PUT", &url, &[], CONTENT).await
        }
        Op::PutBlockFromUrl => {
            let url = blob(&format!("comp=block&blockid={BLOCK_ID}"));
            let headers = [("x-ms-copy-source", copy_source)];
            http.send("PUT", &url, &headers, b"").await
        }
        Op::PutBlockList => {
            let url = blob("comp=blocklist");
            http.send("PUT", &url, &[], block_list.as_bytes()).await
        }
        Op::PutAppendBlobNew => {
            let headers = [("x-ms-blob-type", "AppendBlob")];
            http.send("PUT", &blob(""), &headers, b"").await
        }
        Op::AppendBlock => {
            let url = blob("comp=appendblock");
            http.send("PUT", &url, &[], CONTENT).await
        }
        Op::PutPageBlobNew => {
            let headers = [
                ("x-ms-blob-type", "PageBlob"),
                ("x-ms-blob-content-length", "512"),
            ];
            http.send("PUT", &blob(""), &headers, b"").await
        }
        Op::PutPage => {
            let headers = [("x-ms-page-write", "update"), ("x-ms-range", "bytes=0-511")];
            http.send("PUT", &blob("comp=page"), &headers, &page).await
        }
        Op::SetBlobMetadata => {
            let headers = [("x-ms-meta-matrix", "yes")];
            http.send("PUT", &blob("comp=metadata"), &headers, b"")
                .await
        }
        Op::SetBlobProperties => {
            let headers = [("x-ms-blob-content-type", "text/plain")];
            http.send("PUT", &blob("comp=properties"), &headers, b"")
                .await
        }
        Op::SnapshotBlob => http.send("PUT", &blob("comp=snapshot"), &[], b"").await,
        Op::AcquireLease => {
            let headers = [
                ("x-ms-lease-action", "acquire"),
                ("x-ms-lease-duration", "-1"),
            ];
            http.send("PUT", &blob("comp=lease"), &headers, b"").await
        }
        Op::BreakLease => {
            let headers = [("x-ms-lease-action", "break")];
            http.send("PUT", &blob("comp=lease"), &headers, b"").await
        }
        Op::DeleteBlob => http.send("DELETE", &blob(""), &[], b"").await,
        Op::SetBlobTags => {
            http.send("PUT", &blob("comp=tags"), &[], tags.as_bytes())
                .await
        }
        Op::GetBlobTags => http.send("GET", &blob("comp=tags"), &[], b"").await,
        Op::CopyFromUrlNew | Op::CopyFromUrlOverwrite => {
            let headers = [
                ("x-ms-copy-source", copy_source),
                ("x-ms-requires-sync", "true"),
            ];
            http.send("PUT", &blob(""), &headers, b"").await
        }
        Op::CopyBlobNew => {
            // The asynchronous copy's source goes without its SAS: Azurite 3.37.0 checks a source
            // that carries a `sig` by requesting it from itself over HTTPS, and its node does not
            // trust the test certificate (500, "self-signed certificate"); a same-account source
            // without `sig` is not checked. The destination's letters are what is tested here.
            let source = support::without_query(copy_source);
            let headers = [("x-ms-copy-source", source)];
            http.send("PUT", &blob(""), &headers, b"").await
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    Allowed(u16),
    Denied(&'static str),
}

/// The expected outcome of `need` for a token with `letters` on `scope`, from the table alone.
fn expect(need: &Need, letters: &str, scope: Scope) -> Expect {
    if need.op == Op::ListBlobs && scope == Scope::Blob {
        return Expect::Denied(LIST_WITH_BLOB_TOKEN);
    }
    if letters.chars().any(|l| need.azurite.contains(l)) {
        Expect::Allowed(need.ok)
    } else {
        Expect::Denied(PERMISSION_MISMATCH)
    }
}

/// `None` if `reply` is what `expected` says (and, when allowed, the operation did its work).
fn mismatch(op: Op, expected: Expect, reply: &Reply) -> Option<String> {
    let ok = match expected {
        Expect::Allowed(status) => {
            reply.status == status
                && match op {
                    Op::GetBlob => reply.body.as_bytes() == CONTENT,
                    Op::ListBlobs => reply.body.contains("<EnumerationResults"),
                    Op::GetBlobTags => reply.body.contains("<TagSet"),
                    _ => true,
                }
        }
        Expect::Denied(code) => reply.status == 403 && reply.error_code.as_deref() == Some(code),
    };
    (!ok).then(|| {
        let body: String = reply.body.chars().take(300).collect();
        format!("{op:?}: expected {expected:?}, got {reply:?} {body}")
    })
}

/// Mints a token for `scenario` and runs every operation with it; returns the number of checks
/// and the mismatches.
async fn run_scenario(
    az: &'static support::Azurite,
    ts: Arc<TokenServer>,
    http: BlobHttp,
    mint_gate: Arc<tokio::sync::Semaphore>,
    scenario: Scenario,
) -> (usize, Vec<String>) {
    let container_url = az.container_url(&scenario.container);
    http.create_container(az, &scenario.container).await;
    let source_url = az.blob_url(&scenario.container, "src/source.bin");
    let urls: Vec<String> = NEEDS
        .iter()
        .map(|n| az.blob_url(&scenario.container, &blob_name(n.op)))
        .collect();
    let setups = NEEDS
        .iter()
        .zip(&urls)
        .map(|(need, url)| set_up(&http, need.op, url));
    let ((), _) = futures::join!(http.put_block_blob(&source_url, CONTENT), join_all(setups));
    // The copy source is authorised by its own read-only SAS, never by the token under test.
    let source_sas =
        support::container_sas(az, &scenario.container, "r", time::Duration::hours(1)).await;
    let copy_source = format!("{source_url}?{source_sas}");

    // One token for the container, or one per operation's blob (a blob SAS names one blob).
    let mint_urls = match scenario.scope {
        Scope::Container => vec![container_url.clone()],
        Scope::Blob => urls.clone(),
    };
    let minted = {
        let _permit = mint_gate.acquire().await.expect("semaphore open");
        let (ts, args) = (ts.clone(), scenario.args.clone());
        let mint_urls = mint_urls.clone();
        tokio::task::spawn_blocking(move || support::mint_tokens(az, &ts, &mint_urls, &args))
            .await
            .expect("mint task")
    };
    let tokens = match minted {
        Ok(tokens) => tokens,
        Err(run) => {
            return (
                1,
                vec![format!(
                    "{}: mint failed with {:?}: {}",
                    scenario.label, run.code, run.stderr
                )],
            )
        }
    };
    let mut failures = Vec::new();
    let sr = match scenario.scope {
        Scope::Container => "c",
        Scope::Blob => "b",
    };
    // Every token carries the expected letters and resource (reported once per scenario).
    if let Some((sp, got_sr)) = tokens
        .iter()
        .map(|t| (token_param(t, "sp"), token_param(t, "sr")))
        .find(|(sp, got_sr)| {
            sp.as_deref() != Some(&*scenario.letters) || got_sr.as_deref() != Some(sr)
        })
    {
        failures.push(format!(
            "{}: token has sp={sp:?} sr={got_sr:?}, expected sp={} sr={sr}",
            scenario.label, scenario.letters
        ));
    }
    let token_for = |i: usize| match scenario.scope {
        Scope::Container => &tokens[0],
        Scope::Blob => &tokens[i],
    };
    let replies = join_all(NEEDS.iter().enumerate().map(|(i, need)| {
        perform(
            &http,
            need.op,
            &container_url,
            &urls[i],
            token_for(i),
            &copy_source,
        )
    }))
    .await;
    for (need, reply) in NEEDS.iter().zip(&replies) {
        let expected = expect(need, &scenario.letters, scenario.scope);
        if let Some(why) = mismatch(need.op, expected, reply) {
            failures.push(format!("{}: {why}", scenario.label));
        }
    }
    (tokens.len() + replies.len(), failures)
}

/// Runs every scenario concurrently against the shared Azurite and fails with every mismatch.
async fn run_matrix(scenarios: Vec<Scenario>) {
    let az = support::shared_azurite();
    let ts = Arc::new(TokenServer::start());
    let http = BlobHttp::new(az, 24);
    let mint_gate = Arc::new(tokio::sync::Semaphore::new(3));
    let count = scenarios.len();
    let expected_checks: usize = scenarios
        .iter()
        .map(|s| {
            NEEDS.len()
                + match s.scope {
                    Scope::Container => 1,
                    Scope::Blob => NEEDS.len(),
                }
        })
        .sum();
    let results = join_all(
        scenarios
            .into_iter()
            .map(|s| run_scenario(az, ts.clone(), http.clone(), mint_gate.clone(), s)),
    )
    .await;
    let checks: usize = results.iter().map(|(n, _)| n).sum();
    let failures: Vec<String> = results.into_iter().flat_map(|(_, f)| f).collect();
    assert!(
        failures.is_empty(),
        "{} of {checks} checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(
        checks, expected_checks,
        "every token and operation of the {count} scenarios was checked"
    );
}

fn scenario(kind: &str, what: &str, scope: Scope, args: &[&str], letters: &str) -> Scenario {
    let (suffix, on) = match scope {
        Scope::Container => ("c", "a container"),
        Scope::Blob => ("b", "a blob"),
    };
    Scenario {
        label: format!("{} on {on}", args.join(" ")),
        container: format!("{kind}-{what}-{suffix}"),
        args: args.iter().map(|a| a.to_string()).collect(),
        letters: letters.to_string(),
        scope,
    }
}

// ---- the tests -------------------------------------------------------------------------------------

/// Every preset, on a container and (where it allows one) on a blob: every operation in
/// [`NEEDS`] succeeds exactly when the preset's letters include one the operation needs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_preset_grants_exactly_its_letters_on_azurite() {
    let mut scenarios = Vec::new();
    for (preset, container, blob) in PRESETS {
        let args = ["--for", preset];
        scenarios.push(scenario("p", preset, Scope::Container, &args, container));
        if let Some(blob) = blob {
            scenarios.push(scenario("p", preset, Scope::Blob, &args, blob));
        }
    }
    run_matrix(scenarios).await;
}

/// `--permissions` with each letter Azurite enforces alone and in every pair, and all of them
/// (`racwdl` on a container, `racwdt` on a blob, where `l` does not apply), on a container and on
/// a blob. Letters are passed in reverse to show any order is accepted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_letter_and_pair_of_letters_grants_exactly_itself_on_azurite() {
    let mut sets: Vec<String> = LETTERS.chars().map(String::from).collect();
    for (i, a) in LETTERS.chars().enumerate() {
        for b in LETTERS.chars().skip(i + 1) {
            sets.push(format!("{a}{b}"));
        }
    }
    let mut scenarios = Vec::new();
    for letters in sets.iter().map(String::as_str).chain(["racwdl"]) {
        let reversed: String = letters.chars().rev().collect();
        let args = ["--permissions", &reversed];
        scenarios.push(scenario("l", letters, Scope::Container, &args, letters));
    }
    for letters in sets
        .iter()
        .map(String::as_str)
        .filter(|l| !l.contains('l'))
        .chain(["racwdt"])
    {
        let reversed: String = letters.chars().rev().collect();
        let args = ["--permissions", &reversed];
        scenarios.push(scenario("l", letters, Scope::Blob, &args, letters));
    }
    run_matrix(scenarios).await;
}

// ---- the preset table, offline --------------------------------------------------------------------

/// A delegation key file valid from an hour ago for a day, for offline minting.
fn key_file() -> tempfile::NamedTempFile {
    key_file_for("b")
}

/// A key valid from an hour ago for a day, from the `service` (`b` or `q`) endpoint.
fn key_file_for(service: &str) -> tempfile::NamedTempFile {
    use base64::Engine as _;
    use time::format_description::well_known::Rfc3339;
    let at = |seconds: i64| {
        (time::OffsetDateTime::now_utc() + time::Duration::seconds(seconds))
            .replace_nanosecond(0)
            .expect("0 ns")
            .format(&Rfc3339)
            .expect("RFC 3339")
    };
    let key = serde_json::json!({
        "signedOid": support::TEST_OID,
        "signedTid": support::TEST_TID,
        "signedStart": at(-3600),
        "signedExpiry": at(86_400),
        "signedService": service,
        "signedVersion": "2026-04-06",
        "value": base64::engine::general_purpose::STANDARD.encode([7_u8; 32]),
    });
    let mut file = tempfile::NamedTempFile::new().expect("temp key file");
    file.write_all(key.to_string().as_bytes())
        .expect("write key file");
    file
}

const OFFLINE_CONTAINER: &str = "https://myacct.blob.core.windows.net/imagery";
const OFFLINE_BLOB: &str = "https://myacct.blob.core.windows.net/imagery/scenes/a.tif";

fn mint_offline(key: &tempfile::NamedTempFile, url: &str, args: &[&str]) -> Run {
    let mut cmd = support::sasmint_offline();
    cmd.args(["mint", url])
        .args(args)
        .arg("--delegation-key")
        .arg(key.path())
        .args(["--output", "json"]);
    Run::of(&mut cmd)
}

/// The presets the binary offers, from clap's `[possible values: …]` for a bad `--for`.
fn offered_presets() -> BTreeSet<String> {
    let run = Run::of(support::sasmint_offline().args([
        "mint",
        OFFLINE_CONTAINER,
        "--for",
        "no-such-preset",
    ]));
    run.failed_with(2).says("invalid value 'no-such-preset'");
    let list = run
        .stderr
        .split_once("[possible values: ")
        .and_then(|(_, rest)| rest.split_once(']'))
        .map(|(list, _)| list)
        .unwrap_or_else(|| panic!("no possible values in:\n{}", run.stderr));
    list.split(", ").map(str::to_owned).collect()
}

/// Every preset the binary offers has a row in [`PRESETS`] (a preset added without its row fails
/// here), and mints exactly the row's letters on a container and on a blob, or refuses the blob
/// URL with exit 2.
#[test]
fn every_preset_has_a_row_and_mints_its_letters() {
    let table: BTreeSet<String> = PRESETS
        .iter()
        .map(|(p, _, _)| p.to_string())
        .chain(QUEUE_PRESETS.iter().map(|(p, _)| p.to_string()))
        .collect();
    assert_eq!(
        offered_presets(),
        table,
        "the presets `sasmint mint --for` offers differ from PRESETS in tests/matrix.rs: add a row \
         (and the README's preset table)"
    );
    let key = key_file();
    for (preset, container, blob) in PRESETS {
        let run = mint_offline(&key, OFFLINE_CONTAINER, &["--for", preset]);
        run.ok();
        let json = run.json();
        assert_eq!(
            json["permissions"], *container,
            "--for {preset} on a container"
        );
        assert_eq!(
            json["signed_resource"], "c",
            "--for {preset} on a container"
        );

        let run = mint_offline(&key, OFFLINE_BLOB, &["--for", preset]);
        match blob {
            Some(letters) => {
                run.ok();
                let json = run.json();
                assert_eq!(json["permissions"], *letters, "--for {preset} on a blob");
                assert_eq!(json["signed_resource"], "b", "--for {preset} on a blob");
            }
            None => {
                run.failed_with(2)
                    .says(&format!(
                        "a {preset} token needs a container URL, not a blob URL"
                    ))
                    .says("hint: drop the blob path from the URL");
            }
        }
    }
}

/// The queue presets mint their letters on a queue URL and are refused (exit 2) on a container;
/// the blob presets are refused on a queue.
#[test]
fn queue_presets_mint_their_letters_on_a_queue_only() {
    let (queue_key, blob_key) = (key_file_for("q"), key_file());
    let queue = "https://myacct.queue.core.windows.net/orders";
    for (preset, letters) in QUEUE_PRESETS {
        let run = mint_offline(&queue_key, queue, &["--for", preset]);
        run.ok();
        let json = run.json();
        assert_eq!(json["permissions"], *letters, "--for {preset}");
        assert_eq!(json["resource"], "queue", "--for {preset}");
        assert!(json["signed_resource"].is_null(), "--for {preset}");
        mint_offline(&blob_key, OFFLINE_CONTAINER, &["--for", preset])
            .failed_with(2)
            .says(&format!("a {preset} token needs a queue URL"));
    }
    for (preset, _, _) in PRESETS {
        mint_offline(&queue_key, queue, &["--for", preset])
            .failed_with(2)
            .says(&format!("the {preset} preset is for Blob Storage"));
    }
}

/// `l` does not apply to a blob: `--permissions` with it is refused on a blob URL (so the blob
/// half of the letter matrix uses `t` where the container half uses `l`).
#[test]
fn list_letter_is_refused_on_a_blob() {
    let key = key_file();
    for letters in ["l", "racwdl", "lt"] {
        mint_offline(&key, OFFLINE_BLOB, &["--permissions", letters])
            .failed_with(2)
            .says("permission 'l' (list) does not apply to a single blob");
    }
}

// ---- the tables in this file's documentation are the tables tested ---------------------------------

/// "`c` or `w`" for "cw".
fn any_of(letters: &str) -> String {
    letters
        .chars()
        .map(|l| format!("`{l}`"))
        .collect::<Vec<_>>()
        .join(" or ")
}

fn need_row(need: &Need) -> String {
    let azurite = if need.azurite == need.docs {
        "same".to_string()
    } else {
        format!("{} (differs)", any_of(need.azurite))
    };
    format!(
        "| {} | {} | {} | {azurite} | {} |",
        need.name,
        need.request,
        any_of(need.docs),
        need.source
    )
}

fn preset_row((preset, container, blob): &(&str, &str, Option<&str>)) -> String {
    let blob = match blob {
        Some(letters) => format!("`{letters}`"),
        None => "refused (exit 2)".to_string(),
    };
    format!("| `{preset}` | `{container}` | {blob} |")
}

/// The rows of the `n`th markdown table in this file's `//!` documentation (header and rule
/// skipped).
fn doc_table(n: usize) -> Vec<String> {
    let doc: Vec<&str> = include_str!("matrix.rs")
        .lines()
        .take_while(|l| l.starts_with("//!"))
        .map(|l| l.trim_start_matches("//!").trim())
        .collect();
    let mut tables: Vec<Vec<String>> = Vec::new();
    let mut in_table = false;
    for line in doc {
        if line.starts_with('|') {
            if !in_table {
                tables.push(Vec::new());
                in_table = true;
            }
            tables.last_mut().expect("a table").push(line.to_string());
        } else {
            in_table = false;
        }
    }
    let table = tables
        .get(n)
        .unwrap_or_else(|| panic!("the documentation has no table {n}"));
    table[2..].to_vec()
}

/// The documentation at the top of this file shows exactly [`NEEDS`] and [`PRESETS`]: they cannot
/// drift apart.
#[test]
fn documented_tables_are_the_tested_tables() {
    let needs: Vec<String> = NEEDS.iter().map(need_row).collect();
    assert_eq!(
        doc_table(0),
        needs,
        "the operation table at the top of tests/matrix.rs must be exactly:\n{}",
        needs.join("\n")
    );
    let presets: Vec<String> = PRESETS.iter().map(preset_row).collect();
    assert_eq!(
        doc_table(1),
        presets,
        "the preset table at the top of tests/matrix.rs must be exactly:\n{}",
        presets.join("\n")
    );
    // Every operation appears once.
    let ops: BTreeSet<Op> = NEEDS.iter().map(|n| n.op).collect();
    assert_eq!(ops.len(), NEEDS.len(), "an operation has two rows");
}
