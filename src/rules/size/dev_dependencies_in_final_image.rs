//! A project's development dependencies installed in a stage that ships.

use super::shipping_runs;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::cache::{for_each_command, is_with_arg};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::shell::builds::{Ecosystem, dependency_install};

/// The rule.
pub struct DevDependenciesInFinalImage;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW421",
    name: "dev-dependencies-in-final-image",
    category: Category::Size,
    severity: Severity::Info,
    fix: FixKind::None,
    hadolint: &[],
    buildkit: &[],
    default_enabled: true,
    summary: "A dependency install includes development dependencies in a stage that ships",
    doc: include_str!("../../../rules/dev-dependencies-in-final-image.md"),
};

/// The variable settings that make a tool skip development dependencies.
fn env_says_production(cx: &Context<'_>, index: usize, ecosystem: Ecosystem) -> bool {
    let scope = cx.model.scope_at(index);
    let value = |name: &str| {
        scope
            .var(name)
            .and_then(|v| v.value.as_deref())
            .map(str::to_ascii_lowercase)
    };
    match ecosystem {
        Ecosystem::Node => {
            value("NODE_ENV").as_deref() == Some("production")
                || value("NPM_CONFIG_PRODUCTION").as_deref() == Some("true")
                || value("NPM_CONFIG_OMIT").is_some_and(|v| v.contains("dev"))
        }
        Ecosystem::Ruby => value("BUNDLE_WITHOUT").is_some_and(|v| v.contains("development")),
        Ecosystem::Php => value("COMPOSER_NO_DEV").as_deref() == Some("1"),
        _ => false,
    }
}

/// Whether a command drops development dependencies after the fact
/// (`npm prune --omit=dev`, `bundle config set without development`...).
fn drops_dev(cmd: &crate::shell::Command) -> bool {
    let args: Vec<&str> = cmd.arg_values().collect();
    let prod_flag = args.iter().any(|a| {
        matches!(
            *a,
            "--production" | "--omit=dev" | "--prod" | "--only=production" | "--only=prod"
        )
    }) || cmd.option_str(&["--omit"]) == Some("dev");
    ((is_with_arg(cmd, "npm", &["prune"]) || is_with_arg(cmd, "pnpm", &["prune"])) && prod_flag)
        || (is_with_arg(cmd, "bundle", &["config"])
            && args.contains(&"without")
            && args.iter().any(|a| a.contains("development")))
}

impl Rule for DevDependenciesInFinalImage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        // `bundle config set without development` holds for later RUNs too.
        let mut configured = false;
        for (i, _) in shipping_runs(cx) {
            let mut pending = Vec::new();
            for_each_command(cx, i, |cmd| {
                if drops_dev(cmd) {
                    pending.clear();
                    configured |= is_with_arg(cmd, "bundle", &["config"]);
                    return;
                }
                let Some(install) = dependency_install(cmd) else {
                    return;
                };
                if !install.dev
                    || env_says_production(cx, i, install.ecosystem)
                    || (configured && install.ecosystem == Ecosystem::Ruby)
                {
                    return;
                }
                pending.push((install, cmd.span));
            });
            for (install, span) in pending {
                let advice = match install.ecosystem {
                    Ecosystem::Node => "use `--omit=dev` (or `NODE_ENV=production`)",
                    Ecosystem::Python => "install only the runtime requirements",
                    Ecosystem::Ruby => "set `BUNDLE_WITHOUT=development:test`",
                    Ecosystem::Php => "use `--no-dev`",
                    _ => "install only what runs",
                };
                out.push(cx.diag(
                    &META,
                    span,
                    format!(
                        "`{}` installs development dependencies in a stage that ships; \
                         {advice}, or build in an earlier stage and copy the result",
                        install.tool
                    ),
                ));
            }
        }
    }
}
