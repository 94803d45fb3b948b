//! One word's text: quote removal, escapes, expansions, and where its command
//! substitutions are. Shared by both parsers, so they agree on values.

use compact_str::CompactString;

/// What a word's raw text means.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Analysis {
    /// Quotes removed, escapes applied, expansions kept as written.
    pub value: CompactString,
    /// No expansion of any kind.
    pub literal: bool,
    /// Byte ranges (in the raw text) of the command text inside each
    /// top-level command substitution: `$( here )`, `` `here` ``, and those
    /// inside `${...}` and double quotes.
    pub subs: Vec<(usize, usize)>,
}

/// Bytes that make a word more than plain text.
fn special(c: u8) -> bool {
    matches!(
        c,
        b'\\' | b'\'' | b'"' | b'$' | b'`' | b'*' | b'?' | b'[' | b'~' | b'{'
    )
}

/// Analyse a word as written.
pub(crate) fn analyze(raw: &str) -> Analysis {
    let b = raw.as_bytes();
    if !b.iter().any(|&c| special(c)) {
        return Analysis {
            value: raw.into(),
            literal: true,
            subs: Vec::new(),
        };
    }
    let mut out = Analysis {
        value: CompactString::with_capacity(raw.len()),
        literal: true,
        subs: Vec::new(),
    };
    let mut i = 0;
    let mut dq = false;
    // Start of the run of plain bytes not yet copied to `value`.
    let mut run = 0;
    macro_rules! flush {
        () => {
            out.value.push_str(&raw[run..i]);
        };
    }
    while i < b.len() {
        let c = b[i];
        if dq {
            match c {
                b'"' => {
                    flush!();
                    dq = false;
                    i += 1;
                    run = i;
                }
                b'\\' => {
                    flush!();
                    match b.get(i + 1) {
                        Some(b'\n') => {
                            i += 2;
                            run = i;
                        }
                        Some(b'$' | b'`' | b'"' | b'\\') => {
                            run = i + 1;
                            i += 2;
                        }
                        _ => {
                            run = i;
                            i += 1;
                        }
                    }
                }
                b'$' | b'`' => {
                    flush!();
                    i = expansion(raw, i, &mut out, true);
                    run = i;
                }
                _ => i += 1,
            }
            continue;
        }
        match c {
            b'\\' => {
                flush!();
                match b.get(i + 1) {
                    Some(b'\n') => {
                        i += 2;
                        run = i;
                    }
                    Some(_) => {
                        run = i + 1;
                        // Skip the escaped character (may be multi-byte).
                        i += 1 + utf8_len(b[i + 1]);
                    }
                    None => {
                        run = i;
                        i += 1;
                    }
                }
            }
            b'\'' => {
                flush!();
                let end = raw[i + 1..].find('\'').map_or(raw.len(), |p| i + 1 + p);
                out.value.push_str(&raw[i + 1..end]);
                i = (end + 1).min(raw.len());
                run = i;
            }
            b'"' => {
                flush!();
                dq = true;
                i += 1;
                run = i;
            }
            b'$' | b'`' => {
                flush!();
                i = expansion(raw, i, &mut out, false);
                run = i;
            }
            b'*' | b'?' => {
                out.literal = false;
                i += 1;
            }
            b'[' => {
                if raw[i + 1..].contains(']') {
                    out.literal = false;
                }
                i += 1;
            }
            b'~' if i == 0 => {
                out.literal = false;
                i += 1;
            }
            b'{' => {
                if let Some(close) = raw[i + 1..].find('}') {
                    let inner = &raw[i + 1..i + 1 + close];
                    if inner.contains(',') || inner.contains("..") {
                        out.literal = false;
                    }
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    let end = i.min(raw.len());
    if run < end {
        out.value.push_str(&raw[run..end]);
    }
    out
}

/// The length of the UTF-8 sequence starting with `first`.
fn utf8_len(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// Handle the `$` or `` ` `` at `i`: append the expansion's text to the value,
/// record substitutions, and return where scanning resumes.
fn expansion(raw: &str, i: usize, out: &mut Analysis, in_dq: bool) -> usize {
    let b = raw.as_bytes();
    if b[i] == b'`' {
        let end = backquote_end(b, i + 1);
        out.subs.push((i + 1, end.min(raw.len())));
        let stop = (end + 1).min(raw.len());
        out.value.push_str(&raw[i..stop]);
        out.literal = false;
        return stop;
    }
    match b.get(i + 1) {
        Some(b'(') if b.get(i + 2) == Some(&b'(') => {
            // Arithmetic: kept as written.
            let end = paren_end(b, i + 3, 2);
            let stop = end.min(raw.len());
            out.value.push_str(&raw[i..stop]);
            out.literal = false;
            stop
        }
        Some(b'(') => {
            let end = paren_end(b, i + 2, 1);
            let inner_end = if end > i + 2 && b.get(end - 1) == Some(&b')') {
                end - 1
            } else {
                end.min(raw.len())
            };
            out.subs.push((i + 2, inner_end));
            out.value.push_str(&raw[i..end]);
            out.literal = false;
            end
        }
        Some(b'{') => {
            let end = brace_end(raw, i + 2, out);
            out.value.push_str(&raw[i..end]);
            out.literal = false;
            end
        }
        Some(b'\'') if !in_dq => {
            // ANSI-C quoting: decode the usual escapes.
            let mut j = i + 2;
            while j < b.len() && b[j] != b'\'' {
                if b[j] == b'\\' && j + 1 < b.len() {
                    let (decoded, used) = ansi_escape(&raw[j + 1..]);
                    out.value.push_str(&decoded);
                    j += 1 + used;
                } else {
                    let l = utf8_len(b[j]);
                    out.value.push_str(&raw[j..(j + l).min(raw.len())]);
                    j += l;
                }
            }
            (j + 1).min(raw.len())
        }
        Some(b'"') if !in_dq => {
            // Locale translation `$"..."`: the `$` goes, the quotes stay quotes.
            i + 1
        }
        Some(&c) if c == b'_' || c.is_ascii_alphabetic() => {
            let mut j = i + 1;
            while j < b.len() && (b[j] == b'_' || b[j].is_ascii_alphanumeric()) {
                j += 1;
            }
            out.value.push_str(&raw[i..j]);
            out.literal = false;
            j
        }
        Some(&c) if c.is_ascii_digit() || b"@*#?$!-".contains(&c) => {
            out.value.push_str(&raw[i..i + 2]);
            out.literal = false;
            i + 2
        }
        _ => {
            out.value.push('$');
            i + 1
        }
    }
}

/// Decode one ANSI-C escape (the text after the backslash); returns the text
/// and how many bytes were used.
fn ansi_escape(s: &str) -> (String, usize) {
    let Some(c) = s.chars().next() else {
        return ("\\".to_string(), 0);
    };
    let simple = match c {
        'n' => Some('\n'),
        't' => Some('\t'),
        'r' => Some('\r'),
        'a' => Some('\x07'),
        'b' => Some('\x08'),
        'e' | 'E' => Some('\x1b'),
        'f' => Some('\x0c'),
        'v' => Some('\x0b'),
        '\\' => Some('\\'),
        '\'' => Some('\''),
        '"' => Some('"'),
        '?' => Some('?'),
        _ => None,
    };
    match simple {
        Some(d) => (d.to_string(), 1),
        None => (format!("\\{c}"), c.len_utf8()),
    }
}

/// Where a backquoted command that starts at `start` ends (the index of the
/// closing backquote, or the end of the text).
pub(crate) fn backquote_end(b: &[u8], start: usize) -> usize {
    let mut j = start;
    while j < b.len() {
        match b[j] {
            b'\\' => j += 2,
            b'`' => return j,
            _ => j += 1,
        }
    }
    b.len()
}

/// The index just past the `)` that closes `depth` open parentheses, scanning
/// from `start` (command text: quotes, escapes, nested substitutions). The end
/// of the text when unbalanced.
pub(crate) fn paren_end(b: &[u8], start: usize, mut depth: usize) -> usize {
    let mut j = start;
    while j < b.len() {
        match b[j] {
            b'\\' => j += 2,
            b'\'' => {
                j += 1;
                while j < b.len() && b[j] != b'\'' {
                    j += 1;
                }
                j += 1;
            }
            b'"' => j = dquote_end(b, j + 1),
            b'`' => j = backquote_end(b, j + 1) + 1,
            b'(' => {
                depth += 1;
                j += 1;
            }
            b')' => {
                depth -= 1;
                j += 1;
                if depth == 0 {
                    return j;
                }
            }
            _ => j += 1,
        }
    }
    b.len()
}

/// The index just past the `"` closing a double-quoted string whose content
/// starts at `start`.
fn dquote_end(b: &[u8], start: usize) -> usize {
    let mut j = start;
    while j < b.len() {
        match b[j] {
            b'\\' => j += 2,
            b'"' => return j + 1,
            b'`' => j = backquote_end(b, j + 1) + 1,
            b'$' if b.get(j + 1) == Some(&b'(') => j = paren_end(b, j + 2, 1),
            _ => j += 1,
        }
    }
    b.len()
}

/// The index just past the `}` closing a `${` whose content starts at
/// `start`; substitutions inside are recorded.
fn brace_end(raw: &str, start: usize, out: &mut Analysis) -> usize {
    let b = raw.as_bytes();
    let mut j = start;
    let mut depth = 1;
    while j < b.len() {
        match b[j] {
            b'\\' => j += 2,
            b'\'' => {
                j += 1;
                while j < b.len() && b[j] != b'\'' {
                    j += 1;
                }
                j += 1;
            }
            b'"' => j += 1,
            b'`' => {
                let end = backquote_end(b, j + 1);
                out.subs.push((j + 1, end.min(raw.len())));
                j = end + 1;
            }
            b'$' if b.get(j + 1) == Some(&b'(') && b.get(j + 2) != Some(&b'(') => {
                let end = paren_end(b, j + 2, 1);
                let inner_end = if b.get(end.wrapping_sub(1)) == Some(&b')') && end > j + 2 {
                    end - 1
                } else {
                    end
                };
                out.subs.push((j + 2, inner_end.min(raw.len())));
                j = end;
            }
            b'{' => {
                depth += 1;
                j += 1;
            }
            b'}' => {
                depth -= 1;
                j += 1;
                if depth == 0 {
                    return j;
                }
            }
            _ => j += 1,
        }
    }
    b.len()
}

/// If `raw` is an assignment word (`NAME=value`, `NAME+=value`,
/// `NAME[i]=value`), the name and the byte offset where the value starts.
pub(crate) fn assignment(raw: &str) -> Option<(&str, usize)> {
    let b = raw.as_bytes();
    if !b
        .first()
        .is_some_and(|&c| c == b'_' || c.is_ascii_alphabetic())
    {
        return None;
    }
    let mut j = 1;
    while j < b.len() && (b[j] == b'_' || b[j].is_ascii_alphanumeric()) {
        j += 1;
    }
    let name_end = j;
    if b.get(j) == Some(&b'[') {
        let close = raw[j..].find(']')? + j;
        j = close + 1;
    }
    let name = &raw[..name_end];
    match b.get(j) {
        Some(b'=') => Some((name, j + 1)),
        Some(b'+') if b.get(j + 1) == Some(&b'=') => Some((name, j + 2)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(raw: &str) -> (String, bool) {
        let a = analyze(raw);
        (a.value.to_string(), a.literal)
    }

    #[test]
    fn values() {
        assert_eq!(v("abc"), ("abc".into(), true));
        assert_eq!(v("'a b'"), ("a b".into(), true));
        assert_eq!(v(r#""a\"b\$c\d""#), (r#"a"b$c\d"#.into(), true));
        assert_eq!(v(r"a\ b"), ("a b".into(), true));
        assert_eq!(v("$HOME/x"), ("$HOME/x".into(), false));
        assert_eq!(v("\"$(a \"b\")\"x"), ("$(a \"b\")x".into(), false));
        assert_eq!(
            v("/var/lib/apt/lists/*"),
            ("/var/lib/apt/lists/*".into(), false)
        );
        assert_eq!(v("a$"), ("a$".into(), true));
        assert_eq!(v("$'a\\nb'"), ("a\nb".into(), true));
        assert_eq!(v("{a,b}"), ("{a,b}".into(), false));
        assert_eq!(v("é\\ü"), ("éü".into(), true));
        assert_eq!(
            analyze("x$(a)`b`${c:-$(d)}").subs,
            vec![(3, 4), (6, 7), (15, 16)]
        );
    }

    #[test]
    fn assignments() {
        assert_eq!(assignment("A=b"), Some(("A", 2)));
        assert_eq!(assignment("A+=b"), Some(("A", 3)));
        assert_eq!(assignment("a[1]=b"), Some(("a", 5)));
        assert_eq!(assignment("1A=b"), None);
        assert_eq!(assignment("\"A\"=b"), None);
    }
}
