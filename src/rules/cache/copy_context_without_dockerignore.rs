//! A `COPY .` of the whole build context with no `.dockerignore`, or one
//! that leaves `.git`, `node_modules`... in the context.

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::dockerignore::Matcher;
use crate::rules::cache::{for_each_command, is_whole_context, runs};
use crate::rules::correctness::copy_paths;
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::shell::builds::{self, Ecosystem};
use crate::shell::packages::{self, Manager, PackageKind};
use crate::syntax::Keyword;

/// The rule.
pub struct CopyContextWithoutDockerignore;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW327",
    name: "copy-context-without-dockerignore",
    category: Category::Cache,
    severity: Severity::Warning,
    fix: FixKind::None,
    hadolint: &[],
    buildkit: &[],
    default_enabled: true,
    summary: "`COPY .` of a build context whose `.dockerignore` leaves `.git` or build output in",
    doc: include_str!("../../../rules/copy-context-without-dockerignore.md"),
};

/// What should stay out of the context: the pattern to suggest, and the
/// context paths any of which, excluded, shows the pattern is there.
struct Entry {
    pattern: &'static str,
    probes: &'static [&'static str],
}

const GIT: Entry = Entry {
    pattern: ".git",
    probes: &[".git"],
};
const NODE: Entry = Entry {
    pattern: "node_modules",
    probes: &["node_modules"],
};
const PYCACHE: Entry = Entry {
    pattern: "**/__pycache__",
    probes: &["pkg/__pycache__/module.cpython-312.pyc"],
};
const VENV: Entry = Entry {
    pattern: ".venv",
    probes: &[".venv", "venv"],
};
const TARGET: Entry = Entry {
    pattern: "target",
    probes: &["target"],
};

/// The ecosystems whose installs or builds the file runs, among Node.js,
/// Python and Rust.
fn ecosystems(cx: &Context<'_>) -> Vec<Ecosystem> {
    let mut found = Vec::new();
    for (i, _) in runs(cx) {
        for_each_command(cx, i, |cmd| {
            let e = builds::dependency_install(cmd)
                .map(|d| d.ecosystem)
                .or_else(|| builds::build_step(cmd).map(|b| b.ecosystem))
                .or_else(|| {
                    // `pip install .`, `uv sync`: the project itself.
                    let local = packages::install(cmd).is_some_and(|i| {
                        matches!(i.manager, Manager::Pip | Manager::Uv)
                            && i.packages.iter().any(|p| p.kind == PackageKind::Local)
                    });
                    let uv_sync = cmd.basename() == Some("uv")
                        && cmd.args.first().is_some_and(|w| w.value == "sync");
                    (local || uv_sync).then_some(Ecosystem::Python)
                });
            if let Some(e) = e
                && matches!(e, Ecosystem::Node | Ecosystem::Python | Ecosystem::Rust)
                && !found.contains(&e)
            {
                found.push(e);
            }
        });
    }
    found
}

impl Rule for CopyContextWithoutDockerignore {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if cx.context.is_none() {
            return;
        }
        // The first copy of the whole context in a stage the build runs.
        let Some((i, source)) = cx.instructions().find_map(|(i, inst)| {
            if !matches!(inst.keyword, Keyword::Copy | Keyword::Add) || inst.flag("from").is_some()
            {
                return None;
            }
            let stage = cx.model.stage_of.get(i).copied().flatten()?;
            if !cx.needed.get(stage).copied().unwrap_or(true) {
                return None;
            }
            let paths = copy_paths(inst);
            let [sources @ .., _dest] = paths.as_slice() else {
                return None;
            };
            sources
                .iter()
                .find(|w| match cx.model.expand(&w.value, i) {
                    Ok(e) => e.unset.is_empty() && is_whole_context(&e.value),
                    Err(_) => false,
                })
                .map(|w| (i, *w))
        }) else {
            return;
        };
        let mut wanted = vec![&GIT];
        for e in ecosystems(cx) {
            match e {
                Ecosystem::Node => wanted.push(&NODE),
                Ecosystem::Python => wanted.extend([&PYCACHE, &VENV]),
                Ecosystem::Rust => wanted.push(&TARGET),
                _ => {}
            }
        }
        let matcher = cx.dockerignore.map(Matcher::new);
        let missing: Vec<&str> = wanted
            .iter()
            .filter(|w| {
                !matcher
                    .as_ref()
                    .is_some_and(|m| w.probes.iter().any(|p| m.excludes(p)))
            })
            .map(|w| w.pattern)
            .collect();
        if missing.is_empty() {
            return;
        }
        let list = missing
            .iter()
            .map(|m| format!("`{m}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let keyword = cx.file.instructions[i].keyword.as_str();
        let (they, their) = if missing.len() == 1 {
            ("it ends", "its")
        } else {
            ("they end", "their")
        };
        let why = match matcher {
            None => "there is no `.dockerignore` to keep out".to_string(),
            Some(_) => "the `.dockerignore` does not keep out".to_string(),
        };
        let message = format!(
            "`{keyword} {}` copies the whole build context, and {why} {list}: {they} up in the image, and {their} changes re-run this `{keyword}` and everything after it",
            source.value
        );
        let mut d = cx.diag(&META, source.span, message);
        d.help = Some(format!(
            "add {} to the `.dockerignore` beside the Dockerfile",
            missing.join(", ")
        ));
        out.push(d);
    }
}
