//! Runs cells: one path for every [`Target`]. A cell gets a registry from its target (fresh, seeded with the
//! scenario's content), runs the scenario's operation through the real `referrers` code, and is judged twice:
//! [`outcome`] checks what the code returned against the seeded ground truth, and, where the target keeps a request
//! log, [`wire_checks`] check what crossed the wire. The behavioural columns of the matrix are read off that log
//! ([`crate::wire`]), never copied from the profiles' declarations.

mod execute;
mod outcome;
mod wire_checks;

use std::sync::Arc;

use crate::cell::{CellResult, CellStatus, WireExchange};
use crate::scenario::Scenario;
use crate::target::{ServeError, Target};
use crate::wire::{KEY_HEADERS, Wire};

pub use execute::MISSING_DIGEST;

/// A cell to run: a row (its target) and a scenario.
#[derive(Debug, Clone)]
pub struct Cell<T> {
    pub target: T,
    pub scenario: Arc<Scenario>,
}

impl<T: Target> Cell<T> {
    /// `<row>/<scenario>`.
    pub fn id(&self) -> String {
        format!("{}/{}", self.target.row(), self.scenario.id)
    }

    /// Whether the scenario runs on this row (otherwise the cell is a skip).
    pub fn applies(&self) -> bool {
        self.target.skip_reason(&self.scenario).is_none()
    }

    /// Runs the cell.
    pub async fn run(&self) -> CellResult {
        run_cell(&self.target, &self.scenario).await
    }
}

/// Every (row, scenario) pair: rows in the order given, scenarios by id.
pub fn all_cells<T: Clone>(targets: &[T], scenarios: &[Arc<Scenario>]) -> Vec<Cell<T>> {
    let mut cells = Vec::with_capacity(targets.len() * scenarios.len());
    for t in targets {
        for s in scenarios {
            cells.push(Cell {
                target: t.clone(),
                scenario: s.clone(),
            });
        }
    }
    cells
}

fn exchange(r: &fake_registry::LoggedRequest) -> WireExchange {
    WireExchange {
        host: r.listener,
        method: r.method.clone(),
        path: r.path.clone(),
        status: r.status,
        authorization: r.authorization.is_some(),
        headers: r
            .response_headers
            .iter()
            .filter(|(k, _)| KEY_HEADERS.contains(&k.to_ascii_lowercase().as_str()))
            .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
            .collect(),
        fault: r.fault.clone(),
    }
}

/// Runs one cell of `scenario` on `target`. Never panics on what the code under test does; harness failures (a
/// registry that did not start or could not be seeded, an operation past the guard time) become
/// [`CellStatus::Error`]; a registry that cannot hold the scenario's content makes the cell a skip with why.
pub async fn run_cell<T: Target>(target: &T, scenario: &Scenario) -> CellResult {
    let profile = target.counterpart();
    let mut result = CellResult::new(
        target.row(),
        &scenario.id,
        scenario.override_reason(profile.name()).map(str::to_string),
    );
    if let Some(why) = target.skip_reason(scenario) {
        result.reasons.push(why);
        return result;
    }
    let served = match target.serve(scenario).await {
        Ok(s) => s,
        Err(ServeError::Unsupported(why)) => {
            result.reasons.push(why);
            return result;
        }
        Err(ServeError::Failed(why)) => return result.errored(why),
    };
    if let Some(log) = &served.log {
        log.clear();
    }
    let guard = target.guard(scenario);
    let outcome = tokio::time::timeout(
        guard,
        execute::execute(
            scenario,
            &served.base_url,
            &served.seeded,
            served.accepted.as_ref(),
        ),
    )
    .await;
    let log = served.log.as_ref().map(|l| l.read());
    if let Some(log) = &log {
        result.exchanges = log.requests.iter().map(exchange).collect();
    }
    let mut run = match outcome {
        Err(_) => {
            return result.errored(format!(
                "the operation did not end within the harness guard of {} s",
                guard.as_secs()
            ));
        }
        Ok(Err(e)) => return result.errored(e),
        Ok(Ok(run)) => run,
    };
    let expect = scenario.expect_for(profile.name());
    let filter = scenario.artifact_types();
    if let Some(log) = &log {
        run.observed.request_count = log.requests.len();
        run.observed.wire = Wire::from_log(&served.base_url, &log.requests);
    }
    let mut reasons = outcome::judge(&profile, &expect, &run, &served.seeded, filter);
    if let Some(log) = &log {
        reasons.extend(wire_checks::judge(
            &profile,
            &expect,
            &run.observed,
            &served.base_url,
            log,
        ));
    }
    run.observed.referrers_expected =
        outcome::expected_total(&expect, &run, &served.seeded, filter);
    result.status = if reasons.is_empty() {
        CellStatus::Pass
    } else {
        CellStatus::Fail
    };
    result.reasons = reasons;
    result.observed = run.observed;
    drop(served);
    result
}

/// Runs cells with at most `parallel` at once; `progress` is called after each cell ends. Results come back in the
/// order of `cells`.
pub async fn run_cells<T: Target + Clone + 'static>(
    cells: Vec<Cell<T>>,
    parallel: usize,
    progress: impl Fn(&CellResult) + Send + Sync + 'static,
) -> Vec<CellResult> {
    let sem = Arc::new(tokio::sync::Semaphore::new(parallel.max(1)));
    let progress = Arc::new(progress);
    let mut handles = Vec::with_capacity(cells.len());
    for cell in cells {
        let sem = sem.clone();
        let progress = progress.clone();
        let id = cell.id();
        let handle = tokio::spawn(async move {
            let _permit = sem.acquire_owned().await;
            let r = cell.run().await;
            progress(&r);
            r
        });
        handles.push((id, handle));
    }
    let mut out = Vec::with_capacity(handles.len());
    for (id, h) in handles {
        match h.await {
            Ok(r) => out.push(r),
            Err(e) => {
                let (row, scenario) = id.split_once('/').unwrap_or((id.as_str(), ""));
                out.push(
                    CellResult::new(row, scenario, None)
                        .errored(format!("cell task panicked: {e}")),
                );
            }
        }
    }
    out
}
