//! More than one `CMD` in a stage.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::correctness::report_repeated;
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::syntax::Keyword;

/// The rule.
pub struct MultipleCmdInstructions;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW106",
    name: "multiple-cmd-instructions",
    category: Category::Correctness,
    severity: Severity::Warning,
    fix: FixKind::None,
    hadolint: &["DL4003"],
    buildkit: &["MultipleInstructionsDisallowed"],
    default_enabled: true,
    summary: "more than one `CMD` in a stage",
    doc: include_str!("../../../rules/multiple-cmd-instructions.md"),
};

impl Rule for MultipleCmdInstructions {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        report_repeated(cx, &META, Keyword::Cmd, out);
    }
}
