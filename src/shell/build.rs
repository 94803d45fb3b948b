//! The builder both parsers feed: byte ranges of the script in, [`Script`] out.
//!
//! A parser reports each simple command as a list of [`Item`]s (byte ranges
//! into the script text) within a [`Ctx`] (nesting, list position,
//! condition, pipeline). The builder makes the words, maps spans to the file,
//! and parses the text of every command substitution it finds, recursively,
//! with the same engine.

use super::depth::{MAX_DEPTH, too_deep};
use super::fast;
use super::word::{Analysis, analyze, assignment};
use super::{Command, Engine, Nesting, Origin, Pipeline, Redirect, Script, ShellError, Word};
use crate::syntax::Span;

/// One part of a simple command, as byte ranges into the script text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Item {
    /// An assignment before the command name (`A=b`): the whole word.
    Assign(usize, usize),
    /// A word: the command name or an argument.
    Word(usize, usize),
    /// A redirection.
    Redirect {
        /// The descriptor number before the operator.
        fd: Option<u32>,
        /// The operator.
        op: &'static str,
        /// Where the descriptor or operator starts.
        start: usize,
        /// The target word.
        target: (usize, usize),
    },
}

/// Where a command runs.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ctx {
    pub nesting: Nesting,
    pub list_index: usize,
    pub condition: bool,
    /// Pipeline (creation index) and stage.
    pub pipeline: Option<(usize, usize)>,
    /// Substitution nesting depth.
    pub depth: usize,
    /// Whether list elements here are elements of the top-level list.
    pub top: bool,
}

impl Ctx {
    fn root() -> Ctx {
        Ctx {
            nesting: Nesting::Top,
            list_index: 0,
            condition: false,
            pipeline: None,
            depth: 0,
            top: true,
        }
    }

    /// The context of the body of a compound command.
    pub fn inside(self, nesting: Nesting) -> Ctx {
        Ctx {
            nesting,
            top: false,
            ..self
        }
    }
}

pub(crate) struct Builder<'t, 'o> {
    /// The whole script.
    pub text: &'t str,
    origin: Origin<'o>,
    engine: Engine,
    commands: Vec<Command>,
    /// Pipelines in creation order: stages.
    pipelines: Vec<usize>,
    error: Option<ShellError>,
    next_list: usize,
    /// The fast engine met a substitution it does not accept.
    abort: bool,
    /// The whole script passed the nesting check.
    checked: bool,
    /// Positions of `)` that close case patterns inside command
    /// substitutions (see `fast::Parsed::masks`).
    masks: Vec<usize>,
}

impl<'t, 'o> Builder<'t, 'o> {
    /// Parse a whole script.
    pub fn run(text: &'t str, origin: Origin<'o>, engine: Engine) -> Option<Script> {
        let mut b = Builder {
            text,
            origin,
            engine,
            commands: Vec::new(),
            pipelines: Vec::new(),
            error: None,
            next_list: 0,
            abort: false,
            checked: false,
            masks: Vec::new(),
        };
        b.parse_range(0, text.len(), Ctx::root());
        if b.abort {
            return None;
        }
        Some(b.finish())
    }

    /// Parse `text[start..end]` (the whole script or a substitution's
    /// command text) with the builder's engine.
    fn parse_range(&mut self, start: usize, end: usize, ctx: Ctx) {
        if ctx.depth > MAX_DEPTH {
            self.fail("shell script nested too deeply", start, start);
            return;
        }
        match self.engine {
            Engine::Fast => match fast::parse(self.text, start, end, ctx.depth) {
                Some(parsed) => self.take_fast(parsed, ctx),
                None => self.abort = true,
            },
            Engine::Auto => match fast::parse(self.text, start, end, ctx.depth) {
                Some(parsed) => self.take_fast(parsed, ctx),
                None => self.parse_brush(start, end, ctx),
            },
            Engine::Brush => self.parse_brush(start, end, ctx),
        }
    }

    /// Emit what the fast parser made of a range.
    fn take_fast(&mut self, parsed: fast::Parsed, ctx: Ctx) {
        // Sorted, without duplicates (a substitution parsed again reports
        // those of the substitutions inside it again).
        for m in parsed.masks {
            if let Err(k) = self.masks.binary_search(&m) {
                self.masks.insert(k, m);
            }
        }
        self.emit_fast(&parsed.list, &parsed.items, ctx);
    }

    fn parse_brush(&mut self, start: usize, end: usize, ctx: Ctx) {
        // Once the whole script passed, its parts do too.
        if !self.checked {
            if too_deep(&self.text[start..end], MAX_DEPTH.saturating_sub(ctx.depth)) {
                self.fail("shell script nested too deeply", start, start);
                return;
            }
            self.checked = start == 0 && end == self.text.len();
        }
        super::brush::parse(self, start, end, ctx);
    }

    /// Record a problem (the first one wins).
    pub fn fail(&mut self, message: &str, start: usize, end: usize) {
        if self.error.is_none() {
            let span = self.origin.span(start, end);
            self.error = Some(ShellError {
                message: message.to_string(),
                span,
            });
        }
    }

    /// Enter an element (a pipeline) of a `&&`/`||`/`;` list: at top level,
    /// each gets the next list index.
    pub fn list_item(&mut self, ctx: Ctx) -> Ctx {
        if ctx.top {
            let i = self.next_list;
            self.next_list += 1;
            Ctx {
                list_index: i,
                top: false,
                ..ctx
            }
        } else {
            ctx
        }
    }

    /// Start a pipeline of `stages` (two or more) stages.
    pub fn pipeline(&mut self, stages: usize) -> usize {
        self.pipelines.push(stages);
        self.pipelines.len() - 1
    }

    /// Emit the fast parser's list, as `brush.rs`'s walker does for the same
    /// constructs.
    fn emit_fast(&mut self, list: &[fast::AndOr], items: &[Item], ctx: Ctx) {
        for and_or in list {
            // A pipeline is a condition when an `||` follows it: found once
            // per list, so that a long `&&` chain stays linear.
            let last_or = and_or.ors.iter().rposition(|&or| or);
            for (i, pipe) in and_or.pipelines.iter().enumerate() {
                let ctx = self.list_item(ctx);
                let condition = ctx.condition || pipe.bang || last_or.is_some_and(|j| j >= i);
                let ctx = Ctx { condition, ..ctx };
                let idx = (pipe.cmds.len() >= 2).then(|| self.pipeline(pipe.cmds.len()));
                for (stage, cmd) in pipe.cmds.iter().enumerate() {
                    let c = Ctx {
                        pipeline: idx.map(|p| (p, stage)).or(ctx.pipeline),
                        ..ctx
                    };
                    match cmd {
                        fast::Cmd::Simple(range) => self.simple(&items[range.clone()], c),
                        fast::Cmd::Compound(cc, redirects) => {
                            self.emit_compound(cc, items, c);
                            self.redirect_substitutions(&items[redirects.clone()], c);
                        }
                        fast::Cmd::Function(cc, redirects) => {
                            self.emit_compound(cc, items, c.inside(Nesting::Compound));
                            self.redirect_substitutions(&items[redirects.clone()], c);
                        }
                    }
                }
            }
        }
    }

    /// A compound command of the fast parser.
    fn emit_compound(&mut self, cc: &fast::Compound, items: &[Item], ctx: Ctx) {
        let body = ctx.inside(Nesting::Compound);
        let cond = Ctx {
            condition: true,
            ..body
        };
        match cc {
            fast::Compound::Brace(list) => self.emit_fast(list, items, body),
            fast::Compound::Subshell(list) => {
                self.emit_fast(list, items, ctx.inside(Nesting::Subshell))
            }
            fast::Compound::For(words, list) => {
                for &(s, e) in words {
                    self.word_substitutions(s, e, ctx);
                }
                self.emit_fast(list, items, body);
            }
            fast::Compound::Case((s, e), cases) => {
                self.word_substitutions(*s, *e, ctx);
                for (patterns, list) in cases {
                    for &(s, e) in patterns {
                        self.word_substitutions(s, e, ctx);
                    }
                    self.emit_fast(list, items, body);
                }
            }
            fast::Compound::If(branches, otherwise) => {
                for (condition, then) in branches {
                    self.emit_fast(condition, items, cond);
                    self.emit_fast(then, items, body);
                }
                if let Some(list) = otherwise {
                    self.emit_fast(list, items, body);
                }
            }
            fast::Compound::Loop(condition, list) => {
                self.emit_fast(condition, items, cond);
                self.emit_fast(list, items, body);
            }
        }
    }

    /// The substitutions in the targets of redirections after a compound
    /// command.
    fn redirect_substitutions(&mut self, redirects: &[Item], ctx: Ctx) {
        for item in redirects {
            if let Item::Redirect { target: (s, e), .. } = *item {
                self.word_substitutions(s, e, ctx);
            }
        }
    }

    /// A word from a byte range, and the ranges of its substitutions.
    fn word(&self, start: usize, end: usize) -> (Word, Vec<(usize, usize)>) {
        let raw = &self.text[start..end];
        let k = self.masks.partition_point(|&m| m < start);
        let a = if self.masks.get(k).is_some_and(|&m| m < end) {
            analyze_masked(raw, start, &self.masks)
        } else {
            analyze(raw)
        };
        let subs = a
            .subs
            .iter()
            .map(|&(s, e)| (start + s, start + e))
            .collect();
        (
            Word {
                raw: raw.into(),
                value: a.value,
                literal: a.literal,
                span: self.origin.span(start, end),
            },
            subs,
        )
    }

    /// One simple command.
    pub fn simple(&mut self, items: &[Item], ctx: Ctx) {
        if items.is_empty() {
            return;
        }
        let mut cmd = Command {
            pipeline: ctx.pipeline.map(|p| p.0),
            stage: ctx.pipeline.map_or(0, |p| p.1),
            nesting: ctx.nesting,
            list_index: ctx.list_index,
            condition: ctx.condition,
            args: Vec::with_capacity(items.len()),
            ..Command::default()
        };
        let (mut lo, mut hi) = (usize::MAX, 0);
        let mut subs = Vec::new();
        for item in items {
            match *item {
                Item::Assign(s, e) => {
                    lo = lo.min(s);
                    hi = hi.max(e);
                    let raw = &self.text[s..e];
                    let (name, at) = match assignment(raw) {
                        Some((n, at)) => (n.to_string(), at),
                        None => {
                            let at = raw.find('=').map_or(raw.len(), |p| p + 1);
                            (raw[..at.saturating_sub(1)].to_string(), at)
                        }
                    };
                    let (w, sub) = self.word(s + at, e);
                    subs.extend(sub);
                    cmd.assignments.push((name, w));
                }
                Item::Word(s, e) => {
                    lo = lo.min(s);
                    hi = hi.max(e);
                    let (w, sub) = self.word(s, e);
                    subs.extend(sub);
                    if cmd.name.is_none() {
                        cmd.name = Some(w);
                    } else {
                        cmd.args.push(w);
                    }
                }
                Item::Redirect {
                    fd,
                    op,
                    start,
                    target: (s, e),
                } => {
                    lo = lo.min(start);
                    hi = hi.max(e);
                    let (target, sub) = self.word(s, e);
                    subs.extend(sub);
                    cmd.redirects.push(Redirect {
                        fd,
                        op: op.to_string(),
                        target,
                        span: self.origin.span(start, e),
                    });
                }
            }
        }
        cmd.span = self.origin.span(lo, hi.max(lo));
        cmd.settle();
        self.commands.push(cmd);
        self.substitutions(&subs, ctx);
    }

    /// Parse the command text of substitutions found in words.
    fn substitutions(&mut self, subs: &[(usize, usize)], ctx: Ctx) {
        for &(s, e) in subs {
            let inner = Ctx {
                nesting: Nesting::Substitution,
                pipeline: None,
                depth: ctx.depth + 1,
                top: false,
                ..ctx
            };
            self.parse_range(s, e.max(s), inner);
        }
    }

    /// Parse `text[start..end]`, the inside of a subshell that brush-parser
    /// took for an arithmetic command.
    pub fn subshell(&mut self, start: usize, end: usize, ctx: Ctx) {
        let inner = Ctx {
            nesting: Nesting::Subshell,
            depth: ctx.depth + 1,
            top: false,
            ..ctx
        };
        self.parse_range(start, end, inner);
    }

    /// Parse the substitutions in a word that is not part of a simple
    /// command (`for` values, `case` words, `[[ ]]` operands).
    pub fn word_substitutions(&mut self, start: usize, end: usize, ctx: Ctx) {
        let (_, subs) = self.word(start, end);
        self.substitutions(&subs, ctx);
    }

    /// The finished script: commands and pipelines in source order.
    fn finish(self) -> Script {
        let Builder {
            mut commands,
            pipelines,
            error,
            ..
        } = self;
        // Usually in order already; the sort is stable.
        let key = |c: &Command| (c.span.start, c.span.end);
        if !commands.is_sorted_by_key(key) {
            commands.sort_by_key(key);
        }
        let mut sorted = commands;
        // Pipelines: cover of their commands; drop those without commands.
        let mut spans: Vec<Option<Span>> = vec![None; pipelines.len()];
        for c in &sorted {
            if let Some(p) = c.pipeline {
                spans[p] = Some(spans[p].map_or(c.span, |s| s.cover(c.span)));
            }
        }
        let mut live: Vec<usize> = (0..pipelines.len())
            .filter(|&p| spans[p].is_some())
            .collect();
        live.sort_by_key(|&p| spans[p].map(|s| (s.start, s.end)));
        let mut remap = vec![usize::MAX; pipelines.len()];
        let mut out_pipes: Vec<Pipeline> = Vec::with_capacity(live.len());
        for (new, &old) in live.iter().enumerate() {
            remap[old] = new;
            out_pipes.push(Pipeline {
                commands: Vec::new(),
                stages: pipelines[old],
                span: spans[old].unwrap_or_default(),
            });
        }
        for (i, c) in sorted.iter_mut().enumerate() {
            if let Some(p) = c.pipeline {
                let new = remap[p];
                c.pipeline = Some(new);
                out_pipes[new].commands.push(i);
            }
        }
        let first_pipe = out_pipes.first().map(|p| p.span.start);
        let mut sets_pipefail = false;
        for c in &sorted {
            if first_pipe.is_some_and(|p| c.span.start >= p) {
                break;
            }
            if matches!(c.nesting, Nesting::Top | Nesting::Compound)
                && c.name_str() == Some("set")
                && let Some(on) = pipefail_change(c)
            {
                sets_pipefail = on;
            }
        }
        Script {
            commands: sorted,
            pipelines: out_pipes,
            error,
            sets_pipefail,
        }
    }
}

/// [`analyze`] for a word whose command substitutions hold case patterns
/// closed by a `)` with no `(` before them (`$(case $x in a) ...;; esac)`):
/// `analyze` counts parentheses, so those `)` are replaced by a byte that is
/// in no word, and put back in the value.
fn analyze_masked(raw: &str, start: usize, masks: &[usize]) -> Analysis {
    const FILLERS: &[u8] = b"\x01\x02\x03\x04\x05\x06\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1c\x1d\x1e\x1f";
    let Some(&filler) = FILLERS.iter().find(|&&f| !raw.as_bytes().contains(&f)) else {
        return analyze(raw);
    };
    let mut bytes = raw.as_bytes().to_vec();
    let first = masks.partition_point(|&m| m < start);
    for &m in masks[first..]
        .iter()
        .take_while(|&&m| m < start + raw.len())
    {
        if let Some(b) = bytes.get_mut(m - start)
            && *b == b')'
        {
            *b = filler;
        }
    }
    // Only ASCII bytes were swapped for ASCII bytes.
    let Ok(masked) = String::from_utf8(bytes) else {
        return analyze(raw);
    };
    let mut a = analyze(&masked);
    if a.value.as_bytes().contains(&filler) {
        a.value = a.value.replace(char::from(filler), ")").into();
    }
    a
}

/// What a `set` command does to `pipefail`: `Some(true)` for `-o pipefail`
/// (also `-eo`, `-euxo`...), `Some(false)` for `+o pipefail`.
fn pipefail_change(c: &Command) -> Option<bool> {
    let mut out = None;
    for w in c.args.windows(2) {
        if w[1].value != "pipefail" {
            continue;
        }
        if super::is_o_cluster(&w[0].value, '-') {
            out = Some(true);
        } else if super::is_o_cluster(&w[0].value, '+') {
            out = Some(false);
        }
    }
    out
}
