//! `gem install` of a gem without a version.

use super::{for_each_install, report_unpinned, runs};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::shell::packages::Manager;

/// The rule.
pub struct GemInstallUnpinned;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW310",
    name: "gem-install-unpinned",
    category: Category::Reproducibility,
    severity: Severity::Warning,
    fix: FixKind::None,
    hadolint: &["DL3028"],
    buildkit: &[],
    default_enabled: true,
    summary: "`gem install` of a gem without a pinned version",
    doc: include_str!("../../../rules/gem-install-unpinned.md"),
};

impl Rule for GemInstallUnpinned {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (i, _) in runs(cx) {
            for_each_install(cx, i, &[Manager::Gem], |install| {
                report_unpinned(cx, &META, out, install, |p| format!("{}:<version>", p.name));
            });
        }
    }
}
