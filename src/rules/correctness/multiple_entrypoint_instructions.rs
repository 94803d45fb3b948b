//! More than one `ENTRYPOINT` in a stage.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::correctness::report_repeated;
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::syntax::Keyword;

/// The rule.
pub struct MultipleEntrypointInstructions;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW107",
    name: "multiple-entrypoint-instructions",
    category: Category::Correctness,
    severity: Severity::Error,
    fix: FixKind::None,
    hadolint: &["DL4004"],
    buildkit: &[],
    default_enabled: true,
    summary: "more than one `ENTRYPOINT` in a stage",
    doc: include_str!("../../../rules/multiple-entrypoint-instructions.md"),
};

impl Rule for MultipleEntrypointInstructions {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        report_repeated(cx, &META, Keyword::Entrypoint, out);
    }
}
