//! A label the schema types `hash` is not a git commit hash.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::options::LabelType;
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};

/// The rule.
pub struct LabelNotGitHash;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW519",
    name: "label-not-git-hash",
    category: Category::Style,
    severity: Severity::Warning,
    fix: FixKind::None,
    hadolint: &["DL3055"],
    buildkit: &[],
    default_enabled: true,
    summary: "A label the schema types `hash` is not a git commit hash",
    doc: include_str!("../../../rules/label-not-git-hash.md"),
};

impl Rule for LabelNotGitHash {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        super::labels::check_format(
            cx,
            out,
            &META,
            LabelType::Hash,
            super::labels::is_git_hash,
            "a git commit hash",
        );
    }
}
