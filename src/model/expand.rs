//! Variable expansion for Dockerfile words, with the semantics of BuildKit's
//! shell lexer (`frontend/dockerfile/shell`).
//!
//! BuildKit does not run a shell to expand `$VAR` in instructions such as
//! `FROM`, `COPY`, `ENV` or `WORKDIR`: it has its own small lexer that
//! resembles a POSIX shell but differs from it in many details. A linter that
//! wants to know what an instruction *really* means has to reproduce those
//! details, so this module follows BuildKit rather than bash or POSIX.
//!
//! What is understood:
//!
//! * `$NAME` and `${NAME}`; a name is a run of letters, digits and `_`, a run
//!   of digits (`$1`, `$10`, `$001`), or one of the special characters
//!   `@ * # ? - $ ! 0`. Positional and special parameters are looked up in the
//!   environment like any other name (they are normally unset).
//! * `${NAME-word}`, `${NAME:-word}`, `${NAME+word}`, `${NAME:+word}`,
//!   `${NAME?word}`, `${NAME:?word}`; the colon forms treat an empty value as
//!   unset. The `word` is itself expanded, so `${A:-${B}}` nests.
//! * `${NAME#pat}`, `${NAME##pat}`, `${NAME%pat}`, `${NAME%%pat}` and
//!   `${NAME/pat/repl}`, `${NAME//pat/repl}` with `*` and `?` wildcards.
//! * Single quotes (everything literal), double quotes (only `$` expands, and
//!   the escape character escapes `"`, `$` and itself), and the escape
//!   character outside quotes (`\` by default, a backquote after the parser
//!   directive `` # escape=` ``).
//!
//! Everything else (`${#NAME}`, `${NAME:=word}`, `${NAME:0:2}`, `$(cmd)`,
//! arithmetic) is an error, as in BuildKit.
//!
//! Where BuildKit's behaviour is surprising, this module copies it and says so
//! in a comment marked "BuildKit quirk". Two deliberate limits are added that
//! BuildKit does not have: `${` may nest at most [`MAX_NESTING`] levels deep,
//! and pattern matching has a work budget, so that hostile input can neither
//! overflow the stack nor take unbounded time. The splitting of
//! [`Lexer::expand_words`] also departs from the newest BuildKit on one point,
//! explained there.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::hash::BuildHasher;

/// The deepest nesting of `${...}` accepted; one level more is an error.
///
/// BuildKit has no such limit (it recurses as deep as the input goes); real
/// Dockerfiles rarely nest more than two or three levels.
pub const MAX_NESTING: usize = 64;

/// Work budget (matcher steps) for all the pattern operations of one word.
const MATCH_BUDGET: u64 = 20_000_000;

/// A variable environment: the values of build arguments and `ENV` variables
/// visible where a word is expanded.
///
/// BuildKit's lookups are case-sensitive on Linux (only its Windows build
/// folds case), and implementations here are case-sensitive too.
pub trait Env {
    /// The value of `name`, or `None` when the variable is not set. A variable
    /// set to the empty string is `Some("")`, which is not the same as unset.
    fn get(&self, name: &str) -> Option<&str>;
}

impl<E: Env + ?Sized> Env for &E {
    fn get(&self, name: &str) -> Option<&str> {
        (**self).get(name)
    }
}

impl<S: BuildHasher> Env for HashMap<String, String, S> {
    fn get(&self, name: &str) -> Option<&str> {
        HashMap::get(self, name).map(String::as_str)
    }
}

impl Env for BTreeMap<String, String> {
    fn get(&self, name: &str) -> Option<&str> {
        BTreeMap::get(self, name).map(String::as_str)
    }
}

/// A list of `(name, value)` pairs; when a name occurs more than once the
/// last pair wins, as with BuildKit's `EnvsFromSlice`.
impl Env for [(String, String)] {
    fn get(&self, name: &str) -> Option<&str> {
        self.iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Same as the slice implementation: the last pair for a name wins.
impl Env for Vec<(String, String)> {
    fn get(&self, name: &str) -> Option<&str> {
        Env::get(self.as_slice(), name)
    }
}

/// Borrowed pairs, handy for literals; the last pair for a name wins.
impl Env for [(&str, &str)] {
    fn get(&self, name: &str) -> Option<&str> {
        self.iter().rev().find(|(k, _)| *k == name).map(|(_, v)| *v)
    }
}

/// Fixed-size arrays of borrowed pairs; the last pair for a name wins.
impl<const N: usize> Env for [(&str, &str); N] {
    fn get(&self, name: &str) -> Option<&str> {
        Env::get(self.as_slice(), name)
    }
}

/// An environment in which nothing is set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EmptyEnv;

impl Env for EmptyEnv {
    fn get(&self, _name: &str) -> Option<&str> {
        None
    }
}

/// The outcome of expanding one word.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expanded {
    /// The expanded text: quotes removed (unless `raw_quotes`), escapes
    /// applied (unless `raw_escapes`), variables substituted.
    pub value: String,
    /// Names of the variables looked up, in the order of their first lookup,
    /// each once. Inner expansions are looked up before outer ones, so
    /// `${A:-$B}` gives `["B", "A"]`. Positional and special parameters count
    /// (`$1` records `"1"`), as in BuildKit's matched/unmatched sets.
    pub used: Vec<String>,
    /// The subset of `used` that was not set in the environment, same order.
    pub unset: Vec<String>,
    /// The result split into words on unquoted whitespace, as BuildKit's
    /// `ProcessWords` does (see [`Lexer::expand_words`]).
    pub words: Vec<String>,
}

/// Why a word could not be expanded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpandError {
    /// What went wrong, worded like BuildKit's message where there is one.
    pub message: String,
    /// Byte offset in the input word where the problem is: the opening quote
    /// of an unterminated string, the `$` of a faulty `${...}`, or the
    /// offending modifier character.
    pub offset: usize,
}

impl ExpandError {
    fn new(offset: usize, message: impl Into<String>) -> Self {
        ExpandError {
            message: message.into(),
            offset,
        }
    }
}

impl fmt::Display for ExpandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte {})", self.message, self.offset)
    }
}

impl std::error::Error for ExpandError {}

/// Options of the lexer; they mirror the fields of BuildKit's `Lex`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lexer {
    /// The escape character: `\` by default, `` ` `` after `# escape=`` ` ``.
    pub escape: char,
    /// Keep quote characters in the result instead of removing them.
    pub raw_quotes: bool,
    /// Keep escape characters in the result instead of removing them.
    pub raw_escapes: bool,
    /// Leave references to unset variables as written (`$X`, `${X:-d}`)
    /// instead of substituting the empty string or the default.
    pub skip_unset: bool,
    /// Treat quote characters as ordinary characters.
    pub skip_process_quotes: bool,
}

impl Default for Lexer {
    fn default() -> Self {
        Lexer::new('\\')
    }
}

impl Lexer {
    /// A lexer with the given escape character and every option off.
    pub fn new(escape: char) -> Self {
        Lexer {
            escape,
            raw_quotes: false,
            raw_escapes: false,
            skip_unset: false,
            skip_process_quotes: false,
        }
    }

    /// Expand one word: quotes removed (unless `raw_quotes`), escapes applied
    /// (unless `raw_escapes`), variables substituted. The returned
    /// [`Expanded`] also carries the names looked up and the word split.
    pub fn expand_word(&self, word: &str, env: &dyn Env) -> Result<Expanded, ExpandError> {
        let mut run = Run::new(self, env, word);
        let (value, words) = run.word_until(None, self.raw_escapes)?;
        Ok(Expanded {
            value,
            used: run.used,
            unset: run.unset,
            words,
        })
    }

    /// Expand and split into words on unquoted whitespace, like BuildKit's
    /// `ProcessWords`.
    ///
    /// Whitespace that comes from a variable's value splits; whitespace inside
    /// quotes or after the escape character does not. BuildKit quirk: a word
    /// that ends up empty is dropped even when it was quoted, so `a "" b`
    /// gives `["a", "b"]` where a shell would give three words. Another
    /// quirk: the value of a `${...}` is split even when it came from a quoted
    /// default, so `${UNSET:-"x y"}` gives `["x", "y"]`.
    ///
    /// Recent BuildKit versions share one word buffer between nesting levels,
    /// which drops the text before a `${...}` that has a modifier
    /// (`ab${X:-c}d` comes out as the single word `cd`). That looks like an
    /// accident of an optimization and is not reproduced: each level keeps
    /// its own buffer, as in earlier BuildKit releases, giving `abcd`.
    pub fn expand_words(&self, word: &str, env: &dyn Env) -> Result<Vec<String>, ExpandError> {
        Ok(self.expand_word(word, env)?.words)
    }
}

/// Accumulates the words of [`Lexer::expand_words`].
#[derive(Default)]
struct Words {
    done: Vec<String>,
    current: String,
}

impl Words {
    /// A character that splits when it is whitespace.
    fn add_char(&mut self, c: char) {
        if c.is_whitespace() {
            if !self.current.is_empty() {
                self.done.push(std::mem::take(&mut self.current));
            }
        } else {
            self.current.push(c);
        }
    }

    /// A character that never splits (escaped or quoted).
    fn add_raw_char(&mut self, c: char) {
        self.current.push(c);
    }

    fn add_str(&mut self, s: &str) {
        for c in s.chars() {
            self.add_char(c);
        }
    }

    fn add_raw_str(&mut self, s: &str) {
        self.current.push_str(s);
    }

    fn finish(mut self) -> Vec<String> {
        if !self.current.is_empty() {
            self.done.push(self.current);
        }
        self.done
    }
}

/// The state of one expansion: a cursor over the input plus bookkeeping.
struct Run<'a> {
    lexer: &'a Lexer,
    env: &'a dyn Env,
    src: &'a str,
    pos: usize,
    depth: usize,
    budget: u64,
    seen: HashSet<String>,
    used: Vec<String>,
    unset: Vec<String>,
}

impl<'a> Run<'a> {
    fn new(lexer: &'a Lexer, env: &'a dyn Env, src: &'a str) -> Self {
        // BuildKit reads the word with Go's text/scanner, which silently
        // drops a byte-order mark at the very start of its input.
        let pos = if src.starts_with('\u{feff}') {
            '\u{feff}'.len_utf8()
        } else {
            0
        };
        Run {
            lexer,
            env,
            src,
            pos,
            depth: 0,
            budget: MATCH_BUDGET,
            seen: HashSet::new(),
            used: Vec::new(),
            unset: Vec::new(),
        }
    }

    fn peek(&self) -> Option<char> {
        self.src.get(self.pos..)?.chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn at_end(&self) -> bool {
        self.pos >= self.src.len()
    }

    /// Look a name up, recording it in `used` / `unset`.
    fn lookup(&mut self, name: &str) -> Option<String> {
        let value = self.env.get(name).map(str::to_owned);
        if self.seen.insert(name.to_owned()) {
            self.used.push(name.to_owned());
            if value.is_none() {
                self.unset.push(name.to_owned());
            }
        }
        value
    }

    /// Process text up to `stop` (consumed) or the end of input when `stop`
    /// is `None`. Returns the expanded text and its words. With `raw`, the
    /// escape character is kept in the output.
    fn word_until(
        &mut self,
        stop: Option<char>,
        raw: bool,
    ) -> Result<(String, Vec<String>), ExpandError> {
        let mut out = String::new();
        let mut words = Words::default();
        let quotes = !self.lexer.skip_process_quotes;
        while let Some(ch) = self.peek() {
            if Some(ch) == stop {
                self.bump();
                return Ok((out, words.finish()));
            }
            if ch == '$' {
                let s = self.dollar()?;
                words.add_str(&s);
                out.push_str(&s);
                continue;
            }
            if quotes && ch == '\'' {
                let s = self.single_quoted()?;
                words.add_raw_str(&s);
                out.push_str(&s);
                continue;
            }
            if quotes && ch == '"' {
                let s = self.double_quoted(raw)?;
                words.add_raw_str(&s);
                out.push_str(&s);
                continue;
            }
            self.bump();
            if ch == self.lexer.escape {
                if raw {
                    words.add_raw_char(ch);
                    out.push(ch);
                }
                // An escape character at the very end is dropped.
                let Some(next) = self.bump() else { break };
                words.add_raw_char(next);
                out.push(next);
            } else {
                words.add_char(ch);
                out.push(ch);
            }
        }
        match stop {
            Some(c) => Err(ExpandError::new(
                self.pos,
                format!("unexpected end of statement while looking for matching {c}"),
            )),
            None => Ok((out, words.finish())),
        }
    }

    /// `'...'`: everything literal up to the next single quote.
    fn single_quoted(&mut self) -> Result<String, ExpandError> {
        let start = self.pos;
        let mut out = String::new();
        let quote = self.bump();
        if self.lexer.raw_quotes {
            out.extend(quote);
        }
        loop {
            match self.bump() {
                None => {
                    return Err(ExpandError::new(
                        start,
                        "unexpected end of statement while looking for matching single-quote",
                    ));
                }
                Some('\'') => {
                    if self.lexer.raw_quotes {
                        out.push('\'');
                    }
                    return Ok(out);
                }
                Some(c) => out.push(c),
            }
        }
    }

    /// `"..."`: `$` expands; the escape character escapes `"`, `$` and
    /// itself and is kept literally before anything else.
    fn double_quoted(&mut self, raw: bool) -> Result<String, ExpandError> {
        let start = self.pos;
        let mut out = String::new();
        let quote = self.bump();
        if self.lexer.raw_quotes {
            out.extend(quote);
        }
        loop {
            match self.peek() {
                None => {
                    return Err(ExpandError::new(
                        start,
                        "unexpected end of statement while looking for matching double-quote",
                    ));
                }
                Some('"') => {
                    self.bump();
                    if self.lexer.raw_quotes {
                        out.push('"');
                    }
                    return Ok(out);
                }
                Some('$') => {
                    let s = self.dollar()?;
                    out.push_str(&s);
                }
                Some(c) => {
                    self.bump();
                    let mut emit = c;
                    if c == self.lexer.escape {
                        // BuildKit quirk: with raw escapes, an escape before
                        // an ordinary character is written twice (once here,
                        // once below as the literal character itself).
                        if raw {
                            out.push(c);
                        }
                        match self.peek() {
                            // A trailing escape is dropped; the missing
                            // closing quote is reported on the next turn.
                            None => continue,
                            Some(n) if n == '"' || n == '$' || n == self.lexer.escape => {
                                self.bump();
                                emit = n;
                            }
                            Some(_) => {}
                        }
                    }
                    out.push(emit);
                }
            }
        }
    }

    /// Read a parameter name at the cursor; empty when there is none.
    fn name(&mut self) -> String {
        let mut name = String::new();
        while let Some(c) = self.peek() {
            if name.is_empty() && is_digit(c) {
                while let Some(d) = self.peek().filter(|d| is_digit(*d)) {
                    self.bump();
                    name.push(d);
                }
                return name;
            }
            if name.is_empty() && is_special_param(c) {
                self.bump();
                name.push(c);
                return name;
            }
            if !(is_letter(c) || is_digit(c) || c == '_') {
                break;
            }
            self.bump();
            name.push(c);
        }
        name
    }

    /// `$...` at the cursor.
    fn dollar(&mut self) -> Result<String, ExpandError> {
        let start = self.pos;
        self.bump();
        if self.peek() != Some('{') {
            let name = self.name();
            if name.is_empty() {
                // `$` not followed by a name stays literal: `$.`, `$ `, `$'x'`.
                return Ok("$".to_owned());
            }
            return Ok(match self.lookup(&name) {
                Some(v) => v,
                None if self.lexer.skip_unset => format!("${name}"),
                None => String::new(),
            });
        }
        self.bump();
        if self.depth >= MAX_NESTING {
            return Err(ExpandError::new(
                start,
                format!("too many nested substitutions (more than {MAX_NESTING})"),
            ));
        }
        self.depth += 1;
        let result = self.braced(start);
        self.depth -= 1;
        result
    }

    /// The inside of `${...}`; the cursor is just after `${`.
    fn braced(&mut self, start: usize) -> Result<String, ExpandError> {
        match self.peek() {
            None => return Err(ExpandError::new(start, "syntax error: missing '}'")),
            Some('{' | '}' | ':') => {
                return Err(ExpandError::new(start, "syntax error: bad substitution"));
            }
            Some(_) => {}
        }
        // BuildKit quirk: the name may be empty here (`${+x}`, `${/a/b}`),
        // and is then looked up like any other name.
        let name = self.name();
        let op_pos = self.pos;
        let Some(ch) = self.bump() else {
            return Err(ExpandError::new(start, "syntax error: missing '}'"));
        };
        match ch {
            '}' => Ok(match self.lookup(&name) {
                Some(v) => v,
                None if self.lexer.skip_unset => format!("${{{name}}}"),
                None => String::new(),
            }),
            ':' => {
                let op = self.bump();
                self.modifier(start, op_pos, &name, op, true)
            }
            '+' | '-' | '?' | '#' | '%' => self.modifier(start, op_pos, &name, Some(ch), false),
            '/' => self.replace(start, &name),
            other => Err(ExpandError::new(
                op_pos,
                format!("unsupported modifier ({other}) in substitution"),
            )),
        }
    }

    /// Expand the word of a modifier up to `stop`. BuildKit reports any
    /// failure that leaves the cursor at the end of input as `eof_message`.
    fn nested(
        &mut self,
        stop: char,
        raw: bool,
        start: usize,
        eof_message: &str,
    ) -> Result<String, ExpandError> {
        match self.word_until(Some(stop), raw) {
            Ok((word, _)) => Ok(word),
            Err(_) if self.at_end() => Err(ExpandError::new(start, eof_message)),
            Err(e) => Err(e),
        }
    }

    /// `${NAME<op>word}` and `${NAME:<op>word}`.
    fn modifier(
        &mut self,
        start: usize,
        op_pos: usize,
        name: &str,
        op: Option<char>,
        colon: bool,
    ) -> Result<String, ExpandError> {
        let mut spelled = String::new();
        if colon {
            spelled.push(':');
        }
        if let Some(c) = op {
            spelled.push(c);
        }
        let unsupported = || {
            ExpandError::new(
                op_pos,
                format!("unsupported modifier ({spelled}) in substitution"),
            )
        };
        let is_pattern = matches!(op, Some('#' | '%'));
        if colon && is_pattern {
            return Err(unsupported());
        }
        // BuildKit quirk: the word is read *before* the operator is checked,
        // so `${A:}x}` reads `x` as the word and only then fails, and after
        // `${A:` anything up to the next `}` is consumed. Pattern words keep
        // their escapes so that `\*` can reach the pattern compiler.
        let word = self.nested('}', is_pattern, start, "syntax error: missing '}'")?;
        let value = self.lookup(name);
        if value.is_none() && self.lexer.skip_unset {
            // BuildKit quirk: this happens before the operator is validated,
            // so `${UNSET:=x}` is kept verbatim instead of failing.
            return Ok(format!("${{{name}{spelled}{word}}}"));
        }
        let empty_is_unset = |v: &Option<String>| match v {
            None => true,
            Some(s) => colon && s.is_empty(),
        };
        match op {
            Some('-') => Ok(if empty_is_unset(&value) {
                word
            } else {
                value.unwrap_or_default()
            }),
            Some('+') => Ok(if empty_is_unset(&value) {
                String::new()
            } else {
                word
            }),
            Some('?') => match value {
                None => {
                    let msg = if word.is_empty() {
                        "is not allowed to be unset"
                    } else {
                        word.as_str()
                    };
                    Err(ExpandError::new(start, format!("{name}: {msg}")))
                }
                Some(v) if colon && v.is_empty() => {
                    let msg = if word.is_empty() {
                        "is not allowed to be empty"
                    } else {
                        word.as_str()
                    };
                    Err(ExpandError::new(start, format!("{name}: {msg}")))
                }
                Some(v) => Ok(v),
            },
            Some(c @ ('#' | '%')) => {
                // BuildKit quirk: "longest match" is detected on the expanded
                // word, so `${A#"#x"}` and `${A#$P}` with P='#x' are greedy too.
                let (greedy, pattern) = match word.strip_prefix(c) {
                    Some(rest) => (true, rest),
                    None => (false, word.as_str()),
                };
                let value = value.unwrap_or_default();
                let trimmed = if c == '%' {
                    trim_suffix(pattern, &value, greedy, &mut self.budget)
                } else {
                    trim_prefix(pattern, &value, greedy, &mut self.budget)
                };
                trimmed.map_err(|e| pattern_error(start, pattern, e))
            }
            _ => Err(unsupported()),
        }
    }

    /// `${NAME/pattern/replacement}` and `${NAME//pattern/replacement}`.
    fn replace(&mut self, start: usize, name: &str) -> Result<String, ExpandError> {
        let all = self.peek() == Some('/');
        if all {
            self.bump();
        }
        let pattern = self.nested('/', true, start, "syntax error: missing '/' in ${}")?;
        let replacement = self.nested('}', true, start, "syntax error: missing '}'")?;
        let value = match self.lookup(name) {
            Some(v) => v,
            // BuildKit quirk: `//` comes back as a single `/`.
            None if self.lexer.skip_unset => {
                return Ok(format!("${{{name}/{pattern}/{replacement}}}"));
            }
            None => String::new(),
        };
        replace_in(&value, &pattern, &replacement, all, &mut self.budget)
            .map_err(|e| pattern_error(start, &pattern, e))
    }
}

fn pattern_error(start: usize, pattern: &str, e: PatternError) -> ExpandError {
    match e {
        PatternError::Syntax(msg) => ExpandError::new(
            start,
            format!("invalid pattern ({pattern}) in substitution: {msg}"),
        ),
        PatternError::TooExpensive => ExpandError::new(
            start,
            format!("pattern ({pattern}) is too expensive to match"),
        ),
    }
}

/// Go's `unicode.IsDigit` (category Nd), approximated for non-ASCII
/// characters by Rust's broader `is_numeric`.
fn is_digit(c: char) -> bool {
    c.is_numeric()
}

/// Go's `unicode.IsLetter` (category L), approximated for non-ASCII
/// characters by Rust's `is_alphabetic`.
fn is_letter(c: char) -> bool {
    c.is_alphabetic()
}

/// POSIX special parameters; each is a complete one-character name.
fn is_special_param(c: char) -> bool {
    matches!(c, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0')
}

// ---------------------------------------------------------------------------
// Patterns
//
// BuildKit turns a shell pattern into a Go regular expression and lets Go's
// regexp package (leftmost-first, like Perl) find the match. To reproduce the
// exact match chosen, the pattern is compiled here into a tiny program and run
// on a Pike VM with thread priorities, which gives the same leftmost-first
// answer in time linear in the text.
//
// BuildKit quirks carried over:
// * `[...]` is not a bracket expression: `[` and `]` match themselves.
// * `*` and `?` never match a newline (Go's `.` does not, by default).
// * The pattern escape is always `\`, whatever the Dockerfile escape is, and
//   only `\*`, `\?` and `\\` are valid; `\}` and `\/` mean `}` and `/`; any
//   other `\x` is an "invalid escape" error.
// * `${V%pat}` reverses the pattern and the value and trims a prefix; the
//   reversal keeps `\x` pairs together but a trailing lone `\` moves to the
//   front, so a pattern like `a*\` (an error for `#`) is accepted by `%`.
// * `${V//pat/repl}` expands `$0` / `${0}` in the replacement to the matched
//   text and `$$` to `$`, and drops other `$name` references (Go's
//   `ReplaceAllString` template rules), but `${V/pat/repl}` inserts the
//   replacement literally.
// ---------------------------------------------------------------------------

/// A failure while compiling or running a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum PatternError {
    Syntax(String),
    TooExpensive,
}

/// One element of a shell pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Lit(char),
    /// `?`: one character other than a newline.
    Any,
    /// `*`: any run of characters without a newline.
    Star,
}

fn tokenize(pattern: &str) -> Result<Vec<Tok>, PatternError> {
    let mut out = Vec::new();
    // BuildKit reads patterns with Go's text/scanner too, which drops a
    // leading byte-order mark.
    let pattern = pattern.strip_prefix('\u{feff}').unwrap_or(pattern);
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' => out.push(Tok::Star),
            '?' => out.push(Tok::Any),
            '\\' => {
                if matches!(chars.peek(), Some('}' | '/')) {
                    // The escape only protected the character from the
                    // `${...}` reader; the character itself comes next turn.
                    continue;
                }
                match chars.next() {
                    Some(e @ ('*' | '?' | '\\')) => out.push(Tok::Lit(e)),
                    Some(e) => {
                        return Err(PatternError::Syntax(format!("invalid escape '\\{e}'")));
                    }
                    None => {
                        return Err(PatternError::Syntax(
                            "invalid escape '\\' at end of pattern".to_owned(),
                        ));
                    }
                }
            }
            other => out.push(Tok::Lit(other)),
        }
    }
    Ok(out)
}

/// Reverse a pattern while keeping each `\x` pair in order, the way BuildKit
/// does before trimming a suffix.
fn reverse_pattern(pattern: &str) -> String {
    let mut units: Vec<(char, Option<char>)> = Vec::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            // A lone trailing backslash stays a unit of its own.
            units.push((c, chars.next()));
        } else {
            units.push((c, None));
        }
    }
    let mut out = String::with_capacity(pattern.len());
    for (a, b) in units.into_iter().rev() {
        out.push(a);
        if let Some(b) = b {
            out.push(b);
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Inst {
    Char(char),
    /// Any character except a newline.
    AnyNotNl,
    /// Try the first target, then the second.
    Split(usize, usize),
    Jmp(usize),
    Match,
}

fn compile(toks: &[Tok], greedy: bool) -> Vec<Inst> {
    let mut prog = Vec::with_capacity(toks.len() * 3 + 1);
    for tok in toks {
        match *tok {
            Tok::Lit(c) => prog.push(Inst::Char(c)),
            Tok::Any => prog.push(Inst::AnyNotNl),
            Tok::Star => {
                let here = prog.len();
                let (body, exit) = (here + 1, here + 3);
                prog.push(if greedy {
                    Inst::Split(body, exit)
                } else {
                    Inst::Split(exit, body)
                });
                prog.push(Inst::AnyNotNl);
                prog.push(Inst::Jmp(here));
            }
        }
    }
    prog.push(Inst::Match);
    prog
}

/// Scratch space for the Pike VM.
struct Vm<'p> {
    prog: &'p [Inst],
    /// For each instruction, the generation of the thread list it was last
    /// put on; generations keep increasing across searches.
    mark: Vec<usize>,
    generation: usize,
    stack: Vec<usize>,
}

impl<'p> Vm<'p> {
    fn new(prog: &'p [Inst]) -> Self {
        Vm {
            prog,
            mark: vec![0; prog.len()],
            generation: 0,
            stack: Vec::new(),
        }
    }

    /// Add the thread at `pc` (following jumps and splits in priority order)
    /// to `list`, skipping instructions already on it in generation `generation`.
    fn add(&mut self, list: &mut Vec<(usize, usize)>, generation: usize, pc: usize, start: usize) {
        self.stack.clear();
        self.stack.push(pc);
        while let Some(pc) = self.stack.pop() {
            let Some(mark) = self.mark.get_mut(pc) else {
                continue;
            };
            if *mark == generation {
                continue;
            }
            *mark = generation;
            match self.prog.get(pc) {
                Some(Inst::Jmp(x)) => self.stack.push(*x),
                Some(Inst::Split(x, y)) => {
                    self.stack.push(*y);
                    self.stack.push(*x);
                }
                Some(_) => list.push((pc, start)),
                None => {}
            }
        }
    }

    /// Leftmost-first search starting at `from`; with `anchored`, only a
    /// match starting exactly at `from` counts. Returns `(start, end)` in
    /// character indices.
    fn find(
        &mut self,
        text: &[char],
        from: usize,
        anchored: bool,
        budget: &mut u64,
    ) -> Result<Option<(usize, usize)>, PatternError> {
        self.generation += 1;
        let mut generation = self.generation;
        let mut clist: Vec<(usize, usize)> = Vec::new();
        let mut nlist: Vec<(usize, usize)> = Vec::new();
        let mut found = None;
        let mut i = from;
        self.add(&mut clist, generation, 0, from);
        loop {
            let current = text.get(i).copied();
            generation += 1;
            self.generation = generation;
            for &(pc, start) in &clist {
                *budget = budget.checked_sub(1).ok_or(PatternError::TooExpensive)?;
                match self.prog.get(pc) {
                    Some(Inst::Match) => {
                        // Lower-priority threads are cut off.
                        found = Some((start, i));
                        break;
                    }
                    Some(Inst::Char(c)) if current == Some(*c) => {
                        self.add(&mut nlist, generation, pc + 1, start);
                    }
                    Some(Inst::AnyNotNl) if current.is_some_and(|t| t != '\n') => {
                        self.add(&mut nlist, generation, pc + 1, start);
                    }
                    _ => {}
                }
            }
            std::mem::swap(&mut clist, &mut nlist);
            nlist.clear();
            if i >= text.len() {
                break;
            }
            i += 1;
            if found.is_none() && !anchored {
                // A new attempt starting here, at the lowest priority.
                self.add(&mut clist, generation, 0, i);
            }
            if clist.is_empty() {
                break;
            }
        }
        Ok(found)
    }
}

fn collect(chars: &[char]) -> String {
    chars.iter().collect()
}

/// `${V#pat}` / `${V##pat}`: drop the shortest / longest matching prefix.
fn trim_prefix(
    pattern: &str,
    value: &str,
    greedy: bool,
    budget: &mut u64,
) -> Result<String, PatternError> {
    let prog = compile(&tokenize(pattern)?, greedy);
    let text: Vec<char> = value.chars().collect();
    match Vm::new(&prog).find(&text, 0, true, budget)? {
        Some((_, end)) => Ok(collect(text.get(end..).unwrap_or_default())),
        None => Ok(value.to_owned()),
    }
}

/// `${V%pat}` / `${V%%pat}`: drop the shortest / longest matching suffix, by
/// trimming a prefix of the reversed value with the reversed pattern.
fn trim_suffix(
    pattern: &str,
    value: &str,
    greedy: bool,
    budget: &mut u64,
) -> Result<String, PatternError> {
    let reversed: String = value.chars().rev().collect();
    let trimmed = trim_prefix(&reverse_pattern(pattern), &reversed, greedy, budget)?;
    Ok(trimmed.chars().rev().collect())
}

/// `${V/pat/repl}` (first match) and `${V//pat/repl}` (every match).
fn replace_in(
    value: &str,
    pattern: &str,
    replacement: &str,
    all: bool,
    budget: &mut u64,
) -> Result<String, PatternError> {
    let prog = compile(&tokenize(pattern)?, true);
    let mut vm = Vm::new(&prog);
    let text: Vec<char> = value.chars().collect();
    let slice = |a: usize, b: usize| collect(text.get(a..b).unwrap_or_default());
    if !all {
        return Ok(match vm.find(&text, 0, false, budget)? {
            Some((s, e)) => {
                let mut out = slice(0, s);
                out.push_str(replacement);
                out.push_str(&slice(e, text.len()));
                out
            }
            None => value.to_owned(),
        });
    }
    // The replace-all loop of Go's regexp: empty matches right after a
    // previous match are skipped, and the search always advances.
    let mut out = String::new();
    let mut last_end = 0;
    let mut search = 0;
    while search <= text.len() {
        let Some((s, e)) = vm.find(&text, search, false, budget)? else {
            break;
        };
        out.push_str(&slice(last_end, s));
        if e > last_end || s == 0 {
            out.push_str(&expand_template(replacement, &slice(s, e)));
        }
        last_end = e;
        search = if search + 1 > e { search + 1 } else { e };
    }
    out.push_str(&slice(last_end, text.len()));
    Ok(out)
}

/// Go's `Regexp.Expand` for a pattern without capture groups: `$0`, `${0}`
/// become the matched text, `$$` a dollar, other well-formed `$name` / `${name}`
/// nothing, and a malformed `$` stays literal.
fn expand_template(template: &str, matched: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some((before, after)) = rest.split_once('$') {
        out.push_str(before);
        if let Some(after_dollar) = after.strip_prefix('$') {
            out.push('$');
            rest = after_dollar;
            continue;
        }
        match template_reference(after) {
            Some((name, tail)) => {
                if name == "0" {
                    out.push_str(matched);
                }
                rest = tail;
            }
            None => {
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The name after a `$` in a Go replacement template and the text after it.
fn template_reference(s: &str) -> Option<(&str, &str)> {
    let (braced, body) = match s.strip_prefix('{') {
        Some(b) => (true, b),
        None => (false, s),
    };
    let len: usize = body
        .chars()
        .take_while(|c| is_letter(*c) || is_digit(*c) || *c == '_')
        .map(char::len_utf8)
        .sum();
    if len == 0 {
        return None;
    }
    let (name, tail) = body.split_at_checked(len)?;
    if braced {
        return Some((name, tail.strip_prefix('}')?));
    }
    Some((name, tail))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn expand(word: &str, env: &dyn Env) -> Result<String, ExpandError> {
        Lexer::new('\\').expand_word(word, env).map(|e| e.value)
    }

    /// BuildKit's `envVarTest` data (rows for all platforms and for Unix),
    /// with `PWD=/home`, `SHELL=bash`, `KOREAN=한국어`, `NULL=` set.
    /// `None` means the word must fail to expand.
    const ENV_VAR_TABLE: &[(&str, Option<&str>)] = &[
        (r#"hello"#, Some(r#"hello"#)),
        (r#"he'll'o"#, Some(r#"hello"#)),
        (r#"he'llo"#, None),
        (r#"he\'llo"#, Some(r#"he'llo"#)),
        (r#"he\\'llo"#, None),
        (r#"abc\tdef"#, Some(r#"abctdef"#)),
        (r#""abc\tdef""#, Some(r#"abc\tdef"#)),
        (r#""abc\\tdef""#, Some(r#"abc\tdef"#)),
        (r#"'abc\tdef'"#, Some(r#"abc\tdef"#)),
        (r#"hello\"#, Some(r#"hello"#)),
        (r#"hello\\"#, Some(r#"hello\"#)),
        (r#""hello"#, None),
        (r#""hello\""#, None),
        (r#""hel'lo""#, Some(r#"hel'lo"#)),
        (r#"'hello"#, None),
        (r#"'hello\'"#, Some(r#"hello\"#)),
        (r#"'hello\there'"#, Some(r#"hello\there"#)),
        (r#"'hello\\there'"#, Some(r#"hello\\there"#)),
        (r#""''""#, Some(r#"''"#)),
        (r#"$."#, Some(r#"$."#)),
        (r#"he$1x"#, Some(r#"hex"#)),
        (r#"he$.x"#, Some(r#"he$.x"#)),
        (r#"he$pwd."#, Some(r#"he."#)),
        (r#"he$PWD"#, Some(r#"he/home"#)),
        (r#"he\$PWD"#, Some(r#"he$PWD"#)),
        (r#"he\\$PWD"#, Some(r#"he\/home"#)),
        (r#""he\$PWD""#, Some(r#"he$PWD"#)),
        (r#""he\\$PWD""#, Some(r#"he\/home"#)),
        (r#"\${}"#, Some(r#"${}"#)),
        (r#"\${}aaa"#, Some(r#"${}aaa"#)),
        (r#"he\${}"#, Some(r#"he${}"#)),
        (r#"he\${}xx"#, Some(r#"he${}xx"#)),
        (r#"${}"#, None),
        (r#"${}aaa"#, None),
        (r#"he${}"#, None),
        (r#"he${}xx"#, None),
        (r#"he${hi}"#, Some(r#"he"#)),
        (r#"he${hi}xx"#, Some(r#"hexx"#)),
        (r#"he${PWD}"#, Some(r#"he/home"#)),
        (r#"he${.}"#, None),
        (r#"he${XXX:-000}xx"#, Some(r#"he000xx"#)),
        (r#"he${PWD:-000}xx"#, Some(r#"he/homexx"#)),
        (r#"he${XXX:-$PWD}xx"#, Some(r#"he/homexx"#)),
        (r#"he${XXX:-${PWD:-yyy}}xx"#, Some(r#"he/homexx"#)),
        (r#"he${XXX:-${YYY:-yyy}}xx"#, Some(r#"heyyyxx"#)),
        (r#"he${XXX:YYY}"#, None),
        (r#"he${XXX:+${PWD}}xx"#, Some(r#"hexx"#)),
        (r#"he${PWD:+${XXX}}xx"#, Some(r#"hexx"#)),
        (r#"he${PWD:+${SHELL}}xx"#, Some(r#"hebashxx"#)),
        (r#"he${XXX:+000}xx"#, Some(r#"hexx"#)),
        (r#"he${PWD:+000}xx"#, Some(r#"he000xx"#)),
        (r#"'he${XX}'"#, Some(r#"he${XX}"#)),
        (r#""he${PWD}""#, Some(r#"he/home"#)),
        (r#""he'$PWD'""#, Some(r#"he'/home'"#)),
        (r#""$PWD""#, Some(r#"/home"#)),
        (r#"'$PWD'"#, Some(r#"$PWD"#)),
        (r#"'\$PWD'"#, Some(r#"\$PWD"#)),
        (r#"'"hello"'"#, Some(r#""hello""#)),
        (r#"he\$PWD"#, Some(r#"he$PWD"#)),
        (r#""he\$PWD""#, Some(r#"he$PWD"#)),
        (r#"'he\$PWD'"#, Some(r#"he\$PWD"#)),
        (r#"he${PWD"#, None),
        (r#"he${PWD:=000}xx"#, None),
        (r#"he${PWD:+${PWD}:}xx"#, Some(r#"he/home:xx"#)),
        (r#"he${XXX:-\$PWD:}xx"#, Some(r#"he$PWD:xx"#)),
        (r#"he${XXX:-\${PWD}z}xx"#, Some(r#"he${PWDz}xx"#)),
        (r#"안녕하세요"#, Some(r#"안녕하세요"#)),
        (r#"안'녕'하세요"#, Some(r#"안녕하세요"#)),
        (r#"안'녕하세요"#, None),
        (r#"안녕\'하세요"#, Some(r#"안녕'하세요"#)),
        (r#"안\\'녕하세요"#, None),
        (r#"안녕\t하세요"#, Some(r#"안녕t하세요"#)),
        (r#""안녕\t하세요""#, Some(r#"안녕\t하세요"#)),
        (r#"'안녕\t하세요"#, None),
        (r#"안녕하세요\"#, Some(r#"안녕하세요"#)),
        (r#"안녕하세요\\"#, Some(r#"안녕하세요\"#)),
        (r#""안녕하세요"#, None),
        (r#""안녕하세요\""#, None),
        (r#""안녕'하세요""#, Some(r#"안녕'하세요"#)),
        (r#"'안녕하세요"#, None),
        (r#"'안녕하세요\'"#, Some(r#"안녕하세요\"#)),
        (r#"안녕$1x"#, Some(r#"안녕x"#)),
        (r#"안녕$.x"#, Some(r#"안녕$.x"#)),
        (r#"안녕$pwd."#, Some(r#"안녕."#)),
        (r#"안녕$PWD"#, Some(r#"안녕/home"#)),
        (r#"안녕\$PWD"#, Some(r#"안녕$PWD"#)),
        (r#"안녕\\$PWD"#, Some(r#"안녕\/home"#)),
        (r#"안녕\${}"#, Some(r#"안녕${}"#)),
        (r#"안녕\${}xx"#, Some(r#"안녕${}xx"#)),
        (r#"안녕${}"#, None),
        (r#"안녕${}xx"#, None),
        (r#"안녕${hi}"#, Some(r#"안녕"#)),
        (r#"안녕${hi}xx"#, Some(r#"안녕xx"#)),
        (r#"안녕${PWD}"#, Some(r#"안녕/home"#)),
        (r#"안녕${.}"#, None),
        (r#"안녕${XXX:-000}xx"#, Some(r#"안녕000xx"#)),
        (r#"안녕${PWD:-000}xx"#, Some(r#"안녕/homexx"#)),
        (r#"안녕${XXX:-$PWD}xx"#, Some(r#"안녕/homexx"#)),
        (r#"안녕${XXX:-${PWD:-yyy}}xx"#, Some(r#"안녕/homexx"#)),
        (r#"안녕${XXX:-${YYY:-yyy}}xx"#, Some(r#"안녕yyyxx"#)),
        (r#"안녕${XXX:YYY}"#, None),
        (r#"안녕${XXX:+${PWD}}xx"#, Some(r#"안녕xx"#)),
        (r#"안녕${PWD:+${XXX}}xx"#, Some(r#"안녕xx"#)),
        (r#"안녕${PWD:+${SHELL}}xx"#, Some(r#"안녕bashxx"#)),
        (r#"안녕${XXX:+000}xx"#, Some(r#"안녕xx"#)),
        (r#"안녕${PWD:+000}xx"#, Some(r#"안녕000xx"#)),
        (r#"'안녕${XX}'"#, Some(r#"안녕${XX}"#)),
        (r#""안녕${PWD}""#, Some(r#"안녕/home"#)),
        (r#""안녕'$PWD'""#, Some(r#"안녕'/home'"#)),
        (r#"'"안녕"'"#, Some(r#""안녕""#)),
        (r#"안녕\$PWD"#, Some(r#"안녕$PWD"#)),
        (r#""안녕\$PWD""#, Some(r#"안녕$PWD"#)),
        (r#"'안녕\$PWD'"#, Some(r#"안녕\$PWD"#)),
        (r#"안녕${PWD"#, None),
        (r#"안녕${PWD:=000}xx"#, None),
        (r#"안녕${PWD:+${PWD}:}xx"#, Some(r#"안녕/home:xx"#)),
        (r#"안녕${XXX:-\$PWD:}xx"#, Some(r#"안녕$PWD:xx"#)),
        (r#"안녕${XXX:-\${PWD}z}xx"#, Some(r#"안녕${PWDz}xx"#)),
        (r#"$KOREAN"#, Some(r#"한국어"#)),
        (r#"안녕$KOREAN"#, Some(r#"안녕한국어"#)),
        (r#"${{aaa}"#, None),
        (r#"${aaa}}"#, Some(r#"}"#)),
        (r#"${aaa"#, None),
        (r#"${{aaa:-bbb}"#, None),
        (r#"${aaa:-bbb}}"#, Some(r#"bbb}"#)),
        (r#"${aaa:-bbb"#, None),
        (r#"${aaa:-bbb}"#, Some(r#"bbb"#)),
        (r#"${aaa:-${bbb:-ccc}}"#, Some(r#"ccc"#)),
        (r#"${aaa:-bbb ${foo}"#, None),
        (r#"${aaa:-bbb {foo}"#, Some(r#"bbb {foo"#)),
        (r#"${:}"#, None),
        (r#"${:-bbb}"#, None),
        (r#"${:+bbb}"#, None),
        // Positional parameters are never set in a Dockerfile.
        (r#"$1"#, Some(r#""#)),
        (r#"${1}"#, Some(r#""#)),
        (r#"${1:+bbb}"#, Some(r#""#)),
        (r#"${1:-bbb}"#, Some(r#"bbb"#)),
        (r#"$2"#, Some(r#""#)),
        (r#"${2}"#, Some(r#""#)),
        (r#"${2:+bbb}"#, Some(r#""#)),
        (r#"${2:-bbb}"#, Some(r#"bbb"#)),
        (r#"$3"#, Some(r#""#)),
        (r#"${3}"#, Some(r#""#)),
        (r#"${3:+bbb}"#, Some(r#""#)),
        (r#"${3:-bbb}"#, Some(r#"bbb"#)),
        (r#"$4"#, Some(r#""#)),
        (r#"${4}"#, Some(r#""#)),
        (r#"${4:+bbb}"#, Some(r#""#)),
        (r#"${4:-bbb}"#, Some(r#"bbb"#)),
        (r#"$5"#, Some(r#""#)),
        (r#"${5}"#, Some(r#""#)),
        (r#"${5:+bbb}"#, Some(r#""#)),
        (r#"${5:-bbb}"#, Some(r#"bbb"#)),
        (r#"$6"#, Some(r#""#)),
        (r#"${6}"#, Some(r#""#)),
        (r#"${6:+bbb}"#, Some(r#""#)),
        (r#"${6:-bbb}"#, Some(r#"bbb"#)),
        (r#"$7"#, Some(r#""#)),
        (r#"${7}"#, Some(r#""#)),
        (r#"${7:+bbb}"#, Some(r#""#)),
        (r#"${7:-bbb}"#, Some(r#"bbb"#)),
        (r#"$8"#, Some(r#""#)),
        (r#"${8}"#, Some(r#""#)),
        (r#"${8:+bbb}"#, Some(r#""#)),
        (r#"${8:-bbb}"#, Some(r#"bbb"#)),
        (r#"$9"#, Some(r#""#)),
        (r#"${9}"#, Some(r#""#)),
        (r#"${9:+bbb}"#, Some(r#""#)),
        (r#"${9:-bbb}"#, Some(r#"bbb"#)),
        (r#"$999"#, Some(r#""#)),
        (r#"${999}"#, Some(r#""#)),
        (r#"${999:+bbb}"#, Some(r#""#)),
        (r#"${999:-bbb}"#, Some(r#"bbb"#)),
        (r#"$999aaa"#, Some(r#"aaa"#)),
        (r#"${999}aaa"#, Some(r#"aaa"#)),
        (r#"${999:+bbb}aaa"#, Some(r#"aaa"#)),
        (r#"${999:-bbb}aaa"#, Some(r#"bbbaaa"#)),
        (r#"$001"#, Some(r#""#)),
        (r#"${001}"#, Some(r#""#)),
        (r#"${001:+bbb}"#, Some(r#""#)),
        (r#"${001:-bbb}"#, Some(r#"bbb"#)),
        (r#"$001aaa"#, Some(r#"aaa"#)),
        (r#"${001}aaa"#, Some(r#"aaa"#)),
        (r#"${001:+bbb}aaa"#, Some(r#"aaa"#)),
        (r#"${001:-bbb}aaa"#, Some(r#"bbbaaa"#)),
        // Special parameters are never set in a Dockerfile either.
        (r#"$@"#, Some(r#""#)),
        (r#"${@}"#, Some(r#""#)),
        (r#"${@:+bbb}"#, Some(r#""#)),
        (r#"${@:-bbb}"#, Some(r#"bbb"#)),
        (r#"$@@@"#, Some(r#"@@"#)),
        (r#"$@aaa"#, Some(r#"aaa"#)),
        (r#"${@}aaa"#, Some(r#"aaa"#)),
        (r#"${@:+bbb}aaa"#, Some(r#"aaa"#)),
        (r#"${@:-bbb}aaa"#, Some(r#"bbbaaa"#)),
        (r#"$*"#, Some(r#""#)),
        (r#"${*}"#, Some(r#""#)),
        (r#"${*:+bbb}"#, Some(r#""#)),
        (r#"${*:-bbb}"#, Some(r#"bbb"#)),
        (r#"$#"#, Some(r#""#)),
        (r#"${#}"#, Some(r#""#)),
        (r#"${#:+bbb}"#, Some(r#""#)),
        (r#"${#:-bbb}"#, Some(r#"bbb"#)),
        (r#"$?"#, Some(r#""#)),
        (r#"${?}"#, Some(r#""#)),
        (r#"${?:+bbb}"#, Some(r#""#)),
        (r#"${?:-bbb}"#, Some(r#"bbb"#)),
        (r#"$-"#, Some(r#""#)),
        (r#"${-}"#, Some(r#""#)),
        (r#"${-:+bbb}"#, Some(r#""#)),
        (r#"${-:-bbb}"#, Some(r#"bbb"#)),
        (r#"$$"#, Some(r#""#)),
        (r#"${$}"#, Some(r#""#)),
        (r#"${$:+bbb}"#, Some(r#""#)),
        (r#"${$:-bbb}"#, Some(r#"bbb"#)),
        (r#"$!"#, Some(r#""#)),
        (r#"${!}"#, Some(r#""#)),
        (r#"${!:+bbb}"#, Some(r#""#)),
        (r#"${!:-bbb}"#, Some(r#"bbb"#)),
        (r#"$0"#, Some(r#""#)),
        (r#"${0}"#, Some(r#""#)),
        (r#"${0:+bbb}"#, Some(r#""#)),
        (r#"${0:-bbb}"#, Some(r#"bbb"#)),
        // Set-but-empty versus unset, colon versus no colon.
        (r#"${NULL:-bbb}"#, Some(r#"bbb"#)),
        (r#"${NULL-bbb}"#, Some(r#""#)),
        (r#"${NULL:+bbb}"#, Some(r#""#)),
        (r#"${NULL+bbb}"#, Some(r#"bbb"#)),
        (r#"${NULL:?bbb}"#, None),
        (r#"${NULL?bbb}"#, Some(r#""#)),
        (r#"${aaa-bbb}"#, Some(r#"bbb"#)),
        (r#"${aaa+bbb}"#, Some(r#""#)),
        (r#"${aaa?bbb}"#, None),
        (r#"${PWD-bbb}"#, Some(r#"/home"#)),
        (r#"${PWD+bbb}"#, Some(r#"bbb"#)),
        (r#"${PWD?bbb}"#, Some(r#"/home"#)),
        (r#"${PWD#/}"#, Some(r#"home"#)),
        (r#"${PWD%e}"#, Some(r#"/hom"#)),
        (r#"${PWD:#/}"#, None),
        (r#"${PWD:%e}"#, None),
    ];

    #[test]
    fn buildkit_env_var_table() {
        let env = env_of(&[
            ("PWD", "/home"),
            ("SHELL", "bash"),
            ("KOREAN", "한국어"),
            ("NULL", ""),
        ]);
        for (i, (input, expected)) in ENV_VAR_TABLE.iter().enumerate() {
            let got = expand(input, &env);
            match expected {
                None => assert!(got.is_err(), "row {i}: {input:?} should fail, got {got:?}"),
                Some(want) => assert_eq!(
                    got.as_deref().ok(),
                    Some(*want),
                    "row {i}: {input:?} gave {got:?}"
                ),
            }
        }
    }

    /// BuildKit's `wordsTest`: `ENV` rows extend the environment, other rows
    /// are `input | comma-separated words` (or `error`).
    const WORDS_TABLE: &str = "\
hello | hello
hello${hi}bye | hellobye
ENV hi=hi
hello${hi}bye | hellohibye
ENV space=abc  def
hello${space}bye | helloabc,defbye
hello\"${space}\"bye | helloabc  defbye
hello \"${space}\"bye | hello,abc  defbye
ENV leading=  ab c
hello${leading}def | hello,ab,cdef
hello\"${leading}\" def | hello  ab c,def
hello\"${leading}\" | hello  ab c
hello${leading} | hello,ab,c
ENV trailing=ab c\x20\x20\x20
hello${trailing} | helloab,c
hello${trailing}d | helloab,c,d
hello\"${trailing}\"d | helloab c   d
hel\"lo${trailing}\" | helloab c\x20\x20\x20
hello\" there  \" | hello there \x20
hello there     | hello,there
hello\\ there | hello there
hello\" there | error
hello\\\" there | hello\",there
hello\"\\\\there\" | hello\\there
hello\"\\there\" | hello\\there
hello'\\\\there' | hello\\\\there
hello'\\there' | hello\\there
hello'$there' | hello$there
";

    #[test]
    fn buildkit_words_table() {
        let lexer = Lexer::new('\\');
        let mut env: Vec<(String, String)> = Vec::new();
        let mut rows = 0;
        for line in WORDS_TABLE.lines() {
            if let Some(assign) = line.strip_prefix("ENV ") {
                let (k, v) = assign.trim_start().split_once('=').expect("ENV row");
                env.push((k.to_owned(), v.to_owned()));
                continue;
            }
            let (input, expected) = line.split_once('|').expect("one | per row");
            let input = input.trim();
            let expected: Vec<&str> = expected.trim_start().split(',').collect();
            let got = match lexer.expand_words(input, &env) {
                Ok(words) => words,
                Err(_) => vec!["error".to_owned()],
            };
            assert_eq!(got, expected, "input {input:?}");
            rows += 1;
        }
        assert_eq!(rows, 24);
    }

    struct MatchCase {
        input: &'static str,
        env: &'static [(&'static str, &'static str)],
        expected: Option<&'static str>,
        used: &'static [&'static str],
        unset: &'static [&'static str],
    }

    const fn ok(
        input: &'static str,
        env: &'static [(&'static str, &'static str)],
        expected: &'static str,
        used: &'static [&'static str],
        unset: &'static [&'static str],
    ) -> MatchCase {
        MatchCase {
            input,
            env,
            expected: Some(expected),
            used,
            unset,
        }
    }

    const fn fails(input: &'static str, env: &'static [(&'static str, &'static str)]) -> MatchCase {
        MatchCase {
            input,
            env,
            expected: None,
            used: &[],
            unset: &[],
        }
    }

    const FOO_BAR: &[(&str, &str)] = &[("FOO", "xxx"), ("BAR", "")];

    /// BuildKit's `TestProcessWithMatches` table. BuildKit reports the
    /// matched and unmatched names as sets; here `used` lists every name in
    /// lookup order and `unset` the unmatched ones.
    const MATCH_TABLE: &[MatchCase] = &[
        ok("x", &[("DUMMY", "dummy")], "x", &[], &[]),
        ok(
            "x ${UNUSED}",
            &[("DUMMY", "dummy")],
            "x ",
            &["UNUSED"],
            &["UNUSED"],
        ),
        ok("x ${FOO}", &[("FOO", "y")], "x y", &["FOO"], &[]),
        ok(
            "${FOO-aaa} ${BAR-bbb} ${BAZ-ccc}",
            FOO_BAR,
            "xxx  ccc",
            &["FOO", "BAR", "BAZ"],
            &["BAZ"],
        ),
        ok(
            "${FOO:-aaa} ${BAR:-bbb} ${BAZ:-ccc}",
            FOO_BAR,
            "xxx bbb ccc",
            &["FOO", "BAR", "BAZ"],
            &["BAZ"],
        ),
        ok("${FOO:-}", FOO_BAR, "xxx", &["FOO"], &[]),
        ok("${FOO:-}", &[], "", &["FOO"], &["FOO"]),
        ok(
            "${FOO+aaa} ${BAR+bbb} ${BAZ+ccc}",
            FOO_BAR,
            "aaa bbb ",
            &["FOO", "BAR", "BAZ"],
            &["BAZ"],
        ),
        ok(
            "${FOO:+aaa} ${BAR:+bbb} ${BAZ:+ccc}",
            FOO_BAR,
            "aaa  ",
            &["FOO", "BAR", "BAZ"],
            &["BAZ"],
        ),
        ok("${FOO?aaa}", FOO_BAR, "xxx", &["FOO"], &[]),
        ok("${BAR?bbb}", FOO_BAR, "", &["BAR"], &[]),
        fails("${BAZ?ccc}", FOO_BAR),
        ok("${FOO:?aaa}", FOO_BAR, "xxx", &["FOO"], &[]),
        fails("${BAR:?bbb}", FOO_BAR),
        fails("${BAZ:?ccc}", FOO_BAR),
        fails("${BAZ:?}", FOO_BAR),
        fails("${FOO=aaa}", FOO_BAR),
        fails("${FOO=:aaa}", FOO_BAR),
        fails("${FOO=}", &[]),
        ok(
            r"${FOO#()[]{\}^$.\*\?|\\}",
            &[("FOO", r"()[]{}^$.*?|\x")],
            "x",
            &["FOO"],
            &[],
        ),
        ok(r"${FOO%%\**}", &[("FOO", "xx**")], "xx", &["FOO"], &[]),
        ok("${FOO#*x*y}", &[("FOO", "xxyy")], "y", &["FOO"], &[]),
        ok("${FOO#*}", &[("FOO", "xxyy")], "xxyy", &["FOO"], &[]),
        ok(
            "${FOO#$BAR}",
            &[("FOO", "xxyy"), ("BAR", "x")],
            "xyy",
            &["BAR", "FOO"],
            &[],
        ),
        ok(
            "${FOO#$BAR}",
            &[("FOO", "xxyy"), ("BAR", "")],
            "xxyy",
            &["BAR", "FOO"],
            &[],
        ),
        ok("${FOO#}", &[("FOO", "xxyy")], "xxyy", &["FOO"], &[]),
        ok("${FOO##*x}", &[("FOO", "xxyy")], "yy", &["FOO"], &[]),
        ok("${FOO##}", &[("FOO", "xxyy")], "xxyy", &["FOO"], &[]),
        ok(r"${FOO#?\?}", &[("FOO", "???y")], "?y", &["FOO"], &[]),
        ok(
            "${ABC:-.}${FOO%x}${ABC:-.}",
            &[("FOO", "xxyy")],
            ".xxyy.",
            &["ABC", "FOO"],
            &["ABC"],
        ),
        ok(r"${FOO%%\**\*}", &[("FOO", "a***yy*")], "a", &["FOO"], &[]),
        ok("${FOO%}", &[("FOO", "xxyy")], "xxyy", &["FOO"], &[]),
        ok(
            "${FOO%%$BAR}",
            &[("FOO", "xxyy"), ("BAR", "")],
            "xxyy",
            &["BAR", "FOO"],
            &[],
        ),
        ok(
            "${FOO/$NEEDLE/.} - ${FOO//$NEEDLE/.}",
            &[("FOO", "/foo*/*/*.txt"), ("NEEDLE", r"\*/")],
            "/foo.*/*.txt - /foo..*.txt",
            &["NEEDLE", "FOO"],
            &[],
        ),
        ok(
            "${FOO/$NEEDLE/} - ${FOO//$NEEDLE/}",
            &[("FOO", "/tmp/tmp/bar.txt"), ("NEEDLE", "/tmp")],
            "/tmp/bar.txt - /bar.txt",
            &["NEEDLE", "FOO"],
            &[],
        ),
        ok(
            "${FOO/$NEEDLE/$REPLACEMENT} - ${FOO//$NEEDLE/$REPLACEMENT}",
            &[
                ("FOO", "/a/foo/b/c.txt"),
                ("NEEDLE", "/?/"),
                ("REPLACEMENT", "/"),
            ],
            "/foo/b/c.txt - /foo/c.txt",
            &["NEEDLE", "REPLACEMENT", "FOO"],
            &[],
        ),
        ok(
            "${FOO/$NEEDLE/$REPLACEMENT}",
            &[
                ("FOO", "http://google.de"),
                ("NEEDLE", "http://"),
                ("REPLACEMENT", "https://"),
            ],
            "https://google.de",
            &["NEEDLE", "REPLACEMENT", "FOO"],
            &[],
        ),
        ok(
            r"${FOO//\//\/}",
            &[("FOO", "/tmp/foo.txt")],
            r"\/tmp\/foo.txt",
            &["FOO"],
            &[],
        ),
        // "Not guaranteed" behaviour in BuildKit, kept to pin down no panics.
        ok(
            "${FOO/$BAR/ww}",
            &[("FOO", "xxyy"), ("BAR", "")],
            "wwxxyy",
            &["BAR", "FOO"],
            &[],
        ),
        fails("${FOO//ww}", &[("FOO", "xxyy")]),
        fails("${FOO//}", &[("FOO", "xxyy")]),
        ok("${FOO///}", &[("FOO", "xxyy")], "xxyy", &["FOO"], &[]),
        ok("${FOO///}", &[], "", &["FOO"], &["FOO"]),
    ];

    #[test]
    fn buildkit_matches_table() {
        let lexer = Lexer::new('\\');
        for case in MATCH_TABLE {
            let env = env_of(case.env);
            let got = lexer.expand_word(case.input, &env);
            match case.expected {
                None => assert!(got.is_err(), "{:?} should fail: {got:?}", case.input),
                Some(want) => {
                    let got = got.unwrap_or_else(|e| panic!("{:?}: {e}", case.input));
                    assert_eq!(got.value, want, "{:?}", case.input);
                    assert_eq!(got.used, case.used, "{:?} used", case.input);
                    assert_eq!(got.unset, case.unset, "{:?} unset", case.input);
                }
            }
        }
    }

    #[test]
    fn buildkit_mandatory_variables() {
        let set = env_of(&[("VAR", "plain"), ("ARG", "x")]);
        let empty = env_of(&[("VAR", ""), ("ARG", "x")]);
        let unset = env_of(&[("ARG", "x")]);
        let no_empty = "${VAR:?message here$ARG}";
        let no_unset = "${VAR?message here$ARG}";

        assert_eq!(expand(no_empty, &set).as_deref(), Ok("plain"));
        let err = expand(no_empty, &empty).unwrap_err();
        assert!(err.message.contains("message herex"), "{err}");
        let err = expand(no_empty, &unset).unwrap_err();
        assert!(err.message.contains("message herex"), "{err}");

        assert_eq!(expand(no_unset, &set).as_deref(), Ok("plain"));
        assert_eq!(expand(no_unset, &empty).as_deref(), Ok(""));
        let err = expand(no_unset, &unset).unwrap_err();
        assert!(err.message.contains("message herex"), "{err}");
        assert_eq!(err.message, "VAR: message herex");
        assert_eq!(err.offset, 0);

        let err = expand("${VAR?}", &unset).unwrap_err();
        assert_eq!(err.message, "VAR: is not allowed to be unset");
        let err = expand("${VAR:?}", &empty).unwrap_err();
        assert_eq!(err.message, "VAR: is not allowed to be empty");
    }

    #[test]
    fn buildkit_release_file_name() {
        let word = "something-${VERSION}.${TARGETOS}-${TARGETARCH}${TARGETVARIANT:+-${TARGETVARIANT}}.tar.gz";
        let base = [
            ("VERSION", "v1.2.3"),
            ("TARGETOS", "linux"),
            ("TARGETARCH", "arm"),
            ("TARGETVARIANT", "v7"),
        ];
        assert_eq!(
            expand(word, &base).as_deref(),
            Ok("something-v1.2.3.linux-arm-v7.tar.gz")
        );
        let empty_variant = [
            ("VERSION", "v1.2.3"),
            ("TARGETOS", "linux"),
            ("TARGETARCH", "arm64"),
            ("TARGETVARIANT", ""),
        ];
        assert_eq!(
            expand(word, &empty_variant).as_deref(),
            Ok("something-v1.2.3.linux-arm64.tar.gz")
        );
        let no_variant = [
            ("VERSION", "v1.2.3"),
            ("TARGETOS", "linux"),
            ("TARGETARCH", "arm64"),
        ];
        let got = Lexer::default().expand_word(word, &no_variant).unwrap();
        assert_eq!(got.value, "something-v1.2.3.linux-arm64.tar.gz");
        assert_eq!(got.unset, ["TARGETVARIANT"]);
    }

    #[test]
    fn buildkit_pattern_conversion() {
        // The converter cases of BuildKit's TestConvertShellPatternToRegex,
        // expressed as token lists instead of regex text.
        use Tok::*;
        assert_eq!(tokenize("*"), Ok(vec![Star]));
        assert_eq!(tokenize("?"), Ok(vec![Any]));
        assert_eq!(tokenize(r"\*"), Ok(vec![Lit('*')]));
        let all: Vec<Tok> = r"(()[]{}^$.*?|\".chars().map(Lit).collect();
        assert_eq!(tokenize(r"(()[]{\}^$.\*\?|\\"), Ok(all));
        for bad in [r"\", r"\x", r"\\\"] {
            assert!(tokenize(bad).is_err(), "{bad:?}");
        }
        assert_eq!(tokenize(r"a\/b"), Ok(vec![Lit('a'), Lit('/'), Lit('b')]));
    }

    #[test]
    fn buildkit_reverse_pattern() {
        let cases = [
            (r"a\*c", r"c\*a"),
            (r"\\\ab", r"b\a\\"),
            (r"ab\", r"\ba"),
            (r"👽\🚀🖖", r"🖖\🚀👽"),
            (r"\\b", r"b\\"),
        ];
        for (input, want) in cases {
            assert_eq!(reverse_pattern(input), want, "{input:?}");
        }
    }

    #[test]
    fn skip_unset_keeps_references_verbatim() {
        let lexer = Lexer {
            skip_unset: true,
            ..Lexer::new('\\')
        };
        let env = [("SET", "v")];
        let cases = [
            ("$NOPE", "$NOPE"),
            ("${NOPE}", "${NOPE}"),
            ("${NOPE:-d}", "${NOPE:-d}"),
            ("${NOPE-d}", "${NOPE-d}"),
            ("${NOPE:?boom}", "${NOPE:?boom}"),
            ("${NOPE#x}", "${NOPE#x}"),
            ("${NOPE//a/b}", "${NOPE/a/b}"),
            ("${NOPE:=x}", "${NOPE:=x}"),
            ("$1", "$1"),
            ("$SET/${SET}", "v/v"),
            ("${NOPE:-$SET}", "${NOPE:-v}"),
        ];
        for (input, want) in cases {
            let got = lexer.expand_word(input, &env).map(|e| e.value);
            assert_eq!(got.as_deref(), Ok(want), "{input:?}");
        }
        // A set variable with an unsupported operator still fails.
        assert!(lexer.expand_word("${SET:=x}", &env).is_err());
    }

    #[test]
    fn raw_quotes_and_raw_escapes() {
        let raw_quotes = Lexer {
            raw_quotes: true,
            ..Lexer::new('\\')
        };
        let env = [("A", "1")];
        let got = raw_quotes.expand_word(r#"'$A' "$A" x"#, &env).unwrap();
        assert_eq!(got.value, r#"'$A' "1" x"#);

        let raw_escapes = Lexer {
            raw_escapes: true,
            ..Lexer::new('\\')
        };
        assert_eq!(
            raw_escapes.expand_word(r"a\$A\ b", &env).unwrap().value,
            r"a\$A\ b"
        );
        // BuildKit quirk: inside double quotes an escape before an ordinary
        // character comes out twice when escapes are kept.
        assert_eq!(
            raw_escapes.expand_word(r#""\a\"""#, &env).unwrap().value,
            r#"\\a\""#
        );
        // Modifier words are read with escapes processed even so.
        assert_eq!(
            raw_escapes.expand_word(r"${B:-\$x}", &env).unwrap().value,
            "$x"
        );
    }

    #[test]
    fn skip_process_quotes_treats_quotes_as_text() {
        let lexer = Lexer {
            skip_process_quotes: true,
            ..Lexer::new('\\')
        };
        let env = [("A", "1")];
        assert_eq!(
            lexer.expand_word(r#"'$A' "$A"#, &env).unwrap().value,
            r#"'1' "1"#
        );
    }

    #[test]
    fn backtick_escape() {
        let lexer = Lexer::new('`');
        let env = [("A", "1")];
        let cases = [
            (r"C:\path\$A", r"C:\path\1"),
            ("`$A", "$A"),
            ("a` b", "a b"),
            ("\"x`\"y\"", "x\"y"),
            ("\"`a\"", "`a"),
            ("end`", "end"),
            // The pattern escape stays a backslash whatever the escape is.
            (r"${A#\*}", "1"),
        ];
        for (input, want) in cases {
            let got = lexer.expand_word(input, &env).map(|e| e.value);
            assert_eq!(got.as_deref(), Ok(want), "{input:?}");
        }
        assert_eq!(
            lexer.expand_words("a` b c", &env).unwrap(),
            vec!["a b", "c"]
        );
    }

    #[test]
    fn words_split_only_unquoted_whitespace() {
        let lexer = Lexer::default();
        let env = [("V", " x  y "), ("E", "")];
        assert_eq!(
            lexer.expand_words(r#"a$V"b c"d"#, &env).unwrap(),
            vec!["a", "x", "y", "b cd"]
        );
        assert_eq!(lexer.expand_words("  a   b  ", &env).unwrap(), ["a", "b"]);
        // BuildKit quirk: empty quoted words vanish.
        assert_eq!(
            lexer.expand_words(r#"a "" '' b"#, &env).unwrap(),
            ["a", "b"]
        );
        assert!(lexer.expand_words("$E", &env).unwrap().is_empty());
        assert_eq!(
            lexer.expand_words("ab${E:-c d}e", &env).unwrap(),
            ["abc", "de"]
        );
        assert_eq!(lexer.expand_words("ab${E:-c}d", &env).unwrap(), ["abcd"]);
        assert_eq!(
            lexer
                .expand_words(r#"${E:-"x y"} "${E:-x y}""#, &env)
                .unwrap(),
            ["x", "y", "x y"]
        );
        let full = lexer.expand_word("p $V q", &env).unwrap();
        assert_eq!(full.value, "p  x  y  q");
        assert_eq!(full.words, ["p", "x", "y", "q"]);
    }

    #[test]
    fn used_and_unset_are_ordered_and_deduplicated() {
        let env = [("A", "a"), ("B", "")];
        let got = Lexer::default()
            .expand_word("$Z ${A:-$Y} $B $Z ${A} $1 $@", &env)
            .unwrap();
        assert_eq!(got.used, ["Z", "Y", "A", "B", "1", "@"]);
        assert_eq!(got.unset, ["Z", "Y", "1", "@"]);
        assert_eq!(got.value, " a   a  ");
    }

    #[test]
    fn lookups_are_case_sensitive() {
        let env = [("Foo", "1")];
        assert_eq!(expand("$Foo$FOO$foo", &env).as_deref(), Ok("1"));
    }

    #[test]
    fn dollar_without_a_name_stays_literal() {
        let env = [("A", "1")];
        let cases = [
            ("$", "$"),
            ("a$", "a$"),
            ("$ a", "$ a"),
            ("$/", "$/"),
            ("$'A'", "$A"),
            ("$\"A\"", "$A"),
            ("$$$", "$"),
            ("$_", ""),
            ("$A_B", ""),
            ("$A-B", "1-B"),
            ("$Aé", ""),
            ("\"$\"", "$"),
        ];
        for (input, want) in cases {
            assert_eq!(expand(input, &env).as_deref(), Ok(want), "{input:?}");
        }
    }

    #[test]
    fn error_offsets_point_at_the_problem() {
        let env = [("A", "")];
        let cases: [(&str, usize, &str); 11] = [
            ("ab'cd", 2, "single-quote"),
            ("ab\"cd", 2, "double-quote"),
            ("x${", 1, "missing '}'"),
            ("x${A", 1, "missing '}'"),
            ("x${A:-b", 1, "missing '}'"),
            ("xy${}", 2, "bad substitution"),
            ("${:-a}", 0, "bad substitution"),
            ("${A=b}", 3, "unsupported modifier (=)"),
            ("${A:=b}", 3, "unsupported modifier (:=)"),
            ("ab${A//x}", 2, "missing '/'"),
            ("é${A:?oops}", 2, "A: oops"),
        ];
        for (input, offset, text) in cases {
            let err = expand(input, &env).unwrap_err();
            assert_eq!(err.offset, offset, "{input:?}: {err}");
            assert!(err.message.contains(text), "{input:?}: {err}");
        }
        let err = expand("'x", &env).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unexpected end of statement while looking for matching single-quote (at byte 0)"
        );
    }

    #[test]
    fn buildkit_colon_quirks() {
        let env = [("A", "v")];
        // `${A:}` reads on to the next `}` before rejecting the modifier.
        assert!(expand("${A:}", &env).is_err());
        let err = expand("${A:}x}", &env).unwrap_err();
        assert!(err.message.contains("(:})"), "{err}");
        assert!(expand("${A:", &env).is_err());
        assert!(expand("${A:#x}", &env).is_err());
        // An empty name is looked up like any other.
        let got = Lexer::default().expand_word("${+x}${/a/b}", &env).unwrap();
        assert_eq!(got.value, "");
        assert_eq!(got.used, [""]);
        assert!(expand("${#A}", &env).is_err());
        assert!(expand("${A:0:1}", &env).is_err());
    }

    #[test]
    fn patterns_follow_go_regexp_semantics() {
        let env = [
            ("P", "a/b/c.tar.gz"),
            ("NL", "ab\ncd"),
            ("BR", "x[ab]y"),
            ("E", "aé€😀b"),
        ];
        let cases = [
            ("${P#*/}", "b/c.tar.gz"),
            ("${P##*/}", "c.tar.gz"),
            ("${P%.*}", "a/b/c.tar"),
            ("${P%%.*}", "a/b/c"),
            ("${P%/*}", "a/b"),
            ("${P%%/*}", "a"),
            ("${P#a?b}", "/c.tar.gz"),
            ("${P#zz}", "a/b/c.tar.gz"),
            ("${P/?/X}", "X/b/c.tar.gz"),
            ("${P//[/X}", "a/b/c.tar.gz"),
            // `*` does not cross a newline.
            ("${NL#*d}", "ab\ncd"),
            ("${NL##*b}", "\ncd"),
            ("${NL%%c*}", "ab\n"),
            ("${NL//?/.}", "..\n.."),
            // Brackets are literal.
            ("${BR#x[ab]}", "y"),
            ("${BR/[ab]/-}", "x-y"),
            // Multi-byte characters are single characters.
            ("${E#a?}", "€😀b"),
            ("${E%??b}", "aé"),
            ("${E//?/.}", "....."),
        ];
        for (input, want) in cases {
            assert_eq!(expand(input, &env).as_deref(), Ok(want), "{input:?}");
        }
        assert!(expand(r"${P#\x}", &env).is_err());
        let err = expand(r"${P/\a/b}", &env).unwrap_err();
        assert!(err.message.contains("invalid pattern"), "{err}");
    }

    #[test]
    fn replace_all_uses_go_template_rules() {
        let env = [("V", "abcabc"), ("T", "[$0]"), ("U", "<${0}$$$x${x}$>")];
        assert_eq!(expand("${V//b/$T}", &env).as_deref(), Ok("a[b]ca[b]c"));
        assert_eq!(expand("${V/b/$T}", &env).as_deref(), Ok("a[$0]cabc"));
        assert_eq!(expand("${V//b/$U}", &env).as_deref(), Ok("a<b$$>ca<b$$>c"));
        // Empty matches: every position, but not right after a match.
        assert_eq!(expand("${V//*/-}", &env).as_deref(), Ok("-"));
        assert_eq!(expand("${V///-}", &env).as_deref(), Ok("-a-b-c-a-b-c-"));
        assert_eq!(expand("${V/c*/}", &env).as_deref(), Ok("ab"));
    }

    /// Pattern operations checked against Go's regexp package: each row was
    /// produced by running BuildKit's pattern conversion in Go (operator,
    /// value V, pattern P, replacement R, result or `None` for an error).
    const GO_REGEXP_CASES: &[(&str, &str, &str, &str, Option<&str>)] = &[
        ("%", r#"bééb"#, "\n\\\\/\\", r#"é"#, Some(r#"bééb"#)),
        ("%", r#"baba/**"#, r#"}\"#, r#""#, Some(r#"baba/**"#)),
        ("%", r#"aa"#, r#"/\***\"#, r#"$$"#, Some(r#"aa"#)),
        ("#", r#"a"#, r#"a\"#, r#"0$0é"#, None),
        (
            "//",
            r#"*/?0}ba$]"#,
            r#""#,
            r#"${0}$0$$"#,
            Some(r#"$*$/$?$0$}$b$a$$$]$"#),
        ),
        ("//", r#"?a"#, r#"*a"#, r#"}$$0"#, Some(r#"}$0"#)),
        (
            "//",
            r#"]\$a?ab?\"#,
            r#"a"#,
            r#"${0}$0${0}"#,
            Some(r#"]\$aaa?aaab?\"#),
        ),
        ("//", r#"?/?$"#, r#""#, r#"}$0"#, Some(r#"}?}/}?}$}"#)),
        (
            "//",
            "\n}?.b$b]",
            r#""#,
            r#"${0}${$0"#,
            Some("${\n${}${?${.${b${$${b${]${"),
        ),
        ("//", r#"b/"#, r#""#, r#"${0}$0$$"#, Some(r#"$b$/$"#)),
        ("%", "ba\\[*]\na*", r#"\*"#, r#"{"#, Some("ba\\[*]\na")),
        ("//", "😀\\}\n", r#"*"#, r#"$${"#, Some("${\n${")),
        ("/", "\\}bé\nb.*", r#"}**"#, r#""#, Some("\\\nb.*")),
        ("#", "*a*\n{", r#"*?a"#, r#""#, Some("*\n{")),
        ("//", "éa\n😀[.\n/é\\", r#"*"#, r#"{"#, Some("{\n{\n{")),
        ("//", "\n.$", r#"**"#, r#"é\"#, Some("é\\\né\\")),
        ("%%", r#"b]*"#, r#"*\*"#, r#"$"#, Some(r#""#)),
        ("%%", r#"a[/😀.aa]["#, r#"**"#, r#""#, Some(r#""#)),
        ("##", r#"a/bb}"#, r#"a**b"#, r#"}"#, Some(r#"}"#)),
        ("##", r#"$./]"#, r#"**"#, r#"é"#, Some(r#""#)),
        ("%", "😀{\n//$", r#"*/?**"#, r#""#, Some("😀{\n/")),
        ("%", r#"*[0.{b*"#, r#"*{*"#, r#"${"#, Some(r#"*[0."#)),
        ("%", r#"aabb[$0"#, r#"*$*"#, r#""#, Some(r#"aabb["#)),
        ("%", r#"*😀bb"#, r#"\**"#, r#""#, Some(r#""#)),
        ("//", r#"*"#, r#""#, r#"é$0"#, Some(r#"é*é"#)),
        (
            "/",
            r#"/aé😀\}é]"#,
            r#"\/"#,
            r#"$xé{"#,
            Some(r#"$xé{aé😀\}é]"#),
        ),
        ("/", r#"{/é.bb"#, r#"\/*"#, r#"}$0${"#, Some(r#"{}$0${"#)),
        (
            "//",
            r#"aab}/[b0]{"#,
            r#"["#,
            r#"\é0"#,
            Some(r#"aab}/\é0b0]{"#),
        ),
        ("/", "\n?[0$.*a", r#"["#, r#""#, Some("\n?0$.*a")),
        ("%", r#"\😀b]"#, r#"a\"#, r#"$"#, None),
        ("/", r#"$?\$$[ab"#, "\\*$\\?\n\\", r#"x"#, None),
        ("#", r#"[😀"#, r#"?"#, r#"$}"#, Some(r#"😀"#)),
        ("//", "{{\n}*/[\\😀", r#"*?"#, r#"${$x"#, Some("${\n${")),
        (
            "##",
            r#"?bb?ba😀].}"#,
            r#"\?"#,
            r#"${0"#,
            Some(r#"bb?ba😀].}"#),
        ),
    ];

    #[test]
    fn go_regexp_reference_cases() {
        for (op, v, p, r, want) in GO_REGEXP_CASES {
            let word = match *op {
                "/" | "//" => format!("${{V{op}$P/$R}}"),
                _ => format!("${{V{op}$P}}"),
            };
            let env = [("V", *v), ("P", *p), ("R", *r)];
            let got = expand(&word, &env);
            assert_eq!(
                got.as_deref().ok(),
                *want,
                "{word} with V={v:?} P={p:?} R={r:?}: {got:?}"
            );
        }
    }

    #[test]
    fn expand_template_cases() {
        assert_eq!(expand_template("$0", "m"), "m");
        assert_eq!(expand_template("${0}x", "m"), "mx");
        assert_eq!(expand_template("$0x", "m"), "");
        assert_eq!(expand_template("$$0", "m"), "$0");
        assert_eq!(expand_template("$", "m"), "$");
        assert_eq!(expand_template("a$.b", "m"), "a$.b");
        assert_eq!(expand_template("${0", "m"), "${0");
        assert_eq!(expand_template("$00", "m"), "");
        assert_eq!(expand_template("${}", "m"), "${}");
    }

    #[test]
    fn byte_order_mark_at_start_is_ignored() {
        let env = [("A", "1")];
        let got = expand("\u{feff}$A", &env);
        assert_eq!(got.as_deref(), Ok("1"));
        assert_eq!(expand("x\u{feff}", &env).as_deref(), Ok("x\u{feff}"));
        let err = expand("\u{feff}'", &env).unwrap_err();
        assert_eq!(err.offset, 3);
    }

    #[test]
    fn nesting_is_bounded() {
        let nest = |n: usize| format!("{}x{}", "${A:-".repeat(n), "}".repeat(n));
        let env = EmptyEnv;
        assert_eq!(expand(&nest(MAX_NESTING), &env).as_deref(), Ok("x"));
        let err = expand(&nest(MAX_NESTING + 1), &env).unwrap_err();
        assert!(err.message.contains("nested"), "{err}");
        assert!(expand(&nest(10_000), &env).is_err());
        let quoted = format!("{}x{}", "\"${A:-".repeat(1000), "}\"".repeat(1000));
        assert!(expand(&quoted, &env).is_err());
    }

    #[test]
    fn pattern_work_is_bounded() {
        let value = "a".repeat(5000);
        let env = [("V", value.as_str()), ("P", "*a*a*a*a*a*a*b")];
        let mut budget = 1000;
        assert_eq!(
            trim_prefix("*a*b", &value, true, &mut budget),
            Err(PatternError::TooExpensive)
        );
        // Linear-time matching keeps realistic worst cases well within budget.
        assert_eq!(expand("${V#$P}", &env).as_deref(), Ok(value.as_str()));
        assert_eq!(expand("${V//$P/x}", &env).as_deref(), Ok(value.as_str()));
    }

    #[test]
    fn env_implementations() {
        let mut map = HashMap::new();
        map.insert("K".to_owned(), "map".to_owned());
        assert_eq!(expand("$K", &map).as_deref(), Ok("map"));
        let tree: BTreeMap<String, String> = [("K".to_owned(), "tree".to_owned())].into();
        assert_eq!(expand("$K", &tree).as_deref(), Ok("tree"));
        let pairs = env_of(&[("K", "first"), ("K", "last")]);
        assert_eq!(expand("$K", &pairs).as_deref(), Ok("last"));
        let slice: &[(String, String)] = &pairs;
        assert_eq!(expand("$K", &slice).as_deref(), Ok("last"));
        let borrowed: &[(&str, &str)] = &[("K", "a"), ("K", "b")];
        assert_eq!(expand("$K", &borrowed).as_deref(), Ok("b"));
        assert_eq!(expand("${K-none}", &EmptyEnv).as_deref(), Ok("none"));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn env() -> Vec<(String, String)> {
            env_of(&[
                ("A", "a b*c"),
                ("B", ""),
                ("P", "*"),
                ("Q", r"\*"),
                ("NL", "x\ny"),
            ])
        }

        fn check(lexer: &Lexer, input: &str) {
            let env = env();
            match lexer.expand_word(input, &env) {
                Ok(got) => {
                    assert!(got.unset.iter().all(|n| got.used.contains(n)));
                    let words = lexer.expand_words(input, &env).expect("same input");
                    assert_eq!(words, got.words);
                }
                Err(e) => assert!(e.offset <= input.len(), "{e}"),
            }
        }

        fn lexers() -> impl Strategy<Value = Lexer> {
            (prop_oneof![Just('\\'), Just('`')], any::<[bool; 4]>()).prop_map(|(escape, f)| Lexer {
                escape,
                raw_quotes: f[0],
                raw_escapes: f[1],
                skip_unset: f[2],
                skip_process_quotes: f[3],
            })
        }

        proptest! {
            #[test]
            fn never_panics_on_arbitrary_text(lexer in lexers(), input in any::<String>()) {
                check(&lexer, &input);
            }

            #[test]
            fn never_panics_on_shell_like_text(
                lexer in lexers(),
                input in r#"([${}:?+#%/*\\`'" \-]|A|B|P|Q|NL|x|é|\n){0,60}"#,
            ) {
                check(&lexer, &input);
            }

            #[test]
            fn never_panics_on_deep_nesting(
                depth in 0usize..300,
                open in prop_oneof![Just("${"), Just("${A:-"), Just("\"${B:+"), Just("${A#")],
                close in prop_oneof![Just(""), Just("}"), Just("}\"")],
            ) {
                let input = format!("{}{}", open.repeat(depth), close.repeat(depth));
                check(&Lexer::default(), &input);
            }

            #[test]
            fn plain_text_is_unchanged(input in "[a-zA-Z0-9 ./:_-]{0,40}") {
                let got = Lexer::default().expand_word(&input, &EmptyEnv).unwrap();
                prop_assert_eq!(got.value, input);
                prop_assert!(got.used.is_empty());
            }

            #[test]
            fn trims_agree_with_a_naive_matcher(
                value in "[ab*]{0,12}",
                pattern in "[ab*?]{0,5}",
            ) {
                let mut budget = MATCH_BUDGET;
                let shortest = trim_prefix(&pattern, &value, false, &mut budget).unwrap();
                let longest = trim_prefix(&pattern, &value, true, &mut budget).unwrap();
                let chars: Vec<char> = value.chars().collect();
                let toks = tokenize(&pattern).unwrap();
                let matching: Vec<usize> = (0..=chars.len())
                    .filter(|&n| naive_match(&toks, chars.get(..n).unwrap_or_default()))
                    .collect();
                let rest = |n: usize| collect(chars.get(n..).unwrap_or_default());
                let want_short = matching.first().map_or(value.clone(), |&n| rest(n));
                let want_long = matching.last().map_or(value.clone(), |&n| rest(n));
                prop_assert_eq!(shortest, want_short);
                prop_assert_eq!(longest, want_long);
            }
        }

        /// Whole-string match of a newline-free text, by brute force.
        fn naive_match(toks: &[Tok], text: &[char]) -> bool {
            match toks.split_first() {
                None => text.is_empty(),
                Some((Tok::Star, rest)) => {
                    (0..=text.len()).any(|k| naive_match(rest, text.get(k..).unwrap_or_default()))
                }
                Some((Tok::Any, rest)) => match text.split_first() {
                    Some((_, tail)) => naive_match(rest, tail),
                    None => false,
                },
                Some((Tok::Lit(c), rest)) => match text.split_first() {
                    Some((t, tail)) if t == c => naive_match(rest, tail),
                    _ => false,
                },
            }
        }
    }
}
