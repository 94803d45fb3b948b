//! A label the schema types `email` is not an e-mail address.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::options::LabelType;
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};

/// The rule.
pub struct LabelNotEmail;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW521",
    name: "label-not-email",
    category: Category::Style,
    severity: Severity::Warning,
    fix: FixKind::None,
    hadolint: &["DL3058"],
    buildkit: &[],
    default_enabled: true,
    summary: "A label the schema types `email` is not an e-mail address",
    doc: include_str!("../../../rules/label-not-email.md"),
};

impl Rule for LabelNotEmail {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        super::labels::check_format(
            cx,
            out,
            &META,
            LabelType::Email,
            super::labels::is_email,
            "an e-mail address",
        );
    }
}
