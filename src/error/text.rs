//! Reading the text of an input file: bytes checked as UTF-8, a bad byte located.

use super::{Error, Problem, ScenarioError};
use std::path::Path;

/// Largest input file read (bytes): far above any scenario, result, part or contact log
/// of a year, far below what would exhaust memory.
pub const MAX_INPUT_BYTES: u64 = 2 << 30;

/// The line and column (from 1, in characters) of byte `at` of `bytes`, whose first
/// `at` bytes are valid UTF-8.
fn locate(bytes: &[u8], at: usize) -> (usize, usize) {
    let before = std::str::from_utf8(&bytes[..at]).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// `bytes` as text, or [`Error::File`] locating the first byte that is not UTF-8 in
/// `file` (line and column), saying what is allowed.
///
/// # Errors
///
/// As above.
pub fn utf8(bytes: Vec<u8>, file: &str) -> Result<String, Error> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let (line, column) = locate(bytes, at);
        Error::File(ScenarioError {
            file: file.to_owned(),
            problems: vec![Problem {
                field: None,
                line: Some(line),
                column: Some(column),
                message: format!(
                    "byte 0x{:02x} is not UTF-8 text; save the file as UTF-8 (spreadsheets: \"CSV UTF-8\")",
                    bytes[at]
                ),
            }],
        })
    })
}

/// The text of the file at `path`, checked as UTF-8 (a leading byte-order mark dropped).
///
/// # Errors
///
/// [`Error::Io`] when it cannot be read or is larger than [`MAX_INPUT_BYTES`]; as [`utf8`].
pub fn read(path: &Path) -> Result<String, Error> {
    let file = path.display().to_string();
    let io = |source| Error::Io { path: file.clone(), source };
    let len = std::fs::metadata(path).map_err(io)?.len();
    if len > MAX_INPUT_BYTES {
        return Err(Error::Io {
            path: file.clone(),
            source: std::io::Error::other(format!(
                "{len} bytes: larger than the {MAX_INPUT_BYTES} bytes an input may have"
            )),
        });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    let text = utf8(bytes, &file)?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_byte_is_located() {
        let e = utf8(b"a,b\nc\xe9d,e\n".to_vec(), "log.csv").unwrap_err();
        assert_eq!(
            e.to_string(),
            "log.csv:2:2: byte 0xe9 is not UTF-8 text; save the file as UTF-8 (spreadsheets: \"CSV UTF-8\")"
        );
        assert!(e.is_bad_input());
        assert_eq!(utf8("é,ü\n".as_bytes().to_vec(), "x").unwrap(), "é,ü\n");
    }
}
