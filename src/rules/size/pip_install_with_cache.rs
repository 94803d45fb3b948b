//! `pip install` that writes pip's cache into the layer.

use crate::diagnostic::{Applicability, Diagnostic, Severity};
use crate::rules::cache::{
    cache_mount_targets, for_each_script, insert_after, is_pip_wrapper, pip_install, runs,
};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::shell::Command;
use crate::syntax::Instruction;

/// The rule.
pub struct PipInstallWithCache;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW404",
    name: "pip-install-with-cache",
    category: Category::Size,
    severity: Severity::Warning,
    fix: FixKind::Safe,
    hadolint: &["DL3042"],
    buildkit: &[],
    default_enabled: true,
    summary: "`pip install` without `--no-cache-dir` keeps pip's cache in the layer",
    doc: include_str!("../../../rules/pip-install-with-cache.md"),
};

const VAR: &str = "PIP_NO_CACHE_DIR";

fn truthy(v: &str) -> bool {
    matches!(v.to_ascii_lowercase().as_str(), "1" | "true" | "on" | "yes")
}

/// A cache or tmpfs mount on pip's cache (`~/.cache/pip`, or a `.cache`
/// directory holding it).
fn cache_in_mount(inst: &Instruction) -> bool {
    cache_mount_targets(inst).iter().any(|t| {
        let t = t.trim_end_matches('/');
        t.contains(".cache/pip") || t.ends_with("/.cache")
    })
}

/// `PIP_NO_CACHE_DIR=1 pip install ...`
fn assigned(cmd: &Command) -> bool {
    cmd.assignments
        .iter()
        .any(|(name, value)| name == VAR && value.literal && truthy(&value.value))
}

/// `export PIP_NO_CACHE_DIR=1`
fn exports(cmd: &Command) -> bool {
    cmd.basename() == Some("export")
        && cmd.args.iter().any(|w| {
            w.value
                .split_once('=')
                .is_some_and(|(n, v)| n == VAR && truthy(v))
        })
}

/// Releases whose own `python-pip` package is older than pip 6.0 (2014),
/// the first pip with `--no-cache-dir`: Debian 7 and 8, Ubuntu 12.04 and
/// 14.04. A pip from their archive stops with `no such option`.
fn ships_old_pip(cx: &Context<'_>, index: usize) -> bool {
    let Some(stage) = cx.model.stage_of.get(index).copied().flatten() else {
        return false;
    };
    let Some(root) = cx.model.chain(stage).last() else {
        return false;
    };
    let crate::model::Base::Image(r) = &cx.model.stages[root].base else {
        return false;
    };
    let tag = r.effective_tag().unwrap_or("");
    let major = |t: &str| t.split(['.', '-']).next().unwrap_or("").to_string();
    match r.family().as_str() {
        "debian" => {
            matches!(major(tag).as_str(), "7" | "8")
                || tag.starts_with("wheezy")
                || tag.starts_with("jessie")
        }
        "ubuntu" => {
            tag.starts_with("12.04")
                || tag.starts_with("14.04")
                || tag.starts_with("precise")
                || tag.starts_with("trusty")
        }
        _ => false,
    }
}

impl Rule for PipInstallWithCache {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (i, inst) in runs(cx) {
            if cache_in_mount(inst) {
                continue;
            }
            let scope = cx.model.scope_at(i);
            if scope
                .var(VAR)
                .and_then(|v| v.value.as_deref())
                .is_some_and(truthy)
            {
                continue;
            }
            for_each_script(cx, i, |script| {
                let mut exported = false;
                for cmd in &script.commands {
                    if exports(cmd) {
                        exported = true;
                        continue;
                    }
                    let Some(install) = pip_install(cmd) else {
                        continue;
                    };
                    if exported
                        || is_pip_wrapper(cmd)
                        || assigned(cmd)
                        || cmd.args.iter().any(|w| w.value == "--no-cache-dir")
                    {
                        continue;
                    }
                    let mut d = cx.diag(
                        &META,
                        cmd.span,
                        "`pip install` without `--no-cache-dir` keeps every downloaded wheel in the layer",
                    );
                    let applicability = if ships_old_pip(cx, i) {
                        Applicability::Unsafe
                    } else {
                        Applicability::Safe
                    };
                    d.fix = insert_after(
                        cx,
                        "Add `--no-cache-dir`",
                        applicability,
                        install,
                        " --no-cache-dir",
                    );
                    out.push(d);
                }
            });
        }
    }
}
