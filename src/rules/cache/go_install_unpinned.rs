//! `go install` of a package without a version.

use super::{for_each_command, is, is_dynamic, operands, runs};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};

/// The rule.
pub struct GoInstallUnpinned;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW314",
    name: "go-install-unpinned",
    category: Category::Reproducibility,
    severity: Severity::Warning,
    fix: FixKind::None,
    hadolint: &["DL3062"],
    buildkit: &[],
    default_enabled: true,
    summary: "`go install` of a package without a pinned version",
    doc: include_str!("../../../rules/go-install-unpinned.md"),
};

/// Build flags of the go command that take a value in the next word.
const VALUE_OPTIONS: &[&str] = &[
    "-C",
    "-o",
    "-p",
    "-tags",
    "-ldflags",
    "-gcflags",
    "-asmflags",
    "-gccgoflags",
    "-mod",
    "-modfile",
    "-overlay",
    "-pgo",
    "-exec",
    "-pkgdir",
    "-toolexec",
    "-buildmode",
    "-compiler",
];

/// A version other than a moving one (`@latest`, `@none`, and the branch
/// names `@master`, `@main`, `@HEAD`), a local package, or a Go file.
fn pinned(package: &str) -> bool {
    if package.starts_with(['.', '/']) || package.ends_with(".go") {
        return true;
    }
    package
        .rsplit_once('@')
        .is_some_and(|(_, v)| !matches!(v, "latest" | "none" | "master" | "main" | "HEAD"))
}

impl Rule for GoInstallUnpinned {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (i, _) in runs(cx) {
            for_each_command(cx, i, |cmd| {
                if !is(cmd, "go") {
                    return;
                }
                let first = operands(cmd, &[], VALUE_OPTIONS)
                    .first()
                    .map(|w| w.value.clone());
                let Some(sub) = first.filter(|s| matches!(s.as_str(), "install" | "get" | "run"))
                else {
                    return;
                };
                let mut packages = operands(cmd, &[sub.as_str()], VALUE_OPTIONS);
                // What follows the package of `go run` is the program's.
                if sub == "run" {
                    packages.truncate(1);
                }
                for w in packages
                    .into_iter()
                    .filter(|w| !is_dynamic(w) && !pinned(&w.value))
                {
                    let base = w.value.split('@').next().unwrap_or(&w.value);
                    out.push(cx.diag(
                        &META,
                        w.span,
                        format!(
                            "`{}` is not pinned to a version; use `{base}@<version>`",
                            w.value
                        ),
                    ));
                }
            });
        }
    }
}
