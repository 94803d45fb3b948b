//! `dnf install` without `dnf clean all`.

use super::{cleans, uncleaned_install};
use crate::diagnostic::{Diagnostic, Fix, Severity};
use crate::rules::cache::{has_cache_mount_with, is_with_arg, runs};
use crate::rules::fixes::{RPM_MANAGERS, append_to_run, unless_used_later};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::shell::packages::Manager;

/// The rule.
pub struct DnfCleanMissing;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW406",
    name: "dnf-clean-missing",
    category: Category::Size,
    severity: Severity::Warning,
    fix: FixKind::Safe,
    hadolint: &["DL3040"],
    buildkit: &[],
    default_enabled: true,
    summary: "`dnf install` without `dnf clean all` in the same `RUN`",
    doc: include_str!("../../../rules/dnf-clean-missing.md"),
};

impl Rule for DnfCleanMissing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if !cx.runs_any(&[Manager::Dnf, Manager::Microdnf]) {
            return;
        }
        for (i, inst) in runs(cx) {
            if ["/var/cache/dnf", "/var/cache/yum", "/var/cache/libdnf5"]
                .iter()
                .any(|d| has_cache_mount_with(inst, d))
            {
                continue;
            }
            for dnf in ["dnf", "microdnf"] {
                let span = uncleaned_install(
                    cx,
                    i,
                    |c| is_with_arg(c, dnf, &["install"]),
                    |c| cleans(c, &[Manager::Dnf, Manager::Microdnf, Manager::Yum]),
                );
                if let Some(span) = span {
                    let mut d = cx.diag(
                        &META,
                        span,
                        format!("{dnf}'s cache stays in the layer; run `{dnf} clean all` after the install, in the same RUN"),
                    );
                    d.fix = append_to_run(cx, i, &format!("{dnf} clean all")).map(|edit| {
                        let applicability = unless_used_later(cx, i, RPM_MANAGERS, &|_| false);
                        Fix::new(
                            format!("Run `{dnf} clean all` at the end of the RUN"),
                            applicability,
                            vec![edit],
                        )
                    });
                    out.push(d);
                }
            }
        }
    }
}
