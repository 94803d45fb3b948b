//! GitLab Code Quality report: a JSON array of issues with a description,
//! the check name, a stable fingerprint, a severity and a location.

use super::{FileError, LineIndex};
use crate::diagnostic::{Diagnostic, Severity};
use serde_json::{Value, json};
use std::io::{self, Write};

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "critical",
        Severity::Warning => "major",
        Severity::Info => "minor",
        Severity::Style => "info",
    }
}

/// FNV-1a, 64 bits: a fingerprint that stays the same across runs, Rust
/// versions and machines (GitLab only needs it unique and stable).
fn fnv1a(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in part.as_bytes().iter().chain(std::iter::once(&0u8)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// The issues of one file. The fingerprint hashes the path, the code and the
/// text the finding points at (not its line), so it survives edits elsewhere
/// in the file; repeats of the same text are numbered.
fn issues(path: &str, source: &str, diagnostics: &[Diagnostic]) -> Vec<Value> {
    let index = LineIndex::new(source);
    let mut seen: Vec<String> = Vec::new();
    diagnostics
        .iter()
        .map(|d| {
            let start = index.position(d.span.start);
            let end = index.position(d.span.end);
            let text = source.get(d.span.start..d.span.end).unwrap_or("");
            let mut fp = fnv1a(&[path, d.code, text]);
            let repeats = seen.iter().filter(|s| **s == fp).count();
            seen.push(fp.clone());
            if repeats > 0 {
                fp = fnv1a(&[&fp, &repeats.to_string()]);
            }
            json!({
                "type": "issue",
                "description": format!("{} ({})", d.message, d.name),
                "check_name": d.code,
                "fingerprint": fp,
                "severity": severity(d.severity),
                "categories": [category(d.code)],
                "location": {
                    "path": path,
                    "lines": {"begin": start.line, "end": end.line.max(start.line)},
                },
            })
        })
        .collect()
}

/// The Code Climate category of a rule.
fn category(code: &str) -> &'static str {
    use crate::rules::Category;
    match crate::rules::by_code(code).map(|r| r.meta().category) {
        None => "Bug Risk",
        Some(Category::Correctness) => "Bug Risk",
        Some(Category::Security) => "Security",
        Some(Category::Cache | Category::Size) => "Performance",
        Some(Category::Style) => "Style",
        Some(_) => "Compatibility",
    }
}

/// Append one file's issues to `out` as JSON objects separated by commas.
pub fn render_file(out: &mut Vec<u8>, path: &str, source: &str, diagnostics: &[Diagnostic]) {
    super::push_json_items(out, &issues(path, source, diagnostics));
}

/// Write the report: `fragments` are [`render_file`] outputs; a file that
/// could not be read is a blocker issue.
pub fn write_report<'f>(
    out: &mut (impl Write + ?Sized),
    fragments: impl IntoIterator<Item = &'f [u8]>,
    errors: &[FileError],
) -> io::Result<()> {
    out.write_all(b"[")?;
    let mut first = !super::write_fragments(out, fragments)?;
    for e in errors {
        if !first {
            out.write_all(b",")?;
        }
        first = false;
        let line = e.position.map_or(1, |p| p.line);
        let issue = json!({
            "type": "issue",
            "description": format!("cannot read: {}", e.message),
            "check_name": "unreadable",
            "fingerprint": fnv1a(&[&e.path, "unreadable"]),
            "severity": "blocker",
            "categories": ["Bug Risk"],
            "location": {"path": e.path, "lines": {"begin": line, "end": line}},
        });
        serde_json::to_writer(&mut *out, &issue)?;
    }
    out.write_all(b"]\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issues_with_stable_fingerprints() {
        let src = "FROM x\nMAINTAINER me\nMAINTAINER me\n";
        let d = crate::lint(src);
        let mut frag = Vec::new();
        render_file(&mut frag, "Dockerfile", src, &d);
        let mut out = Vec::new();
        write_report(&mut out, [&frag[..]], &[]).unwrap();
        let v: Vec<Value> = serde_json::from_slice(&out).unwrap();
        assert_eq!(v.len(), d.len());
        let fps: Vec<&str> = v
            .iter()
            .map(|i| i["fingerprint"].as_str().unwrap())
            .collect();
        let mut unique = fps.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), fps.len(), "{fps:?}");
        // The same finding one line lower keeps its fingerprint.
        let moved = "FROM x\n\nMAINTAINER me\nMAINTAINER me\n";
        let mut frag2 = Vec::new();
        render_file(&mut frag2, "Dockerfile", moved, &crate::lint(moved));
        let v2: Vec<Value> = serde_json::from_slice(&[b"[", &frag2[..], b"]"].concat()).unwrap();
        let fp = |v: &[Value], code: &str| {
            v.iter()
                .filter(|i| i["check_name"] == code)
                .map(|i| i["fingerprint"].clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(fp(&v, "SW501"), fp(&v2, "SW501"));
        assert_eq!(v[0]["location"]["path"], "Dockerfile");
        assert!(v.iter().any(|i| i["severity"] == "critical"));
    }
}
