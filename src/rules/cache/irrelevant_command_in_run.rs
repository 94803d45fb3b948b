//! Commands that make no sense while building an image.

use super::{for_each_command, runs};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};

/// The rule.
pub struct IrrelevantCommandInRun;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW319",
    name: "irrelevant-command-in-run",
    category: Category::Correctness,
    severity: Severity::Info,
    fix: FixKind::None,
    hadolint: &["DL3001"],
    buildkit: &[],
    default_enabled: true,
    summary: "A command that makes no sense in a build (`ssh`, `vim`, `service`, ...)",
    doc: include_str!("../../../rules/irrelevant-command-in-run.md"),
};

/// hadolint's list.
const COMMANDS: &[&str] = &[
    "free", "kill", "mount", "ps", "service", "shutdown", "ssh", "top", "vim",
];

impl Rule for IrrelevantCommandInRun {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (i, _) in runs(cx) {
            for_each_command(cx, i, |cmd| {
                if let Some(name) = cmd.basename().filter(|n| COMMANDS.contains(n)) {
                    out.push(cx.diag(
                        &META,
                        cmd.span,
                        format!("`{name}` makes no sense while building an image: the build has no terminal, no running services, and its container is thrown away"),
                    ));
                }
            });
        }
    }
}
