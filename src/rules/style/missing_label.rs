//! A label the label schema requires is missing from an image.

use super::labels;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{DepKind, DepTarget};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};

/// The rule.
pub struct MissingLabel;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW513",
    name: "missing-label",
    category: Category::Style,
    severity: Severity::Info,
    fix: FixKind::None,
    hadolint: &["DL3049"],
    buildkit: &[],
    default_enabled: true,
    summary: "A label required by the label schema is missing",
    doc: include_str!("../../../rules/missing-label.md"),
};

impl Rule for MissingLabel {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if cx.options.label_schema.is_empty() {
            return;
        }
        let pairs = labels::pairs(cx);
        for stage in &cx.model.stages {
            // A stage that another stage copies files from is a build stage,
            // not an image (as in hadolint).
            let copied_from = cx.model.stages.iter().any(|s| {
                s.deps.iter().any(|d| {
                    d.kind == DepKind::CopyFrom && d.target == DepTarget::Stage(stage.index)
                })
            });
            if copied_from {
                continue;
            }
            let from = &cx.file.instructions[stage.from];
            for key in cx.options.label_schema.keys() {
                if !labels::stage_has_label(cx, &pairs, stage.index, key) {
                    out.push(cx.diag(
                        &META,
                        from.span,
                        format!("label `{key}` is missing from this image"),
                    ));
                }
            }
        }
    }
}
