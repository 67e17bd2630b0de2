//! `docs/benchmarks.md` from the records of the bench binaries ([`crate::record`]) and the results of `bench-tool`
//! in the report dir (`paired.json`, `scale-mem.json`, `callgrind.json`; the machine description comes ready).
//!
//! - `inputs`: what the report reads, read once, and the look-ups the sections share.
//! - `stats`: medians, p99 and spreads of single operations, rates of throughput samples.
//! - `format`: how durations, counts and request lines are written.
//! - `sections`: one function per section of the document, in the order they appear.

mod format;
mod inputs;
mod sections;
mod stats;

use std::path::Path;

pub use format::{dur, group_digits};
pub use inputs::{Callgrind, CallgrindRow, ScaleMem};
pub use stats::{Stats, rate, stats};

/// Warm ours ÷ floor must stay under this.
pub const TARGET_FLOOR_RATIO: f64 = 1.25;
/// Scale run ÷ ideal bound must stay under this.
pub const TARGET_SCALE_RATIO: f64 = 1.3;

/// Render the report. `machine` is a ready Markdown list; `command` the command that produced it.
pub fn render(dir: &Path, machine: &str, command: &str) -> String {
    sections::document(&inputs::Inputs::load(dir), machine, command)
}
