//! The shell model: the text of shell-form `RUN`, `CMD` and `ENTRYPOINT`, and of
//! heredoc bodies run by a shell, as plain data.
//!
//! [`parse`] turns script text into a [`Script`]: every simple command (also
//! those nested in pipelines, lists, subshells, compound commands, functions
//! and command substitutions), the pipelines, and whether the script turns
//! `pipefail` on. Every [`Word`] and [`Command`] carries a [`Span`] into the
//! Dockerfile, mapped back through the instruction's [`OffsetMap`].
//!
//! Two parsers produce the same [`Script`]:
//!
//! * a small hand-written tokenizer and grammar (`fast.rs`) for the common
//!   case: words, quotes, escapes, `&&`, `||`, `;`, `|`, `&`, `!`, newlines,
//!   redirections, `$VAR`, `${VAR}`, `$(...)` and backquotes, brace groups,
//!   subshells, `if`, `for`, `while`, `until`, `case` and functions. It
//!   refuses anything else;
//! * brush-parser (`brush.rs`, the only file that names its types) for the
//!   rest: here-documents, `[[ ]]`, arithmetic, arrays, extended globs...
//!   Where brush-parser fails on a script the fast path reads
//!   (`$(case $x in a) ...;; esac)`, whose end it misplaces), the fast path
//!   is right.
//!
//! Both feed one builder (`build.rs`) that turns byte ranges of the script
//! into words (`word.rs` removes quotes and finds substitutions, whose
//! contents are parsed again, recursively) and commands.
//!
//! Parsing never fails and never panics: a script the parser cannot read gives
//! a [`ShellError`] (and whatever commands could be found). Nesting deeper than
//! [`MAX_DEPTH`] is refused up front, so recursion stays bounded.
//!
//! [`packages`] recognises package installs, updates, cache cleanups and
//! downloaders in commands.

mod brush;
mod build;
pub mod builds;
mod depth;
mod fast;
mod heredoc;
pub mod packages;
mod word;

use crate::syntax::{Args, Instruction, Keyword, OffsetMap, Span};
use compact_str::CompactString;

pub use depth::MAX_DEPTH;

/// Where the script text sits, so spans map back into the Dockerfile.
#[derive(Clone, Copy, Debug)]
pub enum Origin<'a> {
    /// Text that is a slice of an instruction's logical line starting at
    /// logical offset `offset`; spans go through the instruction's
    /// [`OffsetMap`].
    Logical {
        /// The instruction's map from its logical line to the file.
        map: &'a OffsetMap,
        /// Where the text starts in the logical line.
        offset: usize,
    },
    /// Text copied verbatim from the file starting at file offset `offset`
    /// (heredoc bodies).
    File {
        /// Where the text starts in the file.
        offset: usize,
    },
}

impl Origin<'_> {
    /// The file span of the script-relative byte range `start..end`.
    pub fn span(&self, start: usize, end: usize) -> Span {
        match *self {
            Origin::Logical { map, offset } => map.span(offset + start, offset + end),
            Origin::File { offset } => Span::new(offset + start, offset + end.max(start)),
        }
    }
}

/// A parsed shell script.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Script {
    /// Every simple command, in source order, including those nested in
    /// pipelines, lists, subshells, `if`/`for`/`while`/`case` bodies,
    /// functions, and command substitutions `$(...)` / `` `...` ``.
    pub commands: Vec<Command>,
    /// Each pipeline of two or more commands, in source order.
    pub pipelines: Vec<Pipeline>,
    /// Set when the parser could not read the script (the first problem
    /// found); `commands` may then be partial.
    pub error: Option<ShellError>,
    /// Whether `set -o pipefail` (or a combined form such as `set -eo
    /// pipefail`, `set -euxo pipefail`) runs in the script's own shell
    /// (not in a subshell or substitution) before its first pipeline. With no
    /// pipeline, anywhere.
    pub sets_pipefail: bool,
}

/// A pipeline of two or more commands (`a | b`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pipeline {
    /// Indices into [`Script::commands`] of the commands whose innermost
    /// pipeline this is, in source order. A stage that is a compound command
    /// (`{ a; b; } | c`) contributes every simple command inside it.
    pub commands: Vec<usize>,
    /// The number of stages (`|`-separated parts).
    pub stages: usize,
    /// From the first stage to the end of the last.
    pub span: Span,
}

/// A problem the shell parser found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShellError {
    /// What went wrong, for people.
    pub message: String,
    /// Where (may be empty, at the point the parser stopped).
    pub span: Span,
}

/// The innermost construct a command sits in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Nesting {
    /// Directly in the script's top-level list (possibly in a pipeline).
    #[default]
    Top,
    /// In a subshell `( ... )`.
    Subshell,
    /// In a command substitution `$(...)`, `` `...` `` or a process
    /// substitution `<(...)`.
    Substitution,
    /// In the body of a compound command: `if`/`for`/`while`/`until`/`case`,
    /// a brace group `{ ...; }`, or a function body.
    Compound,
}

/// One simple command: assignments, a name, arguments and redirections.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Command {
    /// The command name; `None` for a command of assignments or
    /// redirections only.
    pub name: Option<Word>,
    /// The arguments after the name (assignment-like words after the name,
    /// as in `export A=b`, are arguments).
    pub args: Vec<Word>,
    /// `FOO=bar` before the name: the variable name and the value word (the
    /// text after `=`).
    pub assignments: Vec<(String, Word)>,
    /// Redirections, wherever they appear in the command.
    pub redirects: Vec<Redirect>,
    /// File span of the whole simple command.
    pub span: Span,
    /// Index into [`Script::pipelines`] when the command is part of a pipe.
    pub pipeline: Option<usize>,
    /// The stage of [`Command::pipeline`] the command runs in (0 for the
    /// first; 0 when not in a pipeline).
    pub stage: usize,
    /// The innermost construct the command sits in.
    pub nesting: Nesting,
    /// Position in the top-level `&&`/`||`/`;`/newline list: every element
    /// of that list (a pipeline, which may be a compound command) has its own
    /// index, shared by all the commands inside it.
    pub list_index: usize,
    /// Whether a failure of this command is tolerated: it runs in an
    /// `if`/`while`/`until` condition, in a negated pipeline (`! cmd`), or an
    /// `||` follows it in its `&&`/`||` list (`cmd || true`).
    pub condition: bool,
    /// Computed once when the command is built, because rules ask for them
    /// for every command: where the base name starts in the name's value,
    /// and the package manager the command runs ([`packages::manager`]).
    facts: Facts,
}

/// What [`Command::basename`] and [`packages::manager`] answer, worked out
/// once per command ([`Command::settle`]). A command made some other way
/// (`Command::default()` and its fields set by hand) is not settled, and both
/// are then worked out on each call.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Facts {
    settled: bool,
    base: u32,
    manager: Option<(packages::Manager, usize)>,
}

/// A redirection such as `> /dev/null`, `2>&1` or `<<EOF`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Redirect {
    /// The file descriptor written before the operator (`2` in `2>&1`).
    pub fd: Option<u32>,
    /// The operator: `<`, `>`, `>>`, `<>`, `>|`, `<&`, `>&`, `&>`, `&>>`,
    /// `<<`, `<<-` or `<<<`.
    pub op: String,
    /// The target (file name, descriptor, here-document delimiter, or
    /// here-string).
    pub target: Word,
    /// From the descriptor or operator to the end of the target.
    pub span: Span,
}

/// One shell word.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Word {
    /// The word as written in the script.
    pub raw: CompactString,
    /// Quotes removed and escapes applied; expansions (`$X`, `${X}`,
    /// `$(...)`, backquotes, `$((...))`) kept as written. (Both strings are
    /// stored inline up to 24 bytes: most words never allocate.)
    pub value: CompactString,
    /// Whether nothing in the word is expanded (no parameter, command or
    /// arithmetic expansion, no unquoted glob, tilde or brace expansion):
    /// `value` is then exactly what the command receives.
    pub literal: bool,
    /// Where the word is in the file.
    pub span: Span,
}

impl Command {
    /// The command name's value (quotes removed).
    pub fn name_str(&self) -> Option<&str> {
        self.name.as_ref().map(|w| w.value.as_str())
    }

    /// The name without a leading path (`/usr/bin/apt-get` -> `apt-get`).
    pub fn basename(&self) -> Option<&str> {
        let name = self.name_str()?;
        if !self.facts.settled {
            return Some(basename(name));
        }
        Some(name.get(self.facts.base as usize..).unwrap_or(name))
    }

    /// The package manager the command runs, and where its own arguments
    /// start ([`packages::manager`]), as worked out when it was built.
    pub(crate) fn manager(&self) -> Option<(packages::Manager, usize)> {
        if !self.facts.settled {
            return packages::classify(self);
        }
        self.facts.manager
    }

    /// Work out the facts asked of every command, once its name and
    /// arguments are final.
    pub(crate) fn settle(&mut self) {
        let base = self.name_str().map_or(0, |n| n.len() - basename(n).len());
        let manager = packages::classify(self);
        self.facts = Facts {
            settled: true,
            base: u32::try_from(base).unwrap_or(0),
            manager,
        };
    }

    /// The arguments before a `--` end-of-options marker.
    fn option_args(&self) -> impl Iterator<Item = &Word> {
        self.args.iter().take_while(|w| w.value != "--")
    }

    /// Whether the command has a flag given as the short letter `short`
    /// (also inside a cluster such as `-qy`) or the long name `long`
    /// (`--yes`, `--yes=...`). Pass `'\0'` or `""` when a form does not exist.
    /// Arguments after `--` are not flags.
    pub fn has_flag(&self, short: char, long: &str) -> bool {
        self.option_args().any(|w| {
            let v = w.value.as_str();
            if let Some(rest) = v.strip_prefix("--") {
                !long.is_empty() && rest.split('=').next() == Some(long)
            } else if let Some(rest) = v.strip_prefix('-') {
                short != '\0' && rest.contains(short)
            } else {
                false
            }
        })
    }

    /// The word that carries the value of an option, given its spellings
    /// with dashes (`&["-o", "--output"]`): the next argument for `-o file`
    /// or `--output file`, or the argument itself for `--output=file` and
    /// `-ofile` (use [`Command::option_str`] for just the value). The last
    /// occurrence wins.
    pub fn option_value(&self, names: &[&str]) -> Option<&Word> {
        self.option(names).map(|(w, _)| w)
    }

    /// The value of an option (see [`Command::option_value`]) as text.
    pub fn option_str(&self, names: &[&str]) -> Option<&str> {
        self.option(names).map(|(w, skip)| &w.value[skip..])
    }

    /// The word holding an option's value and where the value starts in it.
    fn option(&self, names: &[&str]) -> Option<(&Word, usize)> {
        let args: Vec<&Word> = self.option_args().collect();
        let mut found = None;
        let mut i = 0;
        while i < args.len() {
            let v = args[i].value.as_str();
            for name in names {
                if v == *name {
                    if let Some(next) = args.get(i + 1) {
                        found = Some((*next, 0));
                        i += 1;
                    }
                    break;
                }
                if name.starts_with("--") {
                    if v.len() > name.len() + 1
                        && v.starts_with(name)
                        && v.as_bytes()[name.len()] == b'='
                    {
                        found = Some((args[i], name.len() + 1));
                        break;
                    }
                } else if name.len() == 2 && v.len() > 2 && v.starts_with(name) {
                    found = Some((args[i], 2));
                    break;
                }
            }
            i += 1;
        }
        found
    }

    /// The argument values, in order.
    pub fn arg_values(&self) -> impl Iterator<Item = &str> {
        self.args.iter().map(|w| w.value.as_str())
    }
}

impl Script {
    /// The commands called `name`: compared with the basename
    /// ([`Command::basename`]) unless `name` contains a `/`, then with the
    /// whole name.
    pub fn commands_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Command> {
        let full = name.contains('/');
        self.commands.iter().filter(move |c| {
            if full {
                c.name_str() == Some(name)
            } else {
                c.basename() == Some(name)
            }
        })
    }

    /// Whether the script has a pipeline of two or more commands.
    pub fn has_pipes(&self) -> bool {
        !self.pipelines.is_empty()
    }
}

/// The part of a path after its last `/`.
pub fn basename(path: &str) -> &str {
    // Names are short: a plain backwards scan beats the pattern machinery
    // of `rsplit`, and rules ask for a command's base name many times.
    match path.bytes().rposition(|b| b == b'/') {
        Some(i) => &path[i + 1..],
        None => path,
    }
}

/// Which parser(s) [`parse_with`] may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// The fast tokenizer when it accepts the script, brush-parser otherwise
    /// (what [`parse`] does).
    Auto,
    /// Only the fast tokenizer: `None` when it does not accept the script
    /// (or a command substitution inside it).
    Fast,
    /// Only brush-parser, also for command substitutions.
    Brush,
}

/// Parse script text. Never panics; problems are reported in
/// [`Script::error`].
pub fn parse(text: &str, origin: Origin<'_>) -> Script {
    parse_with(text, origin, Engine::Auto).unwrap_or_default()
}

/// Parse script text with a chosen engine (for tests and benchmarks);
/// `None` only for [`Engine::Fast`] when the fast tokenizer refuses.
pub fn parse_with(text: &str, origin: Origin<'_>, engine: Engine) -> Option<Script> {
    build::Builder::run(text, origin, engine)
}

/// Whether a `SHELL` exec form names a POSIX shell: `false` for PowerShell
/// (`powershell`, `pwsh`), `cmd`, and other non-POSIX shells (`fish`, `csh`,
/// `tcsh`, `nu`, `elvish`, `xonsh`); `true` for `sh`, `bash`, `ash`, `dash`,
/// `zsh`, `ksh`, `busybox` and for anything else, including an empty form
/// (Docker's default is `/bin/sh -c`). `env` and its options are skipped
/// (`["/usr/bin/env", "bash", "-c"]`). Windows paths and `.exe` are handled.
pub fn is_posix_shell(shell: &[String]) -> bool {
    let mut words = shell.iter().map(|s| s.trim());
    let mut first = words.next().unwrap_or("");
    if program_name(first) == "env" {
        first = words
            .find(|w| !w.starts_with('-') && !w.contains('='))
            .unwrap_or("");
    }
    !matches!(
        program_name(first).as_str(),
        "powershell"
            | "pwsh"
            | "cmd"
            | "fish"
            | "csh"
            | "tcsh"
            | "nu"
            | "nushell"
            | "elvish"
            | "xonsh"
    )
}

/// Whether a `SHELL` exec form turns `pipefail` on, as hadolint's DL4006
/// reads it: the program is `bash`, `zsh`, `ash` (or `ksh`, `mksh`), and an
/// option cluster ending in `o` (`-o`, `-eo`, `-euxo`) is followed by
/// `pipefail`.
pub fn shell_sets_pipefail(shell: &[String]) -> bool {
    let Some(first) = shell.first() else {
        return false;
    };
    if !matches!(
        program_name(first).as_str(),
        "bash" | "zsh" | "ash" | "ksh" | "mksh"
    ) {
        return false;
    }
    shell
        .windows(2)
        .any(|w| is_o_cluster(&w[0], '-') && w[1] == "pipefail")
}

/// `-o`, `-eo`, `-euxo`... (with `sign` `-`), or `+o`... (with `+`).
fn is_o_cluster(s: &str, sign: char) -> bool {
    s.len() >= 2
        && s.starts_with(sign)
        && !s.starts_with("--")
        && s.ends_with('o')
        && s[1..].chars().all(|c| c.is_ascii_alphabetic())
}

/// The lower-case program name of a path (`C:\Windows\cmd.exe` -> `cmd`).
fn program_name(path: &str) -> String {
    let base = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let lower = base.to_ascii_lowercase();
    match lower.strip_suffix(".exe") {
        Some(s) => s.to_string(),
        None => lower,
    }
}

/// The shell scripts of an instruction: the shell form of `RUN`, `CMD`,
/// `ENTRYPOINT` (and of the instruction wrapped by `ONBUILD`), followed by
/// the `RUN` heredoc bodies that a POSIX shell runs: the body of `RUN <<EOF`
/// (unless a `#!` line names another interpreter), and bodies fed to a shell
/// on standard input (`RUN bash <<EOF`, not `RUN bash -c ... <<EOF`).
///
/// Whether the instruction's `SHELL` is a POSIX shell is for the caller to
/// decide ([`is_posix_shell`]).
pub fn instruction_scripts(inst: &Instruction) -> Vec<Script> {
    let mut out = Vec::new();
    collect_scripts(inst.effective(), &mut out);
    out
}

fn collect_scripts(inst: &Instruction, out: &mut Vec<Script>) {
    if !matches!(
        inst.keyword,
        Keyword::Run | Keyword::Cmd | Keyword::Entrypoint
    ) {
        return;
    }
    let Args::Text(text) = &inst.args else {
        return;
    };
    let Some(offset) = inst.text_offset() else {
        return;
    };
    let line = parse(
        &text.value,
        Origin::Logical {
            map: &inst.map,
            offset,
        },
    );
    let mut bodies = Vec::new();
    if inst.keyword == Keyword::Run {
        for (i, doc) in inst.heredocs.iter().enumerate() {
            if heredoc_is_script(&line, &doc.name, &doc.content, i) {
                bodies.push(parse(
                    &doc.content,
                    Origin::File {
                        offset: doc.body_span.start,
                    },
                ));
            }
        }
    }
    out.push(line);
    out.extend(bodies);
}

/// Whether the `index`-th heredoc of a `RUN` line is run by a POSIX shell.
fn heredoc_is_script(line: &Script, name: &str, content: &str, index: usize) -> bool {
    let owner = line.commands.iter().find(|c| {
        c.redirects
            .iter()
            .any(|r| r.op.starts_with("<<") && r.op != "<<<" && r.target.value == name)
    });
    match owner {
        // `RUN <<EOF`: the first body is the script, run by the shell unless
        // it starts with `#!` naming another interpreter.
        Some(c) if c.name.is_none() => {
            index == 0
                && match content.lines().next().and_then(|l| l.strip_prefix("#!")) {
                    None => true,
                    Some(shebang) => {
                        let words: Vec<String> =
                            shebang.split_whitespace().map(str::to_string).collect();
                        let prog =
                            if words.first().map(|w| program_name(w)).as_deref() == Some("env") {
                                words.get(1)
                            } else {
                                words.first()
                            };
                        prog.is_some_and(|p| is_shell_program(p))
                    }
                }
        }
        Some(c) => c.basename().is_some_and(is_shell_program) && !c.has_flag('c', ""),
        None => false,
    }
}

/// Whether a program name is a POSIX shell (`sh`, `bash`, `/bin/dash`...).
pub fn is_shell_program(name: &str) -> bool {
    matches!(
        program_name(name).as_str(),
        "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh" | "mksh"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hand_built_command_answers_like_a_parsed_one() {
        let word = |v: &str| Word {
            raw: v.into(),
            value: v.into(),
            literal: true,
            ..Word::default()
        };
        let by_hand = Command {
            name: Some(word("/usr/bin/apt-get")),
            args: vec![word("install"), word("curl")],
            ..Command::default()
        };
        let script = parse("/usr/bin/apt-get install curl", Origin::File { offset: 0 });
        let parsed = &script.commands[0];
        for cmd in [&by_hand, parsed] {
            assert_eq!(cmd.basename(), Some("apt-get"));
            assert_eq!(packages::manager(cmd), Some((packages::Manager::AptGet, 0)));
            assert!(packages::install(cmd).is_some());
        }
    }
}
