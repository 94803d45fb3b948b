//! Consecutive short `RUN`s that could be one layer.

use super::for_each_script;
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::syntax::{Args, Instruction, Keyword};

/// The rule.
pub struct ConsecutiveRunInstructions;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW301",
    name: "consecutive-run-instructions",
    category: Category::Cache,
    severity: Severity::Info,
    fix: FixKind::None,
    hadolint: &["DL3059"],
    buildkit: &[],
    default_enabled: true,
    summary: "Consecutive single-command `RUN`s could be one layer",
    doc: include_str!("../../../rules/consecutive-run-instructions.md"),
};

/// The number of named commands a `RUN` runs (exec form runs one).
fn command_count(cx: &Context<'_>, index: usize, inst: &Instruction) -> usize {
    if matches!(inst.args, Args::Exec(_)) {
        return 1;
    }
    let mut n = 0;
    for_each_script(cx, index, |s| {
        n += s
            .commands
            .iter()
            .filter(|c| {
                // As in hadolint (ShellCheck's AST), a `[ ... ]` test is a
                // condition, not a command.
                c.name
                    .as_ref()
                    .is_some_and(|w| w.literal && w.value != "[" && w.value != "[[")
            })
            .count();
    });
    n
}

/// The flags of a `RUN`, in a canonical order (hadolint compares them as a
/// set).
fn flag_set(inst: &Instruction) -> Vec<String> {
    let mut flags: Vec<String> = inst.flags.iter().map(|f| f.raw.to_string()).collect();
    flags.sort();
    flags
}

impl Rule for ConsecutiveRunInstructions {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        // The last RUN of the current sequence: (index, commands, flags).
        let mut prev: Option<(usize, usize, Vec<String>)> = None;
        for (i, inst) in cx.instructions() {
            // Any other instruction (ONBUILD RUN included) ends a sequence;
            // comments are not instructions. Non-POSIX shells are skipped:
            // their commands cannot be counted.
            if inst.keyword != Keyword::Run || !cx.posix_shell_at(i) {
                prev = None;
                continue;
            }
            let count = command_count(cx, i, inst);
            let flags = flag_set(inst);
            match &prev {
                Some((p, pcount, pflags)) if *pflags == flags && count <= 1 && *pcount <= 1 => {
                    let mut d = cx.diag(
                        &META,
                        inst.span,
                        "this RUN follows another single-command RUN; join them with `&&` to make one layer",
                    );
                    d.labels.push(Label {
                        span: cx.file.instructions[*p].span,
                        message: "the previous RUN".to_string(),
                    });
                    out.push(d);
                }
                _ => prev = Some((i, count, flags)),
            }
        }
    }
}
