//! `apk add` without `--no-cache`.

use crate::diagnostic::{Applicability, Diagnostic, Severity};
use crate::rules::cache::{
    arg_word, for_each_command, has_cache_mount_with, insert_after, is_with_arg, runs,
};
use crate::rules::fixes::unless_used_later;
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::shell::Command;
use crate::shell::packages::Manager;

/// The rule.
pub struct ApkAddWithoutNoCache;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW403",
    name: "apk-add-without-no-cache",
    category: Category::Size,
    severity: Severity::Info,
    fix: FixKind::Safe,
    hadolint: &["DL3019"],
    buildkit: &[],
    default_enabled: true,
    summary: "`apk add` without `--no-cache` leaves the package index in the layer",
    doc: include_str!("../../../rules/apk-add-without-no-cache.md"),
};

/// Whether an `apk add` refreshes the index itself (`-U`/`--update`).
fn updates(cmd: &Command) -> bool {
    cmd.has_flag('U', "update")
}

/// A command that gives apk an index of its own, so that it does not need
/// the one an earlier `RUN` left: `apk update`, or `apk add` with
/// `--no-cache` or `--update`.
fn fetches_index(cmd: &Command) -> bool {
    is_with_arg(cmd, "apk", &["update"])
        || (is_with_arg(cmd, "apk", &["add"]) && (cmd.has_flag('\0', "no-cache") || updates(cmd)))
}

impl Rule for ApkAddWithoutNoCache {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if !cx.runs_any(&[Manager::Apk]) {
            return;
        }
        for (i, inst) in runs(cx) {
            if has_cache_mount_with(inst, "/var/cache/apk")
                || has_cache_mount_with(inst, "/etc/apk/cache")
            {
                continue;
            }
            for_each_command(cx, i, |cmd| {
                if !is_with_arg(cmd, "apk", &["add"]) || cmd.has_flag('\0', "no-cache") {
                    return;
                }
                let mut d = cx.diag(
                    &META,
                    cmd.span,
                    "`apk add` without `--no-cache` keeps the package index in the layer",
                );
                if let Some(w) = arg_word(cmd, &["add"]) {
                    // `apk add -U` saves the index it fetched; with
                    // `--no-cache` it no longer does, and a later `apk add`
                    // that relied on it fails.
                    let applicability = if updates(cmd) {
                        unless_used_later(cx, i, &["apk"], &fetches_index)
                    } else {
                        Applicability::Safe
                    };
                    d.fix = insert_after(cx, "Add `--no-cache`", applicability, w, " --no-cache");
                }
                out.push(d);
            });
        }
    }
}
