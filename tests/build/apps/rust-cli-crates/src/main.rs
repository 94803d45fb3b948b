//! dice: roll dice written as NdM[+K], e.g. `dice --seed 7 3d6+2 1d20`.
use std::io::Write;
use std::process::ExitCode;

struct Spec {
    count: u32,
    sides: u32,
    bonus: i64,
}

fn parse(s: &str) -> Option<Spec> {
    let (count, rest) = s.split_once('d')?;
    let count = if count.is_empty() { 1 } else { count.parse().ok()? };
    let (sides, bonus) = match rest.split_once(['+', '-']) {
        Some((sides, b)) => {
            let b: i64 = b.parse().ok()?;
            (sides, if rest.contains('-') { -b } else { b })
        }
        None => (rest, 0),
    };
    let sides: u32 = sides.parse().ok()?;
    if count == 0 || count > 1000 || sides < 2 {
        return None;
    }
    Some(Spec { count, sides, bonus })
}

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--version") {
        println!("dice {}", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    let mut rng = fastrand::Rng::new();
    if args.first().map(String::as_str) == Some("--seed") && args.len() >= 2 {
        let seed: u64 = match args[1].parse() {
            Ok(s) => s,
            Err(_) => {
                eprintln!("dice: bad seed {:?}", args[1]);
                return ExitCode::from(2);
            }
        };
        rng = fastrand::Rng::with_seed(seed);
        args.drain(..2);
    }
    if args.is_empty() {
        args.push("2d6".to_string());
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut buf = itoa::Buffer::new();
    for a in &args {
        let Some(spec) = parse(a) else {
            eprintln!("dice: cannot read {a:?} (expected NdM or NdM+K)");
            return ExitCode::from(2);
        };
        let mut total = spec.bonus;
        let _ = write!(out, "{a}:");
        for _ in 0..spec.count {
            let r = rng.u32(1..=spec.sides);
            total += i64::from(r);
            let _ = write!(out, " {}", buf.format(r));
        }
        let _ = writeln!(out, " = {}", buf.format(total));
    }
    ExitCode::SUCCESS
}
