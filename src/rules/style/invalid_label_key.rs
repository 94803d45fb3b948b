//! A label key that breaks Docker's key format recommendations.

use super::labels;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};

/// The rule.
pub struct InvalidLabelKey;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW505",
    name: "invalid-label-key",
    category: Category::Style,
    severity: Severity::Style,
    fix: FixKind::None,
    hadolint: &["DL3048"],
    buildkit: &[],
    default_enabled: true,
    summary: "A label key breaks Docker's key format",
    doc: include_str!("../../../rules/invalid-label-key.md"),
};

/// Why a label key is not in the recommended format, if it is not.
pub fn key_problem(key: &str) -> Option<&'static str> {
    let lower = |c: char| c.is_ascii_lowercase();
    if !key.chars().next().is_some_and(lower) {
        return Some("it must start with a lowercase letter");
    }
    if !key
        .chars()
        .last()
        .is_some_and(|c| lower(c) || c.is_ascii_digit())
    {
        return Some("it must end with a lowercase letter or a digit");
    }
    if !key
        .chars()
        .all(|c| lower(c) || c.is_ascii_digit() || c == '.' || c == '-')
    {
        return Some("it may contain only lowercase letters, digits, `.` and `-`");
    }
    if ["com.docker.", "io.docker.", "org.dockerproject."]
        .iter()
        .any(|p| key.starts_with(p))
    {
        return Some("its namespace is reserved for Docker");
    }
    if key.contains("..") || key.contains("--") {
        return Some("it has two separators in a row");
    }
    None
}

impl Rule for InvalidLabelKey {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for p in labels::pairs(cx) {
            if let Some(why) = key_problem(&p.key) {
                out.push(cx.diag(
                    &META,
                    p.key_span,
                    format!("label key `{}` is not valid: {why}", p.key),
                ));
            }
        }
    }
}
