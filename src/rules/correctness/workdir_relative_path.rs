//! A `WORKDIR` that is not an absolute path.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::syntax::{Args, Keyword};

/// The rule.
pub struct WorkdirRelativePath;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW101",
    name: "workdir-relative-path",
    category: Category::Correctness,
    severity: Severity::Error,
    fix: FixKind::None,
    hadolint: &["DL3000"],
    buildkit: &["WorkdirRelativePath"],
    default_enabled: true,
    summary: "`WORKDIR` is a relative path",
    doc: include_str!("../../../rules/workdir-relative-path.md"),
};

/// Whether a `WORKDIR` argument is absolute: a Unix path, a Windows drive
/// path, or a variable whose value is not known here.
pub fn is_absolute(path: &str) -> bool {
    let p = path.trim_matches(|c| c == '"' || c == '\'');
    let b = p.as_bytes();
    p.starts_with('/')
        || p.starts_with('$')
        || (b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':')
}

impl Rule for WorkdirRelativePath {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (_, inst) in cx.instructions_of(Keyword::Workdir) {
            let Args::Text(path) = &inst.effective().args else {
                continue;
            };
            if !is_absolute(&path.value) {
                out.push(cx.diag(
                    &META,
                    path.span,
                    format!(
                        "WORKDIR `{}` is relative: it depends on the working directory of the base image",
                        path.value
                    ),
                ));
            }
        }
    }
}
