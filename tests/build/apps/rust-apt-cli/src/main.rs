//! crc32sum: CRC-32 (IEEE) of files, like cksum but with the zlib polynomial.
use std::fs::File;
use std::io::{self, Read};

fn table() -> [u32; 256] {
    let mut t = [0u32; 256];
    for (i, slot) in t.iter_mut().enumerate() {
        let mut c = i as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
        }
        *slot = c;
    }
    t
}

fn crc32(t: &[u32; 256], r: &mut dyn Read) -> io::Result<(u32, u64)> {
    let mut crc = 0xFFFF_FFFFu32;
    let mut buf = [0u8; 8192];
    let mut len = 0u64;
    loop {
        let n = r.read(&mut buf)?;
        if n == 0 {
            break;
        }
        len += n as u64;
        for &b in &buf[..n] {
            crc = t[((crc ^ u32::from(b)) & 0xFF) as usize] ^ (crc >> 8);
        }
    }
    Ok((crc ^ 0xFFFF_FFFF, len))
}

fn main() {
    let t = table();
    let files: Vec<String> = std::env::args().skip(1).collect();
    let mut failed = false;
    if files.is_empty() {
        match crc32(&t, &mut io::stdin()) {
            Ok((c, n)) => println!("{:08x} {}", c, n),
            Err(e) => {
                eprintln!("crc32sum: {}", e);
                failed = true;
            }
        }
    }
    for f in &files {
        match File::open(f).and_then(|mut h| crc32(&t, &mut h)) {
            Ok((c, n)) => println!("{:08x} {} {}", c, n, f),
            Err(e) => {
                eprintln!("crc32sum: {}: {}", f, e);
                failed = true;
            }
        }
    }
    std::process::exit(if failed { 1 } else { 0 });
}
