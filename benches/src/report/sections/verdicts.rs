//! The targets section: one verdict per target, gathered while the other sections are written, in place of the
//! placeholder under its heading once the whole document is written.

use std::fmt::Write as _;

use super::measured::Measured;
use crate::paired::PairedRow;
use crate::report::inputs::{Inputs, meta_u64, same_answer};
use crate::report::{TARGET_FLOOR_RATIO, TARGET_SCALE_RATIO};

/// Stands for the verdicts until every section is written.
const PLACEHOLDER: &str = "VERDICTS";

/// The targets heading and the placeholder of its verdicts.
pub(super) fn placeholder(w: &mut String) {
    let _ = writeln!(w, "## Targets\n\n{PLACEHOLDER}\n");
}

/// The verdicts, in the order the sections judged them.
#[derive(Default)]
pub(super) struct Verdicts(Vec<String>);

impl Verdicts {
    /// The document with the verdicts (or `(nothing measured)`) in place of the placeholder.
    pub(super) fn fill(self, doc: String) -> String {
        let v = if self.0.is_empty() {
            "(nothing measured)".to_string()
        } else {
            self.0.join("\n")
        };
        doc.replace(PLACEHOLDER, &v)
    }

    /// Warm ours ÷ the floor: judged on the paired run when it has the path, else on criterion's medians.
    pub(super) fn floor(&mut self, inputs: &Inputs, floor: &Measured, ours: &Measured) {
        let path = floor.path;
        let q = ours.stats.median / floor.stats.median;
        self.0.push(match inputs.paired_row(path, "floor") {
            Some(p) => {
                let split = http_split(inputs, path, p);
                format!(
                    "- warm {path}: ours ÷ floor = **{:.2}×** paired (95% CI {:.2}–{:.2}; criterion \
                     medians {q:.2}×{split}) (target ≤ {TARGET_FLOOR_RATIO}×) {}",
                    p.median,
                    p.ci95.0,
                    p.ci95.1,
                    met(p.median <= TARGET_FLOOR_RATIO)
                )
            }
            None => format!(
                "- warm {path}: ours ÷ floor = **{q:.2}×** (criterion medians; no paired run) \
                 (target ≤ {TARGET_FLOOR_RATIO}×) {}",
                met(q <= TARGET_FLOOR_RATIO)
            ),
        });
    }

    /// Ours ÷ a peer (`oci-client`, `oci-client-cosign`): judged only when it returns our answer, on the paired
    /// run when there is one (warm), else on criterion's medians; otherwise not comparable.
    pub(super) fn peer(&mut self, inputs: &Inputs, peer: &Measured, ours: &Measured) {
        let (phase, path, client) = (peer.phase, peer.path, peer.client);
        let same = same_answer(peer.record);
        let q = ours.stats.median / peer.stats.median;
        let paired = (phase == "warm")
            .then(|| inputs.paired_row(path, client))
            .flatten()
            .filter(|p| p.same_answer);
        self.0.push(if let (true, Some(p)) = (same, paired) {
            format!(
                "- {phase} {path}: ours ÷ {client} = **{:.2}×** paired (95% CI {:.2}–{:.2}; \
                 criterion medians {q:.2}×) (same answer; target < 1×) {}",
                p.median,
                p.ci95.0,
                p.ci95.1,
                met(p.median < 1.0)
            )
        } else if same {
            format!(
                "- {phase} {path}: ours ÷ {client} = **{q:.2}×** (criterion medians; same answer; \
                 target < 1×) {}",
                met(q < 1.0)
            )
        } else {
            format!(
                "- {phase} {path}: ours ÷ {client} = {q:.2}× — not comparable, it returns {} \
                 of {} referrers",
                meta_u64(peer.record, "referrers").unwrap_or(0),
                meta_u64(ours.record, "referrers").unwrap_or(0)
            )
        });
    }

    /// The scale run: ours ÷ the ideal bound.
    pub(super) fn scale(&mut self, q: f64) {
        self.0.push(format!(
            "- scale: ours ÷ ideal = **{q:.2}×** (target ≤ {TARGET_SCALE_RATIO}×) {}",
            met(q <= TARGET_SCALE_RATIO)
        ));
    }

    /// A throughput id that was skipped, and why.
    pub(super) fn not_measured(&mut self, id: &str, why: &str) {
        self.0
            .push(format!("- throughput: `{id}` not measured ({why})"));
    }

    /// The fake's referrers GET ÷ a real registry's manifest GET, in requests per second.
    pub(super) fn throughput(&mut self, id: &str, fake: f64, real: f64) {
        self.0.push(format!(
            "- throughput: fake referrers GET ÷ `{id}` = **{:.2}×** (target > 1×) {}",
            fake / real,
            met(fake > real)
        ));
    }
}

/// `; of which the HTTP stack … and our code …`, when the paired run has floor-reqwest on the path.
fn http_split(inputs: &Inputs, path: &str, floor: &PairedRow) -> String {
    match (inputs.paired_row(path, "floor-reqwest"), floor.median_ns.1) {
        (Some(rq), f) if f > 0.0 => format!(
            "; of which the HTTP stack (floor-reqwest ÷ floor) {:.2}× and our code \
             (ours ÷ floor-reqwest) {:.2}×",
            rq.median_ns.1 / f,
            rq.median
        ),
        _ => String::new(),
    }
}

fn met(b: bool) -> &'static str {
    if b { "✅ met" } else { "❌ missed" }
}
