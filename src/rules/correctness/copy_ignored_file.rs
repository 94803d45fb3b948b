//! `COPY` or `ADD` of a file that `.dockerignore` excludes from the context.

use crate::diagnostic::{Diagnostic, Severity};
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

/// Lexically clean a slash-separated path as Go's `path.Clean` does, then
/// drop a leading `/` (paths are relative to the context root).
fn clean(path: &str) -> String {
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

/// A compiled `.dockerignore` pattern.
#[derive(Debug)]
enum Token {
    Literal(char),
    /// `?`: one character other than `/`.
    One,
    /// `*`: any run of characters without `/`.
    Star,
    /// `**`: any run of characters, `/` included.
    Any,
    /// `**/`: zero or more whole directories.
    AnyDirs,
    /// `[...]`: a character class.
    Class {
        negated: bool,
        items: Vec<(char, char)>,
    },
}

fn compile(pattern: &str) -> Vec<Token> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '*' if chars.get(i + 1) == Some(&'*') => {
                if chars.get(i + 2) == Some(&'/') {
                    out.push(Token::AnyDirs);
                    i += 3;
                } else {
                    out.push(Token::Any);
                    i += 2;
                }
                continue;
            }
            '*' => out.push(Token::Star),
            '?' => out.push(Token::One),
            '\\' if i + 1 < chars.len() => {
                i += 1;
                out.push(Token::Literal(chars[i]));
            }
            '[' => {
                let mut j = i + 1;
                let negated = matches!(chars.get(j), Some('^' | '!'));
                if negated {
                    j += 1;
                }
                let mut items = Vec::new();
                let mut closed = false;
                while j < chars.len() {
                    if chars[j] == ']' && !items.is_empty() {
                        closed = true;
                        break;
                    }
                    let lo = chars[j];
                    if chars.get(j + 1) == Some(&'-') && j + 2 < chars.len() && chars[j + 2] != ']'
                    {
                        items.push((lo, chars[j + 2]));
                        j += 3;
                    } else {
                        items.push((lo, lo));
                        j += 1;
                    }
                }
                if closed {
                    out.push(Token::Class { negated, items });
                    i = j + 1;
                    continue;
                }
                out.push(Token::Literal('['));
            }
            c => out.push(Token::Literal(c)),
        }
        i += 1;
    }
    out
}

/// Whether `path` matches the whole token list. Backtracking is bounded by a
/// step budget, so hostile patterns cannot take unbounded time.
fn matches(tokens: &[Token], path: &[char], budget: &mut u32) -> bool {
    if *budget == 0 {
        return false;
    }
    *budget -= 1;
    let Some((first, rest)) = tokens.split_first() else {
        return path.is_empty();
    };
    match first {
        Token::Literal(c) => path.first() == Some(c) && matches(rest, &path[1..], budget),
        Token::One => path.first().is_some_and(|&c| c != '/') && matches(rest, &path[1..], budget),
        Token::Class { negated, items } => {
            path.first().is_some_and(|&c| {
                c != '/' && items.iter().any(|&(lo, hi)| lo <= c && c <= hi) != *negated
            }) && matches(rest, &path[1..], budget)
        }
        Token::Star => {
            let max = path.iter().position(|&c| c == '/').unwrap_or(path.len());
            (0..=max).any(|n| matches(rest, &path[n..], budget))
        }
        Token::Any => (0..=path.len()).any(|n| matches(rest, &path[n..], budget)),
        Token::AnyDirs => {
            matches(rest, path, budget)
                || path
                    .iter()
                    .enumerate()
                    .filter(|&(_, &c)| c == '/')
                    .any(|(n, _)| matches(rest, &path[n + 1..], budget))
        }
    }
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
    let chars: Vec<char> = src.chars().collect();
    // The path itself and every parent directory.
    let mut candidates = vec![chars.len()];
    candidates.extend(
        chars
            .iter()
            .enumerate()
            .filter(|&(_, &c)| c == '/')
            .map(|(n, _)| n),
    );
    lines.iter().rev().copied().find(|p| {
        let tokens = compile(&clean(p));
        candidates.iter().any(|&end| {
            let mut budget = 100_000;
            matches(&tokens, &chars[..end], &mut budget)
        })
    })
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
        assert_eq!(ignored_by(&pats(&["file?.[!a-c]"]), "file1.b"), None);
        // Exclusions make BuildKit skip the check altogether.
        assert_eq!(
            ignored_by(&pats(&["*.md", "!README.md"]), "CHANGES.md"),
            None
        );
    }
}
