//! `ADD https://...` without `--checksum`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::correctness::copy_paths;
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::syntax::Keyword;

/// The rule.
pub struct AddRemoteWithoutChecksum;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW326",
    name: "add-remote-without-checksum",
    category: Category::Reproducibility,
    severity: Severity::Warning,
    fix: FixKind::None,
    hadolint: &[],
    buildkit: &[],
    default_enabled: true,
    summary: "`ADD` of a URL without `--checksum`",
    doc: include_str!("../../../rules/add-remote-without-checksum.md"),
};

/// Whether `ADD` reads `source` as an HTTP download (a Git repository URL
/// is cloned instead: BuildKit takes an HTTP URL for a repository when its
/// path ends in `.git`, before a `#ref` or a `?ref=` query).
fn is_http_download(source: &str) -> bool {
    let lower = source.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return false;
    }
    let path = lower.split(['#', '?']).next().unwrap_or(&lower);
    !path.ends_with(".git")
}

impl Rule for AddRemoteWithoutChecksum {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (i, inst) in cx.instructions_of(Keyword::Add) {
            let add = inst.effective();
            if add.flag("checksum").is_some() {
                continue;
            }
            let paths = copy_paths(add);
            let [sources @ .., _dest] = paths.as_slice() else {
                continue;
            };
            for src in sources {
                let url = if is_http_download(&src.value) {
                    src.value.to_string()
                } else if src.value.contains('$') {
                    // `ADD ${URL} /x`: judged by the value the build sees.
                    match cx.model.expand(&src.value, i) {
                        Ok(e) if e.unset.is_empty() && is_http_download(&e.value) => e.value,
                        _ => continue,
                    }
                } else {
                    continue;
                };
                let mut d = cx.diag(
                    &META,
                    src.span,
                    format!(
                        "`ADD` downloads `{url}` without checking what it gets: the file can change or be tampered with between builds"
                    ),
                );
                d.help = Some(
                    "pin its digest with `ADD --checksum=sha256:<digest>`, or download it with `RUN curl` and check the digest with `sha256sum -c`".to_string(),
                );
                out.push(d);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_http_download;

    #[test]
    fn tells_downloads_from_git_repositories() {
        assert!(is_http_download("https://example.com/tool.tar.gz"));
        assert!(is_http_download("HTTP://example.com/x"));
        assert!(!is_http_download("https://github.com/moby/buildkit.git"));
        assert!(!is_http_download(
            "https://github.com/moby/buildkit.git#v0.12.0"
        ));
        assert!(!is_http_download(
            "https://github.com/moby/buildkit.git?ref=v0.12.0&keep-git-dir=1"
        ));
        assert!(!is_http_download("git@github.com:moby/buildkit.git"));
        assert!(is_http_download("https://example.com/x.git/archive.tar.gz"));
        assert!(!is_http_download("app.tar.gz"));
    }
}
