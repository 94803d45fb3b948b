//! The parser on arbitrary bytes: decoding refuses or gives text, and parsing
//! that text never panics and keeps every span inside the file on character
//! boundaries.
#![no_main]

use libfuzzer_sys::fuzz_target;
use slipway::syntax;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = syntax::decode(data) else {
        return;
    };
    let parse = syntax::parse(src);
    let ok = |s: syntax::Span| {
        assert!(
            s.start <= s.end && s.end <= src.len(),
            "{s:?} outside the file"
        );
        assert!(
            src.is_char_boundary(s.start) && src.is_char_boundary(s.end),
            "{s:?} not on character boundaries"
        );
    };
    for inst in &parse.dockerfile.instructions {
        ok(inst.span);
        inst.visit_spans(&mut |s| ok(s));
    }
    for e in &parse.errors {
        ok(e.span);
    }
    // Parsing is deterministic.
    let again = syntax::parse(src);
    assert_eq!(parse.errors.len(), again.errors.len());
    assert_eq!(
        parse.dockerfile.instructions.len(),
        again.dockerfile.instructions.len()
    );
});
