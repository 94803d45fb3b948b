//! The line scanner: physical lines to instructions, as BuildKit reads them.
//!
//! BuildKit's parser is line-oriented: it reads a line, strips comments and
//! leading whitespace, joins continuation lines (escape character at the end of
//! a line), skips comment and blank lines inside a continuation, hands the
//! logical line to a per-instruction argument parser, and then, for `RUN`,
//! `COPY` and `ADD`, reads heredoc bodies. This module does the same, keeps a
//! map from the logical line back to file offsets, and records errors instead of
//! stopping at the first one.

use super::args;
use super::ast::*;
use super::heredoc;
use super::lex::{leading_space, trim_start_space};
use nom::{
    IResult, Parser,
    bytes::complete::{take_while, take_while1},
    character::complete::{char, satisfy},
    combinator::recognize,
};

/// BuildKit's scanner refuses lines longer than this (64 KiB, line break included).
pub const MAX_LINE: usize = 64 * 1024;

/// The output of the parser: a tree and every problem found. Never fails.
#[derive(Clone, Debug, Default)]
pub struct Parse {
    /// The syntax tree.
    pub dockerfile: Dockerfile,
    /// Syntax errors, in file order.
    pub errors: Vec<SyntaxError>,
}

/// A physical line of the file.
#[derive(Clone, Copy, Debug)]
struct Line {
    /// First byte.
    start: usize,
    /// End of the content (line-break characters `\r`/`\n` trimmed at the end).
    end: usize,
    /// One past the `\n`, or the end of the file.
    next: usize,
}

struct Scanner<'a> {
    src: &'a str,
    lines: Vec<Line>,
    escape: char,
    directives_done: bool,
    df: Dockerfile,
    errors: Vec<SyntaxError>,
}

/// Parse Dockerfile source text. Any text in, a tree and a list of errors out.
pub fn parse(src: &str) -> Parse {
    let mut line_starts = Vec::with_capacity(src.len() / 16 + 1);
    line_starts.push(0);
    line_starts.extend(memchr::memchr_iter(b'\n', src.as_bytes()).map(|i| i + 1));
    let mut lines = Vec::with_capacity(line_starts.len());
    for (n, &start) in line_starts.iter().enumerate() {
        let next = line_starts.get(n + 1).copied().unwrap_or(src.len());
        if start == src.len() && n > 0 {
            break; // the file ends with a line break: no further line
        }
        let bytes = &src.as_bytes()[start..next];
        let mut end = next;
        let mut k = bytes.len();
        while k > 0 && matches!(bytes[k - 1], b'\r' | b'\n') {
            k -= 1;
            end -= 1;
        }
        lines.push(Line { start, end, next });
    }
    if src.is_empty() {
        lines.clear();
    }
    let mut s = Scanner {
        src,
        lines,
        escape: '\\',
        directives_done: false,
        df: Dockerfile {
            bom: src.starts_with('\u{FEFF}'),
            escape: '\\',
            instructions: Vec::new(),
            line_starts,
            ..Dockerfile::default()
        },
        errors: Vec::new(),
    };
    s.run();
    s.df.escape = s.escape;
    if s.df.instructions.is_empty() {
        let at = src.len();
        s.errors.push(SyntaxError {
            kind: SyntaxErrorKind::NoInstructions,
            span: Span::new(at, at),
            message: "file with no instructions".to_string(),
        });
    }
    s.errors.sort_by_key(|e| (e.span.start, e.span.end));
    Parse {
        dockerfile: s.df,
        errors: s.errors,
    }
}

/// Whether a line (left-trimmed) is a comment.
fn is_comment(text: &str) -> bool {
    trim_start_space(text).starts_with('#')
}

/// The parts of a parser directive line: name and value, as byte ranges of `line`.
fn directive(line: &str) -> Option<((usize, usize), (usize, usize))> {
    fn re_space(c: char) -> bool {
        matches!(c, '\t' | '\n' | '\x0c' | '\r' | ' ')
    }
    let parsed: IResult<&str, &str> = (
        char('#'),
        take_while(re_space),
        recognize((
            satisfy(|c| c.is_ascii_alphabetic()),
            take_while(|c: char| c.is_ascii_alphanumeric()),
        )),
        take_while(re_space),
        char('='),
    )
        .map(|(_, _, name, _, _)| name)
        .parse(line);
    let (rest, name) = parsed.ok()?;
    let name_start = name.as_ptr() as usize - line.as_ptr() as usize;
    let value_area_start = line.len() - rest.len();
    // `\s*(.+?)\s*$`: leading spaces go, unless nothing else is left, in which
    // case the regex backtracks and the value is the last character.
    let lead: IResult<&str, &str> = take_while1(re_space).parse(rest);
    let after_lead = lead.map_or(rest, |(r, _)| r);
    let value = after_lead.trim_end_matches(re_space);
    if value.is_empty() {
        let last = rest.chars().next_back()?;
        let start = line.len() - last.len_utf8();
        return Some(((name_start, name_start + name.len()), (start, line.len())));
    }
    let vstart = value_area_start + (rest.len() - after_lead.len());
    Some((
        (name_start, name_start + name.len()),
        (vstart, vstart + value.len()),
    ))
}

/// The length of `line` once a trailing continuation (escape + spaces/tabs) is
/// removed, or `None` when the line does not continue. As in BuildKit, an escape
/// character preceded by another escape character does not continue the line.
fn continuation(line: &str, escape: char) -> Option<usize> {
    let trimmed = line.trim_end_matches([' ', '\t']);
    let body = trimmed.strip_suffix(escape)?;
    match body.chars().next_back() {
        Some(prev) if prev == escape => None,
        _ => Some(body.len()),
    }
}

impl<'a> Scanner<'a> {
    fn line_text(&self, l: Line) -> &'a str {
        &self.src[l.start..l.end]
    }

    fn error(&mut self, kind: SyntaxErrorKind, span: Span, message: impl Into<String>) {
        self.errors.push(SyntaxError {
            kind,
            span,
            message: message.into(),
        });
    }

    /// Look at a line for a parser directive while directives may still appear.
    /// Returns true when the line is a directive.
    fn check_directive(&mut self, text: &str, offset: usize) -> bool {
        if self.directives_done {
            return false;
        }
        let Some(((ns, ne), (vs, ve))) = directive(text) else {
            self.directives_done = true;
            return false;
        };
        let name = &text[ns..ne];
        let kind = match name.to_ascii_lowercase().as_str() {
            "syntax" => DirectiveKind::Syntax,
            "escape" => DirectiveKind::Escape,
            "check" => DirectiveKind::Check,
            _ => {
                self.directives_done = true;
                return false;
            }
        };
        let span = Span::new(offset, offset + text.len());
        let value = text[vs..ve].to_string();
        let value_span = Span::new(offset + vs, offset + ve);
        if self.df.directives.iter().any(|d| d.kind == kind) {
            self.error(
                SyntaxErrorKind::DuplicateDirective,
                span,
                format!("only one {} parser directive can be used", kind.as_str()),
            );
        } else if kind == DirectiveKind::Escape {
            match value.as_str() {
                "\\" => self.escape = '\\',
                "`" => self.escape = '`',
                _ => self.error(
                    SyntaxErrorKind::InvalidEscape,
                    value_span,
                    format!("invalid escape token '{value}' does not match ` or \\"),
                ),
            }
        }
        self.df.directives.push(Directive {
            kind,
            span,
            name_span: Span::new(offset + ns, offset + ne),
            value,
            value_span,
        });
        true
    }

    fn push_comment(&mut self, l: Line, in_continuation: bool) {
        let text = self.line_text(l);
        let lead = leading_space(text);
        let start = l.start + lead;
        self.df.comments.push(Comment {
            span: Span::new(start, l.end),
            in_continuation,
        });
    }

    fn run(&mut self) {
        let mut i = 0;
        while i < self.lines.len() {
            let mut l = self.lines[i];
            if i == 0 && self.df.bom {
                l.start += '\u{FEFF}'.len_utf8();
            }
            self.check_line_length(l);
            let raw = self.line_text(l);
            let lead = leading_space(raw);
            let text = &raw[lead..];
            let is_directive = self.check_directive(text, l.start + lead);
            if text.starts_with('#') {
                if !is_directive {
                    self.push_comment(l, false);
                }
                i += 1;
                continue;
            }
            let mut map = OffsetMap::with_capacity(l.start + lead, 1);
            let start_line = i + 1;
            let first_start = l.start + lead;
            let mut done = match continuation(text, self.escape) {
                Some(n) => {
                    map.push(l.start + lead, n);
                    false
                }
                None => {
                    map.push(l.start + lead, text.len());
                    true
                }
            };
            if done && map.is_empty() {
                i += 1;
                continue;
            }
            let mut last = l;
            let mut empty_lines = Vec::new();
            while !done && i + 1 < self.lines.len() {
                i += 1;
                let l = self.lines[i];
                last = l;
                self.check_line_length(l);
                let raw = self.line_text(l);
                self.check_directive(raw, l.start);
                if is_comment(raw) {
                    self.push_comment(l, true);
                    continue;
                }
                if leading_space(raw) == raw.len() {
                    empty_lines.push(Span::new(l.start, l.end));
                    continue;
                }
                match continuation(raw, self.escape) {
                    Some(n) => map.push(l.start, n),
                    None => {
                        map.push(l.start, raw.len());
                        done = true;
                    }
                }
            }
            let logical = map.text(self.src);
            let (mut inst, errs) = args::instruction(logical, map, self.escape);
            for e in errs {
                self.errors.push(e);
            }
            inst.start_line = start_line;
            inst.empty_continuation_lines = empty_lines;
            let mut end = last.end;
            if inst.effective().keyword.takes_heredocs() && !inst.effective().is_exec_form() {
                let (markers, marker_errors) = heredoc::scan(&inst.original);
                for m in markers {
                    let marker_span = inst.map.span(m.start, m.end);
                    let body_start = self.lines.get(i + 1).map_or(self.src.len(), |l| l.start);
                    let mut terminated = None;
                    while i + 1 < self.lines.len() {
                        i += 1;
                        let l = self.lines[i];
                        self.check_line_length(l);
                        let mut candidate = self.line_text(l);
                        if m.chomp {
                            candidate = candidate.trim_start_matches('\t');
                        }
                        if candidate == m.name {
                            terminated = Some(l);
                            break;
                        }
                    }
                    let (body_end, terminator_span) = match terminated {
                        Some(t) => {
                            end = t.end;
                            (t.start, Span::new(t.start, t.end))
                        }
                        None => {
                            let eof = self.src.len();
                            end = eof;
                            self.error(
                                SyntaxErrorKind::UnterminatedHeredoc,
                                marker_span,
                                format!("unterminated heredoc: no line reads `{}`", m.name),
                            );
                            (eof, Span::new(eof, eof))
                        }
                    };
                    inst.heredocs.push(Heredoc {
                        name: m.name,
                        fd: m.fd,
                        expand: m.expand,
                        chomp: m.chomp,
                        content: self.src[body_start.min(body_end)..body_end].to_string(),
                        marker_span,
                        body_span: Span::new(body_start.min(body_end), body_end),
                        terminator_span,
                    });
                }
                for e in marker_errors {
                    let span = inst.map.span(e.0, e.1);
                    self.error(SyntaxErrorKind::InvalidHeredoc, span, e.2);
                }
            }
            inst.end_line = i + 1;
            inst.span = Span::new(first_start, end.max(first_start));
            self.df.instructions.push(inst);
            i += 1;
        }
    }

    fn check_line_length(&mut self, l: Line) {
        if l.next - l.start > MAX_LINE {
            self.error(
                SyntaxErrorKind::LineTooLong,
                Span::new(l.start, l.end),
                format!(
                    "line of {} bytes is longer than BuildKit's limit of {} bytes",
                    l.next - l.start,
                    MAX_LINE - 1
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directive_regex_quirks() {
        fn d(s: &str) -> Option<(&str, &str)> {
            directive(s).map(|((a, b), (c, e))| (&s[a..b], &s[c..e]))
        }
        assert_eq!(d("# escape=`"), Some(("escape", "`")));
        assert_eq!(
            d("#Syntax = docker/dockerfile:1  "),
            Some(("Syntax", "docker/dockerfile:1"))
        );
        assert_eq!(d("# escape=   "), Some(("escape", " ")));
        assert_eq!(d("# escape="), None);
        assert_eq!(d("# 1escape=x"), None);
        assert_eq!(d("# esc ape=x"), None);
        assert_eq!(
            d("# check=skip=all;error=true"),
            Some(("check", "skip=all;error=true"))
        );
    }

    #[test]
    fn continuation_rules() {
        assert_eq!(continuation("RUN a \\", '\\'), Some(6));
        assert_eq!(continuation("RUN a \\  \t", '\\'), Some(6));
        assert_eq!(continuation("RUN a \\\\", '\\'), None);
        assert_eq!(continuation("\\", '\\'), Some(0));
        assert_eq!(continuation("RUN a `", '`'), Some(6));
        assert_eq!(continuation("RUN a \\", '`'), None);
        assert_eq!(continuation("RUN a", '\\'), None);
    }
}
