//! The shared corpus (`../shared/corpus`), each file also mutated
//! deterministically (a seeded generator: line deletions, line duplications,
//! truncation at a byte, byte flips that keep or break UTF-8): linting and
//! fixing with every rule (unsafe fixes too) never panic, the whole run ends
//! within a deadline, fixing is idempotent, and the fixed text has no syntax
//! error the mutated text did not have.

mod common;

use slipway::{FileInfo, Policy, Settings, fix_file, lint_file, syntax};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Duration;

/// Mutants per corpus file. 576 files x (1 + MUTANTS) lint-and-fix runs.
const MUTANTS: usize = 3;
/// Generous: a hang detector for the debug build.
const DEADLINE: Duration = Duration::from_secs(300);

/// SplitMix64: small, seeded, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// One mutant of `bytes`: a few mutations of the kinds above.
fn mutate(bytes: &[u8], rng: &mut Rng) -> (Vec<u8>, Vec<String>) {
    let mut out = bytes.to_vec();
    let mut what = Vec::new();
    for _ in 0..1 + rng.below(3) {
        let lines: Vec<usize> = std::iter::once(0)
            .chain(memchr_lines(&out))
            .filter(|&i| i < out.len())
            .collect();
        match rng.below(6) {
            0 | 1 if !lines.is_empty() => {
                // Delete a line (or a run of them).
                let i = rng.below(lines.len());
                let n = 1 + rng.below(3);
                let start = lines[i];
                let end = lines.get(i + n).copied().unwrap_or(out.len());
                out.drain(start..end);
                what.push(format!("delete lines {i}..{}", i + n));
            }
            2 if !lines.is_empty() => {
                // Duplicate a line elsewhere.
                let i = rng.below(lines.len());
                let line = out[lines[i]..lines.get(i + 1).copied().unwrap_or(out.len())].to_vec();
                let at = lines[rng.below(lines.len())];
                out.splice(at..at, line);
                what.push(format!("duplicate line {i}"));
            }
            3 => {
                let at = rng.below(out.len() + 1);
                out.truncate(at);
                what.push(format!("truncate at {at}"));
            }
            4 if !out.is_empty() => {
                // Replace a byte with one of the Dockerfile's special ones:
                // stays UTF-8 unless it cuts a multi-byte character.
                let at = rng.below(out.len());
                let b = b"\\`\"'$#\n\r\t {}()[]<=-;&|"[rng.below(22)];
                out[at] = b;
                what.push(format!("byte {at} = {b:#x}"));
            }
            _ if !out.is_empty() => {
                // Flip a bit: breaks UTF-8 when the result is >= 0x80.
                let at = rng.below(out.len());
                out[at] ^= 1 << rng.below(8);
                what.push(format!("flip byte {at}"));
            }
            _ => {}
        }
    }
    (out, what)
}

fn memchr_lines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i + 1)
}

/// The problems with one text, or the panic's message.
fn check_text(source: &str, settings: &Settings) -> Result<(), String> {
    let run = catch_unwind(AssertUnwindSafe(|| {
        lint_file(source, settings, FileInfo::default());
        let before = syntax::parse(source).errors.len();
        let fixed = fix_file(source, settings, FileInfo::default(), Policy::Unsafe);
        if !fixed.changed() {
            return Ok(());
        }
        let after = syntax::parse(&fixed.text).errors.len();
        if after > before {
            return Err(format!("the fix added syntax errors: {before} -> {after}"));
        }
        if fixed.converged && fixed.dropped.is_empty() {
            let again = fix_file(&fixed.text, settings, FileInfo::default(), Policy::Unsafe);
            if again.changed() {
                return Err(format!("not idempotent: again {:?}", again.applied));
            }
        }
        Ok(())
    }));
    match run {
        Ok(r) => r,
        Err(payload) => Err(format!(
            "panic: {}",
            payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("?")
        )),
    }
}

#[test]
fn mutated_corpus_files_never_panic_or_hang_and_fix_cleanly() {
    let Some(shared) = common::shared_dir("the mutated corpus test") else {
        return;
    };
    let files = common::corpus_files(&shared);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let settings = Settings {
            select: Some(vec!["ALL".to_string()]),
            ..Settings::default()
        };
        let mut failures = Vec::new();
        let (mut texts, mut refused) = (0usize, 0usize);
        let mut rng = Rng(0x5eed_d0c4_e2f1_1e00);
        for (name, path) in &files {
            let bytes = std::fs::read(path).expect("read a corpus file");
            let mut inputs = vec![(bytes.clone(), vec!["original".to_string()])];
            for _ in 0..MUTANTS {
                inputs.push(mutate(&bytes, &mut rng));
            }
            for (input, what) in inputs {
                let Ok(source) = syntax::decode(&input) else {
                    refused += 1;
                    continue;
                };
                texts += 1;
                if let Err(e) = check_text(source, &settings) {
                    failures.push(format!("{name} ({}): {e}", what.join(", ")));
                }
            }
        }
        let _ = tx.send((texts, refused, failures));
    });
    let (texts, refused, failures) = rx
        .recv_timeout(DEADLINE)
        .expect("the mutated corpus did not finish within the deadline: a hang?");
    println!("{texts} texts checked, {refused} mutants refused as not UTF-8");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
