//! A label the schema types `url` is not an absolute URL.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::options::LabelType;
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};

/// The rule.
pub struct LabelNotUrl;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW516",
    name: "label-not-url",
    category: Category::Style,
    severity: Severity::Warning,
    fix: FixKind::None,
    hadolint: &["DL3052"],
    buildkit: &[],
    default_enabled: true,
    summary: "A label the schema types `url` is not an absolute URL",
    doc: include_str!("../../../rules/label-not-url.md"),
};

impl Rule for LabelNotUrl {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        super::labels::check_format(
            cx,
            out,
            &META,
            LabelType::Url,
            super::labels::is_url,
            "a valid URL",
        );
    }
}
