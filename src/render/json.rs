//! Machine-readable output: one JSON object per run.
//!
//! The schema is [`Report`] and is documented in `docs/json-format.md`. Version
//! [`VERSION`] changes only when a field is removed or changes meaning; new
//! fields may be added within a version.
//!
//! Files are rendered one at a time ([`render_file`], in parallel by the CLI)
//! into fragments that [`write_report`] joins into the document.

use super::{FileError, LineIndex, Position};
use crate::diagnostic::{Applicability, Diagnostic, Fix, Severity};
use serde::Serialize;
use std::io::{self, Write};

/// The schema version written in `"version"`.
pub const VERSION: u32 = 1;

/// The whole document.
#[derive(Clone, Debug, Serialize)]
pub struct Report<'a> {
    /// Always [`VERSION`].
    pub version: u32,
    /// Every finding, sorted by path, then position.
    pub diagnostics: Vec<JsonDiagnostic<'a>>,
    /// Files that could not be checked, sorted by path.
    pub errors: Vec<JsonError<'a>>,
}

/// One finding.
#[derive(Clone, Debug, Serialize)]
pub struct JsonDiagnostic<'a> {
    /// The file, as given or found.
    pub path: &'a str,
    /// The stable code, e.g. `SW002`.
    pub code: &'a str,
    /// The rule name, e.g. `unknown-instruction`.
    pub name: &'a str,
    /// `error`, `warning`, `info` or `style`.
    pub severity: Severity,
    /// The message.
    pub message: &'a str,
    /// Where the finding starts.
    pub start: Position,
    /// Where it ends (exclusive).
    pub end: Position,
    /// Byte offset of the start.
    pub offset: usize,
    /// Byte offset of the end (exclusive).
    pub end_offset: usize,
    /// A hint on what to do, or `null`.
    pub help: Option<&'a str>,
    /// The rule's (first) equivalent hadolint code, or `null`.
    pub hadolint: Option<&'a str>,
    /// The fix for this finding, or `null`.
    pub fix: Option<JsonFix<'a>>,
}

/// A fix: what it does, how safe it is, and its edits.
#[derive(Clone, Debug, Serialize)]
pub struct JsonFix<'a> {
    /// What the fix does, for people.
    pub title: &'a str,
    /// `safe`, `unsafe` or `display-only`.
    pub applicability: Applicability,
    /// The edits, sorted by position, not overlapping.
    pub edits: Vec<JsonEdit<'a>>,
}

/// One edit of a fix: replace the text from `start` to `end` with `replacement`.
#[derive(Clone, Debug, Serialize)]
pub struct JsonEdit<'a> {
    /// Where the replaced text starts.
    pub start: Position,
    /// Where it ends (exclusive); equal to `start` for an insertion.
    pub end: Position,
    /// Byte offset of the start.
    pub offset: usize,
    /// Byte offset of the end (exclusive).
    pub end_offset: usize,
    /// The new text.
    pub replacement: &'a str,
}

impl<'a> JsonFix<'a> {
    /// The JSON form of a fix, with positions from `index`.
    pub fn new(fix: &'a Fix, index: &LineIndex<'_>) -> Self {
        JsonFix {
            title: &fix.title,
            applicability: fix.applicability,
            edits: fix
                .edits
                .iter()
                .map(|e| JsonEdit {
                    start: index.position(e.span.start),
                    end: index.position(e.span.end),
                    offset: e.span.start,
                    end_offset: e.span.end,
                    replacement: &e.replacement,
                })
                .collect(),
        }
    }
}

/// A file that could not be checked.
#[derive(Clone, Debug, Serialize)]
pub struct JsonError<'a> {
    /// The file, as given or found.
    pub path: &'a str,
    /// Why it could not be checked.
    pub message: &'a str,
    /// Where in the file the problem is (the first byte that is not UTF-8), or `null`.
    pub start: Option<Position>,
}

impl<'a> From<&'a FileError> for JsonError<'a> {
    fn from(e: &'a FileError) -> Self {
        JsonError {
            path: &e.path,
            message: &e.message,
            start: e.position,
        }
    }
}

/// The JSON records of one file's diagnostics.
pub fn diagnostics<'a>(
    path: &'a str,
    source: &str,
    diagnostics: &'a [Diagnostic],
) -> Vec<JsonDiagnostic<'a>> {
    if diagnostics.is_empty() {
        return Vec::new();
    }
    let index = LineIndex::new(source);
    diagnostics
        .iter()
        .map(|d| JsonDiagnostic {
            path,
            code: d.code,
            name: d.name,
            severity: d.severity,
            message: &d.message,
            start: index.position(d.span.start),
            end: index.position(d.span.end),
            offset: d.span.start,
            end_offset: d.span.end,
            help: d.help.as_deref(),
            hadolint: crate::rules::by_code(d.code)
                .and_then(|r| r.meta().hadolint.first().copied()),
            fix: d.fix.as_ref().map(|f| JsonFix::new(f, &index)),
        })
        .collect()
}

/// Append one file's diagnostics to `out` as JSON objects separated by commas
/// (a fragment of the `"diagnostics"` array, for [`write_report`]).
pub fn render_file(out: &mut Vec<u8>, path: &str, source: &str, diags: &[Diagnostic]) {
    super::push_json_items(out, &diagnostics(path, source, diags));
}

/// Write the document: `fragments` are [`render_file`] outputs (empty ones are
/// skipped), in the order they are to appear. Ends with a line break.
pub fn write_report<'f>(
    out: &mut (impl Write + ?Sized),
    fragments: impl IntoIterator<Item = &'f [u8]>,
    errors: &[FileError],
) -> io::Result<()> {
    write!(out, "{{\"version\":{VERSION},\"diagnostics\":[")?;
    super::write_fragments(out, fragments)?;
    out.write_all(b"],\"errors\":")?;
    let errors: Vec<JsonError> = errors.iter().map(JsonError::from).collect();
    serde_json::to_writer(&mut *out, &errors)?;
    out.write_all(b"}\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::Span;

    fn diag(start: usize, end: usize, help: Option<&str>) -> Diagnostic {
        Diagnostic {
            code: "SW002",
            name: "unknown-instruction",
            severity: Severity::Error,
            message: "unknown instruction: RUNN".into(),
            span: Span::new(start, end),
            labels: Vec::new(),
            help: help.map(str::to_string),
            fix: None,
        }
    }

    #[test]
    fn fragments_make_the_report() {
        let (a, b) = ("FROM é\nRUNN x\n", "RUNN\n");
        let da = [diag(8, 12, None), diag(13, 14, Some("h"))];
        let db = [diag(0, 4, None)];
        let errors = [FileError {
            path: "c".into(),
            message: "is a directory".into(),
            position: None,
        }];
        let mut fa = Vec::new();
        render_file(&mut fa, "a", a, &da);
        let mut fb = Vec::new();
        render_file(&mut fb, "b", b, &db);
        let mut out = Vec::new();
        write_report(&mut out, [&fa[..], &[][..], &fb[..]], &errors).unwrap();

        let mut all = diagnostics("a", a, &da);
        all.extend(diagnostics("b", b, &db));
        let report = Report {
            version: VERSION,
            diagnostics: all,
            errors: errors.iter().map(JsonError::from).collect(),
        };
        let want = serde_json::to_string(&report).unwrap() + "\n";
        assert_eq!(String::from_utf8(out).unwrap(), want);

        let v: serde_json::Value = serde_json::from_str(&want).unwrap();
        let d = &v["diagnostics"][0];
        assert_eq!(d["start"], serde_json::json!({"line": 2, "column": 1}));
        assert_eq!(d["end"], serde_json::json!({"line": 2, "column": 5}));
        assert_eq!(
            (d["offset"].as_u64(), d["end_offset"].as_u64()),
            (Some(8), Some(12))
        );
        assert_eq!(d["severity"], "error");
        assert!(d["help"].is_null() && d["hadolint"].is_null() && d["fix"].is_null());
        assert_eq!(v["diagnostics"][1]["help"], "h");
        assert_eq!(v["errors"][0]["start"], serde_json::Value::Null);
    }

    #[test]
    fn hadolint_code_and_fix() {
        use crate::diagnostic::Edit;
        let src = "FROM x\nMAINTAINER é\n";
        let mut d = diag(7, 20, None);
        d.code = "SW501";
        d.name = "maintainer-deprecated";
        d.fix = Some(Fix::new(
            "Use a label",
            Applicability::Safe,
            vec![Edit {
                span: Span::new(7, 20),
                replacement: "LABEL a=b".into(),
            }],
        ));
        let mut out = Vec::new();
        render_file(&mut out, "Dockerfile", src, &[d]);
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["hadolint"], "DL4000");
        assert_eq!(
            v["fix"],
            serde_json::json!({
                "title": "Use a label",
                "applicability": "safe",
                "edits": [{
                    "start": {"line": 2, "column": 1},
                    "end": {"line": 2, "column": 13},
                    "offset": 7,
                    "end_offset": 20,
                    "replacement": "LABEL a=b"
                }]
            })
        );
    }

    #[test]
    fn empty_report() {
        let mut out = Vec::new();
        write_report(&mut out, std::iter::empty(), &[]).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"version\":1,\"diagnostics\":[],\"errors\":[]}\n"
        );
    }
}
