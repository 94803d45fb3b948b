//! `apt-get update` whose lists stay in the layer.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::cache::{
    for_each_command, has_cache_mount_with, is_with_arg, lands_in_image, runs,
};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::shell::packages::{self, Cleanup, CleanupTarget, Manager};
use crate::syntax::Span;

/// The rule.
pub struct AptListsNotRemoved;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW401",
    name: "apt-lists-not-removed",
    category: Category::Size,
    severity: Severity::Info,
    fix: FixKind::None,
    hadolint: &["DL3009"],
    buildkit: &[],
    default_enabled: true,
    summary: "`apt-get update` without removing `/var/lib/apt/lists` in the same `RUN`",
    doc: include_str!("../../../rules/apt-lists-not-removed.md"),
};

impl Rule for AptListsNotRemoved {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (i, inst) in runs(cx) {
            let mut update: Option<Span> = None;
            let mut removed = false;
            for_each_command(cx, i, |cmd| {
                if matches!(
                    packages::is_update(cmd),
                    Some(Manager::AptGet | Manager::Apt)
                ) {
                    update.get_or_insert(cmd.span);
                } else if packages::is_cache_cleanup(cmd)
                    == Some(Cleanup {
                        manager: Manager::AptGet,
                        target: CleanupTarget::Lists,
                    })
                    // apt 2.7's `dist-clean` removes the lists too.
                    || (is_with_arg(cmd, "apt-get", &["dist-clean"])
                        || is_with_arg(cmd, "apt", &["dist-clean"]))
                {
                    removed = true;
                }
            });
            let Some(span) = update else {
                continue;
            };
            if removed
                || has_cache_mount_with(inst, "/var/lib/apt/lists")
                || (has_cache_mount_with(inst, "/var/lib/apt")
                    && has_cache_mount_with(inst, "/var/cache/apt"))
                || !lands_in_image(cx, i)
            {
                continue;
            }
            out.push(cx.diag(
                &META,
                span,
                "the package lists downloaded here stay in the layer; remove /var/lib/apt/lists in the same RUN",
            ));
        }
    }
}
