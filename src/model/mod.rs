//! The semantic model, built once per file from the syntax tree: stages and
//! their graph, ARG/ENV scopes with BuildKit's variable expansion, and image
//! references.

pub mod dockerignore;
pub mod expand;
pub mod image;
pub mod knowledge;
pub mod platform;
pub mod size;
pub mod stages;

pub use stages::{
    Base, Dep, DepKind, DepTarget, Model, Scope, Stage, Var, VarKind, is_windows_base,
};
