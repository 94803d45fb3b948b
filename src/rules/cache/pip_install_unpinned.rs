//! `pip install` of a package without a version.

use super::{for_each_install, report_unpinned, runs};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::shell::packages::Manager;

/// The rule.
pub struct PipInstallUnpinned;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW308",
    name: "pip-install-unpinned",
    category: Category::Reproducibility,
    severity: Severity::Warning,
    fix: FixKind::None,
    hadolint: &["DL3013"],
    buildkit: &[],
    default_enabled: true,
    summary: "`pip install` of a package without a pinned version",
    doc: include_str!("../../../rules/pip-install-unpinned.md"),
};

impl Rule for PipInstallUnpinned {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (i, _) in runs(cx) {
            for_each_install(cx, i, &[Manager::Pip], |install| {
                // Under a constraints file, versions are pinned there.
                if !install.command.has_flag('c', "constraint") {
                    report_unpinned(cx, &META, out, install, |p| {
                        format!("{}==<version>", p.name)
                    });
                }
            });
        }
    }
}
