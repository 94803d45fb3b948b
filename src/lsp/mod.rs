//! The language server: `slipway server` speaks LSP over standard input and
//! output.
//!
//! * Diagnostics are published on `didOpen`, `didChange` (incremental sync)
//!   and `didSave`, with ranges in UTF-16 code units ([`text`]).
//! * Each document is checked with the configuration that applies to its
//!   path, found as the command line finds it (a fresh
//!   [`Resolver`] for every round of checking, so an edited `slipway.toml`
//!   counts at the next check); the build context of `.dockerignore`-aware
//!   rules is the document's directory. Changes to configuration and ignore
//!   files, seen through `workspace/didChangeWatchedFiles` (registered when
//!   the client can) or a save, check every open document again.
//! * Code actions ([`actions`]) and hover over a finding (its rule's
//!   document).
//!
//! One thread handles the messages in order. Notifications only record what
//! changed; when no message is waiting, every document that changed is
//! checked and its diagnostics published, so a burst of edits is checked
//! once. A request that needs a document's findings checks it first.
//!
//! Nothing a client sends stops the server but `exit`: a message that is
//! not JSON-RPC is logged (or answered, when it has an id), an unknown
//! request is answered with `MethodNotFound` and an unknown notification
//! ignored, bad parameters are answered with `InvalidParams`, a request
//! about a document that is not open with an error, and a panic while
//! handling a message is caught and answered (or logged).

mod actions;
mod convert;
mod text;
mod transport;

use crate::FileInfo;
use crate::config::discover::{HADOLINT_NAMES, SLIPWAY_NAMES};
use crate::config::{ConfigError, Overrides, Resolved, Resolver};
use crate::diagnostic::Diagnostic;
use crate::settings::Settings;
use lsp_server::{
    Connection, ErrorCode, Message, Notification, Request, RequestId, Response, ResponseError,
};
use lsp_types::{
    CodeActionOptions, CodeActionParams, CodeActionProviderCapability, DidChangeTextDocumentParams,
    DidChangeWatchedFilesParams, DidChangeWatchedFilesRegistrationOptions,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams,
    FileSystemWatcher, GlobPattern, Hover, HoverContents, HoverParams, HoverProviderCapability,
    InitializeParams, InitializeResult, LogMessageParams, MarkupContent, MarkupKind, MessageType,
    PositionEncodingKind, PublishDiagnosticsParams, Registration, RegistrationParams, SaveOptions,
    ServerCapabilities, ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri,
};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use text::LineIndex;

/// How a session ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// `exit` after `shutdown`: exit code 0.
    Clean,
    /// `exit` without `shutdown`, or the client went away: exit code 1.
    Abrupt,
}

impl Ending {
    /// The process exit code LSP asks for.
    pub fn code(self) -> u8 {
        match self {
            Ending::Clean => 0,
            Ending::Abrupt => 1,
        }
    }
}

/// Serve one client over standard input and output until it exits.
pub fn run_stdio() -> Ending {
    let (connection, writer) = transport::stdio();
    let ending = serve(connection);
    // Every message queued is written before the process ends.
    let _ = writer.join();
    ending
}

/// Serve one client over `connection` until it sends `exit` or goes away.
pub fn serve(connection: Connection) -> Ending {
    Server::new(connection, crate::lint_file).run()
}

/// What checks a text (the linter; a test may give another).
type Linter = fn(&str, &Settings, FileInfo<'_>) -> Vec<Diagnostic>;

/// Where the session is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Before `initialize`.
    Starting,
    /// Between `initialize` and `shutdown`.
    Running,
    /// After `shutdown`: only `exit` is expected.
    ShutDown,
}

/// An open document.
pub(crate) struct Document {
    version: i32,
    text: String,
    index: LineIndex,
    /// The file, for a `file:` URI.
    path: Option<PathBuf>,
    /// Its findings for this version; `None` when it changed since.
    linted: Option<Linted>,
}

/// What checking a document gave.
pub(crate) struct Linted {
    /// Slipway's findings, in order.
    diagnostics: Vec<Diagnostic>,
    /// The same as LSP diagnostics, one for one (a configuration error is
    /// one more, at the end).
    lsp: Vec<lsp_types::Diagnostic>,
    /// The settings used; `None` when the configuration is bad.
    settings: Option<Arc<Resolved>>,
    /// Why checking failed (a panic), if it did.
    failed: Option<String>,
}

struct Server {
    connection: Connection,
    lint: Linter,
    phase: Phase,
    /// The client registers file watchers for us.
    can_watch: bool,
    /// The first workspace folder, for documents that are not files.
    root: Option<PathBuf>,
    documents: HashMap<Uri, Document>,
    /// The id of the next request sent to the client.
    next_id: i32,
}

type Reply = Result<Value, ResponseError>;

fn error(code: ErrorCode, message: impl Into<String>) -> ResponseError {
    ResponseError {
        code: code as i32,
        message: message.into(),
        data: None,
    }
}

fn params<P: DeserializeOwned>(value: Value) -> Result<P, ResponseError> {
    serde_json::from_value(value)
        .map_err(|e| error(ErrorCode::InvalidParams, format!("invalid params: {e}")))
}

/// A panic's message.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_string())
}

impl Server {
    fn new(connection: Connection, lint: Linter) -> Server {
        Server {
            connection,
            lint,
            phase: Phase::Starting,
            can_watch: false,
            root: None,
            documents: HashMap::new(),
            next_id: 1,
        }
    }

    fn run(mut self) -> Ending {
        loop {
            let message = match self.connection.receiver.try_recv() {
                Ok(m) => m,
                Err(e) if e.is_empty() => {
                    self.publish_changed();
                    match self.connection.receiver.recv() {
                        Ok(m) => m,
                        Err(_) => return Ending::Abrupt,
                    }
                }
                Err(_) => return Ending::Abrupt,
            };
            match message {
                Message::Request(r) => self.on_request(r),
                Message::Notification(n) if n.method == "exit" => {
                    return if self.phase == Phase::ShutDown {
                        Ending::Clean
                    } else {
                        Ending::Abrupt
                    };
                }
                Message::Notification(n) => self.on_notification(n),
                // Answers to our `client/registerCapability`: nothing to do.
                Message::Response(_) => {}
            }
        }
    }

    fn send(&self, message: impl Into<Message>) {
        // The client gone, the next receive ends the loop.
        let _ = self.connection.sender.send(message.into());
    }

    fn notify(&self, method: &str, params: impl serde::Serialize) {
        self.send(Notification::new(method.to_string(), params));
    }

    fn log(&self, typ: MessageType, message: String) {
        self.notify("window/logMessage", LogMessageParams { typ, message });
    }

    fn on_request(&mut self, request: Request) {
        let id = request.id.clone();
        let method = request.method.clone();
        let reply = catch_unwind(AssertUnwindSafe(|| self.handle_request(request))).unwrap_or_else(
            |panic| {
                let message = format!("slipway failed on {method}: {}", panic_message(&*panic));
                self.log(MessageType::ERROR, message.clone());
                Err(error(ErrorCode::InternalError, message))
            },
        );
        self.send(Response {
            id,
            response_result: reply,
        });
    }

    fn handle_request(&mut self, request: Request) -> Reply {
        let Request {
            method, params: p, ..
        } = request;
        match (self.phase, method.as_str()) {
            (Phase::Starting, "initialize") => self.initialize(params(p)?),
            (Phase::Starting, _) => Err(error(
                ErrorCode::ServerNotInitialized,
                "the server is not initialized",
            )),
            (Phase::ShutDown, _) => Err(error(
                ErrorCode::InvalidRequest,
                "the server is shut down: only `exit` is expected",
            )),
            (Phase::Running, "initialize") => Err(error(
                ErrorCode::InvalidRequest,
                "the server is already initialized",
            )),
            (Phase::Running, "shutdown") => {
                self.phase = Phase::ShutDown;
                Ok(Value::Null)
            }
            (Phase::Running, "textDocument/codeAction") => self.code_action(params(p)?),
            (Phase::Running, "textDocument/hover") => self.hover(params(p)?),
            (Phase::Running, _) => Err(error(
                ErrorCode::MethodNotFound,
                format!("unknown method {method}"),
            )),
        }
    }

    fn on_notification(&mut self, n: Notification) {
        if self.phase != Phase::Running && n.method != transport::MALFORMED {
            return;
        }
        let method = n.method.clone();
        let outcome = catch_unwind(AssertUnwindSafe(|| self.handle_notification(n)));
        let problem = match outcome {
            Ok(Ok(())) => return,
            Ok(Err(e)) => e.message,
            Err(panic) => format!("slipway failed on {method}: {}", panic_message(&*panic)),
        };
        self.log(MessageType::ERROR, problem);
    }

    fn handle_notification(&mut self, n: Notification) -> Result<(), ResponseError> {
        let Notification { method, params: p } = n;
        match method.as_str() {
            "initialized" => self.register_watchers(),
            "textDocument/didOpen" => {
                let p: DidOpenTextDocumentParams = params(p)?;
                let doc = p.text_document;
                if is_settings_file(&doc.uri) {
                    return Ok(());
                }
                let path = file_path(&doc.uri);
                self.documents.insert(
                    doc.uri,
                    Document {
                        version: doc.version,
                        index: LineIndex::new(&doc.text),
                        text: doc.text,
                        path,
                        linted: None,
                    },
                );
            }
            "textDocument/didChange" => {
                let p: DidChangeTextDocumentParams = params(p)?;
                let uri = p.text_document.uri;
                let Some(doc) = self.documents.get_mut(&uri) else {
                    return if is_settings_file(&uri) {
                        Ok(())
                    } else {
                        Err(not_open(&uri))
                    };
                };
                for change in p.content_changes {
                    text::apply_change(&mut doc.text, change);
                    doc.index = LineIndex::new(&doc.text);
                }
                doc.version = p.text_document.version;
                doc.linted = None;
            }
            "textDocument/didSave" => {
                let p: DidSaveTextDocumentParams = params(p)?;
                if is_settings_file(&p.text_document.uri) {
                    self.settings_changed();
                } else if let Some(doc) = self.documents.get_mut(&p.text_document.uri) {
                    // The configuration is read again at the next check.
                    doc.linted = None;
                }
            }
            "textDocument/didClose" => {
                let p: DidCloseTextDocumentParams = params(p)?;
                if self.documents.remove(&p.text_document.uri).is_some() {
                    self.notify(
                        "textDocument/publishDiagnostics",
                        PublishDiagnosticsParams::new(p.text_document.uri, Vec::new(), None),
                    );
                }
            }
            "workspace/didChangeWatchedFiles" => {
                let p: DidChangeWatchedFilesParams = params(p)?;
                if p.changes.iter().any(|c| is_settings_file(&c.uri)) {
                    self.settings_changed();
                }
            }
            "workspace/didChangeConfiguration" => self.settings_changed(),
            transport::MALFORMED => {
                let m: transport::Malformed = params(p)?;
                let message = format!("ignored a message that is not valid: {}", m.error);
                match m.id {
                    Some(id) => self.send(Response {
                        id,
                        response_result: Err(error(ErrorCode::InvalidRequest, message)),
                    }),
                    None => self.log(MessageType::WARNING, message),
                }
            }
            // Other notifications (`$/cancelRequest`, `$/setTrace`, ...) are
            // not needed: requests are answered in order, at once.
            _ => {}
        }
        Ok(())
    }

    fn initialize(&mut self, p: InitializeParams) -> Reply {
        self.can_watch = p
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        #[allow(deprecated)]
        let root_uri = p.root_uri.clone();
        self.root = p
            .workspace_folders
            .iter()
            .flatten()
            .map(|f| &f.uri)
            .chain(root_uri.as_ref())
            .find_map(file_path);
        self.phase = Phase::Running;
        let capabilities = ServerCapabilities {
            position_encoding: Some(PositionEncodingKind::UTF16),
            text_document_sync: Some(TextDocumentSyncCapability::Options(
                TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                        include_text: Some(false),
                    })),
                    ..TextDocumentSyncOptions::default()
                },
            )),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(actions::kinds()),
                ..CodeActionOptions::default()
            })),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            ..ServerCapabilities::default()
        };
        let result = InitializeResult {
            capabilities,
            server_info: Some(ServerInfo {
                name: "slipway".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
        };
        Ok(serde_json::to_value(result).expect("serializable"))
    }

    /// Ask the client to tell us about configuration and ignore files.
    fn register_watchers(&mut self) {
        if !self.can_watch {
            return;
        }
        let names = SLIPWAY_NAMES
            .iter()
            .chain(HADOLINT_NAMES)
            .chain(&[".dockerignore", "*.dockerignore"]);
        let watchers = names
            .map(|n| FileSystemWatcher {
                glob_pattern: GlobPattern::String(format!("**/{n}")),
                kind: None,
            })
            .collect();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        let registration = Registration {
            id: "slipway-settings-files".to_string(),
            method: "workspace/didChangeWatchedFiles".to_string(),
            register_options: Some(serde_json::to_value(options).expect("serializable")),
        };
        let id = RequestId::from(format!("slipway-{}", self.next_id));
        self.next_id += 1;
        self.send(Request::new(
            id,
            "client/registerCapability".to_string(),
            RegistrationParams {
                registrations: vec![registration],
            },
        ));
    }

    /// A configuration or ignore file changed: check everything again.
    fn settings_changed(&mut self) {
        for doc in self.documents.values_mut() {
            doc.linted = None;
        }
    }

    /// Check every document that changed and publish its diagnostics.
    fn publish_changed(&mut self) {
        let mut changed: Vec<Uri> = self
            .documents
            .iter()
            .filter(|(_, d)| d.linted.is_none())
            .map(|(u, _)| u.clone())
            .collect();
        if changed.is_empty() {
            return;
        }
        changed.sort();
        let resolver = Resolver::discover(Overrides::default());
        for uri in changed {
            self.check(&uri, &resolver);
        }
    }

    /// Check one document and publish its diagnostics.
    fn check(&mut self, uri: &Uri, resolver: &Resolver) {
        let Some(doc) = self.documents.get_mut(uri) else {
            return;
        };
        let (lint, root) = (self.lint, self.root.as_deref());
        let linted = catch_unwind(AssertUnwindSafe(|| check(uri, doc, resolver, root, lint)))
            .unwrap_or_else(|panic| Linted {
                diagnostics: Vec::new(),
                lsp: Vec::new(),
                settings: None,
                failed: Some(panic_message(&*panic)),
            });
        let failed = linted.failed.clone();
        let params =
            PublishDiagnosticsParams::new(uri.clone(), linted.lsp.clone(), Some(doc.version));
        doc.linted = Some(linted);
        if let Some(why) = failed {
            self.log(
                MessageType::ERROR,
                format!("slipway failed checking {}: {why}", uri.as_str()),
            );
        }
        self.notify("textDocument/publishDiagnostics", params);
    }

    /// The open document `uri`, checked.
    fn checked(&mut self, uri: &Uri) -> Result<&Document, ResponseError> {
        let stale = match self.documents.get(uri) {
            None => return Err(not_open(uri)),
            Some(doc) => doc.linted.is_none(),
        };
        if stale {
            self.check(uri, &Resolver::discover(Overrides::default()));
        }
        let doc = &self.documents[uri];
        match doc.linted.as_ref().and_then(|l| l.failed.as_ref()) {
            Some(why) => Err(error(
                ErrorCode::InternalError,
                format!("slipway failed checking this document: {why}"),
            )),
            None => Ok(doc),
        }
    }

    fn code_action(&mut self, p: CodeActionParams) -> Reply {
        let uri = p.text_document.uri;
        let doc = self.checked(&uri)?;
        let found = actions::actions(&uri, doc, p.range, p.context.only.as_deref());
        Ok(serde_json::to_value(found).expect("serializable"))
    }

    fn hover(&mut self, p: HoverParams) -> Reply {
        let at = p.text_document_position_params;
        let doc = self.checked(&at.text_document.uri)?;
        let offset = doc.index.offset(&doc.text, at.position);
        let Some(linted) = &doc.linted else {
            return Ok(Value::Null);
        };
        let found: Vec<&Diagnostic> = linted
            .diagnostics
            .iter()
            .filter(|d| convert::covers(d, offset))
            .collect();
        let Some(first) = found.first() else {
            return Ok(Value::Null);
        };
        let hover = Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: convert::hover_markdown(&found),
            }),
            range: Some(doc.index.range(&doc.text, first.span.start, first.span.end)),
        };
        Ok(serde_json::to_value(hover).expect("serializable"))
    }
}

fn not_open(uri: &Uri) -> ResponseError {
    error(
        ErrorCode::InvalidParams,
        format!("no open document {}", uri.as_str()),
    )
}

/// Check a document with the settings of its path.
fn check(
    uri: &Uri,
    doc: &Document,
    resolver: &Resolver,
    root: Option<&Path>,
    lint: Linter,
) -> Linted {
    let settings: Result<Arc<Resolved>, Arc<ConfigError>> = match &doc.path {
        Some(path) => resolver.for_file(path),
        None => resolver.for_dir(root.unwrap_or(Path::new(""))),
    };
    let resolved = match settings {
        Ok(r) => r,
        Err(e) => {
            return Linted {
                diagnostics: Vec::new(),
                lsp: vec![convert::config_error(&e, &doc.text, &doc.index)],
                settings: None,
                failed: None,
            };
        }
    };
    let (ignore, context) = surroundings(doc.path.as_deref());
    let info = FileInfo {
        dockerignore: ignore.as_deref(),
        context: context.as_deref(),
    };
    let diagnostics = lint(&doc.text, &resolved.settings, info);
    let lsp = diagnostics
        .iter()
        .map(|d| convert::diagnostic(d, uri, &doc.text, &doc.index))
        .collect();
    Linted {
        diagnostics,
        lsp,
        settings: Some(resolved),
        failed: None,
    }
}

/// The `.dockerignore` patterns and the build context of the Dockerfile at
/// `path`: its directory is the context, as for the command line.
fn surroundings(path: Option<&Path>) -> (Option<Vec<String>>, Option<PathBuf>) {
    let Some(path) = path else {
        return (None, None);
    };
    let ignore = crate::model::dockerignore::find_for(path)
        .map(|(_, text)| crate::model::dockerignore::patterns(&text));
    (ignore, path.parent().map(Path::to_path_buf))
}

/// Whether a change to this file changes how Dockerfiles are checked: a
/// configuration file or a `.dockerignore`.
fn is_settings_file(uri: &Uri) -> bool {
    let path = uri.as_str().split(['?', '#']).next().unwrap_or("");
    let name = path.rsplit('/').next().unwrap_or("");
    let name = percent_decode(name.as_bytes());
    let name = String::from_utf8_lossy(&name);
    SLIPWAY_NAMES.contains(&&*name)
        || HADOLINT_NAMES.contains(&&*name)
        || name.ends_with(".dockerignore")
}

/// The path of a `file:` URI (`file:///a/b`, `file://localhost/a/b`).
fn file_path(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str();
    let (scheme, rest) = s.split_once(':')?;
    if !scheme.eq_ignore_ascii_case("file") {
        return None;
    }
    let rest = rest.split(['?', '#']).next()?;
    let path = match rest.strip_prefix("//") {
        Some(authority_and_path) => {
            let slash = authority_and_path.find('/')?;
            let host = &authority_and_path[..slash];
            if !(host.is_empty() || host.eq_ignore_ascii_case("localhost")) {
                return None;
            }
            &authority_and_path[slash..]
        }
        None => rest,
    };
    let bytes = percent_decode(path.as_bytes());
    bytes_to_path(bytes)
}

#[cfg(unix)]
fn bytes_to_path(bytes: Vec<u8>) -> Option<PathBuf> {
    use std::os::unix::ffi::OsStringExt;
    Some(PathBuf::from(std::ffi::OsString::from_vec(bytes)))
}

#[cfg(not(unix))]
fn bytes_to_path(bytes: Vec<u8>) -> Option<PathBuf> {
    let s = String::from_utf8(bytes).ok()?;
    // `/C:/x` is `C:\x`.
    let s = match s.as_bytes() {
        [b'/', drive, b':', ..] if drive.is_ascii_alphabetic() => &s[1..],
        _ => &s[..],
    };
    Some(PathBuf::from(s.replace('/', "\\")))
}

fn percent_decode(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if s[i] == b'%'
            && let (Some(h), Some(l)) = (
                s.get(i + 1).copied().and_then(hex),
                s.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(s[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::time::Duration;

    fn uri(s: &str) -> Uri {
        s.parse().unwrap()
    }

    #[test]
    fn file_uris_to_paths() {
        let path = |s: &str| file_path(&uri(s));
        assert_eq!(
            path("file:///a/b%20c/Dockerfile"),
            Some("/a/b c/Dockerfile".into())
        );
        assert_eq!(path("file://localhost/a/%C3%A9"), Some("/a/é".into()));
        assert_eq!(path("FILE:///x?q#f"), Some("/x".into()));
        assert_eq!(path("file://server/share/x"), None);
        assert_eq!(path("untitled:Untitled-1"), None);
        assert!(is_settings_file(&uri("file:///p/slipway.toml")));
        assert!(is_settings_file(&uri("file:///p/.hadolint.yaml")));
        assert!(is_settings_file(&uri(
            "file:///p/web.Dockerfile.dockerignore"
        )));
        assert!(!is_settings_file(&uri("file:///p/Dockerfile")));
    }

    /// A linter that panics on a file containing `PANIC`.
    fn fragile(text: &str, settings: &Settings, info: FileInfo<'_>) -> Vec<Diagnostic> {
        assert!(!text.contains("PANIC"), "a bug in a rule");
        crate::lint_file(text, settings, info)
    }

    struct Client {
        connection: Connection,
        server: std::thread::JoinHandle<Ending>,
    }

    impl Client {
        fn start() -> Client {
            let (server, connection) = Connection::memory();
            let server = std::thread::spawn(move || Server::new(server, fragile).run());
            let client = Client { connection, server };
            client.send(transport_request(
                1,
                "initialize",
                json!({"capabilities": {}}),
            ));
            client.receive();
            client.send(Notification::new("initialized".to_string(), json!({})));
            client
        }

        fn send(&self, m: impl Into<Message>) {
            self.connection.sender.send(m.into()).unwrap();
        }

        fn receive(&self) -> Message {
            self.connection
                .receiver
                .recv_timeout(Duration::from_secs(30))
                .expect("the server answers")
        }

        /// The next message that is not a log message, and the log messages
        /// before it.
        fn next(&self) -> (Message, Vec<String>) {
            let mut logs = Vec::new();
            loop {
                match self.receive() {
                    Message::Notification(n) if n.method == "window/logMessage" => {
                        logs.push(n.params["message"].as_str().unwrap().to_string());
                    }
                    m => return (m, logs),
                }
            }
        }

        fn open(&self, text: &str) {
            self.send(Notification::new(
                "textDocument/didOpen".to_string(),
                json!({"textDocument": {"uri": "untitled:a", "languageId": "dockerfile",
                    "version": 1, "text": text}}),
            ));
        }
    }

    fn transport_request(id: i32, method: &str, params: Value) -> Request {
        Request::new(id.into(), method.to_string(), params)
    }

    #[test]
    fn a_panic_while_checking_is_reported_and_the_server_goes_on() {
        let client = Client::start();
        client.open("FROM alpine:3.20\nRUN echo PANIC\n");
        let (published, logs) = client.next();
        let Message::Notification(n) = published else {
            panic!("{published:?}")
        };
        assert_eq!(n.method, "textDocument/publishDiagnostics");
        assert_eq!(n.params["diagnostics"], json!([]));
        assert!(
            logs.iter().any(|l| l.contains("a bug in a rule")),
            "{logs:?}"
        );
        // A request about the document is answered with an error.
        client.send(transport_request(
            2,
            "textDocument/hover",
            json!({"textDocument": {"uri": "untitled:a"}, "position": {"line": 0, "character": 0}}),
        ));
        let (reply, _) = client.next();
        let Message::Response(r) = reply else {
            panic!("{reply:?}")
        };
        let e = r.response_result.unwrap_err();
        assert_eq!(e.code, ErrorCode::InternalError as i32);
        assert!(e.message.contains("a bug in a rule"), "{e:?}");
        // The document fixed, it is checked again.
        client.send(Notification::new(
            "textDocument/didChange".to_string(),
            json!({"textDocument": {"uri": "untitled:a", "version": 2},
                "contentChanges": [{"text": "FROM alpine:3.20\nMAINTAINER me\n"}]}),
        ));
        let (published, _) = client.next();
        let Message::Notification(n) = published else {
            panic!("{published:?}")
        };
        assert_eq!(n.params["version"], 2);
        assert_eq!(n.params["diagnostics"][0]["code"], "SW501", "{n:?}");
        client.send(Notification::new("exit".to_string(), Value::Null));
        assert_eq!(client.server.join().unwrap(), Ending::Abrupt);
    }
}
