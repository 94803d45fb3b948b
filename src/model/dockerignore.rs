//! The `.dockerignore` file of a build context.
//!
//! BuildKit reads `<Dockerfile name>.dockerignore` beside the Dockerfile when
//! it exists (for `web.Dockerfile`, `web.Dockerfile.dockerignore`), and
//! otherwise `.dockerignore` at the root of the context. Lines are Go
//! `filepath.Match` patterns with `**`; `#` starts a comment line; `!`
//! re-includes; leading and trailing whitespace is trimmed.

use std::path::{Path, PathBuf};

/// The ignore file that applies to `dockerfile` when its directory is the
/// build context, and its text.
pub fn find_for(dockerfile: &Path) -> Option<(PathBuf, String)> {
    let dir = dockerfile.parent().unwrap_or(Path::new("."));
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let mut candidates = Vec::with_capacity(2);
    if let Some(name) = dockerfile.file_name() {
        let mut n = name.to_os_string();
        n.push(".dockerignore");
        candidates.push(dir.join(n));
    }
    candidates.push(dir.join(".dockerignore"));
    candidates
        .into_iter()
        .find_map(|p| std::fs::read_to_string(&p).ok().map(|t| (p, t)))
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

#[cfg(test)]
mod tests {
    use super::*;

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
