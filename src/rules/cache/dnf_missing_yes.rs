//! `dnf install` without `-y`.

use super::{arg_word, for_each_command, insert_after, is_with_arg, runs};
use crate::diagnostic::{Applicability, Diagnostic, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::shell::packages::Manager;

/// The rule.
pub struct DnfMissingYes;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW304",
    name: "dnf-missing-yes",
    category: Category::Correctness,
    severity: Severity::Warning,
    fix: FixKind::Safe,
    hadolint: &["DL3038"],
    buildkit: &[],
    default_enabled: true,
    summary: "`dnf install` without `-y` fails waiting for confirmation",
    doc: include_str!("../../../rules/dnf-missing-yes.md"),
};

const SUBCOMMANDS: &[&str] = &["install", "groupinstall", "localinstall"];

impl Rule for DnfMissingYes {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if !cx.runs_any(&[Manager::Dnf, Manager::Microdnf]) {
            return;
        }
        for (i, _) in runs(cx) {
            for_each_command(cx, i, |cmd| {
                let dnf = ["dnf", "microdnf"]
                    .into_iter()
                    .find(|n| is_with_arg(cmd, n, SUBCOMMANDS));
                let Some(dnf) = dnf else {
                    return;
                };
                if cmd.has_flag('y', "assumeyes") {
                    return;
                }
                let mut d = cx.diag(
                    &META,
                    cmd.span,
                    format!(
                        "`{dnf} install` without `-y` aborts the build at its confirmation prompt"
                    ),
                );
                if let Some(w) = arg_word(cmd, SUBCOMMANDS) {
                    d.fix = insert_after(cx, "Add `-y`", Applicability::Safe, w, " -y");
                }
                out.push(d);
            });
        }
    }
}
