//! `harness matrix`: the scenarios against every fake profile (or a shard, or one cell), rendered as the Markdown
//! document, JSON or JUnit, the drift check, and `--real` (see [`super::matrix_real`]).

use std::io::IsTerminal;
use std::sync::Arc;

use fake_registry::Profile;

use super::args::{MatrixAction, MatrixArgs, MatrixFormat};
use super::error::{CliError, Exit};
use crate::cell::{CellResult, CellStatus};
use crate::fake_target::FakeTarget;
use crate::matrix::{self, RunResults, Target};
use crate::runner::{self, Cell};
use crate::scenario::{self, Scenario};

/// The profiles `--profile` selects (all when none is given).
fn selected_profiles(args: &MatrixArgs) -> Result<Vec<Profile>, CliError> {
    for p in &args.profile {
        if Profile::by_name(p).is_none() {
            return Err(CliError::Usage(format!(
                "--profile {p:?}: no such profile (see `fake-registry --list-profiles`)"
            )));
        }
    }
    Ok(Profile::all()
        .iter()
        .filter(|p| args.profile.is_empty() || args.profile.iter().any(|x| x == p.name()))
        .copied()
        .collect())
}

/// The scenarios `--scenario` selects from the folder (all when none is given).
fn selected_scenarios(args: &MatrixArgs) -> Result<Vec<Arc<Scenario>>, CliError> {
    let dir = args.scenarios.clone().unwrap_or_else(scenario::default_dir);
    let scenarios = scenario::load_dir(&dir)?;
    for s in &args.scenario {
        if !scenarios.iter().any(|x| &x.id == s) {
            return Err(CliError::Usage(format!(
                "--scenario {s:?}: no such scenario in {}",
                dir.display()
            )));
        }
    }
    Ok(scenarios
        .into_iter()
        .filter(|s| args.scenario.is_empty() || args.scenario.contains(&s.id))
        .map(Arc::new)
        .collect())
}

/// `matrix cell P/S`: one cell with its verdict and every exchange.
async fn show_cell(cells: &[Cell<FakeTarget>], id: &str) -> Result<Exit, CliError> {
    let Some(cell) = cells.iter().find(|c| c.id() == id) else {
        return Err(CliError::Usage(format!(
            "no cell {id:?} (see `harness matrix list`)"
        )));
    };
    let r = cell.run().await;
    println!("{} {}", r.status.as_str().to_uppercase(), r.id);
    for why in &r.reasons {
        println!("  reason: {why}");
    }
    println!(
        "  observed: {}",
        serde_json::to_string(&r.observed).unwrap_or_default()
    );
    println!("  exchanges ({}):", r.exchanges.len());
    for x in &r.exchanges {
        println!(
            "    [{}] {} {} -> {}{}{}",
            x.host.as_str(),
            x.method,
            x.path,
            x.status,
            if x.authorization {
                " (Authorization: [redacted])"
            } else {
                ""
            },
            x.fault
                .as_ref()
                .map_or(String::new(), |f| format!(" fault={f}"))
        );
        for (k, v) in &x.headers {
            println!("        {k}: {v}");
        }
    }
    Ok(Exit::failure_if(matches!(
        r.status,
        CellStatus::Fail | CellStatus::Error
    )))
}

/// Runs the cells with a progress bar on a terminal (quiet in CI) and prints the summary.
async fn run_all(cells: Vec<Cell<FakeTarget>>, parallel: usize) -> Vec<CellResult> {
    let show_bar = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
    let bar = show_bar.then(|| {
        let b = indicatif::ProgressBar::new(cells.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} cells {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let bar2 = bar.clone();
    let results = runner::run_cells(cells, parallel, move |r| {
        if let Some(b) = &bar2 {
            b.inc(1);
            if matches!(r.status, CellStatus::Fail | CellStatus::Error) {
                b.println(format!("{} {}", r.status.as_str(), r.id));
            }
        }
    })
    .await;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    results
}

/// Prints `<n> cells in <t> s: …` and each failing cell; returns whether any failed or errored.
fn print_summary(run: &RunResults, elapsed: std::time::Duration) -> bool {
    let counts = run.counts();
    let n = |s| counts.get(&s).copied().unwrap_or(0);
    eprintln!(
        "{} cells in {:.1} s: {} pass, {} fail, {} error, {} skip",
        run.cells.len(),
        elapsed.as_secs_f64(),
        n(CellStatus::Pass),
        n(CellStatus::Fail),
        n(CellStatus::Error),
        n(CellStatus::Skip)
    );
    for c in run
        .cells
        .iter()
        .filter(|c| matches!(c.status, CellStatus::Fail | CellStatus::Error))
    {
        eprintln!("  {} {}: {}", c.status.as_str(), c.id, c.reasons.join("; "));
    }
    n(CellStatus::Fail) + n(CellStatus::Error) > 0
}

/// `harness matrix`.
pub async fn matrix_cmd(args: MatrixArgs) -> Result<Exit, CliError> {
    let selected = selected_scenarios(&args)?;
    let profiles = selected_profiles(&args)?;
    let mut cells = runner::all_cells(&FakeTarget::all(&profiles), &selected);

    match &args.action {
        Some(MatrixAction::List) => {
            for c in &cells {
                let applies = if c.applies() { "applies" } else { "skip" };
                println!("{}\t{applies}", c.id());
            }
            return Ok(Exit::Success);
        }
        Some(MatrixAction::Cell { id }) => return show_cell(&cells, id).await,
        None => {}
    }

    let real_dir = args
        .real_dir
        .clone()
        .unwrap_or_else(matrix::real_results_dir);
    if args.real {
        return super::matrix_real::measure_real_rows(
            &selected,
            &args.real_config,
            args.no_builtin,
            &args.row,
            &real_dir,
        )
        .await;
    }

    if let Some((i, n)) = args.shard {
        cells = cells
            .into_iter()
            .enumerate()
            .filter(|(k, _)| k % n == i - 1)
            .map(|(_, c)| c)
            .collect();
    }
    let started = std::time::Instant::now();
    let results = run_all(cells, args.parallel).await;
    let shard = args.shard.map(|(i, n)| format!("{i}/{n}"));
    let run = RunResults::new(matrix::model::provenance_now(shard), Target::Fake, results);
    let failed = print_summary(&run, started.elapsed());

    let text = match args.format {
        MatrixFormat::Json => matrix::render_json(&run),
        MatrixFormat::Junit => matrix::render_junit(&run),
        MatrixFormat::Md => {
            let real = matrix::read_real_results(&real_dir)?;
            let shown: Vec<Scenario> = selected.iter().map(|s| (**s).clone()).collect();
            matrix::markdown::render(&run, &real, &profiles, &shown)
        }
    };
    if let Some(committed) = &args.check {
        let old = std::fs::read_to_string(committed).map_err(|source| CliError::Read {
            path: committed.clone(),
            source,
        })?;
        if let Some(diff) = matrix::describe_drift(&old, &text) {
            return Err(CliError::Drift {
                path: committed.clone(),
                diff,
            });
        }
        eprintln!("{} is up to date", committed.display());
        return Ok(Exit::failure_if(failed));
    }
    let out = match (&args.out, args.format) {
        (Some(p), _) => Some(p.clone()),
        (None, MatrixFormat::Md) => Some(matrix::document_path()),
        (None, _) => None,
    };
    match out {
        Some(p) => {
            if let Some(parent) = p.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            std::fs::write(&p, &text).map_err(|source| CliError::Write {
                path: p.clone(),
                source,
            })?;
            eprintln!("wrote {}", p.display());
        }
        None => print!("{text}"),
    }
    Ok(Exit::failure_if(failed))
}
