//! `apt-get install` without `-y`.

use super::{arg_word, for_each_command, insert_after, is_with_arg, runs};
use crate::diagnostic::{Applicability, Diagnostic, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::shell::Command;
use crate::shell::packages::Manager;

/// The rule.
pub struct AptGetMissingYes;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW302",
    name: "apt-get-missing-yes",
    category: Category::Correctness,
    severity: Severity::Warning,
    fix: FixKind::Safe,
    hadolint: &["DL3014"],
    buildkit: &[],
    default_enabled: true,
    summary: "`apt-get install` without `-y` fails when apt-get asks to continue",
    doc: include_str!("../../../rules/apt-get-missing-yes.md"),
};

/// Whether the command answers yes: `-y`, `--yes`, `--assume-yes`, or quiet
/// level 2 (`-qq`, `-q -q`, `-q=2`, `--quiet=2`), which implies `-y`.
fn assumes_yes(cmd: &Command) -> bool {
    if cmd.has_flag('y', "yes") || cmd.has_flag('\0', "assume-yes") {
        return true;
    }
    let mut quiet = 0;
    for w in cmd.args.iter().take_while(|w| w.value != "--") {
        let v = w.value.as_str();
        if v == "-q=2" || v == "--quiet=2" {
            return true;
        }
        if v == "--quiet" {
            quiet += 1;
        } else if let Some(cluster) = v.strip_prefix('-').filter(|c| !c.starts_with('-')) {
            quiet += cluster.chars().filter(|&c| c == 'q').count();
        }
    }
    quiet >= 2
}

impl Rule for AptGetMissingYes {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if !cx.runs_any(&[Manager::AptGet]) {
            return;
        }
        for (i, _) in runs(cx) {
            for_each_command(cx, i, |cmd| {
                if !is_with_arg(cmd, "apt-get", &["install"]) || assumes_yes(cmd) {
                    return;
                }
                let mut d = cx.diag(
                    &META,
                    cmd.span,
                    "`apt-get install` without `-y` aborts the build when it asks to continue",
                );
                if let Some(w) = arg_word(cmd, &["install"]) {
                    d.fix = insert_after(cx, "Add `-y`", Applicability::Safe, w, " -y");
                }
                out.push(d);
            });
        }
    }
}
