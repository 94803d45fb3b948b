//! Applying fixes: edits are applied in order, skipping any that overlaps an
//! edit already taken.

use crate::diagnostic::{Diagnostic, Edit, Fix};

/// Apply sorted, non-overlapping `edits` to `source`. An edit that overlaps
/// one already applied, or falls outside the text or off a character
/// boundary, is skipped and returned.
pub fn apply_edits<'e>(source: &str, edits: &[&'e Edit]) -> (String, Vec<&'e Edit>) {
    let mut sorted: Vec<&Edit> = edits.to_vec();
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(source.len());
    let mut pos = 0;
    let mut skipped = Vec::new();
    for e in sorted {
        let ok = e.span.start >= pos
            && e.span.end <= source.len()
            && source.is_char_boundary(e.span.start)
            && source.is_char_boundary(e.span.end);
        if !ok {
            skipped.push(e);
            continue;
        }
        out.push_str(&source[pos..e.span.start]);
        out.push_str(&e.replacement);
        pos = e.span.end;
    }
    out.push_str(&source[pos..]);
    (out, skipped)
}

/// Apply the fixes of `diagnostics` whose edits do not overlap one another
/// (a fix is taken whole or not at all). Returns the new text and how many
/// fixes were applied.
pub fn apply_fixes(
    source: &str,
    diagnostics: &[Diagnostic],
    accept: &dyn Fn(&Fix) -> bool,
) -> (String, usize) {
    let mut fixes: Vec<&Fix> = diagnostics
        .iter()
        .filter_map(|d| d.fix.as_ref())
        .filter(|f| accept(f) && !f.edits.is_empty())
        .collect();
    fixes.sort_by_key(|f| f.edits.first().map(|e| (e.span.start, e.span.end)));
    let mut taken: Vec<&Edit> = Vec::new();
    let mut end = 0;
    let mut count = 0;
    for f in fixes {
        let first = f.edits[0].span.start;
        if first < end && !taken.is_empty() {
            continue;
        }
        taken.extend(f.edits.iter());
        end = f.edits.iter().map(|e| e.span.end).max().unwrap_or(end);
        count += 1;
    }
    (apply_edits(source, &taken).0, count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::Span;

    #[test]
    fn applies_and_skips_overlaps() {
        let e1 = Edit {
            span: Span::new(0, 1),
            replacement: "X".into(),
        };
        let e2 = Edit {
            span: Span::new(0, 2),
            replacement: "Y".into(),
        };
        let e3 = Edit {
            span: Span::new(3, 3),
            replacement: "!".into(),
        };
        let (out, skipped) = apply_edits("abcd", &[&e3, &e1, &e2]);
        assert_eq!(out, "Xbc!d");
        assert_eq!(skipped.len(), 1);
    }
}
