//! `matrix --real`: the scenarios that can run against a real registry, each against a fresh container, plus the
//! fidelity comparison with the fake profile that claims to emulate it. Results are written to
//! `docs/real/<registry>.json`, which the plain `matrix` command renders, so the document and its drift check do
//! not need Docker.

use std::sync::Arc;

use crate::matrix::{RunResults, Target, model::provenance_now};
use crate::real::{self, RealRegistryKind, RunDecision};
use crate::runner::{self, CellStatus};
use crate::scenario::Scenario;

/// Why real rows could not be measured.
#[derive(Debug, thiserror::Error)]
pub enum RealRowsError {
    /// Docker is missing or unusable.
    #[error("real registries not run: {0}")]
    NoDocker(String),
    /// The counterpart profile is unknown to this build.
    #[error("fake profile `{0}` (the counterpart of a real registry) does not exist")]
    NoProfile(String),
    /// A container could not be started.
    #[error("{registry}: {source}")]
    Launch {
        registry: String,
        #[source]
        source: real::LaunchError,
    },
}

/// Measures one real registry: every scenario (inapplicable ones recorded as skips with the reason), then fidelity.
pub async fn measure(
    kind: RealRegistryKind,
    scenarios: &[Arc<Scenario>],
) -> Result<RunResults, RealRowsError> {
    match real::run_decision().await {
        RunDecision::Run => {}
        RunDecision::Skip(why) | RunDecision::Fail(why) => {
            return Err(RealRowsError::NoDocker(why));
        }
    }
    let counterpart = fake_registry::Profile::by_name(kind.fake_profile())
        .ok_or_else(|| RealRowsError::NoProfile(kind.fake_profile().to_string()))?;
    let name = kind.name();
    let mut cells = Vec::with_capacity(scenarios.len());
    for s in scenarios {
        if runner::real_skip_reason(s, &counterpart).is_some() {
            cells.push(runner::run_real_cell(name, counterpart, s.clone(), "unused").await);
            continue;
        }
        let registry =
            real::start_real_registry(kind)
                .await
                .map_err(|source| RealRowsError::Launch {
                    registry: kind.row_label(),
                    source,
                })?;
        let cell = runner::run_real_cell(name, counterpart, s.clone(), registry.base_url()).await;
        drop(registry);
        cells.push(cell);
    }
    let mut results = RunResults::new(provenance_now(None), Target::Real, cells);
    let date = results.provenance.date.clone();
    results
        .extra
        .insert(format!("{name}.title"), kind.row_label().into());
    results.extra.insert(
        format!("{name}.measured"),
        format!(
            "{} against the locally built image `{}` (harness {}, commit {})",
            &date[..date.len().min(10)],
            kind.image_ref(),
            results.provenance.version,
            results.provenance.commit
        )
        .into(),
    );
    results
        .extra
        .insert(format!("{name}.counterpart"), counterpart.name().into());
    match real::fidelity_for_kind(kind).await {
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
