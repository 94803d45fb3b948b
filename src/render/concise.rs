//! One line per finding, for grep and editors:
//! `path:line:col: severity[code] message`.

use super::LineIndex;
use crate::diagnostic::Diagnostic;
use std::io::Write;

/// Append one line per diagnostic of one file to `out`.
///
/// Line breaks inside a message are written as spaces, so that each finding
/// stays on its own line.
pub fn render(out: &mut Vec<u8>, path: &str, source: &str, diagnostics: &[Diagnostic]) {
    if diagnostics.is_empty() {
        return;
    }
    let index = LineIndex::new(source);
    for d in diagnostics {
        let p = index.position(d.span.start);
        // Writing to a Vec cannot fail.
        let _ = write!(
            out,
            "{path}:{}:{}: {}[{}] ",
            p.line,
            p.column,
            d.severity.as_str(),
            d.code
        );
        for (i, part) in d.message.split(['\n', '\r']).enumerate() {
            if i > 0 {
                out.push(b' ');
            }
            out.extend_from_slice(part.as_bytes());
        }
        out.push(b'\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;
    use crate::syntax::Span;

    #[test]
    fn one_line_each() {
        let d = |start, message: &str, severity| Diagnostic {
            code: "SW002",
            name: "unknown-instruction",
            severity,
            message: message.into(),
            span: Span::new(start, start + 1),
            labels: Vec::new(),
            help: None,
            fix: None,
        };
        let src = "FROM é\n  RUNN x\n";
        let mut out = Vec::new();
        render(
            &mut out,
            "a/Dockerfile",
            src,
            &[
                d(10, "unknown\ninstruction", Severity::Error),
                d(5, "x", Severity::Style),
            ],
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a/Dockerfile:2:3: error[SW002] unknown instruction\n\
             a/Dockerfile:1:6: style[SW002] x\n"
        );
    }
}
