//! A label the schema types `semver` is not a semantic version.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::options::LabelType;
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};

/// The rule.
pub struct LabelNotSemver;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW520",
    name: "label-not-semver",
    category: Category::Style,
    severity: Severity::Warning,
    fix: FixKind::None,
    hadolint: &["DL3056"],
    buildkit: &[],
    default_enabled: true,
    summary: "A label the schema types `semver` is not a semantic version",
    doc: include_str!("../../../rules/label-not-semver.md"),
};

impl Rule for LabelNotSemver {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        super::labels::check_format(
            cx,
            out,
            &META,
            LabelType::Semver,
            super::labels::is_semver,
            "a semantic version",
        );
    }
}
