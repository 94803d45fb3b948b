//! `yum install` without `-y`.

use super::{arg_word, for_each_command, insert_after, is_with_arg, runs};
use crate::diagnostic::{Applicability, Diagnostic, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::shell::packages::Manager;

/// The rule.
pub struct YumMissingYes;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW303",
    name: "yum-missing-yes",
    category: Category::Correctness,
    severity: Severity::Warning,
    fix: FixKind::Safe,
    hadolint: &["DL3030"],
    buildkit: &[],
    default_enabled: true,
    summary: "`yum install` without `-y` fails waiting for confirmation",
    doc: include_str!("../../../rules/yum-missing-yes.md"),
};

const SUBCOMMANDS: &[&str] = &["install", "groupinstall", "localinstall"];

impl Rule for YumMissingYes {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if !cx.runs_any(&[Manager::Yum]) {
            return;
        }
        for (i, _) in runs(cx) {
            for_each_command(cx, i, |cmd| {
                if !is_with_arg(cmd, "yum", SUBCOMMANDS) || cmd.has_flag('y', "assumeyes") {
                    return;
                }
                let mut d = cx.diag(
                    &META,
                    cmd.span,
                    "`yum install` without `-y` aborts the build at its confirmation prompt",
                );
                if let Some(w) = arg_word(cmd, SUBCOMMANDS) {
                    d.fix = insert_after(cx, "Add `-y`", Applicability::Safe, w, " -y");
                }
                out.push(d);
            });
        }
    }
}
