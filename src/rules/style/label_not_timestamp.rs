//! A label the schema types `rfc3339` is not an RFC 3339 date-time.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::options::LabelType;
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};

/// The rule.
pub struct LabelNotTimestamp;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW517",
    name: "label-not-timestamp",
    category: Category::Style,
    severity: Severity::Warning,
    fix: FixKind::None,
    hadolint: &["DL3053"],
    buildkit: &[],
    default_enabled: true,
    summary: "A label the schema types `rfc3339` is not an RFC 3339 date-time",
    doc: include_str!("../../../rules/label-not-timestamp.md"),
};

impl Rule for LabelNotTimestamp {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        super::labels::check_format(
            cx,
            out,
            &META,
            LabelType::Rfc3339,
            super::labels::is_rfc3339,
            "an RFC 3339 date-time",
        );
    }
}
