//! GitHub Actions workflow commands: one `::error`, `::warning` or `::notice`
//! line per finding, which the runner turns into annotations on the pull
//! request's files.

use super::LineIndex;
use crate::diagnostic::{Diagnostic, Severity};
use std::io::Write;

/// A message escaped for a workflow command's data.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A value escaped for a workflow command's property.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Append one line per finding of one file to `out`.
pub fn render(out: &mut Vec<u8>, path: &str, source: &str, diagnostics: &[Diagnostic]) {
    if diagnostics.is_empty() {
        return;
    }
    let index = LineIndex::new(source);
    for d in diagnostics {
        let start = index.position(d.span.start);
        let end = index.position(d.span.end);
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info | Severity::Style => "notice",
        };
        let _ = writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            property(path),
            start.line,
            start.column,
            end.line,
            end.column,
            property(&format!("{} {}", d.code, d.name)),
            data(&d.message),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations() {
        let src = "FROM x\nMAINTAINER me\n";
        let mut out = Vec::new();
        render(&mut out, "a,b:c/Dockerfile", src, &crate::lint(src));
        let text = String::from_utf8(out).unwrap();
        let line = text.lines().find(|l| l.contains("SW501")).unwrap();
        assert!(
            line.starts_with("::error file=a%2Cb%3Ac/Dockerfile,line=2,col=1,endLine=2,"),
            "{line}"
        );
        assert!(line.contains(",title=SW501 maintainer-deprecated::"));
        assert_eq!(data("50%\nx"), "50%25%0Ax");
    }
}
