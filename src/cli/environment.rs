//! Empty environment variables are unset, all of them: `SASMINT_ACCOUNT=''` is as if
//! `SASMINT_ACCOUNT` were not set, like `SASMINT_EXPIRES_IN=''`. clap passes an empty value to
//! an option's parser (`env =`), and the SDK and the TLS stack read an empty variable as set
//! (an empty `SSL_CERT_FILE` names no file); removing them before anything reads the
//! environment makes every reader agree.

/// The prefixes and names of the variables sasmint, the Azure SDK and the TLS stack read.
const PREFIXES: &[&str] = &[
    "SASMINT_",
    "MAXAR_ARD_",
    "AZURE_",
    "AZURESUBSCRIPTION_",
    "IDENTITY_",
    "MSI_",
    "IMDS_",
    "SSL_CERT_",
];
const NAMES: &[&str] = &[
    "SYSTEM_ACCESSTOKEN",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
];

/// Whether `name` is one of them (a proxy variable in either case).
fn read_by_sasmint(name: &str) -> bool {
    PREFIXES.iter().any(|p| name.starts_with(p))
        || NAMES.iter().any(|n| name.eq_ignore_ascii_case(n))
}

/// Removes each of them that is set to the empty string. Call it first, while the process
/// has one thread (no other thread reads the environment meanwhile).
pub fn unset_empty() {
    let empty: Vec<std::ffi::OsString> = std::env::vars_os()
        .filter(|(name, value)| value.is_empty() && name.to_str().is_some_and(read_by_sasmint))
        .map(|(name, _)| name)
        .collect();
    for name in empty {
        std::env::remove_var(name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_variables_sasmint_reads() {
        for name in [
            "SASMINT_ACCOUNT",
            "MAXAR_ARD_TOKEN",
            "AZURE_CLIENT_ID",
            "IDENTITY_ENDPOINT",
            "SSL_CERT_FILE",
            "https_proxy",
            "No_Proxy",
        ] {
            assert!(read_by_sasmint(name), "{name}");
        }
        for name in ["PATH", "HOME", "GITHUB_OUTPUT", "sasmint_account"] {
            assert!(!read_by_sasmint(name), "{name}");
        }
    }
}
