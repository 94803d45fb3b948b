//! The fast path: a small tokenizer and recursive-descent grammar for the
//! common shape of Dockerfile scripts, giving exactly what brush-parser gives
//! for them.
//!
//! Accepted: words with single and double quotes and backslash escapes
//! (line continuations included), `$VAR`, `$1`, `${...}` without quotes,
//! blanks or nesting inside, `$(...)` and backquotes (whose contents the
//! builder parses again), comments; the operators `&&`, `||`, `|`, `;`, `&`
//! and newlines; redirections `<`, `>`, `>>`, `>|`, `<>`, `<&`, `>&`, `&>`,
//! `&>>` with an optional descriptor number; assignments before the command
//! name; `!` before a pipeline; the compound commands `{ ...; }`, `( ... )`,
//! `if`/`elif`/`else`, `for NAME [in words]`, `while`, `until` and
//! `case ... esac` (with `;;`), each with redirections after it; function
//! definitions `name() compound`.
//!
//! The end of a `$(...)` is found by parsing its contents, as the shell does:
//! a `)` that closes a case pattern does not end it (brush-parser's tokenizer
//! counts parentheses and ends `$(case x in a) ...` at the pattern's `)`, then
//! reports a syntax error; the fast path is right there). Such `)` are
//! reported in [`Parsed::masks`] so that the builder's word analysis, which
//! counts parentheses too, finds the same substitutions.
//!
//! Refused (brush-parser takes over): the other reserved words in command
//! position (`[[`, `time`, `function`, `select`, `coproc`), reserved words
//! after assignments or redirections, `((` and `( (` (arithmetic for
//! brush-parser), `;&` and `;;&`, `esac` as a case pattern, extended globs,
//! array assignments, here-documents and here-strings, `|&`, `$((...))`,
//! `$[...]`, `$'...'`, `$"..."`, nesting deeper than [`MAX_DEPTH`], anything
//! unterminated, and any syntax error (so that brush-parser reports it).

use super::build::Item;
use super::depth::MAX_DEPTH;
use super::word::assignment;

/// A byte range of the script.
pub(crate) type Range = (usize, usize);

/// What the fast path makes of a script.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    /// The script's list.
    pub list: Vec<AndOr>,
    /// The items of every simple command and redirection list, which
    /// [`Items`] index.
    pub items: Vec<Item>,
    /// Positions of the `)` that close case patterns written without an
    /// opening `(`, inside command substitutions of the script's words.
    pub masks: Vec<usize>,
}

/// One `&&`/`||` list.
#[derive(Debug, Default)]
pub(crate) struct AndOr {
    /// Its pipelines.
    pub pipelines: Vec<Pipe>,
    /// Whether the operator after pipeline `i` is `||`.
    pub ors: Vec<bool>,
}

/// One pipeline.
#[derive(Debug, Default)]
pub(crate) struct Pipe {
    /// Negated by `!` (an odd number of them, as brush-parser counts).
    pub bang: bool,
    /// Its stages.
    pub cmds: Vec<Cmd>,
}

/// A range of [`Parsed::items`].
pub(crate) type Items = std::ops::Range<usize>;

/// One stage of a pipeline.
#[derive(Debug)]
pub(crate) enum Cmd {
    /// A simple command.
    Simple(Items),
    /// A compound command and the redirections after it.
    Compound(Box<Compound>, Items),
    /// A function definition: its body and the redirections after it.
    Function(Box<Compound>, Items),
}

/// A compound command.
#[derive(Debug)]
pub(crate) enum Compound {
    /// `{ list; }`
    Brace(Vec<AndOr>),
    /// `( list )`
    Subshell(Vec<AndOr>),
    /// `for NAME in words; do list; done`: the words and the body.
    For(Vec<Range>, Vec<AndOr>),
    /// `case word in pattern) list;; ... esac`: the word, and each item's
    /// patterns and body (empty when it has none).
    Case(Range, Vec<(Vec<Range>, Vec<AndOr>)>),
    /// `if`: each condition with its body (`if` then every `elif`), and the
    /// `else` body.
    If(Vec<(Vec<AndOr>, Vec<AndOr>)>, Option<Vec<AndOr>>),
    /// `while`/`until`: the condition and the body.
    Loop(Vec<AndOr>, Vec<AndOr>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    Word(usize, usize),
    Op(&'static str, usize, usize),
    Newline,
    Eof,
}

/// The length of the operator at the start of `b` (which starts with an
/// operator character), by maximal munch over the operators brush-parser's
/// tokenizer knows in bash mode: `&`, `&&`, `(`, `)`, `;`, `;;`, newline,
/// `|`, `||`, `<`, `>`, `>|`, `<<`, `>>`, `<&`, `>&`, `<<-`, `<>`, `<<<`,
/// `&>`, `&>>`, `;;&`, `;&`, `|&`.
fn op_len(b: &[u8]) -> usize {
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    match (at(0), at(1), at(2)) {
        (b'&', b'&', _) => 2,
        (b'&', b'>', b'>') => 3,
        (b'&', b'>', _) => 2,
        (b';', b';', b'&') => 3,
        (b';', b';' | b'&', _) => 2,
        (b'|', b'|' | b'&', _) => 2,
        (b'<', b'<', b'<' | b'-') => 3,
        (b'<', b'<' | b'&' | b'>', _) => 2,
        (b'>', b'>' | b'&' | b'|', _) => 2,
        _ => 1,
    }
}

/// The operators the fast path understands.
fn accepted(op: &[u8]) -> Option<&'static str> {
    Some(match op {
        b"&&" => "&&",
        b"||" => "||",
        b"|" => "|",
        b";" => ";",
        b";;" => ";;",
        b"&" => "&",
        b"(" => "(",
        b")" => ")",
        b"<" => "<",
        b">" => ">",
        b">>" => ">>",
        b">|" => ">|",
        b"<>" => "<>",
        b"<&" => "<&",
        b">&" => ">&",
        b"&>" => "&>",
        b"&>>" => "&>>",
        _ => return None,
    })
}

fn is_redirect(op: &str) -> bool {
    op.starts_with(['<', '>']) || op.starts_with("&>")
}

/// Words that brush-parser does not take as a command name.
fn reserved(word: &[u8]) -> bool {
    matches!(
        word,
        b"!" | b"{"
            | b"}"
            | b"case"
            | b"do"
            | b"done"
            | b"elif"
            | b"else"
            | b"esac"
            | b"fi"
            | b"for"
            | b"if"
            | b"in"
            | b"then"
            | b"until"
            | b"while"
            | b"[["
            | b"]]"
            | b"function"
            | b"select"
            | b"coproc"
            | b"time"
    )
}

/// Reserved words that end a list (in command position).
fn terminator(word: &[u8]) -> bool {
    matches!(
        word,
        b"}" | b"do" | b"done" | b"elif" | b"else" | b"esac" | b"fi" | b"in" | b"then" | b"]]"
    )
}

/// A function name the fast path takes: a plain name (brush-parser takes
/// more, but then its tokenizer may read `name*(` as an extended glob).
fn function_name(word: &[u8]) -> bool {
    word.first()
        .is_some_and(|&c| c == b'_' || c.is_ascii_alphabetic())
        && word
            .iter()
            .all(|&c| c == b'_' || c == b'-' || c == b'.' || c.is_ascii_alphanumeric())
        && !reserved(word)
}

/// A `for` variable name.
fn is_name(word: &[u8]) -> bool {
    word.first()
        .is_some_and(|&c| c == b'_' || c.is_ascii_alphabetic())
        && word.iter().all(|&c| c == b'_' || c.is_ascii_alphanumeric())
}

fn is_op_start(c: u8) -> bool {
    matches!(c, b'&' | b'(' | b')' | b';' | b'\n' | b'|' | b'<' | b'>')
}

/// Bytes that continue a word with no further thought.
const PLAIN: [bool; 256] = {
    let mut t = [true; 256];
    let special = b" \t&();\n|<>\\'\"`$";
    let mut i = 0;
    while i < special.len() {
        t[special[i] as usize] = false;
        i += 1;
    }
    t
};

fn is_blank(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

/// Parse `text[start..end]`; `None` when the fast path does not accept it.
pub(crate) fn parse(text: &str, start: usize, end: usize, depth: usize) -> Option<Parsed> {
    if depth > MAX_DEPTH {
        return None;
    }
    let mut p = Parser::new(&text.as_bytes()[..end], start, depth);
    // About one item per eight bytes in real scripts.
    p.items.reserve((end - start) / 8 + 4);
    let (list, i) = p.list(0)?;
    if p.tok(i)? != Tok::Eof {
        return None;
    }
    Some(Parsed {
        list,
        items: std::mem::take(&mut p.items),
        masks: std::mem::take(&mut p.masks),
    })
}

thread_local! {
    /// Token buffers, reused from one parser to the next.
    static TOKENS: std::cell::RefCell<Vec<Vec<Tok>>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A recursive-descent parser over tokens lexed on demand (the end of a
/// command substitution depends on the grammar, so the lexer must not run
/// ahead of it).
struct Parser<'b> {
    b: &'b [u8],
    /// Where lexing resumes.
    pos: usize,
    /// The tokens lexed so far.
    toks: Vec<Tok>,
    /// The items of simple commands and redirection lists.
    items: Vec<Item>,
    /// Nesting: command substitutions and compound commands.
    depth: usize,
    /// See [`Parsed::masks`].
    masks: Vec<usize>,
    /// The lexer refused something: every later token is refused too.
    failed: bool,
    /// Whether this parses the contents of a command substitution, to find
    /// its end.
    in_subst: bool,
    /// Subshells open here.
    parens: usize,
}

impl<'b> Parser<'b> {
    fn new(b: &'b [u8], pos: usize, depth: usize) -> Parser<'b> {
        Parser {
            b,
            pos,
            toks: TOKENS
                .try_with(|t| t.try_borrow_mut().ok()?.pop())
                .ok()
                .flatten()
                .unwrap_or_default(),
            items: Vec::new(),
            depth,
            masks: Vec::new(),
            failed: false,
            in_subst: false,
            parens: 0,
        }
    }

    // -----------------------------------------------------------------------
    // Tokens

    /// Token `i`, lexing as far as needed; `None` when the lexer refuses.
    fn tok(&mut self, i: usize) -> Option<Tok> {
        while self.toks.len() <= i {
            if self.failed {
                return None;
            }
            match self.lex() {
                Some(Tok::Eof) => return Some(Tok::Eof),
                Some(t) => self.toks.push(t),
                None => {
                    self.failed = true;
                    return None;
                }
            }
        }
        Some(self.toks[i])
    }

    fn word_at(&mut self, i: usize) -> Option<Option<&'b [u8]>> {
        Some(match self.tok(i)? {
            Tok::Word(s, e) => Some(&self.b[s..e]),
            _ => None,
        })
    }

    fn is_word(&mut self, i: usize, w: &[u8]) -> Option<bool> {
        Some(self.word_at(i)? == Some(w))
    }

    fn is_op(&mut self, i: usize, op: &str) -> Option<bool> {
        Some(matches!(self.tok(i)?, Tok::Op(o, ..) if o == op))
    }

    fn skip_newlines(&mut self, mut i: usize) -> Option<usize> {
        while self.tok(i)? == Tok::Newline {
            i += 1;
        }
        Some(i)
    }

    /// The next token from `self.pos`.
    fn lex(&mut self) -> Option<Tok> {
        let b = self.b;
        loop {
            let Some(&c) = b.get(self.pos) else {
                return Some(Tok::Eof);
            };
            let pos = self.pos;
            if is_blank(c) {
                self.pos += 1;
            } else if c == b'\\' && b.get(pos + 1) == Some(&b'\n') {
                self.pos += 2;
            } else if c == b'#' {
                while self.pos < b.len() && b[self.pos] != b'\n' {
                    self.pos += 1;
                }
            } else if c == b'\n' {
                self.pos += 1;
                return Some(Tok::Newline);
            } else if is_op_start(c) {
                let len = op_len(&b[pos..]);
                let op = accepted(&b[pos..pos + len])?;
                self.pos += len;
                return Some(Tok::Op(op, pos, pos + len));
            } else {
                let end = self.word_end(pos)?;
                // brush-parser reads `x@(...)`, `x*(...)`... as one word (an
                // extended glob), `x=(...)` as an array: leave those to it.
                if b.get(end) == Some(&b'(')
                    && matches!(b[end - 1], b'@' | b'!' | b'?' | b'+' | b'*')
                {
                    return None;
                }
                self.pos = end;
                return Some(Tok::Word(pos, end));
            }
        }
    }

    /// The end of the word starting at `pos`.
    fn word_end(&mut self, mut pos: usize) -> Option<usize> {
        let b = self.b;
        while let Some(&c) = b.get(pos) {
            if PLAIN[usize::from(c)] {
                pos += 1;
                continue;
            }
            match c {
                _ if is_blank(c) || is_op_start(c) => break,
                b'\\' => {
                    // A line continuation inside a word changes what
                    // brush-parser sees (`{\<newline>` is `{`): leave those
                    // to it.
                    if pos + 1 >= b.len() || b[pos + 1] == b'\n' {
                        return None;
                    }
                    pos += 2;
                }
                b'\'' => {
                    let close = b[pos + 1..].iter().position(|&x| x == b'\'')?;
                    pos += close + 2;
                }
                b'"' => pos = self.dquote_end(pos + 1)?,
                b'`' => pos = backquote_end(b, pos + 1)?,
                b'$' => pos = self.dollar_end(pos)?,
                _ => pos += 1,
            }
        }
        Some(pos)
    }

    /// After a `"` at `pos - 1`: the position after the closing quote.
    fn dquote_end(&mut self, mut pos: usize) -> Option<usize> {
        let b = self.b;
        loop {
            match *b.get(pos)? {
                b'"' => return Some(pos + 1),
                b'\\' => {
                    if pos + 1 >= b.len() {
                        return None;
                    }
                    pos += 2;
                }
                b'`' => pos = backquote_end(b, pos + 1)?,
                b'$' => pos = self.dollar_end(pos)?,
                _ => pos += 1,
            }
        }
    }

    /// A `$` at `pos`: the position after what it introduces.
    fn dollar_end(&mut self, pos: usize) -> Option<usize> {
        let b = self.b;
        match b.get(pos + 1) {
            Some(b'(') => {
                if b.get(pos + 2) == Some(&b'(') || self.depth + 1 > MAX_DEPTH {
                    return None;
                }
                self.subst_end(pos + 2)
            }
            Some(b'{') => {
                let close = b[pos + 2..].iter().position(|&x| x == b'}')?;
                let inner = &b[pos + 2..pos + 2 + close];
                // Names and the usual operators only: brush-parser tokenizes
                // the inside of `${...}` as shell text.
                if inner.is_empty()
                    || !inner
                        .iter()
                        .all(|&x| x.is_ascii_alphanumeric() || b"_:-=+?#%/,^@*.~![]".contains(&x))
                {
                    return None;
                }
                Some(pos + 3 + close)
            }
            Some(b'\'' | b'"' | b'[') => None,
            _ => Some(pos + 1),
        }
    }

    /// The position after the `)` that ends the command substitution whose
    /// text starts at `start`. Its contents are parsed (the builder parses
    /// them again, and hands them to brush-parser if need be).
    fn subst_end(&mut self, start: usize) -> Option<usize> {
        let mut sub = Parser::new(self.b, start, self.depth + 1);
        sub.in_subst = true;
        let end = match sub.list(0) {
            Some((_, i)) => match sub.tok(i)? {
                Tok::Op(")", _, e) => e,
                _ => return None,
            },
            // Contents the grammar refuses (`[[`, `time`...): without `(`
            // and `case`, the first `)` ends the substitution, for the shell
            // and for brush-parser alike.
            None => sub.first_paren_end()?,
        };
        self.masks.append(&mut sub.masks);
        Some(end)
    }

    /// The end of the first `)` token, refusing `(` and `case`.
    fn first_paren_end(&mut self) -> Option<usize> {
        let mut i = 0;
        loop {
            match self.tok(i)? {
                Tok::Op(")", _, e) => return Some(e),
                Tok::Op("(", ..) | Tok::Eof => return None,
                Tok::Word(s, e) if &self.b[s..e] == b"case" => return None,
                _ => i += 1,
            }
        }
    }

    // -----------------------------------------------------------------------
    // Grammar

    /// A list of `&&`/`||` lists separated by `;`, `&` or newlines, up to a
    /// token that cannot start a command (the caller checks which); may be
    /// empty.
    fn list(&mut self, i: usize) -> Option<(Vec<AndOr>, usize)> {
        let mut out = Vec::new();
        let mut i = self.skip_newlines(i)?;
        while self.starts_command(i)? {
            let (and_or, next) = self.and_or(i)?;
            out.push(and_or);
            i = next;
            match self.tok(i)? {
                Tok::Op(";" | "&", ..) => i += 1,
                Tok::Newline => {}
                _ => break,
            }
            i = self.skip_newlines(i)?;
        }
        Some((out, i))
    }

    /// A list that must not be empty (the body of a compound command).
    fn body(&mut self, i: usize) -> Option<(Vec<AndOr>, usize)> {
        let (list, i) = self.list(i)?;
        (!list.is_empty()).then_some((list, i))
    }

    /// Whether token `i` can start a command (otherwise a list ends there).
    fn starts_command(&mut self, i: usize) -> Option<bool> {
        Some(match self.tok(i)? {
            Tok::Word(s, e) => !terminator(&self.b[s..e]),
            Tok::Op(op, ..) => op == "(" || is_redirect(op),
            Tok::Newline | Tok::Eof => false,
        })
    }

    fn and_or(&mut self, i: usize) -> Option<(AndOr, usize)> {
        let mut out = AndOr::default();
        let (p, mut i) = self.pipeline(i)?;
        out.pipelines.push(p);
        while let Tok::Op(op @ ("&&" | "||"), ..) = self.tok(i)? {
            out.ors.push(op == "||");
            let next = self.skip_newlines(i + 1)?;
            let (p, next) = self.pipeline(next)?;
            out.pipelines.push(p);
            i = next;
        }
        Some((out, i))
    }

    fn pipeline(&mut self, mut i: usize) -> Option<(Pipe, usize)> {
        let mut out = Pipe::default();
        while self.is_word(i, b"!")? {
            out.bang = !out.bang;
            i += 1;
        }
        let (c, mut i) = self.command(i)?;
        out.cmds.push(c);
        while self.is_op(i, "|")? {
            let next = self.skip_newlines(i + 1)?;
            let (c, next) = self.command(next)?;
            out.cmds.push(c);
            i = next;
        }
        Some((out, i))
    }

    fn command(&mut self, i: usize) -> Option<(Cmd, usize)> {
        match self.tok(i)? {
            Tok::Word(s, e) => {
                let word = &self.b[s..e];
                if reserved(word) {
                    let (cc, i) = self.compound(i)?;
                    let (redirects, i) = self.redirects(i)?;
                    return Some((Cmd::Compound(Box::new(cc), redirects), i));
                }
                if self.is_op(i + 1, "(")? {
                    return self.function(i);
                }
                self.simple(i)
            }
            Tok::Op("(", ..) => {
                let (cc, i) = self.compound(i)?;
                let (redirects, i) = self.redirects(i)?;
                Some((Cmd::Compound(Box::new(cc), redirects), i))
            }
            Tok::Op(op, ..) if is_redirect(op) => self.simple(i),
            _ => None,
        }
    }

    /// `name ( ) [newlines] compound [redirections]`.
    fn function(&mut self, i: usize) -> Option<(Cmd, usize)> {
        if !function_name(self.word_at(i)??) || !self.is_op(i + 2, ")")? {
            return None;
        }
        let i = self.skip_newlines(i + 3)?;
        let (cc, i) = self.compound(i)?;
        let (redirects, i) = self.redirects(i)?;
        Some((Cmd::Function(Box::new(cc), redirects), i))
    }

    /// The compound command starting at token `i`.
    fn compound(&mut self, i: usize) -> Option<(Compound, usize)> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let out = match self.tok(i)? {
            Tok::Op("(", ..) => {
                // `((` and `( (` are arithmetic for brush-parser.
                if self.is_op(i + 1, "(")? {
                    return None;
                }
                self.parens += 1;
                let (list, i) = self.body(i + 1)?;
                self.expect_op(i, ")")?;
                self.parens -= 1;
                (Compound::Subshell(list), i + 1)
            }
            Tok::Word(s, e) => match &self.b[s..e] {
                b"{" => {
                    let (list, i) = self.body(i + 1)?;
                    self.expect_word(i, b"}")?;
                    (Compound::Brace(list), i + 1)
                }
                b"if" => self.if_clause(i + 1)?,
                b"for" => self.for_clause(i + 1)?,
                b"while" | b"until" => {
                    let (cond, i) = self.body(i + 1)?;
                    let (body, i) = self.do_group(i)?;
                    (Compound::Loop(cond, body), i)
                }
                b"case" => self.case_clause(i + 1)?,
                _ => return None,
            },
            _ => return None,
        };
        self.depth -= 1;
        Some(out)
    }

    fn expect_op(&mut self, i: usize, op: &str) -> Option<()> {
        self.is_op(i, op)?.then_some(())
    }

    fn expect_word(&mut self, i: usize, w: &[u8]) -> Option<()> {
        self.is_word(i, w)?.then_some(())
    }

    /// After `if`.
    fn if_clause(&mut self, i: usize) -> Option<(Compound, usize)> {
        let mut branches = Vec::new();
        let (cond, i) = self.body(i)?;
        self.expect_word(i, b"then")?;
        let (then, mut i) = self.body(i + 1)?;
        branches.push((cond, then));
        while self.is_word(i, b"elif")? {
            let (cond, next) = self.body(i + 1)?;
            self.expect_word(next, b"then")?;
            let (then, next) = self.body(next + 1)?;
            branches.push((cond, then));
            i = next;
        }
        let mut otherwise = None;
        if self.is_word(i, b"else")? {
            let (list, next) = self.body(i + 1)?;
            otherwise = Some(list);
            i = next;
        }
        self.expect_word(i, b"fi")?;
        Some((Compound::If(branches, otherwise), i + 1))
    }

    /// After `for`: `NAME [newlines] in [words] (; | newline) [newlines]
    /// do_group`, or `NAME [; | newlines] do_group`.
    fn for_clause(&mut self, i: usize) -> Option<(Compound, usize)> {
        if !is_name(self.word_at(i)??) {
            return None;
        }
        let after_name = i + 1;
        let j = self.skip_newlines(after_name)?;
        let mut words = Vec::new();
        let mut i = if self.is_word(j, b"in")? {
            let mut i = j + 1;
            while let Tok::Word(s, e) = self.tok(i)? {
                words.push((s, e));
                i += 1;
            }
            // A `;` or newlines must follow the words.
            match self.tok(i)? {
                Tok::Op(";", ..) => self.skip_newlines(i + 1)?,
                Tok::Newline => self.skip_newlines(i)?,
                _ => return None,
            }
        } else if self.is_op(after_name, ";")? {
            self.skip_newlines(after_name + 1)?
        } else {
            j
        };
        let (body, next) = self.do_group(i)?;
        i = next;
        Some((Compound::For(words, body), i))
    }

    /// `do list done` at token `i`.
    fn do_group(&mut self, i: usize) -> Option<(Vec<AndOr>, usize)> {
        self.expect_word(i, b"do")?;
        let (list, i) = self.body(i + 1)?;
        self.expect_word(i, b"done")?;
        Some((list, i + 1))
    }

    /// After `case`: `WORD [newlines] in [newlines] items esac`.
    fn case_clause(&mut self, i: usize) -> Option<(Compound, usize)> {
        let Tok::Word(s, e) = self.tok(i)? else {
            return None;
        };
        let word = (s, e);
        let i = self.skip_newlines(i + 1)?;
        self.expect_word(i, b"in")?;
        let mut i = i + 1;
        let mut items = Vec::new();
        loop {
            i = self.skip_newlines(i)?;
            if self.is_word(i, b"esac")? {
                // brush-parser tries `esac)` as a pattern first; the shell
                // ends the case there. The same when the `)` ends the command
                // substitution being parsed (brush-parser parses its text
                // without the `)`).
                let ends_subst = self.in_subst && self.parens == 0;
                if (self.is_op(i + 1, ")")? && !ends_subst) || self.is_op(i + 1, "|")? {
                    return None;
                }
                break;
            }
            let open = self.is_op(i, "(")?;
            if open {
                i += 1;
            }
            let mut patterns = Vec::new();
            loop {
                let Tok::Word(s, e) = self.tok(i)? else {
                    return None;
                };
                if &self.b[s..e] == b"esac" {
                    return None;
                }
                patterns.push((s, e));
                i += 1;
                if !self.is_op(i, "|")? {
                    break;
                }
                i += 1;
            }
            let Tok::Op(")", close, _) = self.tok(i)? else {
                return None;
            };
            if !open && self.in_subst {
                self.masks.push(close);
            }
            let (body, next) = self.list(i + 1)?;
            items.push((patterns, body));
            i = next;
            if self.is_op(i, ";;")? {
                i += 1;
            } else if self.is_word(i, b"esac")? {
                break;
            } else {
                return None;
            }
        }
        Some((Compound::Case(word, items), i + 1))
    }

    /// Redirections after a compound command.
    fn redirects(&mut self, mut i: usize) -> Option<(Items, usize)> {
        let first = self.items.len();
        loop {
            match self.tok(i)? {
                Tok::Word(s, e) => {
                    let Some(fd) = self.fd_redirect(i, s, e)? else {
                        break;
                    };
                    let (item, next) = self.redirect(i + 1, Some(fd), s)?;
                    self.items.push(item);
                    i = next;
                }
                Tok::Op(op, s, _) if is_redirect(op) => {
                    let (item, next) = self.redirect(i, None, s)?;
                    self.items.push(item);
                    i = next;
                }
                _ => break,
            }
        }
        Some((first..self.items.len(), i))
    }

    /// The descriptor number when the word token `i` (`s..e`) is one,
    /// written against a redirection operator (`2>`).
    fn fd_redirect(&mut self, i: usize, s: usize, e: usize) -> Option<Option<u32>> {
        let word = &self.b[s..e];
        if let Tok::Op(op, os, _) = self.tok(i + 1)?
            && os == e
            && op.starts_with(['<', '>'])
            && word.iter().all(u8::is_ascii_digit)
        {
            let fd: u32 = std::str::from_utf8(word).ok()?.parse().ok()?;
            return Some(Some(fd));
        }
        Some(None)
    }

    fn simple(&mut self, mut i: usize) -> Option<(Cmd, usize)> {
        let first = self.items.len();
        let mut named = false;
        loop {
            match self.tok(i)? {
                Tok::Word(s, e) => {
                    if let Some(fd) = self.fd_redirect(i, s, e)? {
                        let (item, next) = self.redirect(i + 1, Some(fd), s)?;
                        self.items.push(item);
                        i = next;
                        continue;
                    }
                    let word = &self.b[s..e];
                    if !named {
                        // `a[i]=x`: brush-parser reads the subscript its own
                        // way.
                        let name_len = word
                            .iter()
                            .take_while(|&&c| c == b'_' || c.is_ascii_alphanumeric())
                            .count();
                        if name_len > 0 && word.get(name_len) == Some(&b'[') {
                            return None;
                        }
                        if assignment(std::str::from_utf8(word).ok()?).is_some() {
                            self.items.push(Item::Assign(s, e));
                        } else if reserved(word) {
                            return None;
                        } else {
                            named = true;
                            self.items.push(Item::Word(s, e));
                        }
                    } else {
                        self.items.push(Item::Word(s, e));
                    }
                    i += 1;
                }
                Tok::Op(op, s, _) if is_redirect(op) => {
                    let (item, next) = self.redirect(i, None, s)?;
                    self.items.push(item);
                    i = next;
                }
                _ => break,
            }
        }
        if self.items.len() == first {
            return None;
        }
        Some((Cmd::Simple(first..self.items.len()), i))
    }

    /// The redirection whose operator is token `i`.
    fn redirect(&mut self, i: usize, fd: Option<u32>, start: usize) -> Option<(Item, usize)> {
        let Tok::Op(op, ..) = self.tok(i)? else {
            return None;
        };
        let Tok::Word(s, e) = self.tok(i + 1)? else {
            return None;
        };
        Some((
            Item::Redirect {
                fd,
                op,
                start,
                target: (s, e),
            },
            i + 2,
        ))
    }
}

impl Drop for Parser<'_> {
    fn drop(&mut self) {
        let mut toks = std::mem::take(&mut self.toks);
        // Keep a few buffers of reasonable size.
        if toks.capacity() <= 1 << 16 {
            toks.clear();
            let _ = TOKENS.try_with(|t| {
                if let Ok(mut pool) = t.try_borrow_mut()
                    && pool.len() < 8
                {
                    pool.push(toks);
                }
            });
        }
    }
}

/// After a backquote at `pos - 1`: the position after the closing one.
fn backquote_end(b: &[u8], mut pos: usize) -> Option<usize> {
    loop {
        match *b.get(pos)? {
            b'`' => return Some(pos + 1),
            b'\\' => pos += 2,
            _ => pos += 1,
        }
    }
}
