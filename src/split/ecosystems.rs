//! Per ecosystem: what the build produces, where it goes in the runtime
//! stage, what the builder must add (a virtualenv, a prune of dev
//! dependencies), and the runtime base images to choose from.

use super::analyze::{self, Cmd, Facts, Kind, dirname, is_under, join};
use super::images::{self, Retag, Runtime};
use super::tables::Distro;
use super::{Decision, DecisionKind, Declined, Ecosystem, Options};
use crate::shell::Command;
use crate::shell::packages::{self, Manager};
use crate::syntax::{Args, Keyword};

/// A copy from the builder into the runtime stage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ArtifactCopy {
    /// The path in the builder (may hold a `*`).
    pub from: String,
    /// The path in the runtime stage.
    pub to: String,
}

impl ArtifactCopy {
    /// A copy to the same path in the runtime stage.
    pub(crate) fn same(path: String) -> ArtifactCopy {
        ArtifactCopy {
            from: path.clone(),
            to: path,
        }
    }
}

/// How the runtime stage gets the application.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Layout {
    /// Only the artifacts are copied; the source directories stay behind.
    Artifacts {
        /// Directories that hold sources and build files.
        source_dirs: Vec<String>,
    },
    /// The application directory is copied whole from the builder.
    BuilderDir(String),
    /// The application's files are copied from the build context again.
    Context,
}

/// What the ecosystem decided.
#[derive(Clone, Debug)]
pub(crate) struct Plan {
    /// The ecosystem.
    pub ecosystem: Ecosystem,
    /// The last instruction that builds.
    pub build: usize,
    /// The artifacts to copy.
    pub copies: Vec<ArtifactCopy>,
    /// Runtime lines right after the copies.
    pub after_copies: Vec<String>,
    /// Builder lines after its last instruction.
    pub builder_tail: Vec<String>,
    /// Builder lines inserted before an instruction.
    pub builder_insert: Option<(usize, Vec<String>)>,
    /// Runtime base images, best first; the first that has what the
    /// program needs is taken.
    pub candidates: Vec<Runtime>,
    /// How the application reaches the runtime stage.
    pub layout: Layout,
    /// Runtime text that replaces an instruction's (the jar path of a
    /// `java -jar` command).
    pub rewrites: Vec<(usize, String)>,
    /// Directories added to `PATH` in the runtime stage.
    pub path_dirs: Vec<String>,
    /// Whether the artifact links native libraries (an unknown `-dev`
    /// package then matters).
    pub native: bool,
    /// Whether bare program names may be console scripts of the
    /// virtualenv.
    pub console_scripts: bool,
    /// What was decided.
    pub decisions: Vec<Decision>,
    /// The build context, when known (to tell which files it has).
    pub context: Option<std::path::PathBuf>,
}

impl Plan {
    fn new(ecosystem: Ecosystem, build: usize, layout: Layout) -> Plan {
        Plan {
            ecosystem,
            build,
            copies: Vec::new(),
            after_copies: Vec::new(),
            builder_tail: Vec::new(),
            builder_insert: None,
            candidates: Vec::new(),
            layout,
            rewrites: Vec::new(),
            path_dirs: Vec::new(),
            native: false,
            console_scripts: false,
            decisions: Vec::new(),
            context: None,
        }
    }

    pub(crate) fn note(&mut self, kind: DecisionKind, text: impl Into<String>) {
        self.decisions.push(Decision {
            kind,
            text: text.into(),
        });
    }

    /// Whether a runtime path comes from the artifacts.
    pub fn provides(&self, path: &str) -> bool {
        self.copies.iter().any(|c| {
            if c.to.contains('*') {
                glob_match(&c.to, path)
            } else {
                is_under(path, &c.to)
            }
        })
    }
}

/// A `*` pattern over one path (`*` does not cross `/`), as a shell (the
/// `cp` and `mv` of a build) or `COPY` reads it: [`crate::glob`]'s shell
/// flavour.
pub(crate) fn glob_match(pattern: &str, path: &str) -> bool {
    crate::glob::matches(pattern, path, crate::glob::Flavor::Shell)
}

/// A build command with where it is.
struct Step<'f, 'a> {
    run: usize,
    pos: usize,
    cmd: &'f Cmd<'a>,
    ecosystem: Ecosystem,
}

/// Find the build, decide the ecosystem and make its plan.
pub(crate) fn plan(f: &Facts<'_>, options: &Options<'_>) -> Result<Plan, Declined> {
    let mut steps = Vec::new();
    for r in &f.runs {
        for (pos, c) in r.cmds.iter().enumerate() {
            if let Kind::Build(b) = &c.kind {
                steps.push(Step {
                    run: r.index,
                    pos,
                    cmd: c,
                    ecosystem: analyze::ecosystem_of(b, &f.base),
                });
            }
        }
    }
    let mut ecosystems: Vec<Ecosystem> = Vec::new();
    for s in &steps {
        if !ecosystems.contains(&s.ecosystem) {
            ecosystems.push(s.ecosystem);
        }
    }
    // `make` next to another build drives it (or builds a helper).
    if ecosystems.len() > 1 {
        ecosystems.retain(|e| *e != Ecosystem::C);
    }
    let pips = python_installs(f);
    let ecosystem = match ecosystems.as_slice() {
        [] if !pips.is_empty() => Ecosystem::Python,
        [] => return Err(Declined::new(no_build_reason(f))),
        [e] => *e,
        many => {
            let names: Vec<&str> = many.iter().map(|e| e.as_str()).collect();
            return Err(Declined::new(format!(
                "the stage builds {} software: one runtime stage cannot be chosen for all",
                names.join(" and ")
            )));
        }
    };
    if ecosystem == Ecosystem::Python && !steps.is_empty() {
        let what: Vec<String> = steps
            .iter()
            .map(|s| format!("`{}`", step_what(s)))
            .collect();
        return Err(Declined::new(format!(
            "{} builds software next to the Python dependencies: what it installs may be needed \
             at run time",
            what.join(", ")
        )));
    }
    let steps: Vec<Step<'_, '_>> = steps
        .into_iter()
        .filter(|s| s.ecosystem == ecosystem || ecosystem == Ecosystem::Python)
        .collect();
    let plan = match ecosystem {
        Ecosystem::Go => go(f, &steps),
        Ecosystem::Rust => rust(f, &steps, options),
        Ecosystem::Node => node(f, &steps, options),
        Ecosystem::Python => python(f, &pips, options),
        Ecosystem::Java => java(f, &steps),
        Ecosystem::Dotnet => dotnet(f, &steps, options),
        Ecosystem::C => c(f, &steps, options),
        Ecosystem::Ruby | Ecosystem::Php => Err(format!(
            "{} builds are not supported by the rewrite",
            ecosystem.as_str()
        )),
    };
    plan.map(|mut p| {
        p.context = options.context.map(std::path::Path::to_path_buf);
        p
    })
    .map_err(Declined::new)
}

/// Why a stage with no build step is not split, as precisely as the file
/// tells: a dependency install that compiles nothing, a program that
/// serves or runs files copied in, or nothing recognised at all.
fn no_build_reason(f: &Facts<'_>) -> String {
    const KNOWN: &str = "go build, cargo build, npm run build, pip install -r, pip install ., \
                         mvn package, gradle build, javac, make, dotnet publish...";
    let deps: Vec<String> = f
        .runs
        .iter()
        .flat_map(|r| r.cmds.iter().map(move |c| (r, c)))
        .filter_map(|(r, c)| match &c.kind {
            Kind::Deps(d) => Some(format!(
                "`{}` (line {})",
                d.tool,
                f.inst(r.index).start_line
            )),
            _ => None,
        })
        .collect();
    // `pip install -e .`: the project runs from its sources, in place.
    if let Some((r, _)) = f
        .runs
        .iter()
        .flat_map(|r| r.cmds.iter().map(move |c| (r, c)))
        .find(|(_, c)| {
            packages::manager(c.cmd).is_some_and(|(m, _)| m == Manager::Pip)
                && c.cmd
                    .arg_values()
                    .any(|a| a == "-e" || a == "--editable" || a.starts_with("--editable="))
        })
    {
        return format!(
            "`pip install -e` (line {}) installs the project editable: it runs from its \
             sources where they are, so there is no installed artifact to move (`pip install .` \
             would make one)",
            f.inst(r.index).start_line
        );
    }
    if !deps.is_empty() {
        return format!(
            "no build step: {} install{} dependencies, and nothing compiles or bundles the \
             application ({KNOWN}); the rewrite moves what a build makes, not an install (when \
             no dependency compiles native code, the slim variant of `{}` may run the same \
             install itself)",
            deps.join(", "),
            if deps.len() == 1 { "s" } else { "" },
            f.base.written
        );
    }
    // `RUN python3 build.py`: a script whose outputs cannot be told.
    let scripts: Vec<String> = f
        .runs
        .iter()
        .flat_map(|r| r.cmds.iter().map(move |c| (r, c)))
        .filter_map(|(r, c)| {
            let name = c.cmd.basename()?;
            let interpreter = name.starts_with("python")
                || matches!(name, "node" | "sh" | "bash" | "ruby" | "perl" | "php");
            let script = c.cmd.args.iter().find(|w| !w.value.starts_with('-'))?;
            let is_file = [".py", ".js", ".mjs", ".sh", ".rb", ".pl", ".php"]
                .iter()
                .any(|e| script.value.ends_with(e));
            (interpreter && is_file).then(|| {
                format!(
                    "`{name} {}` (line {})",
                    script.value,
                    f.inst(r.index).start_line
                )
            })
        })
        .collect();
    if !scripts.is_empty() {
        return format!(
            "no build step the rewrite knows ({KNOWN}): {} may build something, but what it \
             writes and what the program needs from the builder cannot be told",
            scripts.join(", ")
        );
    }
    if f.base.family == "nginx" || f.base.family == "httpd" || f.base.family == "caddy" {
        return format!(
            "no build step: the image serves files copied into `{}`, and nothing is compiled \
             ({KNOWN}); the web server is the runtime, so there is no builder to leave behind",
            f.base.written
        );
    }
    format!("no build step found ({KNOWN}): nothing to split")
}

/// A build whose output may not be there (`cmd || true`, an `if` body):
/// a `COPY` of it would fail when it is not.
fn conditional(f: &Facts<'_>, s: &Step<'_, '_>) -> Result<(), String> {
    if s.cmd.cmd.condition || s.cmd.cmd.nesting != crate::shell::Nesting::Top {
        return Err(format!(
            "`{}` (line {}) builds only under a condition: a copy of its output would fail when \
             it is not built",
            step_what(s),
            f.inst(s.run).start_line
        ));
    }
    Ok(())
}

fn step_what(s: &Step<'_, '_>) -> String {
    match &s.cmd.kind {
        Kind::Build(b) => b.what.clone(),
        _ => String::new(),
    }
}

/// The entry program: the first word of the last `ENTRYPOINT` (or of the
/// last `CMD` when there is none), resolved against the working directory
/// when it is a path.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    /// The instruction.
    pub index: usize,
    /// The program as written.
    pub program: String,
    /// The absolute path, when the program is written as a path.
    pub path: Option<String>,
}

/// The last instruction of a keyword in the stage.
pub(crate) fn last_of(f: &Facts<'_>, keyword: Keyword) -> Option<usize> {
    f.insts
        .iter()
        .rev()
        .copied()
        .find(|&i| f.inst(i).keyword == keyword)
}

/// The entry program (see [`Entry`]).
pub(crate) fn entry(f: &Facts<'_>) -> Option<Entry> {
    let index = last_of(f, Keyword::Entrypoint).or_else(|| last_of(f, Keyword::Cmd))?;
    let inst = f.inst(index);
    let program = match &inst.args {
        Args::Exec(words) => {
            let first = words.first()?.value.to_string();
            // `sh -c "exec /app"`: the program of the script.
            if crate::shell::is_shell_program(&first)
                && words.get(1).is_some_and(|w| w.value == "-c")
            {
                let script = crate::shell::parse(
                    &words.get(2)?.value,
                    crate::shell::Origin::File { offset: 0 },
                );
                script_program(&script)?
            } else {
                first
            }
        }
        Args::Text(_) => {
            let script = f.input.scripts[index].first()?;
            script_program(script)?
        }
        _ => return None,
    };
    let path = if program.contains('/') {
        f.cwd[index].as_deref().map(|d| join(d, &program))
    } else {
        None
    };
    Some(Entry {
        index,
        program,
        path,
    })
}

/// The first program of a script (after `exec`).
fn script_program(script: &crate::shell::Script) -> Option<String> {
    let c = script.commands.iter().find(|c| c.name.is_some())?;
    let name = c.name.as_ref()?;
    if name.value == "exec" {
        let w = c.args.iter().find(|w| !w.value.starts_with('-'))?;
        return w.literal.then(|| w.value.to_string());
    }
    name.literal.then(|| name.value.to_string())
}

/// The operands of a command (arguments that are not options), skipping
/// the values of the options listed.
fn operands<'c>(cmd: &'c Command, with_value: &[&str]) -> Vec<&'c crate::shell::Word> {
    let mut out = Vec::new();
    let mut skip = false;
    let mut rest = false;
    for w in &cmd.args {
        if skip {
            skip = false;
            continue;
        }
        let v = w.value.as_str();
        if rest || !v.starts_with('-') || v == "-" {
            out.push(w);
        } else if v == "--" {
            rest = true;
        } else if with_value.contains(&v) {
            skip = true;
        }
    }
    out
}

/// Directories where a file moved "into" is meant, even without a
/// trailing `/`.
const PATH_DIRS: &[&str] = &[
    "/usr/local/sbin",
    "/usr/local/bin",
    "/usr/sbin",
    "/usr/bin",
    "/sbin",
    "/bin",
];

/// Where the files at `start` end up after the `mv`/`cp`/`install`
/// commands that follow the command at (`run`, `pos`): `mv` replaces a
/// location, `cp` and `install` add one.
fn follow(f: &Facts<'_>, start: Vec<String>, run: usize, pos: usize) -> Vec<String> {
    let mut at = start;
    let dirs: Vec<String> = f
        .insts
        .iter()
        .filter(|&&i| f.inst(i).keyword == Keyword::Workdir)
        .filter_map(|&i| f.cwd.get(i + 1).cloned().flatten())
        .collect();
    for r in f.runs.iter().filter(|r| r.index >= run) {
        for (p, c) in r.cmds.iter().enumerate() {
            if r.index == run && p <= pos {
                continue;
            }
            if !matches!(c.kind, Kind::Move) {
                continue;
            }
            let Some(cwd) = c.cwd.as_deref() else {
                continue;
            };
            let name = c.cmd.basename().unwrap_or("");
            let ops = operands(
                c.cmd,
                &["-m", "--mode", "-o", "--owner", "-g", "--group", "-t"],
            );
            let values: Vec<String> = ops
                .iter()
                .filter_map(|w| word_value(f, r.index, w))
                .collect();
            if ops.len() < 2 || values.len() != ops.len() {
                continue;
            }
            let (dst_raw, srcs) = values.split_last().expect("two operands");
            let dst_raw = dst_raw.as_str();
            let dst = join(cwd, dst_raw);
            let into_dir = dst_raw.ends_with('/')
                || ops.len() > 2
                || PATH_DIRS.contains(&dst.as_str())
                || dirs.contains(&dst);
            let mut moved = Vec::new();
            for s in srcs {
                let src = join(cwd, s);
                for loc in &at {
                    if *loc == src || (src.contains('*') && glob_match(&src, loc)) {
                        let target = if into_dir {
                            join(&dst, crate::shell::basename(loc))
                        } else {
                            dst.clone()
                        };
                        moved.push((loc.clone(), target));
                    }
                }
            }
            for (from, to) in moved {
                if name == "mv" {
                    at.retain(|l| *l != from);
                }
                if !at.contains(&to) {
                    at.push(to);
                }
            }
        }
    }
    at
}

/// A shell word's value: as written when literal, else expanded with the
/// stage's `ENV`/`ARG`s when it names only those (a `RUN` sees them as
/// environment variables).
fn word_value(f: &Facts<'_>, run: usize, w: &crate::shell::Word) -> Option<String> {
    if w.literal {
        return Some(w.value.to_string());
    }
    if w.value.contains("$(") || w.value.contains('`') {
        return None;
    }
    f.expand(&w.value, run).filter(|v| !v.contains('$'))
}

/// [`pick`] for each artifact (its locations are a group), in order,
/// without repeats.
fn pick_each(groups: &[Vec<String>], entry: Option<&Entry>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for g in groups {
        for l in pick(g.clone(), entry) {
            if !out.contains(&l) {
                out.push(l);
            }
        }
    }
    out
}

/// Choose which of the artifact's locations to copy: the one the entry
/// program names, else all.
fn pick(locations: Vec<String>, entry: Option<&Entry>) -> Vec<String> {
    if let Some(p) = entry.and_then(|e| e.path.as_deref())
        && locations.iter().any(|l| l == p)
    {
        return vec![p.to_string()];
    }
    if let Some(e) = entry
        && e.path.is_none()
    {
        let on_path: Vec<String> = locations
            .iter()
            .filter(|l| crate::shell::basename(l) == e.program && PATH_DIRS.contains(&dirname(l)))
            .cloned()
            .collect();
        if !on_path.is_empty() {
            return on_path;
        }
    }
    locations
}

/// The value of a variable for a command: its own assignment, an `export`
/// before it in the script, else the stage's `ENV`/`ARG`.
fn var_for(f: &Facts<'_>, run: usize, c: &Cmd<'_>, name: &str) -> Option<String> {
    if let Some((_, w)) = c.cmd.assignments.iter().find(|(k, _)| k == name) {
        return Some(w.value.to_string());
    }
    if let Some((_, v)) = c.exported.iter().rev().find(|(k, _)| k == name) {
        return Some(v.clone());
    }
    f.var(name, run)
}

/// An option's literal value, expanded with the stage's variables when it
/// names some.
fn option_path(f: &Facts<'_>, run: usize, cmd: &Command, names: &[&str]) -> Option<String> {
    let w = cmd.option_value(names)?;
    let v = cmd.option_str(names)?;
    if w.literal {
        return Some(v.to_string());
    }
    // `-o /out/$NAME`: only the stage's variables can be known.
    f.expand(v, run).filter(|e| !e.contains('$'))
}

fn go(f: &Facts<'_>, steps: &[Step<'_, '_>]) -> Result<Plan, String> {
    let build = steps.last().map(|s| s.run).ok_or("no go build")?;
    let entry = entry(f);
    let mut outputs = Vec::new();
    let mut unknown = Vec::new();
    let mut static_all = true;
    for s in steps {
        let is_go = s.cmd.cmd.basename() == Some("go");
        if !is_go {
            unknown.push(format!(
                "`{}` (line {})",
                step_what(s),
                f.inst(s.run).start_line
            ));
            static_all = false;
            continue;
        }
        if var_for(f, s.run, s.cmd, "CGO_ENABLED").as_deref() != Some("0") {
            static_all = false;
        }
        conditional(f, s)?;
        match (
            option_path(f, s.run, s.cmd.cmd, &["-o"]),
            s.cmd.cwd.as_deref(),
        ) {
            (Some(o), _) if o.ends_with('/') => unknown.push(format!(
                "`go build -o {o}` (line {}) writes into a directory",
                f.inst(s.run).start_line
            )),
            (Some(o), _) if o.starts_with('/') => {
                outputs.push((join("/", &o), s.run, s.pos));
            }
            (Some(o), Some(cwd)) => outputs.push((join(cwd, &o), s.run, s.pos)),
            (Some(o), None) => unknown.push(format!(
                "`go build -o {o}` (line {}) runs in an unknown directory",
                f.inst(s.run).start_line
            )),
            (None, _) => unknown.push(format!(
                "`go build` without -o (line {})",
                f.inst(s.run).start_line
            )),
        }
    }
    let groups: Vec<Vec<String>> = outputs
        .iter()
        .map(|(o, run, pos)| follow(f, vec![o.clone()], *run, *pos))
        .collect();
    let mut locations: Vec<String> = groups.iter().flatten().cloned().collect();
    locations.dedup();
    let mut plan = Plan::new(
        Ecosystem::Go,
        build,
        Layout::Artifacts {
            source_dirs: source_dirs(f),
        },
    );
    if !unknown.is_empty() {
        let named = entry
            .as_ref()
            .and_then(|e| e.path.clone())
            .filter(|p| !locations.contains(p));
        match named {
            Some(p) if outputs.is_empty() => {
                plan.note(
                    DecisionKind::Artifact,
                    format!(
                        "{} names no output; the binary is taken to be {p}, which the {} runs",
                        unknown.join(", "),
                        f.inst(entry.as_ref().expect("named").index).keyword
                    ),
                );
                locations.push(p);
            }
            _ => {
                return Err(format!(
                    "artifact unknown: {}, and ENTRYPOINT/CMD names no binary path",
                    unknown.join(", ")
                ));
            }
        }
    }
    let mut chosen = pick_each(&groups, entry.as_ref());
    for l in &locations {
        if !groups.iter().flatten().any(|g| g == l) && !chosen.contains(l) {
            chosen.push(l.clone()); // named by the entry program
        }
    }
    for l in &chosen {
        plan.copies.push(ArtifactCopy::same(l.clone()));
    }
    plan.note(
        DecisionKind::Artifact,
        format!(
            "the Go binar{} {}",
            if chosen.len() > 1 { "ies" } else { "y" },
            list(&chosen)
        ),
    );
    let mut notes = Vec::new();
    if static_all {
        if let Some(tag) = distroless_tag(f, &mut plan) {
            plan.candidates.extend(with_busybox(
                f,
                Runtime::distroless(
                    &format!("gcr.io/distroless/static-debian12:{tag}"),
                    "the binary is static (CGO_ENABLED=0): distroless static has CA certificates \
                     and tzdata, and no shell"
                        .to_string(),
                ),
            ));
        }
        let mut shell = match images::glibc_slim(&f.base, &mut notes) {
            Ok(r) => r,
            Err(_) => {
                let n = images::CURRENT_DEBIAN;
                Runtime::system(format!("debian:{n}-slim"), Distro::Debian, String::new())
            }
        };
        shell.why = format!(
            "the binary is static (CGO_ENABLED=0), but needs a shell; {} with CA certificates \
             and tzdata",
            shell.image
        );
        plan.candidates.extend(fetch_tool_runtime(f, &shell));
        plan.candidates.push(with_certs(shell, &f.base));
    } else {
        let mut r = images::glibc_slim(&f.base, &mut notes)?;
        r.why = format!("the binary links the C library (cgo is on): {}", r.why);
        plan.native = true;
        plan.candidates.extend(fetch_tool_runtime(f, &r));
        plan.candidates.push(with_certs(r, &f.base));
    }
    for n in notes {
        plan.note(DecisionKind::Assumed, n);
    }
    Ok(plan)
}

/// Builder families built on `buildpack-deps:<release>-scm`, which has
/// curl and wget.
const ON_BUILDPACK_DEPS: &[&str] = &["golang", "rust", "gcc", "buildpack-deps"];

/// `curl` or `wget` that the `HEALTHCHECK`, `ENTRYPOINT` or `CMD` runs,
/// when the Dockerfile does not install it itself (the runtime then
/// repeats that install).
fn fetch_tool(f: &Facts<'_>) -> Option<(&'static str, Keyword)> {
    let installed = |tool: &str| {
        f.runs
            .iter()
            .flat_map(|r| &r.cmds)
            .filter_map(|c| packages::install(c.cmd))
            .any(|i| {
                i.packages
                    .iter()
                    .any(|p| super::tables::bare_name(p.name) == tool)
            })
    };
    fetch_tools_run(f)
        .into_iter()
        .find(|(tool, _)| !installed(tool))
}

/// Every `curl` and `wget` that the last `HEALTHCHECK`, `ENTRYPOINT` and
/// `CMD` run (as a command of their shell script, or the program of their
/// exec form), in that order.
pub(crate) fn fetch_tools_run(f: &Facts<'_>) -> Vec<(&'static str, Keyword)> {
    let mut out = Vec::new();
    for k in [Keyword::Healthcheck, Keyword::Entrypoint, Keyword::Cmd] {
        let Some(i) = last_of(f, k) else { continue };
        let args = match &f.inst(i).args {
            Args::Healthcheck { command, .. } => command.as_ref(),
            a => a,
        };
        let programs: Vec<String> = match args {
            Args::Exec(w) if w.len() >= 3 && crate::shell::is_shell_program(&w[0].value) => {
                crate::shell::parse(&w[2].value, crate::shell::Origin::File { offset: 0 })
                    .commands
                    .iter()
                    .filter_map(|c| c.name.as_ref().map(|n| n.value.to_string()))
                    .collect()
            }
            Args::Exec(w) => w.first().map(|w| w.value.to_string()).into_iter().collect(),
            Args::Text(t) => {
                crate::shell::parse(&t.value, crate::shell::Origin::File { offset: 0 })
                    .commands
                    .iter()
                    .filter_map(|c| c.name.as_ref().map(|n| n.value.to_string()))
                    .collect()
            }
            _ => Vec::new(),
        };
        for tool in ["curl", "wget"] {
            if programs.iter().any(|p| crate::shell::basename(p) == tool) {
                out.push((tool, k));
            }
        }
    }
    out
}

/// The code name `buildpack-deps` tags the release of a `debian:<release>-slim`
/// image with (`debian:13-slim` -> `trixie`; buildpack-deps has no numeric
/// tags such as `13-curl`).
pub(crate) fn buildpack_deps_release(slim_image: &str) -> Option<String> {
    let release = slim_image.strip_prefix("debian:")?.strip_suffix("-slim")?;
    match release.parse::<u32>() {
        Ok(n) => images::codename(n).map(str::to_string),
        Err(_) if release.chars().all(|c| c.is_ascii_alphabetic()) => Some(release.to_string()),
        Err(_) => None,
    }
}

/// When the `HEALTHCHECK` (or the command) runs curl or wget, which a
/// builder on buildpack-deps has and a slim image lacks: the slim
/// image's release of `buildpack-deps:<release>-curl` (curl, wget and CA
/// certificates on the full Debian image), instead of an install of the
/// tool in the runtime stage, which would be unpinned (`apt-get-unpinned`)
/// where the original installed nothing.
fn fetch_tool_runtime(f: &Facts<'_>, slim: &Runtime) -> Option<Runtime> {
    if !ON_BUILDPACK_DEPS.contains(&f.base.family.as_str()) || f.base.is_alpine() {
        return None;
    }
    let (tool, k) = fetch_tool(f)?;
    let release = buildpack_deps_release(&slim.image)?;
    let image = format!("buildpack-deps:{release}-curl");
    let what = if k == Keyword::Healthcheck {
        "HEALTHCHECK".to_string()
    } else {
        k.to_string()
    };
    let mut r = Runtime::system(
        image,
        Distro::Debian,
        format!(
            "the {what} runs `{tool}`, which the builder (`{}`, built on buildpack-deps) has: \
             buildpack-deps:{release}-curl is Debian {release} with curl, wget and CA \
             certificates, where {} would install {tool} unpinned",
            f.base.written, slim.image
        ),
    );
    r.programs = vec!["curl".into(), "wget".into()];
    r.has_packages
        .extend(["curl", "wget", "ca-certificates", "netbase", "gnupg"]);
    Some(r)
}

/// The tag of a distroless runtime image, or `None` when distroless does
/// not fit the program's user. Distroless publishes `latest` (root),
/// `nonroot` (user 65532) and their `debug` variants, which add a BusyBox
/// shell and set it as the `ENTRYPOINT`; there are no release tags. An
/// untagged image is `untagged-base-image`'s finding and `latest` is
/// `latest-base-image-tag`'s, so the rewrite uses `nonroot`, which neither
/// reports: when the program runs as a user of its own (the last `USER` is
/// not root, and the runtime stage keeps it), or when it runs as root but
/// nothing in the file needs root (no `EXPOSE` of a port below 1024, no
/// `VOLUME`, no `USER root`), then with that assumption recorded. Otherwise
/// (a program that needs root) there is no distroless candidate, and the
/// next one (a slim system image, which runs as root) is taken.
fn distroless_tag(f: &Facts<'_>, plan: &mut Plan) -> Option<&'static str> {
    let mut user: Option<String> = None;
    let mut root_only: Vec<String> = Vec::new();
    for &i in &f.insts {
        let inst = f.inst(i);
        let line = inst.start_line;
        match (&inst.keyword, &inst.args) {
            (Keyword::User, Args::Text(w)) => {
                user = Some(f.expand(&w.value, i).unwrap_or_else(|| w.value.to_string()));
            }
            (Keyword::Volume, _) => root_only.push(format!("VOLUME (line {line})")),
            (Keyword::Expose, Args::Words(words)) => {
                for w in words {
                    let port: String = w.value.chars().take_while(char::is_ascii_digit).collect();
                    if port.parse::<u32>().is_ok_and(|p| p < 1024) {
                        root_only.push(format!("EXPOSE {} (line {line})", w.value));
                    }
                }
            }
            _ => {}
        }
    }
    let name = user.as_deref().map(|u| u.split(':').next().unwrap_or(u));
    match name {
        Some(u) if u != "root" && u != "0" && !u.is_empty() => Some("nonroot"),
        Some(_) => {
            plan.note(
                DecisionKind::Runtime,
                "not distroless: the program runs as root (USER root), and distroless's only \
                 tag for root is `latest`",
            );
            None
        }
        None if root_only.is_empty() => {
            plan.note(
                DecisionKind::Assumed,
                "the program runs as distroless's `nonroot` user (65532), not root: nothing in \
                 the file needs root (no port below 1024, no VOLUME); a program that writes \
                 outside /tmp needs a USER that owns where it writes",
            );
            Some("nonroot")
        }
        None => {
            plan.note(
                DecisionKind::Runtime,
                format!(
                    "not distroless: the program runs as root and may need it ({}), and \
                     distroless's only tag for root is `latest`",
                    root_only.join(", ")
                ),
            );
            None
        }
    }
}

/// A distroless candidate and, when the file has a `HEALTHCHECK` (not
/// `NONE`), its `debug` variant after it: a HEALTHCHECK needs a shell
/// (shell form) or a program (`wget`) that distroless lacks, and the
/// `debug` variant has BusyBox's (at `/busybox`, no `/bin/sh`). Whether
/// the HEALTHCHECK's programs and options are BusyBox's, and the
/// rewrite of a shell-form HEALTHCHECK to an exec form through
/// `/busybox/sh`, are decided where the runtime is fitted
/// (`needs::fit`). Without a HEALTHCHECK the variant would never be
/// chosen over the image it extends.
fn with_busybox(f: &Facts<'_>, r: Runtime) -> Vec<Runtime> {
    let health = last_of(f, Keyword::Healthcheck).filter(|&i| {
        matches!(&f.inst(i).args, Args::Healthcheck { kind, .. }
            if kind.value.eq_ignore_ascii_case("cmd"))
    });
    let debug = health.and_then(|i| {
        r.busybox_variant(&format!(
            "the HEALTHCHECK (line {}) runs through BusyBox",
            f.inst(i).start_line
        ))
    });
    let mut out = vec![r];
    out.extend(debug);
    out
}

/// A runtime with the CA certificates of the builder, as the distroless
/// images have them: the bundle is copied from the builder (a file, no
/// package install: an install here would be unpinned, and pinning a
/// version the archive drops later would break the build), when the
/// builder image is one known to have it (the official Go, Rust, Python
/// and Node.js images but Node's slim ones, buildpack-deps). A builder
/// not known to have it gets nothing: the original image had none either.
fn with_certs(mut r: Runtime, b: &images::BuilderImage) -> Runtime {
    let slim = b.tag.split('-').any(|w| w == "slim");
    let has_certs = match b.family.as_str() {
        "golang" | "rust" | "python" | "buildpack-deps" => true,
        "node" => !slim && !b.is_alpine(),
        _ => false,
    };
    if r.distro.is_some() && has_certs {
        r.builder_files = vec![CA_BUNDLE];
        r.install_why = format!("the CA certificates, which {} has", b.written);
    }
    r
}

/// Adds `gcr.io/distroless/cc-debianN` (glibc, libgcc, libstdc++, OpenSSL)
/// of the builder's Debian release to the candidates, followed by its
/// BusyBox variant where a `HEALTHCHECK` needs it ([`with_busybox`]);
/// nothing when the builder is not Debian with glibc or distroless does not
/// fit the program's user. `why` says what the program links; the
/// release's reason follows it.
fn push_distroless_cc(f: &Facts<'_>, plan: &mut Plan, why: &str) {
    let images::Libc::Glibc(Distro::Debian, release) = f.base.libc() else {
        return;
    };
    let Some(tag) = distroless_tag(f, plan) else {
        return;
    };
    let (n, release_why) = images::debian_for(&f.base, release);
    let mut cc = Runtime::distroless(
        &format!("gcr.io/distroless/cc-debian{n}:{tag}"),
        format!("{why}, and no shell ({release_why})"),
    );
    cc.has_packages
        .extend(["libssl3", "libgcc-s1", "libstdc++6", "libc6", "openssl"]);
    plan.candidates.extend(with_busybox(f, cc));
}

/// Where Debian and Alpine keep the CA certificate bundle.
pub(crate) const CA_BUNDLE: &str = "/etc/ssl/certs/ca-certificates.crt";

/// The directories that hold sources and build files: every `WORKDIR`
/// and the directory of every build command (not `/`).
pub(crate) fn source_dirs(f: &Facts<'_>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |d: &str| {
        if d != "/" && !out.iter().any(|o| o == d) {
            out.push(d.to_string());
        }
    };
    for &i in &f.insts {
        if f.inst(i).keyword == Keyword::Workdir
            && let Some(Some(d)) = f.cwd.get(i + 1)
        {
            add(d);
        }
        if f.inst(i).keyword == Keyword::Workdir
            && let Args::Text(w) = &f.inst(i).args
            && let Some(v) = f.expand(&w.value, i)
        {
            let d = match f.cwd[i].as_deref() {
                Some(c) => join(c, &v),
                None if v.starts_with('/') => join("/", &v),
                None => continue,
            };
            add(&d);
        }
    }
    for r in &f.runs {
        for c in &r.cmds {
            if matches!(c.kind, Kind::Build(_) | Kind::Deps(_))
                && let Some(d) = &c.cwd
            {
                add(d);
            }
        }
    }
    out
}

fn list(paths: &[String]) -> String {
    paths.join(", ")
}

fn rust(f: &Facts<'_>, steps: &[Step<'_, '_>], options: &Options<'_>) -> Result<Plan, String> {
    let build = steps.last().map(|s| s.run).ok_or("no cargo build")?;
    let entry = entry(f);
    let mut plan = Plan::new(
        Ecosystem::Rust,
        build,
        Layout::Artifacts {
            source_dirs: source_dirs(f),
        },
    );
    let mut groups: Vec<Vec<String>> = Vec::new();
    for s in steps {
        let cmd = s.cmd.cmd;
        if cmd.basename() != Some("cargo") {
            return Err(format!(
                "artifact unknown: `{}` (line {}) builds with another tool than cargo",
                step_what(s),
                f.inst(s.run).start_line
            ));
        }
        let Some(cwd) = s.cmd.cwd.as_deref() else {
            return Err(format!(
                "artifact unknown: cargo runs in an unknown directory (line {})",
                f.inst(s.run).start_line
            ));
        };
        let mut names = all_option_values(cmd, "--bin");
        let install = cmd.args.first().is_some_and(|w| w.value == "install");
        let out_dir = if install {
            let root = option_path(f, s.run, cmd, &["--root"])
                .or_else(|| var_for(f, s.run, s.cmd, "CARGO_INSTALL_ROOT"))
                .or_else(|| var_for(f, s.run, s.cmd, "CARGO_HOME"))
                .or_else(|| {
                    Some(if f.base.family == "rust" {
                        "/usr/local/cargo".to_string()
                    } else {
                        "/root/.cargo".to_string()
                    })
                })
                .expect("a default");
            join(&join(cwd, &root), "bin")
        } else {
            let profile = if let Some(p) = option_path(f, s.run, cmd, &["--profile"]) {
                if p == "dev" { "debug".to_string() } else { p }
            } else if cmd.has_flag('r', "release") {
                "release".to_string()
            } else {
                "debug".to_string()
            };
            let target_dir = option_path(f, s.run, cmd, &["--target-dir"])
                .or_else(|| var_for(f, s.run, s.cmd, "CARGO_TARGET_DIR"))
                .map(|d| join(cwd, &d))
                .unwrap_or_else(|| {
                    let root = option_path(f, s.run, cmd, &["--manifest-path"])
                        .map(|m| dirname(&join(cwd, &m)).to_string())
                        .unwrap_or_else(|| cwd.to_string());
                    join(&root, "target")
                });
            let mut dir = target_dir;
            if let Some(t) = option_path(f, s.run, cmd, &["--target"]) {
                dir = join(&dir, &t);
            }
            join(&dir, &profile)
        };
        if names.is_empty() {
            names = rust_names(f, entry.as_ref(), &out_dir, options, &mut plan)?;
        }
        for n in &names {
            groups.push(follow(f, vec![join(&out_dir, n)], s.run, s.pos));
        }
    }
    let chosen = pick_each(&groups, entry.as_ref());
    for l in &chosen {
        let to = if l.contains("/target/") || l.contains("/cargo/bin/") {
            // Keep the path the entry program names; otherwise put the
            // binary on PATH.
            match entry.as_ref().and_then(|e| e.path.clone()) {
                Some(p) if p == *l => l.clone(),
                _ if l.contains("/cargo/bin/") || l.contains("/.cargo/bin/") => {
                    join("/usr/local/bin", crate::shell::basename(l))
                }
                _ => l.clone(),
            }
        } else {
            l.clone()
        };
        plan.copies.push(ArtifactCopy {
            from: l.clone(),
            to,
        });
    }
    plan.note(
        DecisionKind::Artifact,
        format!("the Rust binary {}", list(&chosen)),
    );
    let mut notes = Vec::new();
    plan.native = true;
    let shell = images::glibc_slim(&f.base, &mut notes)?;
    push_distroless_cc(
        f,
        &mut plan,
        "the binary links glibc and libgcc: distroless cc has them",
    );
    let mut shell = shell;
    shell.why = format!("the binary needs a shell or packages: {}", shell.why);
    plan.candidates.extend(fetch_tool_runtime(f, &shell));
    plan.candidates.push(shell);
    for n in notes {
        plan.note(DecisionKind::Assumed, n);
    }
    Ok(plan)
}

/// Every value of a repeatable option (`--bin a --bin b`).
fn all_option_values(cmd: &Command, name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut it = cmd.args.iter();
    while let Some(w) = it.next() {
        if w.value == name {
            if let Some(v) = it.next().filter(|v| v.literal) {
                out.push(v.value.to_string());
            }
        } else if let Some(v) = w.value.strip_prefix(&format!("{name}="))
            && w.literal
        {
            out.push(v.to_string());
        }
    }
    out
}

/// The binary names of a cargo build without `--bin`: `Cargo.toml` in the
/// build context when given, else the entry program's name when the entry
/// runs the build's output (or a bare name).
fn rust_names(
    f: &Facts<'_>,
    entry: Option<&Entry>,
    out_dir: &str,
    options: &Options<'_>,
    plan: &mut Plan,
) -> Result<Vec<String>, String> {
    let entry_name = entry
        .filter(|e| !crate::shell::is_shell_program(&e.program))
        .filter(|e| match e.path.as_deref() {
            None => true,
            Some(p) => is_under(p, out_dir) || PATH_DIRS.contains(&dirname(p)),
        })
        .map(|e| (crate::shell::basename(&e.program).to_string(), e.index));
    match cargo_names(options) {
        Some(Ok(names)) => {
            let names = match &entry_name {
                Some((n, _)) if names.len() > 1 && names.contains(n) => vec![n.clone()],
                _ => names,
            };
            plan.note(
                DecisionKind::Artifact,
                format!(
                    "the binary's name {} is read from Cargo.toml",
                    names.join(", ")
                ),
            );
            return Ok(names);
        }
        Some(Err(e)) if entry_name.is_none() => return Err(format!("artifact unknown: {e}")),
        _ => {}
    }
    match entry_name {
        Some((name, at)) => {
            plan.note(
                DecisionKind::Artifact,
                format!(
                    "the binary's name `{name}` is taken from the {}",
                    f.inst(at).keyword
                ),
            );
            Ok(vec![name])
        }
        None => Err(
            "artifact unknown: cargo builds without --bin, ENTRYPOINT/CMD names no binary, and no \
             Cargo.toml was given (pass the build context)"
                .to_string(),
        ),
    }
}

/// The binaries `Cargo.toml` in the context declares: `None` without a
/// context or file.
fn cargo_names(options: &Options<'_>) -> Option<Result<Vec<String>, String>> {
    let path = options.context?.join("Cargo.toml");
    let text = std::fs::read_to_string(&path).ok()?;
    let table: toml::Table = match text.parse() {
        Ok(t) => t,
        Err(e) => return Some(Err(format!("Cargo.toml cannot be read: {e}"))),
    };
    let bins: Vec<String> = table
        .get("bin")
        .and_then(|b| b.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|b| b.get("name").and_then(|n| n.as_str()).map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    if !bins.is_empty() {
        return Some(Ok(bins));
    }
    match table
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str())
    {
        Some(n) => Some(Ok(vec![n.to_string()])),
        None if table.contains_key("workspace") => Some(Err(
            "Cargo.toml is a workspace: which member's binary ships is not known (use --bin)"
                .to_string(),
        )),
        None => Some(Err("Cargo.toml names no package".to_string())),
    }
}

fn node(f: &Facts<'_>, steps: &[Step<'_, '_>], options: &Options<'_>) -> Result<Plan, String> {
    let build_step = steps.last().ok_or("no node build")?;
    let build = build_step.run;
    if f.base.family != "node" {
        return Err(format!(
            "the builder `{}` is not a node image: which Node.js the runtime needs is not known",
            f.base.written
        ));
    }
    let Some(w) = build_step.cmd.cwd.clone().filter(|w| w != "/") else {
        return Err(
            "the build runs in / or an unknown directory: which directory holds the application \
             is not known (set a WORKDIR)"
                .to_string(),
        );
    };
    // The start command runs in the working directory of the ENTRYPOINT or
    // CMD: the runtime needs that whole directory (its package.json, the
    // server file, node_modules), not only the subdirectory the build ran in
    // (`RUN cd client && npm run build`).
    let start = entry(f);
    // Whether the start command depends on its directory: a package
    // manager reads package.json there, a relative path is resolved there.
    let reads_cwd = start.as_ref().is_some_and(|e| {
        let words: Vec<String> = match &f.inst(e.index).args {
            Args::Exec(words) => words.iter().map(|w| w.value.to_string()).collect(),
            Args::Text(w) => w.value.split_whitespace().map(str::to_string).collect(),
            _ => Vec::new(),
        };
        matches!(
            crate::shell::basename(&e.program),
            "npm" | "npx" | "yarn" | "pnpm" | "sh" | "bash"
        ) || words
            .iter()
            .skip(1)
            .any(|w| !w.starts_with('-') && !w.starts_with('/') && w.contains(['.', '/']))
    });
    let w = match start.and_then(|e| f.cwd.get(e.index).cloned().flatten()) {
        Some(run_dir) if run_dir != w && is_under(&w, &run_dir) => {
            if run_dir == "/" {
                return Err(format!(
                    "the build runs in {w}, but the start command runs in /: which files the \
                     application needs is not known (set a WORKDIR)"
                ));
            }
            run_dir
        }
        Some(run_dir) if !is_under(&run_dir, &w) && reads_cwd => {
            return Err(format!(
                "the build runs in {w}, but the start command runs in {run_dir}: which files \
                 the application needs there is not known"
            ));
        }
        _ => w,
    };
    // The dependency install before the build, and a prune after it.
    let mut install = None;
    let mut pruned = false;
    for r in &f.runs {
        for c in &r.cmds {
            let before = r.index < build || (r.index == build && install.is_none());
            match &c.kind {
                Kind::Deps(d) if d.ecosystem == Ecosystem::Node && before && r.index <= build => {
                    install = Some((d.clone(), c.cmd.basename().unwrap_or("npm").to_string()));
                }
                Kind::Deps(d) if d.ecosystem == Ecosystem::Node && r.index > build && !d.dev => {
                    pruned = true;
                }
                _ if r.index >= build
                    && matches!(c.cmd.basename(), Some("npm" | "pnpm"))
                    && c.cmd.args.first().is_some_and(|a| a.value == "prune") =>
                {
                    pruned = true;
                }
                _ if c.cmd.basename() == Some("yarn")
                    && c.cmd.args.first().is_some_and(|a| a.value == "workspaces")
                    && r.index > build =>
                {
                    pruned = true;
                }
                _ => {}
            }
        }
    }
    let Some((install, tool)) = install else {
        return Err(
            "no dependency install (npm ci, npm install, yarn, pnpm install) before the build: \
             where node_modules comes from is not known"
                .to_string(),
        );
    };
    let berry = f.insts.iter().any(|&i| {
        let inst = f.inst(i);
        matches!(inst.keyword, Keyword::Copy | Keyword::Add)
            && inst.original.contains(".yarnrc.yml")
    }) || f
        .runs
        .iter()
        .flat_map(|r| &r.cmds)
        .any(|c| c.cmd.basename() == Some("corepack"));
    let mut plan = Plan::new(Ecosystem::Node, build, Layout::BuilderDir(w.clone()));
    if !install.dev {
        plan.note(
            DecisionKind::Dropped,
            format!(
                "nothing to prune: `{}` installs no dev dependencies",
                install.tool
            ),
        );
    } else if pruned {
        plan.note(
            DecisionKind::Kept,
            "the Dockerfile prunes dev dependencies after the build itself",
        );
    } else {
        let line = match tool.as_str() {
            "yarn" if berry => {
                return Err(
                    "Yarn 2+ (.yarnrc.yml or corepack): pruning dev dependencies needs `yarn \
                     workspaces focus --production`, which the rewrite does not add"
                        .to_string(),
                );
            }
            "yarn" => "RUN yarn install --production --ignore-scripts --prefer-offline".to_string(),
            "pnpm" => "RUN pnpm prune --prod".to_string(),
            _ => {
                let major: Option<u32> = f
                    .base
                    .tag
                    .split(['.', '-'])
                    .next()
                    .and_then(|m| m.parse().ok());
                if major.is_some_and(|m| m < 15) {
                    "RUN npm prune --production".to_string()
                } else {
                    "RUN npm prune --omit=dev".to_string()
                }
            }
        };
        plan.note(
            DecisionKind::Added,
            format!(
                "`{}` in the builder after the build: dev dependencies stay behind",
                &line[4..]
            ),
        );
        plan.builder_tail.push(line);
    }
    if install.dev && !pruned {
        start_needs_no_dev_dependency(f, options, &mut plan)?;
    }
    plan.copies.push(ArtifactCopy::same(w.clone()));
    plan.note(
        DecisionKind::Artifact,
        format!(
            "the application directory {w}, built by `{}`, with its production node_modules",
            step_what(build_step)
        ),
    );
    let mut notes = Vec::new();
    let retag = images::node_slim(&f.base)?;
    let image = f.base.retag(&retag, &mut notes);
    let why = if retag == Retag::Same {
        format!(
            "{} is small already; the same image, without what only the build needed",
            image
        )
    } else {
        format!("the slim variant of {}: the same Node.js", f.base.written)
    };
    let distro = if f.base.is_alpine() {
        Distro::Alpine
    } else {
        Distro::Debian
    };
    let mut r = Runtime::system(image, distro, why);
    r.programs = ["node", "npm", "npx", "yarn", "corepack"]
        .map(String::from)
        .to_vec();
    r.users = vec!["node"];
    plan.candidates.push(r);
    plan.native = true;
    for n in notes {
        plan.note(DecisionKind::Assumed, n);
    }
    if !f.base.is_alpine() && !f.base.tag.contains("slim") {
        plan.note(
            DecisionKind::Assumed,
            "native modules need no library of the full image beyond those installed here",
        );
    }
    Ok(plan)
}

/// The program a Node.js image starts must survive the prune of dev
/// dependencies: with `package.json` in the build context, the script that
/// `npm start` (`yarn start`, `npm run X`, `npx X`) runs must not start
/// with a dev dependency (`ts-node`, `nodemon`...). Without it, that is an
/// assumption.
fn start_needs_no_dev_dependency(
    f: &Facts<'_>,
    options: &Options<'_>,
    plan: &mut Plan,
) -> Result<(), String> {
    let Some(i) = last_of(f, Keyword::Entrypoint).or_else(|| last_of(f, Keyword::Cmd)) else {
        return Ok(());
    };
    let words: Vec<String> = match &f.inst(i).args {
        Args::Exec(w) => w.iter().map(|w| w.value.to_string()).collect(),
        Args::Text(t) => t.value.split_whitespace().map(str::to_string).collect(),
        _ => return Ok(()),
    };
    let word = |k: usize| words.get(k).map(String::as_str);
    // (script name, or the program `npx` runs)
    let (script, program) = match (word(0), word(1), word(2)) {
        (Some("npm"), Some("start"), _) | (Some("yarn" | "pnpm"), Some("start"), _) => {
            (Some("start"), None)
        }
        (Some("npm" | "yarn" | "pnpm"), Some("run" | "run-script"), Some(s)) => (Some(s), None),
        (Some("npx"), Some(p), _) => (None, Some(p.to_string())),
        _ => return Ok(()),
    };
    let package = options
        .context
        .and_then(|c| std::fs::read_to_string(c.join("package.json")).ok())
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok());
    let Some(package) = package else {
        if let Some(s) = script {
            plan.note(
                DecisionKind::Assumed,
                format!(
                    "the `{s}` script needs no dev dependency (package.json was not read: pass \
                     the build context)"
                ),
            );
        }
        return Ok(());
    };
    let program = match (script, program) {
        (_, Some(p)) => Some(p),
        (Some(s), None) => package["scripts"][s].as_str().and_then(|cmd| {
            cmd.split_whitespace()
                .find(|t| !t.contains('='))
                .map(str::to_string)
        }),
        (None, None) => None,
    };
    let Some(program) = program else {
        return Ok(());
    };
    let dev = package["devDependencies"].get(&program).is_some()
        && package["dependencies"].get(&program).is_none();
    if dev {
        return Err(format!(
            "the {} runs `{program}`, a dev dependency in package.json, which pruning the dev \
             dependencies removes",
            f.inst(i).keyword
        ));
    }
    Ok(())
}

/// The `pip install` commands of the stage, with their runs.
fn python_installs<'f, 'a>(f: &'f Facts<'a>) -> Vec<(usize, &'f Cmd<'a>)> {
    let mut out = Vec::new();
    let mut any_requirements = false;
    for r in &f.runs {
        for c in &r.cmds {
            if let Some((m, _)) = packages::manager(c.cmd)
                && matches!(m, Manager::Pip | Manager::Uv)
                && packages::install(c.cmd).is_some()
            {
                if matches!(&c.kind, Kind::Deps(d) if d.ecosystem == Ecosystem::Python)
                    || installs_local_project(c.cmd)
                {
                    any_requirements = true;
                }
                out.push((r.index, c));
            }
            if matches!(&c.kind, Kind::Deps(d) if d.ecosystem == Ecosystem::Python) {
                any_requirements = true;
                if !out.iter().any(|(_, o)| std::ptr::eq(*o, c)) {
                    out.push((r.index, c));
                }
            }
        }
    }
    if any_requirements { out } else { Vec::new() }
}

/// `pip install .` (or `./pkg`, `/app`): the project in the build
/// context, with the dependencies its metadata names; not editable.
fn installs_local_project(cmd: &Command) -> bool {
    let Some(install) = packages::install(cmd) else {
        return false;
    };
    let args: Vec<&str> = cmd.arg_values().collect();
    if args.iter().any(|a| matches!(*a, "-e" | "--editable")) {
        return false;
    }
    let operands: Vec<&str> = args
        .iter()
        .skip_while(|a| **a != "install")
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .copied()
        .collect();
    !install.packages.is_empty()
        && operands
            .iter()
            .any(|o| *o == "." || o.starts_with("./") || o.starts_with('/'))
        && operands.iter().all(|o| {
            *o == "." || o.starts_with("./") || o.starts_with('/') || !o.contains(['/', '.'])
        })
}

fn python(
    f: &Facts<'_>,
    installs: &[(usize, &Cmd<'_>)],
    options: &Options<'_>,
) -> Result<Plan, String> {
    if f.base.family != "python" {
        return Err(format!(
            "the builder `{}` is not a python image: which Python the runtime needs is not known",
            f.base.written
        ));
    }
    if f.base.tag.starts_with('2') {
        return Err(format!(
            "`{}` is Python 2, which has no venv module for the dependencies",
            f.base.written
        ));
    }
    for (run, c) in installs {
        let line = f.inst(*run).start_line;
        if let Kind::Deps(d) = &c.kind
            && d.tool != "pip install -r"
        {
            return Err(format!(
                "`{}` (line {line}) is not supported: only pip installs are moved into a \
                 virtualenv",
                d.tool
            ));
        }
        if c.cmd.basename() == Some("uv") {
            return Err(format!(
                "`uv pip install` (line {line}) is not supported: only pip installs are moved \
                 into a virtualenv"
            ));
        }
        for flag in ["--user", "--target", "-t", "--prefix", "--root"] {
            if c.cmd
                .arg_values()
                .any(|a| a == flag || a.starts_with(&format!("{flag}=")))
            {
                return Err(format!(
                    "`pip install {flag}` (line {line}) installs outside the virtualenv the \
                     runtime would copy"
                ));
            }
        }
    }
    let build = installs
        .iter()
        .map(|(r, _)| *r)
        .max()
        .ok_or("no pip install")?;
    let first = installs.iter().map(|(r, _)| *r).min().expect("one install");
    let mut plan = Plan::new(Ecosystem::Python, build, Layout::Context);
    // A virtualenv the Dockerfile makes itself.
    let mut existing = None;
    for r in &f.runs {
        for c in &r.cmds {
            let Some(name) = c.cmd.basename() else {
                continue;
            };
            let args: Vec<&crate::shell::Word> = c.cmd.args.iter().collect();
            let is_venv = name == "virtualenv"
                || (name.starts_with("python")
                    && args.first().is_some_and(|a| a.value == "-m")
                    && args.get(1).is_some_and(|a| a.value == "venv"));
            if !is_venv {
                continue;
            }
            let dir = args.iter().rev().find(|a| !a.value.starts_with('-'));
            let dir = dir.and_then(|w| word_value(f, r.index, w));
            match (dir, c.cwd.as_deref()) {
                (Some(d), Some(cwd)) => existing = Some(join(cwd, &d)),
                _ => {
                    return Err(format!(
                        "the virtualenv made at line {} has a path that cannot be told",
                        f.inst(r.index).start_line
                    ));
                }
            }
        }
    }
    let venv = match existing {
        Some(v) => {
            plan.note(
                DecisionKind::Artifact,
                format!("the virtualenv {v} the Dockerfile creates, with the dependencies"),
            );
            v
        }
        None => {
            let v = "/opt/venv".to_string();
            plan.builder_insert = Some((
                first,
                vec![
                    "RUN python -m venv /opt/venv".to_string(),
                    "ENV PATH=/opt/venv/bin:$PATH".to_string(),
                ],
            ));
            plan.after_copies
                .push("ENV PATH=/opt/venv/bin:$PATH".to_string());
            plan.note(
                DecisionKind::Added,
                format!(
                    "a virtualenv at /opt/venv in the builder, before the first pip install \
                     (line {}): the dependencies install there",
                    f.inst(first).start_line
                ),
            );
            plan.note(
                DecisionKind::Artifact,
                "the virtualenv /opt/venv, with the dependencies; the application's files are \
                 copied from the build context again",
            );
            v
        }
    };
    plan.copies.push(ArtifactCopy::same(venv.clone()));
    plan.path_dirs.push(join(&venv, "bin"));
    let mut notes = Vec::new();
    let retag = images::python_slim(&f.base)?;
    let image = f.base.retag(&retag, &mut notes);
    let why = if retag == Retag::Same {
        format!("{image} is small already; the same image, without what only the build needed")
    } else {
        format!("the slim variant of {}: the same Python", f.base.written)
    };
    let distro = if f.base.is_alpine() {
        Distro::Alpine
    } else {
        Distro::Debian
    };
    let mut r = Runtime::system(image, distro, why);
    let version: String = f
        .base
        .tag
        .split('-')
        .next()
        .unwrap_or("")
        .split('.')
        .take(2)
        .collect::<Vec<_>>()
        .join(".");
    r.programs = vec![
        "python".into(),
        "python3".into(),
        "pip".into(),
        "pip3".into(),
    ];
    if version.contains('.') {
        r.programs.push(format!("python{version}"));
    }
    plan.candidates.push(r);
    plan.native = true;
    plan.console_scripts = true;
    for n in notes {
        plan.note(DecisionKind::Assumed, n);
    }
    if !f.base.is_alpine() && !f.base.tag.contains("slim") {
        full_image_links(f, installs, options)?;
        plan.note(
            DecisionKind::Assumed,
            "the requirements compile nothing against a library of the full image that the slim \
             one lacks (none of them is a package known to build from source against one)",
        );
    }
    Ok(plan)
}

/// Python packages that are built from source (no binary wheel on PyPI,
/// or only for some platforms) and link a system library that the full
/// `python` image has (it is built on buildpack-deps, with the `-dev`
/// packages of many libraries) and `-slim` lacks: `(package, the -dev
/// package they build against)`.
const FULL_IMAGE_LINKS: &[(&str, &str)] = &[
    ("uwsgi", "libxml2-dev"),
    ("psycopg2", "libpq-dev"),
    ("mysqlclient", "default-libmysqlclient-dev"),
    ("pycurl", "libcurl4-openssl-dev"),
    ("python-ldap", "libldap2-dev"),
    ("pyodbc", "unixodbc-dev"),
];

/// On a full `python` builder, whether a requirement is compiled against
/// a library of the full image that the slim runtime lacks: the rewrite
/// declines, naming it, unless the Dockerfile installs that library's
/// `-dev` package itself (the runtime then gets its library, through the
/// `-dev` table). Requirement files are read from the build context; one
/// that cannot be read cannot be told, and the rewrite declines.
fn full_image_links(
    f: &Facts<'_>,
    installs: &[(usize, &Cmd<'_>)],
    options: &Options<'_>,
) -> Result<(), String> {
    let installed_dev: Vec<String> = f
        .runs
        .iter()
        .flat_map(|r| &r.cmds)
        .filter_map(|c| packages::install(c.cmd))
        .filter(|i| matches!(i.manager, Manager::AptGet | Manager::Apt))
        .flat_map(|i| i.packages.into_iter().map(|p| p.name.to_string()))
        .collect();
    let mut names: Vec<(String, String)> = Vec::new();
    for (run, c) in installs {
        let line = f.inst(*run).start_line;
        let mut args = c.cmd.args.iter().map(|w| w.value.as_str());
        while let Some(a) = args.next() {
            let file = match a {
                "-r" | "--requirement" => args.next(),
                _ => a
                    .strip_prefix("--requirement=")
                    .or_else(|| a.strip_prefix("-r").filter(|r| !r.is_empty())),
            };
            let Some(file) = file else { continue };
            let Some(dir) = options.context else {
                return Err(format!(
                    "the builder `{}` has libraries the slim image lacks, and {file} (line {line}) \
                     cannot be read without a build context: whether a requirement compiles \
                     against one cannot be told",
                    f.base.written
                ));
            };
            let text = std::fs::read_to_string(dir.join(file))
                .or_else(|_| std::fs::read_to_string(dir.join(crate::shell::basename(file))));
            let Ok(text) = text else {
                return Err(format!(
                    "the builder `{}` has libraries the slim image lacks, and {file} (line {line}) \
                     is not in the build context: whether a requirement compiles against one \
                     cannot be told",
                    f.base.written
                ));
            };
            for l in text.lines() {
                let l = l.trim();
                if l.starts_with('-') || l.starts_with('#') {
                    continue;
                }
                let name: String = l
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                    .collect();
                if !name.is_empty() {
                    names.push((name, file.to_string()));
                }
            }
        }
        if let Some(install) = packages::install(c.cmd) {
            for p in &install.packages {
                names.push((p.name.to_string(), format!("line {line}")));
            }
        }
    }
    for (name, whence) in names {
        let norm = name.to_ascii_lowercase().replace('_', "-");
        if let Some((pkg, dev)) = FULL_IMAGE_LINKS.iter().find(|(p, _)| *p == norm)
            && !installed_dev.iter().any(|d| d == dev)
        {
            return Err(format!(
                "`{pkg}` ({whence}) is compiled from source against {dev}, which the full \
                 `{}` image has and the slim one lacks: install {dev} in the Dockerfile (the \
                 runtime then gets its library) or keep the full image",
                f.base.written
            ));
        }
    }
    Ok(())
}

fn java(f: &Facts<'_>, steps: &[Step<'_, '_>]) -> Result<Plan, String> {
    let s = steps.last().ok_or("no java build")?;
    if matches!(step_what(s).as_str(), "jar" | "javac") {
        return java_tools(f, s);
    }
    let build = s.run;
    let Some(cwd) = s.cmd.cwd.clone() else {
        return Err("the build runs in an unknown directory".to_string());
    };
    let gradle = step_what(s).starts_with("gradle");
    let out_dir = if gradle {
        let root = option_path(f, s.run, s.cmd.cmd, &["-p", "--project-dir"])
            .map(|p| join(&cwd, &p))
            .unwrap_or(cwd.clone());
        join(&root, "build/libs")
    } else {
        let root = option_path(f, s.run, s.cmd.cmd, &["-f", "--file"])
            .map(|p| {
                let p = join(&cwd, &p);
                if p.ends_with(".xml") {
                    dirname(&p).to_string()
                } else {
                    p
                }
            })
            .unwrap_or(cwd.clone());
        join(&root, "target")
    };
    let major = images::java_major(&f.base).ok_or_else(|| {
        format!(
            "cannot tell the Java version of `{}`: the runtime JRE must match it",
            f.base.written
        )
    })?;
    // The jar the entry command runs.
    let jar = entry_jar(f);
    let Some((at, written, span)) = jar else {
        return Err(format!(
            "artifact unknown: no ENTRYPOINT or CMD names the jar, and the build may make more \
             than one ({out_dir}/*.jar)"
        ));
    };
    let Some(dir) = f.cwd[at].as_deref() else {
        return Err("the jar's directory is not known".to_string());
    };
    let path = join(dir, &written);
    let mut plan = Plan::new(
        Ecosystem::Java,
        build,
        Layout::Artifacts {
            source_dirs: source_dirs(f),
        },
    );
    if is_under(&path, &out_dir) {
        let fixed = "/app/app.jar".to_string();
        plan.copies.push(ArtifactCopy {
            from: path.clone(),
            to: fixed.clone(),
        });
        // Rewrite the jar path in the entry command.
        let inst = f.inst(at);
        let text = &f.input.source[inst.span.start..inst.span.end];
        let rel = span.start - inst.span.start..span.end - inst.span.start;
        let old = &text[rel.clone()];
        let new = if old.starts_with('"') {
            format!("\"{fixed}\"")
        } else {
            fixed.clone()
        };
        let mut rewritten = text.to_string();
        rewritten.replace_range(rel, &new);
        plan.rewrites.push((at, rewritten));
        plan.note(
            DecisionKind::Artifact,
            format!(
                "the jar {path} (the {} names it), copied to {fixed}; the {} now names {fixed}",
                inst.keyword, inst.keyword
            ),
        );
    } else {
        let jars = vec![join(&out_dir, "*.jar")];
        let moved = follow(f, jars, s.run, s.pos);
        if !moved.contains(&path) {
            return Err(format!(
                "artifact unknown: the {} runs {path}, and the build's jars ({out_dir}/*.jar) are \
                 not seen to reach it",
                f.inst(at).keyword
            ));
        }
        plan.copies.push(ArtifactCopy::same(path.clone()));
        plan.note(
            DecisionKind::Artifact,
            format!("the jar {path}, which the build copies there from {out_dir}"),
        );
    }
    plan.note(
        DecisionKind::Runtime,
        format!(
            "no runtime made by jlink: `{}` resolves the jar's dependencies, which jdeps cannot \
             see in it",
            step_what(s)
        ),
    );
    java_runtime(f, &mut plan, major, None);
    Ok(plan)
}

/// The words of the `java` command that the last `ENTRYPOINT` (else the
/// last `CMD`) runs, `java` first.
fn java_words(f: &Facts<'_>) -> Option<Vec<String>> {
    for k in [Keyword::Entrypoint, Keyword::Cmd] {
        let Some(i) = last_of(f, k) else {
            continue;
        };
        if let Args::Text(_) = &f.inst(i).args {
            // Shell form: the script's `java` command.
            let c = f.input.scripts[i]
                .iter()
                .flat_map(|s| &s.commands)
                .find(|c| {
                    c.name
                        .as_ref()
                        .is_some_and(|n| crate::shell::basename(&n.value) == "java")
                })?;
            return Some(
                std::iter::once("java".to_string())
                    .chain(c.args.iter().map(|w| w.value.to_string()))
                    .collect(),
            );
        }
        let (_, words) = entry_words(f, k)?;
        let at = words
            .iter()
            .position(|(w, _)| crate::shell::basename(w) == "java")?;
        return Some(words[at..].iter().map(|(w, _)| w.clone()).collect());
    }
    None
}

/// The runtime made by jlink for a `javac`/`jar` build whose artifact is
/// `artifact`, when `jdeps` can see the whole program: `javac` compiles
/// against no class path, and the jar has no manifest of its own (which
/// could name a `Class-Path`).
fn java_jlink(
    f: &Facts<'_>,
    s: &Step<'_, '_>,
    major: u32,
    package: Option<&str>,
    artifact: &str,
) -> Result<Runtime, String> {
    for c in f.runs.iter().flat_map(|r| &r.cmds) {
        if c.cmd.basename() != Some("javac") {
            continue;
        }
        if let Some(cp) =
            c.cmd
                .option_str(&["-cp", "-classpath", "--class-path", "-p", "--module-path"])
        {
            return Err(format!(
                "`javac` compiles against `{cp}`, classes jdeps would not see"
            ));
        }
    }
    if f.insts
        .iter()
        .any(|&i| f.inst(i).keyword == Keyword::Env && f.inst(i).original.contains("CLASSPATH"))
    {
        return Err("an ENV sets CLASSPATH, classes jdeps would not see".to_string());
    }
    if step_what(s) == "jar" {
        let args = &s.cmd.cmd.args;
        let first = args.first().map_or("", |w| w.value.as_str());
        let old_style = !first.starts_with("--") && first.trim_start_matches('-').contains('m');
        if old_style
            || args.iter().any(|w| {
                w.value == "-m" || w.value == "--manifest" || w.value.starts_with("--manifest=")
            })
        {
            return Err(
                "the jar is made with a manifest of its own, which may name a Class-Path jdeps \
                 does not follow"
                    .to_string(),
            );
        }
    }
    let java = java_words(f).ok_or("no ENTRYPOINT or CMD runs `java`")?;
    super::jlink::runtime(f, major, package, artifact, &java)
}

/// The words of the last `ENTRYPOINT` or `CMD` (of a `sh -c` script's
/// commands: the script's span for each), with the instruction.
fn entry_words(f: &Facts<'_>, k: Keyword) -> Option<(usize, Vec<(String, crate::syntax::Span)>)> {
    let i = last_of(f, k)?;
    let inst = f.inst(i);
    let words: Vec<(String, crate::syntax::Span)> = match &inst.args {
        // `sh -c "exec java -jar app.jar"`: the script's words.
        Args::Exec(w)
            if w.first()
                .is_some_and(|w| crate::shell::is_shell_program(&w.value))
                && w.get(1).is_some_and(|w| w.value == "-c") =>
        {
            let script = w.get(2)?;
            crate::shell::parse(&script.value, crate::shell::Origin::File { offset: 0 })
                .commands
                .iter()
                .flat_map(|c| &c.args)
                .map(|a| (a.value.to_string(), script.span))
                .collect()
        }
        Args::Exec(w) => w.iter().map(|w| (w.value.to_string(), w.span)).collect(),
        Args::Text(_) => f.input.scripts[i]
            .iter()
            .flat_map(|s| &s.commands)
            .flat_map(|c| &c.args)
            .map(|w| (w.value.to_string(), w.span))
            .collect(),
        _ => return None,
    };
    Some((i, words))
}

/// The jar the entry command runs: the instruction, the word as written
/// and its span.
fn entry_jar(f: &Facts<'_>) -> Option<(usize, String, crate::syntax::Span)> {
    for k in [Keyword::Entrypoint, Keyword::Cmd] {
        let Some((i, words)) = entry_words(f, k) else {
            continue;
        };
        // The word after `-jar`, else a word naming a jar that is not an
        // option (`-javaagent:agent.jar`).
        let after_jar = words
            .iter()
            .position(|(v, _)| v == "-jar")
            .and_then(|p| words.get(p + 1))
            .filter(|(v, _)| v.ends_with(".jar"));
        if let Some((v, span)) = after_jar
            .or_else(|| {
                words
                    .iter()
                    .find(|(v, _)| v.ends_with(".jar") && !v.starts_with('-'))
            })
            .cloned()
        {
            return Some((i, v, span));
        }
    }
    None
}

/// The Java feature release of the builder: its image's tag, else the
/// Debian/Ubuntu/Alpine JDK package it installs (`openjdk-17-jdk-headless`,
/// `openjdk17-jdk`).
fn builder_java_major(f: &Facts<'_>) -> Option<(u32, Option<String>)> {
    if let Some(m) = images::java_major(&f.base) {
        return Some((m, None));
    }
    let mut found = None;
    for c in f.runs.iter().flat_map(|r| &r.cmds) {
        let Some(install) = packages::install(c.cmd) else {
            continue;
        };
        for p in &install.packages {
            let name = super::tables::bare_name(p.name);
            let Some(rest) = name
                .strip_prefix("openjdk-")
                .or_else(|| name.strip_prefix("openjdk"))
            else {
                continue;
            };
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            let tail = &rest[digits.len()..];
            if !(tail.starts_with("-jdk") || tail.starts_with("-jre")) {
                continue;
            }
            if let Ok(n) = digits.parse::<u32>()
                && (8..100).contains(&n)
            {
                found = Some((n, Some(name.to_string())));
            }
        }
    }
    found
}

/// The JRE image of the builder's Java release, after distroless Java
/// and a runtime made by jlink (`custom`), when they are offered.
fn java_runtime(f: &Facts<'_>, plan: &mut Plan, major: u32, custom: Option<Runtime>) {
    let words: Vec<&str> = f.base.tag.split('-').collect();
    let suffix = if f.base.is_alpine() {
        "-alpine"
    } else if words.contains(&"jammy") {
        "-jammy"
    } else if words.contains(&"focal") {
        "-focal"
    } else if words.contains(&"noble") {
        "-noble"
    } else {
        ""
    };
    let image = format!("eclipse-temurin:{major}-jre{suffix}");
    if !f.base.is_alpine()
        && let Some(d) = java_distroless(f, plan, major)
    {
        plan.candidates.push(d);
    }
    if let Some(c) = custom {
        plan.candidates.push(c);
    }
    let vendor = match f.base.family.as_str() {
        "eclipse-temurin" => String::new(),
        "maven" | "gradle" if f.base.tag.contains("temurin") => String::new(),
        _ => format!(" (the builder's JDK comes from `{}`)", f.base.written),
    };
    let distro = if f.base.is_alpine() {
        Distro::Alpine
    } else {
        Distro::Ubuntu
    };
    let mut r = Runtime::system(
        image,
        distro,
        format!("a Java {major} runtime (JRE), the builder's Java release{vendor}"),
    );
    // The Ubuntu images install curl and wget ("for historical reasons",
    // adoptium/containers#255); the Alpine ones do not.
    r.programs = if f.base.is_alpine() {
        vec!["java".into(), "keytool".into()]
    } else {
        vec![
            "java".into(),
            "keytool".into(),
            "curl".into(),
            "wget".into(),
        ]
    };
    r.users = vec!["ubuntu"];
    plan.candidates.push(r);
}

/// The distroless Java image of the builder's Java release, when the
/// program starts as `java -jar X.jar` or `java -cp ...` in exec form (the
/// last `ENTRYPOINT`, or the last `CMD` when there is none) and runs as a
/// user distroless fits ([`distroless_tag`]). Distroless Java's own
/// `ENTRYPOINT` is `["/usr/bin/java", "-jar"]`: an exec-form `ENTRYPOINT
/// ["java", ...]` replaces it, and a `CMD ["java", ...]` alone becomes that
/// `ENTRYPOINT`, so that the same command runs (`java` is
/// `/usr/bin/java` there, on the image's `PATH`). Whether the rest fits (no
/// shell, no program or package beyond `java`) is [`super::needs`]'s.
fn java_distroless(f: &Facts<'_>, plan: &mut Plan, major: u32) -> Option<Runtime> {
    let image = match major {
        17 | 21 => format!("gcr.io/distroless/java{major}-debian12"),
        25 => "gcr.io/distroless/java25-debian13".to_string(),
        _ => return None,
    };
    let (at, cmd_only) = match last_of(f, Keyword::Entrypoint) {
        Some(i) => (i, false),
        None => (last_of(f, Keyword::Cmd)?, true),
    };
    let inst = f.inst(at);
    let Args::Exec(words) = &inst.args else {
        return None;
    };
    if words.first().map(|w| &*w.value) != Some("java") {
        return None;
    }
    let runs = words.iter().skip(1).any(|w| {
        matches!(&*w.value, "-jar" | "-cp" | "-classpath" | "--class-path")
            || w.value.starts_with("--class-path=")
    });
    if !runs {
        return None;
    }
    let tag = distroless_tag(f, plan)?;
    let mut r = Runtime::distroless(
        &format!("{image}:{tag}"),
        format!(
            "the program runs as `java` in exec form and needs no shell: distroless Java {major} \
             (OpenJDK {major} on Debian, CA certificates, no shell)"
        ),
    );
    r.programs = vec!["java".into(), "keytool".into()];
    if cmd_only {
        let text = plan
            .rewrites
            .iter()
            .find(|(j, _)| *j == at)
            .map(|(_, t)| t.clone())
            .unwrap_or_else(|| f.input.source[inst.span.start..inst.span.end].to_string());
        let rest = text.get(3..)?;
        r.rewrites.push((at, format!("ENTRYPOINT{rest}")));
        r.why.push_str(&format!(
            "; the CMD (line {}) becomes the ENTRYPOINT, which replaces the image's \
             `[\"/usr/bin/java\", \"-jar\"]`",
            inst.start_line
        ));
    }
    Some(r)
}

/// `javac` and `jar` run by hand: the jar `jar` creates (`--file`, `cf`)
/// that the entry command runs, or the classes directory of `javac -d DIR`
/// that the entry command puts on the class path (`java -cp DIR Main`).
fn java_tools(f: &Facts<'_>, s: &Step<'_, '_>) -> Result<Plan, String> {
    let line = f.inst(s.run).start_line;
    let Some(cwd) = s.cmd.cwd.clone() else {
        return Err(format!(
            "the build runs in an unknown directory (line {line})"
        ));
    };
    let (major, package) = builder_java_major(f).ok_or_else(|| {
        format!(
            "cannot tell the Java version of `{}` (no JDK package installed with a version in \
             its name): the runtime JRE must match it",
            f.base.written
        )
    })?;
    let mut plan = Plan::new(
        Ecosystem::Java,
        s.run,
        Layout::Artifacts {
            source_dirs: source_dirs(f),
        },
    );
    let artifact: String;
    let value = |raw: &str| -> Option<String> {
        if !raw.contains('$') {
            return Some(raw.to_string());
        }
        f.expand(raw, s.run).filter(|v| !v.contains('$'))
    };
    if step_what(s) == "jar" {
        let raw = crate::shell::builds::jar_output(s.cmd.cmd).unwrap_or_default();
        let Some(out) = value(raw).map(|v| join(&cwd, &v)) else {
            return Err(format!(
                "artifact unknown: the jar `jar` creates (line {line}) is named by `{raw}`, \
                 which is not known"
            ));
        };
        let Some((at, written, _)) = entry_jar(f) else {
            return Err(format!(
                "artifact unknown: `jar` (line {line}) creates {out}, and no ENTRYPOINT or CMD \
                 runs a jar"
            ));
        };
        let Some(path) = f.cwd[at].as_deref().map(|d| join(d, &written)) else {
            return Err("the jar's directory is not known".to_string());
        };
        let moved = follow(f, vec![out.clone()], s.run, s.pos);
        if !moved.contains(&path) {
            return Err(format!(
                "artifact unknown: the {} runs {path}, and the jar `jar` creates (line {line}, \
                 {out}) is not seen to reach it",
                f.inst(at).keyword
            ));
        }
        plan.copies.push(ArtifactCopy::same(path.clone()));
        artifact = path.clone();
        plan.note(
            DecisionKind::Artifact,
            if path == out {
                format!(
                    "the jar {path}, which `jar` creates (line {line}) and the {} runs",
                    f.inst(at).keyword
                )
            } else {
                format!("the jar {path}, which the build copies there from {out}")
            },
        );
    } else {
        let Some(raw) = s.cmd.cmd.option_str(&["-d"]) else {
            return Err(format!(
                "artifact unknown: `javac` (line {line}) writes its classes next to the sources \
                 (no -d) and no jar is made"
            ));
        };
        let Some(classes) = value(raw).map(|v| join(&cwd, &v)) else {
            return Err(format!(
                "artifact unknown: `javac -d {raw}` (line {line}) names a directory that is not \
                 known"
            ));
        };
        // `java -cp DIR Main`: the class path the entry command runs with.
        let mut class_path = None;
        for k in [Keyword::Entrypoint, Keyword::Cmd] {
            let Some((i, words)) = entry_words(f, k) else {
                continue;
            };
            let mut it = words.iter().map(|(v, _)| v.as_str());
            while let Some(w) = it.next() {
                let v = match w {
                    "-cp" | "-classpath" | "--class-path" => it.next(),
                    _ => w.strip_prefix("--class-path="),
                };
                if let Some(v) = v {
                    class_path = Some((i, v.to_string()));
                }
            }
            if class_path.is_some() {
                break;
            }
        }
        let Some((at, cp)) = class_path else {
            return Err(format!(
                "artifact unknown: `javac` (line {line}) writes classes to {classes}, and no \
                 ENTRYPOINT or CMD runs `java -cp {raw}` (nor a jar)"
            ));
        };
        let Some(dir) = f.cwd[at].as_deref() else {
            return Err("the class path's directory is not known".to_string());
        };
        let entries: Vec<String> = cp.split(':').map(|e| join(dir, e)).collect();
        if entries.iter().any(|e| !is_under(e, &classes)) {
            return Err(format!(
                "artifact unknown: the {} runs with the class path `{cp}`, which names more than \
                 the classes `javac` (line {line}) writes to {classes}",
                f.inst(at).keyword
            ));
        }
        plan.copies.push(ArtifactCopy::same(classes.clone()));
        artifact = classes.clone();
        plan.note(
            DecisionKind::Artifact,
            format!(
                "the classes {classes} that `javac -d` writes (line {line}), the {}'s class path",
                f.inst(at).keyword
            ),
        );
    }
    if let Some(p) = &package {
        plan.note(
            DecisionKind::Assumed,
            format!(
                "the builder's Java is {p} (Java {major}): the runtime's JRE is Java {major} too"
            ),
        );
    }
    let custom = match java_jlink(f, s, major, package.as_deref(), &artifact) {
        Ok(r) => Some(r),
        Err(why) => {
            plan.note(
                DecisionKind::Runtime,
                format!("no runtime made by jlink: {why}"),
            );
            None
        }
    };
    java_runtime(f, &mut plan, major, custom);
    Ok(plan)
}

fn dotnet(f: &Facts<'_>, steps: &[Step<'_, '_>], options: &Options<'_>) -> Result<Plan, String> {
    let s = steps.last().ok_or("no dotnet build")?;
    let line = f.inst(s.run).start_line;
    if !step_what(s).ends_with("publish") {
        return Err(format!(
            "artifact unknown: `dotnet build` (line {line}) is not a publish: its output is not \
             made to be copied"
        ));
    }
    let Some(out) = option_path(f, s.run, s.cmd.cmd, &["-o", "--output"]) else {
        return Err(format!(
            "artifact unknown: `dotnet publish` without -o (line {line}) writes under bin/, \
             whose path depends on the project"
        ));
    };
    let Some(cwd) = s.cmd.cwd.as_deref() else {
        return Err("dotnet publish runs in an unknown directory".to_string());
    };
    let dir = join(cwd, &out);
    if f.base.family != "mcr.microsoft.com/dotnet/sdk" {
        return Err(format!(
            "the builder `{}` is not mcr.microsoft.com/dotnet/sdk: the runtime's .NET version is \
             not known",
            f.base.written
        ));
    }
    let tag = f.base.tag.as_str();
    let (version, suffix) = match tag.split_once('-') {
        Some((v, s)) => (v, format!("-{s}")),
        None => (tag, String::new()),
    };
    let version = if version.starts_with(|c: char| c.is_ascii_digit()) {
        version.split('.').take(2).collect::<Vec<_>>().join(".")
    } else {
        version.to_string()
    };
    let mut plan = Plan::new(
        Ecosystem::Dotnet,
        s.run,
        Layout::Artifacts {
            source_dirs: source_dirs(f),
        },
    );
    plan.copies.push(ArtifactCopy::same(dir.clone()));
    plan.note(
        DecisionKind::Artifact,
        format!("the publish directory {dir} (`dotnet publish -o`)"),
    );
    let (kind, why) = aspnet_or_runtime(f, options);
    let image = format!("mcr.microsoft.com/dotnet/{kind}:{version}{suffix}");
    let distro = if suffix.contains("alpine") {
        Distro::Alpine
    } else if ["jammy", "noble", "focal"]
        .iter()
        .any(|u| suffix.contains(u))
    {
        Distro::Ubuntu
    } else {
        Distro::Debian
    };
    // The chiseled aspnet image (Ubuntu, no shell, no package manager, user
    // `app`): the plain image's lighter variant, which heavy-base-image
    // names (the knowledge base sizes no chiseled `runtime` image, and the
    // plain `runtime` image has no lighter variant there). The
    // `-extra` flavour keeps ICU and time zones, as the plain image has them.
    // A program that runs as root and may need it (a port below 1024, a
    // VOLUME) stays on the plain image, as with distroless.
    let major: Option<u32> = version.split('.').next().and_then(|m| m.parse().ok());
    if kind == "aspnet"
        && distro == Distro::Debian
        && major.is_some_and(|m| m >= 8)
        && !chiseled_needs_root(f)
    {
        let mut c = Runtime::distroless(
            &format!("mcr.microsoft.com/dotnet/{kind}:{version}-noble-chiseled-extra"),
            format!(
                "the chiseled {kind} image of the SDK's .NET {version}, with ICU and time zones \
                 (the program is portable .NET; the image has no shell, and runs as its user \
                 `app`, 1654, unless a USER says otherwise): {why}"
            ),
        );
        c.programs = vec!["dotnet".into()];
        c.users = vec!["app"];
        plan.candidates.push(c);
    }
    let mut r = Runtime::system(
        image,
        distro,
        format!("the {kind} image of the SDK's .NET {version} (from the SDK tag `{tag}`): {why}"),
    );
    r.programs = vec!["dotnet".into()];
    r.users = vec!["app"];
    plan.candidates.push(r);
    Ok(plan)
}

/// Whether a program that runs as root may need it: no `USER`, or `USER
/// root`, with a port below 1024 or a `VOLUME`.
fn chiseled_needs_root(f: &Facts<'_>) -> bool {
    let mut user = None;
    let mut root_only = false;
    for &i in &f.insts {
        let inst = f.inst(i);
        match (&inst.keyword, &inst.args) {
            (Keyword::User, Args::Text(w)) => user = Some(w.value.to_string()),
            (Keyword::Volume, _) => root_only = true,
            (Keyword::Expose, Args::Words(words)) => {
                root_only |= words.iter().any(|w| {
                    let p: String = w.value.chars().take_while(char::is_ascii_digit).collect();
                    p.parse::<u32>().is_ok_and(|p| p < 1024)
                });
            }
            _ => {}
        }
    }
    match user.as_deref().map(|u| u.split(':').next().unwrap_or(u)) {
        Some("root" | "0") => true,
        Some(_) => false,
        None => root_only,
    }
}

/// ASP.NET Core or the plain .NET runtime, and why.
fn aspnet_or_runtime(f: &Facts<'_>, options: &Options<'_>) -> (&'static str, String) {
    if let Some(dir) = options.context
        && let Ok(entries) = std::fs::read_dir(dir)
    {
        let mut sdks = Vec::new();
        for e in entries.flatten() {
            let p = e.path();
            if p.extension()
                .is_some_and(|x| x == "csproj" || x == "fsproj")
                && let Ok(text) = std::fs::read_to_string(&p)
            {
                sdks.push(text.contains("Microsoft.NET.Sdk.Web"));
            }
        }
        if sdks.len() == 1 {
            return if sdks[0] {
                (
                    "aspnet",
                    "the project uses Microsoft.NET.Sdk.Web".to_string(),
                )
            } else {
                (
                    "runtime",
                    "the project is not a web project (Microsoft.NET.Sdk)".to_string(),
                )
            };
        }
    }
    let web = f.insts.iter().any(|&i| {
        let inst = f.inst(i);
        inst.keyword == Keyword::Expose
            || (inst.keyword == Keyword::Env
                && (inst.original.contains("ASPNETCORE_") || inst.original.contains("URLS")))
    });
    if web {
        (
            "aspnet",
            "the image serves HTTP (EXPOSE or ASPNETCORE_ settings)".to_string(),
        )
    } else {
        (
            "aspnet",
            "whether the program is a web app is not known: aspnet also runs console apps"
                .to_string(),
        )
    }
}

fn c(f: &Facts<'_>, steps: &[Step<'_, '_>], options: &Options<'_>) -> Result<Plan, String> {
    let build = steps.last().map(|s| s.run).ok_or("no C build")?;
    let entry = entry(f);
    let mut outputs = Vec::new();
    for s in steps {
        if s.cmd.cmd.has_flag('o', "")
            && !matches!(
                s.cmd.cmd.basename(),
                Some("make" | "gmake" | "ninja" | "cmake")
            )
        {
            conditional(f, s)?;
            match (
                option_path(f, s.run, s.cmd.cmd, &["-o"]),
                s.cmd.cwd.as_deref(),
            ) {
                (Some(o), Some(cwd)) => outputs.push((join(cwd, &o), s.run, s.pos)),
                (Some(o), None) if o.starts_with('/') => {
                    outputs.push((join("/", &o), s.run, s.pos))
                }
                _ => {}
            }
        }
    }
    let groups: Vec<Vec<String>> = outputs
        .iter()
        .map(|(o, run, pos)| follow(f, vec![o.clone()], *run, *pos))
        .collect();
    let mut locations: Vec<String> = groups.iter().flatten().cloned().collect();
    locations.dedup();
    let mut plan = Plan::new(
        Ecosystem::C,
        build,
        Layout::Artifacts {
            source_dirs: source_dirs(f),
        },
    );
    let entry_path = entry.as_ref().and_then(|e| e.path.clone());
    let chosen = match entry_path {
        Some(p) if locations.contains(&p) => vec![p],
        Some(p)
            if entry
                .as_ref()
                .is_some_and(|e| !crate::shell::is_shell_program(&e.program)) =>
        {
            plan.note(
                DecisionKind::Assumed,
                format!(
                    "the build installs the program at {p}, which the {} runs, and it needs no \
                     other file the build installed",
                    f.inst(entry.as_ref().expect("some").index).keyword
                ),
            );
            vec![p]
        }
        _ => {
            let chosen = pick_each(&groups, entry.as_ref());
            if chosen.is_empty() {
                match make_install_path(f, steps, entry.as_ref(), options)? {
                    Some((path, note)) => {
                        plan.note(DecisionKind::Artifact, note);
                        vec![path]
                    }
                    None => {
                        return Err("artifact unknown: the build names no output (-o) and \
                                    ENTRYPOINT/CMD names no program path"
                            .to_string());
                    }
                }
            } else {
                chosen
            }
        }
    };
    for l in &chosen {
        plan.copies.push(ArtifactCopy::same(l.clone()));
    }
    plan.note(
        DecisionKind::Artifact,
        format!("the program {}", list(&chosen)),
    );
    let mut notes = Vec::new();
    let mut r = images::glibc_slim(&f.base, &mut notes)?;
    r.why = format!("the program links the C library: {}", r.why);
    push_distroless_cc(
        f,
        &mut plan,
        "the program links the C library (a C++ one libstdc++ and libgcc too): \
         distroless cc has them, and OpenSSL",
    );
    plan.candidates.extend(fetch_tool_runtime(f, &r));
    plan.candidates.push(r);
    plan.native = true;
    for n in notes {
        plan.note(DecisionKind::Assumed, n);
    }
    Ok(plan)
}

/// `make install` of a program the `ENTRYPOINT`/`CMD` names by its bare
/// name: where the `install` target of the Makefile in the build context
/// puts it (`install -m 0755 NAME $(DESTDIR)$(PREFIX)/bin/NAME`, `cp NAME
/// /usr/local/bin/`), with `PREFIX` and friends from the Makefile, the
/// `make` command line or the stage's `ENV`. `Ok(None)` when there is no
/// `make install` or no bare entry program; an error when the Makefile
/// cannot tell.
fn make_install_path(
    f: &Facts<'_>,
    steps: &[Step<'_, '_>],
    entry: Option<&Entry>,
    options: &Options<'_>,
) -> Result<Option<(String, String)>, String> {
    let Some(e) = entry.filter(|e| e.path.is_none() && !e.program.contains('/')) else {
        return Ok(None);
    };
    let Some(s) = steps.iter().rev().find(|s| {
        matches!(s.cmd.cmd.basename(), Some("make" | "gmake"))
            && s.cmd.cmd.args.iter().any(|w| w.value == "install")
    }) else {
        return Ok(None);
    };
    let line = f.inst(s.run).start_line;
    let program = e.program.as_str();
    let cmd = s.cmd.cmd;
    if cmd.args.iter().any(|w| {
        matches!(w.value.as_str(), "-C" | "-f" | "--file" | "--directory")
            || w.value.starts_with("-C")
            || w.value.starts_with("--file=")
            || w.value.starts_with("--directory=")
    }) {
        return Err(format!(
            "artifact unknown: `make install` (line {line}) runs another directory's or file's \
             Makefile"
        ));
    }
    let cannot = |why: &str| {
        Err(format!(
            "artifact unknown: `make install` (line {line}) installs `{program}`, which the {} \
             runs, but {why}",
            f.inst(e.index).keyword
        ))
    };
    let Some(context) = options.context else {
        return cannot("the Makefile cannot be read without the build context");
    };
    let Some(cwd) = s.cmd.cwd.as_deref() else {
        return cannot("it runs in an unknown directory");
    };
    // The context directory copied to the working directory (`COPY . .`).
    let dir = f
        .insts
        .iter()
        .rev()
        .filter(|&&i| i < s.run && matches!(f.inst(i).keyword, Keyword::Copy | Keyword::Add))
        .find_map(|&i| {
            let inst = f.inst(i);
            if inst.flag("from").is_some() {
                return None;
            }
            let words: Vec<String> = match &inst.args {
                Args::Words(w) | Args::Exec(w) => w.iter().map(|w| w.value.to_string()).collect(),
                _ => return None,
            };
            let (dest, sources) = words.split_last()?;
            let dest = if dest.starts_with('/') {
                join("/", dest)
            } else {
                join(f.cwd[i].as_deref()?, dest)
            };
            (sources.len() == 1 && dest == cwd).then(|| {
                sources[0]
                    .trim_start_matches("./")
                    .trim_end_matches('/')
                    .to_string()
            })
        });
    let Some(dir) = dir.filter(|d| !d.contains(['$', '*']) && !d.contains("..")) else {
        return cannot("which directory of the build context it runs in is not known");
    };
    let root = if dir.is_empty() || dir == "." {
        context.to_path_buf()
    } else {
        context.join(&dir)
    };
    let Some(text) = ["GNUmakefile", "makefile", "Makefile"]
        .iter()
        .find_map(|n| std::fs::read_to_string(root.join(n)).ok())
    else {
        return cannot("the build context has no Makefile there");
    };
    // Variables: the command line wins, then the Makefile (`?=` yields to
    // the environment), then the stage's ENV.
    let mut vars: Vec<(String, String, bool)> = Vec::new();
    let mut rules: Vec<(String, Vec<String>)> = Vec::new();
    for l in text.lines() {
        if let Some(recipe) = l.strip_prefix('\t') {
            if let Some((_, lines)) = rules.last_mut() {
                lines.push(recipe.trim().to_string());
            }
            continue;
        }
        let l = l.split('#').next().unwrap_or("").trim_end();
        if l.trim().is_empty() {
            continue;
        }
        let assign = ["?=", ":=", "::=", "+=", "="]
            .iter()
            .filter_map(|op| l.find(op).map(|at| (at, *op)))
            .min_by_key(|(at, _)| *at);
        let colon = l.find(':');
        match (assign, colon) {
            (Some((at, op)), c) if c.is_none_or(|c| c >= at) => {
                let name = l[..at].trim().to_string();
                let value = l[at + op.len()..].trim().to_string();
                vars.retain(|(n, _, _)| *n != name || op == "+=");
                vars.push((name, value, op == "?="));
            }
            (_, Some(c)) => {
                let targets = l[..c].split_whitespace().map(str::to_string);
                for t in targets {
                    rules.push((t, Vec::new()));
                }
            }
            _ => {}
        }
    }
    let overrides: Vec<(String, String)> = cmd
        .args
        .iter()
        .filter_map(|w| {
            let (k, v) = w.value.split_once('=')?;
            (!k.starts_with('-')).then(|| (k.to_string(), v.to_string()))
        })
        .collect();
    let lookup = |name: &str| -> Option<String> {
        if let Some((_, v)) = overrides.iter().find(|(k, _)| k == name) {
            return Some(v.clone());
        }
        let from_env = var_for(f, s.run, s.cmd, name);
        match vars.iter().rev().find(|(n, _, _)| n == name) {
            Some((_, _, true)) if from_env.is_some() => from_env,
            Some((_, v, _)) => Some(v.clone()),
            None => from_env.or_else(|| (name == "DESTDIR").then(String::new)),
        }
    };
    fn expand(text: &str, lookup: &dyn Fn(&str) -> Option<String>, depth: u32) -> Option<String> {
        if depth > 8 {
            return None;
        }
        let mut out = String::new();
        let mut rest = text;
        while let Some(at) = rest.find('$') {
            out.push_str(&rest[..at]);
            let after = &rest[at + 1..];
            let (name, len) = match after.chars().next()? {
                '(' => (&after[1..after.find(')')?], after.find(')')? + 1),
                '{' => (&after[1..after.find('}')?], after.find('}')? + 1),
                _ => return None, // `$@`, `$<`, `$$`: not a path we can tell
            };
            out.push_str(&expand(&lookup(name)?, lookup, depth + 1)?);
            rest = &after[len..];
        }
        out.push_str(rest);
        Some(out)
    }
    let Some((_, recipe)) = rules.iter().find(|(t, _)| t == "install") else {
        return cannot("the Makefile has no `install` target");
    };
    let mut found: Vec<String> = Vec::new();
    for r in recipe {
        let r = r.trim_start_matches(['@', '-', '+']);
        let words: Vec<&str> = r.split_whitespace().collect();
        if !matches!(words.first(), Some(&("install" | "cp" | "mv"))) {
            continue;
        }
        let Some(last) = words.last().and_then(|w| expand(w, &lookup, 0)) else {
            continue;
        };
        if !last.starts_with('/') {
            continue;
        }
        let names_program = words[1..words.len() - 1]
            .iter()
            .any(|w| crate::shell::basename(w) == program);
        let path = if crate::shell::basename(&last) == program {
            join("/", &last)
        } else if names_program
            && (last.ends_with('/') || PATH_DIRS.contains(&join("/", &last).as_str()))
        {
            join(&join("/", &last), program)
        } else {
            continue;
        };
        if !found.contains(&path) {
            found.push(path);
        }
    }
    match found.as_slice() {
        [p] if PATH_DIRS.contains(&dirname(p)) => Ok(Some((
            p.clone(),
            format!(
                "the program {p}, where the Makefile's install target puts `{program}` (`make \
                 install`, line {line}), which the {} runs",
                f.inst(e.index).keyword
            ),
        ))),
        [p] => cannot(&format!(
            "the Makefile installs it to {p}, which is not on the runtime's PATH"
        )),
        [] => cannot("the Makefile's install target does not show where it goes"),
        _ => cannot("the Makefile's install target installs it to more than one place"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("/src/target/*.jar", "/src/target/app-1.0.jar"));
        assert!(!glob_match("/src/target/*.jar", "/src/target/x/app.jar"));
        assert!(glob_match("/a", "/a"));
        assert!(glob_match(
            "/src/target/app-?.[0-9].jar",
            "/src/target/app-1.0.jar"
        ));
        let many = format!("/x/{}b", "*a".repeat(60));
        assert!(!glob_match(&many, &format!("/x/{}", "a".repeat(500))));
    }
}
