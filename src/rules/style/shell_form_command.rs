//! `CMD`, `ENTRYPOINT` or `HEALTHCHECK CMD` in shell form.

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::syntax::{Args, Keyword, Word};

/// The rule.
pub struct ShellFormCommand;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW504",
    name: "shell-form-command",
    category: Category::Style,
    severity: Severity::Warning,
    fix: FixKind::Safe,
    hadolint: &["DL3025"],
    buildkit: &["JSONArgsRecommended"],
    default_enabled: true,
    summary: "`CMD`/`ENTRYPOINT`/`HEALTHCHECK CMD` in shell form",
    doc: include_str!("../../../rules/shell-form-command.md"),
};

/// Words that mean something to the shell, not to `exec`: reserved words and
/// builtins with no program of the same name.
#[rustfmt::skip]
const SHELL_ONLY: &[&str] = &[
    "!", "{", "}", "[[", "]]", "case", "do", "done", "elif", "else", "esac", "fi", "for",
    "function", "if", "in", "select", "then", "time", "until", "while", ".", ":", "alias",
    "bg", "break", "builtin", "cd", "command", "continue", "declare", "dirs", "disown", "enable",
    "eval", "exec", "exit", "export", "fc", "fg", "getopts", "hash", "jobs", "let", "local",
    "logout", "popd", "pushd", "read", "readonly", "return", "set", "shift", "shopt", "source",
    "suspend", "times", "trap", "type", "typeset", "ulimit", "umask", "unalias", "unset", "wait",
];

/// The words of a shell-form command when the shell would only split it into
/// words: no variables, globs, operators, redirections, escapes, comments or
/// tildes, and quotes only around plain text. `None` otherwise.
pub fn plain_words(command: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = command.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '\'' => break,
                        ch => word.push(ch),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '"' => break,
                        '$' | '`' | '\\' => return None,
                        ch => word.push(ch),
                    }
                }
            }
            c if c.is_ascii_alphanumeric() || "-_./:,=+@%".contains(c) => {
                in_word = true;
                word.push(c);
            }
            _ => return None,
        }
    }
    if in_word {
        words.push(word);
    }
    let first = words.first()?;
    // `NAME=value cmd` sets a variable; builtins do not exist outside a shell.
    if first.contains('=') || SHELL_ONLY.contains(&first.as_str()) {
        return None;
    }
    Some(words)
}

/// The JSON array of `words`, spaced as Docker's documentation writes it.
fn json_array(words: &[String]) -> String {
    let items: Vec<String> = words
        .iter()
        .map(|w| serde_json::to_string(w).unwrap_or_default())
        .collect();
    format!("[{}]", items.join(", "))
}

/// Whether the stage of instruction `at`, or a stage it is built on, has an
/// instruction with `keyword`.
fn chain_has(cx: &Context<'_>, at: usize, keyword: Keyword) -> bool {
    super::stage_chain(cx, at).iter().any(|&s| {
        cx.model.stages[s]
            .instructions
            .iter()
            .any(|&i| cx.file.instructions[i].keyword == keyword)
    })
}

impl Rule for ShellFormCommand {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (i, inst) in cx.instructions() {
            let (word, what): (&Word, &str) = match (inst.keyword, &inst.args) {
                (Keyword::Cmd, Args::Text(w)) => (w, "CMD"),
                (Keyword::Entrypoint, Args::Text(w)) => (w, "ENTRYPOINT"),
                (Keyword::Healthcheck, Args::Healthcheck { kind, command })
                    if kind.value.eq_ignore_ascii_case("cmd") =>
                {
                    match &**command {
                        Args::Text(w) => (w, "HEALTHCHECK CMD"),
                        _ => continue,
                    }
                }
                _ => continue,
            };
            let message = if inst.keyword == Keyword::Healthcheck {
                format!("{what} in shell form needs a shell in the image; use the JSON (exec) form")
            } else {
                format!(
                    "{what} in shell form runs under `/bin/sh -c`, which does not pass signals on to the program; use the JSON (exec) form"
                )
            };
            let mut d = cx.diag(&META, word.span, message);
            let plain = cx.posix_shell_at(i) && cx.text(word.span) == word.value.as_str();
            if let Some(words) = plain.then(|| plain_words(&word.value)).flatten() {
                // The fix keeps the command; what else changes is said in
                // the rule's document.
                let applicability = match inst.keyword {
                    Keyword::Entrypoint => Applicability::Unsafe,
                    Keyword::Cmd if chain_has(cx, i, Keyword::Entrypoint) => Applicability::Unsafe,
                    _ => Applicability::Safe,
                };
                d.fix = Some(Fix::new(
                    "Use the exec form",
                    applicability,
                    vec![Edit {
                        span: word.span,
                        replacement: json_array(&words),
                    }],
                ));
            }
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::plain_words;

    fn w(s: &str) -> Option<Vec<String>> {
        plain_words(s)
    }

    fn v(words: &[&str]) -> Option<Vec<String>> {
        Some(words.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn splits_only_plain_commands() {
        assert_eq!(w("npm start"), v(&["npm", "start"]));
        assert_eq!(
            w("nginx -g 'daemon off;'"),
            v(&["nginx", "-g", "daemon off;"])
        );
        assert_eq!(w("echo \"a b\" ''"), v(&["echo", "a b", ""]));
        assert_eq!(
            w("python -m http.server --bind=0.0.0.0"),
            v(&["python", "-m", "http.server", "--bind=0.0.0.0"])
        );
        for bad in [
            "echo $HOME",
            "a && b",
            "a | b",
            "a; b",
            "a > log",
            "ls *.txt",
            "cd /app",
            "exec nginx",
            "FOO=1 run",
            "echo \"$X\"",
            "echo 'unterminated",
            "run ~/x",
            "a # comment",
            "a\\ b",
            "",
        ] {
            assert_eq!(plain_words(bad), None, "{bad:?}");
        }
    }
}
