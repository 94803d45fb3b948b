//! Heredoc markers (`<<EOF`, `<<-EOF`, `3<<"EOF"`) in `RUN`, `COPY` and `ADD`.
//!
//! BuildKit splits the whole logical line into shell words (quotes and
//! backslashes kept, `\` as the escape whatever `# escape=` says), and every word
//! of the shape `[digits]<<[-]name` (where `name` holds no `<`) opens a heredoc.
//! The name is then unquoted; if unquoting removed quotes, the body is not
//! expanded. A line whose words cannot be split (an unterminated quote) has no
//! heredocs at all.

use super::lex::is_go_space;
use nom::{
    IResult, Parser,
    bytes::complete::{tag, take_while},
    combinator::{all_consuming, opt},
};

/// A heredoc marker found in a logical line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Marker {
    /// Start of the marker word in the logical line.
    pub start: usize,
    /// End of the marker word.
    pub end: usize,
    /// The terminator: the delimiter, unquoted.
    pub name: String,
    /// File descriptor before `<<`.
    pub fd: u32,
    /// Whether the body is expanded (no quotes in the delimiter).
    pub expand: bool,
    /// `<<-`: leading tabs are stripped.
    pub chomp: bool,
}

/// The markers of a logical line, and problems with markers as `(start, end, message)`.
pub(crate) fn scan(line: &str) -> (Vec<Marker>, Vec<(usize, usize, String)>) {
    let mut markers = Vec::new();
    let mut errors = Vec::new();
    if !line.contains("<<") {
        return (markers, errors);
    }
    let Some(words) = raw_words(line) else {
        return (markers, errors);
    };
    for (word, start, end) in words {
        let Ok((_, (digits, dash, rest))) = marker_shape(&word) else {
            continue;
        };
        if rest.is_empty() {
            continue;
        }
        let fd = digits.parse::<u32>().unwrap_or(0);
        let (Ok(plain), Ok(raw)) = (unquote(rest, false), unquote(rest, true)) else {
            errors.push((start, end, format!("cannot read heredoc delimiter {rest}")));
            continue;
        };
        if plain.len() != 1 || raw.len() != 1 {
            continue;
        }
        let quotes = |s: &str| s.matches(['\'', '"']).count();
        markers.push(Marker {
            start,
            end,
            expand: quotes(&plain[0]) == quotes(&raw[0]),
            name: plain.into_iter().next().unwrap_or_default(),
            fd,
            chomp: dash,
        });
    }
    (markers, errors)
}

/// `^(\d*)<<(-?)([^<]*)$`
fn marker_shape(word: &str) -> IResult<&str, (&str, bool, &str)> {
    all_consuming((
        take_while(|c: char| c.is_ascii_digit()),
        tag("<<"),
        opt(tag("-")),
        take_while(|c: char| c != '<'),
    ))
    .map(|(d, _, dash, rest)| (d, dash.is_some(), rest))
    .parse(word)
}

/// Split `line` into shell words as BuildKit's lexer does in raw mode (quotes
/// and escapes kept; unset variables left as written). `None` when a quote or
/// `${` is never closed.
fn raw_words(line: &str) -> Option<Vec<(String, usize, usize)>> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut start = None::<usize>;
    let mut it = line.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        let begin = |start: &mut Option<usize>| {
            if start.is_none() {
                *start = Some(i);
            }
        };
        match c {
            '\'' => {
                begin(&mut start);
                word.push(c);
                loop {
                    let (_, q) = it.next()?;
                    word.push(q);
                    if q == '\'' {
                        break;
                    }
                }
            }
            '"' => {
                begin(&mut start);
                word.push(c);
                loop {
                    let (_, q) = it.next()?;
                    word.push(q);
                    match q {
                        '"' => break,
                        '\\' => {
                            let (_, n) = it.next()?;
                            word.push(n);
                        }
                        _ => {}
                    }
                }
            }
            '$' if matches!(it.peek(), Some((_, '{'))) => {
                begin(&mut start);
                word.push(c);
                let mut depth = 0usize;
                loop {
                    let (_, q) = it.next()?;
                    word.push(q);
                    match q {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
            }
            '\\' => {
                begin(&mut start);
                word.push(c);
                match it.next() {
                    Some((_, n)) => word.push(n),
                    None => break,
                }
            }
            c if is_go_space(c) => {
                if let Some(s) = start.take() {
                    out.push((std::mem::take(&mut word), s, i));
                }
            }
            c => {
                begin(&mut start);
                word.push(c);
            }
        }
    }
    if let Some(s) = start {
        out.push((word, s, line.len()));
    }
    Some(out)
}

/// Unquote a delimiter word; `raw_quotes` keeps the quote characters.
fn unquote(s: &str, raw_quotes: bool) -> Result<Vec<String>, ()> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            '\'' => {
                in_word = true;
                if raw_quotes {
                    word.push(c);
                }
                loop {
                    let q = it.next().ok_or(())?;
                    if q == '\'' {
                        break;
                    }
                    word.push(q);
                }
                if raw_quotes {
                    word.push('\'');
                }
            }
            '"' => {
                in_word = true;
                if raw_quotes {
                    word.push(c);
                }
                loop {
                    let q = it.next().ok_or(())?;
                    match q {
                        '"' => break,
                        '\\' => match it.peek() {
                            Some(&n) if matches!(n, '"' | '$' | '\\') => {
                                word.push(n);
                                it.next();
                            }
                            Some(_) => word.push('\\'),
                            None => return Err(()),
                        },
                        q => word.push(q),
                    }
                }
                if raw_quotes {
                    word.push('"');
                }
            }
            '\\' => {
                in_word = true;
                match it.next() {
                    Some(n) => word.push(n),
                    None => break,
                }
            }
            c if is_go_space(c) => {
                if in_word && !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
                in_word = false;
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(line: &str) -> Vec<(String, bool, bool, u32)> {
        scan(line)
            .0
            .into_iter()
            .map(|m| (m.name, m.expand, m.chomp, m.fd))
            .collect()
    }

    #[test]
    fn finds_markers_like_buildkit() {
        assert_eq!(names("RUN <<EOF"), vec![("EOF".into(), true, false, 0)]);
        assert_eq!(names("RUN <<-EOF"), vec![("EOF".into(), true, true, 0)]);
        assert_eq!(names("RUN <<'EOF'"), vec![("EOF".into(), false, false, 0)]);
        assert_eq!(
            names(r#"RUN <<"E O F""#),
            vec![("E O F".into(), false, false, 0)]
        );
        assert_eq!(
            names("RUN 3<<EOF cat"),
            vec![("EOF".into(), true, false, 3)]
        );
        assert_eq!(
            names("COPY <<A <<B /dest/"),
            vec![("A".into(), true, false, 0), ("B".into(), true, false, 0)]
        );
        assert_eq!(names("RUN cat<<EOF"), vec![]);
        assert_eq!(names("RUN echo '<<EOF'"), vec![]);
        assert_eq!(names("RUN echo \"<<EOF"), vec![]);
        assert_eq!(names("RUN echo <<"), vec![]);
        assert_eq!(names("RUN a <<EOF<"), vec![]);
        assert_eq!(names(r"RUN <<\EOF"), vec![("EOF".into(), true, false, 0)]);
    }

    #[test]
    fn marker_positions() {
        let line = "RUN  cat <<-'X' >f";
        let m = &scan(line).0[0];
        assert_eq!(&line[m.start..m.end], "<<-'X'");
    }
}
