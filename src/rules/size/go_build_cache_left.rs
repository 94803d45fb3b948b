//! `go build` / `go install` / `go mod download` whose caches stay in the
//! layer.

use super::{cleans, shipping_runs};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::cache::{cache_mount_targets, for_each_command, is_with_arg};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::shell::packages::Manager;
use crate::syntax::Span;

/// The rule.
pub struct GoBuildCacheLeft;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW426",
    name: "go-build-cache-left",
    category: Category::Size,
    severity: Severity::Info,
    fix: FixKind::None,
    hadolint: &[],
    buildkit: &[],
    default_enabled: true,
    summary: "`go build` leaves the Go build and module caches in a layer that ships",
    doc: include_str!("../../../rules/go-build-cache-left.md"),
};

/// Where the caches live: `GOCACHE` (`~/.cache/go-build`) and `GOMODCACHE`
/// (`$GOPATH/pkg/mod`, `/go/pkg/mod` in the official images).
fn is_go_cache(path: &str) -> bool {
    path.contains("go-build") || path.contains("pkg/mod") || path.contains(".cache/go")
}

impl Rule for GoBuildCacheLeft {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if !cx.runs_any(&[Manager::Go]) {
            return;
        }
        for (i, inst) in shipping_runs(cx) {
            if cache_mount_targets(inst).iter().any(|t| is_go_cache(t)) {
                continue;
            }
            let mut build: Option<Span> = None;
            let mut cleaned = false;
            for_each_command(cx, i, |cmd| {
                if is_with_arg(cmd, "go", &["build", "install"])
                    || (is_with_arg(cmd, "go", &["mod"])
                        && cmd.arg_values().any(|a| a == "download"))
                {
                    build.get_or_insert(cmd.span);
                } else if cleans(cmd, &[Manager::Go])
                    || (cmd.basename() == Some("rm")
                        && cmd
                            .arg_values()
                            .any(|a| !a.starts_with('-') && is_go_cache(a)))
                {
                    cleaned = true;
                }
            });
            if let Some(span) = build
                && !cleaned
            {
                out.push(cx.diag(
                    &META,
                    span,
                    "the Go build cache (~/.cache/go-build) and module cache (/go/pkg/mod) stay \
                     in the layer, often hundreds of MB; build in an earlier stage, use cache \
                     mounts, or run `go clean -cache -modcache` in the same RUN",
                ));
            }
        }
    }
}
