//! `dnf install` of a package without a version.

use super::{for_each_install, pinned_rpm_form, report_unpinned, runs};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::shell::packages::Manager;

/// The rule.
pub struct DnfInstallUnpinned;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW312",
    name: "dnf-install-unpinned",
    category: Category::Reproducibility,
    severity: Severity::Warning,
    fix: FixKind::None,
    hadolint: &["DL3041"],
    buildkit: &[],
    default_enabled: true,
    summary: "`dnf install` of a package without a pinned version",
    doc: include_str!("../../../rules/dnf-install-unpinned.md"),
};

impl Rule for DnfInstallUnpinned {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (i, _) in runs(cx) {
            for_each_install(cx, i, &[Manager::Dnf, Manager::Microdnf], |install| {
                report_unpinned(cx, &META, out, install, |p| pinned_rpm_form(install, p));
            });
        }
    }
}
