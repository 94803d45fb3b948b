//! SARIF 2.1.0, for GitHub code scanning and other SARIF consumers.
//!
//! One run: `tool.driver` lists every rule (code, name, summary, the rule's
//! document as help, a help URI and the default level), and each finding is a
//! result with its region (1-based lines, columns counted in Unicode code
//! points, as `run.columnKind` says) and its fix as byte-offset replacements.
//! Files that could not be read are tool execution notifications.

use super::{FileError, LineIndex};
use crate::diagnostic::{Applicability, Diagnostic, Severity, syntax_error_meta};
use crate::syntax::SyntaxErrorKind;
use serde_json::{Value, json};
use std::io::{self, Write};

/// The schema the output follows.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Where the rule documents are published: `<base>/<name>.md`.
fn help_uri(name: &str) -> String {
    format!("{}/blob/main/rules/{name}.md", env!("CARGO_PKG_REPOSITORY"))
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Style => "note",
    }
}

/// A path as a relative URI reference: `/` separators, and the characters
/// that are not allowed in a URI percent-encoded.
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.strip_prefix("./").unwrap_or(&path);
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The first paragraph of a rule document's "What it does" section, for
/// `fullDescription` (at most 1,024 characters).
fn full_description(doc: &str, summary: &str) -> String {
    let text = doc
        .split("## What it does")
        .nth(1)
        .and_then(|rest| rest.trim_start().split("\n\n").next())
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| summary.to_string());
    text.chars().take(1024).collect()
}

/// The reporting descriptors: the syntax errors, then every rule.
fn rules() -> Vec<Value> {
    const SYNTAX: &[SyntaxErrorKind] = &[
        SyntaxErrorKind::NoInstructions,
        SyntaxErrorKind::UnknownInstruction,
        SyntaxErrorKind::DuplicateDirective,
        SyntaxErrorKind::InvalidEscape,
        SyntaxErrorKind::JsonNotStringArray,
        SyntaxErrorKind::InvalidKeyValue,
        SyntaxErrorKind::UnterminatedHeredoc,
        SyntaxErrorKind::InvalidHeredoc,
        SyntaxErrorKind::LineTooLong,
    ];
    let mut out: Vec<Value> = SYNTAX
        .iter()
        .map(|&k| {
            let (code, name) = syntax_error_meta(k);
            let text = format!(
                "The Dockerfile does not parse ({}).",
                name.replace('-', " ")
            );
            json!({
                "id": code,
                "name": name,
                "shortDescription": {"text": text},
                "fullDescription": {"text": text},
                "help": {"text": "Dockerfile syntax error: BuildKit would refuse this file."},
                "defaultConfiguration": {"level": "error"},
                "properties": {"tags": ["syntax"]},
            })
        })
        .collect();
    for rule in crate::rules::RULES.iter() {
        let m = rule.meta();
        let mut tags = vec![m.category.as_str().to_string()];
        tags.extend(m.hadolint.iter().map(|h| h.to_string()));
        tags.extend(m.buildkit.iter().map(|b| b.to_string()));
        out.push(json!({
            "id": m.code,
            "name": m.name,
            "shortDescription": {"text": m.summary.replace('`', "")},
            "fullDescription": {"text": full_description(m.doc, m.summary).replace('`', "")},
            "help": {"text": m.summary.replace('`', ""), "markdown": m.doc},
            "helpUri": help_uri(m.name),
            "defaultConfiguration": {
                "level": level(m.severity),
                "enabled": m.default_enabled,
            },
            "properties": {"tags": tags},
        }));
    }
    out
}

/// The results of one file, as JSON values.
fn results(path: &str, source: &str, diagnostics: &[Diagnostic]) -> Vec<Value> {
    let index = LineIndex::new(source);
    let uri = uri(path);
    diagnostics
        .iter()
        .map(|d| {
            let start = index.position(d.span.start);
            let end = index.position(d.span.end);
            let mut result = json!({
                "ruleId": d.code,
                "level": level(d.severity),
                "message": {"text": d.message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri},
                        "region": {
                            "startLine": start.line,
                            "startColumn": start.column,
                            "endLine": end.line,
                            "endColumn": end.column,
                            "charOffset": d.span.start,
                            "charLength": d.span.end - d.span.start,
                        },
                    },
                }],
            });
            if let Some(fix) = &d.fix
                && fix.applicability != Applicability::DisplayOnly
            {
                let replacements: Vec<Value> = fix
                    .edits
                    .iter()
                    .map(|e| {
                        json!({
                            "deletedRegion": {
                                "byteOffset": e.span.start,
                                "byteLength": e.span.end - e.span.start,
                            },
                            "insertedContent": {"text": e.replacement},
                        })
                    })
                    .collect();
                result["fixes"] = json!([{
                    "description": {"text": fix.title},
                    "artifactChanges": [{
                        "artifactLocation": {"uri": uri},
                        "replacements": replacements,
                    }],
                    "properties": {"applicability": match fix.applicability {
                        Applicability::Safe => "safe",
                        _ => "unsafe",
                    }},
                }]);
            }
            result
        })
        .collect()
}

/// Append one file's results to `out` as JSON objects separated by commas
/// (a fragment of the `results` array, for [`write_report`]).
pub fn render_file(out: &mut Vec<u8>, path: &str, source: &str, diagnostics: &[Diagnostic]) {
    super::push_json_items(out, &results(path, source, diagnostics));
}

/// Write the SARIF log: `fragments` are [`render_file`] outputs.
pub fn write_report<'f>(
    out: &mut (impl Write + ?Sized),
    fragments: impl IntoIterator<Item = &'f [u8]>,
    errors: &[FileError],
) -> io::Result<()> {
    let notifications: Vec<Value> = errors
        .iter()
        .map(|e| {
            let mut n = json!({
                "level": "error",
                "message": {"text": format!("cannot read: {}", e.message)},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri(&e.path)}}}],
            });
            if let Some(p) = e.position {
                n["locations"][0]["physicalLocation"]["region"] =
                    json!({"startLine": p.line, "startColumn": p.column});
            }
            n
        })
        .collect();
    let driver = json!({
        "name": "slipway",
        "version": env!("CARGO_PKG_VERSION"),
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "informationUri": env!("CARGO_PKG_REPOSITORY"),
        "rules": rules(),
    });
    let head = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
    });
    // The results are streamed between the head and the tail.
    let head = serde_json::to_string(&head)?;
    write!(
        out,
        "{},\"runs\":[{{\"tool\":{{\"driver\":{}}},\"columnKind\":\"unicodeCodePoints\",\"invocations\":[{{\"executionSuccessful\":{},\"toolExecutionNotifications\":{}}}],\"results\":[",
        &head[..head.len() - 1],
        serde_json::to_string(&driver)?,
        errors.is_empty(),
        serde_json::to_string(&notifications)?,
    )?;
    super::write_fragments(out, fragments)?;
    out.write_all(b"]}]}\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::Span;

    #[test]
    fn a_log_with_rules_results_and_fixes() {
        let src = "FROM x\nMAINTAINER me\n";
        let d = crate::lint(src);
        assert!(d.iter().any(|d| d.fix.is_some()));
        let mut frag = Vec::new();
        render_file(&mut frag, "dir/My File", src, &d);
        let mut out = Vec::new();
        write_report(&mut out, [&frag[..]], &[]).unwrap();
        let v: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["version"], "2.1.0");
        let run = &v["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        assert!(rules.len() > 90);
        assert!(
            rules
                .iter()
                .all(|r| r["helpUri"].as_str().is_some_and(|u| !u.is_empty())
                    || r["id"].as_str().unwrap().starts_with("SW00"))
        );
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), d.len());
        let m = results.iter().find(|r| r["ruleId"] == "SW501").unwrap();
        let loc = &m["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "dir/My%20File");
        assert_eq!(loc["region"]["startLine"], 2);
        assert_eq!(loc["region"]["startColumn"], 1);
        assert!(
            m["fixes"][0]["artifactChanges"][0]["replacements"][0]["deletedRegion"]["byteOffset"]
                .is_u64()
        );
        let _ = Span::default();
    }

    #[test]
    fn unreadable_files_are_notifications() {
        let e = FileError {
            path: "bad".into(),
            message: "invalid UTF-8".into(),
            position: Some(super::super::Position { line: 2, column: 3 }),
        };
        let mut out = Vec::new();
        write_report(&mut out, std::iter::empty::<&[u8]>(), &[e]).unwrap();
        let v: Value = serde_json::from_slice(&out).unwrap();
        let inv = &v["runs"][0]["invocations"][0];
        assert_eq!(inv["executionSuccessful"], false);
        assert_eq!(
            inv["toolExecutionNotifications"][0]["locations"][0]["physicalLocation"]["region"]["startLine"],
            2
        );
    }
}
