//! Reading a Dockerfile into memory, within a size limit (`max-file-size`
//! in `slipway.toml`, `--max-file-size` on the command line; 16 MiB by
//! default).
//!
//! A file is measured before it is read (its metadata length), and read
//! with a bound in case it grew in between; standard input is read with a
//! bound, at most one byte over the limit, so an endless or huge input is
//! refused without being held in memory.

use std::fmt;
use std::io::{self, Read};
use std::path::Path;

/// The default `max-file-size`: 16 MiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

/// Why an input was not read.
#[derive(Debug)]
pub enum ReadError {
    /// It is larger than the limit. `size` is its length when known (a
    /// file's metadata); standard input is only known to be larger.
    TooLarge {
        /// Its length in bytes, when known.
        size: Option<u64>,
        /// The limit in bytes.
        limit: u64,
    },
    /// Reading failed.
    Io(io::Error),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::TooLarge {
                size: Some(size),
                limit,
            } => write!(
                f,
                "too large: {} ({size} bytes), over the limit of {} ({limit} bytes, `max-file-size`)",
                crate::model::size::format_bytes(*size),
                crate::model::size::format_bytes(*limit),
            ),
            ReadError::TooLarge { size: None, limit } => write!(
                f,
                "too large: more than {} ({limit} bytes, `max-file-size`)",
                crate::model::size::format_bytes(*limit),
            ),
            ReadError::Io(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ReadError {}

/// Read the file at `path` if it is at most `limit` bytes long.
pub fn read_file(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    let size = file.metadata().map_err(ReadError::Io)?.len();
    if size > limit {
        return Err(ReadError::TooLarge {
            size: Some(size),
            limit,
        });
    }
    read_bounded(file, limit).map_err(|e| match e {
        // It grew after it was measured.
        ReadError::TooLarge { limit, .. } => ReadError::TooLarge {
            size: std::fs::metadata(path).ok().map(|m| m.len()),
            limit,
        },
        e => e,
    })
}

/// Read `input` to its end if it is at most `limit` bytes long, holding at
/// most `limit + 1` bytes.
pub fn read_bounded(input: impl Read, limit: u64) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::new();
    input
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { size: None, limit });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Dockerfile");
        std::fs::write(&path, "FROM a\n").unwrap();
        assert_eq!(read_file(&path, 7).unwrap(), b"FROM a\n");
        let e = read_file(&path, 6).unwrap_err();
        assert!(
            matches!(
                e,
                ReadError::TooLarge {
                    size: Some(7),
                    limit: 6
                }
            ),
            "{e:?}"
        );
        assert_eq!(
            e.to_string(),
            "too large: 7 B (7 bytes), over the limit of 6 B (6 bytes, `max-file-size`)"
        );
        assert_eq!(read_bounded(&b"abc"[..], 3).unwrap(), b"abc");
        let e = read_bounded(&b"abcd"[..], 3).unwrap_err();
        assert!(matches!(e, ReadError::TooLarge { size: None, .. }), "{e:?}");
        // An endless input is refused after limit + 1 bytes.
        assert!(read_bounded(io::repeat(b'x'), 1000).is_err());
        assert!(matches!(
            read_file(&dir.path().join("missing"), 10),
            Err(ReadError::Io(_))
        ));
    }
}
