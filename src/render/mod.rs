//! Diagnostics to text, for people ([`human`], [`concise`]) and for machines
//! ([`json`]).
//!
//! Renderers take plain data: a file's path, its source text and its
//! [`Diagnostic`]s (or a [`FileError`] for a file that could not be read), and
//! append text to a byte buffer. They never touch the file system or the
//! terminal; the CLI decides where the bytes go. No type of this module appears
//! in the layers below it.
//!
//! [`Diagnostic`]: crate::Diagnostic

pub mod checkstyle;
pub mod concise;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod sarif;

use serde::Serialize;

/// A 1-based position in a file: line, and column counted in characters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters (a leading byte-order mark is not counted).
    pub column: usize,
}

/// Maps byte offsets of one source text to [`Position`]s.
///
/// Built only for files that have something to report; one scan of the text.
#[derive(Clone, Debug)]
pub struct LineIndex<'a> {
    source: &'a str,
    /// Byte offset at which each line starts; the first is always 0.
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Index the line starts of `source`.
    pub fn new(source: &'a str) -> Self {
        let mut line_starts = Vec::with_capacity(source.len() / 40 + 1);
        line_starts.push(0);
        line_starts.extend(memchr::memchr_iter(b'\n', source.as_bytes()).map(|i| i + 1));
        LineIndex {
            source,
            line_starts,
        }
    }

    /// The position of byte `offset` (clamped to the text, and moved back to a
    /// character boundary if it falls inside a character).
    pub fn position(&self, offset: usize) -> Position {
        let offset = floor_char_boundary(self.source, offset);
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line - 1];
        let mut column = self.source[start..offset].chars().count() + 1;
        if start == 0 && offset > 0 && self.source.starts_with('\u{feff}') {
            column -= 1;
        }
        Position { line, column }
    }
}

/// Append `items` to `out` as JSON values separated by commas: one file's
/// fragment of a JSON array, for [`write_fragments`]. Serializing plain
/// values into a `Vec` cannot fail.
pub(crate) fn push_json_items<T: serde::Serialize>(out: &mut Vec<u8>, items: &[T]) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let _ = serde_json::to_writer(&mut *out, item);
    }
}

/// Write the files' fragments of one JSON array, separated by commas,
/// skipping empty ones. Returns whether anything was written (so that more
/// elements can follow with a comma).
pub(crate) fn write_fragments<'f>(
    out: &mut (impl std::io::Write + ?Sized),
    fragments: impl IntoIterator<Item = &'f [u8]>,
) -> std::io::Result<bool> {
    let mut first = true;
    for fragment in fragments.into_iter().filter(|f| !f.is_empty()) {
        if !first {
            out.write_all(b",")?;
        }
        first = false;
        out.write_all(fragment)?;
    }
    Ok(!first)
}

/// The largest character boundary of `s` at or before `offset`.
pub(crate) fn floor_char_boundary(s: &str, offset: usize) -> usize {
    let mut o = offset.min(s.len());
    while !s.is_char_boundary(o) {
        o -= 1;
    }
    o
}

/// A file that could not be checked: it could not be read, is not a regular
/// file, or is not UTF-8 text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FileError {
    /// The path as shown to the user.
    pub path: String,
    /// Why, in lower case, without the path.
    pub message: String,
    /// Where in the file the problem is, when it is about the content
    /// (the first byte that is not UTF-8).
    pub position: Option<Position>,
}

impl FileError {
    /// A one-line description naming the path and the reason, e.g.
    /// `cannot read a/Dockerfile:2:5: the file is not valid UTF-8 ...`.
    pub fn one_line(&self) -> String {
        match self.position {
            Some(p) => format!(
                "cannot read {}:{}:{}: {}",
                self.path, p.line, p.column, self.message
            ),
            None => format!("cannot read {}: {}", self.path, self.message),
        }
    }
}

/// Counts for the closing line of a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Files read and checked.
    pub files_checked: usize,
    /// Checked files with at least one problem.
    pub files_with_problems: usize,
    /// Problems found, all files together.
    pub problems: usize,
    /// Files that could not be read.
    pub unreadable: usize,
}

impl Summary {
    /// The closing line, without a line break, e.g.
    /// `Found 3 problems in 2 files (12 files checked).` or
    /// `All checked: 12 files, no problems.`
    pub fn line(&self) -> String {
        let Summary {
            files_checked: checked,
            files_with_problems: with,
            problems,
            unreadable,
        } = *self;
        let mut s = if problems > 0 {
            format!(
                "Found {} in {} ({} checked).",
                plural(problems, "problem"),
                plural(with, "file"),
                plural(checked, "file"),
            )
        } else if checked > 0 && unreadable == 0 {
            format!("All checked: {}, no problems.", plural(checked, "file"))
        } else if checked > 0 {
            format!("No problems in {}.", plural(checked, "file"))
        } else if unreadable == 0 {
            "No Dockerfiles found.".to_string()
        } else {
            "No file could be checked.".to_string()
        };
        if unreadable > 0 {
            s.push(' ');
            s.push_str(&plural(unreadable, "file"));
            s.push_str(" could not be read.");
        }
        s
    }
}

/// `1 file`, `2 files`.
fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters() {
        let src = "FROM é\nRUN ü x\n\nlast";
        let ix = LineIndex::new(src);
        let at = |line, column| Position { line, column };
        assert_eq!(ix.position(0), at(1, 1));
        assert_eq!(ix.position(5), at(1, 6));
        assert_eq!(ix.position(7), at(1, 7)); // the line break after `é`
        assert_eq!(ix.position(8), at(2, 1));
        assert_eq!(ix.position(14), at(2, 6)); // `x`, after two-byte `ü`
        assert_eq!(ix.position(13), at(2, 5));
        assert_eq!(ix.position(17), at(3, 1));
        assert_eq!(ix.position(18), at(4, 1));
        assert_eq!(ix.position(src.len()), at(4, 5));
        assert_eq!(ix.position(10_000), at(4, 5));
        // Inside a character: moved back to its start.
        assert_eq!(ix.position(6), at(1, 6));
    }

    #[test]
    fn byte_order_mark_is_not_a_column() {
        let src = "\u{feff}FROM x\nRUN y";
        let ix = LineIndex::new(src);
        assert_eq!(ix.position(3), Position { line: 1, column: 1 });
        assert_eq!(ix.position(8), Position { line: 1, column: 6 });
        assert_eq!(ix.position(0), Position { line: 1, column: 1 });
        assert_eq!(ix.position(10), Position { line: 2, column: 1 });
    }

    #[test]
    fn summary_lines() {
        let s = |files_checked, files_with_problems, problems, unreadable| {
            Summary {
                files_checked,
                files_with_problems,
                problems,
                unreadable,
            }
            .line()
        };
        assert_eq!(
            s(12, 2, 3, 0),
            "Found 3 problems in 2 files (12 files checked)."
        );
        assert_eq!(s(1, 1, 1, 0), "Found 1 problem in 1 file (1 file checked).");
        assert_eq!(s(12, 0, 0, 0), "All checked: 12 files, no problems.");
        assert_eq!(s(1, 0, 0, 0), "All checked: 1 file, no problems.");
        assert_eq!(s(0, 0, 0, 0), "No Dockerfiles found.");
        assert_eq!(
            s(2, 0, 0, 1),
            "No problems in 2 files. 1 file could not be read."
        );
        assert_eq!(
            s(0, 0, 0, 2),
            "No file could be checked. 2 files could not be read."
        );
        assert_eq!(
            s(3, 1, 1, 1),
            "Found 1 problem in 1 file (3 files checked). 1 file could not be read."
        );
    }

    #[test]
    fn file_error_line_names_path_and_reason() {
        let mut e = FileError {
            path: "a/Dockerfile".into(),
            message: "is a directory".into(),
            position: None,
        };
        assert_eq!(e.one_line(), "cannot read a/Dockerfile: is a directory");
        e.position = Some(Position { line: 2, column: 5 });
        e.message = "bad".into();
        assert_eq!(e.one_line(), "cannot read a/Dockerfile:2:5: bad");
    }
}
