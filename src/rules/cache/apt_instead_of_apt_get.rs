//! `apt` instead of `apt-get`/`apt-cache`.

use super::{for_each_command, is, runs};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::shell::packages::Manager;

/// The rule.
pub struct AptInsteadOfAptGet;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW316",
    name: "apt-instead-of-apt-get",
    category: Category::Style,
    severity: Severity::Warning,
    fix: FixKind::Unsafe,
    hadolint: &["DL3027"],
    buildkit: &[],
    default_enabled: true,
    summary: "`apt` is for terminals; scripts use `apt-get` and `apt-cache`",
    doc: include_str!("../../../rules/apt-instead-of-apt-get.md"),
};

/// Subcommands `apt` shares with `apt-get`.
const SHARED: &[&str] = &[
    "update",
    "install",
    "remove",
    "purge",
    "autoremove",
    "upgrade",
    "dist-upgrade",
    "clean",
    "autoclean",
    "source",
    "build-dep",
    "download",
];

impl Rule for AptInsteadOfAptGet {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if !cx.runs_any(&[Manager::Apt]) {
            return;
        }
        for (i, _) in runs(cx) {
            for_each_command(cx, i, |cmd| {
                let Some(name) = cmd.name.as_ref().filter(|_| is(cmd, "apt")) else {
                    return;
                };
                let mut d = cx.diag(
                    &META,
                    name.span,
                    "`apt` has no stable interface for scripts; use `apt-get` or `apt-cache`",
                );
                let sub = cmd.args.iter().find(|w| !w.value.starts_with('-'));
                if name.literal
                    && sub.is_some_and(|w| SHARED.contains(&w.value.as_str()))
                    && cx.text(name.span) == name.raw
                {
                    // Keep any leading path: `/usr/bin/apt` -> `/usr/bin/apt-get`.
                    d.fix = Some(Fix::new(
                        "Use `apt-get`",
                        Applicability::Unsafe,
                        vec![Edit {
                            span: name.span,
                            replacement: format!("{}-get", name.raw),
                        }],
                    ));
                }
                out.push(d);
            });
        }
    }
}
