//! Instruction keywords cased differently from most of the file.

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta, with_fix};
use crate::syntax::Keyword;

/// The rule.
pub struct InconsistentInstructionCasing;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW509",
    name: "inconsistent-instruction-casing",
    category: Category::Style,
    severity: Severity::Warning,
    fix: FixKind::Safe,
    hadolint: &[],
    buildkit: &["ConsistentInstructionCasing"],
    default_enabled: true,
    summary: "An instruction keyword is not cased like most of the file",
    doc: include_str!("../../../rules/inconsistent-instruction-casing.md"),
};

impl Rule for InconsistentInstructionCasing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let keywords: Vec<_> = cx
            .file
            .instructions
            .iter()
            .filter(|i| i.keyword != Keyword::Unknown)
            .map(|i| (i.keyword_span, cx.text(i.keyword_span)))
            .collect();
        let (mut lower, mut upper) = (0, 0);
        for (_, text) in &keywords {
            if *text == text.to_ascii_lowercase() {
                lower += 1;
            } else if *text == text.to_ascii_uppercase() {
                upper += 1;
            }
        }
        // A tie goes to uppercase, as in BuildKit.
        let majority_lower = lower > upper;
        for (span, text) in keywords {
            let wanted = if majority_lower {
                text.to_ascii_lowercase()
            } else {
                text.to_ascii_uppercase()
            };
            if text == wanted {
                continue;
            }
            let casing = if majority_lower {
                "lowercase"
            } else {
                "uppercase"
            };
            let d = cx.diag(
                &META,
                span,
                format!("`{text}` should be {casing}, like most instructions in this file"),
            );
            out.push(with_fix(
                d,
                Fix::new(
                    format!("Write `{wanted}`"),
                    Applicability::Safe,
                    vec![Edit {
                        span,
                        replacement: wanted,
                    }],
                ),
            ));
        }
    }
}
