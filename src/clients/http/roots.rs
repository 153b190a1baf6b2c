//! The certificates to trust when `SSL_CERT_FILE` or `SSL_CERT_DIR` names them, read by
//! sasmint itself with the one reader of files ([`local_file`]) and handed to `reqwest`: left to
//! the TLS stack (`rustls-platform-verifier` → `rustls-native-certs`), the files would be read
//! whole and blocking when the client is built (`/dev/zero` grows to the address-space limit, a
//! FIFO with no writer waits for ever). Without either variable the system's store is used,
//! as before.

use crate::clients::local_file::{self, CERTIFICATES_LIMIT};
use crate::domain::error::{Failure, Kind, Result};
use crate::domain::shown;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use std::path::{Path, PathBuf};

/// The most entries of the `SSL_CERT_DIR` directories looked at (a system's has a few hundred).
const DIR_ENTRIES_LIMIT: usize = 10_000;

const HINT: &str = "SSL_CERT_FILE and SSL_CERT_DIR must name regular files of PEM CA certificates, 4 MiB at most together (or unset them to use the system's)";

/// The roots `SSL_CERT_FILE` and `SSL_CERT_DIR` name (as `rustls-native-certs` reads them: the
/// file, and every regular file in each directory of the `:`-separated list), or `None` when
/// neither is set. A file that cannot be read, is no regular file, or passes the 4 MiB they
/// may hold together, is a TLS set-up failure (exit 7) naming it; so is finding no certificate.
pub fn from_env() -> Result<Option<Vec<reqwest::Certificate>>> {
    let file = std::env::var_os("SSL_CERT_FILE").filter(|v| !v.is_empty());
    let dirs: Vec<PathBuf> = std::env::var_os("SSL_CERT_DIR")
        .map(|d| {
            std::env::split_paths(&d)
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        })
        .unwrap_or_default();
    if file.is_none() && dirs.is_empty() {
        return Ok(None);
    }
    let mut reading = Reading::default();
    if let Some(file) = file {
        reading.file(Path::new(&file), "SSL_CERT_FILE")?;
    }
    for dir in &dirs {
        let entries = std::fs::read_dir(dir)
            .map_err(|e| failure(format!("cannot read SSL_CERT_DIR {}: {e}", named(dir))))?;
        let mut paths: Vec<PathBuf> = Vec::new();
        for entry in entries {
            if paths.len() == DIR_ENTRIES_LIMIT {
                return Err(failure(format!(
                    "SSL_CERT_DIR {} has more than {DIR_ENTRIES_LIMIT} entries",
                    named(dir)
                )));
            }
            let entry = entry
                .map_err(|e| failure(format!("cannot read SSL_CERT_DIR {}: {e}", named(dir))))?;
            paths.push(entry.path());
        }
        paths.sort();
        for path in paths {
            // Only regular files (through links), each once: `openssl rehash` links them.
            match std::fs::metadata(&path) {
                Ok(meta) if meta.is_file() && reading.first_visit(&meta) => {
                    reading.file(&path, "a file of SSL_CERT_DIR")?;
                }
                _ => {}
            }
        }
    }
    if reading.roots.is_empty() {
        return Err(failure(
            "SSL_CERT_FILE and SSL_CERT_DIR hold no usable CA certificate".to_owned(),
        ));
    }
    Ok(Some(reading.roots))
}

#[derive(Default)]
struct Reading {
    roots: Vec<reqwest::Certificate>,
    /// Bytes read so far, against [`CERTIFICATES_LIMIT`].
    total: u64,
    /// `(device, inode)` of each file read (Unix; elsewhere every path is read once anyway).
    #[cfg(unix)]
    seen: Vec<(u64, u64)>,
}

impl Reading {
    fn file(&mut self, path: &Path, what: &str) -> Result<()> {
        let left = CERTIFICATES_LIMIT.saturating_sub(self.total);
        let bytes = local_file::read(path, left).map_err(|e| match e {
            local_file::FileError::TooBig(_) => failure(format!(
                "cannot read {what} {}: the certificates are larger than {} together",
                named(path),
                local_file::size(CERTIFICATES_LIMIT)
            )),
            e => failure(format!("cannot read {what} {}: {e}", named(path))),
        })?;
        self.total += bytes.len() as u64;
        // As the system's store is read: what rustls cannot use as a root is skipped.
        for der in CertificateDer::pem_slice_iter(&bytes).map_while(|c| c.ok()) {
            if rustls::RootCertStore::empty().add(der.clone()).is_ok() {
                if let Ok(cert) = reqwest::Certificate::from_der(&der) {
                    self.roots.push(cert);
                }
            }
        }
        Ok(())
    }

    #[cfg(unix)]
    fn first_visit(&mut self, meta: &std::fs::Metadata) -> bool {
        use std::os::unix::fs::MetadataExt;
        let id = (meta.dev(), meta.ino());
        if self.seen.contains(&id) {
            return false;
        }
        self.seen.push(id);
        true
    }

    #[cfg(not(unix))]
    fn first_visit(&mut self, _: &std::fs::Metadata) -> bool {
        true
    }
}

fn named(path: &Path) -> String {
    shown::value(&path.display().to_string())
}

fn failure(message: String) -> Failure {
    Failure::new(Kind::Tls, format!("cannot set up TLS: {message}")).hint(HINT)
}
