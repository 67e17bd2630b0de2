//! The results file: one per run, enough to re-render the matrix. Runs can be sharded and merged.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::runner::{CellResult, CellStatus};

/// Bumped whenever a field changes meaning or disappears.
pub const SCHEMA_VERSION: u32 = 1;

/// Where and when a run happened.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Provenance {
    /// `git rev-parse HEAD` of the workspace, or `unknown`.
    pub commit: String,
    /// The harness crate version.
    pub version: String,
    /// UTC date and time of the run (RFC 3339).
    pub date: String,
    /// `uname -srm` and the core count.
    pub machine: String,
    /// `--shard I/N` when the run was a shard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
}

/// What the rows of a results file were measured against.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    /// The embedded fake registry profiles.
    #[default]
    Fake,
    /// Real registries (containers).
    Real,
}

/// A results file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RunResults {
    pub schema_version: u32,
    pub provenance: Provenance,
    #[serde(default)]
    pub target: Target,
    /// Cells, sorted by id.
    pub cells: Vec<CellResult>,
    /// Free-form facts a real-registry run records (registry version measured, fidelity figures, ...).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// A results file could not be read or combined.
#[derive(Debug, thiserror::Error)]
pub enum ResultsError {
    #[error("{path}: cannot read: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a results file: {source}")]
    Parse {
        path: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("{path}: schema_version {found}, this harness reads {SCHEMA_VERSION}")]
    Schema { path: String, found: u32 },
    #[error("{path}: cell {id} also appears in an earlier file with a different result")]
    Conflict { path: String, id: String },
}

impl RunResults {
    pub fn new(provenance: Provenance, target: Target, mut cells: Vec<CellResult>) -> Self {
        cells.sort_by(|a, b| a.id.cmp(&b.id));
        RunResults {
            schema_version: SCHEMA_VERSION,
            provenance,
            target,
            cells,
            extra: BTreeMap::new(),
        }
    }

    pub fn read(path: &Path) -> Result<Self, ResultsError> {
        let p = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ResultsError::Read {
            path: p.clone(),
            source: e,
        })?;
        let r: RunResults = serde_json::from_str(&text).map_err(|e| ResultsError::Parse {
            path: p.clone(),
            source: e,
        })?;
        if r.schema_version != SCHEMA_VERSION {
            return Err(ResultsError::Schema {
                path: p,
                found: r.schema_version,
            });
        }
        Ok(r)
    }

    /// Counts of each status.
    pub fn counts(&self) -> BTreeMap<CellStatus, usize> {
        let mut m = BTreeMap::new();
        for c in &self.cells {
            *m.entry(c.status).or_insert(0) += 1;
        }
        m
    }

    /// Combines shards of one run (or several runs): cells are unioned by id; the same id twice must agree.
    pub fn merge(files: &[(String, RunResults)]) -> Result<RunResults, ResultsError> {
        let mut by_id: BTreeMap<String, CellResult> = BTreeMap::new();
        let mut provenance = Provenance::default();
        let mut target = Target::Fake;
        let mut extra = BTreeMap::new();
        for (i, (path, r)) in files.iter().enumerate() {
            if i == 0 {
                provenance = r.provenance.clone();
                provenance.shard = None;
                target = r.target;
            }
            extra.extend(r.extra.clone());
            for c in &r.cells {
                if let Some(prev) = by_id.get(&c.id) {
                    if prev.status != c.status || prev.observed != c.observed {
                        return Err(ResultsError::Conflict {
                            path: path.clone(),
                            id: c.id.clone(),
                        });
                    }
                    continue;
                }
                by_id.insert(c.id.clone(), c.clone());
            }
        }
        let mut out = RunResults::new(provenance, target, by_id.into_values().collect());
        out.extra = extra;
        Ok(out)
    }
}

/// Provenance of this process's run.
pub fn provenance_now(shard: Option<String>) -> Provenance {
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    let machine = std::process::Command::new("uname")
        .arg("-srm")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| std::env::consts::OS.to_string());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    Provenance {
        commit,
        version: env!("CARGO_PKG_VERSION").to_string(),
        date: httpdate_now(),
        machine: format!("{machine}, {cores} cores"),
        shard,
    }
}

fn httpdate_now() -> String {
    // RFC 3339 in UTC without a date crate: seconds since the epoch turned into a civil date.
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_416), (2025, 11, 24));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }
}
