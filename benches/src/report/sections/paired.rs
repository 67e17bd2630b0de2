//! "Paired ratios (interleaved rounds)": how `bench-tool paired` measures, and one row per path and reference
//! (absent without a paired run).

use std::fmt::Write as _;

use crate::paired::Paired;
use crate::report::format::dur;

/// Intro and table, if there was a paired run.
pub(super) fn section(w: &mut String, paired: Option<&Paired>) {
    let Some(p) = paired else {
        return;
    };
    intro(w, p);
    table(w, p);
}

/// How the rounds run and what the interval means.
fn intro(w: &mut String, p: &Paired) {
    let _ = writeln!(
        w,
        "\n### Paired ratios (interleaved rounds)\n\n\
             `bench-tool paired`: criterion measures one id after another, so a slow stretch of this shared machine \
             that falls on one client and not the other moves their ratio (the same path has landed on both sides \
             of a target from one run to the next). Here each of {} rounds runs every client {} times back to back, \
             in an order that rotates from round to round, against the same in-process fake; each round gives one \
             ratio (median of ours ÷ median of the reference, within the round). The table gives the median of \
             those ratios, a distribution-free 95% confidence interval of it (binomial order statistics) and the \
             quartiles. The targets above are judged on these. The interval describes one run, not the spread between \
             runs: across nine paired runs on 2026-11-24 (this code and the variants tried below) the api ratio to \
             oci-client ranged from 1.05× to 1.08×, so a difference of a few percent between two runs is not \
             evidence by itself.\n",
        p.rounds, p.per_round
    );
}

/// One row per path and reference, in the order of the run.
fn table(w: &mut String, p: &Paired) {
    let _ = writeln!(
        w,
        "| path | ours ÷ | same answer | ratio (median) | 95% CI | quartiles | ours (median) | reference (median) |\n|---|---|---|---:|---:|---:|---:|---:|"
    );
    for r in &p.rows {
        let _ = writeln!(
            w,
            "| {} | {} | {} | **{:.2}×** | {:.2}–{:.2} | {:.2}–{:.2} | {} | {} |",
            r.path,
            r.against,
            if r.same_answer { "yes" } else { "**no**" },
            r.median,
            r.ci95.0,
            r.ci95.1,
            r.quartiles.0,
            r.quartiles.1,
            dur(r.median_ns.0),
            dur(r.median_ns.1)
        );
    }
}
