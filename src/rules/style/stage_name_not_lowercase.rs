//! A stage name with uppercase letters.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::syntax::{Args, Keyword};

/// The rule.
pub struct StageNameNotLowercase;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW507",
    name: "stage-name-not-lowercase",
    category: Category::Style,
    severity: Severity::Warning,
    fix: FixKind::None,
    hadolint: &[],
    buildkit: &["StageNameCasing"],
    default_enabled: true,
    summary: "A stage name is not lowercase",
    doc: include_str!("../../../rules/stage-name-not-lowercase.md"),
};

impl Rule for StageNameNotLowercase {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (_, inst) in cx.instructions() {
            let (Keyword::From, Args::Words(words)) = (inst.keyword, &inst.args) else {
                continue;
            };
            let [_, kw, name] = words.as_slice() else {
                continue;
            };
            if kw.value.eq_ignore_ascii_case("as") && name.value != name.value.to_lowercase() {
                out.push(cx.diag(
                    &META,
                    name.span,
                    format!("stage name `{}` should be lowercase", name.value),
                ));
            }
        }
    }
}
