//! `slipway rule ID` (one rule's document) and `slipway rules` (every rule).

use super::output::{self, ColorChoice, ToolError};
use super::{RuleArgs, RulesArgs, RulesFormat, Status};
use crate::config::ids;
use crate::diagnostic::Severity;
use crate::rules::{self, Category, FixKind, RuleMeta};
use serde::Serialize;

/// Run `rule`: the header line, then the rule's Markdown document as it is.
pub fn explain(args: &RuleArgs) -> Status {
    let Some(rule) = rules::lookup(args.id.trim()) else {
        let (message, help) = ids::unknown_message(args.id.trim());
        let mut e = ToolError::new(message);
        if let Some(help) = help {
            e = e.with_help(help);
        }
        output::report(ColorChoice::Auto, &e);
        return Status::Error;
    };
    let meta = rule.meta();
    let text = format!("{}\n\n{}", header(meta), meta.doc.trim_end());
    if output::with_stdout(ColorChoice::Auto, |out| writeln!(out, "{text}")) {
        Status::Clean
    } else {
        Status::Error
    }
}

/// `SW501 maintainer-deprecated (style, error, fix: safe) — hadolint DL4000,
/// BuildKit MaintainerDeprecated`.
pub fn header(meta: &RuleMeta) -> String {
    let mut traits = vec![meta.category.as_str(), meta.severity.as_str()];
    let fix;
    if meta.fix != FixKind::None {
        fix = format!("fix: {}", fix_name(meta.fix));
        traits.push(&fix);
    }
    if !meta.default_enabled {
        traits.push("off by default");
    }
    let mut s = format!("{} {} ({})", meta.code, meta.name, traits.join(", "));
    let mut equivalents = Vec::new();
    if !meta.hadolint.is_empty() {
        equivalents.push(format!("hadolint {}", meta.hadolint.join(", ")));
    }
    if !meta.buildkit.is_empty() {
        equivalents.push(format!("BuildKit {}", meta.buildkit.join(", ")));
    }
    if !equivalents.is_empty() {
        s.push_str(" — ");
        s.push_str(&equivalents.join(", "));
    }
    s
}

fn fix_name(fix: FixKind) -> &'static str {
    match fix {
        FixKind::None => "none",
        FixKind::Safe => "safe",
        FixKind::Unsafe => "unsafe",
        FixKind::DisplayOnly => "display-only",
    }
}

/// One rule in `slipway rules --format json`.
#[derive(Debug, Serialize)]
struct JsonRule {
    code: &'static str,
    name: &'static str,
    category: Category,
    severity: Severity,
    default_enabled: bool,
    fix: FixKind,
    hadolint: &'static [&'static str],
    buildkit: &'static [&'static str],
    summary: &'static str,
}

/// Run `rules`.
pub fn list(args: &RulesArgs) -> Status {
    let metas: Vec<&RuleMeta> = rules::metas().collect();
    let written = output::with_stdout(ColorChoice::Auto, |out| match args.format {
        RulesFormat::Json => {
            let all: Vec<JsonRule> = metas
                .iter()
                .map(|m| JsonRule {
                    code: m.code,
                    name: m.name,
                    category: m.category,
                    severity: m.severity,
                    default_enabled: m.default_enabled,
                    fix: m.fix,
                    hadolint: m.hadolint,
                    buildkit: m.buildkit,
                    summary: m.summary,
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &all)?;
            out.write_all(b"\n")
        }
        RulesFormat::Table => out.write_all(table(&metas).as_bytes()),
    });
    if written {
        Status::Clean
    } else {
        Status::Error
    }
}

/// Every rule, one a line, in aligned columns under a header line.
fn table(metas: &[&RuleMeta]) -> String {
    let dash = |list: &[&str]| {
        if list.is_empty() {
            "-".to_string()
        } else {
            list.join(",")
        }
    };
    let mut rows: Vec<[String; 9]> = vec![
        [
            "CODE", "NAME", "CATEGORY", "SEVERITY", "DEFAULT", "FIX", "HADOLINT", "BUILDKIT",
            "SUMMARY",
        ]
        .map(str::to_string),
    ];
    for m in metas {
        rows.push([
            m.code.to_string(),
            m.name.to_string(),
            m.category.as_str().to_string(),
            m.severity.as_str().to_string(),
            if m.default_enabled { "on" } else { "off" }.to_string(),
            if m.fix == FixKind::None {
                "-".to_string()
            } else {
                fix_name(m.fix).to_string()
            },
            dash(m.hadolint),
            dash(m.buildkit),
            m.summary.to_string(),
        ]);
    }
    let mut widths = [0usize; 9];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut s = String::new();
    for row in &rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(cell);
                let pad = widths[i] - cell.chars().count() + 2;
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        s.push_str(line.trim_end());
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_line() {
        let meta = rules::lookup("SW501").unwrap().meta();
        assert_eq!(
            header(meta),
            "SW501 maintainer-deprecated (style, error, fix: safe) — hadolint DL4000, BuildKit MaintainerDeprecated"
        );
        let meta = rules::lookup("SW101").unwrap().meta();
        assert_eq!(
            header(meta),
            "SW101 workdir-relative-path (correctness, error) — hadolint DL3000, BuildKit WorkdirRelativePath"
        );
    }

    #[test]
    fn table_has_a_line_per_rule() {
        let metas: Vec<&RuleMeta> = rules::metas().collect();
        let t = table(&metas);
        assert_eq!(t.lines().count(), metas.len() + 1);
        assert!(t.lines().next().unwrap().starts_with("CODE"));
        assert!(
            t.lines()
                .any(|l| l.starts_with("SW501") && l.contains("DL4000"))
        );
    }
}
