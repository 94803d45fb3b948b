//! A label that the label schema does not list, with `strict-labels` on.

use super::labels;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};

/// The rule.
pub struct SuperfluousLabel;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW514",
    name: "superfluous-label",
    category: Category::Style,
    severity: Severity::Info,
    fix: FixKind::None,
    hadolint: &["DL3050"],
    buildkit: &[],
    default_enabled: true,
    summary: "A label is not in the label schema (with `strict-labels`)",
    doc: include_str!("../../../rules/superfluous-label.md"),
};

impl Rule for SuperfluousLabel {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if !cx.options.strict_labels {
            return;
        }
        for p in labels::pairs(cx) {
            if !cx.options.label_schema.contains_key(&p.key) {
                out.push(cx.diag(
                    &META,
                    p.key_span,
                    format!("label `{}` is not in the label schema", p.key),
                ));
            }
        }
    }
}
