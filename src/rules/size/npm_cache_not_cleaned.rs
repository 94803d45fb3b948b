//! `npm install` / `npm ci` whose download cache stays in the layer.

use super::{cleans, shipping_runs};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::cache::{cache_mount_targets, for_each_command};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::shell::packages::{self, Manager};
use crate::syntax::Span;

/// The rule.
pub struct NpmCacheNotCleaned;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW425",
    name: "npm-cache-not-cleaned",
    category: Category::Size,
    severity: Severity::Info,
    fix: FixKind::None,
    hadolint: &[],
    buildkit: &[],
    default_enabled: true,
    summary: "`npm install`/`npm ci` without `npm cache clean --force` in the same `RUN`",
    doc: include_str!("../../../rules/npm-cache-not-cleaned.md"),
};

impl Rule for NpmCacheNotCleaned {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if !cx.runs_any(&[Manager::Npm]) {
            return;
        }
        for (i, inst) in shipping_runs(cx) {
            if cache_mount_targets(inst).iter().any(|t| t.contains(".npm")) {
                continue;
            }
            let mut install: Option<Span> = None;
            let mut cleaned = false;
            for_each_command(cx, i, |cmd| {
                let npm_install = packages::install(cmd).is_some_and(|p| p.manager == Manager::Npm)
                    // `--cache` elsewhere (often a tmpfs or a path removed later).
                    && cmd.option_value(&["--cache"]).is_none();
                if npm_install {
                    install.get_or_insert(cmd.span);
                } else if cleans(cmd, &[Manager::Npm]) {
                    cleaned = true;
                }
            });
            if let Some(span) = install
                && !cleaned
            {
                out.push(cx.diag(
                    &META,
                    span,
                    "npm keeps every downloaded package in ~/.npm, which stays in the layer; \
                     run `npm cache clean --force` in the same RUN or use a cache mount",
                ));
            }
        }
    }
}
