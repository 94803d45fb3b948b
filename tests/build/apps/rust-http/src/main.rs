//! A tiny HTTP/1.1 server on the standard library alone.
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;

fn handle(stream: TcpStream, hits: &AtomicU64) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Skip the headers.
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let path = request_line.split_whitespace().nth(1).unwrap_or("/");
    let n = hits.fetch_add(1, Ordering::Relaxed) + 1;
    let (status, body) = match path {
        "/healthz" => ("200 OK", "ok\n".to_string()),
        "/" => ("200 OK", format!("hello from rust, request #{n}\n")),
        _ => ("404 Not Found", "not found\n".to_string()),
    };
    let mut out = stream;
    write!(
        out,
        "HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    out.flush()
}

fn main() -> std::io::Result<()> {
    let addr = std::env::var("BIND").unwrap_or_else(|_| "0.0.0.0:18003".to_string());
    let listener = TcpListener::bind(&addr)?;
    eprintln!("hello-http listening on {addr}");
    let hits = Arc::new(AtomicU64::new(0));
    for stream in listener.incoming() {
        let stream = match stream {
            Ok(s) => s,
            Err(e) => {
                eprintln!("accept: {e}");
                continue;
            }
        };
        let hits = Arc::clone(&hits);
        thread::spawn(move || {
            if let Err(e) = handle(stream, &hits) {
                eprintln!("connection: {e}");
            }
        });
    }
    Ok(())
}
