//! `zypper install` without a non-interactive switch.

use super::{for_each_command, insert_after, is_with_arg, runs};
use crate::diagnostic::{Applicability, Diagnostic, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::shell::packages::Manager;

/// The rule.
pub struct ZypperMissingNonInteractive;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW305",
    name: "zypper-missing-non-interactive",
    category: Category::Correctness,
    severity: Severity::Warning,
    fix: FixKind::Safe,
    hadolint: &["DL3034"],
    buildkit: &[],
    default_enabled: true,
    summary: "`zypper` without `-n`/`-y` waits for answers that never come",
    doc: include_str!("../../../rules/zypper-missing-non-interactive.md"),
};

const SUBCOMMANDS: &[&str] = &[
    "install",
    "in",
    "remove",
    "rm",
    "source-install",
    "si",
    "patch",
];

impl Rule for ZypperMissingNonInteractive {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if !cx.runs_any(&[Manager::Zypper]) {
            return;
        }
        for (i, _) in runs(cx) {
            for_each_command(cx, i, |cmd| {
                if !is_with_arg(cmd, "zypper", SUBCOMMANDS)
                    || cmd.has_flag('y', "no-confirm")
                    || cmd.has_flag('n', "non-interactive")
                {
                    return;
                }
                let mut d = cx.diag(
                    &META,
                    cmd.span,
                    "`zypper` without `-n` (or `-y` after the command) waits for input the build cannot give",
                );
                if let Some(name) = &cmd.name {
                    d.fix = insert_after(
                        cx,
                        "Add `-n` (`--non-interactive`)",
                        Applicability::Safe,
                        name,
                        " -n",
                    );
                }
                out.push(d);
            });
        }
    }
}
