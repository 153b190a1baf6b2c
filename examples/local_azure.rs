//! A local stand-in for Azure, for the README demo (`scripts/demo.sh`): Azurite (HTTPS, Bearer
//! auth) plus a managed-identity token endpoint, with container `demo` holding `hello.txt`.
//!
//! Prints shell `export` lines (`IDENTITY_ENDPOINT`, `IDENTITY_HEADER`, `SSL_CERT_FILE`,
//! `DEMO_CONTAINER_URL`) on stdout, then runs until SIGINT/SIGTERM and cleans up.
//!
//! ```sh
//! cargo run --example local_azure > /tmp/local-azure.env &
//! source /tmp/local-azure.env
//! ```
//!
//! The identity header printed here is a throwaway secret for this local endpoint only.
//!
//! With `--geocatalog`, also the GeoCatalog stand-in of the tests (`GEOCATALOG_ENDPOINT`); with
//! `--ard`, the Maxar ARD stand-in (`ARD_ENDPOINT`, `MAXAR_ARD_USERNAME`, `MAXAR_ARD_PASSWORD`).
//! With `--storage-front PORT` as well, they take container URLs on that port (a delay proxy in
//! front of Azurite, `bench/latency.sh`) and prove their tokens on Azurite directly.

#[path = "../tests/support/mod.rs"]
mod support;

use std::io::Write as _;

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

const CONTAINER: &str = "demo";
const BLOB: &str = "hello.txt";
const CONTENT: &[u8] = b"hello from azurite\n";

fn main() {
    let mut geocatalog = false;
    let mut ard = false;
    let mut storage_front = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--geocatalog" => geocatalog = true,
            "--ard" => ard = true,
            "--storage-front" => {
                let port = args.next().and_then(|p| p.parse::<u16>().ok());
                storage_front = Some(port.expect("--storage-front needs a port number"));
            }
            other => panic!("unknown argument {other:?} (see the example's doc comment)"),
        }
    }
    assert!(
        geocatalog || ard || storage_front.is_none(),
        "--storage-front goes with --geocatalog or --ard"
    );

    // Handle signals before anything is printed: whoever reads the exports may stop us at once.
    let mut signals = Signals::new([SIGINT, SIGTERM]).expect("install signal handlers");

    let azurite = support::Azurite::start();
    let token_server = support::TokenServer::start();

    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
        .block_on(async {
            support::create_container(&azurite, CONTAINER).await;
            support::upload_blob(&azurite, CONTAINER, BLOB, CONTENT).await;
        });

    let catalog = geocatalog.then(|| support::GeoCatalog::start(&azurite));
    if let (Some(catalog), Some(port)) = (&catalog, storage_front) {
        catalog.set_storage_front(port);
    }
    let ard = ard.then(|| support::Ard::start(&azurite));
    if let (Some(ard), Some(port)) = (&ard, storage_front) {
        ard.set_storage_front(port);
    }

    let mut exports = vec![
        ("IDENTITY_ENDPOINT", token_server.endpoint()),
        ("IDENTITY_HEADER", token_server.header().to_string()),
        (
            "SSL_CERT_FILE",
            azurite.cert_path().to_string_lossy().into_owned(),
        ),
        ("DEMO_CONTAINER_URL", azurite.container_url(CONTAINER)),
    ];
    if let Some(catalog) = &catalog {
        exports.push(("GEOCATALOG_ENDPOINT", catalog.endpoint()));
    }
    if let Some(ard) = &ard {
        exports.push(("ARD_ENDPOINT", ard.endpoint()));
        exports.push(("MAXAR_ARD_USERNAME", ard.username().to_string()));
        exports.push(("MAXAR_ARD_PASSWORD", ard.password().to_string()));
    }
    let mut stdout = std::io::stdout().lock();
    for (name, value) in exports {
        writeln!(stdout, "export {name}={}", shell_quote(&value)).expect("write to stdout");
    }
    stdout.flush().expect("flush stdout");
    drop(stdout);
    eprintln!(
        "local_azure: Azurite on https://127.0.0.1:{}, container '{CONTAINER}' with '{BLOB}'; \
         stop with Ctrl-C or SIGTERM",
        azurite.port()
    );

    let signal = signals.forever().next();
    eprintln!("local_azure: got signal {signal:?}, stopping Azurite");
    drop(ard);
    drop(catalog);
    drop(token_server);
    drop(azurite);
}

/// Single-quotes a value for POSIX shells.
fn shell_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}
