//! `ADD` used where `COPY` does the job: local files and folders.

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::syntax::{Args, Keyword};

/// The rule.
pub struct AddForLocalFiles;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW503",
    name: "add-for-local-files",
    category: Category::Style,
    severity: Severity::Error,
    fix: FixKind::Unsafe,
    hadolint: &["DL3020"],
    buildkit: &[],
    default_enabled: true,
    summary: "`ADD` copies local files; use `COPY`",
    doc: include_str!("../../../rules/add-for-local-files.md"),
};

/// File name endings of the archives `ADD` extracts (hadolint's list).
const ARCHIVE_SUFFIXES: &[&str] = &[
    ".tar", ".Z", ".bz2", ".gz", ".lz", ".lzma", ".tZ", ".tb2", ".tbz", ".tbz2", ".tgz", ".tlz",
    ".tpz", ".txz", ".xz",
];

/// Whether an `ADD` source is something only `ADD` handles: a URL, a Git
/// repository, or a local archive it extracts.
fn needs_add(source: &str) -> bool {
    let s = source.trim_matches(['"', '\'']);
    s.starts_with("http://")
        || s.starts_with("https://")
        || s.starts_with("git@")
        || s.starts_with("git://")
        || s.starts_with("ssh://")
        || ARCHIVE_SUFFIXES.iter().any(|x| s.ends_with(x))
}

/// The flags `COPY` also has.
const COPY_FLAGS: &[&str] = &["chown", "chmod", "link", "exclude"];

impl Rule for AddForLocalFiles {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (_, inst) in cx.instructions() {
            let (Keyword::Add, Args::Words(words) | Args::Exec(words)) = (inst.keyword, &inst.args)
            else {
                continue;
            };
            let Some((_, sources)) = words.split_last() else {
                continue;
            };
            if sources.is_empty() || sources.iter().all(|w| needs_add(&w.value)) {
                continue;
            }
            let mut d = cx.diag(
                &META,
                inst.keyword_span,
                "ADD copies local files here: use COPY, which does not download or extract",
            );
            if inst
                .flags
                .iter()
                .all(|f| COPY_FLAGS.contains(&f.name.as_str()))
            {
                let kw = cx.text(inst.keyword_span);
                let copy = if kw == kw.to_ascii_lowercase() {
                    "copy"
                } else {
                    "COPY"
                };
                d.fix = Some(Fix::new(
                    "Replace ADD with COPY",
                    Applicability::Unsafe,
                    vec![Edit {
                        span: inst.keyword_span,
                        replacement: copy.to_string(),
                    }],
                ));
            }
            out.push(d);
        }
    }
}
