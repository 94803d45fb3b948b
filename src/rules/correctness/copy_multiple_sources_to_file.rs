//! `COPY` of several sources to a destination that is not a directory.

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::model::is_windows_base;
use crate::rules::correctness::{copy_paths, maps_directly};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::syntax::Keyword;

/// The rule.
pub struct CopyMultipleSourcesToFile;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW108",
    name: "copy-multiple-sources-to-file",
    category: Category::Correctness,
    severity: Severity::Error,
    fix: FixKind::Unsafe,
    hadolint: &["DL3021"],
    buildkit: &[],
    default_enabled: true,
    summary: "`COPY` with several sources to a destination not ending in `/`",
    doc: include_str!("../../../rules/copy-multiple-sources-to-file.md"),
};

/// Whether BuildKit takes a destination as a directory: a trailing `/`, or
/// `.` (the working directory), or a trailing `\` on Windows.
fn names_directory(dest: &str, windows: bool) -> bool {
    dest.ends_with('/')
        || dest == "."
        || dest.ends_with("/.")
        || (windows && (dest.ends_with('\\') || dest.ends_with("\\.")))
}

impl Rule for CopyMultipleSourcesToFile {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (i, inst) in cx.instructions() {
            if inst.keyword != Keyword::Copy {
                continue;
            }
            let paths = copy_paths(inst);
            let [sources @ .., dest] = paths.as_slice() else {
                continue;
            };
            if sources.len() < 2 {
                continue;
            }
            // A destination with a variable whose value is not known is skipped.
            let Ok(expanded) = cx.model.expand(&dest.value, i) else {
                continue;
            };
            if !expanded.unset.is_empty() {
                continue;
            }
            let windows = cx
                .model
                .stage_of
                .get(i)
                .copied()
                .flatten()
                .is_some_and(|s| is_windows_base(&cx.model.stages[s]));
            if names_directory(&expanded.value, windows) {
                continue;
            }
            let mut d = cx.diag(
                &META,
                dest.span,
                format!(
                    "{} sources are copied to `{}`, which does not end with `/`",
                    sources.len(),
                    dest.value
                ),
            );
            d.help = Some("several sources need a directory destination ending in `/`".into());
            let plain = !inst.is_exec_form()
                && maps_directly(cx, dest)
                && !dest.value.contains(['$', '"', '\'', cx.model.escape]);
            if plain {
                d.fix = Some(Fix::new(
                    "Add `/` to the destination",
                    Applicability::Unsafe,
                    vec![Edit {
                        span: crate::syntax::Span::new(dest.span.end, dest.span.end),
                        replacement: "/".into(),
                    }],
                ));
            }
            out.push(d);
        }
    }
}
