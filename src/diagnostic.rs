//! The one diagnostic type: plain data that every output format and the
//! language server are built from. No renderer type appears here.

use crate::syntax::{Span, SyntaxError, SyntaxErrorKind};
use serde::Serialize;
use std::fmt;

/// How serious a finding is. Ordered from most to least severe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The Dockerfile is broken or will not build as intended.
    Error,
    /// Likely a mistake, or a clear cost.
    Warning,
    /// Worth knowing.
    Info,
    /// A matter of style.
    Style,
}

impl Severity {
    /// The lower-case name (`error`, `warning`, `info`, `style`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Style => "style",
        }
    }

    /// Parse a severity name; hadolint's `ignore`/`none` are not severities.
    pub fn parse(s: &str) -> Option<Severity> {
        match s.to_ascii_lowercase().as_str() {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            "style" => Some(Severity::Style),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A secondary location that helps explain a finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What about it.
    pub message: String,
}

/// One finding in one file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The stable code, e.g. `SW001`.
    pub code: &'static str,
    /// The kebab-case name of the bad pattern, e.g. `unknown-instruction`.
    pub name: &'static str,
    /// How serious.
    pub severity: Severity,
    /// The message for people.
    pub message: String,
    /// The primary location.
    pub span: Span,
    /// Other locations worth showing.
    pub labels: Vec<Label>,
    /// A hint on what to do.
    pub help: Option<String>,
    /// A fix, when the rule has one for this finding.
    pub fix: Option<Fix>,
}

/// How safe it is to apply a fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// Keeps the meaning of the Dockerfile: applied by `--fix`.
    Safe,
    /// May change the build: applied with `--unsafe-fixes`.
    Unsafe,
    /// Shown as a suggestion, never applied.
    DisplayOnly,
}

/// One text edit: replace the bytes of `span` with `replacement`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Edit {
    /// The bytes to replace (empty for an insertion).
    pub span: Span,
    /// The new text.
    pub replacement: String,
}

/// A fix: sorted, non-overlapping edits with a title and an applicability.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// What the fix does, for people (`Add --no-install-recommends`).
    pub title: String,
    /// How safe it is.
    pub applicability: Applicability,
    /// The edits, sorted by position, not overlapping.
    pub edits: Vec<Edit>,
}

impl Fix {
    /// A fix from edits, which are sorted here.
    pub fn new(
        title: impl Into<String>,
        applicability: Applicability,
        mut edits: Vec<Edit>,
    ) -> Fix {
        edits.sort_by_key(|e| (e.span.start, e.span.end));
        Fix {
            title: title.into(),
            applicability,
            edits,
        }
    }
}

/// The code, name and severity of each kind of syntax error.
pub fn syntax_error_meta(kind: SyntaxErrorKind) -> (&'static str, &'static str) {
    match kind {
        SyntaxErrorKind::NoInstructions => ("SW001", "no-instructions"),
        SyntaxErrorKind::UnknownInstruction => ("SW002", "unknown-instruction"),
        SyntaxErrorKind::DuplicateDirective => ("SW003", "duplicate-directive"),
        SyntaxErrorKind::InvalidEscape => ("SW004", "invalid-escape-directive"),
        SyntaxErrorKind::JsonNotStringArray => ("SW005", "json-array-not-strings"),
        SyntaxErrorKind::InvalidKeyValue => ("SW006", "invalid-key-value"),
        SyntaxErrorKind::UnterminatedHeredoc => ("SW007", "unterminated-heredoc"),
        SyntaxErrorKind::InvalidHeredoc => ("SW008", "invalid-heredoc"),
        SyntaxErrorKind::LineTooLong => ("SW009", "line-too-long"),
    }
}

impl From<&SyntaxError> for Diagnostic {
    fn from(e: &SyntaxError) -> Self {
        let (code, name) = syntax_error_meta(e.kind);
        Diagnostic {
            code,
            name,
            severity: Severity::Error,
            message: e.message.clone(),
            span: e.span,
            labels: Vec::new(),
            help: None,
            fix: None,
        }
    }
}
