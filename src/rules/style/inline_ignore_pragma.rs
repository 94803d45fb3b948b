//! An inline `# hadolint ignore=` / `# slipway ignore=` comment.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};

/// The rule.
pub struct InlineIgnorePragma;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW502",
    name: "inline-ignore-pragma",
    category: Category::Style,
    severity: Severity::Info,
    fix: FixKind::None,
    hadolint: &["DL1001"],
    buildkit: &[],
    default_enabled: false,
    summary: "An inline ignore pragma silences findings in the file",
    doc: include_str!("../../../rules/inline-ignore-pragma.md"),
};

impl Rule for InlineIgnorePragma {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for span in crate::rules::suppress::pragmas(cx.source, cx.file).comments {
            // `# hadolint shell=` declares a shell; it silences nothing.
            if !cx.text(span).contains("ignore=") {
                continue;
            }
            out.push(cx.diag(
                &META,
                span,
                "inline ignore pragma: fix the finding, or turn the rule off in the configuration",
            ));
        }
    }
}
