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
use std::io::Write as _;

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
            if !self.color && plain_one_line(out, &file, d, self.config.tab_width) {
                continue;
            }
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

/// Draws the common case the way codespan-reporting does, without color:
/// one label, on one line of printable ASCII and tabs, and messages of one
/// line. codespan draws a snippet one character at a time through the
/// formatting machinery, which made it most of the time `slipway check` spent
/// on a corpus with thousands of findings; this writes whole strings. Returns
/// false, having written nothing, for anything else, which codespan draws.
/// `tests::plain_one_line_is_what_codespan_draws` holds the two to the same
/// bytes.
fn plain_one_line(
    out: &mut Vec<u8>,
    file: &SimpleFile<&str, &str>,
    d: &Diagnostic,
    tab_width: usize,
) -> bool {
    use codespan_reporting::files::Files;
    let source = *file.source();
    let span = range(source, d.span);
    if !d.labels.is_empty() || span.is_empty() {
        return false;
    }
    let Ok(line) = file.line_index((), span.start) else {
        return false;
    };
    let Ok(lines) = file.line_range((), line) else {
        return false;
    };
    let text = source[lines.clone()].trim_end_matches(['\n', '\r', '\0']);
    let one_line = |s: &str| !s.contains(['\n', '\r']);
    if span.end > lines.start + text.len()
        || !text
            .bytes()
            .all(|b| (b' '..=b'~').contains(&b) || b == b'\t')
        || !one_line(&d.message)
        || !d.help.as_deref().is_none_or(one_line)
        || !d.fix.as_ref().is_none_or(|f| one_line(&f.title))
    {
        return false;
    }
    let number = line + 1;
    let header = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
        Severity::Style => "help",
    };
    let column = span.start - lines.start;
    // Tabs are drawn as spaces to the next stop of `tab_width`, as codespan
    // draws them; every other character is one column wide. Written straight
    // into `out`: thousands of findings make this a hot path.
    let tab_width = tab_width.max(1);
    let pad = number.ilog10() as usize + 2;
    let spaces = |out: &mut Vec<u8>, n: usize| out.extend(std::iter::repeat_n(b' ', n));
    let text_of = |parts: &[&str], out: &mut Vec<u8>| {
        parts
            .iter()
            .for_each(|p| out.extend_from_slice(p.as_bytes()))
    };
    out.reserve(160 + 2 * text.len() + d.message.len());
    text_of(&[header, "[", d.code, "]: ", &d.message, "\n"], out);
    spaces(out, pad);
    text_of(&["--> ", file.name(), ":"], out);
    let _ = writeln!(out, "{number}:{}", column + 1);
    spaces(out, pad);
    out.extend_from_slice(b"|\n");
    let _ = write!(out, "{number} | ");
    let (mut shown, mut before, mut under) = (0, 0, 0);
    for (i, b) in text.bytes().enumerate() {
        let width = if b == b'\t' {
            tab_width - shown % tab_width
        } else {
            1
        };
        match b {
            b'\t' => spaces(out, width),
            _ => out.push(b),
        }
        shown += width;
        if i < column {
            before += width;
        } else if i < span.end - lines.start {
            under += width;
        }
    }
    out.push(b'\n');
    spaces(out, pad);
    out.extend_from_slice(b"| ");
    spaces(out, before);
    out.extend(std::iter::repeat_n(b'^', under));
    out.push(b'\n');
    spaces(out, pad);
    out.extend_from_slice(b"|\n");
    spaces(out, pad);
    text_of(&["= ", d.name, "\n"], out);
    if let Some(help) = &d.help {
        spaces(out, pad);
        text_of(&["= help: ", help, "\n"], out);
    }
    if let Some(fix) = &d.fix {
        spaces(out, pad);
        text_of(&["= help: ", &fix.title, "\n"], out);
    }
    out.push(b'\n');
    true
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

    /// The renderer's tab width.
    const TAB: usize = 4;

    /// What codespan draws for `d`, the reference for `plain_one_line`.
    fn by_codespan(src: &str, d: &Diagnostic) -> String {
        let mut out = Vec::new();
        let file = SimpleFile::new("dir/Dockerfile", src);
        let config = Human::new(false).config;
        assert_eq!(config.tab_width, TAB);
        term::emit_to_io_write(&mut out, &config, &file, &to_codespan(src, d)).unwrap();
        String::from_utf8(out).unwrap()
    }

    proptest::proptest! {
        #[test]
        fn plain_one_line_is_what_codespan_draws(
            lines in proptest::collection::vec("[ -~\t\u{e9}]{0,30}", 1..12),
            crlf in proptest::bool::ANY,
            start in 0usize..400,
            len in 0usize..40,
            help in proptest::option::of("[ -~]{0,20}"),
            severity in 0usize..4,
        ) {
            let src = lines.join(if crlf { "\r\n" } else { "\n" });
            let mut d = diag(Span::new(start.min(src.len()), (start + len).min(src.len())));
            d.help = help;
            d.severity = [Severity::Error, Severity::Warning, Severity::Info, Severity::Style][severity];
            let mut fast = Vec::new();
            let file = SimpleFile::new("dir/Dockerfile", src.as_str());
            if plain_one_line(&mut fast, &file, &d, TAB) {
                proptest::prop_assert_eq!(String::from_utf8(fast).unwrap(), by_codespan(&src, &d));
            } else {
                proptest::prop_assert!(fast.is_empty());
            }
        }
    }

    #[test]
    fn plain_one_line_matches_codespan_on_every_span() {
        // Line numbers of one and two digits, an empty line, a CRLF line, a
        // tab and a non-ASCII line (both left to codespan), trailing spaces.
        let mut src = String::from("FROM alpine:3.19 AS build\n\nRUN a \\\r\n  b  \n\tx\né\n");
        for i in 0..8 {
            src.push_str(&format!("LABEL n{i}=v\n"));
        }
        let mut taken = 0;
        for start in 0..=src.len() {
            for end in start..=src.len() {
                if !src.is_char_boundary(start) || !src.is_char_boundary(end) {
                    continue;
                }
                let mut d = diag(Span::new(start, end));
                d.help = (start % 2 == 0).then(|| "a help".to_string());
                let mut fast = Vec::new();
                let file = SimpleFile::new("dir/Dockerfile", src.as_str());
                if plain_one_line(&mut fast, &file, &d, TAB) {
                    taken += 1;
                    assert_eq!(
                        String::from_utf8(fast).unwrap(),
                        by_codespan(&src, &d),
                        "{start}..{end}"
                    );
                }
            }
        }
        assert!(taken > 500, "{taken}");
    }

    #[test]
    fn plain_one_line_takes_the_common_case() {
        let src = "FROM x\nRUN apt-get install curl\n";
        let mut d = diag(Span::new(11, 18));
        d.help = Some("pin it".into());
        let mut fast = Vec::new();
        assert!(plain_one_line(
            &mut fast,
            &SimpleFile::new("dir/Dockerfile", src),
            &d,
            TAB
        ));
        assert_eq!(String::from_utf8(fast).unwrap(), by_codespan(src, &d));
        // A second label, or a span over two lines, goes to codespan.
        let mut two = d.clone();
        two.labels.push(Label {
            span: Span::new(0, 4),
            message: "here".into(),
        });
        let file = SimpleFile::new("dir/Dockerfile", src);
        assert!(!plain_one_line(&mut Vec::new(), &file, &two, TAB));
        assert!(!plain_one_line(
            &mut Vec::new(),
            &file,
            &diag(Span::new(4, 10)),
            TAB
        ));
    }

    #[test]
    fn nothing_for_no_diagnostics() {
        assert_eq!(render(false, "FROM x\n", &[]), "");
    }
}
