//! `sudo` in a `RUN`.

use super::{for_each_command, is, runs};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};

/// The rule.
pub struct SudoInRun;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW318",
    name: "sudo-in-run",
    category: Category::Correctness,
    severity: Severity::Error,
    fix: FixKind::None,
    hadolint: &["DL3004"],
    buildkit: &[],
    default_enabled: true,
    summary: "`sudo` in a `RUN`; use `USER` (or `gosu` at run time)",
    doc: include_str!("../../../rules/sudo-in-run.md"),
};

impl Rule for SudoInRun {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (i, _) in runs(cx) {
            for_each_command(cx, i, |cmd| {
                if is(cmd, "sudo") {
                    out.push(cx.diag(
                        &META,
                        cmd.span,
                        "`sudo` behaves unpredictably in a build; switch user with USER instead",
                    ));
                }
            });
        }
    }
}
