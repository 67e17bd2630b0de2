//! Shared pieces of the discovery benchmarks (`benches/benches/*.rs`) and of `bench-tool` (the separate-process
//! measurements and the report behind `docs/benchmarks.md`).
//!
//! - [`fixture`]: the fakes and subjects every bench runs against (API, tag-schema, cosign, paging, scale).
//! - [`floor`]: the physical floor, a bare hyper 1 connection replaying the exact requests our client sent.
//! - [`peer`]: the `oci-client` crate's `pull_referrers` on the same fixture.
//! - [`load`]: the closed-loop load generator for registry throughput; [`real`]: real registries as processes.
//! - [`paired`]: ours against each reference in interleaved rounds (ratios robust to drift).
//! - [`record`]: per-iteration timings written next to criterion's own output; [`report`]: the Markdown report.
//!
//! Run everything and regenerate the report with `bash benches/run.sh`.

pub mod fixture;
pub mod floor;
pub mod load;
pub mod paired;
pub mod peer;
pub mod procfs;
pub mod real;
pub mod record;
pub mod report;

/// Whether the bench binary runs in criterion's quick `--test` mode (CI): every bench once, nothing recorded,
/// no real registries.
pub fn quick_mode() -> bool {
    std::env::args().any(|a| a == "--test" || a == "--list")
}
