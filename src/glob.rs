//! The one glob matcher: Go's `filepath.Match` (what BuildKit matches
//! `COPY` and `ADD` sources with), BuildKit's `.dockerignore` patterns
//! (`filepath.Match` syntax with `**`, as moby/patternmatcher reads it), and
//! the POSIX shell's pathname patterns (what `rm -rf /tmp/*` removes).
//!
//! A pattern is compiled once into a list of operations and run as a
//! nondeterministic automaton over the path, one character at a time, with
//! the set of live positions in the pattern. The work is at most the
//! pattern's length times the path's, whatever the pattern: there is no
//! backtracking to blow up (`*a*a*a*a*b` against a long run of `a` costs the
//! same as any other pattern of its length). Both lengths are bounded by
//! [`MAX_LEN`] (Linux's `PATH_MAX`): a longer pattern is refused
//! ([`GlobError::TooLong`]), and a longer path matches nothing, so one
//! match costs at most about 16 million steps.
//!
//! The three flavours ([`Flavor`]) differ only where the tools differ:
//!
//! | | Go | DockerIgnore | Shell |
//! |---|---|---|---|
//! | `*` | a run without `/` | same | same |
//! | `**` | two `*` | see below | two `*` |
//! | `?` | one character but `/` | same | same |
//! | `[a-z]`, `[^a-z]` | a class, may match `/` | same | never matches `/` |
//! | `[!a-z]` | `!` is a member | same | negated |
//! | malformed class, trailing `\` | an error | an error | literal text |
//!
//! In the DockerIgnore flavour `**` follows moby/patternmatcher: at the end
//! of the pattern it matches anything (`/` included); elsewhere it (and a
//! `/` right after it) matches nothing or anything that ends with `/`
//! (`docs/**/*.png` matches `docs/a.png` and `docs/x/y/a.png`, and `a**b`
//! matches `ab` and `ax/b` but not `axb`); and a pattern that starts with
//! `**` followed by text without wildcards (`**foo`, `**/foo`) matches the
//! paths ending in that text (`**foo` matches `barfoo`; `**/foo` matches `foo`
//! and `a/foo`). BuildKit turns these patterns into a Go regular expression;
//! where that makes a valid `filepath.Match` pattern mean something else
//! (`\d` read as a digit class, `^` outside a class as an anchor, `[[:alpha:]]`
//! as a POSIX class) this matcher keeps the `filepath.Match` meaning.
//!
//! The shell flavour leaves out what needs a file system or shell options:
//! `*` here matches a leading `.` (a shell's `*` does not without
//! `dotglob`).

use std::fmt;

/// The longest pattern, and the longest path, in bytes (Linux's
/// `PATH_MAX`).
pub const MAX_LEN: usize = 4096;

/// Which tool's reading of a pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    /// Go's `filepath.Match` on Unix (BuildKit's `COPY` sources).
    Go,
    /// BuildKit's `.dockerignore` patterns (moby/patternmatcher).
    DockerIgnore,
    /// A POSIX shell's pathname pattern (`rm`, `cp`, `mv` operands).
    Shell,
}

/// Why a pattern was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GlobError {
    /// Malformed (Go's `ErrBadPattern`): an unclosed or empty class, a
    /// range with no end, a trailing `\`. `at` is the byte offset where
    /// the malformed part starts.
    Bad {
        /// Byte offset into the pattern.
        at: usize,
    },
    /// Longer than [`MAX_LEN`] bytes.
    TooLong,
}

impl fmt::Display for GlobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GlobError::Bad { at } => write!(f, "malformed pattern at byte {at}"),
            GlobError::TooLong => write!(f, "pattern longer than {MAX_LEN} bytes"),
        }
    }
}

impl std::error::Error for GlobError {}

/// One operation of a compiled pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Op {
    /// This character.
    Lit(char),
    /// `?`: one character but `/`.
    One,
    /// `[...]`.
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
        /// Whether the class may match `/` (not in a shell).
        slash: bool,
    },
    /// `*`: any run of characters without `/`.
    Star,
    /// Any run of characters, `/` included.
    Any,
    /// Nothing, or any run of characters ending with `/`.
    Dirs,
}

impl Op {
    /// Whether the operation can match the empty string (the automaton
    /// may step over it without reading).
    fn skippable(&self) -> bool {
        matches!(self, Op::Star | Op::Any | Op::Dirs)
    }
}

/// A compiled pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Glob {
    ops: Vec<Op>,
}

impl Glob {
    /// Compile `pattern` as `flavor` reads it.
    pub fn new(pattern: &str, flavor: Flavor) -> Result<Glob, GlobError> {
        if pattern.len() > MAX_LEN {
            return Err(GlobError::TooLong);
        }
        let chars: Vec<(usize, char)> = pattern.char_indices().collect();
        let mut ops = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let (at, c) = chars[i];
            i += 1;
            match c {
                '*' if flavor == Flavor::DockerIgnore && chars.get(i).map(|p| p.1) == Some('*') => {
                    i += 1;
                    if chars.get(i).map(|p| p.1) == Some('/') {
                        i += 1;
                    }
                    let rest = &chars[i..];
                    let plain_rest = rest
                        .iter()
                        .all(|&(_, c)| !matches!(c, '*' | '?' | '\\' | '[' | ']'));
                    if rest.is_empty() || (at == 0 && plain_rest && !pattern[2..].starts_with('/'))
                    {
                        ops.push(Op::Any);
                    } else {
                        ops.push(Op::Dirs);
                    }
                }
                '*' => {
                    if ops.last() != Some(&Op::Star) {
                        ops.push(Op::Star);
                    }
                }
                '?' => ops.push(Op::One),
                '\\' => match chars.get(i) {
                    Some(&(_, next)) => {
                        ops.push(Op::Lit(next));
                        i += 1;
                    }
                    None if flavor == Flavor::Shell => ops.push(Op::Lit('\\')),
                    None => return Err(GlobError::Bad { at }),
                },
                '[' => match class(&chars[i..], flavor) {
                    Some((op, used)) => {
                        ops.push(op);
                        i += used;
                    }
                    None if flavor == Flavor::Shell => ops.push(Op::Lit('[')),
                    None => return Err(GlobError::Bad { at }),
                },
                c => ops.push(Op::Lit(c)),
            }
        }
        Ok(Glob { ops })
    }

    /// Whether the pattern has no wildcard: it matches one path, itself
    /// (with its escapes removed).
    pub fn is_literal(&self) -> bool {
        self.ops.iter().all(|op| matches!(op, Op::Lit(_)))
    }

    /// Whether the pattern matches the whole of `path`.
    pub fn matches(&self, path: &str) -> bool {
        self.run(path, false)
    }

    /// Whether the pattern matches `path` or one of its parent directories
    /// (every non-empty prefix that ends before a `/`): what a
    /// `.dockerignore` line excludes, what `rm -rf` removes.
    pub fn matches_or_parent(&self, path: &str) -> bool {
        self.run(path, true)
    }

    fn run(&self, path: &str, parents: bool) -> bool {
        if path.len() > MAX_LEN {
            return false;
        }
        let n = self.ops.len();
        let mut cur = States::new(n + 1);
        let mut next = States::new(n + 1);
        cur.enter(0, &self.ops);
        for (i, c) in path.char_indices() {
            if parents && c == '/' && i > 0 && cur.has(n) {
                return true;
            }
            next.clear();
            for &k in &cur.list {
                let Some(op) = self.ops.get(k) else { continue };
                match op {
                    Op::Lit(x) if *x == c => next.enter(k + 1, &self.ops),
                    Op::One if c != '/' => next.enter(k + 1, &self.ops),
                    Op::Class {
                        negated,
                        ranges,
                        slash,
                    } if (*slash || c != '/')
                        && ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != *negated =>
                    {
                        next.enter(k + 1, &self.ops);
                    }
                    Op::Star if c != '/' => next.enter(k, &self.ops),
                    Op::Any => next.enter(k, &self.ops),
                    Op::Dirs => {
                        next.stay(k);
                        if c == '/' {
                            next.enter(k + 1, &self.ops);
                        }
                    }
                    _ => {}
                }
            }
            std::mem::swap(&mut cur, &mut next);
            if cur.list.is_empty() {
                return false;
            }
        }
        cur.has(n)
    }
}

/// Parse a class after its `[`: the operation and the characters used
/// (the closing `]` included), or `None` when it is malformed. Go's rules:
/// an optional `^` (and `!` in a shell), then one or more items, each a
/// character or `lo-hi`, where `\` escapes and an unescaped `-` or `]`
/// cannot be a character (a `]` after an item closes the class).
fn class(chars: &[(usize, char)], flavor: Flavor) -> Option<(Op, usize)> {
    let mut i = 0;
    let negated = match chars.first().map(|p| p.1) {
        Some('^') => true,
        Some('!') if flavor == Flavor::Shell => true,
        _ => false,
    };
    if negated {
        i += 1;
    }
    // One character of an item: escaped, or not `-` or `]`.
    let item = |i: &mut usize| -> Option<char> {
        let mut c = chars.get(*i)?.1;
        if c == '-' || c == ']' {
            return None;
        }
        if c == '\\' {
            *i += 1;
            c = chars.get(*i)?.1;
        }
        *i += 1;
        Some(c)
    };
    let mut ranges = Vec::new();
    loop {
        if chars.get(i).map(|p| p.1) == Some(']') && !ranges.is_empty() {
            i += 1;
            break;
        }
        let lo = item(&mut i)?;
        let mut hi = lo;
        if chars.get(i).map(|p| p.1) == Some('-') {
            i += 1;
            hi = item(&mut i)?;
        }
        ranges.push((lo, hi));
    }
    let slash = flavor != Flavor::Shell;
    Some((
        Op::Class {
            negated,
            ranges,
            slash,
        },
        i,
    ))
}

/// A set of positions in the pattern, with the order they were added in.
struct States {
    list: Vec<usize>,
    /// Whether a position is in the set.
    member: Vec<bool>,
    /// Whether a position was entered (and the positions after it that
    /// can be stepped over added), not only stayed in.
    entered: Vec<bool>,
}

impl States {
    fn new(len: usize) -> States {
        States {
            list: Vec::new(),
            member: vec![false; len],
            entered: vec![false; len],
        }
    }

    fn clear(&mut self) {
        for &k in &self.list {
            self.member[k] = false;
            self.entered[k] = false;
        }
        self.list.clear();
    }

    fn has(&self, k: usize) -> bool {
        self.member[k]
    }

    /// Stay in `k` (a `**` reading on) without stepping over it.
    fn stay(&mut self, k: usize) {
        if !self.member[k] {
            self.member[k] = true;
            self.list.push(k);
        }
    }

    /// Arrive at `k`, and step over every operation from it that can
    /// match nothing.
    fn enter(&mut self, mut k: usize, ops: &[Op]) {
        loop {
            if self.entered[k] {
                return;
            }
            self.entered[k] = true;
            self.stay(k);
            match ops.get(k) {
                Some(op) if op.skippable() => k += 1,
                _ => return,
            }
        }
    }
}

/// Whether `path` matches `pattern` read as `flavor`; a pattern refused by
/// [`Glob::new`] matches nothing.
pub fn matches(pattern: &str, path: &str, flavor: Flavor) -> bool {
    Glob::new(pattern, flavor).is_ok_and(|g| g.matches(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(pattern, path, matches)`; `None` for a refused pattern.
    fn check(flavor: Flavor, cases: &[(&str, &str, Option<bool>)]) {
        for &(pattern, path, want) in cases {
            let got = Glob::new(pattern, flavor).ok().map(|g| g.matches(path));
            assert_eq!(got, want, "{flavor:?}: {pattern:?} against {path:?}");
        }
    }

    #[test]
    fn go_filepath_match() {
        use Flavor::Go;
        check(
            Go,
            &[
                ("abc", "abc", Some(true)),
                ("abc", "abcd", Some(false)),
                ("", "", Some(true)),
                ("", "a", Some(false)),
                ("*", "", Some(true)),
                ("*", "abc", Some(true)),
                ("*", "a/b", Some(false)),
                ("*c", "abc", Some(true)),
                ("a*", "a", Some(true)),
                ("a*/b", "abc/b", Some(true)),
                ("a*/b", "a/c/b", Some(false)),
                ("a*b*c*d*e*/f", "axbxcxdxe/f", Some(true)),
                ("a*b*c*d*e*/f", "axbxcxdxexxx/f", Some(true)),
                ("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", Some(false)),
                ("a*b?c*x", "abxbbxdbxebxczzx", Some(true)),
                ("a*b?c*x", "abxbbxdbxebxczzy", Some(false)),
                ("**", "ab", Some(true)),
                ("**", "a/b", Some(false)),
                ("a?b", "a☺b", Some(true)),
                ("a?b", "a/b", Some(false)),
                ("a???b", "a☺b", Some(false)),
                ("ab[c]", "abc", Some(true)),
                ("ab[b-d]", "abc", Some(true)),
                ("ab[e-g]", "abc", Some(false)),
                ("ab[^c]", "abc", Some(false)),
                ("ab[^b-d]", "abc", Some(false)),
                ("ab[^e-g]", "abc", Some(true)),
                ("a[^a]b", "a☺b", Some(true)),
                ("a[^a][^a][^a]b", "a☺b", Some(false)),
                ("[a-ζ]*", "α", Some(true)),
                ("*[a-ζ]", "A", Some(false)),
                // A class is not kept from `/` (a negated one matches it).
                ("a[/]b", "a/b", Some(true)),
                ("a[^x]b", "a/b", Some(true)),
                // `!` is not a negation in Go.
                ("[!a]", "!", Some(true)),
                ("[!a]", "b", Some(false)),
                // Escapes, outside and inside a class.
                ("a\\*b", "a*b", Some(true)),
                ("a\\*b", "ab", Some(false)),
                ("a\\", "a", None),
                ("[\\]a]", "]", Some(true)),
                ("[\\-]", "-", Some(true)),
                ("[x\\-]", "x", Some(true)),
                ("[x\\-]", "-", Some(true)),
                ("[x\\-]", "z", Some(false)),
                ("[\\-x]", "x", Some(true)),
                ("[\\-x]", "a", Some(false)),
                // Malformed classes.
                ("[]a]", "]", None),
                ("[-]", "-", None),
                ("[x-]", "x", None),
                ("[-x]", "x", None),
                ("\\", "a", None),
                ("[a-b-c]", "a", None),
                ("[", "a", None),
                ("[^", "a", None),
                ("[^bc", "a", None),
                ("a[", "a", None),
                ("a[", "ab", None),
                ("*x", "xxx", Some(true)),
            ],
        );
    }

    #[test]
    fn shell_patterns() {
        use Flavor::Shell;
        check(
            Shell,
            &[
                ("/tmp/*", "/tmp/a.tgz", Some(true)),
                ("/tmp/*", "/tmp/a/b", Some(false)),
                ("/app/*.tgz", "/app/a.zip", Some(false)),
                ("[!a]", "b", Some(true)),
                ("[!a]", "a", Some(false)),
                ("[^a]", "b", Some(true)),
                ("a[/]b", "a/b", Some(false)),
                // What a shell leaves as text.
                ("a[", "a[", Some(true)),
                ("[]", "[]", Some(true)),
                ("a\\", "a\\", Some(true)),
            ],
        );
    }

    #[test]
    fn dockerignore_patterns() {
        use Flavor::DockerIgnore;
        check(
            DockerIgnore,
            &[
                ("**", "", Some(true)),
                ("**", "a/b/c", Some(true)),
                ("**/foo", "foo", Some(true)),
                ("**/foo", "a/b/foo", Some(true)),
                ("**/foo", "afoo", Some(false)),
                ("**foo", "afoo", Some(true)),
                ("**foo", "a/bfoo", Some(true)),
                ("**/*.go", "a.go", Some(true)),
                ("**/*.go", "x/y/a.go", Some(true)),
                ("**/*.go", "x/y/a.rs", Some(false)),
                ("docs/**/*.png", "docs/a.png", Some(true)),
                ("docs/**/*.png", "docs/x/y/a.png", Some(true)),
                ("docs/**/*.png", "docsa.png", Some(false)),
                ("docs/**", "docs/a/b", Some(true)),
                ("docs/**", "docs", Some(false)),
                ("a**", "abc/d", Some(true)),
                ("a**b", "ab", Some(true)),
                ("a**b", "ax/b", Some(true)),
                ("a**b", "axb", Some(false)),
                ("a/**/b/**/c", "a/b/c", Some(true)),
                ("a/**/b/**/c", "a/x/b/y/z/c", Some(true)),
                ("*.md", "README.md", Some(true)),
                ("*.md", "docs/README.md", Some(false)),
                ("file?.[a-c]", "file1.b", Some(true)),
                ("file?.[^a-c]", "file1.b", Some(false)),
                ("file?.[!a-c]", "file1.!", Some(true)),
                ("[", "[", None),
                ("a\\", "a", None),
            ],
        );
    }

    #[test]
    fn parents() {
        let g = Glob::new("node_modules", Flavor::DockerIgnore).unwrap();
        assert!(g.matches_or_parent("node_modules/a/b.js"));
        assert!(!g.matches_or_parent("src/node_modules"));
        let g = Glob::new("/tmp/*", Flavor::Shell).unwrap();
        assert!(g.matches_or_parent("/tmp/a/b/c"));
        assert!(!g.matches_or_parent("/tmp"));
        // The empty prefix before a leading `/` is not a parent.
        let g = Glob::new("*", Flavor::Shell).unwrap();
        assert!(!g.matches_or_parent("/a/b"));
        assert!(g.matches_or_parent("a/b"));
    }

    #[test]
    fn literal_and_limits() {
        assert!(Glob::new("a/b\\*", Flavor::Go).unwrap().is_literal());
        assert!(!Glob::new("a/*", Flavor::Go).unwrap().is_literal());
        let long = "*".repeat(MAX_LEN + 1);
        assert_eq!(Glob::new(&long, Flavor::Go), Err(GlobError::TooLong));
        let g = Glob::new("*", Flavor::Go).unwrap();
        assert!(g.matches(&"a".repeat(MAX_LEN)));
        assert!(!g.matches(&"a".repeat(MAX_LEN + 1)));
        assert_eq!(Glob::new("ab[", Flavor::Go), Err(GlobError::Bad { at: 2 }));
    }

    /// A brute-force matcher of `*`, `?` and literals, against which the
    /// automaton is checked on every small pattern and path.
    fn naive(p: &[char], s: &[char]) -> bool {
        match p.split_first() {
            None => s.is_empty(),
            Some(('*', rest)) => (0..=s.len())
                .take_while(|&k| k == 0 || s[k - 1] != '/')
                .any(|k| naive(rest, &s[k..])),
            Some(('?', rest)) => s.first().is_some_and(|&c| c != '/') && naive(rest, &s[1..]),
            Some((c, rest)) => s.first() == Some(c) && naive(rest, &s[1..]),
        }
    }

    #[test]
    fn agrees_with_a_brute_force_matcher() {
        let alphabet = ['a', '/', '*', '?'];
        let words = |len: usize, alpha: &[char]| -> Vec<Vec<char>> {
            let mut all = vec![vec![]];
            for _ in 0..len {
                let mut more = Vec::new();
                for w in &all {
                    for &c in alpha {
                        let mut w = w.clone();
                        w.push(c);
                        more.push(w);
                    }
                }
                all.extend(more);
            }
            all.sort();
            all.dedup();
            all
        };
        let patterns = words(4, &alphabet);
        let paths = words(5, &['a', 'b', '/']);
        for p in &patterns {
            let text: String = p.iter().collect();
            let g = Glob::new(&text, Flavor::Go).unwrap();
            for s in &paths {
                let path: String = s.iter().collect();
                assert_eq!(g.matches(&path), naive(p, s), "{text:?} against {path:?}");
            }
        }
    }
}
