//! A dependency install (`npm ci`, `pip install -r`...) after a `COPY` of
//! the whole build context.

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Label, Severity};
use crate::model::Base;
use crate::rules::cache::{for_each_command, is_whole_context};
use crate::rules::correctness::copy_paths;
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::shell::builds::{self, DependencyInstall};
use crate::shell::packages::{self, Manager, PackageKind};
use crate::shell::{Command, Nesting};
use crate::syntax::{Args, Keyword, Span};

/// The rule.
pub struct CopyAllBeforeInstall;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW323",
    name: "copy-all-before-install",
    category: Category::Cache,
    severity: Severity::Warning,
    fix: FixKind::Unsafe,
    hadolint: &[],
    buildkit: &[],
    default_enabled: true,
    summary: "Dependencies installed after copying the whole build context",
    doc: include_str!("../../../rules/copy-all-before-install.md"),
};

/// A directory in the image: an absolute path (`/app`), or a path relative
/// to the base image's working directory, which is not known here (`@`,
/// `@/src`). Cleaned: no `.`, `..` or repeated `/`.
type Dir = String;

/// `rel` resolved against `base` (a [`Dir`]).
fn join(base: &str, rel: &str) -> Dir {
    let (root, start) = if rel.starts_with('/') {
        ("/", "")
    } else if let Some(rest) = base.strip_prefix('@') {
        ("@", rest)
    } else {
        ("/", base)
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in start.split('/').chain(rel.split('/')) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    match (root, parts.is_empty()) {
        ("@", true) => "@".to_string(),
        ("@", false) => format!("@/{}", parts.join("/")),
        (_, _) => format!("/{}", parts.join("/")),
    }
}

/// Whether `path` is `dir` or inside it.
fn is_under(path: &str, dir: &str) -> bool {
    path == dir
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/') || dir == "/")
}

/// A word of an instruction after variable expansion, when every variable
/// in it is known.
fn expanded(cx: &Context<'_>, value: &str, at: usize) -> Option<String> {
    if !value.contains('$') {
        return Some(value.to_string());
    }
    match cx.model.expand(value, at) {
        Ok(e) if e.unset.is_empty() => Some(e.value),
        _ => None,
    }
}

/// The working directory at the end of stage `s` (for stages built on it).
fn final_workdir(cx: &Context<'_>, s: usize, depth: usize) -> Option<Dir> {
    let stage = &cx.model.stages[s];
    let mut cwd = match stage.base {
        Base::Stage(p) if p < s && depth < 64 => final_workdir(cx, p, depth + 1)?,
        _ => "@".to_string(),
    };
    for &i in &stage.instructions {
        let inst = &cx.file.instructions[i];
        if inst.keyword == Keyword::Workdir {
            let Args::Text(w) = &inst.args else {
                return None;
            };
            cwd = join(&cwd, &expanded(cx, &w.value, i)?);
        }
    }
    Some(cwd)
}

/// A `COPY`/`ADD` that brings the sources of a project: the whole context,
/// or a directory of it.
struct Broad {
    /// The instruction.
    index: usize,
    /// The source as written (`.`, `frontend/`).
    source: String,
    /// The source directory inside the context, for a directory copy
    /// (`frontend`); empty for the whole context.
    dir: String,
    /// Where it lands.
    dest: Dir,
}

/// File names without an extension that are files, not directories.
const EXTENSIONLESS_FILES: &[&str] = &[
    "Makefile",
    "Dockerfile",
    "Gemfile",
    "Pipfile",
    "Procfile",
    "Rakefile",
    "Jenkinsfile",
    "Vagrantfile",
    "LICENSE",
    "README",
    "VERSION",
    "Justfile",
    "justfile",
    "Containerfile",
];

/// The directory a source names, if it surely names one (`dir/`) or looks
/// like one (no extension, no wildcard, not a well-known file name).
fn source_dir(source: &str) -> Option<String> {
    if source.contains(['*', '?', '[', '$']) || source.contains("://") {
        return None;
    }
    let trimmed = source.trim_end_matches('/');
    let clean = join("/", trimmed);
    let clean = clean.trim_start_matches('/');
    if clean.is_empty() {
        return None;
    }
    let base = clean.rsplit('/').next().unwrap_or(clean);
    let dir_like = source.ends_with('/')
        || (!base.contains('.') && !EXTENSIONLESS_FILES.contains(&base) && !base.is_empty());
    dir_like.then(|| clean.to_string())
}

/// Whether a `COPY` source's last component matches a file name, as
/// BuildKit matches sources (Go's `filepath.Match`, [`crate::glob`]).
fn glob(pattern: &str, name: &str) -> bool {
    crate::glob::matches(pattern, name, crate::glob::Flavor::Go)
}

fn basename(path: &str) -> &str {
    let path = path.trim_end_matches('/');
    path.rsplit('/').next().unwrap_or(path)
}

/// Whether a `COPY`/`ADD` (instruction `i`, run in the working directory
/// `cwd`) brings the file at `path` on its own: a source named like it (or
/// a wildcard matching its name) copied into its directory, or a
/// destination that is that file. Where the copy lands is not known (a
/// variable without a value, the working directory unknown): by the name
/// alone.
fn copies_on_its_own(cx: &Context<'_>, i: usize, cwd: Option<&str>, path: &str) -> bool {
    let inst = &cx.file.instructions[i];
    let paths = copy_paths(inst);
    let [sources @ .., dest] = paths.as_slice() else {
        return false;
    };
    let name = basename(path);
    let named = sources.iter().any(|s| {
        let s = basename(&s.value);
        !is_whole_context(s) && (s == name || (s.contains(['*', '?']) && glob(s, name)))
    });
    let Some(to) = cwd
        .zip(expanded(cx, &dest.value, i))
        .map(|(c, d)| join(c, &d))
    else {
        return named || (!dest.value.ends_with('/') && basename(&dest.value) == name);
    };
    let parent = match path.rsplit_once('/') {
        Some(("", _)) => "/",
        Some((p, _)) => p,
        None => path,
    };
    (named && parent == to) || (!dest.value.ends_with('/') && path == to)
}

/// A command that installs named tools from a registry and reads nothing of
/// the project (`pip install --upgrade pip`, `npm install -g pnpm@9`): it
/// can run before the sources are there. Options that read files (`-c`,
/// `-f`, `-e`) or write into the project (`--target`, `--prefix`) leave it
/// out, and so does an `npm install` that is not global (it edits the
/// project's `package.json`).
fn installs_tools(cmd: &Command) -> bool {
    let Some(install) = packages::install(cmd) else {
        return false;
    };
    if install.packages.is_empty()
        || !install
            .packages
            .iter()
            .all(|p| p.kind == PackageKind::Registry && !p.name.contains(['$', '`', '/']))
    {
        return false;
    }
    match install.manager {
        Manager::Pip | Manager::Uv => !cmd.arg_values().any(|a| {
            let name = a.split('=').next().unwrap_or(a);
            matches!(
                name,
                "-c" | "--constraint"
                    | "-f"
                    | "--find-links"
                    | "-e"
                    | "--editable"
                    | "-t"
                    | "--target"
                    | "--prefix"
                    | "--root"
                    | "--src"
                    | "-r"
                    | "--requirement"
            ) || ((a.starts_with("-c") || a.starts_with("-f") || a.starts_with("-t"))
                && !a.starts_with("--"))
        }),
        Manager::Npm | Manager::Pnpm => cmd.has_flag('g', "global"),
        _ => false,
    }
}

/// Where a dependency install reads its manifests: the working directory,
/// or the directory its options name.
fn install_dir(cmd: &Command, cwd: &str) -> Option<Dir> {
    let names: &[&str] = match cmd.basename()? {
        "npm" => &["--prefix"],
        "yarn" => &["--cwd"],
        "pnpm" => &["-C", "--dir"],
        "composer" => &["-d", "--working-dir"],
        "poetry" => &["-C", "--directory"],
        "go" => &["-C"],
        _ => &[],
    };
    match cmd.option_value(names) {
        Some(_) => {
            let w = cmd.option_str(names)?;
            (!w.contains(['$', '`'])).then(|| join(cwd, w))
        }
        None => Some(cwd.to_string()),
    }
}

/// One dependency install of a `RUN`, where it reads its manifests.
struct Found {
    span: Span,
    install: DependencyInstall,
    dir: Dir,
}

/// The dependency installs of `RUN` `index`, given the working directory
/// before it (`None`: not known), and whether the `RUN` does nothing else
/// (but `set`, `cd` to a known directory and installs of named tools).
fn installs(cx: &Context<'_>, index: usize, cwd: Option<&str>) -> (Vec<Found>, bool) {
    let mut found = Vec::new();
    let mut only = true;
    let mut cwd: Option<Dir> = cwd.map(str::to_string);
    for_each_command(cx, index, |cmd| {
        if cmd.basename() == Some("cd") {
            if cmd.nesting != Nesting::Top {
                only = false;
            }
            if cmd.nesting != Nesting::Substitution {
                cwd = match (cwd.as_deref(), cmd.args.as_slice()) {
                    (Some(c), [w]) if w.literal && w.value != "-" => Some(join(c, &w.value)),
                    _ => None,
                };
            }
            return;
        }
        if let Some(install) = builds::dependency_install(cmd) {
            if install.needs_sources || cmd.nesting != Nesting::Top {
                only = false;
            }
            if let Some(dir) = cwd.as_deref().and_then(|c| install_dir(cmd, c)) {
                found.push(Found {
                    span: cmd.span,
                    install,
                    dir,
                });
            } else {
                only = false;
            }
            return;
        }
        let harmless = cmd.basename() == Some("set") || installs_tools(cmd);
        if !(harmless && cmd.nesting == Nesting::Top) {
            only = false;
        }
    });
    (found, only && cwd.is_some())
}

impl Rule for CopyAllBeforeInstall {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (s, stage) in cx.model.stages.iter().enumerate() {
            let mut cwd: Option<Dir> = match stage.base {
                Base::Stage(p) if p < s => final_workdir(cx, p, 0),
                _ => Some("@".to_string()),
            };
            // Earlier `COPY`/`ADD`s of the stage (with the working
            // directory they ran in), and the broad ones.
            let mut copies: Vec<(usize, Option<Dir>)> = Vec::new();
            let mut broad: Vec<Broad> = Vec::new();
            for &i in &stage.instructions {
                let inst = &cx.file.instructions[i];
                match inst.keyword {
                    Keyword::Workdir => {
                        cwd = match &inst.args {
                            Args::Text(w) => cwd
                                .as_deref()
                                .zip(expanded(cx, &w.value, i))
                                .map(|(c, v)| join(c, &v)),
                            _ => None,
                        };
                    }
                    Keyword::Copy | Keyword::Add => {
                        copies.push((i, cwd.clone()));
                        if let Some(b) = broad_copy(cx, i, cwd.as_deref()) {
                            broad.push(b);
                        }
                    }
                    Keyword::Run if !broad.is_empty() => {
                        check_run(cx, i, cwd.as_deref(), &broad, &copies, out);
                    }
                    _ => {}
                }
            }
        }
    }
}

/// The broad copy made by instruction `i`, if it is one.
fn broad_copy(cx: &Context<'_>, i: usize, cwd: Option<&str>) -> Option<Broad> {
    let inst = &cx.file.instructions[i];
    if inst.flag("from").is_some() {
        return None;
    }
    let paths = copy_paths(inst);
    let [sources @ .., dest] = paths.as_slice() else {
        return None;
    };
    let dest = join(cwd?, &expanded(cx, &dest.value, i)?);
    let (source, dir) = sources.iter().find_map(|w| {
        let value = expanded(cx, &w.value, i)?;
        if is_whole_context(&value) {
            Some((w.value.to_string(), String::new()))
        } else {
            source_dir(&value).map(|d| (w.value.to_string(), d))
        }
    })?;
    Some(Broad {
        index: i,
        source,
        dir,
        dest,
    })
}

fn check_run(
    cx: &Context<'_>,
    i: usize,
    cwd: Option<&str>,
    broad: &[Broad],
    copies: &[(usize, Option<Dir>)],
    out: &mut Vec<Diagnostic>,
) {
    let (found, only) = installs(cx, i, cwd);
    // Whether an install's manifests were copied on their own before the
    // broad copy `b` (for a directory copy: anywhere before the install, as
    // the directory may not hold them at all).
    let covered = |f: &Found, b: &Broad| {
        f.install
            .manifests
            .iter()
            .filter(|m| !m.ends_with('*'))
            .all(|m| {
                let path = join(&f.dir, m);
                copies
                    .iter()
                    .filter(|(c, _)| *c != b.index && (*c < b.index || !b.dir.is_empty()))
                    .any(|(c, at)| copies_on_its_own(cx, *c, at.as_deref(), &path))
            })
    };
    let mut fixed = false;
    for f in &found {
        let Some(first) = f.install.manifests.iter().find(|m| !m.ends_with('*')) else {
            continue;
        };
        let path = join(&f.dir, first);
        // The first broad copy that brings the manifest.
        let Some(b) = broad.iter().find(|b| is_under(&path, &b.dest)) else {
            continue;
        };
        if covered(f, b) {
            continue;
        }
        let copy = &cx.file.instructions[b.index];
        let what = if b.dir.is_empty() {
            "the whole build context".to_string()
        } else {
            format!("`{}`", b.source)
        };
        let manifests = f.install.manifests.join(" ");
        let mut d = cx.diag(
            &META,
            f.span,
            format!(
                "`{}` runs after the `{}` on line {} copies {what}: any change to any of those files runs it again; copy `{manifests}` first and install before copying the rest",
                f.install.tool,
                copy.keyword.as_str(),
                copy.start_line,
            ),
        );
        d.labels.push(Label {
            span: copy.span,
            message: format!("copies {what}, sources included"),
        });
        if !fixed {
            fixed = true;
            d.fix = if only {
                let needed: Vec<&Found> = found.iter().filter(|g| !covered(g, b)).collect();
                fix(cx, i, b, &needed, None)
            } else {
                split_run(cx, i, cwd)
                    .filter(|s| s.installs.iter().any(|g| g.span == f.span))
                    .and_then(|s| {
                        let needed: Vec<&Found> =
                            s.installs.iter().filter(|g| !covered(g, b)).collect();
                        fix(cx, i, b, &needed, Some(&s))
                    })
            };
        }
        out.push(d);
    }
}

/// A `RUN` whose script is one `&&` chain that starts with the dependency
/// installs and goes on to build: where it splits in two.
struct SplitRun {
    /// The installs of the first part (`cd DIR && npm ci`).
    installs: Vec<Found>,
    /// The end of the first part's last command.
    first_end: usize,
    /// The start of the second part's first command.
    rest_start: usize,
    /// The `cd` commands of the first part, which the second starts with.
    cds: Vec<Span>,
    /// `RUN` and its flags, as written.
    head: String,
}

/// Whether `gap`, with line continuations and blanks removed, is `op`.
fn gap_is(gap: &str, escape: char, op: &str) -> bool {
    let mut text = String::with_capacity(gap.len());
    let mut rest = gap;
    while let Some(at) = rest.find(escape) {
        text.push_str(&rest[..at]);
        let after = rest[at + escape.len_utf8()..].trim_start_matches([' ', '\t', '\r']);
        let Some(next) = after.strip_prefix('\n') else {
            return false;
        };
        rest = next;
    }
    text.push_str(rest);
    text.trim() == op
}

/// How `RUN` `run` splits into its dependency installs and the rest: its
/// script is one `&&` list of simple commands (pipes only after the
/// installs) in the script's own shell, so each part can run in a `RUN` of
/// its own with the same meaning; the first part is `cd` to a known
/// directory, dependency installs that need nothing but their manifests and
/// installs of named tools, ending with an install; the rest is not empty.
/// Nothing of the first part but `cd` changes the shell's state (no
/// assignment, `export`, `set`, `source`), so the rest needs only the same
/// `cd`s before it.
fn split_run(cx: &Context<'_>, run: usize, cwd: Option<&str>) -> Option<SplitRun> {
    let inst = &cx.file.instructions[run];
    if !inst.heredocs.is_empty() {
        return None;
    }
    let Args::Text(word) = &inst.args else {
        return None;
    };
    let script = cx.script(run)?;
    let cmds = &script.commands;
    if script.error.is_some() || cmds.iter().any(|c| c.nesting != Nesting::Top) {
        return None;
    }
    let offset = inst.text_offset()?;
    let start = inst.map.start(offset);
    let end = inst.map.end(offset + word.value.trim_end().len());
    let escape = cx.file.escape;
    let (first, last) = (cmds.first()?, cmds.last()?);
    if !gap_is(cx.source.get(start..first.span.start)?, escape, "")
        || !gap_is(cx.source.get(last.span.end..end)?, escape, "")
    {
        return None;
    }
    for pair in cmds.windows(2) {
        let piped = pair[0].pipeline.is_some() && pair[0].pipeline == pair[1].pipeline;
        let gap = cx.source.get(pair[0].span.end..pair[1].span.start)?;
        if pair[0].span.end > pair[1].span.start
            || !gap_is(gap, escape, if piped { "|" } else { "&&" })
        {
            return None;
        }
    }
    let mut cwd: Dir = cwd?.to_string();
    let mut cds = Vec::new();
    let mut installs = Vec::new();
    let mut lead = None;
    for (k, cmd) in cmds.iter().enumerate() {
        if cmd.pipeline.is_some() {
            break;
        }
        if cmd.basename() == Some("cd") {
            match cmd.args.as_slice() {
                [w] if cmd.assignments.is_empty()
                    && cmd.redirects.is_empty()
                    && w.literal
                    && w.value != "-"
                    && !w.value.starts_with('~') =>
                {
                    cwd = join(&cwd, &w.value);
                    cds.push(cmd.span);
                    continue;
                }
                _ => break,
            }
        }
        if let Some(install) = builds::dependency_install(cmd) {
            if install.needs_sources {
                break;
            }
            let Some(dir) = install_dir(cmd, &cwd) else {
                break;
            };
            installs.push(Found {
                span: cmd.span,
                install,
                dir,
            });
            lead = Some(k);
            continue;
        }
        if installs_tools(cmd) {
            lead = Some(k);
            continue;
        }
        break;
    }
    let lead = lead?;
    let rest = cmds.get(lead + 1)?;
    if installs.is_empty() {
        return None;
    }
    // In a stage that ships, what the rest removes (`npm prune --omit=dev`,
    // a cache) would stay in the install's layer: the image would keep it.
    if cx.ships_at(run) && cmds[lead + 1..].iter().any(removes) {
        return None;
    }
    cds.retain(|c| c.start < cmds[lead].span.start);
    // `RUN` and its flags, on one line.
    let head = cx.source.get(inst.span.start..first.span.start)?.trim_end();
    let head = head.strip_suffix(escape).unwrap_or(head).trim_end();
    if head.contains('\n') {
        return None;
    }
    Some(SplitRun {
        installs,
        first_end: cmds[lead].span.end,
        rest_start: rest.span.start,
        cds,
        head: head.to_string(),
    })
}

/// Whether a command removes files (what it removes from the layers of
/// earlier `RUN`s stays in the image): `rm`, `npm prune`, `pip uninstall`,
/// a cache cleanup, a package removal.
fn removes(cmd: &Command) -> bool {
    let args: Vec<&str> = cmd.arg_values().collect();
    let has = |words: &[&str]| args.iter().any(|a| words.contains(a));
    match cmd.basename() {
        Some("rm" | "rmdir" | "unlink" | "shred") => true,
        Some("find") => has(&["-delete", "-exec", "-execdir"]),
        Some("npm" | "pnpm" | "yarn") => {
            has(&["prune", "autoclean", "cache", "uninstall", "remove", "rm"])
        }
        Some("pip" | "pip3" | "uv" | "python" | "python3") => has(&["uninstall", "purge", "cache"]),
        Some("apt-get" | "apt" | "dnf" | "yum" | "microdnf" | "zypper") => {
            has(&["remove", "purge", "autoremove", "clean", "erase"])
        }
        Some("apk") => has(&["del"]),
        Some("gem" | "bundle" | "composer") => has(&["clean", "cleanup", "uninstall", "remove"]),
        Some("go") => has(&["clean"]),
        Some("cargo") => has(&["clean", "uninstall"]),
        _ => false,
    }
}

/// The characters a directory may have to be written in a `COPY` as it is.
fn plain_path(p: &str) -> bool {
    !p.is_empty()
        && p.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | '@' | '+'))
}

/// Copy the manifests alone where the broad copy was (one `COPY` per
/// directory the installs read), and move the broad copy after the `RUN`,
/// or, for a `RUN` that installs and then builds (`split`), between its
/// installs and the rest, which becomes a `RUN` of its own.
fn fix(
    cx: &Context<'_>,
    run: usize,
    b: &Broad,
    found: &[&Found],
    split: Option<&SplitRun>,
) -> Option<Fix> {
    let inst = &cx.file.instructions[run];
    let copy = &cx.file.instructions[b.index];
    if !inst.heredocs.is_empty()
        || !matches!(inst.args, Args::Text(_))
        || cx.script(run)?.error.is_some()
        || cx.text(copy.span).contains('$')
        || !copy.heredocs.is_empty()
        || found.is_empty()
    {
        return None;
    }
    // Nothing in between that the move could change.
    let between = (b.index + 1..run).map(|k| cx.file.instructions[k].keyword);
    if !between.clone().all(|k| {
        matches!(
            k,
            Keyword::Env | Keyword::Arg | Keyword::Label | Keyword::Expose
        )
    }) {
        return None;
    }
    let paths = copy_paths(copy);
    if paths.len() != 2 {
        return None;
    }
    let mut flags = Vec::new();
    for f in &copy.flags {
        if !matches!(f.name.as_str(), "chown" | "chmod" | "link") {
            return None;
        }
        flags.push(cx.text(f.span).to_string());
    }
    // The manifests by the directory (below the copy's destination) they
    // are read in.
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for f in found {
        if f.install.needs_sources || !is_under(&f.dir, &b.dest) {
            return None;
        }
        let rel = f.dir[b.dest.len()..].trim_start_matches('/').to_string();
        if !rel.is_empty() && (!plain_path(&rel) || rel.split('/').any(|p| p == "..")) {
            return None;
        }
        let at = match groups.iter().position(|g| g.0 == rel) {
            Some(at) => at,
            None => {
                groups.push((rel.clone(), Vec::new()));
                groups.len() - 1
            }
        };
        for m in &f.install.manifests {
            if m.contains('/') || m.contains('$') {
                return None;
            }
            let source = [b.dir.as_str(), rel.as_str(), m.as_str()]
                .iter()
                .filter(|p| !p.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join("/");
            if !groups[at].1.contains(&source) {
                groups[at].1.push(source);
            }
        }
    }
    let written = cx.text(paths[1].span);
    let newline = if cx.source[inst.span.end..].starts_with("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let lines: Vec<String> = groups
        .iter()
        .map(|(rel, manifests)| {
            let dest = match (rel.is_empty(), written.ends_with('/')) {
                (true, true) => written.to_string(),
                (true, false) => format!("{written}/"),
                (false, _) => format!("{}/{rel}/", written.trim_end_matches('/')),
            };
            let mut line = vec!["COPY".to_string()];
            line.extend(flags.iter().cloned());
            line.extend(manifests.iter().cloned());
            line.push(dest);
            line.join(" ")
        })
        .collect();
    let moved = match split {
        None => Edit {
            span: Span::new(inst.span.end, inst.span.end),
            replacement: format!("{newline}{}", cx.text(copy.span)),
        },
        Some(s) => {
            let mut rest = format!("{newline}{}{newline}{} ", cx.text(copy.span), s.head);
            for cd in &s.cds {
                rest.push_str(cx.text(*cd));
                rest.push_str(" && ");
            }
            Edit {
                span: Span::new(s.first_end, s.rest_start),
                replacement: rest,
            }
        }
    };
    Some(Fix::new(
        if split.is_some() {
            "Copy the manifests, install, copy the rest, then build in a `RUN` of its own"
        } else {
            "Copy the manifests and install before copying the rest"
        },
        Applicability::Unsafe,
        vec![
            Edit {
                span: copy.span,
                replacement: lines.join(newline),
            },
            moved,
        ],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_directories() {
        assert_eq!(join("@", "."), "@");
        assert_eq!(join("@", "src/../app"), "@/app");
        assert_eq!(join("/app", "./"), "/app");
        assert_eq!(join("/app", "/srv"), "/srv");
        assert_eq!(join("/", "app/"), "/app");
        assert!(is_under("/app/package.json", "/app"));
        assert!(is_under("/app", "/"));
        assert!(!is_under("/application", "/app"));
    }

    #[test]
    fn tells_directories() {
        assert_eq!(source_dir("frontend/").as_deref(), Some("frontend"));
        assert_eq!(source_dir("./backend").as_deref(), Some("backend"));
        assert_eq!(source_dir("app.py"), None);
        assert_eq!(source_dir("Makefile"), None);
        assert_eq!(source_dir("*.json"), None);
        assert!(glob("package*.json", "package.json"));
        assert!(glob("requirements*.txt", "requirements.txt"));
        assert!(!glob("*.lock", "package.json"));
        assert!(glob("requirements[0-9].tx?", "requirements3.txt"));
        // No backtracking: many stars against a long name that does not match.
        assert!(!glob(&format!("{}b", "*a".repeat(60)), &"a".repeat(500)));
    }
}

#[cfg(test)]
mod fix_tests {
    fn lint(source: &str) -> Vec<crate::diagnostic::Diagnostic> {
        let settings = crate::Settings {
            select: Some(vec![super::META.code.to_string()]),
            ..crate::Settings::default()
        };
        crate::lint_file(source, &settings, crate::FileInfo::default())
    }

    fn fixed(source: &str) -> String {
        crate::fix::apply_fixes(source, &lint(source), &|_| true).0
    }

    #[test]
    fn moves_a_directory_copy_and_keeps_line_endings() {
        assert_eq!(
            fixed(
                "FROM node:22\r\nWORKDIR /app\r\nCOPY web/ /app\r\nRUN set -e; yarn install --frozen-lockfile\r\nCMD [\"yarn\", \"start\"]\r\n"
            ),
            "FROM node:22\r\nWORKDIR /app\r\nCOPY web/package.json web/yarn.lock* /app/\r\nRUN set -e; yarn install --frozen-lockfile\r\nCOPY web/ /app\r\nCMD [\"yarn\", \"start\"]\r\n"
        );
    }

    /// Lint and fix until nothing changes, as `check --fix` does.
    fn fixed_all(source: &str) -> String {
        let settings = crate::Settings {
            select: Some(vec![super::META.code.to_string()]),
            ..crate::Settings::default()
        };
        crate::fix::fix_file(
            source,
            &settings,
            crate::FileInfo::default(),
            crate::fix::Policy::Unsafe,
        )
        .text
    }

    #[test]
    fn splits_an_install_and_build_run() {
        // The install, the broad copy, then the build (and the prune that
        // must follow it) in a RUN of its own, with the RUN's flags.
        let runtime = "FROM node:20-slim\nCOPY --from=build /app /app\nCMD [\"npm\", \"start\"]\n";
        assert_eq!(
            fixed(&format!(
                "FROM node:20 AS build\nWORKDIR /app\nCOPY . .\nRUN --mount=type=cache,target=/root/.npm npm install --include=dev \\\n    && npm run build \\\n    && npm prune --omit=dev\n{runtime}"
            )),
            format!(
                "FROM node:20 AS build\nWORKDIR /app\nCOPY package.json package-lock.json* ./\nRUN --mount=type=cache,target=/root/.npm npm install --include=dev\nCOPY . .\nRUN --mount=type=cache,target=/root/.npm npm run build \\\n    && npm prune --omit=dev\n{runtime}"
            )
        );
        // Pipes after the installs stay in the rest.
        assert_eq!(
            fixed(
                "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build | tee build.log\n"
            ),
            "FROM node:20\nWORKDIR /app\nCOPY package.json package-lock.json* ./\nRUN npm ci\nCOPY . .\nRUN npm run build | tee build.log\n"
        );
        // Tools installed before the dependencies stay with them.
        assert_eq!(
            fixed(
                "FROM python:3.12\nWORKDIR /srv\nCOPY . .\nRUN pip install --upgrade pip && pip install -r requirements.txt && python -m compileall .\n"
            ),
            "FROM python:3.12\nWORKDIR /srv\nCOPY requirements.txt ./\nRUN pip install --upgrade pip && pip install -r requirements.txt\nCOPY . .\nRUN python -m compileall .\n"
        );
    }

    #[test]
    fn moves_installs_only_runs_with_tools_and_cd() {
        assert_eq!(
            fixed(
                "FROM python:3.12\nWORKDIR /srv\nCOPY . .\nRUN pip install --upgrade pip && pip install -r requirements.txt\nCMD [\"gunicorn\", \"wsgi:app\"]\n"
            ),
            "FROM python:3.12\nWORKDIR /srv\nCOPY requirements.txt ./\nRUN pip install --upgrade pip && pip install -r requirements.txt\nCOPY . .\nCMD [\"gunicorn\", \"wsgi:app\"]\n"
        );
        assert_eq!(
            fixed("FROM node:22\nWORKDIR /app\nCOPY . /app/\nRUN cd web && npm ci\n"),
            "FROM node:22\nWORKDIR /app\nCOPY web/package.json web/package-lock.json* /app/web/\nRUN cd web && npm ci\nCOPY . /app/\n"
        );
        // Below the copy's destination, by an option.
        assert_eq!(
            fixed("FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci --prefix web\n"),
            "FROM node:22\nWORKDIR /app\nCOPY web/package.json web/package-lock.json* ./web/\nRUN npm ci --prefix web\nCOPY . .\n"
        );
    }

    #[test]
    fn follows_an_install_in_a_subdirectory() {
        // The client's manifests are not the parent's: copied to their own
        // directory, the client's install moves before the sources too.
        let source = "FROM node:20\nWORKDIR /usr/src/app\nCOPY . .\nRUN npm ci\nRUN cd client && npm ci && npm run build\nCMD [\"npm\", \"start\"]\n";
        assert_eq!(lint(source).len(), 2);
        assert_eq!(
            fixed_all(source),
            "FROM node:20\nWORKDIR /usr/src/app\nCOPY package.json package-lock.json* ./\nRUN npm ci\nCOPY client/package.json client/package-lock.json* ./client/\nRUN cd client && npm ci\nCOPY . .\nRUN cd client && npm run build\nCMD [\"npm\", \"start\"]\n"
        );
        // The parent's manifests copied first do not count for the client.
        let parent_first = "FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nRUN cd client && npm ci\n";
        assert_eq!(lint(parent_first).len(), 1);
        // The client's, copied to its directory, do.
        let client_first = "FROM node:20\nWORKDIR /app\nCOPY client/package*.json ./client/\nCOPY . .\nRUN cd client && npm ci\n";
        assert!(lint(client_first).is_empty());
    }

    #[test]
    fn declines_runs_that_do_not_split_cleanly() {
        for source in [
            // The build first.
            "FROM node:22\nCOPY . .\nRUN npm run build && npm ci\n",
            // State the rest may need.
            "FROM node:22\nCOPY . .\nRUN export NODE_ENV=production && npm ci && npm run build\n",
            "FROM node:22\nCOPY . .\nRUN set -e && npm ci && npm run build\n",
            "FROM node:22\nCOPY . .\nRUN . ./env.sh && npm ci && npm run build\n",
            // Other lists than `&&`: a failed install is tolerated.
            "FROM node:22\nCOPY . .\nRUN npm ci; npm run build\n",
            "FROM node:22\nCOPY . .\nRUN npm ci && npm run build || true\n",
            // A subshell, a compound command.
            "FROM node:22\nCOPY . .\nRUN (npm ci && npm run build)\n",
            "FROM node:22\nCOPY . .\nRUN if true; then npm ci && npm run build; fi\n",
            // A pipe, a substitution.
            "FROM node:22\nCOPY . .\nRUN npm ci | tee log && npm run build\n",
            "FROM node:22\nCOPY . .\nRUN npm ci && npm run build -- --out \"$(cat out)\"\n",
            // An install that needs the sources.
            "FROM python:3.12\nCOPY . .\nRUN poetry install && pytest\n",
            // In a stage that ships, what the rest removes would stay in
            // the install's layer.
            "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build && npm prune --omit=dev\n",
            "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build && rm -rf node_modules/.cache\n",
        ] {
            let diags = lint(source);
            assert!(!diags.is_empty(), "{source}");
            assert!(diags.iter().all(|d| d.fix.is_none()), "{source}");
        }
    }

    #[test]
    fn leaves_what_it_cannot_move() {
        for source in [
            // A build in the same RUN, in a compound command.
            "FROM node:22\nCOPY . .\nRUN { npm ci && npm run build; }\n",
            // A WORKDIR in between.
            "FROM node:22\nCOPY . /app\nWORKDIR /app\nRUN npm ci\n",
            // The install runs outside the copy's destination.
            "FROM node:22\nWORKDIR /app\nCOPY . ./web\nRUN npm ci --prefix /srv/web && npm ci --prefix web\n",
            // A variable in the copy.
            "FROM node:22\nARG DIR=.\nCOPY $DIR .\nRUN npm ci\n",
        ] {
            assert_eq!(lint(source).len(), 1, "{source}");
            assert_eq!(fixed(source), source);
        }
    }
}
