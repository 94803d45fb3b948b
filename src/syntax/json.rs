//! The JSON (exec) form of an instruction's arguments.
//!
//! BuildKit decodes the first JSON value of the argument text into an array and
//! ignores whatever follows it (`CMD ["a"] # note` is exec form). A syntax error
//! anywhere in that first value makes the arguments shell form; a valid array with
//! an element that is not a string is an error. This module gives the same three
//! answers, with the byte range of every element.

use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{tag, take_while, take_while1},
    character::complete::{char, one_of},
    combinator::{opt, recognize},
};

/// Go's decoder gives up on documents nested deeper than this.
const MAX_DEPTH: usize = 10_000;

/// One element of a JSON array.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Element {
    /// A string: its decoded value and its range (quotes included) in the input.
    Str(String, usize, usize),
    /// Any other JSON value.
    Other,
}

/// What the argument text is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum JsonArgs {
    /// Not a JSON array (or not valid JSON): shell form.
    NotJson,
    /// A valid array whose elements are all strings, with `(value, start, end)`.
    Strings(Vec<(String, usize, usize)>),
    /// A valid array with an element that is not a string.
    NotStringArray,
}

/// Classify `text` (already trimmed on the left) as BuildKit does.
pub(crate) fn classify(text: &str) -> JsonArgs {
    if !text.starts_with('[') {
        return JsonArgs::NotJson;
    }
    match array(text) {
        Ok((_, elements)) => {
            let mut strings = Vec::with_capacity(elements.len());
            for e in elements {
                match e {
                    Element::Str(s, a, b) => strings.push((s, a, b)),
                    Element::Other => return JsonArgs::NotStringArray,
                }
            }
            JsonArgs::Strings(strings)
        }
        Err(_) => JsonArgs::NotJson,
    }
}

fn ws(i: &str) -> IResult<&str, &str> {
    take_while(|c| matches!(c, ' ' | '\t' | '\n' | '\r')).parse(i)
}

/// `[ element, ... ]` at the start of `text`, returning positions relative to `text`.
fn array(text: &str) -> IResult<&str, Vec<Element>> {
    let (mut i, _) = char('[').parse(text)?;
    let mut out = Vec::new();
    (i, _) = ws(i)?;
    if let Ok((rest, _)) = char::<_, nom::error::Error<&str>>(']').parse(i) {
        return Ok((rest, out));
    }
    loop {
        (i, _) = ws(i)?;
        let start = text.len() - i.len();
        if i.starts_with('"') {
            let (rest, s) = string(i)?;
            out.push(Element::Str(s, start, text.len() - rest.len()));
            i = rest;
        } else {
            (i, _) = skip_value(i)?;
            out.push(Element::Other);
        }
        (i, _) = ws(i)?;
        let (rest, c) = one_of(",]").parse(i)?;
        i = rest;
        if c == ']' {
            return Ok((i, out));
        }
    }
}

/// A JSON string, decoded the way Go does (lone surrogates become U+FFFD).
fn string(i: &str) -> IResult<&str, String> {
    let (mut i, _) = char('"').parse(i)?;
    let mut out = String::new();
    loop {
        let (rest, chunk) =
            take_while(|c: char| c != '"' && c != '\\' && c >= '\u{20}').parse(i)?;
        out.push_str(chunk);
        i = rest;
        let mut chars = i.chars();
        match chars.next() {
            Some('"') => return Ok((&i[1..], out)),
            Some('\\') => {
                let (rest, c) = escape(&i[1..])?;
                i = rest;
                match c {
                    Escaped::Char(c) => out.push(c),
                    Escaped::Unit(hi) if (0xD800..0xDC00).contains(&hi) => {
                        // A high surrogate needs a low one right after it.
                        let low = i.strip_prefix('\\').and_then(|r| escape(r).ok());
                        match low {
                            Some((rest, Escaped::Unit(lo))) if (0xDC00..0xE000).contains(&lo) => {
                                let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                                out.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
                                i = rest;
                            }
                            _ => out.push('\u{FFFD}'),
                        }
                    }
                    Escaped::Unit(u) => out.push(char::from_u32(u).unwrap_or('\u{FFFD}')),
                }
            }
            _ => return Err(fail(i)),
        }
    }
}

enum Escaped {
    Char(char),
    Unit(u32),
}

fn fail(i: &str) -> nom::Err<nom::error::Error<&str>> {
    nom::Err::Error(nom::error::Error::new(i, nom::error::ErrorKind::Char))
}

/// The part of an escape after the backslash.
fn escape(i: &str) -> IResult<&str, Escaped> {
    let mut chars = i.chars();
    let c = chars.next().ok_or_else(|| fail(i))?;
    let simple = match c {
        '"' => '"',
        '\\' => '\\',
        '/' => '/',
        'b' => '\u{8}',
        'f' => '\u{c}',
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        'u' => {
            let hex = i.get(1..5).ok_or_else(|| fail(i))?;
            if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(fail(i));
            }
            let u = u32::from_str_radix(hex, 16).map_err(|_| fail(i))?;
            return Ok((&i[5..], Escaped::Unit(u)));
        }
        _ => return Err(fail(i)),
    };
    Ok((&i[1..], Escaped::Char(simple)))
}

fn number(i: &str) -> IResult<&str, &str> {
    let digits = |i| take_while1(|c: char| c.is_ascii_digit()).parse(i);
    recognize((
        opt(char('-')),
        alt((tag("0"), digits)),
        opt((char('.'), digits)),
        opt((one_of("eE"), opt(one_of("+-")), digits)),
    ))
    .parse(i)
}

/// Skip any JSON value without recursion (arrays and objects are tracked on a stack).
fn skip_value(input: &str) -> IResult<&str, ()> {
    let mut stack: Vec<u8> = Vec::new();
    let mut i = input;
    loop {
        // Expect a value here.
        (i, _) = ws(i)?;
        match i.as_bytes().first() {
            Some(b'[') | Some(b'{') => {
                let open = i.as_bytes()[0];
                if stack.len() >= MAX_DEPTH {
                    return Err(fail(i));
                }
                stack.push(open);
                i = &i[1..];
                (i, _) = ws(i)?;
                let close = if open == b'[' { b']' } else { b'}' };
                if i.as_bytes().first() == Some(&close) {
                    stack.pop();
                    i = &i[1..];
                } else {
                    if open == b'{' {
                        (i, _) = string(i)?;
                        (i, _) = ws(i)?;
                        (i, _) = char(':').parse(i)?;
                    }
                    continue;
                }
            }
            Some(b'"') => (i, _) = string(i)?,
            Some(b't') => (i, _) = tag("true").parse(i)?,
            Some(b'f') => (i, _) = tag("false").parse(i)?,
            Some(b'n') => (i, _) = tag("null").parse(i)?,
            _ => (i, _) = number(i)?,
        }
        // After a value: close containers or move to the next element.
        loop {
            let Some(&top) = stack.last() else {
                return Ok((i, ()));
            };
            (i, _) = ws(i)?;
            let close = if top == b'[' { ']' } else { '}' };
            let (rest, c) = one_of([',', close].as_slice()).parse(i)?;
            i = rest;
            if c == close {
                stack.pop();
                continue;
            }
            if top == b'{' {
                (i, _) = ws(i)?;
                (i, _) = string(i)?;
                (i, _) = ws(i)?;
                (i, _) = char(':').parse(i)?;
            }
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> JsonArgs {
        JsonArgs::Strings(v.iter().map(|s| (s.to_string(), 0, 0)).collect::<Vec<_>>())
    }

    fn values(j: JsonArgs) -> JsonArgs {
        match j {
            JsonArgs::Strings(v) => {
                JsonArgs::Strings(v.into_iter().map(|(s, _, _)| (s, 0, 0)).collect())
            }
            other => other,
        }
    }

    #[test]
    fn classifies_like_buildkit() {
        let cases: &[(&str, JsonArgs)] = &[
            (r#"["a", "b"]"#, strings(&["a", "b"])),
            (r#"[]"#, strings(&[])),
            (r#"[ ]  trailing"#, strings(&[])),
            (r#"["a"] # comment"#, strings(&["a"])),
            (r#"["a"]x"#, strings(&["a"])),
            (r#"["a\u0041\n"]"#, strings(&["aA\n"])),
            (r#"["\ud83d\ude00"]"#, strings(&["😀"])),
            (r#"["\ud800"]"#, strings(&["\u{FFFD}"])),
            (r#"["a", 1]"#, JsonArgs::NotStringArray),
            (r#"[["a"]]"#, JsonArgs::NotStringArray),
            (r#"[{"a": [1, {}]}, "x"]"#, JsonArgs::NotStringArray),
            (r#"[null]"#, JsonArgs::NotStringArray),
            (r#"['a']"#, JsonArgs::NotJson),
            (r#"["a" "b"]"#, JsonArgs::NotJson),
            (r#"["a",]"#, JsonArgs::NotJson),
            (r#"["a""#, JsonArgs::NotJson),
            (r#"["a"#, JsonArgs::NotJson),
            (r#"[01]"#, JsonArgs::NotJson),
            ("[\"a\tb\"]", JsonArgs::NotJson),
            (r#"[1.5e+3, true]"#, JsonArgs::NotStringArray),
            (r#"[1.]"#, JsonArgs::NotJson),
            ("echo [a]", JsonArgs::NotJson),
        ];
        for (input, want) in cases {
            assert_eq!(&values(classify(input)), want, "input: {input}");
        }
    }

    #[test]
    fn element_ranges_cover_the_literals() {
        let text = r#"[ "ab" ,"c\"d"]"#;
        let JsonArgs::Strings(v) = classify(text) else {
            panic!("not strings")
        };
        assert_eq!(&text[v[0].1..v[0].2], r#""ab""#);
        assert_eq!(&text[v[1].1..v[1].2], r#""c\"d""#);
        assert_eq!(v[1].0, "c\"d");
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let deep = format!("[{}", "[".repeat(200_000));
        assert_eq!(classify(&deep), JsonArgs::NotJson);
        let ok = format!("[{}{}]", "[".repeat(5000), "]".repeat(5000));
        assert_eq!(classify(&ok), JsonArgs::NotStringArray);
    }
}
