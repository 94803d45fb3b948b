//! Stages, their graph, and the ARG/ENV scopes of a Dockerfile, as BuildKit
//! evaluates them.
//!
//! Facts this module encodes (from BuildKit's documentation and behaviour):
//!
//! * `ARG`s before the first `FROM` are *global*: they can be used in `FROM`
//!   lines, and inside a stage only after the stage re-declares them with a bare
//!   `ARG NAME` (which then takes the global default).
//! * `ARG` and `ENV` are scoped to the stage that declares them. A stage built
//!   `FROM` another stage inherits that stage's `ENV` (through the image
//!   config) and, in current BuildKit, its `ARG`s too.
//! * `ENV` wins over an `ARG` of the same name.
//! * The platform `ARG`s (`TARGETPLATFORM`, `BUILDARCH`, ...) are predefined in
//!   the global scope, and must be declared in a stage to be used there.
//! * Stage names are case-insensitive; `COPY --from` and `RUN --mount=from=`
//!   name a stage by name or by index, or else an image.

use super::expand::{Env, Expanded, Lexer};
use super::image::ImageRef;
use crate::syntax::{Args, Dockerfile, Instruction, Keyword, Span};
use std::collections::HashMap;

/// Build arguments BuildKit defines in the global scope.
pub const PLATFORM_ARGS: [&str; 8] = [
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
];

/// Build arguments usable without a declaration (proxy settings).
pub const PROXY_ARGS: [&str; 8] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "FTP_PROXY",
    "ftp_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// Whether a variable is an `ARG` or an `ENV`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VarKind {
    /// A build argument.
    Arg,
    /// An environment variable.
    Env,
}

/// One declaration of a variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Var {
    /// The variable's name.
    pub name: String,
    /// Its value, after expansion; `None` for an `ARG` without a default (its
    /// value comes from `--build-arg`, or it is empty), and for a value longer
    /// than [`MAX_TRACKED_VALUE`] or expanded from one (not tracked).
    pub value: Option<String>,
    /// `ARG` or `ENV`.
    pub kind: VarKind,
    /// The declaring instruction (index into `Dockerfile::instructions`).
    pub instruction: usize,
    /// The span of the name.
    pub span: Span,
}

/// What a stage is built on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Base {
    /// An earlier stage, by index.
    Stage(usize),
    /// `scratch`: the empty image.
    Scratch,
    /// An image from a registry.
    Image(ImageRef),
    /// A name that is not a valid reference (after expansion), with the reason.
    Invalid(String),
}

/// How one stage uses another (or an image).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DepKind {
    /// `FROM <stage>`.
    From,
    /// `COPY --from=<stage>`.
    CopyFrom,
    /// `RUN --mount=...,from=<stage>`.
    MountFrom,
}

/// What a `--from` names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DepTarget {
    /// A stage of this file.
    Stage(usize),
    /// An image (or a named build context).
    Image(String),
}

/// An edge of the stage graph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dep {
    /// How.
    pub kind: DepKind,
    /// On what.
    pub target: DepTarget,
    /// The instruction that makes the edge.
    pub instruction: usize,
    /// Where the reference is written.
    pub span: Span,
}

/// A build stage: a `FROM` and the instructions up to the next one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stage {
    /// Position among the stages (0-based).
    pub index: usize,
    /// The `AS` name, lower-cased (stage names are case-insensitive).
    pub name: Option<String>,
    /// Where the name is written.
    pub name_span: Option<Span>,
    /// The `FROM` instruction (index into `Dockerfile::instructions`).
    pub from: usize,
    /// The base as written.
    pub base_text: String,
    /// The base after expanding global `ARG`s.
    pub base_expanded: String,
    /// Global `ARG`s the base refers to that have no value.
    pub base_unset_args: Vec<String>,
    /// What the base resolves to.
    pub base: Base,
    /// `--platform`, as written.
    pub platform: Option<String>,
    /// The instructions of the stage after its `FROM` (indices, in order).
    pub instructions: Vec<usize>,
    /// `ARG`/`ENV` declarations of the stage, in order.
    pub vars: Vec<Var>,
    /// Edges to other stages and images.
    pub deps: Vec<Dep>,
}

/// The semantic model of one Dockerfile.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Model {
    /// `ARG`s before the first `FROM`.
    pub global_args: Vec<Var>,
    /// The stages, in order.
    pub stages: Vec<Stage>,
    /// For each instruction, the stage it belongs to (`None` before the first `FROM`).
    pub stage_of: Vec<Option<usize>>,
    /// The escape character in force.
    pub escape: char,
    /// The platform `ARG`s BuildKit predefines in the global scope (values
    /// unknown until build time).
    pub predefined: Vec<Var>,
    /// Where each name is declared among `global_args`.
    global_index: NameIndex,
    /// Where each name is declared among each stage's `vars`.
    stage_index: Vec<NameIndex>,
}

/// The declarations of each variable name in one list of [`Var`]s
/// (positions, in file order), split by kind, so that the declaration in
/// force before an instruction is found by a binary search instead of a walk
/// over every earlier declaration (which made a file of many `ENV`s
/// quadratic).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct NameIndex(HashMap<String, Declared>);

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Declared {
    env: Vec<usize>,
    arg: Vec<usize>,
}

impl NameIndex {
    fn of(vars: &[Var]) -> NameIndex {
        let mut map: HashMap<String, Declared> = HashMap::new();
        for (p, v) in vars.iter().enumerate() {
            let d = map.entry(v.name.clone()).or_default();
            match v.kind {
                VarKind::Env => d.env.push(p),
                VarKind::Arg => d.arg.push(p),
            }
        }
        NameIndex(map)
    }
}

/// The last of `positions` (into `vars`, in file order) declared before
/// instruction `at`.
fn last_before(positions: &[usize], vars: &[Var], at: usize) -> Option<usize> {
    let n = positions.partition_point(|&p| vars[p].instruction < at);
    n.checked_sub(1).map(|k| positions[k])
}

impl Model {
    /// Build the model of a parsed file. Values given in `build_args` override
    /// `ARG` defaults, as `--build-arg` does.
    pub fn build(df: &Dockerfile, build_args: &HashMap<String, String>) -> Model {
        Builder {
            df,
            build_args,
            lexer: Lexer::new(df.escape),
            model: Model {
                escape: df.escape,
                stage_of: vec![None; df.instructions.len()],
                predefined: PLATFORM_ARGS
                    .iter()
                    .map(|name| Var {
                        name: name.to_string(),
                        value: None,
                        kind: VarKind::Arg,
                        instruction: 0,
                        span: Span::default(),
                    })
                    .collect(),
                ..Model::default()
            },
            global: RunEnv::default(),
            current: RunEnv::default(),
            stage_env: Vec::new(),
        }
        .run()
    }

    /// The last stage: what a build produces without `--target`.
    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    /// The stage with this name (case-insensitive) or index.
    pub fn stage_by_ref(&self, name: &str) -> Option<&Stage> {
        resolve_stage(&self.stages, name, self.stages.len()).map(|i| &self.stages[i])
    }

    /// Which stages a build of `target` needs: `result[i]` is true when stage
    /// `i` is `target` or one of its (transitive) dependencies.
    pub fn reachable_from(&self, target: usize) -> Vec<bool> {
        let mut seen = vec![false; self.stages.len()];
        let mut stack = vec![target];
        while let Some(i) = stack.pop() {
            if i >= seen.len() || seen[i] {
                continue;
            }
            seen[i] = true;
            for d in &self.stages[i].deps {
                if let DepTarget::Stage(j) = d.target {
                    stack.push(j);
                }
            }
        }
        seen
    }

    /// The variables in scope just before instruction `at`: global `ARG`s (and
    /// the predefined platform `ARG`s) for a `FROM` or before the first stage;
    /// otherwise the stage's own, with `ENV` inherited from parent stages.
    /// A view over the model: free to make, and a lookup costs a hash and a
    /// binary search per stage in the chain.
    pub fn scope_at(&self, at: usize) -> Scope<'_> {
        let stage = match self.stage_of.get(at).copied().flatten() {
            Some(s) if self.stages[s].from != at => Some(s),
            _ => None,
        };
        Scope {
            model: self,
            stage,
            at,
        }
    }

    /// The names stage `s` declares (`ARG` or `ENV`), each once.
    pub fn stage_var_names(&self, s: usize) -> impl Iterator<Item = &str> + '_ {
        self.stage_index
            .get(s)
            .into_iter()
            .flat_map(|ix| ix.0.keys().map(String::as_str))
    }

    /// Stage `s` and the stages it is built on (`FROM <stage>`), nearest
    /// first.
    pub fn chain(&self, s: usize) -> impl Iterator<Item = usize> + '_ {
        let mut next = Some(s);
        let mut depth = 0;
        std::iter::from_fn(move || {
            let cur = next?;
            next = match self.stages[cur].base {
                Base::Stage(parent) if parent < cur && depth < self.stages.len() => Some(parent),
                _ => None,
            };
            depth += 1;
            Some(cur)
        })
    }

    /// Expand `word` with the variables in scope before instruction `at`.
    pub fn expand(&self, word: &str, at: usize) -> Result<Expanded, super::expand::ExpandError> {
        Lexer::new(self.escape).expand_word(word, &self.scope_at(at))
    }
}

/// The variables in scope at one point of the file (see
/// [`Model::scope_at`]).
#[derive(Clone, Copy, Debug)]
pub struct Scope<'m> {
    model: &'m Model,
    /// The stage whose scope this is; `None` for the global scope.
    stage: Option<usize>,
    /// Declarations at or after this instruction are not visible.
    at: usize,
}

impl<'m> Scope<'m> {
    /// The stages whose declarations this scope sees, nearest first, each
    /// with the instruction before which they count: this stage's up to
    /// `at`, a parent stage's all.
    fn stages(&self) -> impl Iterator<Item = (usize, usize)> + 'm {
        let (model, at) = (self.model, self.at);
        self.stage.into_iter().flat_map(move |s| {
            model
                .chain(s)
                .enumerate()
                .map(move |(k, st)| (st, if k == 0 { at } else { usize::MAX }))
        })
    }

    /// The declaration in scope for `name`, if any. In a stage, an `ENV` wins
    /// over an `ARG` of the same name wherever each is declared (in the stage
    /// or a stage it is built on); otherwise the latest declaration wins.
    pub fn var(&self, name: &str) -> Option<&'m Var> {
        let m = self.model;
        if self.stage.is_none() {
            let global = m.global_index.0.get(name).and_then(|d| {
                last_before(&d.arg, &m.global_args, self.at).map(|p| &m.global_args[p])
            });
            return global.or_else(|| m.predefined.iter().find(|v| v.name == name));
        }
        let mut arg = None;
        for (st, at) in self.stages() {
            let Some(d) = m.stage_index.get(st).and_then(|ix| ix.0.get(name)) else {
                continue;
            };
            let vars = &m.stages[st].vars;
            if let Some(p) = last_before(&d.env, vars, at) {
                return Some(&vars[p]);
            }
            if arg.is_none() {
                arg = last_before(&d.arg, vars, at).map(|p| &vars[p]);
            }
        }
        arg
    }

    /// The names of every variable in scope, each once, in no set order.
    pub fn names(&self) -> Vec<&'m str> {
        let m = self.model;
        let mut seen: std::collections::HashSet<&'m str> = std::collections::HashSet::new();
        let visible = |d: &Declared, vars: &[Var], at: usize| {
            last_before(&d.env, vars, at).is_some() || last_before(&d.arg, vars, at).is_some()
        };
        match self.stage {
            None => {
                for (name, d) in &m.global_index.0 {
                    if visible(d, &m.global_args, self.at) {
                        seen.insert(name.as_str());
                    }
                }
                seen.extend(m.predefined.iter().map(|v| v.name.as_str()));
            }
            Some(_) => {
                for (st, at) in self.stages() {
                    let Some(ix) = m.stage_index.get(st) else {
                        continue;
                    };
                    for (name, d) in &ix.0 {
                        if visible(d, &m.stages[st].vars, at) {
                            seen.insert(name.as_str());
                        }
                    }
                }
            }
        }
        seen.into_iter().collect()
    }
}

impl Env for Scope<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.var(name).and_then(|v| v.value.as_deref())
    }
}

/// Values longer than this (in bytes) are not tracked: the variable is
/// known to be set but its value is left unknown (`None`), and so is the value
/// of every variable expanded from it. Without a bound, a file repeating
/// `ENV PATH=/x:$PATH` grows the value with every line and the model with the
/// square of the file's length.
pub const MAX_TRACKED_VALUE: usize = 4096;

/// The running environment while the model is built: name to (kind, value,
/// whether the value is too long to track).
#[derive(Clone, Debug, Default)]
struct RunEnv(HashMap<String, (VarKind, Option<String>, bool)>);

impl Env for RunEnv {
    fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).and_then(|(_, v, _)| v.as_deref())
    }
}

impl RunEnv {
    fn set(&mut self, v: &Var, untracked: bool) {
        if v.kind == VarKind::Arg
            && self
                .0
                .get(&v.name)
                .is_some_and(|(k, ..)| *k == VarKind::Env)
        {
            return; // ENV wins over ARG of the same name.
        }
        self.0
            .insert(v.name.clone(), (v.kind, v.value.clone(), untracked));
    }

    fn untracked(&self, name: &str) -> bool {
        self.0.get(name).is_some_and(|(.., u)| *u)
    }

    /// `text` expanded in this environment: `(value, untracked)`, where an
    /// untracked value (too long, or made from an untracked one) is `None`.
    /// Text that does not expand is kept as written.
    fn value_of(&self, lexer: &Lexer, text: &str) -> (Option<String>, bool) {
        match lexer.expand_word(text, self) {
            Ok(e)
                if e.value.len() > MAX_TRACKED_VALUE
                    || e.used.iter().any(|n| self.untracked(n)) =>
            {
                (None, true)
            }
            Ok(e) => (Some(e.value), false),
            Err(_) => (Some(text.to_string()), false),
        }
    }
}

/// Resolve a stage reference (name or index) among the first `before` stages.
fn resolve_stage(stages: &[Stage], name: &str, before: usize) -> Option<usize> {
    let lower = name.to_ascii_lowercase();
    if let Some(i) = stages[..before.min(stages.len())]
        .iter()
        .rposition(|s| s.name.as_deref() == Some(lower.as_str()))
    {
        return Some(i);
    }
    name.parse::<usize>().ok().filter(|&i| i < before)
}

struct Builder<'a> {
    df: &'a Dockerfile,
    build_args: &'a HashMap<String, String>,
    lexer: Lexer,
    model: Model,
    /// Global ARGs (and the predefined ones) as they stand.
    global: RunEnv,
    /// The current stage's variables as they stand.
    current: RunEnv,
    /// Each finished stage's variables, for stages built on it.
    stage_env: Vec<RunEnv>,
}

impl Builder<'_> {
    fn run(mut self) -> Model {
        let df = self.df;
        for v in &self.model.predefined {
            self.global.set(v, false);
        }
        for (i, inst) in df.instructions.iter().enumerate() {
            match inst.keyword {
                Keyword::From => self.from(i, inst),
                Keyword::Arg => self.arg(i, inst),
                _ => {
                    if let Some(s) = self.model.stages.len().checked_sub(1) {
                        self.model.stage_of[i] = Some(s);
                        self.model.stages[s].instructions.push(i);
                        self.in_stage(s, i, inst);
                    }
                }
            }
        }
        self.finish_stage();
        self.model.global_index = NameIndex::of(&self.model.global_args);
        self.model.stage_index = self
            .model
            .stages
            .iter()
            .map(|s| NameIndex::of(&s.vars))
            .collect();
        self.model
    }

    /// Keep the ENV of the stage that just ended.
    fn finish_stage(&mut self) {
        if self.stage_env.len() < self.model.stages.len() {
            let env = std::mem::take(&mut self.current);
            self.stage_env.push(env);
        }
    }

    fn from(&mut self, i: usize, inst: &Instruction) {
        let words: &[crate::syntax::Word] = match &inst.args {
            Args::Words(w) => w,
            _ => &[],
        };
        let base_text = words
            .first()
            .map(|w| w.value.to_string())
            .unwrap_or_default();
        let (name, name_span) = match words {
            [_, kw, n] if kw.value.eq_ignore_ascii_case("as") => {
                (Some(n.value.to_ascii_lowercase().to_string()), Some(n.span))
            }
            _ => (None, None),
        };
        self.finish_stage();
        let (base_expanded, unset) = match self.lexer.expand_word(&base_text, &self.global) {
            Ok(e) => (e.value, e.unset),
            Err(_) => (base_text.clone(), Vec::new()),
        };
        let index = self.model.stages.len();
        let base = if let Some(j) = resolve_named_stage(&self.model.stages, &base_expanded) {
            Base::Stage(j)
        } else if base_expanded.eq_ignore_ascii_case("scratch") {
            Base::Scratch
        } else {
            match ImageRef::parse(&base_expanded) {
                Ok(r) => Base::Image(r),
                Err(e) => Base::Invalid(e.to_string()),
            }
        };
        self.current = match base {
            Base::Stage(j) => self.stage_env.get(j).cloned().unwrap_or_default(),
            _ => RunEnv::default(),
        };
        let mut deps = Vec::new();
        if let Base::Stage(j) = base {
            deps.push(Dep {
                kind: DepKind::From,
                target: DepTarget::Stage(j),
                instruction: i,
                span: words.first().map_or(inst.keyword_span, |w| w.span),
            });
        }
        self.model.stage_of[i] = Some(index);
        self.model.stages.push(Stage {
            index,
            name,
            name_span,
            from: i,
            base_text,
            base_expanded,
            base_unset_args: unset,
            base,
            platform: inst
                .flag("platform")
                .and_then(|f| f.value.as_ref().map(|v| v.to_string())),
            instructions: Vec::new(),
            vars: Vec::new(),
            deps,
        });
    }

    fn arg(&mut self, i: usize, inst: &Instruction) {
        let Args::Words(words) = &inst.args else {
            if let Some(s) = self.model.stages.len().checked_sub(1) {
                self.model.stage_of[i] = Some(s);
                self.model.stages[s].instructions.push(i);
            }
            return;
        };
        let stage = self.model.stages.len().checked_sub(1);
        if let Some(s) = stage {
            self.model.stage_of[i] = Some(s);
            self.model.stages[s].instructions.push(i);
        }
        for w in words {
            let (name, default) = match w.value.split_once('=') {
                Some((n, d)) => (n.to_string(), Some(d.to_string())),
                None => (w.value.to_string(), None),
            };
            let scope = match stage {
                None => &self.global,
                Some(_) => &self.current,
            };
            let (mut value, mut untracked) = match &default {
                Some(d) => scope.value_of(&self.lexer, d),
                None => (None, false),
            };
            if let Some(v) = self.build_args.get(&name) {
                value = Some(v.clone());
                untracked = false;
            } else if default.is_none() && stage.is_some() {
                // A bare ARG in a stage takes the global default.
                value = self
                    .model
                    .global_args
                    .iter()
                    .rev()
                    .find(|g| g.name == name)
                    .and_then(|g| g.value.clone());
                untracked = self.global.untracked(&name);
            }
            let var = Var {
                span: Span::new(w.span.start, (w.span.start + name.len()).min(w.span.end)),
                name,
                value,
                kind: VarKind::Arg,
                instruction: i,
            };
            match stage {
                None => {
                    self.global.set(&var, untracked);
                    self.model.global_args.push(var);
                }
                Some(s) => {
                    self.current.set(&var, untracked);
                    self.model.stages[s].vars.push(var);
                }
            }
        }
    }

    fn in_stage(&mut self, s: usize, i: usize, inst: &Instruction) {
        let inst = inst.effective();
        match (&inst.keyword, &inst.args) {
            (Keyword::Env, Args::Pairs(pairs)) => {
                // All pairs of one ENV see the scope before it.
                let mut vars = Vec::with_capacity(pairs.len());
                for kv in pairs {
                    let (value, untracked) = self.current.value_of(&self.lexer, &kv.value.value);
                    let var = Var {
                        name: kv.key.value.to_string(),
                        value,
                        kind: VarKind::Env,
                        instruction: i,
                        span: kv.key.span,
                    };
                    vars.push((var, untracked));
                }
                for (v, untracked) in vars {
                    self.current.set(&v, untracked);
                    self.model.stages[s].vars.push(v);
                }
            }
            (Keyword::Copy, _) => {
                if let Some(f) = inst.flag("from")
                    && let Some(v) = &f.value
                {
                    let target = self.dep_target(v, s);
                    self.model.stages[s].deps.push(Dep {
                        kind: DepKind::CopyFrom,
                        target,
                        instruction: i,
                        span: f.span,
                    });
                }
            }
            (Keyword::Run, _) => {
                for f in inst.flags.iter().filter(|f| f.name == "mount") {
                    let Some(spec) = &f.value else { continue };
                    let Some(from) = mount_field(spec, "from") else {
                        continue;
                    };
                    let target = self.dep_target(&from, s);
                    self.model.stages[s].deps.push(Dep {
                        kind: DepKind::MountFrom,
                        target,
                        instruction: i,
                        span: f.span,
                    });
                }
            }
            _ => {}
        }
    }

    fn dep_target(&self, raw: &str, stage: usize) -> DepTarget {
        let expanded = self
            .lexer
            .expand_word(raw, &self.current)
            .map_or_else(|_| raw.to_string(), |e| e.value);
        match resolve_stage(&self.model.stages, &expanded, stage) {
            Some(j) => DepTarget::Stage(j),
            None => DepTarget::Image(expanded),
        }
    }
}

/// A `FROM` names an earlier stage by name only (an index is an image name there).
fn resolve_named_stage(stages: &[Stage], name: &str) -> Option<usize> {
    let lower = name.to_ascii_lowercase();
    stages
        .iter()
        .rposition(|s| s.name.as_deref() == Some(lower.as_str()))
}

/// The value of `key` in a `--mount` spec (`type=cache,target=/x,from=build`).
/// Fields are comma-separated; a field may be quoted as in CSV.
pub fn mount_field(spec: &str, key: &str) -> Option<String> {
    mount_fields(spec)
        .into_iter()
        .rev()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .and_then(|(_, v)| v)
}

/// All `key[=value]` fields of a `--mount` spec, in order.
pub fn mount_fields(spec: &str) -> Vec<(String, Option<String>)> {
    let field = |f: &str| match f.trim().split_once('=') {
        Some((k, v)) => (k.to_string(), Some(v.to_string())),
        None => (f.trim().to_string(), None),
    };
    if !spec.contains('"') {
        // Without quotes, CSV is a plain split on commas (and building a CSV
        // reader is costly enough to show in profiles).
        return spec.split(',').map(field).collect();
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(spec.as_bytes());
    let mut out = Vec::new();
    if let Some(Ok(record)) = reader.records().next() {
        for field in record.iter() {
            let field = field.trim();
            match field.split_once('=') {
                Some((k, v)) => out.push((k.to_string(), Some(v.to_string()))),
                None => out.push((field.to_string(), None)),
            }
        }
    }
    out
}

/// Whether a stage is built on a Windows image: a `--platform=windows/...`
/// flag, or a base whose name says Windows (`mcr.microsoft.com/windows/...`,
/// `servercore`, `nanoserver`, .NET Framework images), or a parent stage that is.
pub fn is_windows_base(stage: &Stage) -> bool {
    if stage
        .platform
        .as_deref()
        .is_some_and(|p| p.to_ascii_lowercase().starts_with("windows"))
    {
        return true;
    }
    let name = stage.base_expanded.to_ascii_lowercase();
    name.contains("windows")
        || name.contains("servercore")
        || name.contains("nanoserver")
        || name.contains("dotnet/framework")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    fn model(src: &str) -> (Dockerfile, Model) {
        let df = parse(src).dockerfile;
        let m = Model::build(&df, &HashMap::new());
        (df, m)
    }

    #[test]
    fn stages_names_and_bases() {
        let (_, m) = model(
            "ARG GO=1.22\nFROM golang:${GO}-alpine AS Build\nRUN go build\n\
             FROM build AS test\nFROM scratch\nCOPY --from=build /app /app\n\
             COPY --from=0 /x /x\nCOPY --from=alpine:3 /y /y\n",
        );
        assert_eq!(m.stages.len(), 3);
        assert_eq!(m.stages[0].name.as_deref(), Some("build"));
        assert_eq!(m.stages[0].base_expanded, "golang:1.22-alpine");
        match &m.stages[0].base {
            Base::Image(r) => assert_eq!(r.tag.as_deref(), Some("1.22-alpine")),
            other => panic!("{other:?}"),
        }
        assert_eq!(m.stages[1].base, Base::Stage(0));
        assert_eq!(m.stages[2].base, Base::Scratch);
        let targets: Vec<_> = m.stages[2].deps.iter().map(|d| d.target.clone()).collect();
        assert_eq!(
            targets,
            vec![
                DepTarget::Stage(0),
                DepTarget::Stage(0),
                DepTarget::Image("alpine:3".into())
            ]
        );
        assert_eq!(m.reachable_from(2), vec![true, false, true]);
        assert_eq!(m.reachable_from(1), vec![true, true, false]);
    }

    #[test]
    fn arg_and_env_scopes() {
        let src = "ARG V=1\nARG W\nFROM a\nRUN echo\nARG V\nENV E=$V-x\nARG E=ignored\n\
                   RUN echo\nFROM a AS b\nRUN echo\n";
        let (df, m) = model(src);
        let at = |needle: &str, nth: usize| {
            df.instructions
                .iter()
                .enumerate()
                .filter(|(_, i)| i.original == needle)
                .nth(nth)
                .map(|(k, _)| k)
                .unwrap()
        };
        // Global ARG is not visible in a stage until re-declared.
        assert!(m.scope_at(at("RUN echo", 0)).get("V").is_none());
        let scope = m.scope_at(at("RUN echo", 1));
        assert_eq!(scope.get("V"), Some("1"));
        assert_eq!(scope.get("E"), Some("1-x"), "ENV wins over ARG");
        // A new stage starts empty.
        assert!(m.scope_at(at("RUN echo", 2)).get("E").is_none());
        assert_eq!(
            m.expand("${V:-d}/$E", at("RUN echo", 1)).unwrap().value,
            "1/1-x"
        );
    }

    #[test]
    fn env_and_args_are_inherited_from_a_parent_stage() {
        let (df, m) = model("FROM a AS base\nARG A=1\nENV E=2\nFROM base\nRUN x\nFROM a\nRUN y\n");
        let scope = m.scope_at(4);
        assert_eq!(scope.get("E"), Some("2"));
        assert_eq!(scope.get("A"), Some("1"));
        // A stage on an image starts empty.
        let last = df.instructions.len() - 1;
        assert!(m.scope_at(last).get("E").is_none());
    }

    #[test]
    fn build_args_override_defaults() {
        let df = parse("ARG TAG=1\nFROM img:$TAG\n").dockerfile;
        let args = HashMap::from([("TAG".to_string(), "2".to_string())]);
        let m = Model::build(&df, &args);
        assert_eq!(m.stages[0].base_expanded, "img:2");
    }

    #[test]
    fn mounts_from_stages() {
        let (_, m) = model(
            "FROM a AS deps\nFROM b\nRUN --mount=type=bind,from=deps,target=/d \
             --mount=type=cache,target=/c make\n",
        );
        assert_eq!(m.stages[1].deps.len(), 1);
        assert_eq!(m.stages[1].deps[0].target, DepTarget::Stage(0));
        assert_eq!(
            mount_fields("type=cache,\"target=/a,b\",ro"),
            vec![
                ("type".into(), Some("cache".into())),
                ("target".into(), Some("/a,b".into())),
                ("ro".into(), None)
            ]
        );
    }

    #[test]
    fn unset_base_args_are_recorded() {
        let (_, m) = model("ARG BASE\nFROM ${BASE}\n");
        assert_eq!(m.stages[0].base_unset_args, vec!["BASE".to_string()]);
        assert!(matches!(m.stages[0].base, Base::Invalid(_)));
    }
    #[test]
    fn a_value_too_long_to_track_stays_untracked() {
        let mut src = String::from("FROM debian\nENV P=/start\n");
        // Each line adds 9 bytes: the value passes the bound after ~460 lines.
        for _ in 0..600 {
            src.push_str("ENV P=/opt/bin:$P\n");
        }
        src.push_str("ENV Q=x$P\nENV P=/reset\nENV R=$P\nRUN true\n");
        let (df, m) = model(&src);
        let vars = &m.stages[0].vars;
        let longest = vars
            .iter()
            .filter_map(|v| v.value.as_ref())
            .map(String::len)
            .max();
        assert!(longest.unwrap() <= MAX_TRACKED_VALUE, "{longest:?}");
        let at_end = m.scope_at(df.instructions.len() - 1);
        // Set, but no longer tracked; and so is what is made from it.
        let p600 = vars.iter().rev().nth(3).unwrap();
        assert_eq!((p600.name.as_str(), p600.value.as_deref()), ("P", None));
        assert_eq!(at_end.var("Q").map(|v| v.value.as_deref()), Some(None));
        // A new value is tracked again.
        assert_eq!(at_end.get("P"), Some("/reset"));
        assert_eq!(at_end.get("R"), Some("/reset"));
        // The names in scope are each listed once.
        let mut names = at_end.names();
        names.sort_unstable();
        assert_eq!(names, ["P", "Q", "R"]);
    }

    #[test]
    fn env_wins_over_arg_across_stages() {
        let (_, m) = model(
            "FROM alpine AS base\nENV V=env\nARG A=parent\n\
             FROM base\nARG V=arg\nARG A=child\nRUN true\n",
        );
        let scope = m.scope_at(6);
        assert_eq!(scope.get("V"), Some("env"));
        assert_eq!(scope.get("A"), Some("child"));
        assert_eq!(m.scope_at(5).get("A"), Some("parent"));
        let mut names: Vec<&str> = m.stage_var_names(1).collect();
        names.sort_unstable();
        assert_eq!(names, ["A", "V"]);
    }
}
