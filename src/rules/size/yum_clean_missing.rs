//! `yum install` without `yum clean all`.

use super::{cleans, uncleaned_install};
use crate::diagnostic::{Diagnostic, Fix, Severity};
use crate::rules::cache::{has_cache_mount_with, is_with_arg, runs};
use crate::rules::fixes::{RPM_MANAGERS, append_to_run, unless_used_later};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::shell::packages::Manager;

/// The rule.
pub struct YumCleanMissing;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW405",
    name: "yum-clean-missing",
    category: Category::Size,
    severity: Severity::Warning,
    fix: FixKind::Safe,
    hadolint: &["DL3032"],
    buildkit: &[],
    default_enabled: true,
    summary: "`yum install` without `yum clean all` in the same `RUN`",
    doc: include_str!("../../../rules/yum-clean-missing.md"),
};

impl Rule for YumCleanMissing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if !cx.runs_any(&[Manager::Yum]) {
            return;
        }
        for (i, inst) in runs(cx) {
            if has_cache_mount_with(inst, "/var/cache/yum") {
                continue;
            }
            let span = uncleaned_install(
                cx,
                i,
                |c| is_with_arg(c, "yum", &["install"]),
                |c| cleans(c, &[Manager::Yum]),
            );
            if let Some(span) = span {
                let mut d = cx.diag(
                    &META,
                    span,
                    "yum's cache stays in the layer; run `yum clean all` after the install, in the same RUN",
                );
                d.fix = append_to_run(cx, i, "yum clean all").map(|edit| {
                    let applicability = unless_used_later(cx, i, RPM_MANAGERS, &|_| false);
                    Fix::new(
                        "Run `yum clean all` at the end of the RUN",
                        applicability,
                        vec![edit],
                    )
                });
                out.push(d);
            }
        }
    }
}
