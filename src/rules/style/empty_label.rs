//! A label of the label schema with an empty value.

use super::labels;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};

/// The rule.
pub struct EmptyLabel;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW515",
    name: "empty-label",
    category: Category::Style,
    severity: Severity::Warning,
    fix: FixKind::None,
    hadolint: &["DL3051"],
    buildkit: &[],
    default_enabled: true,
    summary: "A label of the label schema is empty",
    doc: include_str!("../../../rules/empty-label.md"),
};

impl Rule for EmptyLabel {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if cx.options.label_schema.is_empty() {
            return;
        }
        for p in labels::pairs(cx) {
            if cx.options.label_schema.contains_key(&p.key) && p.value.as_deref() == Some("") {
                out.push(cx.diag(&META, p.key_span, format!("label `{}` is empty", p.key)));
            }
        }
    }
}
