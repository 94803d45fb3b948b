//! Blank lines inside an instruction's continuation lines.

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Label, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::syntax::Span;

/// The rule.
pub struct EmptyContinuationLine;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW120",
    name: "empty-continuation-line",
    category: Category::Correctness,
    severity: Severity::Warning,
    fix: FixKind::Safe,
    hadolint: &[],
    buildkit: &["NoEmptyContinuation"],
    default_enabled: true,
    summary: "a blank line inside an instruction continued with `\\`",
    doc: include_str!("../../../rules/empty-continuation-line.md"),
};

impl Rule for EmptyContinuationLine {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let starts = &cx.file.line_starts;
        for (_, inst) in cx.instructions() {
            let lines = &inst.empty_continuation_lines;
            if lines.is_empty() {
                continue;
            }
            let n = lines.len();
            let mut d = cx.diag(
                &META,
                inst.keyword_span,
                if n == 1 {
                    format!(
                        "this `{}` has a blank line inside its continuation",
                        inst.keyword
                    )
                } else {
                    format!(
                        "this `{}` has {n} blank lines inside its continuation",
                        inst.keyword
                    )
                },
            );
            d.help =
                Some("BuildKit will reject blank continuation lines in a future release".into());
            let mut edits = Vec::new();
            for &line in lines {
                d.labels.push(Label {
                    span: line,
                    message: "blank line".into(),
                });
                // Remove the whole line, its line break included.
                // (A binary search: a linear one is quadratic in the lines.)
                let next = starts
                    .get(starts.partition_point(|&s| s <= line.start))
                    .copied()
                    .unwrap_or(cx.source.len());
                edits.push(Edit {
                    span: Span::new(line.start, next.max(line.end)),
                    replacement: String::new(),
                });
            }
            d.fix = Some(Fix::new(
                "Remove the blank lines",
                Applicability::Safe,
                edits,
            ));
            out.push(d);
        }
    }
}
