//! `matrix --real`: for each real row ([`RealTarget`]: the built-in images, and the images and live registries a
//! config file names), every scenario run through the one cell runner (inapplicable ones recorded as skips with
//! the reason), plus the fidelity comparison with the fake profile that claims to emulate the row. Results are
//! written to `docs/real/<registry>.json`, which the plain `matrix` command renders, so the document and its drift
//! check do not need Docker.

use std::sync::Arc;

use crate::cell::CellStatus;
use crate::matrix::model::{RealRowInfo, provenance_now};
use crate::matrix::{RunResults, Target};
use crate::real::RealTarget;
use crate::runner;
use crate::scenario::Scenario;

/// Why a real row could not be measured.
#[derive(Debug, thiserror::Error)]
pub enum RealRowsError {
    /// Docker is missing or unusable (container rows only).
    #[error("{registry}: not run: {reason}")]
    NoDocker { registry: String, reason: String },
}

/// Measures one real row: every scenario, each applicable one against a fresh container (live rows: in fresh
/// repositories named by `run_id`), then fidelity.
pub async fn measure(
    target: &RealTarget,
    scenarios: &[Arc<Scenario>],
    run_id: &str,
) -> Result<RunResults, RealRowsError> {
    if target.needs_docker() {
        crate::real::target::docker_available()
            .await
            .map_err(|reason| RealRowsError::NoDocker {
                registry: target.title.clone(),
                reason,
            })?;
    }
    let row = target.row(run_id);
    let mut cells = Vec::with_capacity(scenarios.len());
    for s in scenarios {
        cells.push(runner::run_cell(&row, s).await);
    }
    let mut results = RunResults::new(provenance_now(None), Target::Real, cells);
    let date = &results.provenance.date;
    let measured = format!(
        "{} against {} (harness {}, commit {})",
        &date[..date.len().min(10)],
        target.measured_against,
        results.provenance.version,
        results.provenance.commit
    );
    let (fidelity, fidelity_md) = match target.fidelity(run_id).await {
        Ok(report) => (report.summary(), Some(report.to_markdown())),
        Err(e) => (format!("not measured: {e}"), None),
    };
    results.rows.insert(
        target.name.clone(),
        RealRowInfo {
            title: target.title.clone(),
            measured,
            counterpart: target.counterpart.name().to_string(),
            fidelity,
            fidelity_md,
        },
    );
    Ok(results)
}

/// Counts (pass, fail+error, skip) of a real run, for the summary line.
pub fn summary(r: &RunResults) -> (usize, usize, usize) {
    let c = r.counts();
    let n = |s| c.get(&s).copied().unwrap_or(0);
    (
        n(CellStatus::Pass),
        n(CellStatus::Fail) + n(CellStatus::Error),
        n(CellStatus::Skip),
    )
}
