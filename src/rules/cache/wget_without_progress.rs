//! `wget` without `--progress`.

use super::{for_each_command, insert_after, is, runs};
use crate::diagnostic::{Applicability, Diagnostic, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::shell::Command;

/// The rule.
pub struct WgetWithoutProgress;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW320",
    name: "wget-without-progress",
    category: Category::Style,
    severity: Severity::Info,
    fix: FixKind::Safe,
    hadolint: &["DL3047"],
    buildkit: &[],
    default_enabled: true,
    summary: "`wget` without `--progress` floods the build log",
    doc: include_str!("../../../rules/wget-without-progress.md"),
};

/// Whether wget's output is already tamed: a progress style, quiet or
/// non-verbose mode, or output sent to a log file.
fn quiet(cmd: &Command) -> bool {
    cmd.has_flag('\0', "progress")
        || cmd.has_flag('q', "quiet")
        || cmd.has_flag('\0', "no-verbose")
        || cmd.args.iter().any(|w| w.value == "-nv")
        || cmd.has_flag('o', "output-file")
        || cmd.has_flag('a', "append-output")
}

impl Rule for WgetWithoutProgress {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (i, _) in runs(cx) {
            for_each_command(cx, i, |cmd| {
                if !is(cmd, "wget") || quiet(cmd) {
                    return;
                }
                let mut d = cx.diag(
                    &META,
                    cmd.span,
                    "`wget` without `--progress` prints a line of dots every few kilobytes into the build log",
                );
                if let Some(name) = &cmd.name {
                    d.fix = insert_after(
                        cx,
                        "Add `--progress=dot:giga`",
                        Applicability::Safe,
                        name,
                        " --progress=dot:giga",
                    );
                }
                out.push(d);
            });
        }
    }
}
