//! A stage whose last `USER` is root.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::syntax::{Args, Keyword};

/// The rule.
pub struct LastUserRoot;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW201",
    name: "last-user-root",
    category: Category::Security,
    severity: Severity::Warning,
    fix: FixKind::None,
    hadolint: &["DL3002"],
    buildkit: &[],
    default_enabled: true,
    summary: "The last `USER` of a stage is root",
    doc: include_str!("../../../rules/last-user-root.md"),
};

/// Whether a `USER` value names root (by name or uid, with or without a group).
pub fn is_root(user: &str) -> bool {
    let uid = user.split(':').next().unwrap_or("");
    uid == "root" || uid == "0"
}

impl Rule for LastUserRoot {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for stage in &cx.model.stages {
            let last = stage.instructions.iter().rev().find_map(|&i| {
                match (
                    &cx.file.instructions[i].keyword,
                    &cx.file.instructions[i].args,
                ) {
                    (Keyword::User, Args::Text(w)) => Some((i, w)),
                    _ => None,
                }
            });
            let Some((i, word)) = last else {
                continue;
            };
            let user = cx
                .model
                .expand(&word.value, i)
                .map_or_else(|_| word.value.to_string(), |e| e.value);
            if is_root(user.trim()) {
                out.push(cx.diag(
                    &META,
                    word.span,
                    "the last USER of this stage is root: its container runs with full privileges",
                ));
            }
        }
    }
}
