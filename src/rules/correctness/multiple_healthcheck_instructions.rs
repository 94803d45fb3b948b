//! More than one `HEALTHCHECK` in a stage.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::correctness::report_repeated;
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::syntax::Keyword;

/// The rule.
pub struct MultipleHealthcheckInstructions;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW105",
    name: "multiple-healthcheck-instructions",
    category: Category::Correctness,
    severity: Severity::Error,
    fix: FixKind::None,
    hadolint: &["DL3012"],
    buildkit: &[],
    default_enabled: true,
    summary: "more than one `HEALTHCHECK` in a stage",
    doc: include_str!("../../../rules/multiple-healthcheck-instructions.md"),
};

impl Rule for MultipleHealthcheckInstructions {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        report_repeated(cx, &META, Keyword::Healthcheck, out);
    }
}
