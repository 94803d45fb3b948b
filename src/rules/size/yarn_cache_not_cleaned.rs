//! `yarn install` without `yarn cache clean`.

use super::cleans;
use crate::diagnostic::{Applicability, Diagnostic, Fix, Severity};
use crate::rules::cache::{
    cache_mount_targets, for_each_command, is_with_arg, lands_in_image, runs,
};
use crate::rules::fixes::append_to_run;
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::shell::packages::Manager;
use crate::syntax::Span;

/// The rule.
pub struct YarnCacheNotCleaned;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW408",
    name: "yarn-cache-not-cleaned",
    category: Category::Size,
    severity: Severity::Info,
    fix: FixKind::Unsafe,
    hadolint: &["DL3060"],
    buildkit: &[],
    default_enabled: true,
    summary: "`yarn install` without `yarn cache clean` in the same `RUN`",
    doc: include_str!("../../../rules/yarn-cache-not-cleaned.md"),
};

/// Where yarn keeps its cache: v1's `~/.cache/yarn` (and
/// `/usr/local/share/.cache/yarn` for root), Berry's `.yarn/cache` and
/// `.yarn/berry/cache`.
const CACHE_DIRS: &[&str] = &[".cache/yarn", ".yarn/cache", ".yarn/berry/cache"];

impl Rule for YarnCacheNotCleaned {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if !cx.runs_any(&[Manager::Yarn]) {
            return;
        }
        for (i, inst) in runs(cx) {
            if cache_mount_targets(inst)
                .iter()
                .any(|t| CACHE_DIRS.iter().any(|d| t.contains(d)))
            {
                continue;
            }
            let mut install: Option<Span> = None;
            let mut cleaned = false;
            for_each_command(cx, i, |cmd| {
                if is_with_arg(cmd, "yarn", &["install"]) {
                    install.get_or_insert(cmd.span);
                } else if cleans(cmd, &[Manager::Yarn]) {
                    cleaned = true;
                }
            });
            if let Some(span) = install
                && !cleaned
                && lands_in_image(cx, i)
            {
                let mut d = cx.diag(
                    &META,
                    span,
                    "yarn's cache stays in the layer beside node_modules; run `yarn cache clean` in the same RUN",
                );
                // Unsafe: with Yarn 2+ and Plug'n'Play the cache is where
                // the installed packages live.
                d.fix = append_to_run(cx, i, "yarn cache clean").map(|edit| {
                    Fix::new(
                        "Run `yarn cache clean` at the end of the RUN",
                        Applicability::Unsafe,
                        vec![edit],
                    )
                });
                out.push(d);
            }
        }
    }
}
