//! A dependency install (`npm ci`, `pip install -r`...) after a `COPY` of
//! the whole build context.

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Label, Severity};
use crate::model::Base;
use crate::rules::cache::{for_each_command, is_whole_context};
use crate::rules::correctness::copy_paths;
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::shell::builds::{self, DependencyInstall};
use crate::shell::{Command, Nesting};
use crate::syntax::{Args, Instruction, Keyword, Span};

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

/// A simple wildcard match (`*`, `?`) of one path component.
fn glob(pattern: &str, name: &str) -> bool {
    fn go(p: &[char], n: &[char]) -> bool {
        match p.split_first() {
            None => n.is_empty(),
            Some(('*', rest)) => (0..=n.len()).any(|k| go(rest, &n[k..])),
            Some(('?', rest)) => !n.is_empty() && go(rest, &n[1..]),
            Some((c, rest)) => n.first() == Some(c) && go(rest, &n[1..]),
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    p.len() <= 64 && go(&p, &n)
}

fn basename(path: &str) -> &str {
    let path = path.trim_end_matches('/');
    path.rsplit('/').next().unwrap_or(path)
}

/// Whether a `COPY`/`ADD` brings a file named `manifest` on its own: a
/// source whose name matches it, or a destination with its name.
fn copies_on_its_own(inst: &Instruction, manifest: &str) -> bool {
    let paths = copy_paths(inst);
    let [sources @ .., dest] = paths.as_slice() else {
        return false;
    };
    let name = basename(manifest);
    sources.iter().any(|s| {
        let s = basename(&s.value);
        !is_whole_context(s) && (s == name || (s.contains(['*', '?']) && glob(s, name)))
    }) || (!dest.value.ends_with('/') && basename(&dest.value) == name)
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
/// (but `set`).
fn installs(cx: &Context<'_>, index: usize, cwd: Option<&str>) -> (Vec<Found>, bool) {
    let mut found = Vec::new();
    let mut only = true;
    let mut cwd: Option<Dir> = cwd.map(str::to_string);
    for_each_command(cx, index, |cmd| {
        if cmd.basename() == Some("cd") {
            only = false;
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
        if !(cmd.basename() == Some("set") && cmd.nesting == Nesting::Top) {
            only = false;
        }
    });
    (found, only)
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
            // Earlier `COPY`/`ADD`s of the stage, and the broad ones.
            let mut copies: Vec<usize> = Vec::new();
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
                        copies.push(i);
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
    copies: &[usize],
    out: &mut Vec<Diagnostic>,
) {
    let (found, only) = installs(cx, i, cwd);
    let mut fixed = false;
    for f in &found {
        let required: Vec<&String> = f
            .install
            .manifests
            .iter()
            .filter(|m| !m.ends_with('*'))
            .collect();
        let Some(first) = required.first() else {
            continue;
        };
        let path = join(&f.dir, first);
        // The first broad copy that brings the manifest.
        let Some(b) = broad.iter().find(|b| is_under(&path, &b.dest)) else {
            continue;
        };
        // Copied on their own before it (for a directory copy: anywhere
        // before the install, as the directory may not hold them at all).
        let before = |m: &str| {
            copies
                .iter()
                .filter(|&&c| c != b.index && (c < b.index || !b.dir.is_empty()))
                .any(|&c| copies_on_its_own(&cx.file.instructions[c], m))
        };
        if required.iter().all(|m| before(m)) {
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
        if !fixed && only {
            d.fix = fix(cx, i, b, &found);
            fixed = true;
        }
        out.push(d);
    }
}

/// Copy the manifests alone where the broad copy was, and move the broad
/// copy after the `RUN`.
fn fix(cx: &Context<'_>, run: usize, b: &Broad, found: &[Found]) -> Option<Fix> {
    let inst = &cx.file.instructions[run];
    let copy = &cx.file.instructions[b.index];
    if !inst.heredocs.is_empty()
        || !matches!(inst.args, Args::Text(_))
        || cx.script(run)?.error.is_some()
        || cx.text(copy.span).contains('$')
        || !copy.heredocs.is_empty()
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
    let mut manifests: Vec<String> = Vec::new();
    for f in found {
        if f.dir != b.dest || f.install.needs_sources {
            return None;
        }
        for m in &f.install.manifests {
            if m.contains('/') || m.contains('$') {
                return None;
            }
            let source = if b.dir.is_empty() {
                m.clone()
            } else {
                format!("{}/{m}", b.dir)
            };
            if !manifests.contains(&source) {
                manifests.push(source);
            }
        }
    }
    let dest = cx.text(paths[1].span);
    let dest = if dest.ends_with('/') {
        dest.to_string()
    } else {
        format!("{dest}/")
    };
    let mut line = vec!["COPY".to_string()];
    line.extend(flags);
    line.extend(manifests);
    line.push(dest);
    let newline = if cx.source[inst.span.end..].starts_with("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    Some(Fix::new(
        "Copy the manifests and install before copying the rest",
        Applicability::Unsafe,
        vec![
            Edit {
                span: copy.span,
                replacement: line.join(" "),
            },
            Edit {
                span: Span::new(inst.span.end, inst.span.end),
                replacement: format!("{newline}{}", cx.text(copy.span)),
            },
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

    #[test]
    fn leaves_what_it_cannot_move() {
        for source in [
            // A build in the same RUN.
            "FROM node:22\nCOPY . .\nRUN npm ci && npm run build\n",
            // A WORKDIR in between.
            "FROM node:22\nCOPY . /app\nWORKDIR /app\nRUN npm ci\n",
            // The install runs below the copy's destination.
            "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci --prefix web\n",
            // A variable in the copy.
            "FROM node:22\nARG DIR=.\nCOPY $DIR .\nRUN npm ci\n",
        ] {
            assert_eq!(lint(source).len(), 1, "{source}");
            assert_eq!(fixed(source), source);
        }
    }
}
