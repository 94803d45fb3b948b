//! Here-documents, handled before brush-parser sees the text.
//!
//! brush-parser 0.4 can loop forever, allocating, on some here-documents
//! (an empty delimiter such as `<<''`, a delimiter like `<<$(`, a pending
//! here-document at the end of the text inside a substitution). So it never
//! sees one: [`prepare`] finds the here-documents itself, blanks their
//! bodies, and replaces each marker (`2<<-"EOF"`) by a placeholder word of the
//! same number of characters (` _______`); every other `<<` becomes blanks.
//! Character positions are unchanged, so brush-parser's positions still
//! point into the original text, where the adapter turns each placeholder
//! back into a redirection.

/// A here-document marker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Marker {
    /// Where the marker starts (its descriptor number, or the operator).
    pub start: usize,
    /// Where the placeholder word starts (`start + 1`).
    pub word: usize,
    /// `<<` or `<<-`.
    pub op: &'static str,
    /// The descriptor number before the operator.
    pub fd: Option<u32>,
    /// The delimiter word as written.
    pub delim: (usize, usize),
}

/// What [`prepare`] does to a byte.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mask {
    Keep,
    Blank,
    Word,
}

/// The text to give brush-parser, and the markers; `None` when the text has
/// no `<<` at all (then it is given as is).
pub(crate) fn prepare(text: &str) -> Option<(String, Vec<Marker>)> {
    if !text.contains("<<") {
        return None;
    }
    let b = text.as_bytes();
    let mut mask = vec![Mask::Keep; b.len()];
    // Every unescaped run of `<` longer than one, other than a here-string
    // `<<<`, goes.
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            // An escaped `<` is a word character.
            i += 2;
        } else if b[i] == b'<' {
            let start = i;
            while i < b.len() && b[i] == b'<' {
                i += 1;
            }
            if i - start >= 2 && i - start != 3 {
                mask[start..i].fill(Mask::Blank);
            }
        } else {
            i += 1;
        }
    }
    let markers = scan(b, &mut mask);
    let mut fed = String::with_capacity(text.len());
    for (i, ch) in text.char_indices() {
        match mask[i] {
            Mask::Keep => fed.push(ch),
            Mask::Blank if ch == '\n' => fed.push('\n'),
            Mask::Blank => fed.push(' '),
            Mask::Word => fed.push('_'),
        }
    }
    Some((fed, markers))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    /// Commands (top level, `$(...)`).
    Cmd,
    /// `"..."`.
    Double,
    /// `${...}`.
    Param,
    /// `$((...))`: `<<` is a shift.
    Arith,
}

/// Find the markers in command context, mark them as placeholder words and
/// their bodies as blanks.
fn scan(b: &[u8], mask: &mut [Mask]) -> Vec<Marker> {
    let mut out = Vec::new();
    // Markers seen on the current line, whose bodies start after it.
    let mut pending: Vec<(usize, bool)> = Vec::new(); // (index in out, strip tabs)
    let mut tags: Vec<Vec<u8>> = Vec::new();
    let mut stack = vec![Ctx::Cmd];
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let ctx = *stack.last().unwrap_or(&Ctx::Cmd);
        match ctx {
            Ctx::Double => {
                match c {
                    b'"' => {
                        stack.pop();
                    }
                    b'\\' => i += 1,
                    b'$' if b.get(i + 1) == Some(&b'(') => {
                        stack.push(Ctx::Cmd);
                        i += 1;
                    }
                    b'$' if b.get(i + 1) == Some(&b'{') => {
                        stack.push(Ctx::Param);
                        i += 1;
                    }
                    _ => {}
                }
                i += 1;
                continue;
            }
            Ctx::Param => {
                match c {
                    b'}' => {
                        stack.pop();
                    }
                    b'\\' => i += 1,
                    b'"' => stack.push(Ctx::Double),
                    b'$' if b.get(i + 1) == Some(&b'(') => {
                        stack.push(Ctx::Cmd);
                        i += 1;
                    }
                    _ => {}
                }
                i += 1;
                continue;
            }
            Ctx::Arith => {
                match c {
                    b'(' => stack.push(Ctx::Arith),
                    b')' => {
                        stack.pop();
                    }
                    _ => {}
                }
                i += 1;
                continue;
            }
            Ctx::Cmd => {}
        }
        match c {
            b'\\' => i += 2,
            b'\'' => {
                i += 1;
                while i < b.len() && b[i] != b'\'' {
                    i += 1;
                }
                i += 1;
            }
            b'"' => {
                stack.push(Ctx::Double);
                i += 1;
            }
            b'`' => {
                i += 1;
                while i < b.len() && b[i] != b'`' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'#' if i == 0 || matches!(b[i - 1], b' ' | b'\t' | b'\n' | b';' | b'&' | b'|') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'$' if b.get(i + 1) == Some(&b'(') && b.get(i + 2) == Some(&b'(') => {
                stack.push(Ctx::Arith);
                stack.push(Ctx::Arith);
                i += 3;
            }
            b'$' if b.get(i + 1) == Some(&b'(') => {
                stack.push(Ctx::Cmd);
                i += 2;
            }
            b'$' if b.get(i + 1) == Some(&b'{') => {
                stack.push(Ctx::Param);
                i += 2;
            }
            b'(' => {
                stack.push(Ctx::Cmd);
                i += 1;
            }
            b')' => {
                if stack.len() > 1 {
                    stack.pop();
                }
                i += 1;
            }
            b'<' if b.get(i + 1) == Some(&b'<')
                && b.get(i + 2) != Some(&b'<')
                && (i == 0 || b[i - 1] != b'<') =>
            {
                let (m, next, strip, tag) = marker(b, i);
                for x in &mut mask[m.start..m.delim.1] {
                    *x = Mask::Word;
                }
                mask[m.start] = Mask::Blank;
                pending.push((out.len(), strip));
                tags.push(tag);
                out.push(m);
                i = next;
            }
            b'\n' if !pending.is_empty() => {
                // The bodies start on the next line, one after the other.
                i += 1;
                for ((_, strip), tag) in pending.drain(..).zip(tags.drain(..)) {
                    let end = body_end(b, i, &tag, strip);
                    for x in &mut mask[i..end] {
                        *x = Mask::Blank;
                    }
                    i = end;
                }
            }
            _ => i += 1,
        }
    }
    out
}

/// The marker whose `<<` is at `at`: the marker, where scanning resumes,
/// whether tabs are stripped, and the delimiter with quotes removed.
fn marker(b: &[u8], at: usize) -> (Marker, usize, bool, Vec<u8>) {
    let mut i = at + 2;
    let strip = b.get(i) == Some(&b'-');
    if strip {
        i += 1;
    }
    let op = if strip { "<<-" } else { "<<" };
    while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
        i += 1;
    }
    let ds = i;
    let mut tag = Vec::new();
    let mut quote = None;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => tag.push(c),
            None if c == b'\'' || c == b'"' => quote = Some(c),
            None if matches!(
                c,
                b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'<' | b'>' | b'(' | b')'
            ) =>
            {
                break;
            }
            None if c == b'\\' => {
                if let Some(&n) = b.get(i + 1)
                    && n != b'\n'
                {
                    tag.push(n);
                }
                i += 1;
            }
            None => tag.push(c),
        }
        i += 1;
    }
    let de = i.min(b.len());
    // A descriptor number written right before the operator.
    let mut start = at;
    while start > 0 && b[start - 1].is_ascii_digit() {
        start -= 1;
    }
    let fd = if start < at
        && (start == 0
            || matches!(
                b[start - 1],
                b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'('
            )) {
        std::str::from_utf8(&b[start..at])
            .ok()
            .and_then(|s| s.parse().ok())
    } else {
        None
    };
    if fd.is_none() {
        start = at;
    }
    (
        Marker {
            start,
            word: start + 1,
            op,
            fd,
            delim: (ds, de),
        },
        de,
        strip,
        tag,
    )
}

/// Where the body that starts at `from` ends: after its terminator line (a
/// line that is the delimiter, after leading tabs with `<<-`), or at the end
/// of the text.
fn body_end(b: &[u8], from: usize, tag: &[u8], strip: bool) -> usize {
    let mut line = from;
    while line < b.len() {
        let end = b[line..]
            .iter()
            .position(|&c| c == b'\n')
            .map_or(b.len(), |p| line + p);
        let mut content = &b[line..end];
        if strip {
            while let [b'\t', rest @ ..] = content {
                content = rest;
            }
        }
        if content == tag {
            return end;
        }
        line = end + 1;
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fed(text: &str) -> String {
        prepare(text).map_or_else(|| text.to_string(), |p| p.0)
    }

    #[test]
    fn placeholders_and_bodies() {
        assert_eq!(
            fed("cat <<EOF > f\nbody\nEOF\necho"),
            "cat  ____ > f\n    \n   \necho"
        );
        assert_eq!(fed("<<''"), " ___");
        assert_eq!(fed("cat 2<<-'E' x\n\tb\n\tE\n"), "cat  ______ x\n  \n  \n");
        assert_eq!(fed("echo \"a<<b\" $((1<<2))"), "echo \"a  b\" $((1  2))");
        assert_eq!(fed("cat <<< x"), "cat <<< x");
        assert_eq!(fed("a\\<<b"), "a\\<<b");
        assert_eq!(fed("x=$(cat <<E\né\nE\n)"), "x=$(cat  __\n \n \n)");
        let (_, m) = prepare("a 2<<E").unwrap();
        assert_eq!(m[0].fd, Some(2));
        assert_eq!((m[0].start, m[0].delim), (2, (5, 6)));
    }
}
