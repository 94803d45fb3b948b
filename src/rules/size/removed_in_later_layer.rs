//! Files or packages added by one layer and removed by a later one: the
//! bytes stay in the image.

use super::{is_package_removal, list_names};
use crate::diagnostic::{Diagnostic, Severity};
use crate::glob::{Flavor, Glob};
use crate::rules::cache::{for_each_command, has_cache_mount_with};
use crate::rules::{Category, Context, FixKind, Rule, RuleMeta};
use crate::shell::Command;
use crate::shell::packages::{self, CleanupTarget, Manager};
use crate::syntax::{Args, Keyword};
use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;

/// The rule.
pub struct RemovedInLaterLayer;

/// Its metadata.
pub static META: RuleMeta = RuleMeta {
    code: "SW422",
    name: "removed-in-later-layer",
    category: Category::Size,
    severity: Severity::Warning,
    fix: FixKind::None,
    hadolint: &[],
    buildkit: &[],
    default_enabled: true,
    summary: "A `RUN` removes files or packages that an earlier layer added; the bytes stay in the image",
    doc: include_str!("../../../rules/removed-in-later-layer.md"),
};

/// What the layers so far added to the image: absolute paths (files or
/// directories), each with how people would say it was added (`the COPY on
/// line 3`). Only the first addition of a path is kept (it is the one
/// reported), in a sorted map so that a removal looks only at the paths under
/// its literal prefix instead of at every earlier addition.
#[derive(Default)]
struct Added {
    paths: BTreeMap<String, (usize, String)>,
    next: usize,
}

impl Added {
    fn add(&mut self, path: String, how: impl FnOnce() -> String) {
        if let Entry::Vacant(e) = self.paths.entry(path) {
            e.insert((self.next, how()));
            self.next += 1;
        }
    }

    /// How the earliest-added path that removing `target` removes was added.
    fn removed_by(&self, target: &str) -> Option<&str> {
        let target = Target::new(target);
        // Every path `removes` accepts starts with the target's text up to
        // its first wildcard.
        let literal = &target.text[..target.text.find(WILDCARDS).unwrap_or(target.text.len())];
        let literal = literal.strip_suffix('/').unwrap_or(literal);
        self.paths
            .range::<str, _>((Bound::Included(literal), Bound::Unbounded))
            .take_while(|(p, _)| p.starts_with(literal))
            .filter(|(p, _)| target.removes(p))
            .min_by_key(|(_, (order, _))| *order)
            .map(|(_, (_, how))| how.as_str())
    }
}

/// The characters that may make an `rm` operand a shell pattern (a `\`
/// escapes one), where its literal prefix ends.
const WILDCARDS: [char; 4] = ['*', '?', '[', '\\'];

/// `path` made absolute against `cwd` and normalized (`.` and repeated or
/// trailing slashes removed); `None` when it has a variable or `..`, or is
/// relative to an unknown directory.
fn absolute(cwd: Option<&str>, path: &str) -> Option<String> {
    if path.is_empty() || path.contains(['$', '`', '~']) {
        return None;
    }
    let joined = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{}/{}", cwd?, path)
    };
    let mut parts: Vec<&str> = Vec::new();
    for p in joined.split('/') {
        match p {
            "" | "." => {}
            ".." => return None,
            p => parts.push(p),
        }
    }
    Some(format!("/{}", parts.join("/")))
}

/// What an `rm` operand removes: a path, or a shell pattern
/// ([`crate::glob`]'s shell flavour) compiled once for every path it is
/// tried against.
struct Target<'t> {
    text: &'t str,
    /// The pattern, when the operand has a wildcard that a shell expands.
    glob: Option<Glob>,
}

impl<'t> Target<'t> {
    fn new(text: &'t str) -> Target<'t> {
        let glob = Glob::new(text, Flavor::Shell)
            .ok()
            .filter(|g| text.contains(WILDCARDS) && !g.is_literal());
        Target { text, glob }
    }

    /// Whether removing the target removes `added` or part of it.
    fn removes(&self, added: &str) -> bool {
        let target = self.text;
        if target == "/" {
            return false;
        }
        let inside = |t: &str| added == t || added.starts_with(&format!("{t}/"));
        if let Some(dir) = target.strip_suffix("/*")
            && !dir.contains(WILDCARDS)
            && (added == dir || added.starts_with(&format!("{dir}/")))
        {
            // `/var/lib/apt/lists/*` empties the directory that was added.
            return true;
        }
        if let Some(glob) = &self.glob {
            // `/tmp/*` removes what is inside /tmp; `*.tar.gz` what matches.
            return glob.matches_or_parent(added);
        }
        inside(target) || (added.starts_with(target) && target.ends_with('/'))
    }
}

/// Whether removing `target` (a path or a pattern) removes `added` or part
/// of it.
#[cfg(test)]
fn removes(target: &str, added: &str) -> bool {
    Target::new(target).removes(added)
}

/// The operands of an `rm` with a recursive or force flag, or of any `rm`.
fn rm_operands(cmd: &Command) -> Vec<&crate::shell::Word> {
    if cmd.basename() != Some("rm") {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut options = true;
    for w in &cmd.args {
        if options && w.value == "--" {
            options = false;
        } else if options && w.value.starts_with('-') {
        } else if w.literal || w.value.contains(['*', '?']) && !w.value.contains('$') {
            out.push(w);
        }
    }
    out
}

impl Rule for RemovedInLaterLayer {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let mut added = Added::default();
        // Each package with the first RUN that installs it.
        let mut installed: HashMap<String, usize> = HashMap::new();
        let mut cwd: Option<String> = Some("/".to_string());
        let mut stage = None;
        for (i, inst) in cx.instructions() {
            if !cx.ships_at(i) {
                continue;
            }
            let s = cx.model.stage_of[i];
            if s != stage {
                stage = s;
                // A stage built FROM another continues its working directory;
                // an image's is unknown unless set.
                let from_stage = s.is_some_and(|s| {
                    matches!(cx.model.stages[s].base, crate::model::Base::Stage(_))
                });
                if !from_stage {
                    cwd = None;
                }
            }
            let line = inst.start_line;
            match inst.keyword {
                Keyword::Workdir => {
                    cwd = inst_text(inst).and_then(|t| absolute(cwd.as_deref(), &t));
                }
                Keyword::Copy | Keyword::Add => {
                    if !inst.heredocs.is_empty() {
                        continue;
                    }
                    let (Args::Words(words) | Args::Exec(words)) = &inst.args else {
                        continue;
                    };
                    let Some((dest, sources)) = words.split_last() else {
                        continue;
                    };
                    let Some(dest_abs) = absolute(cwd.as_deref(), &dest.value) else {
                        continue;
                    };
                    let into_dir = dest.value.ends_with('/') || sources.len() > 1;
                    for src in sources {
                        let v = src.value.as_str();
                        let literal = !v.contains(['$', '*', '?', '[']);
                        let path = if into_dir && literal && !v.contains("://") {
                            let base = crate::shell::basename(v.trim_end_matches('/'));
                            if base.is_empty() || base == "." {
                                dest_abs.clone()
                            } else {
                                format!("{}/{}", dest_abs.trim_end_matches('/'), base)
                            }
                        } else {
                            dest_abs.clone()
                        };
                        added.add(path, || {
                            format!("the {} on line {line}", inst.keyword.as_str())
                        });
                    }
                }
                Keyword::Run => {
                    if !cx.posix_shell_at(i) {
                        continue;
                    }
                    let mut reported = Vec::new();
                    let mut removed_packages = Vec::new();
                    let mut has_cd = false;
                    for_each_command(cx, i, |cmd| {
                        has_cd |= cmd.basename() == Some("cd");
                        for w in rm_operands(cmd) {
                            let Some(target) = (if w.value.starts_with('/') || !has_cd {
                                absolute(cwd.as_deref(), &w.value)
                            } else {
                                None
                            }) else {
                                continue;
                            };
                            // This RUN's own additions are recorded after it.
                            if let Some(how) = added.removed_by(&target) {
                                reported.push((w.span, format!(
                                    "`{}` was added by {how}; removing it in a later layer leaves its bytes in the image (remove it in the layer that adds it)",
                                    w.value
                                )));
                            }
                        }
                        if is_package_removal(cmd) {
                            for w in cmd.args.iter().filter(|w| !w.value.starts_with('-')) {
                                if let Some(&at) = installed.get(w.value.as_str()) {
                                    removed_packages.push((w.value.clone(), w.span, at));
                                }
                            }
                        }
                    });
                    if let Some(&(_, span, at)) = removed_packages.first() {
                        let names: Vec<&str> =
                            removed_packages.iter().map(|p| p.0.as_str()).collect();
                        let (list, verb) = list_names(&names);
                        let how =
                            format!("the RUN on line {}", cx.file.instructions[at].start_line);
                        out.push(cx.diag(
                            &META,
                            span,
                            format!(
                                "{list} {verb} installed by {how}; removing packages in a later layer leaves their bytes in the image (install and remove them in one RUN, or build in another stage)"
                            ),
                        ));
                    }
                    for (span, message) in reported {
                        out.push(cx.diag(&META, span, message));
                    }
                    // What this RUN adds.
                    let mut lists = false;
                    let mut lists_cleaned = false;
                    for_each_command(cx, i, |cmd| {
                        if let Some(install) = packages::install(cmd) {
                            for p in &install.packages {
                                installed.entry(p.name.to_string()).or_insert(i);
                            }
                        }
                        if matches!(
                            packages::is_update(cmd),
                            Some(Manager::AptGet | Manager::Apt)
                        ) {
                            lists = true;
                        }
                        if packages::is_cache_cleanup(cmd).is_some_and(|c| {
                            c.manager == Manager::AptGet && c.target == CleanupTarget::Lists
                        }) {
                            lists_cleaned = true;
                        }
                        let output = match cmd.basename() {
                            Some("curl") => output_option(cmd, 'o', "--output"),
                            Some("wget") => output_option(cmd, 'O', "--output-document"),
                            _ => None,
                        };
                        if let Some(v) = output.filter(|v| v != "-")
                            && (v.starts_with('/') || !has_cd)
                            && let Some(path) = absolute(cwd.as_deref(), &v)
                        {
                            added.add(path, || format!("the download in the RUN on line {line}"));
                        }
                    });
                    let inst = cx.file.instructions[i].effective();
                    if lists && !lists_cleaned && !has_cache_mount_with(inst, "/var/lib/apt") {
                        added.add("/var/lib/apt/lists".to_string(), || {
                            format!("`apt-get update` in the RUN on line {line}")
                        });
                    }
                }
                _ => {}
            }
        }
    }
}

/// The literal value of an output option: `--output FILE`,
/// `--output=FILE`, `-o FILE`, `-oFILE`, or a short-option cluster ending in
/// the letter (`-fsSLo FILE`). The last one wins.
fn output_option(cmd: &Command, short: char, long: &str) -> Option<String> {
    let mut found: Option<&crate::shell::Word> = None;
    let mut inline: Option<String> = None;
    for (k, w) in cmd.args.iter().enumerate() {
        let v = w.value.as_str();
        if v == "--" {
            break;
        }
        let cluster = v.len() >= 2
            && v.starts_with('-')
            && !v.starts_with("--")
            && v.ends_with(short)
            && v[1..].chars().all(|c| c.is_ascii_alphabetic());
        if cluster || v == long {
            found = cmd.args.get(k + 1);
            inline = None;
        } else if let Some(rest) = v.strip_prefix(long).and_then(|r| r.strip_prefix('=')) {
            found = Some(w);
            inline = Some(rest.to_string());
        }
    }
    let w = found.filter(|w| w.literal)?;
    Some(inline.unwrap_or_else(|| w.value.to_string()))
}

/// The single path argument of a `WORKDIR`.
fn inst_text(inst: &crate::syntax::Instruction) -> Option<String> {
    match &inst.args {
        Args::Text(t) => Some(t.value.trim().to_string()),
        Args::Words(w) if w.len() == 1 => Some(w[0].value.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_patterns() {
        assert_eq!(absolute(Some("/app"), "./x/../y"), None);
        assert_eq!(absolute(Some("/app"), "x//y/"), Some("/app/x/y".into()));
        assert_eq!(absolute(None, "x"), None);
        assert!(removes("/tmp/*", "/tmp/a.tgz"));
        assert!(removes("/tmp", "/tmp/a.tgz"));
        assert!(removes("/app/*.tgz", "/app/a.tgz"));
        assert!(!removes("/app/*.tgz", "/app/a.zip"));
        assert!(!removes("/tmp/a", "/tmp/ab"));
        assert!(removes("/app/tests", "/app/tests/x.py"));
        assert!(!removes("/", "/app"));
        assert!(removes("/app/*/cache", "/app/x/cache/y"));
        assert!(!removes("/app/*/cache", "/app/x/y/cache"));
        assert!(removes("/app/[ab].tgz", "/app/a.tgz"));
        assert!(!removes("/app/[!ab].tgz", "/app/a.tgz"));
        // Many stars against a long path that does not match: no
        // backtracking (this took seconds per call before).
        let many = format!("/{}x", "*a".repeat(40));
        let long = format!("/{}", "a".repeat(200));
        assert!(!removes(&many, &long));
    }
}
