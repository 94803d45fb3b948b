//! `apt-get update` whose lists stay in the layer.

use crate::diagnostic::{Diagnostic, Fix, Severity};
use crate::rules::cache::{
    for_each_command, has_cache_mount_with, is_with_arg, lands_in_image, runs,
};
use crate::rules::fixes::{append_to_run, unless_used_later};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::shell::Command;
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
    fix: FixKind::Safe,
    hadolint: &["DL3009"],
    buildkit: &[],
    default_enabled: true,
    summary: "`apt-get update` without removing `/var/lib/apt/lists` in the same `RUN`",
    doc: include_str!("../../../rules/apt-lists-not-removed.md"),
};

/// The programs that read the package lists.
const APT: &[&str] = &["apt-get", "apt", "aptitude", "apt-cache"];

/// Whether a command uses the lists an update downloaded: it installs,
/// upgrades or fetches sources.
fn uses_lists(cmd: &Command) -> bool {
    ["apt-get", "apt", "aptitude"].iter().any(|name| {
        is_with_arg(
            cmd,
            name,
            &[
                "install",
                "reinstall",
                "upgrade",
                "dist-upgrade",
                "full-upgrade",
                "build-dep",
                "source",
                "download",
                "satisfy",
            ],
        )
    })
}

fn is_apt_update(cmd: &Command) -> bool {
    matches!(
        packages::is_update(cmd),
        Some(Manager::AptGet | Manager::Apt)
    )
}

impl Rule for AptListsNotRemoved {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if !cx.runs_any(&[Manager::AptGet, Manager::Apt]) {
            return;
        }
        for (i, inst) in runs(cx) {
            let mut update: Option<Span> = None;
            let mut removed = false;
            // Whether the lists are used after the update, in this RUN.
            let mut used = false;
            for_each_command(cx, i, |cmd| {
                if is_apt_update(cmd) {
                    update.get_or_insert(cmd.span);
                } else if update.is_some() && uses_lists(cmd) {
                    used = true;
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
            let mut d = cx.diag(
                &META,
                span,
                "the package lists downloaded here stay in the layer; remove /var/lib/apt/lists in the same RUN",
            );
            // Without a use of the lists in this RUN, removing them would
            // make the update pointless: a person should look.
            if used && let Some(edit) = append_to_run(cx, i, "rm -rf /var/lib/apt/lists/*") {
                let applicability = unless_used_later(cx, i, APT, &is_apt_update);
                d.fix = Some(Fix::new(
                    "Remove /var/lib/apt/lists at the end of the RUN",
                    applicability,
                    vec![edit],
                ));
            }
            out.push(d);
        }
    }
}
