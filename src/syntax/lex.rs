//! Character classes and small scanners shared by the parser's pieces.
//!
//! BuildKit is written in Go, and a few of its loops look at single bytes as if
//! they were characters (Latin-1). Where that changes results, the functions here
//! say so.

/// Go's `unicode.IsSpace`: the Unicode `White_Space` characters.
pub(crate) fn is_go_space(c: char) -> bool {
    c.is_whitespace()
}

/// The length of the leading Go whitespace of `s` (fast for ASCII text).
pub(crate) fn leading_space(s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' => i += 1,
            c if c < 0x80 => break,
            _ => match s[i..].chars().next() {
                Some(c) if c.is_whitespace() => i += c.len_utf8(),
                _ => break,
            },
        }
    }
    i
}

/// `s` without leading Go whitespace.
pub(crate) fn trim_start_space(s: &str) -> &str {
    &s[leading_space(s)..]
}

/// `unicode.IsSpace(rune(b))` for a single byte: Go code that walks a string
/// byte by byte treats 0x85 and 0xA0 as spaces (NEL and NBSP in Latin-1), even
/// when they are the middle of a multi-byte UTF-8 character.
pub(crate) fn is_byte_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' | 0x85 | 0xA0)
}

/// BuildKit's `[\t\v\f\r ]` whitespace class, used to split words.
pub(crate) fn is_split_space(c: char) -> bool {
    matches!(c, '\t' | '\x0b' | '\x0c' | '\r' | ' ')
}

/// The smallest char boundary of `s` at or after `i`.
pub(crate) fn ceil_boundary(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i.min(s.len())
}

/// Ranges of the words of `s` separated by runs of `[\t\v\f\r ]` (Go's
/// `regexp.Split` on that class; callers pass trimmed text, so no word is empty).
pub(crate) fn split_words(s: &str) -> Vec<(usize, usize)> {
    // The separators are ASCII, and ASCII bytes never occur inside a UTF-8
    // multi-byte character, so bytes can be scanned directly.
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(4);
    let mut start = None;
    for (i, &c) in b.iter().enumerate() {
        if matches!(c, b'\t' | 0x0b | 0x0c | b'\r' | b' ') {
            if let Some(st) = start.take() {
                out.push((st, i));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(st) = start {
        out.push((st, s.len()));
    }
    out
}

/// Go's `strconv.Quote`: a double-quoted string with Go escapes.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if is_go_printable(c) => out.push(c),
            c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// An approximation of Go's `strconv.IsPrint`: graphic characters and the ASCII space.
fn is_go_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    // Format characters and the replacement-free private/unassigned ranges Go rejects.
    !matches!(c as u32,
        0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x180E | 0x200B..=0x200F
        | 0x202A..=0x202E | 0x2060..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB
        | 0xD800..=0xDFFF | 0xE000..=0xF8FF | 0xFFFE | 0xFFFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_like_go() {
        assert_eq!(go_quote("a\"b\\c\n\t"), r#""a\"b\\c\n\t""#);
        assert_eq!(go_quote("\u{0}"), r#""\x00""#);
        assert_eq!(go_quote("♥ é"), "\"♥ é\"");
        assert_eq!(go_quote("\u{a0}"), r#""\u00a0""#);
    }

    #[test]
    fn split_like_go_regexp() {
        assert_eq!(split_words("a  b\tc"), vec![(0, 1), (3, 4), (5, 6)]);
        assert_eq!(split_words("a"), vec![(0, 1)]);
    }
}
