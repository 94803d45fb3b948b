//! `cd` in a `RUN` instead of `WORKDIR`.

use super::{for_each_command, is, runs};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};

/// The rule.
pub struct CdInsteadOfWorkdir;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW317",
    name: "cd-instead-of-workdir",
    category: Category::Style,
    severity: Severity::Warning,
    fix: FixKind::None,
    hadolint: &["DL3003"],
    buildkit: &[],
    default_enabled: true,
    summary: "`cd` in a `RUN`; use `WORKDIR` to change directory",
    doc: include_str!("../../../rules/cd-instead-of-workdir.md"),
};

impl Rule for CdInsteadOfWorkdir {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (i, _) in runs(cx) {
            for_each_command(cx, i, |cmd| {
                if is(cmd, "cd") {
                    out.push(cx.diag(
                        &META,
                        cmd.span,
                        "`cd` lasts only until the end of this RUN; use WORKDIR to change directory",
                    ));
                }
            });
        }
    }
}
