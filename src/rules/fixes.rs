//! Helpers that build fixes, shared by the rules of every folder: where a
//! command can be appended to a `RUN`, and what runs after an instruction on
//! top of what it leaves behind (to judge whether a fix is safe).

use super::Context;
use crate::diagnostic::{Applicability, Edit};
use crate::model::Base;
use crate::shell::{self, Command};
use crate::syntax::{Args, Keyword, Span};

/// The package managers that share the rpm caches of yum and dnf.
pub(crate) const RPM_MANAGERS: &[&str] = &["yum", "dnf", "dnf5", "microdnf", "tdnf"];

/// The instructions that run after instruction `index` on top of the
/// filesystem it leaves: the rest of its stage, then every stage built
/// `FROM` it (directly or not), in file order.
pub(crate) fn later_instructions(cx: &Context<'_>, index: usize) -> Vec<usize> {
    let Some(stage) = cx.model.stage_of.get(index).copied().flatten() else {
        return Vec::new();
    };
    let mut stages = vec![stage];
    for (si, s) in cx.model.stages.iter().enumerate().skip(stage + 1) {
        if matches!(s.base, Base::Stage(p) if stages.contains(&p)) {
            stages.push(si);
        }
    }
    let mut out: Vec<usize> = stages
        .iter()
        .flat_map(|&s| cx.model.stages[s].instructions.iter().copied())
        .filter(|&i| i > index)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Whether a command may run something we cannot see into: a shell with a
/// script or a `-c` string, `source`/`.`/`eval`, `make`, or a program
/// called by its path or named like a script. Such a command may run a
/// package manager itself.
pub(crate) fn runs_unseen_commands(cmd: &Command) -> bool {
    let Some(name) = cmd.name_str() else {
        return false;
    };
    let base = shell::basename(name);
    shell::is_shell_program(base)
        || matches!(base, "." | "source" | "eval" | "make" | "xargs")
        || (name.contains('/') && !is_system_path(name))
        || base.ends_with(".sh")
}

/// `/bin/...`, `/usr/bin/...` and the like: programs of the image, not
/// scripts of the project.
fn is_system_path(name: &str) -> bool {
    ["/bin/", "/sbin/", "/usr/bin/", "/usr/sbin/"]
        .iter()
        .any(|dir| {
            name.strip_prefix(dir)
                .is_some_and(|rest| !rest.contains('/'))
        })
}

/// Whether a command names one of `programs`, as its name or as an argument
/// (`sudo apt-get`, `xargs dnf`, `env X=1 yum`).
pub(crate) fn mentions(cmd: &Command, programs: &[&str]) -> bool {
    cmd.basename().is_some_and(|n| programs.contains(&n))
        || cmd
            .args
            .iter()
            .any(|w| programs.contains(&shell::basename(&w.value)))
}

/// Whether an instruction after `index` (see [`later_instructions`]) may
/// use what `uses` recognises, a command of a `RUN` may run unseen commands
/// ([`runs_unseen_commands`]), or an exec-form `RUN` runs a shell or one of
/// `programs`. A `RUN` in which `resets` comes first (e.g. `apt-get update`
/// before anything that needs the lists) is fine.
pub(crate) fn later_use(
    cx: &Context<'_>,
    index: usize,
    programs: &[&str],
    resets: &dyn Fn(&Command) -> bool,
) -> bool {
    later_instructions(cx, index).into_iter().any(|i| {
        let inst = cx.file.instructions[i].effective();
        if inst.keyword != Keyword::Run {
            return false;
        }
        if let Args::Exec(words) = &inst.args {
            return words.iter().any(|w| {
                let b = shell::basename(&w.value);
                programs.contains(&b) || shell::is_shell_program(b)
            });
        }
        let mut used = false;
        let mut reset = false;
        super::cache::for_each_command(cx, i, |cmd| {
            if used || reset {
                return;
            }
            if resets(cmd) {
                reset = true;
            } else if mentions(cmd, programs) || runs_unseen_commands(cmd) {
                used = true;
            }
        });
        // A RUN the shell model does not read (another shell) may run anything.
        used || (!reset && cx.instruction_scripts(i).is_empty())
    })
}

/// The edit appending `&& command` to the end of the shell script of `RUN`
/// `index`, so that it runs last, in the script's own shell, once everything
/// before it succeeded. `None` when that cannot be done by appending: exec
/// form, heredocs, `ONBUILD`, a script the shell parser could not read, or a
/// script that does not end with a command or the end of a compound command
/// (a trailing `&`, `;`, comment or continuation).
///
/// A `RUN` written over several lines gets the command on a line of its own
/// when its last line starts with `&&` (`\` then `&& command`) or the line
/// before ends with `&& \` (`&& \` then `command`), with the same
/// indentation and line ending; otherwise it goes on the last line.
pub(crate) fn append_to_run(cx: &Context<'_>, index: usize, command: &str) -> Option<Edit> {
    let inst = cx.file.instructions.get(index)?;
    if inst.keyword != Keyword::Run || !inst.heredocs.is_empty() {
        return None;
    }
    let Args::Text(word) = &inst.args else {
        return None;
    };
    let script = cx.script(index)?;
    if script.error.is_some() {
        return None;
    }
    let offset = inst.text_offset()?;
    let len = word.value.trim_end().len();
    if len == 0 {
        return None;
    }
    let end = inst.map.end(offset + len);
    let last = script.commands.iter().map(|c| c.span.end).max()?;
    if last > end || !only_closers(cx.source.get(last..end)?, cx.file.escape) {
        return None;
    }
    Some(Edit {
        span: Span::new(end, end),
        replacement: appended(cx.source, inst.span.start, end, cx.file.escape, command),
    })
}

/// `&& command`, laid out like the lines of the instruction that starts at
/// `start` and whose script ends at `end` (see [`append_to_run`]).
fn appended(source: &str, start: usize, end: usize, escape: char, command: &str) -> String {
    let same_line = format!(" && {command}");
    let line_start = source[..end].rfind('\n').map_or(0, |i| i + 1);
    if line_start <= start {
        return same_line;
    }
    let eol = if source[..line_start - 1].ends_with('\r') {
        "\r\n"
    } else {
        "\n"
    };
    let last = &source[line_start..end];
    let rest = last.trim_start_matches([' ', '\t']);
    let indent = &last[..last.len() - rest.len()];
    if rest.starts_with("&&") {
        return format!(" {escape}{eol}{indent}&& {command}");
    }
    let prev_start = source[..line_start - 1].rfind('\n').map_or(0, |i| i + 1);
    let prev = source[prev_start..line_start - 1].trim_end_matches(['\r', ' ', '\t']);
    match prev.strip_suffix(escape) {
        Some(p) if p.trim_end().ends_with("&&") => {
            format!(" && {escape}{eol}{indent}{command}")
        }
        _ => same_line,
    }
}

/// Whether the text between the last simple command of a script and its
/// end only closes compound commands: `fi`, `done`, `esac`, `}`, `)`, `;`
/// (not last), blanks and line continuations.
fn only_closers(tail: &str, escape: char) -> bool {
    let mut last_significant = None;
    let mut chars = tail.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            ' ' | '\t' | '\r' | '\n' => {}
            c if c == escape => {
                // A line continuation: the escape, blanks, a line break.
                let rest = &tail[i + c.len_utf8()..];
                let trimmed = rest.trim_start_matches([' ', '\t', '\r']);
                if !trimmed.starts_with('\n') {
                    return false;
                }
                let skip = rest.len() - trimmed.len() + 1;
                for _ in 0..rest[..skip].chars().count() {
                    chars.next();
                }
            }
            ';' | ')' | '}' => last_significant = Some(c),
            c if c.is_ascii_alphabetic() => {
                let word: String = std::iter::once(c)
                    .chain(std::iter::from_fn(|| {
                        chars
                            .next_if(|&(_, c)| c.is_ascii_alphanumeric())
                            .map(|(_, c)| c)
                    }))
                    .collect();
                if !matches!(word.as_str(), "fi" | "done" | "esac") {
                    return false;
                }
                last_significant = Some('w');
            }
            _ => return false,
        }
    }
    last_significant != Some(';')
}

/// How the file ends the line that offset `at` is on: `\r\n` or `\n`.
pub(crate) fn line_ending_at(source: &str, at: usize) -> &'static str {
    match source[at..].find('\n') {
        Some(i) if source[..at + i].ends_with('\r') => "\r\n",
        _ => "\n",
    }
}

/// A keyword written in the case of `like` (the keyword of the instruction
/// it goes beside): lower case when that one is, upper case otherwise.
pub(crate) fn keyword_like(cx: &Context<'_>, like: Span, keyword: &str) -> String {
    let written = cx.text(like);
    if written.chars().all(|c| !c.is_ascii_uppercase()) {
        keyword.to_ascii_lowercase()
    } else {
        keyword.to_ascii_uppercase()
    }
}

/// The applicability of a fix that removes caches or lists some later
/// instruction may need: safe when none does (see [`later_use`]).
pub(crate) fn unless_used_later(
    cx: &Context<'_>,
    index: usize,
    programs: &[&str],
    resets: &dyn Fn(&Command) -> bool,
) -> Applicability {
    if later_use(cx, index, programs, resets) {
        Applicability::Unsafe
    } else {
        Applicability::Safe
    }
}

#[cfg(test)]
mod tests {
    use super::only_closers;

    #[test]
    fn closers() {
        for ok in [
            "",
            "  ",
            "; fi",
            ";\\\n  fi",
            "; done",
            ")",
            "; }",
            ";; esac",
            " \\ \r\n fi",
        ] {
            assert!(only_closers(ok, '\\'), "{ok:?}");
        }
        for bad in [
            ";",
            " &",
            " # note",
            " \\",
            "; fi;",
            " > log",
            "; fix",
            "; done < f",
        ] {
            assert!(!only_closers(bad, '\\'), "{bad:?}");
        }
        assert!(only_closers("; `\n fi", '`'));
    }
}
