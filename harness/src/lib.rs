//! The scenario runner, the compatibility matrix and the `check`/`discover` CLI.
//!
//! Data flows one way: `scenarios/*.toml` → [`scenario`] → [`runner`] (fresh fake registry per cell, real
//! `referrers` code) → cell results → [`matrix`] renderers → `docs/compatibility-matrix.md`.

pub mod cli;
pub mod matrix;
pub mod observe;
pub mod real;
pub mod real_rows;
pub mod runner;
pub mod scenario;
