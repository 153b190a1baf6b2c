//! `geocatalog register` against a catalog that holds 500 other sources: how many requests each
//! binary sends to the catalog and how long it takes, to create a source and to rotate it.
//! The local stand-ins of the tests (Azurite over HTTPS, a managed-identity endpoint, the strict
//! GeoCatalog stand-in, 100 sources per list page).
//!
//! ```sh
//! cargo run --release --example geocatalog_bench -- NAME=/path/to/sasmint [NAME=/path …]
//! ```
//!
//! Prints a markdown table (bench/RESULTS.md, "geocatalog register against 500 sources").

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

const OTHER_SOURCES: usize = 500;
const ROTATIONS: usize = 5;

fn main() {
    let binaries: Vec<(String, String)> = std::env::args()
        .skip(1)
        .map(|arg| {
            let (name, path) = arg
                .split_once('=')
                .expect("arguments are NAME=/path/to/sasmint");
            (name.to_owned(), path.to_owned())
        })
        .collect();
    assert!(
        !binaries.is_empty(),
        "give at least one NAME=/path/to/sasmint"
    );

    let azurite = support::Azurite::start();
    let tokens = support::TokenServer::start();
    let catalog = support::GeoCatalog::start(&azurite);
    catalog.set_page_size(100);
    for i in 0..OTHER_SOURCES {
        catalog.seed_sas_source(&format!("https://other{i}.blob.core.windows.net/c{i}"));
    }

    println!(
        "| binary | create: requests | create: time | rotate: requests | rotate: median time |"
    );
    println!("|---|---:|---:|---:|---:|");
    for (i, (name, path)) in binaries.iter().enumerate() {
        let container = format!("bench-{i}");
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(support::create_container(&azurite, &container));
        let url = azurite.container_url(&container);
        let run = |lifetime: &str| -> (usize, Duration) {
            let before = catalog.request_count();
            let mut cmd = support::scrubbed_command(path);
            support::use_local_azure(&mut cmd, &azurite, &tokens);
            cmd.args([
                "-q",
                "geocatalog",
                "register",
                &url,
                "--expires-in",
                lifetime,
            ])
            .args([
                "--auth",
                "managed-identity",
                "--geocatalog",
                &catalog.endpoint(),
            ]);
            let started = Instant::now();
            let out = cmd.output().expect("run sasmint");
            let took = started.elapsed();
            assert!(
                out.status.success(),
                "{name}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            (catalog.request_count() - before, took)
        };
        let (create_requests, create_time) = run("7d");
        let mut rotations: Vec<(usize, Duration)> = (0..ROTATIONS)
            .map(|n| run(&format!("{}d", 6 - (n % 5))))
            .collect();
        rotations.sort_by_key(|(_, took)| *took);
        let (rotate_requests, rotate_time) = rotations[ROTATIONS / 2];
        println!(
            "| {name} | {create_requests} | {:.0} ms | {rotate_requests} | {:.0} ms |",
            create_time.as_secs_f64() * 1000.0,
            rotate_time.as_secs_f64() * 1000.0
        );
    }
}
