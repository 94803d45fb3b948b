//! Every rule on arbitrary input: linting never panics, and every finding's
//! span lies inside the file on character boundaries.
#![no_main]

use libfuzzer_sys::fuzz_target;
use slipway::{FileInfo, Settings, syntax};

fuzz_target!(|data: &[u8]| {
    let Ok(src) = syntax::decode(data) else {
        return;
    };
    let settings = Settings {
        select: Some(vec!["ALL".to_string()]),
        ..Settings::default()
    };
    for d in slipway::lint_file(src, &settings, FileInfo::default()) {
        let s = d.span;
        assert!(
            s.start <= s.end && s.end <= src.len(),
            "{}: {s:?} outside the file",
            d.code
        );
        assert!(
            src.is_char_boundary(s.start) && src.is_char_boundary(s.end),
            "{}: {s:?} not on character boundaries",
            d.code
        );
    }
});
