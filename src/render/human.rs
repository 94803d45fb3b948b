//! rustc-style output for people, drawn by `codespan-reporting`:
//!
//! ```text
//! error[SW002]: unknown instruction: RUNN
//!  --> Dockerfile:2:1
//!   |
//! 2 | RUNN echo hi
//!   | ^^^^
//!   |
//!   = unknown-instruction
//! ```
//!
//! A finding's help and the title of its fix follow as `= help: ...` lines.
//!
//! Severities map to the header word: `error`, `warning`, `note` (info) and
//! `help` (style).

use crate::diagnostic::{Diagnostic, Severity};
use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Chars, Config, termcolor::Ansi};

use super::floor_char_boundary;

/// Renders diagnostics rustc-style. Build one and share it across threads.
#[derive(Clone, Debug)]
pub struct Human {
    config: Config,
    color: bool,
}

impl Human {
    /// A renderer; `color` adds ANSI color codes.
    pub fn new(color: bool) -> Self {
        Human {
            config: Config {
                chars: Chars::ascii(),
                ..Config::default()
            },
            color,
        }
    }

    /// Append every diagnostic of one file to `out`, each followed by a blank line.
    pub fn render(&self, out: &mut Vec<u8>, path: &str, source: &str, diagnostics: &[Diagnostic]) {
        if diagnostics.is_empty() {
            return;
        }
        let file = SimpleFile::new(path, source);
        for d in diagnostics {
            let diagnostic = to_codespan(source, d);
            let result = if self.color {
                term::emit_to_write_style(
                    &mut Ansi::new(&mut *out),
                    &self.config,
                    &file,
                    &diagnostic,
                )
            } else {
                term::emit_to_io_write(out, &self.config, &file, &diagnostic)
            };
            if result.is_err() {
                // Only a span outside the file can get here (spans are clamped
                // first, so this is a bug elsewhere): fall back to one line.
                super::concise::render(out, path, source, std::slice::from_ref(d));
            }
        }
    }
}

/// The header word for a severity.
fn severity(s: Severity) -> cs::Severity {
    match s {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
        Severity::Info => cs::Severity::Note,
        Severity::Style => cs::Severity::Help,
    }
}

/// A span as a byte range on character boundaries within `source`.
fn range(source: &str, span: crate::syntax::Span) -> std::ops::Range<usize> {
    let start = floor_char_boundary(source, span.start);
    let end = floor_char_boundary(source, span.end).max(start);
    start..end
}

fn to_codespan(source: &str, d: &Diagnostic) -> cs::Diagnostic<()> {
    let mut labels = Vec::with_capacity(1 + d.labels.len());
    labels.push(cs::Label::primary((), range(source, d.span)));
    labels.extend(
        d.labels
            .iter()
            .map(|l| cs::Label::secondary((), range(source, l.span)).with_message(&l.message)),
    );
    let mut notes = Vec::with_capacity(3);
    notes.push(d.name.to_string());
    if let Some(help) = &d.help {
        notes.push(format!("help: {help}"));
    }
    if let Some(fix) = &d.fix {
        notes.push(format!("help: {}", fix.title));
    }
    cs::Diagnostic::new(severity(d.severity))
        .with_code(d.code)
        .with_message(&d.message)
        .with_labels(labels)
        .with_notes(notes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Label;
    use crate::syntax::Span;

    fn diag(span: Span) -> Diagnostic {
        Diagnostic {
            code: "SW002",
            name: "unknown-instruction",
            severity: Severity::Error,
            message: "unknown instruction: RUNN".into(),
            span,
            labels: Vec::new(),
            help: None,
            fix: None,
        }
    }

    fn render(color: bool, src: &str, d: &[Diagnostic]) -> String {
        let mut out = Vec::new();
        Human::new(color).render(&mut out, "Dockerfile", src, d);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn rustc_style() {
        let src = "FROM x\nRUNN echo hi\n";
        let mut d = diag(Span::new(7, 11));
        d.help = Some("did you mean `RUN`?".into());
        d.labels.push(Label {
            span: Span::new(0, 4),
            message: "stage starts here".into(),
        });
        let got = render(false, src, &[d]);
        let want = "\
error[SW002]: unknown instruction: RUNN
  --> Dockerfile:2:1
  |
1 | FROM x
  | ---- stage starts here
2 | RUNN echo hi
  | ^^^^
  |
  = unknown-instruction
  = help: did you mean `RUN`?

";
        assert_eq!(got, want);
    }

    #[test]
    fn fix_title_is_a_help_line() {
        use crate::diagnostic::{Applicability, Fix};
        let src = "MAINTAINER me\n";
        let mut d = diag(Span::new(0, 13));
        d.fix = Some(Fix::new(
            "Replace with a label",
            Applicability::Safe,
            Vec::new(),
        ));
        let got = render(false, src, &[d]);
        assert!(got.contains("  = help: Replace with a label\n"), "{got}");
    }

    #[test]
    fn color_only_when_asked() {
        let src = "RUNN x\n";
        let d = [diag(Span::new(0, 4))];
        assert!(!render(false, src, &d).contains('\x1b'));
        assert!(render(true, src, &d).contains("\x1b["));
    }

    #[test]
    fn odd_spans_do_not_fail() {
        // Empty file, empty span; a span past the end; a span inside a character.
        for (src, span) in [
            ("", Span::new(0, 0)),
            ("RUNN", Span::new(2, 99)),
            ("RUNN é", Span::new(6, 7)),
        ] {
            let got = render(false, src, &[diag(span)]);
            assert!(got.starts_with("error[SW002]"), "{got}");
            assert!(got.contains("Dockerfile:1:"), "{got}");
        }
    }

    #[test]
    fn nothing_for_no_diagnostics() {
        assert_eq!(render(false, "FROM x\n", &[]), "");
    }
}
