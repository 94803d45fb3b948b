//! `COPY` or `ADD` of a file that `.dockerignore` excludes from the context.

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::dockerignore::{Pattern, clean};
use crate::rules::correctness::copy_paths;
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::syntax::Keyword;

/// The rule.
pub struct CopyIgnoredFile;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW121",
    name: "copy-ignored-file",
    category: Category::Correctness,
    severity: Severity::Warning,
    fix: FixKind::None,
    hadolint: &[],
    buildkit: &["CopyIgnoredFile"],
    default_enabled: false,
    summary: "`COPY` or `ADD` of a path that `.dockerignore` excludes",
    doc: include_str!("../../../rules/copy-ignored-file.md"),
};

/// The patterns of the build context's `.dockerignore`, one per line as
/// written; without them the rule has nothing to check.
fn dockerignore_patterns<'a>(cx: &Context<'a>) -> Option<&'a [String]> {
    cx.dockerignore
}

/// The `.dockerignore` patterns that exclude `source` (or one of its parent
/// directories), following BuildKit's check: nothing is reported when the
/// file has exclusions (`!pattern`), and the context root (`.`) only when a
/// pattern ignores everything (`*`, `**`, `**/*`).
pub fn ignored_by<'p>(patterns: &'p [String], source: &str) -> Option<&'p str> {
    let lines: Vec<&str> = patterns
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty() && !p.starts_with('#'))
        .collect();
    if lines.iter().any(|p| p.starts_with('!')) {
        return None;
    }
    let src = clean(source);
    if src == "." {
        return lines
            .iter()
            .find(|p| matches!(**p, "*" | "**" | "**/*"))
            .copied();
    }
    lines
        .iter()
        .rev()
        .copied()
        .find(|p| Pattern::new(&clean(p)).matches_or_parent(&src))
}

impl Rule for CopyIgnoredFile {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(patterns) = dockerignore_patterns(cx) else {
            return;
        };
        for (i, inst) in cx.instructions() {
            let add = match inst.keyword {
                Keyword::Copy => false,
                Keyword::Add => true,
                _ => continue,
            };
            // Sources from another stage or image are not in the context.
            if inst.flag("from").is_some() {
                continue;
            }
            let paths = copy_paths(inst);
            let [sources @ .., _dest] = paths.as_slice() else {
                continue;
            };
            for src in sources {
                if src.value.contains("://") || src.value.starts_with("git@") {
                    continue;
                }
                let Ok(expanded) = cx.model.expand(&src.value, i) else {
                    continue;
                };
                if !expanded.unset.is_empty() {
                    continue;
                }
                if let Some(pattern) = ignored_by(patterns, &expanded.value) {
                    out.push(cx.diag(
                        &META,
                        src.span,
                        format!(
                            "`{}` is excluded from the build context by the `.dockerignore` pattern `{pattern}`, so this `{}` cannot find it",
                            expanded.value,
                            if add { "ADD" } else { "COPY" }
                        ),
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ignored_by;

    fn pats(p: &[&str]) -> Vec<String> {
        p.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn matches_like_dockerignore() {
        let p = pats(&[
            "# comment",
            "*.md",
            "node_modules",
            "docs/**/*.png",
            "/build",
        ]);
        assert_eq!(ignored_by(&p, "README.md"), Some("*.md"));
        assert_eq!(ignored_by(&p, "sub/README.md"), None);
        assert_eq!(ignored_by(&p, "node_modules/x/y.js"), Some("node_modules"));
        assert_eq!(ignored_by(&p, "./node_modules"), Some("node_modules"));
        assert_eq!(ignored_by(&p, "docs/a/b/c.png"), Some("docs/**/*.png"));
        assert_eq!(ignored_by(&p, "docs/c.png"), Some("docs/**/*.png"));
        assert_eq!(ignored_by(&p, "build/out"), Some("/build"));
        assert_eq!(ignored_by(&p, "src/main.rs"), None);
        assert_eq!(ignored_by(&p, "."), None);
        assert_eq!(ignored_by(&pats(&["**"]), "."), Some("**"));
        assert_eq!(
            ignored_by(&pats(&["file?.[a-c]"]), "file1.b"),
            Some("file?.[a-c]")
        );
        assert_eq!(ignored_by(&pats(&["file?.[^a-c]"]), "file1.b"), None);
        // `!` in a class is one of its characters (Go and BuildKit), not a
        // negation.
        assert_eq!(
            ignored_by(&pats(&["file?.[!a-c]"]), "file1.b"),
            Some("file?.[!a-c]")
        );
        // Exclusions make BuildKit skip the check altogether.
        assert_eq!(
            ignored_by(&pats(&["*.md", "!README.md"]), "CHANGES.md"),
            None
        );
    }
}
