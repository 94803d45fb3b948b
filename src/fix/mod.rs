//! Applying fixes.
//!
//! A fix ([`Fix`]) is a set of sorted, non-overlapping text edits with an
//! [`Applicability`]: safe fixes are applied by `--fix`, unsafe ones also need
//! `--unsafe-fixes`, display-only ones are never applied. [`fix_file`] lints a
//! file, applies every accepted fix that does not overlap (or touch) one taken
//! before it in the same pass, and lints again, round after round, until no
//! fix applies or [`MAX_ROUNDS`] is reached; a fix skipped for an overlap is
//! found again in the next round. A fix is taken whole or not at all.
//!
//! After each round the text is parsed again (the Dockerfile and the shell
//! scripts of its instructions): a fix that would add a syntax error is
//! dropped, the others are applied, and the dropped fix is reported in
//! [`FixOutcome::dropped`] (a bug in the rule that made it). A file that has
//! syntax errors to begin with is not fixed at all.
//!
//! The edits of every round are composed into one list relative to the
//! original text ([`FixOutcome::edits`]), so that applying it to the original
//! gives the fixed text: every byte outside those edits is kept, line endings
//! and byte-order mark included.

/// The multi-stage rewrite lives below the rules (it is the fix of
/// `single-stage-build`); it is re-exported here for discoverability.
pub use crate::split;

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::rules::FixKind;
use crate::settings::Settings;
use crate::syntax::{self, Span};
use crate::{FileInfo, lint_file};
use std::collections::{BTreeMap, HashSet};

/// How many rounds of lint-and-fix [`fix_file`] runs at most.
pub const MAX_ROUNDS: usize = 10;

impl FixKind {
    /// The applicability of the rule's fixes as declared in its metadata:
    /// the most permissive one it offers (`None` for a rule without fixes).
    /// A rule declared [`FixKind::Safe`] may offer a fix as only unsafe
    /// where the meaning could change (its document says when); it never
    /// offers a fix more permissive than declared.
    pub fn applicability(self) -> Option<Applicability> {
        match self {
            FixKind::None => None,
            FixKind::Safe => Some(Applicability::Safe),
            FixKind::Unsafe => Some(Applicability::Unsafe),
            FixKind::DisplayOnly => Some(Applicability::DisplayOnly),
        }
    }

    /// Whether a rule of this kind may offer a fix of `applicability`.
    pub fn allows(self, applicability: Applicability) -> bool {
        self.applicability()
            .is_some_and(|most| applicability >= most)
    }
}

impl From<Applicability> for FixKind {
    fn from(a: Applicability) -> Self {
        match a {
            Applicability::Safe => FixKind::Safe,
            Applicability::Unsafe => FixKind::Unsafe,
            Applicability::DisplayOnly => FixKind::DisplayOnly,
        }
    }
}

/// Which fixes to apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    /// Safe fixes only (`--fix`).
    Safe,
    /// Safe and unsafe fixes (`--fix --unsafe-fixes`).
    Unsafe,
}

impl Policy {
    /// The policy for the `--unsafe-fixes` flag.
    pub fn new(unsafe_fixes: bool) -> Policy {
        if unsafe_fixes {
            Policy::Unsafe
        } else {
            Policy::Safe
        }
    }

    /// Whether a fix of this applicability is applied.
    pub fn accepts(self, applicability: Applicability) -> bool {
        match applicability {
            Applicability::Safe => true,
            Applicability::Unsafe => self == Policy::Unsafe,
            Applicability::DisplayOnly => false,
        }
    }
}

/// A fix that was not applied because it was broken: it would have added a
/// syntax error, or its edits were not valid for the text. Either is a bug in
/// the rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dropped {
    /// The rule's code.
    pub code: &'static str,
    /// The rule's name.
    pub name: &'static str,
    /// The fix's title.
    pub title: String,
    /// What was wrong with it.
    pub reason: String,
}

/// What [`fix_file`] did to a file.
#[derive(Clone, Debug, Default)]
pub struct FixOutcome {
    /// The fixed text (the original when nothing was applied).
    pub text: String,
    /// The edits that turn the original text into [`FixOutcome::text`]:
    /// sorted, not overlapping, relative to the original.
    pub edits: Vec<Edit>,
    /// How many fixes of each rule were applied, by code, sorted by code.
    pub applied: Vec<(&'static str, usize)>,
    /// The diagnostics of the fixed text.
    pub diagnostics: Vec<Diagnostic>,
    /// Fixes that were dropped because they were broken.
    pub dropped: Vec<Dropped>,
    /// How many rounds applied something.
    pub rounds: usize,
    /// False when the last round still had fixes to apply ([`MAX_ROUNDS`]
    /// was reached): some fixes keep undoing each other.
    pub converged: bool,
    /// The original text has syntax errors, so nothing was fixed.
    pub syntax_errors: bool,
}

impl FixOutcome {
    /// Whether the text changed.
    pub fn changed(&self) -> bool {
        !self.edits.is_empty()
    }

    /// How many fixes were applied in all.
    pub fn fixed(&self) -> usize {
        self.applied.iter().map(|(_, n)| n).sum()
    }
}

/// The code of `single-stage-build`, whose fix is the multi-stage rewrite.
const SINGLE_STAGE: &str = crate::rules::size::single_stage_build::META.code;

/// [`split::split`], held to one promise: the rewrite has no finding of
/// Slipway's own rules (default settings) that the original does not have,
/// as [`new_findings`] counts them. `info` is what `slipway check` would
/// know of the file's surroundings (its `.dockerignore`, its build context),
/// so that the rules that read them are part of the comparison. A rewrite
/// that would add a finding is declined, with the new findings as the
/// reasons. This is the rewrite users get from `slipway split`, the editor
/// and the fleet view; it sits here, above the rules, because it lints.
pub fn split_checked(
    source: &str,
    options: &split::Options<'_>,
    info: FileInfo<'_>,
) -> Result<split::Split, split::Declined> {
    let rewrite = split::split(source, options)?;
    let new = new_findings(source, &rewrite.text, info);
    if new.is_empty() {
        return Ok(rewrite);
    }
    Err(split::Declined {
        reasons: new
            .iter()
            .map(|d| {
                format!(
                    "the rewrite would add a finding the original does not have: {} {} ({})",
                    d.code, d.name, d.message
                )
            })
            .collect(),
    })
}

/// The findings of `rewrite` that `original` does not have, both linted
/// with the default settings and `info`: see [`added_findings`].
pub fn new_findings(original: &str, rewrite: &str, info: FileInfo<'_>) -> Vec<Diagnostic> {
    let settings = Settings::default();
    added_findings(
        &lint_file(original, &settings, info),
        lint_file(rewrite, &settings, info),
    )
}

/// The findings of `after` (a rewrite's) that `before` (the original's)
/// does not have, counted per rule: a rule with `n` findings before and
/// `m > n` after adds `m - n` findings, a rule with `m <= n` adds none.
/// `single-stage-build`, whose finding the rewrite exists to remove, is
/// not counted.
///
/// The count per rule is the criterion because it is what can be told
/// apart soundly across a rewrite: the rewrite moves and renumbers every
/// instruction, and messages carry line numbers, sizes and stage names,
/// so no span or message identifies "the same" finding before and after.
/// A count is also what a user running `slipway check` on both files sees.
/// It does not catch a rewrite that removes one finding of a rule and adds
/// another of the same rule; matching by message could, but it would also
/// call a finding new whose message only names the new stage or size.
///
/// Which of a rule's findings are reported as the added ones: those whose
/// message, with digits taken out (line numbers, sizes), matches no
/// finding of the rule in `before` (one for one) come first, then the
/// others, in position order. That choice only decides what a decline
/// names, never whether the rewrite adds a finding.
pub fn added_findings(before: &[Diagnostic], after: Vec<Diagnostic>) -> Vec<Diagnostic> {
    fn shape(message: &str) -> String {
        message.chars().filter(|c| !c.is_ascii_digit()).collect()
    }
    let mut counts: BTreeMap<&'static str, (usize, usize)> = BTreeMap::new();
    for d in before {
        counts.entry(d.code).or_default().0 += 1;
    }
    for d in &after {
        counts.entry(d.code).or_default().1 += 1;
    }
    let mut excess: BTreeMap<&'static str, usize> = counts
        .into_iter()
        .filter(|(code, (b, a))| *code != SINGLE_STAGE && a > b)
        .map(|(code, (b, a))| (code, a - b))
        .collect();
    if excess.is_empty() {
        return Vec::new();
    }
    // The messages of `before`, to match the rewrite's findings one for one.
    let mut unmatched: Vec<(&'static str, String)> = before
        .iter()
        .filter(|d| excess.contains_key(d.code))
        .map(|d| (d.code, shape(&d.message)))
        .collect();
    let (mut fresh, mut known) = (Vec::new(), Vec::new());
    for d in after.into_iter().filter(|d| excess.contains_key(d.code)) {
        let m = shape(&d.message);
        match unmatched.iter().position(|(c, s)| *c == d.code && *s == m) {
            Some(i) => {
                unmatched.swap_remove(i);
                known.push(d);
            }
            None => fresh.push(d),
        }
    }
    let mut out = Vec::new();
    for d in fresh.into_iter().chain(known) {
        if let Some(n) = excess.get_mut(d.code).filter(|n| **n > 0) {
            *n -= 1;
            out.push(d);
        }
    }
    out.sort_by_key(|d| (d.span.start, d.code));
    out
}

/// Lint `source` and apply the fixes `policy` accepts, round after round,
/// until nothing changes (at most [`MAX_ROUNDS`] rounds). A file with syntax
/// errors is returned unchanged with `syntax_errors` set.
pub fn fix_file(
    source: &str,
    settings: &Settings,
    info: FileInfo<'_>,
    policy: Policy,
) -> FixOutcome {
    fix_with(source, policy, &mut |text| lint_file(text, settings, info))
}

/// [`fix_file`] with any linter: `lint` gives the diagnostics of a text.
pub fn fix_with(
    source: &str,
    policy: Policy,
    lint: &mut dyn FnMut(&str) -> Vec<Diagnostic>,
) -> FixOutcome {
    let mut diagnostics = lint(source);
    let mut outcome = FixOutcome {
        text: source.to_string(),
        converged: true,
        ..FixOutcome::default()
    };
    let mut check = Checker::new(source);
    if check.errors.dockerfile > 0 {
        outcome.syntax_errors = true;
        outcome.diagnostics = diagnostics;
        return outcome;
    }
    let mut applied: BTreeMap<&'static str, usize> = BTreeMap::new();
    // Fixes dropped once are not tried again in later rounds.
    let mut refused: HashSet<FixKey> = HashSet::new();
    loop {
        let candidates: Vec<&Diagnostic> = diagnostics
            .iter()
            .filter(|d| {
                d.fix.as_ref().is_some_and(|f| {
                    policy.accepts(f.applicability)
                        && !f.edits.is_empty()
                        && !refused.contains(&FixKey::new(&outcome.text, d.code, f))
                })
            })
            .collect();
        // The multi-stage rewrite is held to adding no finding (see
        // `split_checked`): one that would is not applied.
        let mut kept = Vec::with_capacity(candidates.len());
        for d in candidates {
            if d.code == SINGLE_STAGE {
                let (alone, _) = apply(&outcome.text, &[d]);
                if !added_findings(&diagnostics, lint(&alone)).is_empty() {
                    let fix = d.fix.as_ref().expect("candidates have fixes");
                    refused.insert(FixKey::new(&outcome.text, d.code, fix));
                    continue;
                }
            }
            kept.push(d);
        }
        let candidates = kept;
        if candidates.is_empty() {
            break;
        }
        if outcome.rounds == MAX_ROUNDS {
            outcome.converged = false;
            break;
        }
        let round = fix_round(&outcome.text, &candidates, &mut check);
        for (d, reason) in &round.dropped {
            let fix = d.fix.as_ref().expect("only fixes are dropped");
            refused.insert(FixKey::new(&outcome.text, d.code, fix));
            outcome.dropped.push(Dropped {
                code: d.code,
                name: d.name,
                title: fix.title.clone(),
                reason: reason.clone(),
            });
        }
        if round.taken.is_empty() {
            continue;
        }
        for d in &round.taken {
            *applied.entry(d.code).or_default() += 1;
        }
        outcome.edits = compose(&outcome.edits, &round.edits, &outcome.text);
        outcome.text = round.text;
        outcome.rounds += 1;
        diagnostics = lint(&outcome.text);
    }
    outcome.applied = applied.into_iter().collect();
    outcome.diagnostics = diagnostics;
    outcome
}

/// What identifies a fix from one round to the next, when positions move:
/// the rule, the title, and what each edit replaces with what.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct FixKey {
    code: &'static str,
    title: String,
    edits: Vec<(String, String)>,
}

impl FixKey {
    fn new(text: &str, code: &'static str, fix: &Fix) -> FixKey {
        FixKey {
            code,
            title: fix.title.clone(),
            edits: fix
                .edits
                .iter()
                .map(|e| {
                    let old = text.get(e.span.start..e.span.end).unwrap_or("");
                    (old.to_string(), e.replacement.clone())
                })
                .collect(),
        }
    }
}

/// One round: the text after it, the fixes taken, the edits applied
/// (relative to the round's text), and the fixes dropped, with why.
struct Round<'d> {
    text: String,
    taken: Vec<&'d Diagnostic>,
    edits: Vec<Edit>,
    dropped: Vec<(&'d Diagnostic, String)>,
}

/// Apply the fixes of `candidates` that do not overlap, then make sure the
/// result has no syntax error the text did not have; a fix that adds one is
/// dropped and the others are applied without it.
fn fix_round<'d>(text: &str, candidates: &[&'d Diagnostic], check: &mut Checker) -> Round<'d> {
    let mut dropped = Vec::new();
    let mut valid = Vec::new();
    for &d in candidates {
        match validate(text, d.fix.as_ref().expect("candidates have fixes")) {
            Ok(()) => valid.push(d),
            Err(reason) => dropped.push((d, reason)),
        }
    }
    let taken = select(&valid);
    let (new_text, edits) = apply(text, &taken);
    let errors = check.errors_of(&new_text);
    if !check.adds_errors(&errors) {
        check.accept(errors);
        return Round {
            text: new_text,
            taken,
            edits,
            dropped,
        };
    }
    // Find the culprits: each fix alone.
    let mut good = Vec::new();
    for &d in &taken {
        let (alone, _) = apply(text, &[d]);
        let e = check.errors_of(&alone);
        if check.adds_errors(&e) {
            dropped.push((d, check.describe(&e)));
        } else {
            good.push(d);
        }
    }
    let (new_text, edits) = apply(text, &good);
    let errors = check.errors_of(&new_text);
    if !check.adds_errors(&errors) {
        check.accept(errors);
        return Round {
            text: new_text,
            taken: good,
            edits,
            dropped,
        };
    }
    // Fine alone, broken together: take the first one only; the others are
    // found again next round, on the new text.
    good.truncate(1);
    let (new_text, edits) = apply(text, &good);
    let errors = check.errors_of(&new_text);
    check.accept(errors);
    Round {
        text: new_text,
        taken: good,
        edits,
        dropped,
    }
}

/// The syntax errors of a text: the Dockerfile's, by code, and the shell
/// scripts' that the parser could not read.
#[derive(Clone, Debug, Default)]
struct Errors {
    /// `(code, message)` of each error, `shell` for a script.
    list: Vec<(&'static str, String)>,
    /// Syntax errors of the Dockerfile itself.
    dockerfile: usize,
}

impl Errors {
    fn of(text: &str) -> Errors {
        let parse = syntax::parse(text);
        let mut list: Vec<(&'static str, String)> = parse
            .errors
            .iter()
            .map(|e| {
                (
                    crate::diagnostic::syntax_error_meta(e.kind).0,
                    e.message.clone(),
                )
            })
            .collect();
        let dockerfile = list.len();
        for inst in &parse.dockerfile.instructions {
            for script in crate::shell::instruction_scripts(inst) {
                if let Some(e) = script.error {
                    list.push(("shell", e.message));
                }
            }
        }
        Errors { list, dockerfile }
    }

    fn count(&self, code: &str) -> usize {
        self.list.iter().filter(|(c, _)| *c == code).count()
    }
}

/// Compares the syntax errors of candidate texts with those of the text
/// being fixed.
struct Checker {
    errors: Errors,
}

impl Checker {
    fn new(text: &str) -> Checker {
        Checker {
            errors: Errors::of(text),
        }
    }

    fn errors_of(&self, text: &str) -> Errors {
        Errors::of(text)
    }

    /// The first error of a kind that `new` has more of.
    fn added<'e>(&self, new: &'e Errors) -> Option<&'e (&'static str, String)> {
        new.list
            .iter()
            .find(|(code, _)| new.count(code) > self.errors.count(code))
    }

    fn adds_errors(&self, new: &Errors) -> bool {
        self.added(new).is_some()
    }

    fn describe(&self, new: &Errors) -> String {
        match self.added(new) {
            Some(("shell", message)) => {
                format!("it makes a shell script unreadable: {message}")
            }
            Some((code, message)) => format!("it adds a syntax error ({code}): {message}"),
            None => "it adds a syntax error".to_string(),
        }
    }

    /// The text with these errors is now the one being fixed.
    fn accept(&mut self, new: Errors) {
        self.errors = new;
    }
}

/// Whether a fix's edits fit the text: sorted, not overlapping, inside the
/// text and on character boundaries.
fn validate(text: &str, fix: &Fix) -> Result<(), String> {
    let mut end = 0;
    for (i, e) in fix.edits.iter().enumerate() {
        let Span { start, end: stop } = e.span;
        if start > stop || stop > text.len() {
            return Err(format!("an edit at {start}..{stop} is outside the text"));
        }
        if !text.is_char_boundary(start) || !text.is_char_boundary(stop) {
            return Err(format!(
                "an edit at {start}..{stop} cuts a character in two"
            ));
        }
        if i > 0 && start < end {
            return Err(format!("its edits overlap at {start}"));
        }
        end = stop;
    }
    Ok(())
}

/// The fixes to apply in one pass: by position of their first edit, each
/// taken when it starts after the last edit taken so far ends (touching is
/// skipped too: two insertions at one place, or an insertion next to a
/// replacement, are applied in separate rounds, one on top of the other).
pub fn select<'d>(candidates: &[&'d Diagnostic]) -> Vec<&'d Diagnostic> {
    let mut sorted: Vec<&Diagnostic> = candidates
        .iter()
        .copied()
        .filter(|d| d.fix.as_ref().is_some_and(|f| !f.edits.is_empty()))
        .collect();
    let first = |d: &Diagnostic| {
        let e = &d.fix.as_ref().expect("filtered").edits[0];
        (e.span.start, e.span.end, d.code)
    };
    sorted.sort_by_key(|d| first(d));
    let mut taken = Vec::new();
    let mut last_end: Option<usize> = None;
    for d in sorted {
        let fix = d.fix.as_ref().expect("filtered");
        if last_end.is_some_and(|end| fix.edits[0].span.start <= end) {
            continue;
        }
        last_end = fix.edits.iter().map(|e| e.span.end).max();
        taken.push(d);
    }
    taken
}

/// Apply the fixes of `taken` (as [`select`] chose them) to `text`: the new
/// text and the edits, sorted.
fn apply(text: &str, taken: &[&Diagnostic]) -> (String, Vec<Edit>) {
    let mut edits: Vec<Edit> = taken
        .iter()
        .flat_map(|d| d.fix.as_ref().expect("taken fixes").edits.iter().cloned())
        .collect();
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    let refs: Vec<&Edit> = edits.iter().collect();
    let (out, skipped) = apply_edits(text, &refs);
    debug_assert!(skipped.is_empty(), "selected fixes do not overlap");
    (out, edits)
}

/// Apply `edits` to `source` in order of position. An edit that overlaps
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
            && e.span.start <= e.span.end
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

/// One pass: apply the fixes of `diagnostics` that `accept` takes and that
/// do not overlap one taken before (see [`select`]). Returns the new text
/// and how many fixes were applied. [`fix_file`] runs passes until nothing
/// changes.
pub fn apply_fixes(
    source: &str,
    diagnostics: &[Diagnostic],
    accept: &dyn Fn(&Fix) -> bool,
) -> (String, usize) {
    let candidates: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| {
            d.fix
                .as_ref()
                .is_some_and(|f| accept(f) && validate(source, f).is_ok())
        })
        .collect();
    let taken = select(&candidates);
    let (text, _) = apply(source, &taken);
    (text, taken.len())
}

/// Compose `later` (edits relative to `mid`, the text `earlier` produced)
/// with `earlier` (edits relative to the original): edits relative to the
/// original that produce the same final text. An earlier and a later edit
/// that overlap or touch are merged into one.
pub fn compose(earlier: &[Edit], later: &[Edit], mid: &str) -> Vec<Edit> {
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Item {
        Earlier(usize),
        Later(usize),
    }
    // Every edit's range in the intermediate text.
    let mut items: Vec<(usize, usize, Item)> = Vec::with_capacity(earlier.len() + later.len());
    let mut shift: isize = 0;
    for (i, e) in earlier.iter().enumerate() {
        let start = e.span.start.saturating_add_signed(shift);
        items.push((start, start + e.replacement.len(), Item::Earlier(i)));
        shift += growth(e);
    }
    for (i, e) in later.iter().enumerate() {
        items.push((e.span.start, e.span.end, Item::Later(i)));
    }
    items.sort_by_key(|&(s, e, _)| (s, e));

    let mut out = Vec::with_capacity(items.len());
    // How much longer the earlier edits before the current group made the text.
    let mut delta: isize = 0;
    let mut i = 0;
    while i < items.len() {
        let (start, mut end, _) = items[i];
        let mut j = i + 1;
        while j < items.len() && items[j].0 <= end {
            end = end.max(items[j].1);
            j += 1;
        }
        let group = &items[i..j];
        let earlier_in = || {
            group.iter().filter_map(|&(_, _, it)| match it {
                Item::Earlier(k) => Some(&earlier[k]),
                Item::Later(_) => None,
            })
        };
        let group_delta: isize = earlier_in().map(growth).sum();
        let local: Vec<Edit> = group
            .iter()
            .filter_map(|&(_, _, it)| match it {
                Item::Later(k) => Some(Edit {
                    span: Span::new(later[k].span.start - start, later[k].span.end - start),
                    replacement: later[k].replacement.clone(),
                }),
                Item::Earlier(_) => None,
            })
            .collect();
        if local.is_empty() {
            out.extend(earlier_in().cloned());
        } else {
            let refs: Vec<&Edit> = local.iter().collect();
            let (replacement, skipped) = apply_edits(&mid[start..end], &refs);
            debug_assert!(skipped.is_empty(), "later edits do not overlap");
            let orig_start = start.saturating_add_signed(-delta);
            let orig_end = end.saturating_add_signed(-(delta + group_delta));
            out.push(Edit {
                span: Span::new(orig_start, orig_end),
                replacement,
            });
        }
        delta += group_delta;
        i = j;
    }
    out
}

/// How much longer an edit makes the text (negative when shorter).
fn growth(e: &Edit) -> isize {
    e.replacement.len() as isize - (e.span.end - e.span.start) as isize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;

    /// A finding is new when its rule has more findings in the rewrite than
    /// in the original, whatever the line numbers; the one named is the one
    /// whose message the original does not have.
    #[test]
    fn added_findings_are_counted_per_rule() {
        let install = |pkgs: &str| {
            format!(
                "RUN apt-get update && apt-get install -y --no-install-recommends {pkgs} \\\n    && rm -rf /var/lib/apt/lists/*\n"
            )
        };
        let original = format!("FROM debian:12\n{}CMD [\"curl\"]\n", install("curl"));
        let moved = format!("# a comment\n\n{original}");
        assert!(
            new_findings(&original, &moved, FileInfo::default()).is_empty(),
            "{:?}",
            new_findings(&original, &moved, FileInfo::default())
        );
        let unpinned = |rewrite: &str| -> Vec<String> {
            new_findings(&original, rewrite, FileInfo::default())
                .into_iter()
                .filter(|d| d.code == "SW306")
                .map(|d| d.message)
                .collect()
        };
        let more = format!(
            "FROM debian:12\n{}{}CMD [\"curl\"]\n",
            install("curl"),
            install("jq")
        );
        let added = unpinned(&more);
        assert_eq!(added.len(), 1, "{added:?}");
        assert!(added[0].contains("`jq`"), "{added:?}");
        let again = format!(
            "FROM debian:12\n{}{}CMD [\"curl\"]\n",
            install("curl"),
            install("curl")
        );
        let added = unpinned(&again);
        assert_eq!(added.len(), 1, "{added:?}");
        assert!(added[0].contains("`curl`"), "{added:?}");
    }

    fn edit(start: usize, end: usize, replacement: &str) -> Edit {
        Edit {
            span: Span::new(start, end),
            replacement: replacement.to_string(),
        }
    }

    fn diag(code: &'static str, applicability: Applicability, edits: Vec<Edit>) -> Diagnostic {
        Diagnostic {
            code,
            name: "test",
            severity: Severity::Warning,
            message: String::new(),
            span: Span::new(0, 0),
            labels: Vec::new(),
            help: None,
            fix: Some(Fix::new(code, applicability, edits)),
        }
    }

    #[test]
    fn applies_and_skips_overlaps() {
        let e1 = edit(0, 1, "X");
        let e2 = edit(0, 2, "Y");
        let e3 = edit(3, 3, "!");
        let (out, skipped) = apply_edits("abcd", &[&e3, &e1, &e2]);
        assert_eq!(out, "Xbc!d");
        assert_eq!(skipped.len(), 1);
    }

    #[test]
    fn select_skips_overlapping_and_touching_fixes() {
        let a = diag("A", Applicability::Safe, vec![edit(0, 2, "x")]);
        let b = diag("B", Applicability::Safe, vec![edit(1, 3, "y")]);
        let c = diag("C", Applicability::Safe, vec![edit(2, 2, "z")]);
        let d = diag("D", Applicability::Safe, vec![edit(4, 4, "w")]);
        // E's edits surround F's: F overlaps E as a whole.
        let e = diag(
            "E",
            Applicability::Safe,
            vec![edit(6, 6, "("), edit(9, 9, ")")],
        );
        let f = diag("F", Applicability::Safe, vec![edit(7, 8, "q")]);
        let taken = select(&[&f, &e, &d, &c, &b, &a]);
        let codes: Vec<&str> = taken.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["A", "D", "E"]);
    }

    #[test]
    fn compose_gives_the_same_text() {
        let original = "0123456789";
        let first = vec![edit(1, 3, "ab"), edit(5, 5, "++"), edit(7, 9, "")];
        let (mid, _) = apply_edits(original, &first.iter().collect::<Vec<_>>());
        assert_eq!(mid, "0ab34++569");
        // Overlapping an earlier edit, touching one, and on its own.
        let second = vec![edit(2, 4, "Z"), edit(7, 7, "-"), edit(9, 10, "END")];
        let (end, _) = apply_edits(&mid, &second.iter().collect::<Vec<_>>());
        let composed = compose(&first, &second, &mid);
        let (again, skipped) = apply_edits(original, &composed.iter().collect::<Vec<_>>());
        assert!(skipped.is_empty());
        assert_eq!(again, end);
        assert_eq!(
            composed,
            vec![edit(1, 4, "aZ"), edit(5, 5, "++-"), edit(7, 10, "END")]
        );
    }

    #[test]
    fn compose_random_edits() {
        // A small deterministic generator: no dependency for one test.
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for _ in 0..2000 {
            let original: String = (0..next(12)).map(|i| (b'a' + i as u8) as char).collect();
            let mut text = original.clone();
            let mut composed: Vec<Edit> = Vec::new();
            for _ in 0..1 + next(4) {
                let mut edits = Vec::new();
                let mut pos = 0;
                while pos <= text.len() && edits.len() < 3 {
                    let start = pos + next(text.len() - pos + 1);
                    let end = start + next(text.len() - start + 1).min(2);
                    let replacement = ["", "X", "YY"][next(3)];
                    edits.push(edit(start, end, replacement));
                    pos = end + 1;
                }
                let (new, skipped) = apply_edits(&text, &edits.iter().collect::<Vec<_>>());
                assert!(skipped.is_empty());
                composed = compose(&composed, &edits, &text);
                text = new;
                let (again, skipped) = apply_edits(&original, &composed.iter().collect::<Vec<_>>());
                assert!(skipped.is_empty(), "{composed:?}");
                assert_eq!(again, text, "{original:?} {composed:?}");
                assert!(
                    composed
                        .windows(2)
                        .all(|w| w[0].span.end <= w[1].span.start),
                    "{composed:?}"
                );
            }
        }
    }

    const SOURCE: &str = "FROM alpine:3.20\nRUN echo hi\n";

    #[test]
    fn rounds_apply_fixes_skipped_for_an_overlap() {
        // Two insertions at one place: one per round.
        let mut lint = |text: &str| {
            let at = text.find("echo").unwrap() + 4;
            let mut out = Vec::new();
            if !text.contains(" -a") {
                out.push(diag("A", Applicability::Safe, vec![edit(at, at, " -a")]));
            }
            if !text.contains(" -b") {
                out.push(diag("B", Applicability::Safe, vec![edit(at, at, " -b")]));
            }
            out
        };
        let outcome = fix_with(SOURCE, Policy::Safe, &mut lint);
        assert_eq!(outcome.text, "FROM alpine:3.20\nRUN echo -b -a hi\n");
        assert_eq!(outcome.rounds, 2);
        assert_eq!(outcome.applied, vec![("A", 1), ("B", 1)]);
        assert!(outcome.converged && outcome.diagnostics.is_empty());
        assert_eq!(outcome.edits, vec![edit(25, 25, " -b -a")]);
    }

    #[test]
    fn applicability_decides_what_is_applied() {
        let mut lint = |text: &str| {
            let mut out = Vec::new();
            if !text.contains("#S") {
                out.push(diag("S", Applicability::Safe, vec![edit(0, 0, "#S\n")]));
            }
            if !text.contains("#U") {
                out.push(diag("U", Applicability::Unsafe, vec![edit(0, 0, "#U\n")]));
            }
            out.push(diag(
                "D",
                Applicability::DisplayOnly,
                vec![edit(0, 4, "from")],
            ));
            out
        };
        let safe = fix_with(SOURCE, Policy::Safe, &mut lint);
        assert_eq!(safe.applied, vec![("S", 1)]);
        let all = fix_with(SOURCE, Policy::Unsafe, &mut lint);
        assert_eq!(all.applied, vec![("S", 1), ("U", 1)]);
        assert!(all.text.starts_with("#S\n#U\nFROM") || all.text.starts_with("#U\n#S\nFROM"));
        assert_eq!(all.diagnostics.len(), 1);
    }

    #[test]
    fn rounds_stop_at_the_cap() {
        // A fix that always finds more to do.
        let mut lint = |_: &str| vec![diag("A", Applicability::Safe, vec![edit(0, 0, "#\n")])];
        let outcome = fix_with(SOURCE, Policy::Safe, &mut lint);
        assert_eq!(outcome.rounds, MAX_ROUNDS);
        assert!(!outcome.converged);
        assert_eq!(outcome.applied, vec![("A", MAX_ROUNDS)]);
        assert_eq!(
            outcome.text,
            format!("{}{SOURCE}", "#\n".repeat(MAX_ROUNDS))
        );
    }

    #[test]
    fn a_fix_that_breaks_the_syntax_is_dropped_and_the_others_applied() {
        let mut lint = |text: &str| {
            let mut out = Vec::new();
            // Turns `FROM` into an unknown instruction.
            out.push(diag("BAD", Applicability::Safe, vec![edit(0, 4, "FRUM")]));
            // Leaves a quote open in the shell script.
            let at = text.find("hi").unwrap();
            out.push(diag("SH", Applicability::Safe, vec![edit(at, at, "'")]));
            if !text.contains("# ok") {
                let end = text.len();
                out.push(diag(
                    "OK",
                    Applicability::Safe,
                    vec![edit(end, end, "# ok\n")],
                ));
            }
            out
        };
        let outcome = fix_with(SOURCE, Policy::Safe, &mut lint);
        assert_eq!(outcome.text, format!("{SOURCE}# ok\n"));
        assert_eq!(outcome.applied, vec![("OK", 1)]);
        let dropped: Vec<&str> = outcome.dropped.iter().map(|d| d.code).collect();
        assert_eq!(dropped, ["BAD", "SH"], "{:?}", outcome.dropped);
        assert!(
            outcome.dropped[0].reason.contains("SW002"),
            "{:?}",
            outcome.dropped
        );
        assert!(
            outcome.dropped[1].reason.contains("shell"),
            "{:?}",
            outcome.dropped
        );
        assert!(outcome.converged);
    }

    #[test]
    fn broken_edits_are_dropped() {
        let mut lint = |_: &str| vec![diag("X", Applicability::Safe, vec![edit(5, 500, "")])];
        let outcome = fix_with(SOURCE, Policy::Safe, &mut lint);
        assert!(!outcome.changed());
        assert_eq!(outcome.dropped.len(), 1);
        assert!(outcome.dropped[0].reason.contains("outside"));
    }

    #[test]
    fn a_file_with_syntax_errors_is_left_alone() {
        let mut lint = |_: &str| vec![diag("A", Applicability::Safe, vec![edit(0, 0, "#\n")])];
        let outcome = fix_with("FROM alpine\nRUNN x\n", Policy::Unsafe, &mut lint);
        assert!(outcome.syntax_errors && !outcome.changed());
        assert_eq!(outcome.text, "FROM alpine\nRUNN x\n");
    }

    #[test]
    fn fix_kind_and_applicability_agree() {
        assert!(FixKind::Safe.allows(Applicability::Unsafe));
        assert!(!FixKind::Unsafe.allows(Applicability::Safe));
        assert!(!FixKind::None.allows(Applicability::DisplayOnly));
        for a in [
            Applicability::Safe,
            Applicability::Unsafe,
            Applicability::DisplayOnly,
        ] {
            assert_eq!(FixKind::from(a).applicability(), Some(a));
        }
    }
}
