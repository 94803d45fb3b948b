//! `apt-get install` without `--no-install-recommends`.

use crate::diagnostic::{Applicability, Diagnostic, Severity};
use crate::rules::cache::{arg_word, for_each_command, insert_after, is_with_arg, runs};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::shell::Command;
use crate::shell::packages::Manager;

/// The rule.
pub struct AptGetInstallRecommends;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW402",
    name: "apt-get-install-recommends",
    category: Category::Size,
    severity: Severity::Info,
    fix: FixKind::Unsafe,
    hadolint: &["DL3015"],
    buildkit: &[],
    default_enabled: true,
    summary: "`apt-get install` without `--no-install-recommends`",
    doc: include_str!("../../../rules/apt-get-install-recommends.md"),
};

/// `--no-install-recommends`, or `APT::Install-Recommends` set to false.
fn skips_recommends(cmd: &Command) -> bool {
    cmd.has_flag('\0', "no-install-recommends")
        || cmd.args.iter().any(|w| {
            let v = w.value.to_ascii_lowercase();
            v.find("apt::install-recommends=").is_some_and(|at| {
                matches!(
                    &v[at + "apt::install-recommends=".len()..],
                    "false" | "0" | "no" | "off"
                )
            })
        })
}

impl Rule for AptGetInstallRecommends {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if !cx.runs_any(&[Manager::AptGet]) {
            return;
        }
        for (i, _) in runs(cx) {
            for_each_command(cx, i, |cmd| {
                if !is_with_arg(cmd, "apt-get", &["install"]) || skips_recommends(cmd) {
                    return;
                }
                let mut d = cx.diag(
                    &META,
                    cmd.span,
                    "`apt-get install` also installs recommended packages; add `--no-install-recommends`",
                );
                if let Some(w) = arg_word(cmd, &["install"]) {
                    d.fix = insert_after(
                        cx,
                        "Add `--no-install-recommends`",
                        Applicability::Unsafe,
                        w,
                        " --no-install-recommends",
                    );
                }
                out.push(d);
            });
        }
    }
}
