//! `harness matrix --real`: re-measures the real rows (built-in, and from config files) and writes one results
//! file per row.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::error::{CliError, Exit};
use crate::cell::CellStatus;
use crate::matrix;
use crate::real::{RealRegistriesConfig, RealTarget, TargetError};
use crate::real_rows;
use crate::scenario::Scenario;

/// The rows to measure: the built-in ones unless `no_builtin`, then every entry of every config file; only those
/// named in `only` when it is not empty.
fn rows(
    configs: &[PathBuf],
    no_builtin: bool,
    only: &[String],
) -> Result<Vec<RealTarget>, CliError> {
    let mut targets = if no_builtin {
        Vec::new()
    } else {
        RealTarget::builtin().map_err(|e| CliError::Config {
            path: "images/builtin-registries.toml".into(),
            message: e.to_string(),
        })?
    };
    let docker_config = crate::real::config::user_docker_config();
    for path in configs {
        let loaded = RealRegistriesConfig::load(path)
            .map_err(TargetError::from)
            .and_then(|c| {
                RealTarget::from_config(&c, |k| std::env::var(k).ok(), docker_config.as_deref())
            });
        targets.extend(loaded.map_err(|e| CliError::Config {
            path: path.clone(),
            message: e.to_string(),
        })?);
    }
    let mut seen = BTreeSet::new();
    if let Some(t) = targets.iter().find(|t| !seen.insert(t.name.clone())) {
        return Err(CliError::Usage(format!(
            "two real rows are named `{}` (a config entry may not reuse a built-in row's name)",
            t.name
        )));
    }
    if let Some(missing) = only.iter().find(|n| !targets.iter().any(|t| &&t.name == n)) {
        let names: Vec<&str> = targets.iter().map(|t| t.name.as_str()).collect();
        return Err(CliError::Usage(format!(
            "--row {missing:?}: no such real row (rows: {})",
            names.join(", ")
        )));
    }
    targets.retain(|t| only.is_empty() || only.contains(&t.name));
    Ok(targets)
}

/// Measures every row and writes `<dir>/<row>.json`. Exit 0 when every row was measured without a failing cell,
/// 1 on a failing cell or a row that could not run, 2 on a bad config file.
pub(super) async fn measure_real_rows(
    scenarios: &[Arc<Scenario>],
    configs: &[PathBuf],
    no_builtin: bool,
    only: &[String],
    dir: &Path,
) -> Result<Exit, CliError> {
    let targets = rows(configs, no_builtin, only)?;
    std::fs::create_dir_all(dir).map_err(|source| CliError::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    let run_id = crate::real::target::run_id();
    let mut failed = false;
    for target in &targets {
        eprintln!("measuring {} ...", target.title);
        match real_rows::measure(target, scenarios, &run_id).await {
            Ok(r) => {
                let (pass, bad, skip) = real_rows::summary(&r);
                eprintln!("  {pass} pass, {bad} fail/error, {skip} skip");
                for c in r
                    .cells
                    .iter()
                    .filter(|c| matches!(c.status, CellStatus::Fail | CellStatus::Error))
                {
                    eprintln!("  {} {}: {}", c.status.as_str(), c.id, c.reasons.join("; "));
                }
                failed |= bad > 0;
                let path = dir.join(format!("{}.json", target.name));
                std::fs::write(&path, matrix::render_json(&r)).map_err(|source| {
                    CliError::Write {
                        path: path.clone(),
                        source,
                    }
                })?;
                eprintln!("  wrote {}", path.display());
            }
            Err(e) => {
                eprintln!("error: {e}");
                failed = true;
            }
        }
    }
    eprintln!("run `cargo run --release -p harness -- matrix` to render them into the document");
    Ok(Exit::failure_if(failed))
}
