//! The fast path: a small tokenizer and grammar for the common shape of
//! Dockerfile scripts, giving exactly what brush-parser gives for them.
//!
//! Accepted: words with single and double quotes and backslash escapes
//! (line continuations included), `$VAR`, `$1`, `${...}` without quotes,
//! blanks or nesting inside, `$(...)` and backquotes (whose contents the
//! builder parses again), comments; the operators `&&`, `||`, `|`, `;`, `&`
//! and newlines; redirections `<`, `>`, `>>`, `>|`, `<>`, `<&`, `>&`, `&>`,
//! `&>>` with an optional descriptor number; assignments before the command
//! name.
//!
//! Refused (brush-parser takes over): reserved words in command position
//! (`if`, `for`, `case`, `while`, `{`, `!`, `[[`, `time`, ...), parentheses
//! (subshells, functions, arrays, extglobs), here-documents and here-strings,
//! `;;`, `|&`, `$((...))`, `$[...]`, `$'...'`, `$"..."`, anything unterminated,
//! and any syntax error (so that brush-parser reports it).

use super::build::Item;
use super::depth::MAX_DEPTH;
use super::word::assignment;

/// One `&&`/`||` list: pipelines of simple commands.
#[derive(Debug, Default)]
pub(crate) struct AndOr {
    /// Each pipeline: its commands, each a list of items.
    pub pipelines: Vec<Vec<Vec<Item>>>,
    /// Whether the operator after pipeline `i` is `||`.
    pub ors: Vec<bool>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    Word(usize, usize),
    Op(&'static str, usize, usize),
    Newline,
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
        b"&" => "&",
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
pub(crate) fn parse(text: &str, start: usize, end: usize, depth: usize) -> Option<Vec<AndOr>> {
    if depth > MAX_DEPTH {
        return None;
    }
    let b = &text.as_bytes()[..end];
    let mut toks = Vec::new();
    let stop = lex(b, start, depth, false, &mut toks)?;
    debug_assert_eq!(stop, end);
    grammar(b, &toks)
}

/// Tokenize from `pos`. With `in_subst`, stop after the `)` that closes a
/// command substitution and return the position after it; otherwise run to
/// the end. `None` when something is not accepted.
fn lex(
    b: &[u8],
    mut pos: usize,
    depth: usize,
    in_subst: bool,
    toks: &mut Vec<Tok>,
) -> Option<usize> {
    loop {
        let Some(&c) = b.get(pos) else {
            return if in_subst { None } else { Some(pos) };
        };
        if is_blank(c) {
            pos += 1;
        } else if c == b'\\' && b.get(pos + 1) == Some(&b'\n') {
            pos += 2;
        } else if c == b'#' {
            while pos < b.len() && b[pos] != b'\n' {
                pos += 1;
            }
        } else if c == b'\n' {
            toks.push(Tok::Newline);
            pos += 1;
        } else if is_op_start(c) {
            let len = op_len(&b[pos..]);
            let text = &b[pos..pos + len];
            if in_subst && text == b")" {
                return Some(pos + 1);
            }
            let op = accepted(text)?;
            toks.push(Tok::Op(op, pos, pos + len));
            pos += len;
        } else {
            let end = word_end(b, pos, depth)?;
            toks.push(Tok::Word(pos, end));
            pos = end;
        }
    }
}

fn op_str(b: &[u8]) -> &str {
    std::str::from_utf8(b).unwrap_or("")
}

/// The end of the word starting at `pos`.
fn word_end(b: &[u8], mut pos: usize, depth: usize) -> Option<usize> {
    while let Some(&c) = b.get(pos) {
        if PLAIN[usize::from(c)] {
            pos += 1;
            continue;
        }
        match c {
            _ if is_blank(c) || is_op_start(c) => break,
            b'\\' => {
                // A line continuation inside a word changes what brush-parser
                // sees (`{\<newline>` is `{`): leave those to it.
                if pos + 1 >= b.len() || b[pos + 1] == b'\n' {
                    return None;
                }
                pos += 2;
            }
            b'\'' => {
                let close = b[pos + 1..].iter().position(|&x| x == b'\'')?;
                pos += close + 2;
            }
            b'"' => pos = dquote_end(b, pos + 1, depth)?,
            b'`' => pos = backquote_end(b, pos + 1)?,
            b'$' => pos = dollar_end(b, pos, depth)?,
            _ => pos += 1,
        }
    }
    Some(pos)
}

/// After a `"` at `pos - 1`: the position after the closing quote.
fn dquote_end(b: &[u8], mut pos: usize, depth: usize) -> Option<usize> {
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
            b'$' => pos = dollar_end(b, pos, depth)?,
            _ => pos += 1,
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

/// A `$` at `pos`: the position after what it introduces.
fn dollar_end(b: &[u8], pos: usize, depth: usize) -> Option<usize> {
    match b.get(pos + 1) {
        Some(b'(') => {
            if b.get(pos + 2) == Some(&b'(') || depth + 1 > MAX_DEPTH {
                return None;
            }
            // Only the end is needed here: the builder parses the contents
            // (and hands them to brush-parser if need be).
            lex(b, pos + 2, depth + 1, true, &mut Vec::new())
        }
        Some(b'{') => {
            let close = b[pos + 2..].iter().position(|&x| x == b'}')?;
            let inner = &b[pos + 2..pos + 2 + close];
            // Names and the usual operators only: brush-parser tokenizes the
            // inside of `${...}` as shell text.
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

/// The list grammar over tokens.
fn grammar(b: &[u8], toks: &[Tok]) -> Option<Vec<AndOr>> {
    let mut out = Vec::new();
    let mut i = skip_newlines(toks, 0);
    while i < toks.len() {
        let (and_or, next) = and_or(b, toks, i)?;
        out.push(and_or);
        i = next;
        match toks.get(i) {
            None => break,
            Some(Tok::Op(";" | "&", ..)) => i += 1,
            Some(Tok::Newline) => {}
            Some(_) => return None,
        }
        i = skip_newlines(toks, i);
    }
    Some(out)
}

fn skip_newlines(toks: &[Tok], mut i: usize) -> usize {
    while toks.get(i) == Some(&Tok::Newline) {
        i += 1;
    }
    i
}

fn and_or(b: &[u8], toks: &[Tok], i: usize) -> Option<(AndOr, usize)> {
    let mut out = AndOr::default();
    let (p, mut i) = pipeline(b, toks, i)?;
    out.pipelines.push(p);
    while let Some(Tok::Op(op @ ("&&" | "||"), ..)) = toks.get(i) {
        out.ors.push(*op == "||");
        let (p, next) = pipeline(b, toks, skip_newlines(toks, i + 1))?;
        out.pipelines.push(p);
        i = next;
    }
    Some((out, i))
}

fn pipeline(b: &[u8], toks: &[Tok], i: usize) -> Option<(Vec<Vec<Item>>, usize)> {
    let (c, mut i) = command(b, toks, i)?;
    let mut out = vec![c];
    while let Some(Tok::Op("|", ..)) = toks.get(i) {
        let (c, next) = command(b, toks, skip_newlines(toks, i + 1))?;
        out.push(c);
        i = next;
    }
    Some((out, i))
}

fn command(b: &[u8], toks: &[Tok], mut i: usize) -> Option<(Vec<Item>, usize)> {
    let mut items = Vec::new();
    let mut named = false;
    loop {
        match toks.get(i) {
            Some(&Tok::Word(s, e)) => {
                let word = &b[s..e];
                if let Some(&Tok::Op(op, os, _)) = toks.get(i + 1)
                    && os == e
                    && op.starts_with(['<', '>'])
                    && word.iter().all(u8::is_ascii_digit)
                {
                    let fd: u32 = op_str(word).parse().ok()?;
                    let (item, next) = redirect(toks, i + 1, Some(fd), s)?;
                    items.push(item);
                    i = next;
                    continue;
                }
                if !named {
                    // `a[i]=x`: brush-parser reads the subscript its own way.
                    let name_len = word
                        .iter()
                        .take_while(|&&c| c == b'_' || c.is_ascii_alphanumeric())
                        .count();
                    if name_len > 0 && word.get(name_len) == Some(&b'[') {
                        return None;
                    }
                    if assignment(op_str(word)).is_some() {
                        items.push(Item::Assign(s, e));
                    } else if reserved(word) {
                        return None;
                    } else {
                        named = true;
                        items.push(Item::Word(s, e));
                    }
                } else {
                    items.push(Item::Word(s, e));
                }
                i += 1;
            }
            Some(&Tok::Op(op, s, _)) if is_redirect(op) => {
                let (item, next) = redirect(toks, i, None, s)?;
                items.push(item);
                i = next;
            }
            _ => break,
        }
    }
    if items.is_empty() {
        return None;
    }
    Some((items, i))
}

/// The redirection whose operator is token `i`.
fn redirect(toks: &[Tok], i: usize, fd: Option<u32>, start: usize) -> Option<(Item, usize)> {
    let Some(&Tok::Op(op, ..)) = toks.get(i) else {
        return None;
    };
    let Some(&Tok::Word(s, e)) = toks.get(i + 1) else {
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
