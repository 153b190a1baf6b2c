//! The secrets in the environment: read here, registered with `domain::redact`, so that they
//! never reach stderr.

use crate::domain::redact;

/// Registers the values of the environment variables that hold secrets, whatever their length
/// (people choose passwords and tokens; a short one is still a secret), and the federated
/// token of workload identity (read from its file).
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
    // The federated token (workload identity) is a bearer credential too.
    if let Some(path) = std::env::var_os("AZURE_FEDERATED_TOKEN_FILE") {
        if let Ok(token) = std::fs::read_to_string(path) {
            redact::register_credential(token.trim());
        }
    }
}
