//! The brush-parser adapter: the only file that names brush-parser's types.
//!
//! brush-parser reads the script into its AST; this walks the AST and reports
//! byte ranges to the builder. Facts about brush-parser 0.4 this relies on:
//!
//! * its positions are character indices, not bytes;
//! * a word's start is off when a `\`-newline precedes it (the tokenizer
//!   skips both characters without moving the token start), and a word's
//!   value lacks the `\`-newlines inside it: each word is found again in the
//!   text ([`Positions::locate`]);
//! * it can loop forever, allocating, on some here-documents (`<<''`,
//!   `<<$(  `, one pending at the end of a substitution): it never sees one
//!   (`heredoc.rs` replaces them by placeholder words of the same length);
//! * it panics on some inputs (an all-digit descriptor too large for `u32`
//!   before `<`/`>`; `unwrap`s in its tokenizer reached with here-documents
//!   inside substitutions): panics are caught and reported as errors;
//! * it reads `( (a) )` (a space between the parentheses) as an arithmetic
//!   command: the inside is parsed again as a subshell;
//! * it recurses once per nesting level (and per `&&`/`||`/`!` inside
//!   `[[ ]]`): the builder checks the depth before calling it.

use super::Nesting;
use super::build::{Builder, Ctx, Item};
use super::heredoc::Marker;
use brush_parser::ast;
use brush_parser::{ParseError, Parser, ParserOptions, SourceSpan, TokenizerError};

/// Parse `b.text[start..end]` and report its commands.
pub(crate) fn parse(b: &mut Builder<'_, '_>, start: usize, end: usize, ctx: Ctx) {
    let text = b.text;
    let sub = &text[start..end];
    // brush-parser never sees a here-document (see `heredoc.rs`).
    let (fed, markers) = match super::heredoc::prepare(sub) {
        Some((fed, markers)) => (std::borrow::Cow::Owned(fed), markers),
        None => (std::borrow::Cow::Borrowed(sub), Vec::new()),
    };
    // Positions are character indices, the same in `fed` and in `sub`.
    let pos = Positions::new(&fed, sub, start);
    let program = match run(&fed) {
        None => {
            b.fail("shell parser failed on this script", start, start);
            return;
        }
        Some(Err(e)) => {
            report(b, &pos, &e);
            return;
        }
        Some(Ok(p)) => p,
    };
    let markers = markers
        .into_iter()
        .map(|m| Marker {
            start: m.start + start,
            word: m.word + start,
            delim: (m.delim.0 + start, m.delim.1 + start),
            ..m
        })
        .collect();
    let mut w = Walker { b, pos, markers };
    for list in &program.complete_commands {
        w.list(list, ctx);
    }
}

/// Run brush-parser. Some inputs (here-documents inside substitutions...)
/// reach an `unwrap` in its tokenizer: the panic is caught, kept quiet, and
/// reported as `None`.
fn run(text: &str) -> Option<Result<ast::Program, ParseError>> {
    quiet_panics();
    IN_BRUSH.with(|f| f.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let options = ParserOptions::default();
        Parser::new(std::io::Cursor::new(text.as_bytes()), &options).parse_program()
    }));
    IN_BRUSH.with(|f| f.set(false));
    result.ok()
}

thread_local! {
    /// Whether this thread is inside brush-parser.
    static IN_BRUSH: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Install (once) a panic hook that stays silent for panics inside
/// brush-parser and defers to the previous hook for all others.
fn quiet_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !IN_BRUSH.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
}

/// Map a parse error to a message and a position.
fn report(b: &mut Builder<'_, '_>, pos: &Positions<'_>, e: &ParseError) {
    let text = b.text;
    let (message, at) = match e {
        ParseError::ParsingNear(p) => {
            let at = pos.at(p.index);
            let near: String = text[at..pos.limit]
                .chars()
                .take_while(|c| !c.is_whitespace())
                .take(20)
                .collect();
            (format!("shell syntax error near `{near}`"), at)
        }
        ParseError::ParsingAtEndOfInput => (
            "shell syntax error: unexpected end of script".to_string(),
            pos.limit,
        ),
        ParseError::Tokenizing { inner, position } => {
            let (what, p) = match inner {
                TokenizerError::UnterminatedSingleQuote(p) => {
                    ("unterminated single quote", Some(p))
                }
                TokenizerError::UnterminatedDoubleQuote(p) => {
                    ("unterminated double quote", Some(p))
                }
                TokenizerError::UnterminatedAnsiCQuote(p) => ("unterminated $'...' quote", Some(p)),
                TokenizerError::UnterminatedBackquote(p) => ("unterminated backquote", Some(p)),
                TokenizerError::UnterminatedExtendedGlob(p) => {
                    ("unterminated extended glob", Some(p))
                }
                TokenizerError::UnterminatedEscapeSequence => ("unterminated escape", None),
                TokenizerError::UnterminatedVariable => ("unterminated ${...}", None),
                TokenizerError::UnterminatedCommandSubstitution => {
                    ("unterminated command substitution", None)
                }
                TokenizerError::UnterminatedExpansion => ("unterminated expansion", None),
                TokenizerError::UnterminatedHereDocuments(..) => {
                    ("unterminated here-document", None)
                }
                _ => ("unreadable script", None),
            };
            let at = p
                .or(position.as_ref())
                .map_or(pos.limit, |p| pos.at(p.index));
            (format!("shell syntax error: {what}"), at)
        }
    };
    b.fail(&message, at, at);
}

/// Character indices of the parsed text to byte offsets of the script.
///
/// brush-parser reads `fed` (the script text with here-documents replaced,
/// character for character); words are matched against `fed` and their
/// positions given in the script.
struct Positions<'f> {
    /// What brush-parser read.
    fed: &'f str,
    /// Where the parsed text starts in the script.
    base: usize,
    /// Where it ends in the script.
    limit: usize,
    /// Byte offset in the script text of each character (and of the end),
    /// when it is not ASCII.
    orig: Option<Vec<usize>>,
    /// Byte offset in `fed` of each character (and of the end), when `fed`
    /// is not ASCII.
    fed_at: Option<Vec<usize>>,
}

fn char_offsets(s: &str) -> Option<Vec<usize>> {
    (!s.is_ascii()).then(|| {
        s.char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(s.len()))
            .collect()
    })
}

impl<'f> Positions<'f> {
    fn new(fed: &'f str, sub: &str, base: usize) -> Positions<'f> {
        Positions {
            fed,
            base,
            limit: base + sub.len(),
            orig: char_offsets(sub),
            fed_at: char_offsets(fed),
        }
    }

    /// The number of characters.
    fn chars(&self) -> usize {
        self.fed_at.as_ref().map_or(self.fed.len(), |v| v.len() - 1)
    }

    /// The script byte offset of character index `idx`.
    fn at(&self, idx: usize) -> usize {
        let idx = idx.min(self.chars());
        let off = self.orig.as_ref().map_or(idx, |v| v[idx]);
        (self.base + off).min(self.limit)
    }

    /// The `fed` byte offset of character index `idx`.
    fn fed_byte(&self, idx: usize) -> usize {
        let idx = idx.min(self.chars());
        self.fed_at.as_ref().map_or(idx, |v| v[idx])
    }

    /// The character index of a `fed` byte offset (a character boundary).
    fn fed_char(&self, byte: usize) -> usize {
        self.fed_at
            .as_ref()
            .map_or(byte, |v| v.partition_point(|&b| b < byte))
    }

    /// Find a word of brush-parser's: its reported range when that reads the
    /// value, else the range ending where it ends, else the first place from
    /// the reported start where the value reads with `\`-newlines skipped,
    /// else the reported range.
    fn locate(&self, value: &str, loc: Option<&SourceSpan>) -> Option<(usize, usize)> {
        let loc = loc?;
        let n = self.chars();
        let cs = loc.start.index.min(n);
        let ce = loc.end.index.min(n).max(cs);
        let (fs, fe) = (self.fed_byte(cs), self.fed_byte(ce));
        let fed = self.fed.as_bytes();
        let value_b = value.as_bytes();
        if fed.get(fs..fe).is_some_and(|t| same(t, value_b)) {
            return Some((self.at(cs), self.at(ce)));
        }
        let len = value.chars().count();
        if ce >= len
            && fed
                .get(self.fed_byte(ce - len)..fe)
                .is_some_and(|t| same(t, value_b))
        {
            return Some((self.at(ce - len), self.at(ce)));
        }
        // The start is off by two per `\`-newline before the word: a few
        // places are enough (and keep this linear).
        for c in cs..=ce.min(cs + 16) {
            if let Some(end) = match_skipping(fed, self.fed_byte(c), value_b) {
                return Some((self.at(c), self.at(self.fed_char(end))));
            }
        }
        Some((self.at(cs), self.at(ce)))
    }
}

/// Whether two bytes read the same for brush-parser, which writes a space
/// for the blank that ends a token inside `$(...)`.
fn same_byte(a: u8, b: u8) -> bool {
    a == b || (matches!(a, b' ' | b'\t') && matches!(b, b' ' | b'\t'))
}

/// Whether a text reads as a brush-parser word value ([`same_byte`]).
fn same(text: &[u8], value: &[u8]) -> bool {
    text.len() == value.len() && text.iter().zip(value).all(|(&a, &b)| same_byte(a, b))
}

/// Match `value` in `text` from `from`, skipping `\`-newlines in the text
/// (after the first character); the end of the match.
fn match_skipping(text: &[u8], from: usize, value: &[u8]) -> Option<usize> {
    let (mut i, mut j) = (from, 0);
    while j < value.len() {
        if i < text.len() && same_byte(text[i], value[j]) {
            i += 1;
            j += 1;
        } else if j > 0 && i + 1 < text.len() && text[i] == b'\\' && text[i + 1] == b'\n' {
            i += 2;
        } else {
            return None;
        }
    }
    Some(i)
}

struct Walker<'w, 't, 'o, 'f> {
    b: &'w mut Builder<'t, 'o>,
    pos: Positions<'f>,
    /// Here-document markers, in script offsets.
    markers: Vec<Marker>,
}

impl Walker<'_, '_, '_, '_> {
    fn locate(&self, w: &ast::Word) -> Option<(usize, usize)> {
        self.pos.locate(&w.value, w.loc.as_ref())
    }

    /// The item for a word of a simple command: a here-document marker's
    /// placeholder becomes its redirection.
    fn word_item(&self, w: &ast::Word, assign: bool) -> Option<Item> {
        let at = self.pos.at(w.loc.as_ref()?.start.index);
        if let Some(m) = self.markers.iter().find(|m| m.word == at) {
            return Some(Item::Redirect {
                fd: m.fd,
                op: m.op,
                start: m.start,
                target: m.delim,
            });
        }
        let (s, e) = self.locate(w)?;
        Some(if assign {
            Item::Assign(s, e)
        } else {
            Item::Word(s, e)
        })
    }

    fn list(&mut self, list: &ast::CompoundList, ctx: Ctx) {
        for item in &list.0 {
            self.and_or(&item.0, ctx);
        }
    }

    fn and_or(&mut self, ao: &ast::AndOrList, ctx: Ctx) {
        let mut pipes = vec![&ao.first];
        let mut ors = Vec::new();
        for next in &ao.additional {
            match next {
                ast::AndOr::And(p) => {
                    ors.push(false);
                    pipes.push(p);
                }
                ast::AndOr::Or(p) => {
                    ors.push(true);
                    pipes.push(p);
                }
            }
        }
        let last_or = ors.iter().rposition(|&o| o);
        for (i, p) in pipes.into_iter().enumerate() {
            let ctx = self.b.list_item(ctx);
            let condition = ctx.condition || p.bang || last_or.is_some_and(|j| j >= i);
            self.pipeline(p, Ctx { condition, ..ctx });
        }
    }

    fn pipeline(&mut self, p: &ast::Pipeline, ctx: Ctx) {
        let idx = (p.seq.len() >= 2).then(|| self.b.pipeline(p.seq.len()));
        for (stage, cmd) in p.seq.iter().enumerate() {
            let c = Ctx {
                pipeline: idx.map(|i| (i, stage)).or(ctx.pipeline),
                ..ctx
            };
            self.command(cmd, c);
        }
    }

    fn command(&mut self, cmd: &ast::Command, ctx: Ctx) {
        match cmd {
            ast::Command::Simple(sc) => self.simple(sc, ctx),
            ast::Command::Compound(cc, redirects) => {
                self.compound(cc, ctx);
                if let Some(r) = redirects {
                    self.redirect_list(r, ctx);
                }
            }
            ast::Command::Function(f) => {
                self.compound(&f.body.0, ctx.inside(Nesting::Compound));
                if let Some(r) = &f.body.1 {
                    self.redirect_list(r, ctx);
                }
            }
            ast::Command::ExtendedTest(t, redirects) => {
                self.test(&t.expr, ctx);
                if let Some(r) = redirects {
                    self.redirect_list(r, ctx);
                }
            }
        }
    }

    /// Substitutions in the redirections of a compound command.
    fn redirect_list(&mut self, r: &ast::RedirectList, ctx: Ctx) {
        for io in &r.0 {
            let mut items = Vec::new();
            let mut procs = Vec::new();
            self.redirect(io, &mut items, &mut procs);
            for item in items {
                if let Item::Redirect { target: (s, e), .. } = item {
                    self.b.word_substitutions(s, e, ctx);
                }
            }
            self.process_substitutions(&procs, ctx);
        }
    }

    fn compound(&mut self, cc: &ast::CompoundCommand, ctx: Ctx) {
        let body = ctx.inside(Nesting::Compound);
        let cond = Ctx {
            condition: true,
            ..body
        };
        match cc {
            ast::CompoundCommand::BraceGroup(g) => self.list(&g.list, body),
            ast::CompoundCommand::Subshell(s) => self.list(&s.list, ctx.inside(Nesting::Subshell)),
            ast::CompoundCommand::ForClause(f) => {
                for w in f.values.iter().flatten() {
                    self.word_subs(w, ctx);
                }
                self.list(&f.body.list, body);
            }
            ast::CompoundCommand::ArithmeticForClause(f) => self.list(&f.body.list, body),
            ast::CompoundCommand::CaseClause(c) => {
                self.word_subs(&c.value, ctx);
                for item in &c.cases {
                    for w in &item.patterns {
                        self.word_subs(w, ctx);
                    }
                    if let Some(l) = &item.cmd {
                        self.list(l, body);
                    }
                }
            }
            ast::CompoundCommand::IfClause(i) => {
                self.list(&i.condition, cond);
                self.list(&i.then, body);
                for e in i.elses.iter().flatten() {
                    if let Some(c) = &e.condition {
                        self.list(c, cond);
                    }
                    self.list(&e.body, body);
                }
            }
            ast::CompoundCommand::WhileClause(w) | ast::CompoundCommand::UntilClause(w) => {
                self.list(&w.0, cond);
                self.list(&w.1.list, body);
            }
            ast::CompoundCommand::Coprocess(c) => self.command(&c.body, body),
            ast::CompoundCommand::Arithmetic(a) => {
                // brush-parser reads `( (a) )` as arithmetic; the shell (and
                // the user) mean nested subshells: parse the inside again.
                let (start, end) = (self.pos.at(a.loc.start.index), self.pos.at(a.loc.end.index));
                let text = self.b.text.as_bytes();
                if end > start + 2
                    && text.get(start) == Some(&b'(')
                    && text.get(start + 1) != Some(&b'(')
                    && text.get(end - 1) == Some(&b')')
                {
                    self.b.subshell(start + 1, end - 1, ctx);
                }
            }
        }
    }

    fn test(&mut self, e: &ast::ExtendedTestExpr, ctx: Ctx) {
        match e {
            ast::ExtendedTestExpr::And(l, r) | ast::ExtendedTestExpr::Or(l, r) => {
                self.test(l, ctx);
                self.test(r, ctx);
            }
            ast::ExtendedTestExpr::Not(x) | ast::ExtendedTestExpr::Parenthesized(x) => {
                self.test(x, ctx);
            }
            ast::ExtendedTestExpr::UnaryTest(_, w) => self.word_subs(w, ctx),
            ast::ExtendedTestExpr::BinaryTest(_, l, r) => {
                self.word_subs(l, ctx);
                self.word_subs(r, ctx);
            }
        }
    }

    fn word_subs(&mut self, w: &ast::Word, ctx: Ctx) {
        if let Some((s, e)) = self.locate(w) {
            self.b.word_substitutions(s, e, ctx);
        }
    }

    fn simple(&mut self, sc: &ast::SimpleCommand, ctx: Ctx) {
        let mut items = Vec::new();
        let mut procs = Vec::new();
        if let Some(prefix) = &sc.prefix {
            for it in &prefix.0 {
                self.item(it, true, &mut items, &mut procs);
            }
        }
        if let Some(w) = &sc.word_or_name {
            items.extend(self.word_item(w, false));
        }
        if let Some(suffix) = &sc.suffix {
            for it in &suffix.0 {
                self.item(it, false, &mut items, &mut procs);
            }
        }
        self.b.simple(&items, ctx);
        self.process_substitutions(&procs, ctx);
    }

    fn process_substitutions(&mut self, procs: &[&ast::SubshellCommand], ctx: Ctx) {
        for sub in procs {
            let inner = Ctx {
                nesting: Nesting::Substitution,
                pipeline: None,
                top: false,
                ..ctx
            };
            self.list(&sub.list, inner);
        }
    }

    fn item<'a>(
        &self,
        it: &'a ast::CommandPrefixOrSuffixItem,
        prefix: bool,
        items: &mut Vec<Item>,
        procs: &mut Vec<&'a ast::SubshellCommand>,
    ) {
        match it {
            ast::CommandPrefixOrSuffixItem::IoRedirect(r) => self.redirect(r, items, procs),
            ast::CommandPrefixOrSuffixItem::Word(w) => items.extend(self.word_item(w, false)),
            ast::CommandPrefixOrSuffixItem::AssignmentWord(_, w) => {
                items.extend(self.word_item(w, prefix));
            }
            ast::CommandPrefixOrSuffixItem::ProcessSubstitution(_, sub) => {
                if let Some(r) = self.subshell_range(sub) {
                    items.push(Item::Word(r.0, r.1));
                }
                procs.push(sub);
            }
        }
    }

    /// The text of a process substitution `<(...)`, from its `<` or `>`.
    fn subshell_range(&self, sub: &ast::SubshellCommand) -> Option<(usize, usize)> {
        let s = self.pos.at(sub.loc.start.index);
        let e = self.pos.at(sub.loc.end.index).max(s);
        let text = self.b.text.as_bytes();
        let s = if s > 0 && matches!(text.get(s - 1), Some(b'<' | b'>')) {
            s - 1
        } else {
            s
        };
        Some((s, e))
    }

    fn redirect<'a>(
        &self,
        r: &'a ast::IoRedirect,
        items: &mut Vec<Item>,
        procs: &mut Vec<&'a ast::SubshellCommand>,
    ) {
        let (fd, op, target) = match r {
            ast::IoRedirect::File(fd, kind, target) => {
                let op = match kind {
                    ast::IoFileRedirectKind::Read => "<",
                    ast::IoFileRedirectKind::Write => ">",
                    ast::IoFileRedirectKind::Append => ">>",
                    ast::IoFileRedirectKind::ReadAndWrite => "<>",
                    ast::IoFileRedirectKind::Clobber => ">|",
                    ast::IoFileRedirectKind::DuplicateInput => "<&",
                    ast::IoFileRedirectKind::DuplicateOutput => ">&",
                };
                let range = match target {
                    ast::IoFileRedirectTarget::Filename(w)
                    | ast::IoFileRedirectTarget::Duplicate(w) => self.locate(w),
                    ast::IoFileRedirectTarget::ProcessSubstitution(_, sub) => {
                        procs.push(sub);
                        self.subshell_range(sub)
                    }
                    // `|&` adds a `2>&1` that is not in the text.
                    ast::IoFileRedirectTarget::Fd(_) => None,
                };
                (*fd, op, range)
            }
            ast::IoRedirect::HereDocument(fd, h) => {
                let op = if h.remove_tabs { "<<-" } else { "<<" };
                (*fd, op, self.locate(&h.here_end))
            }
            ast::IoRedirect::HereString(fd, w) => (*fd, "<<<", self.locate(w)),
            ast::IoRedirect::OutputAndError(w, append) => {
                (None, if *append { "&>>" } else { "&>" }, self.locate(w))
            }
        };
        let Some((s, e)) = target else {
            return;
        };
        let fd = fd.and_then(|f| u32::try_from(f).ok());
        let start = op_start(self.b.text.as_bytes(), s, op, fd).max(self.pos.base);
        items.push(Item::Redirect {
            fd,
            op,
            start,
            target: (s, e),
        });
    }
}

/// Where a redirection starts, given where its target starts: back over
/// blanks and line continuations, the operator and the descriptor number. The target's start when
/// the text does not read that way.
fn op_start(text: &[u8], target: usize, op: &str, fd: Option<u32>) -> usize {
    let mut k = target;
    loop {
        if k > 0 && matches!(text[k - 1], b' ' | b'\t') {
            k -= 1;
        } else if k > 1 && &text[k - 2..k] == b"\\\n" {
            k -= 2;
        } else {
            break;
        }
    }
    if k < op.len() || &text[k - op.len()..k] != op.as_bytes() {
        return target;
    }
    k -= op.len();
    if let Some(fd) = fd {
        let digits = fd.to_string();
        if k >= digits.len() && &text[k - digits.len()..k] == digits.as_bytes() {
            k -= digits.len();
        }
    }
    k
}
