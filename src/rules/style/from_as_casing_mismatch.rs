//! `FROM ... as name` where `as` is cased differently from `FROM`.

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta, with_fix};
use crate::syntax::{Args, Keyword};

/// The rule.
pub struct FromAsCasingMismatch;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW508",
    name: "from-as-casing-mismatch",
    category: Category::Style,
    severity: Severity::Warning,
    fix: FixKind::Safe,
    hadolint: &[],
    buildkit: &["FromAsCasing"],
    default_enabled: true,
    summary: "The `AS` keyword is not cased like `FROM`",
    doc: include_str!("../../../rules/from-as-casing-mismatch.md"),
};

impl Rule for FromAsCasingMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (_, inst) in cx.instructions() {
            let (Keyword::From, Args::Words(words)) = (inst.keyword, &inst.args) else {
                continue;
            };
            let [_, kw, _, ..] = words.as_slice() else {
                continue;
            };
            if !kw.value.eq_ignore_ascii_case("as") {
                continue;
            }
            let from = cx.text(inst.keyword_span);
            // A `From` of mixed case is `inconsistent-instruction-casing`'s finding.
            let wanted = if from == from.to_ascii_lowercase() {
                "as"
            } else if from == from.to_ascii_uppercase() {
                "AS"
            } else {
                continue;
            };
            if kw.value == wanted {
                continue;
            }
            let d = cx.diag(
                &META,
                kw.span,
                format!("`{}` does not match the casing of `{from}`", kw.value),
            );
            out.push(with_fix(
                d,
                Fix::new(
                    format!("Write `{wanted}`"),
                    Applicability::Safe,
                    vec![Edit {
                        span: kw.span,
                        replacement: wanted.to_string(),
                    }],
                ),
            ));
        }
    }
}
