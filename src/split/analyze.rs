//! What the single stage does: its instructions, the commands of each `RUN`
//! sorted by what they do (build, install, create users, set files up...),
//! and the working directory each command runs in.

use super::Input;
use super::images::BuilderImage;
use crate::shell::builds::{self, BuildStep, DependencyInstall, Ecosystem};
use crate::shell::packages::{self, Manager};
use crate::shell::{Command, Nesting, Script};
use crate::syntax::{Args, Instruction, Keyword};

/// What a command does, as far as the rewrite cares.
#[derive(Clone, Debug)]
pub(crate) enum Kind {
    /// Compiles or bundles software.
    Build(BuildStep),
    /// Installs a project's dependencies from its manifests.
    Deps(DependencyInstall),
    /// Installs system packages (apt, apk, dnf...).
    Install(Manager),
    /// Refreshes a package index.
    Update,
    /// Cleans a package cache or index.
    Cleanup,
    /// Removes system packages.
    Remove,
    /// Creates or changes a user or group.
    User,
    /// Sets files up: `mkdir`, `chmod`, `chown`, `ln`, `touch`...
    Setup,
    /// Changes directory.
    Cd,
    /// Moves or copies files: `mv`, `cp`, `install`.
    Move,
    /// Installs a language package globally (`npm install -g`, `pip install
    /// pkg`...).
    LangInstall,
    /// Anything else.
    Other,
}

/// One command of a `RUN`.
#[derive(Clone, Debug)]
pub(crate) struct Cmd<'a> {
    /// The command.
    pub cmd: &'a Command,
    /// The directory it runs in, when known.
    pub cwd: Option<String>,
    /// What it does.
    pub kind: Kind,
    /// Variables exported earlier in the same script (`export A=b`).
    pub exported: Vec<(String, String)>,
}

/// One `RUN`.
#[derive(Clone, Debug)]
pub(crate) struct Run<'a> {
    /// Its instruction index.
    pub index: usize,
    /// Its commands, in order (shell form, then heredoc scripts).
    pub cmds: Vec<Cmd<'a>>,
    /// Whether its text could not be read as shell (exec form, a shell
    /// error, a heredoc run by another interpreter).
    pub opaque: bool,
}

/// The stage and what its instructions do.
pub(crate) struct Facts<'a> {
    /// The input.
    pub input: &'a Input<'a>,
    /// The `FROM` instruction's index.
    pub from: usize,
    /// The instructions after the `FROM`, in order.
    pub insts: Vec<usize>,
    /// The builder's base image.
    pub base: BuilderImage,
    /// The working directory before each instruction (indexed like
    /// `Dockerfile::instructions`), when known.
    pub cwd: Vec<Option<String>>,
    /// Each `RUN`, in order.
    pub runs: Vec<Run<'a>>,
}

impl<'a> Facts<'a> {
    /// The instruction at `i`.
    pub fn inst(&self, i: usize) -> &'a Instruction {
        &self.input.file.instructions[i]
    }

    /// The `RUN` of instruction `i`.
    pub fn run(&self, i: usize) -> Option<&Run<'a>> {
        self.runs.iter().find(|r| r.index == i)
    }

    /// The value of `name` in scope before instruction `at`: an `ENV` or
    /// `ARG` of the stage (with its default).
    pub fn var(&self, name: &str, at: usize) -> Option<String> {
        self.input
            .model
            .scope_at(at)
            .var(name)
            .and_then(|v| v.value.clone())
    }

    /// A word expanded with the variables in scope before `at`; `None` when
    /// it names a variable without a value.
    pub fn expand(&self, word: &str, at: usize) -> Option<String> {
        let e = self.input.model.expand(word, at).ok()?;
        e.unset.is_empty().then_some(e.value)
    }
}

/// Build the facts of the single stage.
pub(crate) fn facts<'a>(input: &'a Input<'a>) -> Result<Facts<'a>, String> {
    let model = input.model;
    let stage = &model.stages[0];
    if !stage.base_unset_args.is_empty() {
        return Err(format!(
            "the base image `{}` names build arguments without a default ({}): the runtime \
             image cannot be chosen",
            stage.base_text,
            stage.base_unset_args.join(", ")
        ));
    }
    let base = BuilderImage::new(&stage.base_text, &stage.base_expanded).ok_or_else(|| {
        format!(
            "the base image `{}` is not a valid image reference",
            stage.base_expanded
        )
    })?;
    let n = input.file.instructions.len();
    let mut cwd = vec![None; n];
    let mut dir = base.default_workdir().map(str::to_string);
    let mut runs = Vec::new();
    for &i in &stage.instructions {
        cwd[i] = dir.clone();
        let inst = &input.file.instructions[i];
        match inst.keyword {
            Keyword::Workdir => {
                let Args::Text(w) = &inst.args else {
                    dir = None;
                    continue;
                };
                let value = model
                    .expand(&w.value, i)
                    .ok()
                    .filter(|e| e.unset.is_empty())
                    .map(|e| e.value);
                dir = match (value, &dir) {
                    (Some(v), _) if v.starts_with('/') => Some(normalize(&v)),
                    (Some(v), Some(d)) => Some(join(d, &v)),
                    _ => None,
                };
            }
            Keyword::Run => runs.push(run(i, input.scripts[i], dir.clone(), inst)),
            _ => {}
        }
    }
    Ok(Facts {
        input,
        from: stage.from,
        insts: stage.instructions.clone(),
        base,
        cwd,
        runs,
    })
}

fn run<'a>(
    index: usize,
    scripts: &'a [Script],
    dir: Option<String>,
    inst: &Instruction,
) -> Run<'a> {
    let mut out = Run {
        index,
        cmds: Vec::new(),
        opaque: scripts.is_empty() || !matches!(inst.args, Args::Text(_)),
    };
    // A heredoc run by something other than a shell (`RUN python3 <<EOF`)
    // is not in `scripts`: the body is opaque.
    let shell_bodies = scripts.len().saturating_sub(1);
    if inst.heredocs.len() > shell_bodies && !inst.heredocs.is_empty() {
        let line_has_commands = scripts
            .first()
            .is_some_and(|s| s.commands.iter().any(|c| c.name.is_some()));
        if line_has_commands {
            out.opaque = true;
        }
    }
    for script in scripts {
        if script.error.is_some() {
            out.opaque = true;
        }
        let mut cwd = dir.clone();
        let mut exported: Vec<(String, String)> = Vec::new();
        for cmd in &script.commands {
            let kind = kind(cmd);
            out.cmds.push(Cmd {
                cmd,
                cwd: cwd.clone(),
                kind: kind.clone(),
                exported: exported.clone(),
            });
            match kind {
                Kind::Cd => {
                    let target = cmd.args.first();
                    cwd = match (target, &cwd) {
                        (Some(t), _) if !t.literal => None,
                        (Some(t), _) if t.value.starts_with('/') => Some(normalize(&t.value)),
                        (Some(t), Some(d)) if t.value != "-" => Some(join(d, &t.value)),
                        _ => None,
                    };
                    if cmd.nesting != Nesting::Top {
                        cwd = None;
                    }
                }
                Kind::Other if cmd.name_str() == Some("export") => {
                    for a in &cmd.args {
                        if let Some((k, v)) = a.value.split_once('=') {
                            exported.push((k.to_string(), v.to_string()));
                        }
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// Sort a command.
pub(crate) fn kind(cmd: &Command) -> Kind {
    if let Some(step) = builds::build_step(cmd) {
        return Kind::Build(step);
    }
    if let Some(d) = builds::dependency_install(cmd) {
        return Kind::Deps(d);
    }
    if packages::is_update(cmd).is_some()
        && packages::install(cmd).is_none_or(|i| i.packages.is_empty())
    {
        return Kind::Update;
    }
    if let Some(i) = packages::install(cmd) {
        return if is_system(i.manager) {
            Kind::Install(i.manager)
        } else {
            Kind::LangInstall
        };
    }
    if packages::is_cache_cleanup(cmd).is_some() {
        return Kind::Cleanup;
    }
    if crate::shell::packages::is_removal(cmd) {
        return Kind::Remove;
    }
    let Some(name) = cmd.basename() else {
        return Kind::Setup; // assignments or redirections only
    };
    match name {
        "useradd" | "adduser" | "groupadd" | "addgroup" | "usermod" | "groupmod" => Kind::User,
        "mkdir"
        | "chown"
        | "chmod"
        | "chgrp"
        | "ln"
        | "touch"
        | "setcap"
        | "true"
        | ":"
        | "update-ca-certificates" => Kind::Setup,
        "echo" | "printf" => Kind::Setup,
        "rm" if cmd.has_flag('f', "force") || cmd.has_flag('r', "recursive") => Kind::Setup,
        "cd" => Kind::Cd,
        "mv" | "cp" | "install" => Kind::Move,
        _ => Kind::Other,
    }
}

/// Whether a manager installs system packages.
pub(crate) fn is_system(m: Manager) -> bool {
    matches!(
        m,
        Manager::AptGet
            | Manager::Apt
            | Manager::Apk
            | Manager::Dnf
            | Manager::Yum
            | Manager::Microdnf
            | Manager::Zypper
    )
}

/// Whether a command uses a build toolchain (compilers, language build
/// tools).
pub(crate) fn is_toolchain_command(cmd: &Command) -> bool {
    matches!(
        cmd.basename(),
        Some(
            "go" | "cargo"
                | "rustc"
                | "gcc"
                | "g++"
                | "cc"
                | "c++"
                | "clang"
                | "clang++"
                | "make"
                | "gmake"
                | "cmake"
                | "ninja"
                | "mvn"
                | "mvnw"
                | "gradle"
                | "gradlew"
                | "javac"
                | "dotnet"
                | "tsc"
                | "webpack"
        )
    )
}

/// The ecosystem a build step belongs to (for `make` and friends, the base
/// image decides: `make` in a golang image builds Go).
pub(crate) fn ecosystem_of(step: &BuildStep, base: &BuilderImage) -> Ecosystem {
    if step.ecosystem != Ecosystem::C {
        return step.ecosystem;
    }
    match base.family.as_str() {
        "golang" => Ecosystem::Go,
        "rust" => Ecosystem::Rust,
        _ => Ecosystem::C,
    }
}

/// `rel` resolved against the directory `base` (both absolute results are
/// normalized: no `.`, `..` or repeated `/`).
pub(crate) fn join(base: &str, rel: &str) -> String {
    if rel.starts_with('/') {
        return normalize(rel);
    }
    normalize(&format!("{base}/{rel}"))
}

/// An absolute path without `.`, `..`, repeated or trailing `/`.
pub(crate) fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

/// Whether `path` is `dir` or inside it.
pub(crate) fn is_under(path: &str, dir: &str) -> bool {
    dir == "/" || path == dir || path.strip_prefix(dir).is_some_and(|r| r.starts_with('/'))
}

/// The directory part of an absolute path.
pub(crate) fn dirname(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) => "/",
        Some(i) => &path[..i],
        None => ".",
    }
}

/// The command as text: assignments, name, arguments and redirections as
/// written (continuations removed).
pub(crate) fn command_text(cmd: &Command) -> String {
    let mut parts: Vec<String> = cmd
        .assignments
        .iter()
        .map(|(k, v)| format!("{k}={}", v.raw))
        .collect();
    if let Some(n) = &cmd.name {
        parts.push(n.raw.to_string());
    }
    parts.extend(cmd.args.iter().map(|w| w.raw.to_string()));
    for r in &cmd.redirects {
        let fd = r.fd.map_or(String::new(), |f| f.to_string());
        parts.push(format!("{fd}{}{}", r.op, r.target.raw));
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(join("/src", "bin/app"), "/src/bin/app");
        assert_eq!(join("/src", "../out/"), "/out");
        assert_eq!(join("/src", "/usr/local/bin/app"), "/usr/local/bin/app");
        assert_eq!(normalize("/a//b/./c/"), "/a/b/c");
        assert!(is_under("/app/dist/x", "/app"));
        assert!(!is_under("/application", "/app"));
        assert_eq!(dirname("/usr/local/bin/app"), "/usr/local/bin");
        assert_eq!(dirname("/app"), "/");
    }
}
