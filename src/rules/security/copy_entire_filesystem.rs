//! `COPY --from=<stage> / /`: copying a whole filesystem from another stage.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::syntax::{Args, Keyword};

/// The rule.
pub struct CopyEntireFilesystem;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW204",
    name: "copy-entire-filesystem",
    category: Category::Security,
    severity: Severity::Warning,
    fix: FixKind::None,
    hadolint: &["DL3067"],
    buildkit: &[],
    default_enabled: true,
    summary: "`COPY --from` copies a whole filesystem (`/` to `/`)",
    doc: include_str!("../../../rules/copy-entire-filesystem.md"),
};

impl Rule for CopyEntireFilesystem {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (_, inst) in cx.instructions() {
            let inst = inst.effective();
            let (Keyword::Copy, Args::Words(words) | Args::Exec(words)) =
                (inst.keyword, &inst.args)
            else {
                continue;
            };
            if inst.flag("from").is_none() {
                continue;
            }
            let root = |v: &str| v.trim_matches(['"', '\'']) == "/";
            let Some((dest, sources)) = words.split_last() else {
                continue;
            };
            if !root(&dest.value) {
                continue;
            }
            if let Some(src) = sources.iter().find(|w| root(&w.value)) {
                out.push(cx.diag(
                    &META,
                    src.span.cover(dest.span),
                    "this copies the entire filesystem of another image or stage, with everything it carries",
                ));
            }
        }
    }
}
