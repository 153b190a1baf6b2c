//! The secrets in the environment: read here, registered with `domain::redact`, so that they
//! never reach stderr.

use crate::domain::redact;

/// Registers the values of the environment variables that hold secrets, whatever their length
/// (people choose passwords and tokens; a short one is still a secret). Reads no file: at
/// start-up, offline commands included, only the environment.
pub fn register_env() {
    for name in [
        "AZURE_CLIENT_SECRET",
        "IDENTITY_HEADER",
        "MSI_SECRET",
        "SYSTEM_ACCESSTOKEN",
        "AZURE_STORAGE_KEY",
        "AZURE_STORAGE_SAS_TOKEN",
        "MAXAR_ARD_TOKEN",
        "MAXAR_ARD_PASSWORD",
    ] {
        if let Ok(value) = std::env::var(name) {
            redact::register_credential(&value);
        }
    }
    // The federated token of workload identity is registered by the credential that reads it
    // (`clients::credentials`), before its first request: nothing else sends it anywhere.
}
