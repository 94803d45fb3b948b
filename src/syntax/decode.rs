//! Bytes to text: the only step that can refuse input.

use std::fmt;

/// Why a file's bytes are not a Dockerfile we can read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// Byte offset of the first offending byte.
    pub offset: usize,
    /// 1-based line of that byte.
    pub line: usize,
    /// 1-based column (in bytes) of that byte.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for DecodeError {}

/// Check that `bytes` are UTF-8 text and return them as a string.
///
/// BuildKit itself reads bytes and lets invalid UTF-8 through to places where
/// it is replaced or misread; we refuse it with the exact position instead.
/// UTF-16 files (recognized by their byte-order mark) get a message that says so.
pub fn decode(bytes: &[u8]) -> Result<&str, DecodeError> {
    let at = |offset: usize, message: String| {
        let before = &bytes[..offset];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        DecodeError {
            offset,
            line,
            column: offset - line_start + 1,
            message,
        }
    };
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(at(
            0,
            "the file is UTF-16 encoded; Dockerfiles must be UTF-8".to_string(),
        ));
    }
    std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        let message = format!(
            "the file is not valid UTF-8 (byte 0x{:02x}); is it a binary file?",
            bytes[offset]
        );
        at(offset, message)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_position_of_bad_byte() {
        let e = decode(b"FROM x\nRUN \xff\n").unwrap_err();
        assert_eq!((e.offset, e.line, e.column), (11, 2, 5));
        assert!(decode("FROM é".as_bytes()).is_ok());
        assert!(
            decode(b"\xff\xfeF\0")
                .unwrap_err()
                .message
                .contains("UTF-16")
        );
    }
}
