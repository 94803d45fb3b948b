//! The `.dockerignore` file of a build context.
//!
//! BuildKit reads `<Dockerfile name>.dockerignore` beside the Dockerfile when
//! it exists (for `web.Dockerfile`, `web.Dockerfile.dockerignore`), and
//! otherwise `.dockerignore` at the root of the context. Lines are Go
//! `filepath.Match` patterns with `**`; `#` starts a comment line; `!`
//! re-includes; leading and trailing whitespace is trimmed.

use crate::glob::{Flavor, Glob};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The ignore file that applies to `dockerfile` when its directory is the
/// build context, and its text.
pub fn find_for(dockerfile: &Path) -> Option<(PathBuf, String)> {
    let dir = context_dir(dockerfile);
    named_for(dockerfile)
        .into_iter()
        .chain([dir.join(".dockerignore")])
        .find_map(|p| std::fs::read_to_string(&p).ok().map(|t| (p, t)))
}

/// The patterns that apply to `dockerfile` (when it is a file) built with
/// the context `context`: `<Dockerfile name>.dockerignore` beside the
/// Dockerfile, else `.dockerignore` at the root of the context; `None`
/// when neither exists.
pub fn for_context(dockerfile: Option<&Path>, context: &Path) -> Option<Vec<String>> {
    dockerfile
        .and_then(named_for)
        .into_iter()
        .chain([context.join(".dockerignore")])
        .find_map(|p| std::fs::read_to_string(p).ok())
        .map(|t| patterns(&t))
}

/// The Dockerfile's directory, taken as its build context (`.` for a bare
/// file name).
fn context_dir(dockerfile: &Path) -> &Path {
    match dockerfile.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// `<Dockerfile name>.dockerignore` beside the Dockerfile.
fn named_for(dockerfile: &Path) -> Option<PathBuf> {
    let mut name = dockerfile.file_name()?.to_os_string();
    name.push(".dockerignore");
    Some(context_dir(dockerfile).join(name))
}

/// [`find_for`]'s patterns for many Dockerfiles, reading each directory's
/// shared `.dockerignore` once (a directory of many Dockerfiles otherwise
/// reads, or fails to open, the same file once per Dockerfile). Shared
/// between threads.
#[derive(Debug, Default)]
pub struct Cache {
    dirs: Mutex<HashMap<PathBuf, Option<Arc<[String]>>>>,
}

impl Cache {
    /// The patterns that apply to `dockerfile`: its own
    /// `<name>.dockerignore` when it exists, else its directory's
    /// `.dockerignore`; `None` when neither exists.
    pub fn patterns_for(&self, dockerfile: &Path) -> Option<Arc<[String]>> {
        if let Some(text) = named_for(dockerfile).and_then(|p| std::fs::read_to_string(p).ok()) {
            return Some(patterns(&text).into());
        }
        let dir = context_dir(dockerfile);
        let lock = || self.dirs.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(known) = lock().get(dir) {
            return known.clone();
        }
        // Read without holding the lock; two threads may both read it once.
        let found: Option<Arc<[String]>> = std::fs::read_to_string(dir.join(".dockerignore"))
            .ok()
            .map(|text| patterns(&text).into());
        lock().insert(dir.to_path_buf(), found.clone());
        found
    }
}

/// The patterns of an ignore file, in order, as written (comments and blank
/// lines dropped, whitespace trimmed).
pub fn patterns(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// Lexically clean a slash-separated path as Go's `path.Clean` does, then
/// drop a leading `/` (paths are relative to the context root); the root
/// itself is `.`.
pub fn clean(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// A path pattern as `.dockerignore` and BuildKit's file matching read it:
/// Go `filepath.Match` syntax (`*`, `?`, `[a-z]`, `\` escapes) with `**`
/// as moby/patternmatcher reads it ([`crate::glob`], the DockerIgnore
/// flavour). The pattern is matched against a whole cleaned path; matching
/// is bounded, so hostile patterns cannot take unbounded time. A malformed
/// pattern (BuildKit refuses the build) matches nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    glob: Option<Glob>,
}

impl Pattern {
    /// Compile a pattern (already cleaned with [`clean`] when it is a path).
    pub fn new(pattern: &str) -> Pattern {
        Pattern {
            glob: Glob::new(pattern, Flavor::DockerIgnore).ok(),
        }
    }

    /// Whether the pattern has a wildcard (`*`, `?`, `[...]`).
    pub fn has_wildcard(&self) -> bool {
        self.glob.as_ref().is_some_and(|g| !g.is_literal())
    }

    /// Whether the pattern matches the whole of `path`.
    pub fn matches(&self, path: &str) -> bool {
        self.glob.as_ref().is_some_and(|g| g.matches(path))
    }

    /// Whether the pattern matches `path` or one of its parent directories.
    pub fn matches_or_parent(&self, path: &str) -> bool {
        self.glob
            .as_ref()
            .is_some_and(|g| g.matches_or_parent(path))
    }
}

/// The patterns of an ignore file, compiled, deciding which files of the
/// context are sent to the builder, as BuildKit does: every pattern that
/// matches a path or one of its parents decides, the last one wins, and a
/// `!pattern` re-includes.
#[derive(Clone, Debug, Default)]
pub struct Matcher {
    patterns: Vec<(bool, Pattern)>,
}

impl Matcher {
    /// Compile the patterns of an ignore file (as [`patterns`] gives them).
    pub fn new(patterns: &[String]) -> Matcher {
        let patterns = patterns
            .iter()
            .map(|p| p.trim())
            .filter(|p| !p.is_empty() && !p.starts_with('#'))
            .map(|p| match p.strip_prefix('!') {
                Some(rest) => (true, Pattern::new(&clean(rest.trim()))),
                None => (false, Pattern::new(&clean(p))),
            })
            .collect();
        Matcher { patterns }
    }

    /// Whether the file has `!` patterns (a directory it excludes may then
    /// still have files that are sent).
    pub fn has_exclusions(&self) -> bool {
        self.patterns.iter().any(|(negated, _)| *negated)
    }

    /// Whether the context file at `path` (relative, `/`-separated) is left
    /// out of the build context.
    pub fn excludes(&self, path: &str) -> bool {
        let path = clean(path);
        let mut excluded = false;
        for (negated, pattern) in &self.patterns {
            if pattern.matches_or_parent(&path) {
                excluded = !negated;
            }
        }
        excluded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_prefers_the_dockerfiles_own_ignore_file_and_shares_the_directorys() {
        let dir = tempfile::tempdir().unwrap();
        let empty = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".dockerignore"), "# shared\nnode_modules\n").unwrap();
        std::fs::write(dir.path().join("web.Dockerfile.dockerignore"), "dist\n").unwrap();
        let cache = Cache::default();
        let of = |p: &Path| cache.patterns_for(p).map(|p| p.to_vec());
        let web = dir.path().join("web.Dockerfile");
        let api = dir.path().join("api.Dockerfile");
        assert_eq!(of(&web), Some(vec!["dist".to_string()]));
        assert_eq!(of(&api), Some(vec!["node_modules".to_string()]));
        // The same answers as the uncached lookup, asked twice.
        for p in [&web, &api, &empty.path().join("Dockerfile")] {
            let uncached = find_for(p).map(|(_, t)| patterns(&t));
            assert_eq!(of(p), uncached);
            assert_eq!(of(p), uncached);
        }
        assert_eq!(of(&empty.path().join("Dockerfile")), None);
    }

    #[test]
    fn matcher_follows_buildkit() {
        let m = Matcher::new(&patterns(
            "node_modules\n!node_modules/keep\n*.md\n!README.md\n/build\ndocs/**/*.png\n",
        ));
        assert!(m.excludes("node_modules/a/b.js"));
        assert!(!m.excludes("node_modules/keep"));
        assert!(!m.excludes("node_modules/keep/x"));
        assert!(m.excludes("CHANGES.md"));
        assert!(!m.excludes("README.md"));
        assert!(!m.excludes("sub/CHANGES.md"));
        assert!(m.excludes("build/out"));
        assert!(m.excludes("docs/a/b.png"));
        assert!(m.excludes("docs/b.png"));
        assert!(!m.excludes("src/main.rs"));
        assert!(m.has_exclusions());
        assert!(!Matcher::new(&[]).excludes("x"));
        assert!(Pattern::new("file?.[a-c]").matches("file1.b"));
        assert!(!Pattern::new("file?.[^a-c]").matches("file1.b"));
        // `!` in a class is a member, as in Go (and BuildKit's regexp).
        assert!(Pattern::new("file?.[!a-c]").matches("file1.b"));
        assert!(Pattern::new("file?.[!a-c]").matches("file1.!"));
        assert!(!Pattern::new("*.go").matches("a/b.go"));
        assert!(Pattern::new("*.go").has_wildcard());
        assert!(!Pattern::new("a/b.go").has_wildcard());
        assert_eq!(clean("./a//b/../c/"), "a/c");
        assert_eq!(clean("/"), ".");
    }

    #[test]
    fn reads_patterns() {
        assert_eq!(
            patterns("# comment\n\n  node_modules  \n!keep.md\n*.md\n"),
            vec!["node_modules", "!keep.md", "*.md"]
        );
    }

    #[test]
    fn prefers_the_dockerfile_specific_file() {
        let dir = std::env::temp_dir().join(format!("slipway-di-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(".dockerignore"), "a\n").unwrap();
        std::fs::write(dir.join("web.Dockerfile.dockerignore"), "b\n").unwrap();
        let (p, t) = find_for(&dir.join("web.Dockerfile")).unwrap();
        assert!(p.ends_with("web.Dockerfile.dockerignore"));
        assert_eq!(t, "b\n");
        let (p, _) = find_for(&dir.join("Dockerfile")).unwrap();
        assert!(p.ends_with(".dockerignore"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
