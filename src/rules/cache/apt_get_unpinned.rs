//! `apt-get install` of a package without a version.

use super::{for_each_install, report_unpinned, runs};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::shell::packages::Manager;

/// The rule.
pub struct AptGetUnpinned;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW306",
    name: "apt-get-unpinned",
    category: Category::Reproducibility,
    severity: Severity::Warning,
    fix: FixKind::None,
    hadolint: &["DL3008"],
    buildkit: &[],
    default_enabled: true,
    summary: "`apt-get install` of a package without a pinned version",
    doc: include_str!("../../../rules/apt-get-unpinned.md"),
};

impl Rule for AptGetUnpinned {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (i, _) in runs(cx) {
            for_each_install(cx, i, &[Manager::AptGet], |install| {
                report_unpinned(cx, &META, out, install, |p| format!("{}=<version>", p.name));
            });
        }
    }
}
