//! Checkstyle XML (version 4.3), read by Jenkins' warnings plugin, many CI
//! dashboards and reviewdog: one `<file>` per Dockerfile with findings, one
//! `<error>` per finding (`source` is `slipway.<code>`).

use super::{FileError, LineIndex};
use crate::diagnostic::{Diagnostic, Severity};
use std::io::{self, Write};

/// Text made safe for an XML attribute value: markup characters escaped,
/// line breaks and tabs as character references, and the control
/// characters XML 1.0 forbids replaced by U+FFFD.
fn attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Style => "info",
    }
}

/// Append one file's `<file>` element to `out` (nothing without findings).
pub fn render_file(out: &mut Vec<u8>, path: &str, source: &str, diagnostics: &[Diagnostic]) {
    if diagnostics.is_empty() {
        return;
    }
    let index = LineIndex::new(source);
    let _ = writeln!(out, "  <file name=\"{}\">", attr(path));
    for d in diagnostics {
        let p = index.position(d.span.start);
        let _ = writeln!(
            out,
            "    <error line=\"{}\" column=\"{}\" severity=\"{}\" message=\"{}\" source=\"slipway.{}\"/>",
            p.line,
            p.column,
            severity(d.severity),
            attr(&format!("{} ({})", d.message, d.name)),
            d.code,
        );
    }
    let _ = writeln!(out, "  </file>");
}

/// Write the document: `fragments` are [`render_file`] outputs; files that
/// could not be read get an error of their own.
pub fn write_report<'f>(
    out: &mut (impl Write + ?Sized),
    fragments: impl IntoIterator<Item = &'f [u8]>,
    errors: &[FileError],
) -> io::Result<()> {
    writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
    writeln!(out, "<checkstyle version=\"4.3\">")?;
    for f in fragments {
        out.write_all(f)?;
    }
    for e in errors {
        let (line, column) = e.position.map_or((1, 1), |p| (p.line, p.column));
        writeln!(out, "  <file name=\"{}\">", attr(&e.path))?;
        writeln!(
            out,
            "    <error line=\"{line}\" column=\"{column}\" severity=\"error\" message=\"{}\" source=\"slipway.unreadable\"/>",
            attr(&format!("cannot read: {}", e.message))
        )?;
        writeln!(out, "  </file>")?;
    }
    writeln!(out, "</checkstyle>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_structure() {
        assert_eq!(
            attr("a<b & \"c\"\n\u{1}"),
            "a&lt;b &amp; &quot;c&quot;&#10;\u{fffd}"
        );
        let src = "FROM x\nMAINTAINER <me@x.org>\n";
        let d = crate::lint(src);
        let mut frag = Vec::new();
        render_file(&mut frag, "a&b/Dockerfile", src, &d);
        let mut out = Vec::new();
        write_report(&mut out, [&frag[..]], &[]).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n"
        ));
        assert!(text.contains("<file name=\"a&amp;b/Dockerfile\">"));
        assert!(text.contains("line=\"2\" column=\"1\" severity=\"error\""));
        assert!(text.contains("source=\"slipway.SW501\""));
        assert!(text.trim_end().ends_with("</checkstyle>"));
        assert_eq!(text.matches("<error ").count(), d.len());
    }
}
