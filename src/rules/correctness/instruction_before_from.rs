//! An instruction other than `ARG` before the first `FROM`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::syntax::Keyword;

/// The rule.
pub struct InstructionBeforeFrom;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW116",
    name: "instruction-before-from",
    category: Category::Correctness,
    severity: Severity::Error,
    fix: FixKind::None,
    hadolint: &["DL3061"],
    buildkit: &[],
    default_enabled: true,
    summary: "an instruction other than `ARG` comes before the first `FROM`",
    doc: include_str!("../../../rules/instruction-before-from.md"),
};

impl Rule for InstructionBeforeFrom {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (i, inst) in cx.instructions() {
            if cx.model.stage_of.get(i).copied().flatten().is_some() {
                break;
            }
            // Unknown words are already syntax errors.
            if matches!(
                inst.keyword,
                Keyword::Arg | Keyword::From | Keyword::Unknown
            ) {
                continue;
            }
            out.push(cx.diag(
                &META,
                inst.keyword_span,
                format!(
                    "`{}` comes before the first `FROM`; only `ARG` may",
                    inst.keyword
                ),
            ));
        }
    }
}
