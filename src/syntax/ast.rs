//! The syntax tree of a Dockerfile.
//!
//! Every node carries a [`Span`]: a byte range into the original source text (the
//! text handed to [`crate::syntax::parse`], BOM included). Values (`Word::value`,
//! `Instruction::original`, ...) are what BuildKit's parser makes of that text:
//! continuations joined, comment lines inside continuations dropped, JSON strings
//! decoded. The spans always point at the characters the value came from.

use compact_str::CompactString;
use std::fmt;

/// A half-open byte range `start..end` into the source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Span {
    /// First byte of the range.
    pub start: usize,
    /// One past the last byte of the range.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (`start <= end`).
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The number of bytes covered.
    pub const fn len(self) -> usize {
        self.end - self.start
    }

    /// Whether the span covers no byte.
    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// Whether `other` lies within `self`.
    pub fn contains(self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// The text this span covers in `source`.
    pub fn text(self, source: &str) -> &str {
        &source[self.start..self.end]
    }
}

impl From<Span> for std::ops::Range<usize> {
    fn from(s: Span) -> Self {
        s.start..s.end
    }
}

/// A parsed Dockerfile: what the parser found, in file order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dockerfile {
    /// Whether the file starts with a UTF-8 byte-order mark (bytes `0..3`).
    pub bom: bool,
    /// Parser directives (`# syntax=`, `# escape=`, `# check=`) at the top of the
    /// file, in order. A repeated directive is listed too (and reported as an
    /// error); the first of each kind is the one in force.
    pub directives: Vec<Directive>,
    /// The escape character in force (`\` unless `# escape=` says otherwise).
    pub escape: char,
    /// Instructions in file order.
    pub instructions: Vec<Instruction>,
    /// Every comment line of the file that is not a parser directive, including
    /// comments inside continuations (but not heredoc bodies, which are data).
    pub comments: Vec<Comment>,
    /// Byte offsets at which each line starts (the first is always 0).
    pub line_starts: Vec<usize>,
}

impl Dockerfile {
    /// The top-level pieces of the file, in order: the byte-order mark, parser
    /// directives, comment lines outside instructions, and instructions. Between
    /// and around them there is only whitespace (line breaks, indentation, blank
    /// lines): together they reproduce the file byte for byte.
    pub fn items(&self) -> Vec<Span> {
        let mut out = Vec::with_capacity(
            self.instructions.len() + self.comments.len() + self.directives.len() + 1,
        );
        if self.bom {
            out.push(Span::new(0, 3));
        }
        out.extend(self.directives.iter().map(|d| d.span));
        out.extend(
            self.comments
                .iter()
                .filter(|c| !c.in_continuation)
                .map(|c| c.span),
        );
        out.extend(self.instructions.iter().map(|i| i.span));
        out.sort();
        out
    }

    /// The first directive of a kind (the one BuildKit obeys).
    pub fn directive(&self, kind: DirectiveKind) -> Option<&Directive> {
        self.directives.iter().find(|d| d.kind == kind)
    }
}

/// The name of a parser directive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DirectiveKind {
    /// `# syntax=` selects the frontend image.
    Syntax,
    /// `# escape=` sets the escape character.
    Escape,
    /// `# check=` configures build checks.
    Check,
}

impl DirectiveKind {
    /// The lower-case name as written in a Dockerfile.
    pub fn as_str(self) -> &'static str {
        match self {
            DirectiveKind::Syntax => "syntax",
            DirectiveKind::Escape => "escape",
            DirectiveKind::Check => "check",
        }
    }
}

/// A parser directive line such as `# escape=\``.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// Which directive.
    pub kind: DirectiveKind,
    /// The whole line, without its line break.
    pub span: Span,
    /// The span of the name as written (any case).
    pub name_span: Span,
    /// The value, trimmed.
    pub value: String,
    /// The span of the value.
    pub value_span: Span,
}

/// A comment line (`# ...`), outside heredoc bodies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// From the `#` to the end of the line, without the line break.
    pub span: Span,
    /// Whether the comment sits inside an instruction's continuation lines.
    pub in_continuation: bool,
}

impl Comment {
    /// The text after `#`, trimmed.
    pub fn text(&self, source: &str) -> String {
        self.body(source).to_string()
    }

    /// The text after `#`, trimmed, borrowed from the source.
    pub fn body<'a>(&self, source: &'a str) -> &'a str {
        source
            .get(self.span.start + 1..self.span.end)
            .unwrap_or("")
            .trim()
    }
}

/// The instruction keyword.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum Keyword {
    Add,
    Arg,
    Cmd,
    Copy,
    Entrypoint,
    Env,
    Expose,
    From,
    Healthcheck,
    Label,
    Maintainer,
    Onbuild,
    Run,
    Shell,
    Stopsignal,
    User,
    Volume,
    Workdir,
    /// A word BuildKit does not know as an instruction.
    Unknown,
}

impl Keyword {
    /// Every known keyword, in alphabetical order.
    pub const ALL: [Keyword; 18] = [
        Keyword::Add,
        Keyword::Arg,
        Keyword::Cmd,
        Keyword::Copy,
        Keyword::Entrypoint,
        Keyword::Env,
        Keyword::Expose,
        Keyword::From,
        Keyword::Healthcheck,
        Keyword::Label,
        Keyword::Maintainer,
        Keyword::Onbuild,
        Keyword::Run,
        Keyword::Shell,
        Keyword::Stopsignal,
        Keyword::User,
        Keyword::Volume,
        Keyword::Workdir,
    ];

    /// Recognize a keyword, case-insensitively.
    pub fn from_word(word: &str) -> Keyword {
        Keyword::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(word))
            .unwrap_or(Keyword::Unknown)
    }

    /// The canonical upper-case spelling (`""` for [`Keyword::Unknown`]).
    pub fn as_str(self) -> &'static str {
        match self {
            Keyword::Add => "ADD",
            Keyword::Arg => "ARG",
            Keyword::Cmd => "CMD",
            Keyword::Copy => "COPY",
            Keyword::Entrypoint => "ENTRYPOINT",
            Keyword::Env => "ENV",
            Keyword::Expose => "EXPOSE",
            Keyword::From => "FROM",
            Keyword::Healthcheck => "HEALTHCHECK",
            Keyword::Label => "LABEL",
            Keyword::Maintainer => "MAINTAINER",
            Keyword::Onbuild => "ONBUILD",
            Keyword::Run => "RUN",
            Keyword::Shell => "SHELL",
            Keyword::Stopsignal => "STOPSIGNAL",
            Keyword::User => "USER",
            Keyword::Volume => "VOLUME",
            Keyword::Workdir => "WORKDIR",
            Keyword::Unknown => "",
        }
    }

    /// Whether heredocs (`<<EOF`) are recognized in this instruction.
    pub fn takes_heredocs(self) -> bool {
        matches!(self, Keyword::Run | Keyword::Copy | Keyword::Add)
    }
}

impl fmt::Display for Keyword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A value together with the span of the text it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// The value as BuildKit's parser gives it (quotes kept where BuildKit keeps them).
    pub value: CompactString,
    /// Where the value's source text lies in the file.
    pub span: Span,
}

/// A `--name[=value]` flag before an instruction's arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flag {
    /// The flag as BuildKit gives it, e.g. `--mount=type=cache,target=/root`
    /// (quotes removed, backslash escapes applied).
    pub raw: CompactString,
    /// The name without the leading dashes, e.g. `mount`.
    pub name: CompactString,
    /// The value after the first `=`, if there is one.
    pub value: Option<CompactString>,
    /// The whole flag in the file.
    pub span: Span,
}

/// A key/value pair of `ENV` or `LABEL`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyValue {
    /// The key.
    pub key: Word,
    /// The value, raw (quotes and escapes kept, as BuildKit's parser keeps them).
    pub value: Word,
    /// `true` for `key=value`, `false` for the legacy `KEY value` form.
    pub equals: bool,
}

/// A heredoc attached to a `RUN`, `COPY` or `ADD`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heredoc {
    /// The delimiter word, unquoted (`EOF` for `<<"EOF"`).
    pub name: String,
    /// The file descriptor written before `<<` (0 when absent).
    pub fd: u32,
    /// Whether variables in the body are expanded (the delimiter was not quoted).
    pub expand: bool,
    /// Whether leading tabs are stripped (`<<-`).
    pub chomp: bool,
    /// The body: every line between the instruction and the terminator, each with
    /// its line break, exactly as in the file (tabs are not stripped here).
    pub content: String,
    /// The span of the `<<EOF` marker in the instruction line.
    pub marker_span: Span,
    /// The span of the body (may be empty).
    pub body_span: Span,
    /// The span of the terminator line, without its line break.
    pub terminator_span: Span,
}

/// The arguments of an instruction, in the shape BuildKit gives them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Args {
    /// No arguments at all.
    Empty,
    /// The exec (JSON array) form: one word per decoded element.
    Exec(Vec<Word>),
    /// The shell form of `RUN`, `CMD`, `ENTRYPOINT`, `SHELL` and the text arguments
    /// of `MAINTAINER`, `USER`, `WORKDIR`, `STOPSIGNAL`: one string.
    Text(Word),
    /// Whitespace-separated words (`FROM`, `COPY`, `ADD`, `EXPOSE`, `VOLUME`, `ARG`).
    Words(Vec<Word>),
    /// Key/value pairs (`ENV`, `LABEL`).
    Pairs(Vec<KeyValue>),
    /// `HEALTHCHECK <kind> <command>`: the kind word (`CMD`, `NONE`), then the command.
    Healthcheck {
        /// `CMD`, `NONE`, or whatever was written.
        kind: Word,
        /// The command after the kind.
        command: Box<Args>,
    },
    /// The instruction wrapped by `ONBUILD`.
    Onbuild(Box<Instruction>),
}

/// One instruction, from its keyword to the end of its last line (heredoc bodies included).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instruction {
    /// Which instruction.
    pub keyword: Keyword,
    /// The keyword as written (any case).
    pub keyword_span: Span,
    /// From the keyword to the end of the last line (without the final line break).
    pub span: Span,
    /// 1-based first line.
    pub start_line: usize,
    /// 1-based last line (heredoc terminators included).
    pub end_line: usize,
    /// The logical line BuildKit sees: continuations joined, comment lines dropped.
    pub original: String,
    /// Leading `--flags`.
    pub flags: Vec<Flag>,
    /// The arguments after the flags.
    pub args: Args,
    /// Heredocs, in order of their markers.
    pub heredocs: Vec<Heredoc>,
    /// Blank lines inside the continuation (BuildKit warns about them), each
    /// without its line break.
    pub empty_continuation_lines: Vec<Span>,
    /// Maps offsets in `original` back to the file.
    pub map: OffsetMap,
}

impl Instruction {
    /// Whether the arguments are in exec (JSON) form.
    pub fn is_exec_form(&self) -> bool {
        match &self.args {
            Args::Exec(_) => true,
            Args::Healthcheck { command, .. } => matches!(**command, Args::Exec(_)),
            _ => false,
        }
    }

    /// The flag with this name (without dashes), if any (the last one wins, as in BuildKit).
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().rev().find(|f| f.name == name)
    }

    /// Call `f` with every span inside this instruction: keyword, flags,
    /// arguments, heredocs, and those of a wrapped instruction.
    pub fn visit_spans(&self, f: &mut dyn FnMut(Span)) {
        f(self.span);
        f(self.keyword_span);
        for flag in &self.flags {
            f(flag.span);
        }
        fn args(a: &Args, f: &mut dyn FnMut(Span)) {
            match a {
                Args::Empty => {}
                Args::Exec(w) | Args::Words(w) => w.iter().for_each(|w| f(w.span)),
                Args::Text(w) => f(w.span),
                Args::Pairs(p) => p.iter().for_each(|kv| {
                    f(kv.key.span);
                    f(kv.value.span);
                }),
                Args::Healthcheck { kind, command } => {
                    f(kind.span);
                    args(command, f);
                }
                Args::Onbuild(inner) => inner.visit_spans(f),
            }
        }
        args(&self.args, f);
        for h in &self.heredocs {
            f(h.marker_span);
            f(h.body_span);
            f(h.terminator_span);
        }
    }

    /// For [`Args::Text`] arguments, the offset of the text in `original`
    /// (the text is the trimmed tail of the logical line).
    pub fn text_offset(&self) -> Option<usize> {
        let Args::Text(word) = &self.args else {
            return None;
        };
        let end = self.original.trim_end().len();
        end.checked_sub(word.value.len())
            .filter(|&start| self.original.get(start..end) == Some(word.value.as_str()))
    }

    /// The instruction wrapped by `ONBUILD`, or `self`.
    pub fn effective(&self) -> &Instruction {
        match &self.args {
            Args::Onbuild(inner) => inner,
            _ => self,
        }
    }
}

/// Maps byte offsets in an instruction's logical line back to the file.
///
/// The logical line is a concatenation of slices of the file; each segment records
/// where a slice starts in the logical line and in the file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OffsetMap {
    /// `(logical_start, file_start)`, sorted by `logical_start`.
    segments: smallvec::SmallVec<[(usize, usize); 2]>,
    /// Length of the logical line.
    len: usize,
    /// Where an empty logical line sits in the file.
    origin: usize,
}

impl OffsetMap {
    /// An empty map whose logical line starts at file offset `origin`.
    pub fn new(origin: usize) -> Self {
        OffsetMap {
            origin,
            ..OffsetMap::default()
        }
    }

    /// An empty map with room for `n` segments.
    pub fn with_capacity(origin: usize, n: usize) -> Self {
        OffsetMap {
            segments: smallvec::SmallVec::with_capacity(n),
            len: 0,
            origin,
        }
    }

    /// The map of the logical sub-range `start..end`, with offsets relative to
    /// `start` (for an instruction wrapped by `ONBUILD`, whose text is a tail
    /// of the outer line).
    pub fn sub(&self, start: usize, end: usize) -> OffsetMap {
        let end = end.min(self.len);
        let mut out = OffsetMap::new(self.start(start.min(self.len)));
        for p in self.pieces(start, end) {
            out.push(p.start, p.len());
        }
        out
    }

    /// Rebuild the logical line from the source text the map points into.
    pub fn text(&self, source: &str) -> String {
        let mut out = String::with_capacity(self.len);
        for (i, &(ls, fs)) in self.segments.iter().enumerate() {
            let le = self.segments.get(i + 1).map_or(self.len, |&(n, _)| n);
            out.push_str(&source[fs..fs + (le - ls)]);
        }
        out
    }

    /// Record that the next `len` logical bytes come from the file at `file_start`.
    pub fn push(&mut self, file_start: usize, len: usize) {
        if len == 0 {
            return;
        }
        if let Some(&(ls, fs)) = self.segments.last()
            && fs + (self.len - ls) == file_start
        {
            // Contiguous with the previous segment.
            self.len += len;
            return;
        }
        self.segments.push((self.len, file_start));
        self.len += len;
    }

    /// Drop logical bytes past `len` (used when trailing text is trimmed).
    pub fn truncate(&mut self, len: usize) {
        if len >= self.len {
            return;
        }
        self.segments
            .retain(|seg| seg.0 < len || (seg.0 == 0 && len == 0));
        self.len = len;
    }

    /// The length of the logical line.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the logical line is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The file offset of logical offset `pos` as the start of a range.
    pub fn start(&self, pos: usize) -> usize {
        if let [(0, fs)] = self.segments.as_slice() {
            return fs + pos; // one segment: the common single-line case
        }
        let i = self.segments.partition_point(|&(ls, _)| ls <= pos);
        if i == 0 {
            return self.segments.first().map_or(self.origin, |&(_, fs)| fs);
        }
        let (ls, fs) = self.segments[i - 1];
        fs + (pos - ls)
    }

    /// The file offset of logical offset `pos` as the (exclusive) end of a range.
    pub fn end(&self, pos: usize) -> usize {
        if pos == 0 {
            return self.start(0);
        }
        self.start(pos - 1) + 1
    }

    /// Map a logical range to a file span. A range that covers a continuation
    /// spans the removed characters too.
    pub fn span(&self, start: usize, end: usize) -> Span {
        if start >= end {
            let s = self.start(start.min(self.len));
            return Span::new(s, s);
        }
        Span::new(self.start(start), self.end(end))
    }

    /// The contiguous pieces of the file that make up the logical range `start..end`.
    pub fn pieces(&self, start: usize, end: usize) -> Vec<Span> {
        let mut out = Vec::new();
        for (i, &(ls, fs)) in self.segments.iter().enumerate() {
            let le = self.segments.get(i + 1).map_or(self.len, |&(n, _)| n);
            let a = start.max(ls);
            let b = end.min(le);
            if a < b {
                out.push(Span::new(fs + (a - ls), fs + (b - ls)));
            }
        }
        out
    }
}

/// A problem the parser found. The parser never stops at one: it records it and goes on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// What kind of problem.
    pub kind: SyntaxErrorKind,
    /// Where.
    pub span: Span,
    /// A message for people, in BuildKit's terms.
    pub message: String,
}

/// The kinds of syntax error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SyntaxErrorKind {
    /// The file holds no instruction.
    NoInstructions,
    /// An instruction keyword BuildKit does not know.
    UnknownInstruction,
    /// A parser directive given twice.
    DuplicateDirective,
    /// `# escape=` with something other than `\` or `` ` ``.
    InvalidEscape,
    /// A JSON array with an element that is not a string.
    JsonNotStringArray,
    /// `ENV`/`LABEL` without a value, or a pair without `=`.
    InvalidKeyValue,
    /// A heredoc whose terminator never comes.
    UnterminatedHeredoc,
    /// A heredoc delimiter the shell lexer cannot read.
    InvalidHeredoc,
    /// A line longer than BuildKit's scanner accepts (64 KiB).
    LineTooLong,
}
