//! csvstat: per-column count, min, max and mean of the numeric columns of a CSV file.
use std::fs;
use std::process::ExitCode;

fn main() -> ExitCode {
    let path = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("CSVSTAT_FILE").ok())
        .unwrap_or_else(|| "/srv/data/measurements.csv".to_string());
    let text = match fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("csvstat: {path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let Some(header) = lines.next() else {
        eprintln!("csvstat: {path}: empty file");
        return ExitCode::FAILURE;
    };
    let names: Vec<&str> = header.split(',').map(str::trim).collect();
    let mut stats: Vec<(usize, f64, f64, f64)> = vec![(0, f64::MAX, f64::MIN, 0.0); names.len()];
    let mut rows = 0;
    for line in lines {
        rows += 1;
        for (i, cell) in line.split(',').enumerate().take(names.len()) {
            if let Ok(v) = cell.trim().parse::<f64>() {
                let s = &mut stats[i];
                s.0 += 1;
                s.1 = s.1.min(v);
                s.2 = s.2.max(v);
                s.3 += v;
            }
        }
    }
    println!("{path}: {rows} rows");
    for (name, (n, min, max, sum)) in names.iter().zip(stats) {
        if n == 0 {
            println!("{name:>12}: not numeric");
        } else {
            println!("{name:>12}: n={n} min={min} max={max} mean={:.2}", sum / n as f64);
        }
    }
    ExitCode::SUCCESS
}
