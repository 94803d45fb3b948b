//! Running an image and asking it something: the probe.
//!
//! * `start` (the default): the container runs its own command; it passes
//!   when the command exits with 0, or is still running after the settle
//!   time (a server).
//! * `cmd`: the container runs with the given arguments in place of `CMD`
//!   (`ENTRYPOINT` kept, as `docker run IMAGE ARGS`); it passes when they
//!   exit with 0 within the time limit.
//! * `http`: the container runs its own command and `GET
//!   http://127.0.0.1:PORT/PATH` is tried until it answers or the time limit
//!   passes; it passes on a status below 400.
//!
//! With `--expect TEXT`, the output (or the body) must contain the text too.

use super::engine::{Engine, ImageInfo, RunSpec};
use super::process::{self, Running};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// What to ask.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Probe {
    /// The container starts (and a server stays up).
    Start,
    /// Run these arguments (as `CMD`).
    Cmd(Vec<String>),
    /// GET this path on this port.
    Http {
        /// The port, on 127.0.0.1.
        port: u16,
        /// The path, starting with `/`.
        path: String,
    },
}

impl Probe {
    /// The probe's kind, as in the JSON.
    pub fn kind(&self) -> &'static str {
        match self {
            Probe::Start => "start",
            Probe::Cmd(_) => "cmd",
            Probe::Http { .. } => "http",
        }
    }

    /// Parse `PORT[/PATH]`.
    pub fn parse_http(text: &str) -> Result<Probe, String> {
        let (port, path) = match text.find('/') {
            Some(i) => (&text[..i], &text[i..]),
            None => (text, "/"),
        };
        let port: u16 =
            port.parse().ok().filter(|p| *p > 0).ok_or_else(|| {
                format!("`{text}`: expected PORT[/PATH] with a port from 1 to 65535")
            })?;
        Ok(Probe::Http {
            port,
            path: path.to_string(),
        })
    }

    /// Parse `--probe-cmd` as shell words.
    pub fn parse_cmd(text: &str) -> Result<Probe, String> {
        match shlex::split(text) {
            Some(words) if !words.is_empty() => Ok(Probe::Cmd(words)),
            Some(_) => Err("--probe-cmd is empty".into()),
            None => Err(format!("`{text}`: unbalanced quotes")),
        }
    }
}

/// Time limits of a probe.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// How long a command may run, or a server may take to answer.
    pub timeout: Duration,
    /// How long a server must stay up for the start probe.
    pub settle: Duration,
}

/// What a probe saw.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct ProbeResult {
    /// `start`, `cmd` or `http`.
    pub kind: &'static str,
    /// Whether it passed.
    pub passed: bool,
    /// Why it passed or failed, for people.
    pub detail: String,
    /// What the container ran.
    pub argv: Vec<String>,
    /// The exit code, when the command exited.
    pub exit_code: Option<i32>,
    /// Whether the container was still running when it was stopped.
    pub still_running: bool,
    /// Standard output (a command, or the server's log).
    pub stdout: String,
    /// The last lines of standard error.
    pub stderr_tail: String,
    /// The HTTP status.
    pub http_status: Option<u16>,
    /// The HTTP body.
    pub body: Option<String>,
    /// Whether `--expect` was found (`None` without `--expect`).
    pub expect_found: Option<bool>,
    /// Seconds from the start to the answer (or the end).
    pub seconds: f64,
    /// The probe could not even be tried: the engine, or the port was
    /// taken (the environment's fault, not the image's).
    #[serde(skip)]
    pub environment_error: bool,
}

/// Whether something listens on 127.0.0.1:`port`.
pub fn port_in_use(port: u16) -> bool {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    TcpStream::connect_timeout(&addr, Duration::from_millis(300)).is_ok()
}

/// An HTTP answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The body (after chunked decoding), as text.
    pub body: String,
}

/// `GET path` over HTTP/1.0 on 127.0.0.1:`port`, one attempt.
pub fn get(port: u16, path: &str, timeout: Duration) -> Result<Answer, String> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut s =
        TcpStream::connect_timeout(&addr, Duration::from_secs(1)).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(timeout))
        .map_err(|e| e.to_string())?;
    s.set_write_timeout(Some(timeout))
        .map_err(|e| e.to_string())?;
    let request = format!(
        "GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: slipway-verify\r\nAccept: */*\r\nConnection: close\r\n\r\n"
    );
    s.write_all(request.as_bytes()).map_err(|e| e.to_string())?;
    // No half-close after the request: Node's HTTP server drops a socket
    // whose peer has ended its side before an asynchronous answer (a
    // static file) is written. `Connection: close` ends the exchange.
    let mut bytes = Vec::new();
    s.take(16 * 1024 * 1024)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    parse_response(&bytes)
}

/// Split a response into status and body.
pub fn parse_response(bytes: &[u8]) -> Result<Answer, String> {
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| (i, i + 4))
        .or_else(|| {
            bytes
                .windows(2)
                .position(|w| w == b"\n\n")
                .map(|i| (i, i + 2))
        });
    let Some((head_end, body_start)) = split else {
        return Err(if bytes.is_empty() {
            "the connection closed without an answer".into()
        } else {
            "the answer has no end of headers".into()
        });
    };
    let head = String::from_utf8_lossy(&bytes[..head_end]);
    let mut lines = head.lines();
    let status_line = lines.next().unwrap_or("");
    let mut parts = status_line.split_whitespace();
    let version = parts.next().unwrap_or("");
    if !version.starts_with("HTTP/") {
        return Err(format!("not an HTTP answer: `{status_line}`"));
    }
    let status: u16 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("no status in `{status_line}`"))?;
    let chunked = lines.any(|l| {
        l.split_once(':').is_some_and(|(k, v)| {
            k.trim().eq_ignore_ascii_case("transfer-encoding")
                && v.trim().eq_ignore_ascii_case("chunked")
        })
    });
    let raw = &bytes[body_start..];
    let body = if chunked { dechunk(raw) } else { raw.to_vec() };
    Ok(Answer {
        status,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(nl) = raw.windows(2).position(|w| w == b"\r\n") {
        let size_text = String::from_utf8_lossy(&raw[..nl]);
        let size_text = size_text.split(';').next().unwrap_or("").trim();
        let Ok(size) = usize::from_str_radix(size_text, 16) else {
            break;
        };
        raw = &raw[nl + 2..];
        if size == 0 || raw.len() < size {
            out.extend_from_slice(&raw[..size.min(raw.len())]);
            break;
        }
        out.extend_from_slice(&raw[..size]);
        raw = raw.get(size + 2..).unwrap_or(&[]);
    }
    out
}

fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.trim_end().lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// Run the probe against `image` (a container named `name`, prepared with
/// [`Engine::prepare`] by the caller, who also removes it).
pub fn run(
    engine: &Engine,
    image: &str,
    name: &str,
    info: &ImageInfo,
    probe: &Probe,
    expect: Option<&str>,
    limits: Limits,
) -> ProbeResult {
    let args = match probe {
        Probe::Cmd(a) => Some(a.as_slice()),
        _ => None,
    };
    let publish = match probe {
        Probe::Http { port, .. } => Some(*port),
        _ => None,
    };
    let mut result = ProbeResult {
        kind: probe.kind(),
        argv: info.argv(args),
        ..ProbeResult::default()
    };
    if let Probe::Http { port, .. } = probe
        && port_in_use(*port)
    {
        result.environment_error = true;
        result.detail = format!(
            "port {port} on 127.0.0.1 is already in use before the container starts: free it or probe another port"
        );
        return result;
    }
    let spec = RunSpec {
        image,
        name,
        args,
        publish,
    };
    let mut cmd = match engine.run_command(&spec, info) {
        Ok(c) => c,
        Err(e) => {
            result.detail = e;
            return result;
        }
    };
    let mut running = match Running::spawn(&mut cmd, false) {
        Ok(r) => r,
        Err(e) => {
            result.environment_error = true;
            result.detail = format!("cannot run {}: {e}", engine.kind.as_str());
            return result;
        }
    };
    let started = Instant::now();
    match probe {
        Probe::Start => {
            let exited = running.wait_for(limits.settle);
            finish_command(&mut result, running, exited, expect, started, true, limits);
        }
        Probe::Cmd(_) => {
            let exited = running.wait_for(limits.timeout);
            finish_command(&mut result, running, exited, expect, started, false, limits);
        }
        Probe::Http { port, path } => {
            let deadline = started + limits.timeout;
            let mut last_error = String::from("no attempt");
            let mut answer = None;
            while Instant::now() < deadline && !process::interrupted() {
                if running.exited() {
                    break;
                }
                match get(*port, path, Duration::from_secs(10)) {
                    Ok(a) => {
                        answer = Some(a);
                        break;
                    }
                    Err(e) => last_error = e,
                }
                std::thread::sleep(Duration::from_millis(250));
            }
            result.seconds = started.elapsed().as_secs_f64();
            let still_running = !running.exited();
            let done = running.stop(false);
            result.still_running = still_running;
            result.exit_code = done.code;
            result.stdout = tail(&done.stdout, 40);
            result.stderr_tail = tail(&done.stderr, 15);
            match answer {
                Some(a) => {
                    result.http_status = Some(a.status);
                    let found = expect.map(|e| a.body.contains(e));
                    result.expect_found = found;
                    result.passed = a.status < 400 && found != Some(false);
                    result.detail = match (a.status < 400, found) {
                        (false, _) => format!("GET {path} answered HTTP {}", a.status),
                        (true, Some(false)) => format!(
                            "GET {path} answered HTTP {} without the expected text",
                            a.status
                        ),
                        _ => format!(
                            "GET {path} answered HTTP {} ({} bytes) after {:.1} s",
                            a.status,
                            a.body.len(),
                            result.seconds
                        ),
                    };
                    result.body = Some(a.body);
                }
                None if process::interrupted() => result.detail = "interrupted".into(),
                None if !still_running => {
                    result.detail = format!(
                        "the container exited{} before answering on port {port}",
                        done.code.map(|c| format!(" with {c}")).unwrap_or_default()
                    );
                }
                None => {
                    result.detail = format!(
                        "no answer on 127.0.0.1:{port} within {} s (last: {last_error})",
                        limits.timeout.as_secs()
                    );
                }
            }
            // The next container must find the port free.
            let until = Instant::now() + Duration::from_secs(10);
            while port_in_use(*port) && Instant::now() < until {
                std::thread::sleep(Duration::from_millis(200));
            }
        }
    }
    result
}

fn finish_command(
    result: &mut ProbeResult,
    running: Running,
    exited: bool,
    expect: Option<&str>,
    started: Instant,
    server_ok: bool,
    limits: Limits,
) {
    let done = running.stop(!exited);
    result.seconds = started.elapsed().as_secs_f64();
    result.exit_code = done.code;
    result.still_running = !exited;
    result.stdout = done.stdout.clone();
    result.stderr_tail = tail(&done.stderr, 15);
    let found = expect.map(|e| done.stdout.contains(e) || done.stderr.contains(e));
    result.expect_found = found;
    if done.interrupted {
        result.detail = "interrupted".into();
        return;
    }
    if !exited {
        if server_ok {
            result.passed = found != Some(false);
            result.detail = format!(
                "still running after {} s (a server)",
                limits.settle.as_secs()
            );
            if found == Some(false) {
                result
                    .detail
                    .push_str(", but its output lacks the expected text");
            }
        } else {
            result.detail = format!("did not exit within {} s", limits.timeout.as_secs());
        }
        return;
    }
    match done.code {
        Some(0) if found == Some(false) => {
            result.detail = "exited with 0, but the output lacks the expected text".into();
        }
        Some(0) => {
            result.passed = true;
            result.detail = format!("exited with 0 after {:.1} s", result.seconds);
        }
        Some(c) => {
            result.detail = format!("exited with {c}");
            // The program's last words, not the engine's ("subprocess
            // exited with status 3", "Error: exit status 3").
            let engine_noise = |l: &str| {
                l.contains("subprocess exited with status")
                    || l.starts_with("Error: exit status")
                    || l.starts_with("error running container")
            };
            if let Some(last) = done
                .stderr
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty() && !engine_noise(l.trim()))
            {
                let last: String = last.trim().chars().take(200).collect();
                result.detail.push_str(&format!(" ({last})"));
            }
        }
        None => result.detail = "was killed by a signal".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_probe_arguments() {
        assert_eq!(
            Probe::parse_http("8080").unwrap(),
            Probe::Http {
                port: 8080,
                path: "/".into()
            }
        );
        assert_eq!(
            Probe::parse_http("80/health?x=1").unwrap(),
            Probe::Http {
                port: 80,
                path: "/health?x=1".into()
            }
        );
        assert!(Probe::parse_http("0").is_err());
        assert!(Probe::parse_http("x/y").is_err());
        assert_eq!(
            Probe::parse_cmd("--greet 'a b'").unwrap(),
            Probe::Cmd(vec!["--greet".into(), "a b".into()])
        );
        assert!(Probe::parse_cmd("'a").is_err());
    }

    #[test]
    fn responses_and_chunks() {
        let a =
            parse_response(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhello").unwrap();
        assert_eq!((a.status, a.body.as_str()), (200, "hello"));
        let a = parse_response(
            b"HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
        )
        .unwrap();
        assert_eq!((a.status, a.body.as_str()), (404, "abcde"));
        assert!(parse_response(b"").is_err());
        assert!(parse_response(b"SSH-2.0\r\n\r\n").is_err());
    }

    #[test]
    fn get_talks_http_to_a_local_server() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut buf = [0u8; 1024];
            let n = s.read(&mut buf).unwrap();
            let req = String::from_utf8_lossy(&buf[..n]).to_string();
            s.write_all(b"HTTP/1.0 200 OK\r\n\r\npong").unwrap();
            req
        });
        let a = get(port, "/ping", Duration::from_secs(5)).unwrap();
        assert_eq!(a.body, "pong");
        let req = server.join().unwrap();
        assert!(req.starts_with("GET /ping HTTP/1.0\r\n"), "{req}");
    }

    /// As Node's HTTP server does for an answer it writes later (a static
    /// file): a peer that has ended its side of the connection gets none.
    #[test]
    fn get_keeps_its_side_open_until_the_answer() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf).unwrap();
            s.set_read_timeout(Some(Duration::from_millis(300)))
                .unwrap();
            if matches!(s.read(&mut buf), Ok(0)) {
                return; // the peer half-closed: dropped unanswered
            }
            s.write_all(b"HTTP/1.0 200 OK\r\n\r\nlater").unwrap();
        });
        let a = get(port, "/", Duration::from_secs(5)).unwrap();
        assert_eq!(a.body, "later");
        server.join().unwrap();
    }
}
