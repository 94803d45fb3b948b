//! Code actions: each fix on the requested range as a quick fix, "Fix all
//! safe problems" with the fix engine, and the multi-stage rewrite of the
//! whole document ([`crate::split`], as minimal edits) wherever it applies.

use super::Document;
use super::convert::{self, meets};
use crate::diagnostic::Applicability;
use crate::fix::{Policy, fix_file};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Range, TextEdit, Uri, WorkspaceEdit,
};
use std::collections::HashMap;

/// The kind of "Fix all safe problems" (editors ask for `source.fixAll`
/// on save).
pub const FIX_ALL: &str = "source.fixAll.slipway";

/// The code action kinds the server offers.
pub fn kinds() -> Vec<CodeActionKind> {
    vec![
        CodeActionKind::QUICKFIX,
        CodeActionKind::new(FIX_ALL),
        CodeActionKind::REFACTOR_REWRITE,
    ]
}

/// Whether an action of `kind` is wanted when the client asks for `only`
/// these kinds (a kind includes its sub-kinds: `source` includes
/// `source.fixAll.slipway`).
fn wanted(only: Option<&[CodeActionKind]>, kind: &str) -> bool {
    let Some(only) = only else {
        return true;
    };
    only.iter().any(|k| {
        let k = k.as_str();
        kind == k
            || kind
                .strip_prefix(k)
                .is_some_and(|rest| rest.starts_with('.'))
    })
}

/// The code actions for `range` of a document that is checked and
/// configured.
pub fn actions(
    uri: &Uri,
    doc: &Document,
    range: Range,
    only: Option<&[CodeActionKind]>,
) -> Vec<CodeActionOrCommand> {
    let mut out = Vec::new();
    let Some(linted) = &doc.linted else {
        return out;
    };
    let text = &doc.text;
    let start = doc.index.offset(text, range.start);
    let end = doc.index.offset(text, range.end).max(start);
    if wanted(only, CodeActionKind::QUICKFIX.as_str()) {
        for (d, lsp) in linted.diagnostics.iter().zip(&linted.lsp) {
            let Some(fix) = &d.fix else { continue };
            if fix.applicability == Applicability::DisplayOnly
                || fix.edits.is_empty()
                || !meets(d, start, end)
            {
                continue;
            }
            let safe = fix.applicability == Applicability::Safe;
            let title = if safe {
                fix.title.clone()
            } else {
                format!("{} (unsafe)", fix.title)
            };
            out.push(action(
                title,
                CodeActionKind::QUICKFIX,
                Some(vec![lsp.clone()]),
                edit(uri, convert::text_edits(&fix.edits, text, &doc.index)),
                safe.then_some(true),
            ));
        }
    }
    let (ignore, context) = super::surroundings(doc.path.as_deref());
    let info = crate::FileInfo {
        dockerignore: ignore.as_deref(),
        context: context.as_deref(),
    };
    if wanted(only, CodeActionKind::REFACTOR_REWRITE.as_str()) {
        let options = crate::split::Options {
            context: context.as_deref(),
        };
        if let Ok(split) = crate::fix::split_checked(text, &options, info) {
            let edits = crate::split::edits(text, &split.text);
            if !edits.is_empty() {
                out.push(action(
                    format!(
                        "Rewrite as a multi-stage build on {} (unsafe)",
                        split.runtime_image
                    ),
                    CodeActionKind::REFACTOR_REWRITE,
                    None,
                    edit(uri, convert::text_edits(&edits, text, &doc.index)),
                    None,
                ));
            }
        }
    }
    let Some(resolved) = &linted.settings else {
        return out;
    };
    let any_safe = linted.diagnostics.iter().any(|d| {
        d.fix
            .as_ref()
            .is_some_and(|f| f.applicability == Applicability::Safe)
    });
    if any_safe && wanted(only, FIX_ALL) {
        let outcome = fix_file(text, &resolved.settings, info, Policy::Safe);
        if outcome.changed() {
            out.push(action(
                "Fix all safe problems".to_string(),
                CodeActionKind::new(FIX_ALL),
                None,
                edit(uri, convert::text_edits(&outcome.edits, text, &doc.index)),
                None,
            ));
        }
    }
    out
}

fn edit(uri: &Uri, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit::new(HashMap::from([(uri.clone(), edits)]))
}

fn action(
    title: String,
    kind: CodeActionKind,
    diagnostics: Option<Vec<lsp_types::Diagnostic>>,
    edit: WorkspaceEdit,
    is_preferred: Option<bool>,
) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(kind),
        diagnostics,
        edit: Some(edit),
        is_preferred,
        ..CodeAction::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_include_their_sub_kinds() {
        let only = [CodeActionKind::SOURCE];
        assert!(wanted(Some(&only), FIX_ALL));
        assert!(!wanted(Some(&only), "quickfix"));
        let only = [CodeActionKind::new("source.fix")];
        assert!(!wanted(Some(&only), FIX_ALL));
        let only = [CodeActionKind::SOURCE_FIX_ALL];
        assert!(wanted(Some(&only), FIX_ALL));
        assert!(wanted(None, "refactor.rewrite"));
    }
}
