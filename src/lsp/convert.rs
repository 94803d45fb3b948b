//! Slipway's plain data to LSP's: diagnostics, edits, hover text.

use super::text::LineIndex;
use crate::config::ConfigError;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Severity};
use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, Location,
    NumberOrString, TextEdit, Uri,
};
use serde_json::json;

/// The `source` of every diagnostic.
pub const SOURCE: &str = "slipway";

/// LSP's severity for one of ours: `style` is a hint.
pub fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
        Severity::Style => DiagnosticSeverity::HINT,
    }
}

/// The name of an applicability as the JSON output spells it.
fn applicability(a: Applicability) -> &'static str {
    match a {
        Applicability::Safe => "safe",
        Applicability::Unsafe => "unsafe",
        Applicability::DisplayOnly => "display-only",
    }
}

/// One finding as an LSP diagnostic of the document `uri`. `data` carries
/// the rule's name and, when there is a fix, its title and applicability.
pub fn diagnostic(
    d: &Diagnostic,
    uri: &Uri,
    text: &str,
    index: &LineIndex,
) -> lsp_types::Diagnostic {
    let related: Vec<DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .map(|l| DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), index.range(text, l.span.start, l.span.end)),
            message: l.message.clone(),
        })
        .collect();
    let tags = (d.name == "maintainer-deprecated").then(|| vec![DiagnosticTag::DEPRECATED]);
    let fix = d.fix.as_ref().map(|f| {
        json!({
            "title": f.title,
            "applicability": applicability(f.applicability),
        })
    });
    lsp_types::Diagnostic {
        range: index.range(text, d.span.start, d.span.end),
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.code.to_string())),
        code_description: doc_url(d.name).map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_string()),
        message: d.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags,
        data: Some(json!({ "name": d.name, "fix": fix })),
    }
}

/// A bad configuration file, reported on the first line of the document it
/// was to configure (nothing else is reported then, as the command line
/// checks nothing with a bad configuration).
pub fn config_error(e: &ConfigError, text: &str, index: &LineIndex) -> lsp_types::Diagnostic {
    let mut message = format!("slipway cannot use its configuration: {}", e.message());
    if let Some(place) = config_place(e) {
        message.push_str(&format!(" (at {place})"));
    }
    if let Some(help) = e.help_text() {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let first_line_end = text.find(['\r', '\n']).unwrap_or(text.len());
    lsp_types::Diagnostic {
        range: index.range(text, 0, first_line_end),
        severity: Some(DiagnosticSeverity::ERROR),
        source: Some(SOURCE.to_string()),
        message,
        ..lsp_types::Diagnostic::default()
    }
}

/// The web address of a rule's document: `rules/<name>.md` in the
/// repository (as SARIF's `helpUri`), when the package names a repository
/// and the finding is a rule's (not a syntax error's).
fn doc_url(name: &str) -> Option<Uri> {
    let repository = env!("CARGO_PKG_REPOSITORY");
    if repository.is_empty() || crate::rules::lookup(name).is_none() {
        return None;
    }
    format!("{repository}/blob/main/rules/{name}.md")
        .parse()
        .ok()
}

/// `file:line:column` of what a configuration error points at, if anything.
fn config_place(e: &ConfigError) -> Option<String> {
    use miette::Diagnostic as _;
    let span = e.span()?;
    let source = e.source_code()?;
    let contents = source
        .read_span(&(span.start..span.end).into(), 0, 0)
        .ok()?;
    let name = contents.name().unwrap_or("the configuration file");
    Some(format!(
        "{name}:{}:{}",
        contents.line() + 1,
        contents.column() + 1
    ))
}

/// Byte edits of `text` as LSP text edits.
pub fn text_edits(edits: &[Edit], text: &str, index: &LineIndex) -> Vec<TextEdit> {
    edits
        .iter()
        .map(|e| {
            TextEdit::new(
                index.range(text, e.span.start, e.span.end),
                e.replacement.clone(),
            )
        })
        .collect()
}

/// Whether `offset` is on the finding: inside its span (an empty span, at
/// it).
pub fn covers(d: &Diagnostic, offset: usize) -> bool {
    let (start, end) = (d.span.start, d.span.end);
    (start <= offset && offset < end) || (start == end && offset == start)
}

/// Whether the finding's span meets the byte range `start..end` (touching
/// counts: a cursor at either end of a finding is on it).
pub fn meets(d: &Diagnostic, start: usize, end: usize) -> bool {
    d.span.start <= end && start <= d.span.end
}

/// Hover text for the findings under the cursor: each finding's message and
/// help, then its rule's summary and the "What it does" and "Why is this
/// bad?" sections of its document.
pub fn hover_markdown(found: &[&Diagnostic]) -> String {
    let mut out = String::new();
    for (i, d) in found.iter().enumerate() {
        if i > 0 {
            out.push_str("\n\n---\n\n");
        }
        out.push_str(&format!("**{}** `{}`: {}", d.code, d.name, d.message));
        if let Some(help) = &d.help {
            out.push_str(&format!("\n\n*help*: {help}"));
        }
        let Some(rule) = crate::rules::by_code(d.code) else {
            continue;
        };
        let meta = rule.meta();
        out.push_str(&format!("\n\n{}", meta.summary));
        for title in ["What it does", "Why is this bad?"] {
            if let Some(body) = section(meta.doc, title) {
                out.push_str(&format!("\n\n**{title}**\n\n{body}"));
            }
        }
        out.push_str(&format!(
            "\n\n*`slipway rule {}` shows the whole document.*",
            d.code
        ));
    }
    out
}

/// The text of the `## {title}` section of a rule document, trimmed.
pub fn section<'d>(doc: &'d str, title: &str) -> Option<&'d str> {
    let heading = format!("## {title}");
    let mut start = None;
    let mut offset = 0;
    for line in doc.split_inclusive('\n') {
        let bare = line.trim_end();
        if let Some(s) = start {
            if bare.starts_with("## ") {
                return Some(doc[s..offset].trim());
            }
        } else if bare == heading {
            start = Some(offset + line.len());
        }
        offset += line.len();
    }
    start.map(|s| doc[s..].trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_of_a_rule_document() {
        let doc =
            "# x (SW1)\n\n## What it does\n\nReports x.\nTwice.\n\n## Why is this bad?\n\nBad.\n";
        assert_eq!(section(doc, "What it does"), Some("Reports x.\nTwice."));
        assert_eq!(section(doc, "Why is this bad?"), Some("Bad."));
        assert_eq!(section(doc, "Example"), None);
        for meta in crate::rules::metas() {
            assert!(section(meta.doc, "What it does").is_some(), "{}", meta.name);
        }
    }
}
