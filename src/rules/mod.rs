//! The rule engine: the [`Rule`] trait, rule metadata, the [`Context`] rules
//! see, and the one registry of every rule.
//!
//! A rule is one file under a category folder (`correctness/`, `security/`,
//! ...), declaring a `static META: RuleMeta` beside its code, and one Markdown
//! document `rules/<name>.md` at the top of the repository whose examples are
//! executed by `tests/rule_docs.rs`. Adding a rule touches three places: the
//! rule file, one line in its category's `RULES` table, and its document.
//!
//! Rules see the syntax tree, the semantic model and the shell model, all
//! built once per file; none of them re-parses anything.

pub mod cache;
pub mod correctness;
pub(crate) mod fixes;
pub mod options;
mod registry;
pub mod reproducibility;
pub mod security;
pub mod size;
pub mod style;
pub mod suppress;

pub use options::Options;
pub use registry::{RULES, by_code, lookup, metas};

use crate::diagnostic::{Diagnostic, Fix, Severity};
use crate::model::Model;
use crate::syntax::{Args, Dockerfile, Instruction, Keyword, Span};
use std::sync::OnceLock;

/// What a rule is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// The Dockerfile is wrong, or will not do what it says.
    Correctness,
    /// A risk to the security of the image or the build.
    Security,
    /// The build is slower than it needs to be (layer cache, repeated work).
    Cache,
    /// The image is bigger than it needs to be.
    Size,
    /// Reproducibility: unpinned versions and base images.
    Reproducibility,
    /// Readability and consistency.
    Style,
}

impl Category {
    /// The lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Correctness => "correctness",
            Category::Security => "security",
            Category::Cache => "cache",
            Category::Size => "size",
            Category::Reproducibility => "reproducibility",
            Category::Style => "style",
        }
    }
}

/// Whether and how a rule can fix what it finds: the most permissive
/// [`Applicability`](crate::diagnostic::Applicability) among its fixes
/// ([`FixKind::applicability`]). Each fix carries its own applicability; a
/// rule declared `Safe` offers a fix as only unsafe where the meaning could
/// change, and its document says when.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FixKind {
    /// No fix.
    None,
    /// Fixes that keep the meaning of the Dockerfile (applied by `--fix`).
    Safe,
    /// Fixes that may change the build (need `--unsafe-fixes`).
    Unsafe,
    /// Suggested edits that are shown, never applied.
    DisplayOnly,
}

/// Everything known about a rule, declared beside its code.
#[derive(Debug)]
pub struct RuleMeta {
    /// The stable code, e.g. `SW301`.
    pub code: &'static str,
    /// The kebab-case name of the bad pattern, e.g. `apt-lists-not-removed`.
    pub name: &'static str,
    /// What the rule is about.
    pub category: Category,
    /// The default severity.
    pub severity: Severity,
    /// Whether the rule can fix what it finds.
    pub fix: FixKind,
    /// Equivalent hadolint rules (`DLxxxx`).
    pub hadolint: &'static [&'static str],
    /// Equivalent BuildKit checks (`JSONArgsRecommended`, ...).
    pub buildkit: &'static [&'static str],
    /// Whether the rule runs unless selected explicitly (false for rules that
    /// hadolint has off by default, and for BuildKit's experimental checks).
    pub default_enabled: bool,
    /// One line describing what the rule reports.
    pub summary: &'static str,
    /// The rule's document (`rules/<name>.md`).
    pub doc: &'static str,
}

impl RuleMeta {
    /// Whether `id` names this rule: its code, its name, or an equivalent
    /// hadolint code or BuildKit check name (codes and names case-insensitive,
    /// as users type them).
    pub fn matches(&self, id: &str) -> bool {
        self.code.eq_ignore_ascii_case(id)
            || self.name.eq_ignore_ascii_case(id)
            || self.hadolint.iter().any(|h| h.eq_ignore_ascii_case(id))
            || self.buildkit.iter().any(|b| b.eq_ignore_ascii_case(id))
    }
}

/// A lint rule.
pub trait Rule: Sync + Send {
    /// The rule's metadata.
    fn meta(&self) -> &'static RuleMeta;
    /// Report every finding of this rule in the file.
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>);
}

/// What a rule sees: one file, parsed and modelled once.
pub struct Context<'a> {
    /// The source text.
    pub source: &'a str,
    /// The syntax tree.
    pub file: &'a Dockerfile,
    /// The semantic model.
    pub model: &'a Model,
    /// Rule options from the configuration.
    pub options: &'a Options,
    /// Stages declared non-POSIX with a `# hadolint shell=...` pragma.
    pub shell_pragma: Option<&'a str>,
    /// The patterns of the build context's `.dockerignore`, when known.
    pub dockerignore: Option<&'a [String]>,
    /// The build context directory, when the Dockerfile is on disk.
    pub context: Option<&'a std::path::Path>,
    /// The stage being built: `--target`, else the last stage (`None` when
    /// the file has no stage or the target names none).
    pub target: Option<usize>,
    /// `ships[i]`: stage `i` is the target or one the target is built on
    /// (its `FROM` chain). Their layers are in the final image.
    pub ships: Vec<bool>,
    /// `needed[i]`: the build of the target runs stage `i` (the `FROM`
    /// chain and every stage copied or mounted from).
    pub needed: Vec<bool>,
    instruction_scripts: Vec<OnceLock<Vec<crate::shell::Script>>>,
    /// Whether each instruction's stage runs a POSIX shell, computed once.
    posix: OnceLock<Vec<bool>>,
    /// The `USER` instruction in force at each instruction, computed once.
    users: OnceLock<Vec<Option<usize>>>,
    /// One bit per package manager some command of the file runs.
    managers: OnceLock<u32>,
}

impl<'a> Context<'a> {
    /// A context over one parsed file.
    pub fn new(
        source: &'a str,
        file: &'a Dockerfile,
        model: &'a Model,
        options: &'a Options,
        shell_pragma: Option<&'a str>,
    ) -> Self {
        Context {
            source,
            file,
            model,
            options,
            shell_pragma,
            dockerignore: None,
            context: None,
            target: None,
            ships: Vec::new(),
            needed: Vec::new(),
            instruction_scripts: (0..file.instructions.len())
                .map(|_| OnceLock::new())
                .collect(),
            posix: OnceLock::new(),
            users: OnceLock::new(),
            managers: OnceLock::new(),
        }
    }

    /// Whether any command of the file (in any script a shell runs) runs one
    /// of these package managers. A rule about one manager's commands asks
    /// first and skips the file when not: most files use one or two of the
    /// fifteen managers, so most such rules have nothing to walk.
    pub fn runs_any(&self, managers: &[crate::shell::packages::Manager]) -> bool {
        let bit = |m: crate::shell::packages::Manager| 1u32 << (m as u32);
        let used = *self.managers.get_or_init(|| {
            let mut used = 0;
            for i in 0..self.file.instructions.len() {
                for script in self.instruction_scripts(i) {
                    for cmd in &script.commands {
                        if let Some((m, _)) = crate::shell::packages::manager(cmd) {
                            used |= bit(m);
                        }
                    }
                }
            }
            used
        });
        managers.iter().any(|&m| used & bit(m) != 0)
    }

    /// Every shell script instruction `index` runs (see
    /// [`crate::shell::instruction_scripts`]: its shell form and the heredoc
    /// bodies a shell runs, also through `ONBUILD`), parsed once and shared.
    /// Empty in stages whose shell is not POSIX.
    pub fn instruction_scripts(&self, index: usize) -> &[crate::shell::Script] {
        let Some(inst) = self.file.instructions.get(index) else {
            return &[];
        };
        self.instruction_scripts[index].get_or_init(|| {
            if self.posix_shell_at(index) {
                crate::shell::instruction_scripts(inst)
            } else {
                Vec::new()
            }
        })
    }

    /// The same context, knowing the `.dockerignore` patterns.
    pub fn with_dockerignore(mut self, patterns: Option<&'a [String]>) -> Self {
        self.dockerignore = patterns;
        self
    }

    /// The build context directory.
    pub fn with_context(mut self, dir: Option<&'a std::path::Path>) -> Self {
        self.context = dir;
        self
    }

    /// The stage to build (`--target`, by name or index; `None`: the last
    /// stage), and from it which stages ship and which the build needs.
    pub fn with_target(mut self, target: Option<&str>) -> Self {
        let stages = &self.model.stages;
        self.target = match target {
            Some(t) => self.model.stage_by_ref(t).map(|s| s.index),
            None => stages.len().checked_sub(1),
        };
        self.ships = vec![false; stages.len()];
        self.needed = vec![false; stages.len()];
        if let Some(t) = self.target {
            self.needed = self.model.reachable_from(t);
            let mut at = Some(t);
            while let Some(i) = at {
                if self.ships[i] {
                    break;
                }
                self.ships[i] = true;
                at = match stages[i].base {
                    crate::model::Base::Stage(j) => Some(j),
                    _ => None,
                };
            }
        }
        self
    }

    /// Whether instruction `index` adds to the final image: it belongs to a
    /// stage that ships.
    pub fn ships_at(&self, index: usize) -> bool {
        self.model
            .stage_of
            .get(index)
            .copied()
            .flatten()
            .is_some_and(|s| self.ships.get(s).copied().unwrap_or(false))
    }

    /// A diagnostic of `meta` at `span`.
    pub fn diag(
        &self,
        meta: &'static RuleMeta,
        span: Span,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            code: meta.code,
            name: meta.name,
            severity: meta.severity,
            message: message.into(),
            span,
            labels: Vec::new(),
            help: None,
            fix: None,
        }
    }

    /// The instructions, with their indices.
    pub fn instructions(&self) -> impl Iterator<Item = (usize, &'a Instruction)> + 'a {
        self.file.instructions.iter().enumerate()
    }

    /// The instructions with this keyword (after unwrapping `ONBUILD`), with
    /// their indices.
    pub fn instructions_of(
        &self,
        keyword: Keyword,
    ) -> impl Iterator<Item = (usize, &'a Instruction)> + 'a {
        self.file
            .instructions
            .iter()
            .enumerate()
            .filter(move |(_, i)| i.effective().keyword == keyword)
    }

    /// The text of an instruction's source span.
    pub fn text(&self, span: Span) -> &'a str {
        &self.source[span.start..span.end]
    }

    /// Whether the stage of instruction `index` runs a POSIX shell (the
    /// default), as opposed to PowerShell or cmd set by `SHELL`, a Windows
    /// base image, or a `# hadolint shell=` pragma.
    pub fn posix_shell_at(&self, index: usize) -> bool {
        self.posix
            .get_or_init(|| self.posix_shells())
            .get(index)
            .copied()
            .unwrap_or(true)
    }

    /// [`Context::posix_shell_at`] for every instruction: a stage starts with
    /// its parent stage's shell as it ended (on an image: POSIX unless the
    /// image is Windows), and each `SHELL` changes it.
    fn posix_shells(&self) -> Vec<bool> {
        if self
            .shell_pragma
            .is_some_and(|s| !crate::shell::is_posix_shell(&[s.to_string()]))
        {
            return vec![false; self.file.instructions.len()];
        }
        self.in_force(
            true,
            |stage, parent| !crate::model::is_windows_base(stage) && parent.unwrap_or(true),
            |_, inst| match (&inst.keyword, &inst.args) {
                (Keyword::Shell, Args::Exec(words)) => {
                    let shell: Vec<String> = words.iter().map(|w| w.value.to_string()).collect();
                    Some(crate::shell::is_posix_shell(&shell))
                }
                _ => None,
            },
        )
    }

    /// The user the instruction at `index` runs as: the text of the last
    /// `USER` before it in its stage, else in the stage it is built on (and
    /// so on); `None` when no `USER` is in force (root, or the base image's
    /// user).
    pub fn user_at(&self, index: usize) -> Option<&'a str> {
        let users = self.users.get_or_init(|| {
            self.in_force(
                None,
                |_, parent| parent.flatten(),
                |i, inst| {
                    matches!((&inst.keyword, &inst.args), (Keyword::User, Args::Text(_)))
                        .then_some(Some(i))
                },
            )
        });
        let at = users.get(index).copied().flatten()?;
        match &self.file.instructions[at].args {
            Args::Text(w) => Some(&w.value),
            _ => None,
        }
    }

    /// A setting in force at every instruction, in one pass over the file
    /// (not by walking back from each instruction, which is quadratic): a
    /// stage's `FROM` starts it at `start(stage, what its parent stage ended
    /// with)` (the parent is `None` on an image), an instruction for which
    /// `set(index, instruction)` answers changes it for the instructions after it, and
    /// instructions before the first `FROM` get `before`.
    fn in_force<T: Copy>(
        &self,
        before: T,
        start: impl Fn(&crate::model::Stage, Option<T>) -> T,
        set: impl Fn(usize, &Instruction) -> Option<T>,
    ) -> Vec<T> {
        let stages = &self.model.stages;
        // What each stage ended with, so far.
        let mut ended: Vec<T> = Vec::with_capacity(stages.len());
        let mut current = before;
        let mut out = vec![before; self.file.instructions.len()];
        for (i, inst) in self.file.instructions.iter().enumerate() {
            let Some(s) = self.model.stage_of.get(i).copied().flatten() else {
                continue;
            };
            if stages[s].from == i {
                let parent = match stages[s].base {
                    crate::model::Base::Stage(p) if p < s => ended.get(p).copied(),
                    _ => None,
                };
                current = start(&stages[s], parent);
                ended.resize(s, current);
                ended.push(current);
                out[i] = current;
                continue;
            }
            out[i] = current;
            if let Some(v) = set(i, inst) {
                current = v;
                if let Some(e) = ended.get_mut(s) {
                    *e = current;
                }
            }
        }
        out
    }

    /// The shell model of a shell-form `RUN` (also inside `ONBUILD`), parsed
    /// on first use and shared between rules. `None` for exec form, for other
    /// instructions, and for stages whose shell is not POSIX.
    pub fn script(&self, index: usize) -> Option<&crate::shell::Script> {
        let inst = self.file.instructions.get(index)?;
        if inst.effective().keyword != Keyword::Run {
            return None;
        }
        // A shell-form RUN's own line is the first of its scripts.
        self.instruction_scripts(index).first()
    }
}

/// Attach a fix to a diagnostic (builder style).
pub fn with_fix(mut d: Diagnostic, fix: Fix) -> Diagnostic {
    d.fix = Some(fix);
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_context(src: &str, f: impl FnOnce(&Context<'_>)) {
        let parse = crate::syntax::parse(src);
        let model = Model::build(&parse.dockerfile, &Default::default());
        let options = Options::default();
        let cx = Context::new(src, &parse.dockerfile, &model, &options, None);
        f(&cx);
    }

    #[test]
    fn runs_any_sees_every_script_a_shell_runs() {
        use crate::shell::packages::Manager;
        let src = "FROM alpine\nRUN apk add x && /usr/bin/pip3 install y\n\
                   ONBUILD RUN yum install -y z\nRUN <<EOF\nnpm ci\nEOF\n\
                   SHELL [\"pwsh\", \"-c\"]\nRUN dnf install -y w\n";
        with_context(src, |cx| {
            for m in [Manager::Apk, Manager::Pip, Manager::Yum, Manager::Npm] {
                assert!(cx.runs_any(&[m]), "{m:?}");
            }
            // Not run by any POSIX shell: the last RUN is PowerShell's.
            assert!(!cx.runs_any(&[Manager::Dnf, Manager::Zypper, Manager::Gem]));
            assert!(cx.runs_any(&[Manager::Dnf, Manager::Npm]));
        });
    }

    #[test]
    fn shell_and_user_in_force_follow_stages() {
        let src = "FROM alpine AS a\nUSER app\nSHELL [\"pwsh\", \"-c\"]\nRUN x\n\
                   FROM a AS b\nRUN y\nSHELL [\"/bin/sh\", \"-c\"]\nUSER root\nRUN z\n\
                   FROM alpine\nRUN w\n\
                   FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN v\n";
        with_context(src, |cx| {
            let posix: Vec<bool> = (0..13).map(|i| cx.posix_shell_at(i)).collect();
            let users: Vec<Option<&str>> = (0..13).map(|i| cx.user_at(i)).collect();
            // a: SHELL pwsh from line 3 on; b inherits it until its own SHELL.
            assert_eq!(
                posix,
                [
                    true, true, true, false, false, false, false, true, true, true, true, false,
                    false
                ]
            );
            assert_eq!(
                users,
                [
                    None,
                    None,
                    Some("app"),
                    Some("app"),
                    Some("app"),
                    Some("app"),
                    Some("app"),
                    Some("app"),
                    Some("root"),
                    None,
                    None,
                    None,
                    None
                ]
            );
        });
    }
}
