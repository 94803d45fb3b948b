//! Conformance with BuildKit's parser: its own fixtures, and the official
//! parser's output for every file of the shared corpus.

mod common;

use slipway::syntax::{self, dump};
use std::fs;

/// Every positive BuildKit fixture parses without error and dumps to its `result`.
#[test]
fn buildkit_positive_fixtures() {
    let Some(shared) = common::shared_dir("BuildKit fixtures") else {
        return;
    };
    let dir = shared.join("conformance/buildkit/testfiles");
    let mut cases: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 33,
        "expected the 33 fixtures, found {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let bytes = fs::read(case.join("Dockerfile")).unwrap();
        let want = fs::read_to_string(case.join("result"))
            .unwrap()
            .replace("\r\n", "\n");
        let text = syntax::decode(&bytes).expect("fixture is UTF-8");
        let parse = syntax::parse(text);
        let got = dump::buildkit_dump(&parse.dockerfile);
        if !parse.errors.is_empty() || got != want {
            failures.push(format!(
                "{}:\n  errors: {:?}\n  got:\n{got}\n  want:\n{want}",
                case.display(),
                parse.errors
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every negative BuildKit fixture is rejected.
#[test]
fn buildkit_negative_fixtures() {
    let Some(shared) = common::shared_dir("BuildKit fixtures") else {
        return;
    };
    let dir = shared.join("conformance/buildkit/testfiles-negative");
    let mut n = 0;
    for entry in fs::read_dir(&dir).unwrap() {
        let case = entry.unwrap().path();
        let bytes = fs::read(case.join("Dockerfile")).unwrap();
        let parse = syntax::parse(syntax::decode(&bytes).unwrap());
        assert!(
            !parse.errors.is_empty(),
            "{} must be rejected",
            case.display()
        );
        n += 1;
    }
    assert_eq!(n, 4);
}

/// BuildKit's line-number fixture: the instructions span (5,5), (11,12), (17,31).
#[test]
fn buildkit_line_numbers() {
    let Some(shared) = common::shared_dir("BuildKit fixtures") else {
        return;
    };
    let bytes = fs::read(shared.join("conformance/buildkit/testfile-line/Dockerfile")).unwrap();
    let parse = syntax::parse(syntax::decode(&bytes).unwrap());
    let lines: Vec<_> = parse
        .dockerfile
        .instructions
        .iter()
        .map(|i| (i.start_line, i.end_line))
        .collect();
    assert_eq!(lines, vec![(5, 5), (11, 12), (17, 31)]);
}

/// Every corpus file gives exactly what the official parser gives.
#[test]
fn corpus_matches_official_parser() {
    let Some(shared) = common::shared_dir("the corpus conformance test") else {
        return;
    };
    let files = common::corpus_files(&shared);
    assert!(
        files.len() > 500,
        "corpus looks incomplete: {}",
        files.len()
    );
    let mut failures = Vec::new();
    for (name, path) in &files {
        let expected_path = shared.join("corpus-expected").join(format!("{name}.json"));
        let expected: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(&expected_path).unwrap()).unwrap();
        let bytes = fs::read(path).unwrap();
        let parse = match syntax::decode(&bytes) {
            Ok(text) => syntax::parse(text),
            Err(e) => {
                failures.push(format!("{name}: not decodable: {e}"));
                continue;
            }
        };
        if expected.get("error").is_some() {
            if parse.errors.is_empty() {
                failures.push(format!(
                    "{name}: the official parser rejects it, we accept it"
                ));
            }
            continue;
        }
        let got = serde_json::to_value(dump::oracle(&parse.dockerfile)).unwrap();
        if got != expected {
            failures.push(format!("{name}: differs from the official parser"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} files differ:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}
