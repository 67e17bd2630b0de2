//! "Registry throughput": requests per second of the fake and of the real registries under one closed-loop load,
//! and the verdicts of the fake against each real registry.

use std::fmt::Write as _;

use super::verdicts::Verdicts;
use crate::report::inputs::{Inputs, meta_str};
use crate::report::stats::rate;

/// The throughput bench ids, in table order.
const IDS: [&str; 5] = [
    "throughput/fake/referrers-get",
    "throughput/fake/manifest-get",
    "throughput/fake/referrers-get-log-full",
    "throughput/distribution-2.8.2/manifest-get",
    "throughput/ferro-oci-server-1.0.0/manifest-get",
];

/// Intro, one row per id, and the verdicts.
pub(super) fn section(w: &mut String, inputs: &Inputs, verdicts: &mut Verdicts) {
    intro(w);
    let _ = writeln!(
        w,
        "| bench id | requests/s (Σ req ÷ Σ time) | median of samples | spread |\n|---|---:|---:|---:|"
    );
    let mut fake_rate = None;
    let mut real_rates = Vec::new();
    for id in IDS {
        let Some(all) = row(w, inputs, verdicts, id) else {
            continue;
        };
        if id == "throughput/fake/referrers-get" {
            fake_rate = Some(all);
        } else if !id.starts_with("throughput/fake") {
            real_rates.push((id, all));
        }
    }
    if let Some(f) = fake_rate {
        for (id, r) in real_rates {
            verdicts.throughput(id, f, r);
        }
    }
}

/// The load generator, the servers and the request log.
fn intro(w: &mut String) {
    let _ = writeln!(
        w,
        "\n## Registry throughput\n\n\
         One closed-loop load generator (a current-thread tokio runtime, 32 kept-alive HTTP/1.1 connections, the \
         same GET back to back) against each registry on loopback. The fake (in the bench process, 2 worker \
         threads, logging every request) answers its referrers GET and its manifest GET; the real registries run \
         as processes with filesystem storage in a temp dir and answer a manifest GET of one pushed image. The \
         load generator shares the 2 cores with the server in every case. The fake's request log is emptied before \
         each sample (as in every discovery bench) except in `referrers-get-log-full`, which first sends 20,000 \
         requests so that the log is full and evicts on every request.\n"
    );
}

/// One id's row: requests per second (returned), or why it was skipped (a verdict too), or `not run`.
fn row(w: &mut String, inputs: &Inputs, verdicts: &mut Verdicts, id: &str) -> Option<f64> {
    let Some(r) = inputs.record(id) else {
        let _ = writeln!(w, "| `{id}` | not run | | |");
        return None;
    };
    match rate(r) {
        Some((all, med, spread)) => {
            let _ = writeln!(
                w,
                "| `{id}` | {all:.0} | {med:.0} | {:.0}% |",
                spread * 100.0
            );
            Some(all)
        }
        None => {
            let why = meta_str(r, "skipped").unwrap_or("no samples");
            let _ = writeln!(w, "| `{id}` | skipped: {why} | | |");
            verdicts.not_measured(id, why);
            None
        }
    }
}
