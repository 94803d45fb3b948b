//! The cache-order promise: after a one-line change to a source file, which
//! build steps run again. The build context is copied to a temporary
//! directory (without `.git`), built once to warm the cache, one file of the
//! copy gets a line of spaces appended (a count no earlier run used), and the
//! build runs again; the engine's output says which steps came from the
//! cache (Buildah and Podman: `STEP n/m: ...` then `--> Using cache ...`;
//! Docker BuildKit: `#n [stage k/m] ...` then `#n CACHED`).

use crate::model::dockerignore::{self, Matcher, Pattern};
use crate::syntax::{self, Args, Instruction, Keyword};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One build step as the engine reported it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Step {
    /// The stage, from 0.
    pub stage: usize,
    /// The step within its stage, from 1 (1 is the `FROM`).
    pub step: usize,
    /// The instruction as the engine printed it.
    pub instruction: String,
    /// Its line in the Dockerfile built, when known.
    pub line: Option<usize>,
    /// Whether it came from the cache.
    pub cached: bool,
    /// Whether it installs packages or a project's dependencies.
    pub dependency_install: bool,
}

/// Manifest and lock files: changing them is meant to re-run the install,
/// so they are never the file touched by default.
const MANIFESTS: &[&str] = &[
    "package.json",
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "bun.lockb",
    "go.mod",
    "go.sum",
    "go.work",
    "go.work.sum",
    "Cargo.toml",
    "Cargo.lock",
    "pyproject.toml",
    "poetry.lock",
    "Pipfile",
    "Pipfile.lock",
    "setup.py",
    "setup.cfg",
    "uv.lock",
    "pom.xml",
    "build.gradle",
    "build.gradle.kts",
    "settings.gradle",
    "settings.gradle.kts",
    "gradle.properties",
    "Gemfile",
    "Gemfile.lock",
    "composer.json",
    "composer.lock",
    "mix.exs",
    "mix.lock",
    "CMakeLists.txt",
    "Makefile",
    "packages.config",
    "Directory.Packages.props",
    "packages.txt",
    "Aptfile",
    ".dockerignore",
];

/// Whether a file name is a manifest, a lock file, a Dockerfile or the
/// context's ignore file.
pub fn is_manifest(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    MANIFESTS.contains(&name)
        || (lower.starts_with("requirements") && lower.ends_with(".txt"))
        || lower.ends_with(".csproj")
        || lower.ends_with(".fsproj")
        || lower.ends_with(".sln")
        || lower.ends_with(".gemspec")
        || lower.ends_with(".dockerignore")
        || lower == "dockerfile"
        || lower == "containerfile"
        || lower.starts_with("dockerfile.")
        || lower.starts_with("containerfile.")
        || lower.ends_with(".dockerfile")
}

/// Copy the build context `from` into `to` (files, directories and
/// symbolic links, with their permissions), leaving out `.git`.
pub fn copy_context(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if name == ".git" {
            continue;
        }
        let src = entry.path();
        let dst = to.join(&name);
        let kind = entry.file_type()?;
        if kind.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(&src)?, &dst)?;
        } else if kind.is_dir() {
            copy_context(&src, &dst)?;
            std::fs::set_permissions(&dst, std::fs::metadata(&src)?.permissions())?;
        } else if kind.is_file() {
            std::fs::copy(&src, &dst)?;
        }
    }
    Ok(())
}

/// Every file of the context (relative, `/`-separated), without `.git` and
/// what `.dockerignore` leaves out, with its modification time.
fn context_files(context: &Path, ignore: &Matcher) -> Vec<(String, std::time::SystemTime)> {
    let mut out = Vec::new();
    let mut todo = vec![(context.to_path_buf(), String::new())];
    while let Some((dir, rel)) = todo.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if name == ".git" {
                continue;
            }
            let path = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            let Ok(kind) = e.file_type() else { continue };
            if kind.is_dir() {
                if !ignore.excludes(&path) || ignore.has_exclusions() {
                    todo.push((e.path(), path));
                }
            } else if kind.is_file()
                && !ignore.excludes(&path)
                && let Ok(m) = e.metadata()
                && let Ok(t) = m.modified()
            {
                out.push((path, t));
            }
        }
    }
    out.sort();
    out
}

/// The source paths of each `COPY`/`ADD` from the build context (not
/// `--from`, not URLs, not heredocs), cleaned and relative.
fn copied_sources(file: &syntax::Dockerfile) -> Vec<String> {
    let mut out = Vec::new();
    for inst in &file.instructions {
        if !matches!(inst.keyword, Keyword::Copy | Keyword::Add) || inst.flag("from").is_some() {
            continue;
        }
        let words: Vec<String> = match &inst.args {
            Args::Words(w) => w.iter().map(|w| w.value.to_string()).collect(),
            Args::Exec(w) => w.iter().map(|w| w.value.to_string()).collect(),
            _ => continue,
        };
        if words.len() < 2 {
            continue;
        }
        for src in &words[..words.len() - 1] {
            if src.contains("://") || src.starts_with("<<") || src.starts_with("git@") {
                continue;
            }
            out.push(dockerignore::clean(src));
        }
    }
    out
}

/// The file a one-line change goes into by default: the most recently
/// modified file that a `COPY`/`ADD` brings into the image and that is not
/// a manifest, a lock file, a Dockerfile or `.dockerignore` (ties: the
/// first path in byte order). `None` when there is none.
pub fn pick_touch(context: &Path, dockerfile: &str, ignore: Option<&[String]>) -> Option<String> {
    let parse = syntax::parse(dockerfile);
    let sources = copied_sources(&parse.dockerfile);
    if sources.is_empty() {
        return None;
    }
    let matcher = Matcher::new(ignore.unwrap_or(&[]));
    let patterns: Vec<(String, Pattern)> = sources
        .iter()
        .map(|s| (s.clone(), Pattern::new(s)))
        .collect();
    let brought = |path: &str| {
        patterns.iter().any(|(s, p)| {
            s == "." || s == path || path.starts_with(&format!("{s}/")) || p.matches_or_parent(path)
        })
    };
    let mut best: Option<(std::time::SystemTime, String)> = None;
    for (path, time) in context_files(context, &matcher) {
        if is_manifest(crate::shell::basename(&path)) || !brought(&path) {
            continue;
        }
        let better = match &best {
            None => true,
            Some((t, p)) => time > *t || (time == *t && path < *p),
        };
        if better {
            best = Some((time, path));
        }
    }
    best.map(|(_, p)| p)
}

/// Append one line to the file (the one-line change): `line` differs
/// between the two images and between runs, so that no rebuild finds
/// another's layers in the cache (the cache is keyed by content).
pub fn touch(path: &Path, line: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new().append(true).open(path)?;
    f.write_all(format!("{line}\n").as_bytes())
}

/// Whether an instruction installs packages or a project's dependencies
/// (the shell model's facts: `apt-get install`, `npm ci`, `pip install -r`,
/// `go mod download`, `cargo fetch`...).
pub fn installs(inst: &Instruction) -> bool {
    if inst.keyword != Keyword::Run {
        return false;
    }
    crate::shell::instruction_scripts(inst).iter().any(|s| {
        s.commands.iter().any(|c| {
            crate::shell::packages::install(c).is_some()
                || crate::shell::builds::dependency_install(c).is_some()
        })
    })
}

/// The instructions of each stage of a Dockerfile (the `FROM` first), and
/// the stages' names.
struct Stages<'a> {
    stages: Vec<Vec<&'a Instruction>>,
    names: HashMap<String, usize>,
}

fn stages(file: &syntax::Dockerfile) -> Stages<'_> {
    let mut out = Stages {
        stages: Vec::new(),
        names: HashMap::new(),
    };
    for inst in &file.instructions {
        if inst.keyword == Keyword::From {
            let index = out.stages.len();
            if let Args::Words(w) = &inst.args
                && w.len() >= 3
                && w[1].value.eq_ignore_ascii_case("as")
            {
                out.names
                    .insert(w[2].value.to_ascii_lowercase().to_string(), index);
            }
            out.names.insert(format!("stage-{index}"), index);
            out.stages.push(vec![inst]);
        } else if let Some(last) = out.stages.last_mut() {
            last.push(inst);
        }
    }
    out
}

/// The steps an engine's build output reports, with what each is in the
/// Dockerfile built (`dockerfile`, its text).
pub fn parse_steps(log: &str, dockerfile: &str) -> Vec<Step> {
    let parse = syntax::parse(dockerfile);
    let st = stages(&parse.dockerfile);
    let mut steps: Vec<Step> = Vec::new();
    // BuildKit: vertex number → index into steps.
    let mut vertices: HashMap<String, usize> = HashMap::new();
    for line in log.lines() {
        let line = line.trim_end();
        if let Some(step) = buildah_step(line) {
            steps.push(step);
        } else if line.starts_with("--> Using cache") {
            if let Some(last) = steps.last_mut() {
                last.cached = true;
            }
        } else if let Some(rest) = line.strip_prefix('#') {
            // `#7 [build 3/5] RUN go mod download`, `#7 CACHED`.
            let Some((vertex, text)) = rest.split_once(' ') else {
                continue;
            };
            if text == "CACHED" {
                if let Some(&i) = vertices.get(vertex) {
                    steps[i].cached = true;
                }
            } else if text.starts_with('[')
                && !vertices.contains_key(vertex)
                && let Some((stage, step, instruction)) = buildkit_step(text, &st)
            {
                vertices.insert(vertex.to_string(), steps.len());
                steps.push(Step {
                    stage,
                    step,
                    instruction,
                    line: None,
                    cached: false,
                    dependency_install: false,
                });
            }
        }
    }
    for s in &mut steps {
        if let Some(inst) = st.stages.get(s.stage).and_then(|v| v.get(s.step - 1)) {
            s.line = Some(inst.start_line);
            s.dependency_install = installs(inst);
        } else {
            // Not mapped: judge the text the engine printed.
            let text = format!("{}\n", s.instruction);
            let p = syntax::parse(&text);
            s.dependency_install = p.dockerfile.instructions.first().is_some_and(installs);
        }
    }
    steps
}

/// `STEP 3/7: COPY . .` or `[1/2] STEP 3/7: COPY . .`.
fn buildah_step(line: &str) -> Option<Step> {
    let (stage, rest) = match line.strip_prefix('[') {
        Some(r) => {
            let (k, rest) = r.split_once("] ")?;
            let (k, _) = k.split_once('/')?;
            (k.parse::<usize>().ok()?.checked_sub(1)?, rest)
        }
        None => (0, line),
    };
    let rest = rest.strip_prefix("STEP ")?;
    let (n, text) = rest.split_once(": ")?;
    let (n, _) = n.split_once('/')?;
    Some(Step {
        stage,
        step: n.parse().ok().filter(|n| *n >= 1)?,
        instruction: text.to_string(),
        line: None,
        cached: false,
        dependency_install: false,
    })
}

/// `[build 3/5] RUN ...`, `[2/4] COPY ...`, `[stage-1 2/3] ...`.
fn buildkit_step(text: &str, st: &Stages<'_>) -> Option<(usize, usize, String)> {
    let (inside, instruction) = text.strip_prefix('[')?.split_once("] ")?;
    let (stage_name, counts) = match inside.rsplit_once(' ') {
        Some((name, counts)) => (Some(name), counts),
        None => (None, inside),
    };
    let (n, _) = counts.split_once('/')?;
    let n: usize = n.parse().ok().filter(|n| *n >= 1)?;
    let stage = match stage_name {
        None => st.stages.len().checked_sub(1)?,
        Some("internal") => return None,
        Some(name) => *st.names.get(&name.to_ascii_lowercase())?,
    };
    Some((stage, n, instruction.to_string()))
}

/// The Dockerfile a build re-reads, and where the copy of the context is.
pub struct Copy {
    /// The temporary directory holding the copy.
    pub dir: tempfile::TempDir,
    /// The copied context.
    pub context: PathBuf,
}

/// Copy the context into a new temporary directory.
pub fn copy(context: &Path) -> std::io::Result<Copy> {
    let dir = tempfile::Builder::new()
        .prefix("slipway-verify-context-")
        .tempdir()?;
    let to = dir.path().join("context");
    copy_context(context, &to)?;
    Ok(Copy { dir, context: to })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY go.mod ./\nRUN go mod download\nCOPY . .\nRUN go build -o /app\nFROM scratch\nCOPY --from=build /app /app\n";

    #[test]
    fn buildah_steps_and_the_cache() {
        let log = "[1/2] STEP 1/6: FROM golang:1.23 AS build\n[1/2] STEP 2/6: WORKDIR /src\n--> Using cache abc\n--> abc\n[1/2] STEP 3/6: COPY go.mod ./\n--> Using cache def\n[1/2] STEP 4/6: RUN go mod download\n--> Using cache 123\n[1/2] STEP 5/6: COPY . .\n--> 456\n[1/2] STEP 6/6: RUN go build -o /app\nok\n--> 789\n[2/2] STEP 1/2: FROM scratch\n[2/2] STEP 2/2: COPY --from=build /app /app\n[2/2] COMMIT x\n";
        let steps = parse_steps(log, FILE);
        assert_eq!(steps.len(), 8);
        let ran: Vec<&str> = steps
            .iter()
            .filter(|s| !s.cached && s.step > 1)
            .map(|s| s.instruction.as_str())
            .collect();
        assert_eq!(
            ran,
            [
                "COPY . .",
                "RUN go build -o /app",
                "COPY --from=build /app /app"
            ]
        );
        let install = steps.iter().find(|s| s.dependency_install).unwrap();
        assert_eq!((install.line, install.cached), (Some(4), true));
    }

    #[test]
    fn buildkit_steps_and_the_cache() {
        let log = "#1 [internal] load build definition\n#5 [build 1/5] FROM docker.io/library/golang:1.23\n#6 [build 2/5] WORKDIR /src\n#6 CACHED\n#7 [build 3/5] COPY go.mod ./\n#7 CACHED\n#8 [build 4/5] RUN go mod download\n#8 DONE 3.1s\n#9 [stage-1 2/2] COPY --from=build /app /app\n";
        let steps = parse_steps(log, FILE);
        assert_eq!(steps.len(), 5);
        let install = steps.iter().find(|s| s.dependency_install).unwrap();
        assert!(!install.cached);
        assert_eq!(install.line, Some(4));
        assert_eq!((steps[4].stage, steps[4].line), (1, Some(8)));
    }

    #[test]
    fn the_touched_file_is_a_recent_copied_source() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("src")).unwrap();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::write(root.join("go.mod"), "module x\n").unwrap();
        std::fs::write(root.join("src/a.go"), "package a\n").unwrap();
        std::fs::write(root.join("notes.txt"), "n\n").unwrap();
        std::fs::write(root.join(".git/HEAD"), "x\n").unwrap();
        let file = "FROM x\nCOPY go.mod ./\nCOPY src/ ./src/\n";
        assert_eq!(pick_touch(root, file, None).as_deref(), Some("src/a.go"));
        let all = "FROM x\nCOPY . .\n";
        // The newest of a.go and notes.txt; neither go.mod nor .git.
        let picked = pick_touch(root, all, None).unwrap();
        assert!(picked == "src/a.go" || picked == "notes.txt", "{picked}");
        let ignore = vec!["notes.txt".to_string()];
        assert_eq!(
            pick_touch(root, all, Some(&ignore)).as_deref(),
            Some("src/a.go")
        );
        assert_eq!(pick_touch(root, "FROM x\nCOPY go.mod ./\n", None), None);
    }

    #[test]
    fn the_copy_leaves_out_git() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("ctx");
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        std::fs::write(root.join("a/b/c.txt"), "c").unwrap();
        std::os::unix::fs::symlink("a/b/c.txt", root.join("link")).unwrap();
        let c = copy(&root).unwrap();
        assert!(c.context.join("a/b/c.txt").is_file());
        assert!(c.context.join("link").is_symlink());
        assert!(!c.context.join(".git").exists());
        touch(&c.context.join("a/b/c.txt"), "").unwrap();
        assert_eq!(
            std::fs::read_to_string(c.context.join("a/b/c.txt")).unwrap(),
            "c\n"
        );
        assert_eq!(
            std::fs::read_to_string(root.join("a/b/c.txt")).unwrap(),
            "c"
        );
    }
}
