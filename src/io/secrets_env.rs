//! The secrets in the environment: read here, registered with `domain::redact`, so that they
//! never reach stderr.

use crate::clients::local_file;
use crate::domain::redact;

/// Registers the values of the environment variables that hold secrets, whatever their length
/// (people choose passwords and tokens; a short one is still a secret), and the federated
/// token of workload identity (read from its file with the one reader of files: a regular file
/// of at most 64 KiB, opened without blocking; anything else is left to the credential, which
/// reports it).
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
    if let Some(path) = std::env::var_os("AZURE_FEDERATED_TOKEN_FILE").filter(|p| !p.is_empty()) {
        let limit = local_file::CREDENTIAL_LIMIT;
        if let Ok(Some(token)) = local_file::read_text(path.as_ref(), limit) {
            redact::register_credential(token.trim());
        }
    }
}
