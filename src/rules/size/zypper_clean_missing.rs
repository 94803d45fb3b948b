//! `zypper install` without `zypper clean`.

use super::{cleans, uncleaned_install};
use crate::diagnostic::{Diagnostic, Fix, Severity};
use crate::rules::cache::{has_cache_mount_with, is_with_arg, runs};
use crate::rules::fixes::{append_to_run, unless_used_later};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::shell::packages::Manager;

/// The rule.
pub struct ZypperCleanMissing;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW407",
    name: "zypper-clean-missing",
    category: Category::Size,
    severity: Severity::Warning,
    fix: FixKind::Safe,
    hadolint: &["DL3036"],
    buildkit: &[],
    default_enabled: true,
    summary: "`zypper install` without `zypper clean` in the same `RUN`",
    doc: include_str!("../../../rules/zypper-clean-missing.md"),
};

impl Rule for ZypperCleanMissing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if !cx.runs_any(&[Manager::Zypper]) {
            return;
        }
        for (i, inst) in runs(cx) {
            if has_cache_mount_with(inst, "/var/cache/zypp") {
                continue;
            }
            let span = uncleaned_install(
                cx,
                i,
                |c| is_with_arg(c, "zypper", &["install", "in"]),
                |c| cleans(c, &[Manager::Zypper]),
            );
            if let Some(span) = span {
                let mut d = cx.diag(
                    &META,
                    span,
                    "zypper's cache stays in the layer; run `zypper clean` after the install, in the same RUN",
                );
                d.fix = append_to_run(cx, i, "zypper clean").map(|edit| {
                    let applicability = unless_used_later(cx, i, &["zypper"], &|_| false);
                    Fix::new(
                        "Run `zypper clean` at the end of the RUN",
                        applicability,
                        vec![edit],
                    )
                });
                out.push(d);
            }
        }
    }
}
