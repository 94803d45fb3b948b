//! A `COPY` of a local archive that a later `RUN` extracts.

use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::rules::cache::{for_each_command, is, operands};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::shell::Command;
use crate::syntax::{Args, Keyword, Span};

/// The rule.
pub struct CopyArchiveThenExtract;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW411",
    name: "copy-archive-then-extract",
    category: Category::Size,
    severity: Severity::Info,
    fix: FixKind::None,
    hadolint: &["DL3010"],
    buildkit: &[],
    default_enabled: true,
    summary: "A local archive is copied, then extracted by `RUN`; `ADD` does both in one layer",
    doc: include_str!("../../../rules/copy-archive-then-extract.md"),
};

/// The archive extensions hadolint knows.
const EXTENSIONS: &[&str] = &[
    ".tar", ".Z", ".bz2", ".gz", ".lz", ".lzma", ".tZ", ".tb2", ".tbz", ".tbz2", ".tgz", ".tlz",
    ".tpz", ".txz", ".xz",
];

/// Commands that decompress their file operands.
const DECOMPRESSORS: &[&str] = &[
    "unzip",
    "gunzip",
    "bunzip2",
    "unlzma",
    "unxz",
    "zgz",
    "uncompress",
    "zcat",
    "gzcat",
];

/// The file name of a path, quotes dropped.
fn file_name(path: &str) -> &str {
    let p = path.trim_matches(|c| c == '"' || c == '\'');
    p.rsplit(['/', '\\']).next().unwrap_or(p)
}

fn is_archive(path: &str) -> bool {
    let p = path.trim_matches(|c| c == '"' || c == '\'');
    EXTENSIONS.iter().any(|e| p.ends_with(e))
}

/// `tar` in extract mode: `-x` (also in a cluster), `--extract`, `--get`,
/// or the old style `tar xzf`.
fn tar_extracts(cmd: &Command) -> bool {
    is(cmd, "tar")
        && cmd.args.iter().enumerate().any(|(i, w)| {
            let v = w.value.as_str();
            v == "--extract"
                || v == "--get"
                || (v.starts_with('-') && !v.starts_with("--") && v.contains('x'))
                || (i == 0
                    && !v.starts_with('-')
                    && v.contains('x')
                    && v.chars().all(|c| c.is_ascii_alphabetic()))
        })
}

/// The file names an extracting command works on.
fn extracted_names(cmd: &Command) -> Vec<String> {
    let tar = tar_extracts(cmd);
    if !tar && !cmd.basename().is_some_and(|n| DECOMPRESSORS.contains(&n)) {
        return Vec::new();
    }
    let mut names: Vec<String> = operands(cmd, &[], &[])
        .iter()
        .map(|w| file_name(&w.value).to_string())
        .collect();
    if tar && let Some(f) = cmd.option_str(&["-f", "--file"]) {
        names.push(file_name(f).to_string());
    }
    names
}

impl Rule for CopyArchiveThenExtract {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        // Archives copied in the current stage: (file name, where, COPY).
        let mut copied: Vec<(String, Span)> = Vec::new();
        for (i, inst) in cx.instructions() {
            match inst.keyword {
                Keyword::From => copied.clear(),
                Keyword::Copy if inst.flag("from").is_none() && inst.heredocs.is_empty() => {
                    let words = match &inst.args {
                        Args::Words(w) | Args::Exec(w) => w,
                        _ => continue,
                    };
                    let Some((dest, sources)) = words.split_last() else {
                        continue;
                    };
                    if sources.is_empty() {
                        continue;
                    }
                    if is_archive(&dest.value) {
                        copied.push((file_name(&dest.value).to_string(), dest.span));
                    } else {
                        for s in sources.iter().filter(|s| is_archive(&s.value)) {
                            copied.push((file_name(&s.value).to_string(), s.span));
                        }
                    }
                }
                Keyword::Run if !copied.is_empty() => {
                    let mut extracted: Vec<(String, Span)> = Vec::new();
                    for_each_command(cx, i, |cmd| {
                        for name in extracted_names(cmd) {
                            extracted.push((name, cmd.span));
                        }
                    });
                    copied.retain(|(name, span)| {
                        let Some((_, by)) = extracted.iter().find(|(n, _)| n == name) else {
                            return true;
                        };
                        let mut d = cx.diag(
                            &META,
                            *span,
                            format!("`{name}` is copied, then extracted by a RUN: the image keeps both; ADD extracts a local archive in one layer"),
                        );
                        d.labels.push(Label {
                            span: *by,
                            message: "extracted here".to_string(),
                        });
                        out.push(d);
                        false
                    });
                }
                _ => {}
            }
        }
    }
}
