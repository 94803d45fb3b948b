//! Every fix, unsafe ones included, on arbitrary input: fixing never panics,
//! a text with no syntax error keeps none, and fixing the result again
//! changes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use slipway::{FileInfo, Policy, Settings, fix_file, syntax};

fuzz_target!(|data: &[u8]| {
    let Ok(src) = syntax::decode(data) else {
        return;
    };
    let settings = Settings {
        select: Some(vec!["ALL".to_string()]),
        ..Settings::default()
    };
    let before = syntax::parse(src).errors.len();
    let outcome = fix_file(src, &settings, FileInfo::default(), Policy::Unsafe);
    if !outcome.changed() {
        return;
    }
    let after = syntax::parse(&outcome.text).errors.len();
    assert!(
        after <= before,
        "the fix added syntax errors ({before} before, {after} after):\n{}",
        outcome.text
    );
    if outcome.converged && outcome.dropped.is_empty() {
        let again = fix_file(
            &outcome.text,
            &settings,
            FileInfo::default(),
            Policy::Unsafe,
        );
        assert!(
            !again.changed(),
            "fixing twice changes the text again ({:?}):\n{}",
            again.applied,
            outcome.text
        );
    }
});
