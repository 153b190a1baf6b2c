//! Diagnostics on stderr through `tracing`, every line scrubbed of secrets.
//!
//! Default: sasmint's own warnings only; the libraries' log lines would repeat, in their words,
//! the failure sasmint reports with a hint (a TLS library's `ERROR … UnknownIssuer` before
//! "the certificate is not trusted"). `-v`: sasmint's progress and the libraries' warnings.
//! `-vv`: also every HTTP request the Azure SDK makes (method, URL with only safe query
//! parameters, allow-listed headers). `-q`: nothing but sasmint's error. `RUST_LOG` overrides
//! all of these.

use crate::domain::redact::ScrubbedStderr;
use std::io::IsTerminal;
use tracing_subscriber::EnvFilter;

pub fn init(verbose: u8, quiet: bool) {
    // sasmint itself logs progress (info) and requests (debug) only, and the libraries are off
    // by default: without -v or RUST_LOG nothing would pass the filter, so none is set up
    // (building it is a tenth of an offline mint's run time).
    if (quiet || verbose == 0) && std::env::var_os("RUST_LOG").is_none() {
        return;
    }
    let default = match (quiet, verbose) {
        (true, _) => "off",
        (false, 0) => "off,sasmint=warn",
        (false, 1) => "warn,sasmint=info",
        (false, _) => "warn,sasmint=debug,azure_core=debug,typespec_client_core=debug,azure_identity=debug,azure_storage_blob=debug",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(ScrubbedStderr::default)
        .with_ansi(std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none())
        .with_target(verbose >= 2)
        .without_time()
        .try_init();
}
