//! `matrix --real`: for each real row ([`RealTarget`]: the built-in images, and the images and live registries a
//! config file names), the scenarios that can run against a real registry, plus the fidelity comparison with the
//! fake profile that claims to emulate it. Results are written to
//! `docs/real/<registry>.json`, which the plain `matrix` command renders, so the document and its drift check do
//! not need Docker.

use std::sync::Arc;

use crate::matrix::{RunResults, Target, model::provenance_now};
use crate::real::{self, RealTarget};
use crate::runner::{self, CellStatus};
use crate::scenario::Scenario;

/// Why a real row could not be measured.
#[derive(Debug, thiserror::Error)]
pub enum RealRowsError {
    /// Docker is missing or unusable (container rows only).
    #[error("{registry}: not run: {reason}")]
    NoDocker { registry: String, reason: String },
    /// The counterpart profile is unknown to this build.
    #[error("{registry}: fake profile `{profile}` (its counterpart) does not exist")]
    NoProfile { registry: String, profile: String },
    /// A container could not be started.
    #[error("{registry}: {source}")]
    Launch {
        registry: String,
        #[source]
        source: real::LaunchError,
    },
}

/// Measures one real row: every scenario (inapplicable ones recorded as skips with the reason), each applicable
/// one against a fresh container (live rows: in fresh repositories named by `run_id`), then fidelity.
pub async fn measure(
    target: &RealTarget,
    scenarios: &[Arc<Scenario>],
    run_id: &str,
) -> Result<RunResults, RealRowsError> {
    if target.needs_docker() {
        real::target::docker_available()
            .await
            .map_err(|reason| RealRowsError::NoDocker {
                registry: target.title.clone(),
                reason,
            })?;
    }
    let counterpart = fake_registry::Profile::by_name(&target.counterpart).ok_or_else(|| {
        RealRowsError::NoProfile {
            registry: target.title.clone(),
            profile: target.counterpart.clone(),
        }
    })?;
    let name = target.name.as_str();
    let has_credentials = target.credentials.is_some();
    let mut cells = Vec::with_capacity(scenarios.len());
    for s in scenarios {
        let access = target.access(run_id, &s.id);
        if runner::real_skip_reason(s, &counterpart, has_credentials).is_some() {
            cells
                .push(runner::run_real_cell(name, counterpart, s.clone(), "unused", &access).await);
            continue;
        }
        let instance = target
            .start()
            .await
            .map_err(|source| RealRowsError::Launch {
                registry: target.title.clone(),
                source,
            })?;
        let cell =
            runner::run_real_cell(name, counterpart, s.clone(), instance.base_url(), &access).await;
        drop(instance);
        cells.push(cell);
    }
    let mut results = RunResults::new(provenance_now(None), Target::Real, cells);
    let date = results.provenance.date.clone();
    results
        .extra
        .insert(format!("{name}.title"), target.title.clone().into());
    results.extra.insert(
        format!("{name}.measured"),
        format!(
            "{} against {} (harness {}, commit {})",
            &date[..date.len().min(10)],
            target.measured_against,
            results.provenance.version,
            results.provenance.commit
        )
        .into(),
    );
    results
        .extra
        .insert(format!("{name}.counterpart"), counterpart.name().into());
    match target.fidelity(run_id).await {
        Ok(report) => {
            results
                .extra
                .insert(format!("{name}.fidelity"), report.summary().into());
            results
                .extra
                .insert(format!("{name}.fidelity_md"), report.to_markdown().into());
        }
        Err(e) => {
            results.extra.insert(
                format!("{name}.fidelity"),
                format!("not measured: {e}").into(),
            );
        }
    }
    Ok(results)
}

/// Counts (pass, fail+error) of a real run, for the summary line.
pub fn summary(r: &RunResults) -> (usize, usize, usize) {
    let c = r.counts();
    let n = |s| c.get(&s).copied().unwrap_or(0);
    (
        n(CellStatus::Pass),
        n(CellStatus::Fail) + n(CellStatus::Error),
        n(CellStatus::Skip),
    )
}
