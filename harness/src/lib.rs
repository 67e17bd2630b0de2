//! The scenario runner, the compatibility matrix and the `check`/`discover` CLI.
//!
//! Data flows one way, and the modules read bottom-up in that order:
//!
//! 1. [`scenario`]: `scenarios/*.toml` as types (the expectation in the `referrers` crate's own enums).
//! 2. [`wire`]: facts read off a registry's request log; [`cell`]: what a cell produced.
//! 3. [`target`]: what serves a cell (base URL, seeded content, accepted credentials, a request log where there is
//!    one); [`runner`] runs every cell through that one path and judges it.
//! 4. The targets: [`fake_target`] (an embedded fake registry per cell) and [`real`] (containers and live
//!    registries, seeded through their push API, and the fidelity probes); [`real_rows`] measures real rows.
//! 5. [`matrix`]: results files and renderers (`docs/compatibility-matrix.md`, JSON, JUnit), the drift check.
//! 6. [`cli`]: the `harness` commands.

pub mod cell;
pub mod cli;
pub mod fake_target;
pub mod matrix;
pub mod real;
pub mod real_rows;
pub mod runner;
pub mod scenario;
pub mod target;
pub mod wire;
