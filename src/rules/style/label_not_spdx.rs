//! A label the schema types `spdx` is not an SPDX license expression.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::options::LabelType;
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};

/// The rule.
pub struct LabelNotSpdx;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW518",
    name: "label-not-spdx",
    category: Category::Style,
    severity: Severity::Warning,
    fix: FixKind::None,
    hadolint: &["DL3054"],
    buildkit: &[],
    default_enabled: true,
    summary: "A label the schema types `spdx` is not an SPDX license expression",
    doc: include_str!("../../../rules/label-not-spdx.md"),
};

impl Rule for LabelNotSpdx {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        super::labels::check_format(
            cx,
            out,
            &META,
            LabelType::Spdx,
            super::labels::is_spdx,
            "an SPDX license expression",
        );
    }
}
