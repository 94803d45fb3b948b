//! `COPY` to a relative destination in a stage without `WORKDIR`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::correctness::{ancestors, copy_paths};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::syntax::Keyword;

/// The rule.
pub struct CopyRelativeDestWithoutWorkdir;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW115",
    name: "copy-relative-dest-without-workdir",
    category: Category::Correctness,
    severity: Severity::Warning,
    fix: FixKind::None,
    hadolint: &["DL3045"],
    buildkit: &[],
    default_enabled: true,
    summary: "`COPY` to a relative destination before any `WORKDIR`",
    doc: include_str!("../../../rules/copy-relative-dest-without-workdir.md"),
};

/// Whether a destination is absolute for this purpose: a Unix path, a Windows
/// drive path, or a path that starts with a variable.
fn is_anchored(dest: &str) -> bool {
    let d = dest.trim_matches(|c| c == '"' || c == '\'');
    let after_drive = d.get(1..).unwrap_or("");
    d.starts_with('/')
        || d.starts_with('$')
        || after_drive.starts_with(":\\")
        || after_drive.starts_with(":/")
}

impl Rule for CopyRelativeDestWithoutWorkdir {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let is_workdir = |i: &usize| cx.file.instructions[*i].keyword == Keyword::Workdir;
        for (i, inst) in cx.instructions() {
            if inst.keyword != Keyword::Copy {
                continue;
            }
            let Some(s) = cx.model.stage_of.get(i).copied().flatten() else {
                continue;
            };
            let Some(dest) = copy_paths(inst).last().copied() else {
                continue;
            };
            if is_anchored(&dest.value) {
                continue;
            }
            let stage = &cx.model.stages[s];
            let here = stage
                .instructions
                .iter()
                .take_while(|&&j| j < i)
                .any(is_workdir);
            let inherited = ancestors(cx.model, s)
                .into_iter()
                .any(|p| cx.model.stages[p].instructions.iter().any(is_workdir));
            if here || inherited {
                continue;
            }
            let mut d = cx.diag(
                &META,
                dest.span,
                format!(
                    "`{}` is relative, and no `WORKDIR` is set in this stage: it depends on the base image",
                    dest.value
                ),
            );
            d.help = Some("set an absolute `WORKDIR` first, or copy to an absolute path".into());
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_anchored;

    #[test]
    fn anchored_destinations() {
        assert!(is_anchored("/app"));
        assert!(is_anchored("\"/app/\""));
        assert!(is_anchored("$HOME/x"));
        assert!(is_anchored("C:\\app"));
        assert!(is_anchored("c:/app"));
        assert!(!is_anchored("."));
        assert!(!is_anchored("app/"));
    }
}
