//! The language server: a client over an in-memory connection (exact
//! UTF-16 ranges, code actions, hover, configuration, errors), and the
//! `slipway server` binary spoken to over its pipes.

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use serde_json::{Value, json};
use slipway::lsp::{Ending, serve};
use std::collections::VecDeque;
use std::path::Path;
use std::time::Duration;

/// How long any answer may take before the test fails.
const DEADLINE: Duration = Duration::from_secs(60);

/// A client talking to a server on another thread.
struct Client {
    connection: Connection,
    server: Option<std::thread::JoinHandle<Ending>>,
    next_id: i32,
    /// Notifications received while waiting for something else.
    pending: VecDeque<Notification>,
}

impl Client {
    /// A server, not yet initialized.
    fn new() -> Client {
        let (server, connection) = Connection::memory();
        let server = std::thread::spawn(move || serve(server));
        Client {
            connection,
            server: Some(server),
            next_id: 1,
            pending: VecDeque::new(),
        }
    }

    /// A server, initialized with these client capabilities.
    fn with_capabilities(capabilities: Value) -> Client {
        let mut c = Client::new();
        let result = c
            .request("initialize", json!({ "capabilities": capabilities }))
            .expect("initialize succeeds");
        assert_eq!(result["serverInfo"]["name"], "slipway");
        c.notify("initialized", json!({}));
        c
    }

    fn start() -> Client {
        Client::with_capabilities(json!({}))
    }

    fn send(&self, m: impl Into<Message>) {
        self.connection.sender.send(m.into()).expect("server alive");
    }

    fn notify(&self, method: &str, params: Value) {
        self.send(Notification::new(method.to_string(), params));
    }

    fn receive(&self) -> Message {
        self.connection
            .receiver
            .recv_timeout(DEADLINE)
            .expect("the server answers in time")
    }

    /// Send a request and wait for its response.
    fn request(&mut self, method: &str, params: Value) -> Result<Value, lsp_server::ResponseError> {
        let id = self.next_id;
        self.next_id += 1;
        self.send(Request::new(id.into(), method.to_string(), params));
        self.response(id)
    }

    fn response(&mut self, id: i32) -> Result<Value, lsp_server::ResponseError> {
        loop {
            match self.receive() {
                Message::Response(Response {
                    id: got,
                    response_result,
                }) if got == id.into() => return response_result,
                Message::Response(r) => panic!("a response to another request: {r:?}"),
                Message::Notification(n) => self.pending.push_back(n),
                Message::Request(_) => {}
            }
        }
    }

    /// The next notification of `method` whose params `pick` accepts
    /// (others are kept for later).
    fn notification_where(&mut self, method: &str, pick: impl Fn(&Value) -> bool) -> Value {
        let wanted = |n: &Notification| n.method == method && pick(&n.params);
        if let Some(i) = self.pending.iter().position(wanted) {
            return self.pending.remove(i).unwrap().params;
        }
        loop {
            match self.receive() {
                Message::Notification(n) if wanted(&n) => return n.params,
                Message::Notification(n) => self.pending.push_back(n),
                _ => {}
            }
        }
    }

    fn notification(&mut self, method: &str) -> Value {
        self.notification_where(method, |_| true)
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Value {
        self.notification_where("textDocument/publishDiagnostics", |p| p["uri"] == uri)
    }

    fn open(&mut self, uri: &str, text: &str) -> Value {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "dockerfile", "version": 1, "text": text}}),
        );
        self.diagnostics(uri)
    }

    /// Shut down and exit; the server ends cleanly.
    fn finish(mut self) {
        assert_eq!(self.request("shutdown", Value::Null).unwrap(), Value::Null);
        self.notify("exit", Value::Null);
        let ending = self.server.take().unwrap().join().unwrap();
        assert_eq!(ending, Ending::Clean);
    }
}

/// A directory with an empty `slipway.toml` (so that no configuration of
/// the machine's applies) and a `.dockerignore`.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("slipway.toml"), "").unwrap();
    std::fs::write(dir.path().join(".dockerignore"), ".git\n").unwrap();
    dir
}

/// The `file:` URI of a path.
fn file_uri(path: &Path) -> String {
    let mut out = String::from("file://");
    for &b in path.to_str().unwrap().as_bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The LSP position (UTF-16 code units) of byte `offset` of `text`,
/// computed the simple way: lines end at `\n` or `\r\n`.
fn position(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let character = before[start..].encode_utf16().count();
    json!({"line": line, "character": character})
}

/// The diagnostics of `code` in a published list.
fn of_code<'v>(published: &'v Value, code: &str) -> Vec<&'v Value> {
    published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == code)
        .collect()
}

fn codes(published: &Value) -> Vec<String> {
    published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn initialize_announces_what_the_server_does() {
    let mut c = Client::new();
    // Before `initialize`, requests are refused.
    let e = c.request("textDocument/hover", json!({})).unwrap_err();
    assert_eq!(e.code, ErrorCode::ServerNotInitialized as i32);
    let result = c
        .request("initialize", json!({"capabilities": {}}))
        .unwrap();
    let caps = &result["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental");
    assert_eq!(caps["textDocumentSync"]["openClose"], true);
    assert!(caps["textDocumentSync"]["save"].is_object());
    assert_eq!(caps["hoverProvider"], true);
    assert_eq!(
        caps["codeActionProvider"]["codeActionKinds"],
        json!(["quickfix", "source.fixAll.slipway", "refactor.rewrite"])
    );
    let e = c
        .request("initialize", json!({"capabilities": {}}))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidRequest as i32);
    c.notify("initialized", json!({}));
    c.finish();
}

#[test]
fn ranges_are_utf16_around_non_ascii_text() {
    let dir = workspace();
    let uri = file_uri(&dir.path().join("Dockerfile"));
    let text = "FROM ubuntu:22.04\nRUN echo \"é🐳\" && apt-get install curl\n";
    let mut c = Client::start();
    let published = c.open(&uri, text);
    assert_eq!(published["version"], 1);
    let d = of_code(&published, "SW302");
    assert_eq!(d.len(), 1, "{published:#}");
    let d = d[0];
    let start = text.find("apt-get").unwrap();
    let end = text.find("curl").unwrap() + 4;
    assert_eq!(d["range"]["start"], position(text, start));
    assert_eq!(d["range"]["end"], position(text, end));
    // é is one code unit, the whale two: `apt-get` starts at 18.
    assert_eq!(d["range"]["start"], json!({"line": 1, "character": 18}));
    assert_eq!(d["severity"], 2);
    assert_eq!(d["source"], "slipway");
    assert_eq!(d["data"]["name"], "apt-get-missing-yes");
    let href = d["codeDescription"]["href"].as_str().unwrap();
    assert!(href.ends_with("/rules/apt-get-missing-yes.md"), "{href}");
    assert_eq!(d["data"]["fix"]["applicability"], "safe");
    assert!(d["message"].as_str().unwrap().contains("-y"));
    // `curl` unpinned: a warning inside the same line.
    let pin = of_code(&published, "SW306")[0];
    assert_eq!(
        pin["range"]["start"],
        position(text, text.find("curl").unwrap())
    );
    // Severities: info and hint too.
    let info = of_code(&published, "SW402")[0];
    assert_eq!(info["severity"], 3);
    c.finish();
}

#[test]
fn ranges_with_crlf_and_a_byte_order_mark() {
    let dir = workspace();
    let uri = file_uri(&dir.path().join("Dockerfile"));
    let text = concat!(
        "\u{feff}FROM alpine:3.20\r\n",
        "# é🐳\r\n",
        "MAINTAINER é🐳 <me@example.com>\r\n",
        "LABEL org.example.name=\"é🐳\" Maintainer=x\r\n",
        "ADD app.conf /etc/app/\r\n",
    );
    let mut c = Client::start();
    let published = c.open(&uri, text);
    assert_eq!(codes(&published), ["SW501", "SW505", "SW503"]);
    // The whole line, up to the `\r\n`: 10 + 1 + 1 + 2 + 1 + 16 code units.
    let maintainer = of_code(&published, "SW501")[0];
    assert_eq!(
        maintainer["range"],
        json!({"start": {"line": 2, "character": 0}, "end": {"line": 2, "character": 31}})
    );
    let start = text.find("MAINTAINER").unwrap();
    let line_end = start + text[start..].find('\r').unwrap();
    assert_eq!(maintainer["range"]["end"], position(text, line_end));
    assert_eq!(maintainer["tags"], json!([2]), "deprecated");
    // After `é🐳` on a CRLF line; style is a hint.
    let key = of_code(&published, "SW505")[0];
    let start = text.find("Maintainer=").unwrap();
    assert_eq!(
        key["range"],
        json!({"start": position(text, start), "end": position(text, start + "Maintainer".len())})
    );
    assert_eq!(key["range"]["start"], json!({"line": 3, "character": 29}));
    assert_eq!(key["severity"], 4);
    let add = of_code(&published, "SW503")[0];
    assert_eq!(
        add["range"],
        json!({"start": {"line": 4, "character": 0}, "end": {"line": 4, "character": 3}})
    );
    // The byte-order mark is a character of the client's text: the first
    // line's positions count it (no finding there to show it).
    assert_eq!(
        position(text, text.find("alpine").unwrap()),
        json!({"line": 0, "character": 6})
    );
    c.finish();
}

#[test]
fn code_actions_offer_each_fix_and_fix_all() {
    let dir = workspace();
    let uri = file_uri(&dir.path().join("Dockerfile"));
    let text =
        "FROM ubuntu:22.04\nRUN echo \"é🐳\" && apt-get install curl\nADD app.conf /etc/app/\n";
    let mut c = Client::start();
    c.open(&uri, text);
    let at = position(text, text.find("install").unwrap());
    let actions = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": {"start": at, "end": at},
                "context": {"diagnostics": []}}),
        )
        .unwrap();
    let actions = actions.as_array().unwrap();
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert!(titles.contains(&"Add `-y`"), "{titles:?}");
    assert!(titles.contains(&"Fix all safe problems"), "{titles:?}");
    // Not the fix of the ADD on the next line.
    assert!(!titles.iter().any(|t| t.contains("COPY")), "{titles:?}");
    let yes = actions.iter().find(|a| a["title"] == "Add `-y`").unwrap();
    assert_eq!(yes["kind"], "quickfix");
    assert_eq!(yes["isPreferred"], true);
    assert_eq!(yes["diagnostics"][0]["code"], "SW302");
    let edits = &yes["edit"]["changes"][uri.as_str()];
    let at = text.find("install").unwrap() + "install".len();
    assert_eq!(
        edits,
        &json!([{"range": {"start": position(text, at), "end": position(text, at)}, "newText": " -y"}])
    );
    // The ADD's fix is unsafe: marked, and not preferred.
    let add = position(text, text.find("ADD").unwrap());
    let actions = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": {"start": add, "end": add},
                "context": {"diagnostics": [], "only": ["quickfix"]}}),
        )
        .unwrap();
    let actions = actions.as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:#?}");
    assert!(actions[0]["title"].as_str().unwrap().ends_with("(unsafe)"));
    assert!(actions[0]["isPreferred"].is_null());
    // Fix all, as an editor asks on save.
    let all = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": {"start": add, "end": add},
                "context": {"diagnostics": [], "only": ["source.fixAll"]}}),
        )
        .unwrap();
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 1, "{all:#?}");
    assert_eq!(all[0]["kind"], "source.fixAll.slipway");
    let edits = all[0]["edit"]["changes"][uri.as_str()].as_array().unwrap();
    let fixed = apply(text, edits);
    assert!(fixed.contains(" -y curl"), "{fixed}");
    assert!(
        fixed.contains("ADD app.conf"),
        "unsafe fixes are not applied: {fixed}"
    );
    c.finish();
}

#[test]
fn a_single_stage_build_can_be_rewritten_as_a_multi_stage_one() {
    let dir = workspace();
    let uri = file_uri(&dir.path().join("Dockerfile"));
    let text = "FROM golang:1.22\r\nWORKDIR /src\r\nCOPY . .\r\n# é🐳\r\nRUN go build -o /usr/local/bin/server .\r\nCMD [\"server\"]\r\n";
    let mut c = Client::start();
    c.open(&uri, text);
    let at = json!({"line": 0, "character": 0});
    let actions = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": {"start": at, "end": at},
                "context": {"diagnostics": [], "only": ["refactor"]}}),
        )
        .unwrap();
    let actions = actions.as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:#?}");
    let rewrite = &actions[0];
    assert_eq!(rewrite["kind"], "refactor.rewrite");
    let title = rewrite["title"].as_str().unwrap();
    assert!(
        title.starts_with("Rewrite as a multi-stage build on "),
        "{title}"
    );
    assert!(title.ends_with("(unsafe)"), "{title}");
    assert!(rewrite["isPreferred"].is_null());
    let edits = rewrite["edit"]["changes"][uri.as_str()].as_array().unwrap();
    let options = slipway::split::Options {
        context: Some(dir.path()),
    };
    let expected = slipway::split::split(text, &options).expect("the rewrite applies");
    assert_eq!(apply(text, edits), expected.text);
    // A file it does not apply to: no such action.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"text": "FROM alpine:3.20\n"}]}),
    );
    c.diagnostics(&uri);
    let actions = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": {"start": at, "end": at},
                "context": {"diagnostics": []}}),
        )
        .unwrap();
    assert_eq!(actions, json!([]));
    c.finish();
}

/// Apply LSP text edits (not overlapping) to `text`.
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| {
        (0..=text.len())
            .filter(|&o| text.is_char_boundary(o))
            .find(|&o| position(text, o) == *p)
            .expect("a position in the text")
    };
    let mut edits: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    edits.sort();
    let mut out = text.to_string();
    for (start, end, new) in edits.into_iter().rev() {
        out.replace_range(start..end, new);
    }
    out
}

#[test]
fn changes_update_the_diagnostics() {
    let dir = workspace();
    let uri = file_uri(&dir.path().join("Dockerfile"));
    let text = "FROM alpine:3.20\r\nRUN é🐳 && apk add curl\r\n";
    let mut c = Client::start();
    let published = c.open(&uri, text);
    let before = codes(&published);
    // An incremental change: `MAINTAINER me` in place of `é🐳`, whose
    // range is counted in UTF-16.
    let start = text.find('é').unwrap();
    let end = text.find(" &&").unwrap();
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
            {"range": {"start": position(text, start), "end": position(text, end)}, "text": "x"},
            {"range": {"start": {"line": 2, "character": 0}, "end": {"line": 2, "character": 0}},
             "text": "MAINTAINER é\r\n"},
        ]}),
    );
    let published = c.diagnostics(&uri);
    assert_eq!(published["version"], 2);
    let after = codes(&published);
    assert!(after.contains(&"SW501".to_string()), "{after:?}");
    assert!(!before.contains(&"SW501".to_string()), "{before:?}");
    let m = of_code(&published, "SW501")[0];
    assert_eq!(m["range"]["start"], json!({"line": 2, "character": 0}));
    // The whole text replaced.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [
            {"text": "FROM alpine:3.20\n"}]}),
    );
    let published = c.diagnostics(&uri);
    assert_eq!(published["version"], 3);
    assert_eq!(published["diagnostics"], json!([]));
    // Saving checks again; closing clears.
    c.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(c.diagnostics(&uri)["version"], 3);
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(c.diagnostics(&uri)["diagnostics"], json!([]));
    c.finish();
}

#[test]
fn hover_shows_the_rule_document() {
    let dir = workspace();
    let uri = file_uri(&dir.path().join("Dockerfile"));
    let text = "FROM alpine:3.20\nADD app.conf /etc/app/\n";
    let mut c = Client::start();
    c.open(&uri, text);
    let at = |o: usize| json!({"textDocument": {"uri": uri}, "position": position(text, o)});
    let hover = c
        .request("textDocument/hover", at(text.find("ADD").unwrap() + 1))
        .unwrap();
    assert_eq!(hover["contents"]["kind"], "markdown");
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(value.contains("**SW503** `add-for-local-files`"), "{value}");
    assert!(value.contains("What it does"), "{value}");
    assert!(
        value.contains("Reports an `ADD` whose sources include a local file"),
        "{value}"
    );
    assert_eq!(hover["range"]["start"], json!({"line": 1, "character": 0}));
    // Nothing there: no hover.
    let none = c.request("textDocument/hover", at(2)).unwrap();
    assert_eq!(none, Value::Null);
    c.finish();
}

#[test]
fn errors_are_answered_and_the_server_goes_on() {
    let dir = workspace();
    let uri = file_uri(&dir.path().join("Dockerfile"));
    let mut c = Client::start();
    let e = c
        .request("textDocument/definitely-not", json!({}))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::MethodNotFound as i32);
    // An unknown notification is ignored.
    c.notify("custom/whatever", json!({"x": 1}));
    // Malformed params: an error, for requests and notifications alike.
    let e = c
        .request("textDocument/hover", json!({"textDocument": 3}))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidParams as i32);
    c.notify("textDocument/didOpen", json!({"textDocument": "nope"}));
    let log = c.notification("window/logMessage");
    assert!(
        log["message"].as_str().unwrap().contains("invalid params"),
        "{log}"
    );
    // A document that is not open.
    let e = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": "file:///nowhere/Dockerfile"},
                "position": {"line": 0, "character": 0}}),
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidParams as i32);
    assert!(e.message.contains("no open document"), "{e:?}");
    // Still working.
    let published = c.open(&uri, "FROM alpine:3.20\nMAINTAINER me\n");
    assert_eq!(codes(&published), ["SW501"]);
    // After shutdown, only exit.
    assert_eq!(c.request("shutdown", Value::Null).unwrap(), Value::Null);
    let e = c.request("textDocument/hover", json!({})).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidRequest as i32);
    c.notify("exit", Value::Null);
    assert_eq!(c.server.take().unwrap().join().unwrap(), Ending::Clean);
}

#[test]
fn exit_without_shutdown_is_abrupt() {
    let mut c = Client::start();
    c.notify("exit", Value::Null);
    assert_eq!(c.server.take().unwrap().join().unwrap(), Ending::Abrupt);
    // A client that goes away is abrupt too.
    let mut c = Client::start();
    let server = c.server.take().unwrap();
    drop(c);
    assert_eq!(server.join().unwrap(), Ending::Abrupt);
}

#[test]
fn configuration_applies_per_path_and_is_read_again() {
    let dir = workspace();
    let sub = dir.path().join("svc");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(sub.join(".dockerignore"), ".git\n").unwrap();
    let text = "FROM alpine:3.20\nMAINTAINER me\nADD app.conf /etc/\n";
    let top = file_uri(&dir.path().join("Dockerfile"));
    let inner = file_uri(&sub.join("Dockerfile"));
    std::fs::write(sub.join("slipway.toml"), "ignore = [\"SW501\"]\n").unwrap();
    let mut c = Client::with_capabilities(json!({
        "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}
    }));
    // The client is asked to watch configuration files.
    let registration = loop {
        match c.receive() {
            Message::Request(r) if r.method == "client/registerCapability" => break r,
            _ => {}
        }
    };
    let watchers = &registration.params["registrations"][0]["registerOptions"]["watchers"];
    let globs: Vec<&str> = watchers
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["globPattern"].as_str().unwrap())
        .collect();
    assert!(globs.contains(&"**/slipway.toml"), "{globs:?}");
    assert!(globs.contains(&"**/.hadolint.yaml"), "{globs:?}");
    assert!(globs.contains(&"**/.dockerignore"), "{globs:?}");
    c.send(Response::new_ok(registration.id, Value::Null));

    assert_eq!(codes(&c.open(&top, text)), ["SW501", "SW503"]);
    assert_eq!(codes(&c.open(&inner, text)), ["SW503"]);
    // The configuration changes on disk: both documents are checked again.
    std::fs::write(sub.join("slipway.toml"), "ignore = [\"SW503\"]\n").unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&sub.join("slipway.toml")), "type": 2}]}),
    );
    let mut republished = [c.diagnostics(&top), Value::Null];
    republished[1] = c.diagnostics(&inner);
    assert_eq!(codes(&republished[0]), ["SW501", "SW503"]);
    assert_eq!(codes(&republished[1]), ["SW501"]);
    // A bad configuration is reported on the document, and nothing else.
    std::fs::write(sub.join("slipway.toml"), "ignore = [\"no-such-rule\"]\n").unwrap();
    c.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": file_uri(&sub.join("slipway.toml"))}}),
    );
    let bad = loop {
        let p = c.diagnostics(&inner);
        if p["diagnostics"].as_array().unwrap().len() == 1 && p["diagnostics"][0]["code"].is_null()
        {
            break p;
        }
    };
    let message = bad["diagnostics"][0]["message"].as_str().unwrap();
    assert!(message.contains("no-such-rule"), "{message}");
    assert!(message.contains("slipway.toml:1:"), "{message}");
    assert_eq!(bad["diagnostics"][0]["severity"], 1);
    // Without a watcher, every check reads the configuration again.
    std::fs::write(sub.join("slipway.toml"), "").unwrap();
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": inner, "version": 2}, "contentChanges": [{"text": text}]}),
    );
    assert_eq!(codes(&c.diagnostics(&inner)), ["SW501", "SW503"]);
    c.finish();
}

#[test]
fn the_build_context_is_the_documents_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("slipway.toml"), "").unwrap();
    let uri = file_uri(&dir.path().join("Dockerfile"));
    let text = "FROM alpine:3.20\nCOPY . /app\n";
    let mut c = Client::start();
    assert_eq!(codes(&c.open(&uri, text)), ["SW327"]);
    std::fs::write(dir.path().join(".dockerignore"), ".git\n").unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&dir.path().join(".dockerignore")), "type": 1}]}),
    );
    assert_eq!(codes(&c.diagnostics(&uri)), Vec::<String>::new());
    c.finish();
}

// ---------------------------------------------------------------------------
// The binary, over its pipes.

/// A `slipway server` process and a thread reading its messages.
struct Process {
    child: std::process::Child,
    stdin: std::process::ChildStdin,
    messages: std::sync::mpsc::Receiver<Value>,
    /// Messages read while waiting for others.
    seen: Vec<Value>,
}

impl Process {
    fn spawn() -> Process {
        use std::process::{Command, Stdio};
        let mut child = Command::new(env!("CARGO_BIN_EXE_slipway"))
            .arg("server")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn slipway server");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let (tx, messages) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            while let Some(body) = read_frame(&mut stdout) {
                if tx
                    .send(serde_json::from_slice(&body).expect("JSON"))
                    .is_err()
                {
                    return;
                }
            }
        });
        Process {
            child,
            stdin,
            messages,
            seen: Vec::new(),
        }
    }

    fn write_raw(&mut self, body: &str) {
        use std::io::Write;
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn send(&mut self, message: Value) {
        let mut message = message;
        message["jsonrpc"] = json!("2.0");
        self.write_raw(&message.to_string());
    }

    /// The next message for which `pick` is true, within the deadline; a
    /// server that hangs is killed and the test fails.
    fn wait_for(&mut self, what: &str, pick: impl Fn(&Value) -> bool) -> Value {
        let start = std::time::Instant::now();
        loop {
            let left = DEADLINE.saturating_sub(start.elapsed());
            match self.messages.recv_timeout(left) {
                Ok(m) if pick(&m) => return m,
                Ok(m) => self.seen.push(m),
                Err(_) => {
                    let _ = self.child.kill();
                    panic!("no {what} within {DEADLINE:?}; seen {:#?}", self.seen);
                }
            }
        }
    }

    fn response(&mut self, id: i64) -> Value {
        self.wait_for(&format!("response {id}"), |m| {
            m["id"] == id && m.get("method").is_none()
        })
    }

    fn publish(&mut self, version: i64) -> Value {
        self.wait_for("publishDiagnostics", |m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == version
        })["params"]
            .clone()
    }

    /// The exit status, within the deadline.
    fn exit_code(mut self) -> i32 {
        drop(self.stdin);
        let start = std::time::Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().expect("exited, not killed");
            }
            if start.elapsed() > DEADLINE {
                let _ = self.child.kill();
                panic!("slipway server did not exit within {DEADLINE:?}");
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

/// One framed message body, `None` at the end of the output.
fn read_frame(r: &mut impl std::io::BufRead) -> Option<Vec<u8>> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            length = Some(v.parse::<usize>().expect("a length"));
        }
    }
    let mut body = vec![0; length.expect("Content-Length")];
    r.read_exact(&mut body).ok()?;
    Some(body)
}

#[test]
fn the_binary_speaks_lsp_over_its_pipes() {
    let dir = workspace();
    let uri = file_uri(&dir.path().join("Dockerfile"));
    let text = "FROM ubuntu:22.04\r\nRUN echo \"é🐳\" && apt-get install curl\r\n";
    let mut p = Process::spawn();
    p.send(
        json!({"id": 1, "method": "initialize", "params": {"capabilities": {}, "processId": null}}),
    );
    let init = p.response(1);
    assert_eq!(init["result"]["serverInfo"]["name"], "slipway");
    p.send(json!({"method": "initialized", "params": {}}));
    p.send(
        json!({"method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "dockerfile", "version": 1, "text": text}}}),
    );
    let published = p.publish(1);
    let yes = of_code(&published, "SW302")[0].clone();
    assert_eq!(yes["range"]["start"], json!({"line": 1, "character": 18}));
    // A message that is not JSON does not end the session.
    p.write_raw("{this is not json");
    let at = yes["range"]["start"].clone();
    p.send(
        json!({"id": 2, "method": "textDocument/codeAction", "params": {
        "textDocument": {"uri": uri}, "range": {"start": at, "end": at},
        "context": {"diagnostics": [yes], "only": ["quickfix"]}}}),
    );
    let actions = p.response(2);
    let titles: Vec<&str> = actions["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert!(titles.contains(&"Add `-y`"), "{actions:#}");
    p.send(json!({"method": "textDocument/didChange", "params": {
        "textDocument": {"uri": uri, "version": 2},
        "contentChanges": [{"text": "FROM ubuntu:22.04\r\nRUN apt-get install -y curl\r\n"}]}}));
    let published = p.publish(2);
    assert!(of_code(&published, "SW302").is_empty(), "{published:#}");
    p.send(json!({"id": 3, "method": "no/such/method"}));
    assert_eq!(p.response(3)["error"]["code"], -32601);
    p.send(json!({"id": 4, "method": "shutdown"}));
    assert_eq!(p.response(4)["result"], Value::Null);
    p.send(json!({"method": "exit"}));
    assert_eq!(p.exit_code(), 0);
}

#[test]
fn the_binary_exits_with_1_without_shutdown() {
    let mut p = Process::spawn();
    p.send(json!({"id": 1, "method": "initialize", "params": {"capabilities": {}}}));
    p.response(1);
    p.send(json!({"method": "exit"}));
    assert_eq!(p.exit_code(), 1);
    // Standard input closed without `exit`: the client is gone.
    let mut p = Process::spawn();
    p.send(json!({"id": 1, "method": "initialize", "params": {"capabilities": {}}}));
    p.response(1);
    assert_eq!(p.exit_code(), 1);
}
