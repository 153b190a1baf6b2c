//! The one reader of a local file named by the environment or an option
//! (`AZURE_FEDERATED_TOKEN_FILE`, `SSL_CERT_FILE` and the files of `SSL_CERT_DIR`,
//! `--delegation-key`, `--from-file`): a regular file only, opened without blocking, read up to
//! a cap. A FIFO with no writer, a device such as `/dev/zero`, a directory or a socket is
//! refused before any read; a file over the cap is refused from its size, and never read whole
//! (one that grows while read stops one byte past the cap). `io::input` reads `-` (stdin) for
//! the options documented to take it, and everything else through here.
//!
//! It sits in `clients` (the lowest layer allowed I/O) because the credentials and the HTTP
//! client's certificates need it too, and `io` sits above them.

use std::fs::File;
use std::io::Read;
use std::path::Path;

/// The most a credential file (the federated token, a saved delegation key) may hold.
pub const CREDENTIAL_LIMIT: u64 = 64 * 1024;
/// The most the certificate files of `SSL_CERT_FILE` and `SSL_CERT_DIR` may hold, together
/// (the Mozilla bundle is about 220 KiB).
pub const CERTIFICATES_LIMIT: u64 = 4 * 1024 * 1024;

/// Why a file was not read.
#[derive(Debug)]
pub enum FileError {
    /// It could not be opened or read.
    Io(std::io::Error),
    /// It is no regular file: what it is ("a FIFO", "a directory", …).
    NotRegular(&'static str),
    /// It holds more than the cap (in bytes).
    TooBig(u64),
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileError::Io(e) => write!(f, "{e}"),
            FileError::NotRegular(what) => write!(f, "it is {what}, not a regular file"),
            FileError::TooBig(limit) => write!(f, "it is larger than {}", size(*limit)),
        }
    }
}

impl std::error::Error for FileError {}

/// Reads the regular file at `path`, at most `limit` bytes ([module docs](self)).
pub fn read(path: &Path, limit: u64) -> Result<Vec<u8>, FileError> {
    let file = open_regular(path)?;
    if file.metadata().map_err(FileError::Io)?.len() > limit {
        return Err(FileError::TooBig(limit));
    }
    let bytes = read_at_most(&file, limit).map_err(FileError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(FileError::TooBig(limit));
    }
    Ok(bytes)
}

/// Opens the regular file at `path` to read from its start, without blocking (a FIFO with no
/// writer, a device or a directory is refused at once, from `fstat`), then in blocking mode
/// again for the reading.
pub fn open_regular(path: &Path) -> Result<File, FileError> {
    // Windows refuses to open a directory at all ("Access is denied"): say what it is instead,
    // as `fstat` lets unix say below. (The file is still checked once open.)
    #[cfg(not(unix))]
    if let Ok(meta) = std::fs::metadata(path) {
        if !meta.is_file() {
            return Err(FileError::NotRegular(kind(&meta.file_type())));
        }
    }
    let file = open(path).map_err(FileError::Io)?;
    let meta = file.metadata().map_err(FileError::Io)?;
    if !meta.is_file() {
        return Err(FileError::NotRegular(kind(&meta.file_type())));
    }
    blocking(&file).map_err(FileError::Io)?;
    Ok(file)
}

/// [`read`], as UTF-8 text (`None` for bytes that are not).
pub fn read_text(path: &Path, limit: u64) -> Result<Option<String>, FileError> {
    read(path, limit).map(|bytes| String::from_utf8(bytes).ok())
}

/// Opens for reading without blocking: opening a FIFO with no writer returns at once.
#[cfg(unix)]
fn open(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    let flags = rustix::fs::OFlags::NONBLOCK | rustix::fs::OFlags::NOCTTY;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags.bits() as i32)
        .open(path)
}

#[cfg(not(unix))]
fn open(path: &Path) -> std::io::Result<File> {
    File::open(path)
}

/// Clears `O_NONBLOCK` again, for reading a regular file (found so by `fstat`).
#[cfg(unix)]
fn blocking(file: &File) -> std::io::Result<()> {
    let flags = rustix::fs::fcntl_getfl(file)?;
    rustix::fs::fcntl_setfl(file, flags - rustix::fs::OFlags::NONBLOCK)?;
    Ok(())
}

#[cfg(not(unix))]
fn blocking(_: &File) -> std::io::Result<()> {
    Ok(())
}

/// What a file that is no regular file is, for a message.
fn kind(file_type: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else {
        "no regular file"
    }
}

/// Reads `limit + 1` bytes at most: one more than allowed is enough to know it is too big.
pub fn read_at_most(reader: impl Read, limit: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// `64 KiB`, `16 MiB`.
pub fn size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{} MiB", bytes / (1024 * 1024))
    } else if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_up_to_the_limit_and_stops_one_byte_past_it() {
        assert_eq!(read_at_most(&b"abcd"[..], 4).unwrap(), b"abcd");
        assert_eq!(read_at_most(&b"abcdef"[..], 4).unwrap(), b"abcde");
        assert_eq!(
            read_at_most(std::io::repeat(0), 10).unwrap().len(),
            11,
            "an endless reader stops"
        );
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(size(CREDENTIAL_LIMIT), "64 KiB");
        assert_eq!(size(CERTIFICATES_LIMIT), "4 MiB");
        assert_eq!(size(1000), "1000 bytes");
    }

    #[test]
    fn regular_files_only_and_capped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"hello").unwrap();
        assert_eq!(read(&path, 5).unwrap(), b"hello");
        assert!(matches!(read(&path, 4), Err(FileError::TooBig(4))));
        assert!(matches!(
            read(dir.path(), 5),
            Err(FileError::NotRegular("a directory"))
        ));
        assert!(matches!(
            read(&dir.path().join("none"), 5),
            Err(FileError::Io(_))
        ));
        #[cfg(unix)]
        {
            let zero = read(Path::new("/dev/zero"), 5).unwrap_err();
            assert!(matches!(zero, FileError::NotRegular("a character device")));
            let fifo = dir.path().join("fifo");
            rustix::fs::mknodat(
                rustix::fs::CWD,
                &fifo,
                rustix::fs::FileType::Fifo,
                rustix::fs::Mode::from_raw_mode(0o600),
                0,
            )
            .unwrap();
            // No writer: refused at once, never waited on.
            assert!(matches!(
                read(&fifo, 5),
                Err(FileError::NotRegular("a FIFO"))
            ));
        }
    }
}
