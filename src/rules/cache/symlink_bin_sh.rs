//! `ln` replacing `/bin/sh`.

use super::{for_each_command, is, runs};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};

/// The rule.
pub struct SymlinkBinSh;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW321",
    name: "symlink-bin-sh",
    category: Category::Correctness,
    severity: Severity::Warning,
    fix: FixKind::None,
    hadolint: &["DL4005"],
    buildkit: &[],
    default_enabled: true,
    summary: "`ln` over `/bin/sh`; use `SHELL` to change the build's shell",
    doc: include_str!("../../../rules/symlink-bin-sh.md"),
};

impl Rule for SymlinkBinSh {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (i, _) in runs(cx) {
            for_each_command(cx, i, |cmd| {
                if is(cmd, "ln") && cmd.args.iter().any(|w| w.value == "/bin/sh") {
                    out.push(cx.diag(
                        &META,
                        cmd.span,
                        "replacing /bin/sh changes the shell of every script in the image; use SHELL to change the shell of RUN",
                    ));
                }
            });
        }
    }
}
