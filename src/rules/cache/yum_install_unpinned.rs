//! `yum install` of a package without a version.

use super::{for_each_install, pinned_rpm_form, report_unpinned, rpm_version_pinned, runs};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::shell::packages::Manager;

/// The rule.
pub struct YumInstallUnpinned;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW311",
    name: "yum-install-unpinned",
    category: Category::Reproducibility,
    severity: Severity::Warning,
    fix: FixKind::None,
    hadolint: &["DL3033"],
    buildkit: &[],
    default_enabled: true,
    summary: "`yum install` of a package without a pinned version",
    doc: include_str!("../../../rules/yum-install-unpinned.md"),
};

impl Rule for YumInstallUnpinned {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (i, _) in runs(cx) {
            for_each_install(cx, i, &[Manager::Yum], |install| {
                // hadolint 2.15 judges yum packages as it judges dnf's: a
                // `-` alone (`yum-utils`) is not a version.
                let module = install.command.args.iter().any(|w| w.value == "module");
                let mut strict = install.clone();
                if !module {
                    for p in &mut strict.packages {
                        p.pinned = p.pinned && rpm_version_pinned(&p.word.value);
                    }
                }
                report_unpinned(cx, &META, out, &strict, |p| pinned_rpm_form(install, p));
            });
        }
    }
}
