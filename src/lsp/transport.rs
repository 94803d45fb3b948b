//! LSP's framing over standard input and output: `Content-Length` headers,
//! then a JSON-RPC message.
//!
//! lsp-server's own stdio transport stops reading at the first message it
//! cannot parse, which ends the session; this one tells the server about it
//! and reads on. Header lines may end with `\r\n` (as the specification
//! says) or a bare `\n`; headers other than `Content-Length` are ignored.

use lsp_server::{Connection, Message, Notification, RequestId};
use serde_json::Value;
use std::io::{self, BufRead, Read};
use std::thread::JoinHandle;

/// The notification the reader sends the server for a message it could not
/// read; its params are [`Malformed`]. Not a method any client sends: `$/`
/// methods are the protocol's, and this one is the server's own.
pub const MALFORMED: &str = "$/slipway/malformed";

/// A message that could not be read, for the server to answer or log.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Malformed {
    /// The request's id, when the message was JSON with a usable id.
    pub id: Option<RequestId>,
    /// What was wrong.
    pub error: String,
}

/// The largest message read; a longer one is skipped.
const MAX_MESSAGE: usize = 64 << 20;

/// The server's end of a connection over stdin and stdout, and the thread
/// writing to stdout (join it after the server has dropped its connection,
/// so that every message is written). The reading thread is left to end
/// with the process: it may be waiting on stdin.
pub fn stdio() -> (Connection, JoinHandle<()>) {
    let (server, transport) = Connection::memory();
    let Connection {
        sender: to_server,
        receiver: from_server,
    } = transport;
    let writer = std::thread::Builder::new()
        .name("lsp-writer".to_string())
        .spawn(move || {
            let mut out = io::stdout().lock();
            for message in from_server {
                if message.write(&mut out).is_err() {
                    // The client is gone; keep draining so the server
                    // never blocks.
                    continue;
                }
            }
        })
        .expect("spawn the LSP writer thread");
    std::thread::Builder::new()
        .name("lsp-reader".to_string())
        .spawn(move || {
            let mut input = io::stdin().lock();
            read_messages(&mut input, &mut |m| to_server.send(m).is_ok());
        })
        .expect("spawn the LSP reader thread");
    (server, writer)
}

/// Read framed messages from `input` and hand each to `send` (which says
/// whether to go on) until the input ends or an `exit` notification.
/// Unreadable messages are handed on as [`MALFORMED`] notifications.
pub fn read_messages(input: &mut dyn BufRead, send: &mut dyn FnMut(Message) -> bool) {
    loop {
        let message = match read_frame(input) {
            Ok(None) => return,
            Ok(Some(Ok(body))) => parse(&body),
            Ok(Some(Err(error))) => malformed(None, error),
            Err(_) => return,
        };
        let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
        if !send(message) || exit {
            return;
        }
    }
}

/// One frame's body; `Ok(None)` at the end of the input, `Ok(Some(Err))`
/// for a frame that was skipped (no `Content-Length`, too long).
fn read_frame(input: &mut dyn BufRead) -> io::Result<Option<Result<Vec<u8>, String>>> {
    let mut length: Option<Result<usize, String>> = None;
    let mut line = Vec::new();
    let mut any_header = false;
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            return Ok(None);
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if any_header {
                break;
            }
            // Blank lines between messages.
            continue;
        }
        any_header = true;
        if let Some((name, value)) = text.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = Some(
                value
                    .trim()
                    .parse::<usize>()
                    .map_err(|_| format!("bad Content-Length header `{}`", value.trim())),
            );
        }
    }
    let length = match length {
        None => return Ok(Some(Err("a message without Content-Length".to_string()))),
        Some(Err(e)) => return Ok(Some(Err(e))),
        Some(Ok(n)) => n,
    };
    if length > MAX_MESSAGE {
        io::copy(&mut input.take(length as u64), &mut io::sink())?;
        return Ok(Some(Err(format!(
            "a message of {length} bytes (more than {MAX_MESSAGE})"
        ))));
    }
    let mut body = vec![0; length];
    input.read_exact(&mut body)?;
    Ok(Some(Ok(body)))
}

/// A frame's body as a message, or a [`MALFORMED`] notification saying
/// why not (with the id, when there is one to answer).
fn parse(body: &[u8]) -> Message {
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return malformed(None, format!("not JSON: {e}")),
    };
    match serde_json::from_value::<Message>(value.clone()) {
        Ok(m) => m,
        Err(_) => {
            let id = value
                .get("id")
                .and_then(|id| serde_json::from_value::<RequestId>(id.clone()).ok());
            malformed(
                id,
                "not a JSON-RPC request, response or notification".to_string(),
            )
        }
    }
}

fn malformed(id: Option<RequestId>, error: String) -> Message {
    Message::Notification(Notification::new(
        MALFORMED.to_string(),
        Malformed { id, error },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_server::Request;

    fn read_all(input: &[u8]) -> Vec<Message> {
        let mut out = Vec::new();
        read_messages(&mut &input[..], &mut |m| {
            out.push(m);
            true
        });
        out
    }

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn reads_on_after_a_malformed_message() {
        let input = [
            frame(r#"{"jsonrpc":"2.0","id":1,"method":"a"}"#),
            frame("{not json"),
            frame(r#"{"jsonrpc":"2.0","id":7,"method":3}"#),
            "Content-Type: x\n\n".to_string(),
            // A bare `\n` after the header and another header.
            format!(
                "content-length: 36\nContent-Type: y\n\n{}",
                r#"{"jsonrpc":"2.0","method":"b","x":1}"#
            ),
            frame(r#"{"jsonrpc":"2.0","method":"exit"}"#),
            frame(r#"{"jsonrpc":"2.0","method":"after"}"#),
        ]
        .concat();
        let messages = read_all(input.as_bytes());
        let methods: Vec<String> = messages
            .iter()
            .map(|m| match m {
                Message::Request(r) => r.method.clone(),
                Message::Notification(n) => n.method.clone(),
                Message::Response(_) => "response".to_string(),
            })
            .collect();
        assert_eq!(methods, ["a", MALFORMED, MALFORMED, MALFORMED, "b", "exit"]);
        let Message::Notification(n) = &messages[2] else {
            panic!()
        };
        let m: Malformed = serde_json::from_value(n.params.clone()).unwrap();
        assert_eq!(m.id, Some(7.into()));
    }

    #[test]
    fn skips_a_huge_message() {
        let input = format!(
            "Content-Length: {}\r\n\r\n{}{}",
            MAX_MESSAGE + 1,
            " ".repeat(MAX_MESSAGE + 1),
            frame(r#"{"jsonrpc":"2.0","method":"b"}"#)
        );
        let messages = read_all(input.as_bytes());
        assert_eq!(messages.len(), 2);
    }

    #[test]
    fn writes_what_it_reads() {
        let mut out = Vec::new();
        let request = Request::new(3.into(), "x".to_string(), serde_json::json!({"a": "é"}));
        Message::Request(request).write(&mut out).unwrap();
        let text = String::from_utf8(out.clone()).unwrap();
        assert!(text.starts_with("Content-Length: "), "{text}");
        assert!(text.contains(r#""jsonrpc":"2.0""#), "{text}");
        let messages = read_all(&out);
        assert!(matches!(&messages[..], [Message::Request(r)] if r.method == "x"));
    }
}
