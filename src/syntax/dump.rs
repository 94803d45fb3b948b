//! Views of the tree in the shapes other tools print, for conformance testing
//! and for people debugging a Dockerfile (`slipway parse`).
//!
//! * [`oracle`]: one record per instruction with the fields of the Python
//!   `dockerfile` package (`cmd`, `sub_cmd`, `json`, `original`, `start_line`,
//!   `end_line`, `flags`, `value`, `heredocs`);
//! * [`buildkit_dump`]: BuildKit's own `Node.Dump()` S-expressions, the format of
//!   its parser test fixtures.

use super::ast::*;
use super::lex::{go_quote, is_go_space, is_split_space};
use serde::Serialize;

/// One instruction in the shape of the official parser's Python binding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct OracleInstruction {
    /// The keyword as written; `null` when the line holds no keyword.
    pub cmd: Option<String>,
    /// For `ONBUILD`, the wrapped keyword as written.
    pub sub_cmd: Option<String>,
    /// Exec (JSON) form.
    pub json: bool,
    /// The logical line; `null` when the line holds no keyword.
    pub original: Option<String>,
    /// 1-based first line.
    pub start_line: usize,
    /// 1-based last line.
    pub end_line: usize,
    /// Flags, verbatim.
    pub flags: Vec<String>,
    /// Arguments.
    pub value: Vec<String>,
    /// Heredocs.
    pub heredocs: Vec<OracleHeredoc>,
}

/// A heredoc in the binding's shape.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct OracleHeredoc {
    /// Delimiter.
    pub name: String,
    /// File descriptor.
    pub file_descriptor: u32,
    /// Body.
    pub content: String,
}

/// The keyword text of a logical line, as written.
fn keyword_text(original: &str) -> &str {
    let t = original.trim_matches(is_go_space);
    t.split(is_split_space).next().unwrap_or("")
}

/// The flat argument values BuildKit's node chain holds (without `ENV` separators).
fn values(inst: &Instruction, with_separators: bool) -> Vec<String> {
    fn args(a: &Args, kw: Keyword, sep: bool, out: &mut Vec<String>) {
        match a {
            Args::Empty if kw == Keyword::Unknown => out.push(String::new()),
            Args::Empty => {}
            Args::Exec(w) | Args::Words(w) => out.extend(w.iter().map(|w| w.value.to_string())),
            Args::Text(w) => out.push(w.value.to_string()),
            Args::Pairs(p) => {
                for kv in p {
                    out.push(kv.key.value.to_string());
                    out.push(kv.value.value.to_string());
                    if sep {
                        out.push(if kv.equals { "=" } else { "" }.to_string());
                    }
                }
            }
            Args::Healthcheck { kind, command } => {
                out.push(kind.value.to_string());
                args(command, kw, sep, out);
            }
            Args::Onbuild(inner) => args(&inner.args, inner.keyword, sep, out),
        }
    }
    let mut out = Vec::new();
    args(&inst.args, inst.keyword, with_separators, &mut out);
    out
}

/// The binding's `original`: the logical line, then for each heredoc its body
/// and its delimiter, after a line break.
fn original_with_heredocs(inst: &Instruction) -> String {
    let mut s = inst.original.clone();
    if !inst.heredocs.is_empty() {
        s.push('\n');
        for h in &inst.heredocs {
            s.push_str(&h.content);
            s.push_str(&h.name);
            s.push('\n');
        }
    }
    s
}

/// The binding's view of every instruction.
pub fn oracle(df: &Dockerfile) -> Vec<OracleInstruction> {
    df.instructions
        .iter()
        .map(|inst| {
            let cmd = keyword_text(&inst.original);
            let sub = match &inst.args {
                Args::Onbuild(inner) => Some(keyword_text(&inner.original).to_string()),
                _ => None,
            };
            OracleInstruction {
                cmd: (!cmd.is_empty()).then(|| cmd.to_string()),
                json: inst.effective().is_exec_form(),
                original: (!cmd.is_empty()).then(|| original_with_heredocs(inst)),
                start_line: inst.start_line,
                end_line: inst.end_line,
                flags: inst.flags.iter().map(|f| f.raw.to_string()).collect(),
                value: values(inst, false),
                // The binding reads heredocs from the wrapped node of an ONBUILD,
                // where BuildKit does not put them.
                heredocs: if sub.is_some() {
                    Vec::new()
                } else {
                    inst.heredocs
                        .iter()
                        .map(|h| OracleHeredoc {
                            name: h.name.clone(),
                            file_descriptor: h.fd,
                            content: h.content.clone(),
                        })
                        .collect()
                },
                sub_cmd: sub,
            }
        })
        .collect()
}

fn dump_node(inst: &Instruction) -> String {
    let mut s = keyword_text(&inst.original).to_lowercase();
    if !inst.flags.is_empty() {
        let quoted: Vec<String> = inst.flags.iter().map(|f| go_quote(&f.raw)).collect();
        s.push_str(&format!(" [{}]", quoted.join(" ")));
    }
    if let Args::Onbuild(inner) = &inst.args {
        s.push_str(&format!(" ({})", dump_node(inner)));
        return s.trim_matches(is_go_space).to_string();
    }
    for v in values(inst, true) {
        s.push(' ');
        s.push_str(&go_quote(&v));
    }
    s.trim_matches(is_go_space).to_string()
}

/// BuildKit's `Dump()` of the whole file: one `(...)` form per instruction,
/// each followed by a line break.
pub fn buildkit_dump(df: &Dockerfile) -> String {
    let mut out = String::new();
    for inst in &df.instructions {
        out.push('(');
        out.push_str(&dump_node(inst));
        out.push_str(")\n");
    }
    out
}
