//! Compilers, build tools and development headers installed in a stage that
//! ships.

use super::{list_names, shipping_runs};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::cache::{for_each_command, is_with_arg};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::shell::builds::is_toolchain_package;
use crate::shell::packages::{self, Manager};

/// The rule.
pub struct BuildToolchainInFinalImage;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW420",
    name: "build-toolchain-in-final-image",
    category: Category::Size,
    severity: Severity::Info,
    fix: FixKind::None,
    hadolint: &[],
    buildkit: &[],
    default_enabled: true,
    summary: "Compilers, build tools or `-dev` packages are installed in a stage that ships",
    doc: include_str!("../../../rules/build-toolchain-in-final-image.md"),
};

/// The system package managers.
const SYSTEM: &[Manager] = &[
    Manager::AptGet,
    Manager::Apt,
    Manager::Apk,
    Manager::Dnf,
    Manager::Yum,
    Manager::Microdnf,
    Manager::Zypper,
];

impl Rule for BuildToolchainInFinalImage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (i, _) in shipping_runs(cx) {
            // Packages (and apk virtual groups) removed again in this RUN.
            let mut removed: Vec<String> = Vec::new();
            for_each_command(cx, i, |cmd| {
                let removes = is_with_arg(cmd, "apt-get", &["purge", "remove"])
                    || is_with_arg(cmd, "apt", &["purge", "remove"])
                    || is_with_arg(cmd, "apk", &["del"])
                    || is_with_arg(cmd, "dnf", &["remove", "erase"])
                    || is_with_arg(cmd, "yum", &["remove", "erase"])
                    || is_with_arg(cmd, "microdnf", &["remove"])
                    || is_with_arg(cmd, "zypper", &["remove", "rm"]);
                if removes {
                    removed.extend(
                        cmd.args
                            .iter()
                            .filter(|w| !w.value.starts_with('-'))
                            .map(|w| w.value.to_string()),
                    );
                }
            });
            let mut found = Vec::new();
            for_each_command(cx, i, |cmd| {
                let Some(install) = packages::install(cmd) else {
                    return;
                };
                if !SYSTEM.contains(&install.manager) {
                    return;
                }
                let group = cmd.option_str(&["-t", "--virtual"]);
                if group.is_some_and(|g| removed.iter().any(|r| r == g)) {
                    return;
                }
                for p in &install.packages {
                    let name = p.name;
                    if is_toolchain_package(name) && !removed.iter().any(|r| r == name) {
                        found.push((name.to_string(), p.word.span));
                    }
                }
            });
            let Some(&(_, span)) = found.first() else {
                continue;
            };
            let names: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
            let (list, verb) = list_names(&names);
            let they = if verb == "is" {
                "it stays"
            } else {
                "they stay"
            };
            let them = if verb == "is" { "it" } else { "them" };
            out.push(cx.diag(
                &META,
                span,
                format!(
                    "{list} {verb} for building software; installed in a stage that ships, \
                     {they} in the final image (build in an earlier stage and copy the result, \
                     or remove {them} in the same RUN)"
                ),
            ));
        }
    }
}
