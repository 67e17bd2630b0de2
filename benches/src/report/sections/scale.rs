//! "Scale": the 1,000-subject run against its ideal bound (requests × measured hold ÷ concurrency), with the floor
//! and the fake's capacity beside it, and its verdict.

use std::fmt::Write as _;

use super::verdicts::Verdicts;
use crate::fixture::{SCALE_CONCURRENCY, SCALE_LATENCY_MS, SCALE_SUBJECTS};
use crate::record::Record;
use crate::report::format::dur;
use crate::report::inputs::{Inputs, meta_u64};
use crate::report::stats::{Stats, rate};

const OURS: &str = "discovery/scale/1000x32/ours";
const FLOOR: &str = "discovery/scale/1000x32/floor";

/// Intro, the figures of the run and its verdict, or `(not run)`.
pub(super) fn section(w: &mut String, inputs: &Inputs, verdicts: &mut Verdicts) {
    intro(w);
    match (inputs.record(OURS), inputs.stats(OURS)) {
        (Some(r), Some(s)) => verdicts.scale(table(w, inputs, r, &s)),
        _ => {
            let _ = writeln!(w, "(not run)");
        }
    }
}

/// What the run does and how the ideal bound is computed.
fn intro(w: &mut String) {
    let _ = writeln!(
        w,
        "\n## Scale: {SCALE_SUBJECTS} subjects, {SCALE_LATENCY_MS} ms latency per request, {SCALE_CONCURRENCY} at a time\n\n\
         `discover_many` over {SCALE_SUBJECTS} subjects (3 referrers each, profile `oci-1.1`, a `latency` fault of \
         {SCALE_LATENCY_MS} ms on every request), `max_concurrent` {SCALE_CONCURRENCY}, capability already learned. \
         The ideal bound is requests × hold ÷ concurrency, where the hold is the *measured* median time of one \
         request on this fake as the floor client sees it (tokio rounds the fault's sleep up to its timer tick). \
         The floor sends the same requests over {SCALE_CONCURRENCY} kept-alive connections.\n"
    );
}

/// The figures of the run; returns ours ÷ ideal.
fn table(w: &mut String, inputs: &Inputs, r: &Record, s: &Stats) -> f64 {
    let hold = meta_u64(r, "hold_ns").unwrap_or(0) as f64;
    let ideal = meta_u64(r, "ideal_ns").unwrap_or(0) as f64;
    let q = s.median / ideal;
    let _ = writeln!(w, "| figure | value |\n|---|---:|");
    let _ = writeln!(
        w,
        "| requests per run | {} |",
        meta_u64(r, "requests").unwrap_or(0)
    );
    let _ = writeln!(w, "| measured hold per request (median) | {} |", dur(hold));
    let _ = writeln!(w, "| ideal bound | {} |", dur(ideal));
    if let Some(c) = meta_u64(r, "floor_request_median_ns_at_concurrency") {
        let _ = writeln!(
            w,
            "| one request with {SCALE_CONCURRENCY} in flight (floor, median) | {} |",
            dur(c as f64)
        );
    }
    let _ = writeln!(
        w,
        "| ours: median per run (p99, spread, n) | {} |",
        per_run(s)
    );
    if let Some(f) = inputs.stats(FLOOR) {
        let _ = writeln!(
            w,
            "| floor: median per run (p99, spread, n) | {} |",
            per_run(&f)
        );
        let _ = writeln!(w, "| floor ÷ ideal | {:.2}× |", f.median / ideal);
    }
    let _ = writeln!(w, "| **ours ÷ ideal** | **{q:.2}×** |");
    capacity(w, inputs, r, s, ideal);
    if let Some(p) = meta_u64(r, "peak_in_flight_at_fake") {
        let _ = writeln!(w, "| peak requests in flight at the fake | {p} |");
    }
    if let Some(ms) = r.meta.get("first_run_ms").and_then(|v| v.as_f64()) {
        let _ = writeln!(w, "| first run (capability probe included) | {ms:.1} ms |");
    }
    q
}

/// `median (p99, spread, n)` of the runs.
fn per_run(s: &Stats) -> String {
    format!(
        "{} ({}, {:.0}%, {})",
        dur(s.median),
        dur(s.p99),
        s.spread * 100.0,
        s.n
    )
}

/// What the fake itself can serve (the ideal bound assumes the server is never the limit), from its measured
/// referrers-GET throughput.
fn capacity(w: &mut String, inputs: &Inputs, r: &Record, s: &Stats, ideal: f64) {
    let Some((rps, _, _)) = inputs
        .record("throughput/fake/referrers-get")
        .and_then(rate)
    else {
        return;
    };
    let requests = meta_u64(r, "requests").unwrap_or(0) as f64;
    let capacity = requests / rps * 1e9;
    let bound = capacity.max(ideal);
    let _ = writeln!(
        w,
        "| capacity bound: requests ÷ the fake's measured referrers-GET throughput ({rps:.0}/s, below) | {} |",
        dur(capacity)
    );
    let _ = writeln!(
        w,
        "| ours ÷ max(ideal, capacity bound) | {:.2}× |",
        s.median / bound
    );
}
