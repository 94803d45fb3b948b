//! `zypper install` of a package without a version.

use super::{for_each_install, report_unpinned, runs};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::shell::packages::Manager;

/// The rule.
pub struct ZypperInstallUnpinned;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW313",
    name: "zypper-install-unpinned",
    category: Category::Reproducibility,
    severity: Severity::Warning,
    fix: FixKind::None,
    hadolint: &["DL3037"],
    buildkit: &[],
    default_enabled: true,
    summary: "`zypper install` of a package without a pinned version",
    doc: include_str!("../../../rules/zypper-install-unpinned.md"),
};

impl Rule for ZypperInstallUnpinned {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (i, _) in runs(cx) {
            for_each_install(cx, i, &[Manager::Zypper], |install| {
                report_unpinned(cx, &META, out, install, |p| format!("{}=<version>", p.name));
            });
        }
    }
}
