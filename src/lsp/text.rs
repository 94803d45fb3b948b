//! Positions as LSP counts them: 0-based lines and UTF-16 code units.
//!
//! Lines end at `\n`, `\r\n` or a lone `\r` (LSP's three line endings); the
//! line ending is not part of the line. Every character of the text the
//! client sent counts, a byte-order mark included: it is in the client's
//! buffer too. Offsets are byte offsets into that text, as in every
//! [`Span`](crate::syntax::Span).

use lsp_types::{Position, Range, TextDocumentContentChangeEvent};

/// The line starts of one text, to turn byte offsets into LSP positions and
/// back.
#[derive(Clone, Debug)]
pub struct LineIndex {
    /// Byte offset at which each line starts; the first is always 0.
    starts: Vec<usize>,
}

impl LineIndex {
    /// Index the lines of `text`.
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (i, &b) in bytes.iter().enumerate() {
            match b {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
                _ => {}
            }
        }
        LineIndex { starts }
    }

    /// The byte range of line `line`'s text, without its line ending.
    fn line(&self, text: &str, line: usize) -> (usize, usize) {
        let start = self.starts[line];
        let mut end = self.starts.get(line + 1).copied().unwrap_or(text.len());
        let bytes = text.as_bytes();
        if end > start && bytes[end - 1] == b'\n' {
            end -= 1;
        }
        if end > start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        (start, end)
    }

    /// The position of byte `offset` of `text` (clamped to the text, moved
    /// back to a character boundary; inside a line ending, the end of the
    /// line).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let line = self
            .starts
            .partition_point(|&s| s <= offset.min(text.len()))
            - 1;
        let (start, end) = self.line(text, line);
        let mut at = offset.clamp(start, end);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let character: usize = text[start..at].chars().map(char::len_utf16).sum();
        Position::new(as_u32(line), as_u32(character))
    }

    /// The range of the bytes `start..end` of `text`.
    pub fn range(&self, text: &str, start: usize, end: usize) -> Range {
        Range::new(self.position(text, start), self.position(text, end))
    }

    /// The byte offset of `position` in `text`: a line past the last is the
    /// end of the text, a character past the end of its line is the end of
    /// the line, and one inside a surrogate pair is the start of the pair.
    pub fn offset(&self, text: &str, position: Position) -> usize {
        let line = position.line as usize;
        if line >= self.starts.len() {
            return text.len();
        }
        let (start, end) = self.line(text, line);
        let want = position.character as usize;
        let mut units = 0;
        for (i, c) in text[start..end].char_indices() {
            units += c.len_utf16();
            if units > want {
                return start + i;
            }
        }
        end
    }
}

fn as_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Apply one `didChange` content change to `text`: a whole new text, or a
/// range of the current one replaced (positions as the client counts them).
pub fn apply_change(text: &mut String, change: TextDocumentContentChangeEvent) {
    match change.range {
        None => *text = change.text,
        Some(range) => {
            let index = LineIndex::new(text);
            let start = index.offset(text, range.start);
            let end = index.offset(text, range.end).max(start);
            text.replace_range(start..end, &change.text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position::new(line, character)
    }

    /// Every offset on a character boundary goes to a position and back.
    fn round_trips(text: &str) {
        let index = LineIndex::new(text);
        for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let p = index.position(text, offset);
            let back = index.offset(text, p);
            // A line ending's bytes all map to the end of its line.
            let in_ending = text[..offset].ends_with('\r') && text[offset..].starts_with('\n');
            if in_ending {
                assert_eq!(back, offset - 1, "{text:?} {offset}");
            } else {
                assert_eq!(back, offset, "{text:?} {offset} -> {p:?}");
            }
        }
    }

    #[test]
    fn counts_utf16_code_units() {
        // é is 2 bytes and 1 unit; 🐳 is 4 bytes and 2 units (a surrogate pair).
        let text = "RUN é🐳 x\n";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(x, 11);
        assert_eq!(index.position(text, x), pos(0, 8));
        assert_eq!(index.offset(text, pos(0, 8)), x);
        // Inside the surrogate pair: the start of the emoji.
        assert_eq!(index.offset(text, pos(0, 6)), text.find('🐳').unwrap());
        round_trips(text);
    }

    #[test]
    fn line_endings() {
        let text = "a\r\nbé\rc\nd";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 3), pos(1, 0));
        assert_eq!(index.position(text, 1), pos(0, 1));
        // Between `\r` and `\n`: still the end of line 0.
        assert_eq!(index.position(text, 2), pos(0, 1));
        assert_eq!(index.position(text, 7), pos(2, 0));
        assert_eq!(index.position(text, text.len()), pos(3, 1));
        // Past the end of a line: its end, before the line ending.
        assert_eq!(index.offset(text, pos(0, 9)), 1);
        assert_eq!(index.offset(text, pos(1, 9)), 6);
        assert_eq!(index.offset(text, pos(9, 0)), text.len());
        round_trips(text);
    }

    #[test]
    fn a_byte_order_mark_is_a_character() {
        let text = "\u{feff}FROM x\n";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 3), pos(0, 1));
        assert_eq!(index.offset(text, pos(0, 1)), 3);
        round_trips(text);
    }

    #[test]
    fn offsets_out_of_range_are_clamped() {
        let text = "ab\n";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 99), pos(1, 0));
        let text = "é";
        assert_eq!(LineIndex::new(text).position(text, 1), pos(0, 0));
    }

    #[test]
    fn incremental_changes() {
        let mut text = String::from("FROM a\r\nRUN é🐳 x\r\n");
        let change = |range: Option<Range>, t: &str| TextDocumentContentChangeEvent {
            range,
            range_length: None,
            text: t.to_string(),
        };
        apply_change(
            &mut text,
            change(Some(Range::new(pos(1, 8), pos(1, 9))), "yz"),
        );
        assert_eq!(text, "FROM a\r\nRUN é🐳 yz\r\n");
        apply_change(
            &mut text,
            change(Some(Range::new(pos(0, 5), pos(1, 0))), ""),
        );
        assert_eq!(text, "FROM RUN é🐳 yz\r\n");
        apply_change(&mut text, change(None, "new"));
        assert_eq!(text, "new");
    }
}
