//! From a logical line to an [`Instruction`]: keyword, flags and arguments,
//! split the way BuildKit's per-instruction line parsers split them.

use super::ast::*;
use super::json::{JsonArgs, classify};
use super::lex::{
    ceil_boundary, is_byte_space, is_go_space, is_split_space, leading_space, split_words,
};
use compact_str::CompactString;

/// How deep `ONBUILD` may wrap instructions before we stop looking inside.
const MAX_ONBUILD_DEPTH: usize = 4;

/// Parse a whole logical line into an instruction. Line numbers and the
/// instruction's span are filled in by the caller.
pub(crate) fn instruction(
    logical: String,
    map: OffsetMap,
    escape: char,
) -> (Instruction, Vec<SyntaxError>) {
    let mut cx = Cx {
        map: &map,
        escape,
        errors: Vec::new(),
    };
    let mut inst = cx.node(&logical, 0, 0);
    let errors = cx.errors;
    inst.original = logical;
    inst.map = map;
    (inst, errors)
}

struct Cx<'m> {
    map: &'m OffsetMap,
    escape: char,
    errors: Vec<SyntaxError>,
}

/// Trim Go spaces from both ends, returning the new bounds within `s`.
fn trim_bounds(s: &str, start: usize, end: usize) -> (usize, usize) {
    let t = &s[start..end];
    let left = leading_space(t);
    let right = t.trim_end_matches(is_go_space).len();
    if right <= left {
        return (start + left, start + left);
    }
    (start + left, start + right)
}

impl Cx<'_> {
    fn span(&self, base: usize, a: usize, b: usize) -> Span {
        self.map.span(base + a, base + b)
    }

    fn word(&self, line: &str, base: usize, a: usize, b: usize) -> Word {
        Word {
            value: CompactString::from(&line[a..b]),
            span: self.span(base, a, b),
        }
    }

    fn error(&mut self, kind: SyntaxErrorKind, span: Span, message: String) {
        self.errors.push(SyntaxError {
            kind,
            span,
            message,
        });
    }

    /// BuildKit's `newNodeFromLine`: `line` sits at `base` in the logical line.
    fn node(&mut self, line: &str, base: usize, depth: usize) -> Instruction {
        let (ts, te) = trim_bounds(line, 0, line.len());
        let cmd_end = line[ts..te].find(is_split_space).map_or(te, |i| ts + i);
        let keyword_text = &line[ts..cmd_end];
        let keyword = Keyword::from_word(keyword_text);
        let keyword_span = self.span(base, ts, cmd_end);
        let mut flags = Vec::new();
        let mut args_range = (te, te);
        if cmd_end < te {
            let rest_start = line[cmd_end..te]
                .find(|c| !is_split_space(c))
                .map_or(te, |i| cmd_end + i);
            let (found, after) = extract_flags(&line[rest_start..te]);
            for (raw, a, b) in found {
                let body = raw.strip_prefix("--").unwrap_or(&raw);
                let (name, value) = match body.split_once('=') {
                    Some((n, v)) => (CompactString::from(n), Some(CompactString::from(v))),
                    None => (CompactString::from(body), None),
                };
                flags.push(Flag {
                    span: self.span(base, rest_start + a, rest_start + b),
                    raw: CompactString::from(raw),
                    name,
                    value,
                });
            }
            args_range = trim_bounds(line, rest_start + after, te);
        }
        let (a0, a1) = args_range;
        let rest = &line[a0..a1];
        if keyword == Keyword::Unknown && !keyword_text.is_empty() {
            let mut message = format!("unknown instruction: {keyword_text}");
            if let Some(s) = suggest(keyword_text) {
                message.push_str(&format!(" (did you mean {s}?)"));
            }
            self.error(SyntaxErrorKind::UnknownInstruction, keyword_span, message);
        } else if keyword == Keyword::Unknown {
            self.error(
                SyntaxErrorKind::UnknownInstruction,
                self.span(base, ts, te),
                "a line continuation with no instruction".to_string(),
            );
        }
        let args = match keyword {
            Keyword::Unknown => Args::Empty,
            Keyword::Add | Keyword::Copy | Keyword::Volume => {
                self.maybe_json_to_list(line, base, a0, a1)
            }
            Keyword::Cmd | Keyword::Entrypoint | Keyword::Run | Keyword::Shell => {
                self.maybe_json(line, base, a0, a1)
            }
            Keyword::Expose | Keyword::From => self.whitespace_words(line, base, a0, a1),
            Keyword::Arg => {
                let words = self.parse_words(line, base, a0, a1);
                if words.is_empty() {
                    Args::Empty
                } else {
                    Args::Words(words)
                }
            }
            Keyword::Env | Keyword::Label => self.name_val(line, base, a0, a1, keyword),
            Keyword::Maintainer | Keyword::Stopsignal | Keyword::User | Keyword::Workdir => {
                if rest.is_empty() {
                    Args::Empty
                } else {
                    Args::Text(self.word(line, base, a0, a1))
                }
            }
            Keyword::Healthcheck => self.healthcheck(line, base, a0, a1),
            Keyword::Onbuild => {
                if rest.is_empty() {
                    Args::Empty
                } else if depth >= MAX_ONBUILD_DEPTH {
                    self.error(
                        SyntaxErrorKind::UnknownInstruction,
                        self.span(base, a0, a1),
                        "ONBUILD nested too deeply".to_string(),
                    );
                    Args::Empty
                } else {
                    let mut inner = self.node(&line[a0..a1], base + a0, depth + 1);
                    inner.original = line[a0..a1].to_string();
                    inner.map = self.map.sub(base + a0, base + a1);
                    Args::Onbuild(Box::new(inner))
                }
            }
        };
        let (ss, se) = (self.map.start(base + ts), self.map.end(base + te));
        Instruction {
            keyword,
            keyword_span,
            span: Span::new(ss, se.max(ss)),
            start_line: 0,
            end_line: 0,
            // Filled in by the caller, which owns the text and the map.
            original: String::new(),
            flags,
            args,
            heredocs: Vec::new(),
            empty_continuation_lines: Vec::new(),
            map: OffsetMap::default(),
        }
    }

    fn json(&mut self, line: &str, base: usize, a0: usize, a1: usize) -> Option<Args> {
        let text = &line[a0..a1];
        let lead = leading_space(text);
        match classify(&text[lead..]) {
            JsonArgs::NotJson => None,
            JsonArgs::Strings(v) => Some(Args::Exec(
                v.into_iter()
                    .map(|(value, s, e)| Word {
                        value: CompactString::from(value),
                        span: self.span(base, a0 + lead + s, a0 + lead + e),
                    })
                    .collect(),
            )),
            JsonArgs::NotStringArray => {
                self.error(
                    SyntaxErrorKind::JsonNotStringArray,
                    self.span(base, a0, a1),
                    "when using JSON array syntax, arrays must be comprised of strings only"
                        .to_string(),
                );
                Some(Args::Empty)
            }
        }
    }

    fn maybe_json(&mut self, line: &str, base: usize, a0: usize, a1: usize) -> Args {
        if a0 == a1 {
            return Args::Empty;
        }
        self.json(line, base, a0, a1)
            .unwrap_or_else(|| Args::Text(self.word(line, base, a0, a1)))
    }

    fn maybe_json_to_list(&mut self, line: &str, base: usize, a0: usize, a1: usize) -> Args {
        match self.json(line, base, a0, a1) {
            Some(args) => args,
            None => self.whitespace_words(line, base, a0, a1),
        }
    }

    fn whitespace_words(&mut self, line: &str, base: usize, a0: usize, a1: usize) -> Args {
        if a0 == a1 {
            return Args::Empty;
        }
        Args::Words(
            split_words(&line[a0..a1])
                .into_iter()
                .map(|(s, e)| self.word(line, base, a0 + s, a0 + e))
                .collect(),
        )
    }

    /// BuildKit's `parseWords`: words separated by spaces, quotes and escapes kept.
    fn parse_words(&mut self, line: &str, base: usize, a0: usize, a1: usize) -> Vec<Word> {
        words(&line[a0..a1], self.escape)
            .into_iter()
            .map(|(value, s, e)| Word {
                value,
                span: self.span(base, a0 + s, a0 + e),
            })
            .collect()
    }

    /// `ENV` and `LABEL`: `key=value ...` or the legacy `KEY value`.
    fn name_val(&mut self, line: &str, base: usize, a0: usize, a1: usize, kw: Keyword) -> Args {
        let rest = &line[a0..a1];
        let found = words(rest, self.escape);
        let Some(first) = found.first() else {
            return Args::Empty;
        };
        if !first.0.contains('=') {
            let parts = split_words(rest);
            let Some(&(ks, ke)) = parts.first() else {
                return Args::Empty;
            };
            let Some(vs) = rest[ke..].find(|c| !is_split_space(c)).map(|i| ke + i) else {
                self.error(
                    SyntaxErrorKind::InvalidKeyValue,
                    self.span(base, a0, a1),
                    format!("{kw} must have two arguments"),
                );
                return Args::Empty;
            };
            return Args::Pairs(vec![KeyValue {
                key: self.word(line, base, a0 + ks, a0 + ke),
                value: self.word(line, base, a0 + vs, a1),
                equals: false,
            }]);
        }
        let mut pairs = Vec::with_capacity(found.len());
        for (w, s, e) in found {
            let Some(eq) = w.find('=') else {
                self.error(
                    SyntaxErrorKind::InvalidKeyValue,
                    self.span(base, a0 + s, a0 + e),
                    format!(
                        "Syntax error - can't find = in {}. Must be of the form: name=value",
                        super::lex::go_quote(&w)
                    ),
                );
                return Args::Empty;
            };
            let (k, v) = (&w[..eq], &w[eq + 1..]);
            let vs = (s + eq + 1).min(e);
            pairs.push(KeyValue {
                key: Word {
                    value: CompactString::from(k),
                    span: self.span(base, a0 + s, a0 + s + eq),
                },
                value: Word {
                    value: CompactString::from(v),
                    span: self.span(base, a0 + vs, a0 + e),
                },
                equals: true,
            });
        }
        Args::Pairs(pairs)
    }

    fn healthcheck(&mut self, line: &str, base: usize, a0: usize, a1: usize) -> Args {
        let bytes = &line.as_bytes()[a0..a1];
        let sep = bytes
            .iter()
            .position(|&b| is_byte_space(b))
            .unwrap_or(bytes.len());
        if sep == 0 {
            return Args::Empty;
        }
        let next = bytes[sep..]
            .iter()
            .position(|&b| !is_byte_space(b))
            .map_or(bytes.len(), |i| sep + i);
        let rest = &line[a0..a1];
        let (sep, next) = (ceil_boundary(rest, sep), ceil_boundary(rest, next));
        let kind = self.word(line, base, a0, a0 + sep);
        let command = self.maybe_json(line, base, a0 + next, a1);
        Args::Healthcheck {
            kind,
            command: Box::new(command),
        }
    }
}

/// BuildKit's `parseWords` over `rest`: `(word, start, end)`.
///
/// Words are separated by unquoted whitespace; quotes and escape characters are
/// kept, so a word is always the text of its range, except that an escape
/// character at the very end of `rest` is dropped.
pub(crate) fn words(rest: &str, escape: char) -> Vec<(CompactString, usize, usize)> {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    // The escape character and quotes are ASCII, so the text is walked byte
    // by byte; only non-ASCII bytes are decoded, to test for Unicode spaces.
    let b = rest.as_bytes();
    let esc = escape as u8;
    let space_at = |i: usize| -> (bool, usize) {
        match b[i] {
            b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' => (true, 1),
            c if c < 0x80 => (false, 1),
            _ => rest[i..]
                .chars()
                .next()
                .map_or((false, 1), |c| (c.is_whitespace(), c.len_utf8())),
        }
    };
    let mut out = Vec::new();
    let mut phase = Phase::Spaces;
    let mut start = 0;
    let mut quote = 0u8;
    let mut has_content = false; // BuildKit's "blankOK || len(word) > 0"
    let mut dropped_escape = false;
    let mut i = 0;
    while i < b.len() {
        let (is_space, width) = space_at(i);
        let c = b[i];
        if phase == Phase::Spaces {
            if is_space {
                i += width;
                continue;
            }
            phase = Phase::Word;
            start = i;
            has_content = false;
        }
        if phase == Phase::Word {
            if is_space {
                phase = Phase::Spaces;
                if has_content {
                    out.push((CompactString::from(&rest[start..i]), start, i));
                }
                i += width;
                continue;
            }
            if c == b'\'' || c == b'"' {
                quote = c;
                phase = Phase::Quote;
            }
            has_content = true;
            if c == esc {
                if i + 1 == b.len() {
                    dropped_escape = true; // an escape at the very end is dropped
                    has_content = i > start;
                    i += 1;
                    continue;
                }
                i += 1; // the escaped character is kept as it is
                i += space_at(i).1;
                continue;
            }
            i += width;
            continue;
        }
        // In a quote: everything counts, blanks included.
        has_content = true;
        if c == quote {
            phase = Phase::Word;
        } else if c == esc && quote != b'\'' {
            if i + 1 == b.len() {
                dropped_escape = true;
                phase = Phase::Word;
                i += 1;
                continue;
            }
            i += 1;
            i += space_at(i).1;
            continue;
        }
        i += width;
    }
    if phase != Phase::Spaces && has_content {
        let end = if dropped_escape { b.len() - 1 } else { b.len() };
        out.push((CompactString::from(&rest[start..end]), start, b.len()));
    }
    out
}

/// BuildKit's `extractBuilderFlags`: leading `--flag` words of `line`, each with
/// its range, and where the rest begins. BuildKit walks bytes here, so bytes of
/// multi-byte characters are read as Latin-1 characters; we do the same.
pub(crate) fn extract_flags(line: &str) -> (Vec<(String, usize, usize)>, usize) {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let b = line.as_bytes();
    let mut flags = Vec::new();
    let mut phase = Phase::Spaces;
    let mut word = String::new();
    let mut start = 0;
    let mut quote = 0u8;
    let mut blank_ok = false;
    let mut pos = 0;
    let push_latin1 = |w: &mut String, c: u8| w.push(char::from(c));
    while pos <= b.len() {
        if phase == Phase::Spaces {
            if pos == b.len() {
                break;
            }
            let ch = b[pos];
            if is_byte_space(ch) {
                pos += 1;
                continue;
            }
            if ch != b'-' || pos + 1 == b.len() || b[pos + 1] != b'-' {
                return (flags, ceil_boundary(line, pos));
            }
            phase = Phase::Word;
            start = pos;
        }
        if pos == b.len() {
            if word != "--" && (blank_ok || !word.is_empty()) {
                flags.push((word, start, pos));
            }
            return (flags, b.len());
        }
        let ch = b[pos];
        if phase == Phase::Word {
            if is_byte_space(ch) {
                phase = Phase::Spaces;
                if word == "--" {
                    return (flags, ceil_boundary(line, pos));
                }
                if blank_ok || !word.is_empty() {
                    flags.push((std::mem::take(&mut word), start, ceil_boundary(line, pos)));
                }
                word.clear();
                blank_ok = false;
                pos += 1;
                continue;
            }
            if ch == b'\'' || ch == b'"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
                pos += 1;
                continue;
            }
            if ch == b'\\' {
                if pos + 1 == b.len() {
                    pos += 1;
                    continue;
                }
                pos += 1;
            }
            push_latin1(&mut word, b[pos]);
            pos += 1;
            continue;
        }
        // In a quote.
        if ch == quote {
            phase = Phase::Word;
            pos += 1;
            continue;
        }
        if ch == b'\\' {
            if pos + 1 == b.len() {
                phase = Phase::Word;
                pos += 1;
                continue;
            }
            pos += 1;
        }
        push_latin1(&mut word, b[pos]);
        pos += 1;
    }
    (flags, b.len())
}

/// The known keyword closest to a misspelled one, if it is close enough.
fn suggest(word: &str) -> Option<&'static str> {
    let lower = word.to_ascii_lowercase();
    Keyword::ALL
        .iter()
        .map(|k| {
            (
                strsim::levenshtein(&lower, &k.as_str().to_ascii_lowercase()),
                k,
            )
        })
        .filter(|(d, k)| *d <= 2 && *d < k.as_str().len() / 2 + 1)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flag_words(line: &str) -> (Vec<String>, &str) {
        let (f, rest) = extract_flags(line);
        (f.into_iter().map(|(w, _, _)| w).collect(), &line[rest..])
    }

    #[test]
    fn flags_like_buildkit() {
        assert_eq!(
            flag_words("--a=1 --b x"),
            (vec!["--a=1".into(), "--b".into()], "x")
        );
        assert_eq!(flag_words("--a='x y' z"), (vec!["--a=x y".into()], "z"));
        assert_eq!(flag_words("-- --a z"), (vec![], " --a z"));
        assert_eq!(flag_words("--a -- z"), (vec!["--a".into()], " z"));
        assert_eq!(flag_words("--a"), (vec!["--a".into()], ""));
        assert_eq!(flag_words("-a z"), (vec![], "-a z"));
        assert_eq!(flag_words("--x=a\\ b c"), (vec!["--x=a b".into()], "c"));
    }

    #[test]
    fn words_keep_quotes_and_escapes() {
        let w = |s: &str| {
            words(s, '\\')
                .into_iter()
                .map(|(w, _, _)| w)
                .collect::<Vec<_>>()
        };
        assert_eq!(w(r#"a="b c" d"#), vec![r#"a="b c""#, "d"]);
        assert_eq!(w(r"a\ b c\"), vec![r"a\ b", "c"]);
        assert_eq!(w(r#"a="" "#), vec![r#"a="""#]);
        assert_eq!(w(r#"'it\'s'"#), vec![r"'it\'s'"]);
    }

    #[test]
    fn suggests_close_keywords() {
        assert_eq!(suggest("RUNN"), Some("RUN"));
        assert_eq!(suggest("form"), Some("FROM"));
        assert_eq!(suggest("XYZZY"), None);
    }
}
