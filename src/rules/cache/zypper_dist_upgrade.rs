//! `zypper dist-upgrade`.

use super::{for_each_command, is_with_arg, runs};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::shell::packages::Manager;

/// The rule.
pub struct ZypperDistUpgrade;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW315",
    name: "zypper-dist-upgrade",
    category: Category::Reproducibility,
    severity: Severity::Warning,
    fix: FixKind::None,
    hadolint: &["DL3035"],
    buildkit: &[],
    default_enabled: true,
    summary: "`zypper dist-upgrade` changes the whole base image",
    doc: include_str!("../../../rules/zypper-dist-upgrade.md"),
};

impl Rule for ZypperDistUpgrade {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if !cx.runs_any(&[Manager::Zypper]) {
            return;
        }
        for (i, _) in runs(cx) {
            for_each_command(cx, i, |cmd| {
                if is_with_arg(cmd, "zypper", &["dist-upgrade", "dup"]) {
                    out.push(cx.diag(
                        &META,
                        cmd.span,
                        "`zypper dist-upgrade` upgrades every package of the base image; use a newer base image instead",
                    ));
                }
            });
        }
    }
}
