//! The results file: one per run, enough to re-render the matrix. Runs can be sharded and merged.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::cell::{CellResult, CellStatus};

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
    /// What a real-registry run records about each row it measured, by row name. Serialised as the flat `extra`
    /// object of schema 1 (`"<row>.title"`, `"<row>.measured"`, …; see [`RealRowInfo`]).
    #[serde(
        default,
        rename = "extra",
        skip_serializing_if = "BTreeMap::is_empty",
        with = "row_info"
    )]
    pub rows: BTreeMap<String, RealRowInfo>,
}

/// What a real-registry run records about one row beside its cells.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RealRowInfo {
    /// The row's title, e.g. "Distribution 2.8.2 (real, container)" (`<row>.title`).
    pub title: String,
    /// When and against what it was measured (`<row>.measured`).
    pub measured: String,
    /// The fake profile compared with it (`<row>.counterpart`).
    pub counterpart: String,
    /// The fidelity figure of the counterpart, or why it was not measured (`<row>.fidelity`).
    pub fidelity: String,
    /// Every fidelity difference, as Markdown, when it was measured (`<row>.fidelity_md`).
    pub fidelity_md: Option<String>,
}

/// The `extra` object of schema 1: one string per `"<row>.<field>"` key, keys in sorted order.
mod row_info {
    use std::collections::BTreeMap;

    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::RealRowInfo;

    const FIELDS: [&str; 5] = [
        "counterpart",
        "fidelity",
        "fidelity_md",
        "measured",
        "title",
    ];

    pub fn serialize<S: Serializer>(
        rows: &BTreeMap<String, RealRowInfo>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        let mut flat: BTreeMap<String, &str> = BTreeMap::new();
        for (name, r) in rows {
            flat.insert(format!("{name}.title"), &r.title);
            flat.insert(format!("{name}.measured"), &r.measured);
            flat.insert(format!("{name}.counterpart"), &r.counterpart);
            flat.insert(format!("{name}.fidelity"), &r.fidelity);
            if let Some(md) = &r.fidelity_md {
                flat.insert(format!("{name}.fidelity_md"), md);
            }
        }
        flat.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<String, RealRowInfo>, D::Error> {
        let flat = BTreeMap::<String, String>::deserialize(d)?;
        let mut rows: BTreeMap<String, RealRowInfo> = BTreeMap::new();
        for (key, value) in flat {
            let Some((name, field)) = FIELDS
                .iter()
                .find_map(|f| key.strip_suffix(&format!(".{f}")).map(|n| (n, *f)))
            else {
                return Err(D::Error::custom(format!(
                    "extra: unknown key {key:?} (expected \"<row>.<field>\" with a field of {})",
                    FIELDS.join(", ")
                )));
            };
            let row = rows.entry(name.to_string()).or_default();
            match field {
                "title" => row.title = value,
                "measured" => row.measured = value,
                "counterpart" => row.counterpart = value,
                "fidelity" => row.fidelity = value,
                _ => row.fidelity_md = Some(value),
            }
        }
        Ok(rows)
    }
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
            rows: BTreeMap::new(),
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
        let mut rows = BTreeMap::new();
        for (i, (path, r)) in files.iter().enumerate() {
            if i == 0 {
                provenance = r.provenance.clone();
                provenance.shard = None;
                target = r.target;
            }
            rows.extend(r.rows.clone());
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
        out.rows = rows;
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
        date: rfc3339_now(),
        machine: format!("{machine}, {cores} cores"),
        shard,
    }
}

/// The current UTC time in RFC 3339 (`2026-12-07T02:28:53Z`), without a date crate: seconds since the epoch turned
/// into a civil date.
pub(crate) fn rfc3339_now() -> String {
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
    fn rfc3339_has_its_shape() {
        let now = rfc3339_now();
        let b = now.as_bytes();
        assert_eq!(now.len(), 20, "{now}");
        assert!(b[4] == b'-' && b[7] == b'-' && b[10] == b'T' && b[13] == b':' && b[16] == b':');
        assert!(now.ends_with('Z') && now.starts_with("20"), "{now}");
    }

    #[test]
    fn row_infos_keep_the_schema_1_keys() {
        let mut r = RunResults::new(Provenance::default(), Target::Real, vec![]);
        r.rows.insert(
            "distribution".into(),
            RealRowInfo {
                title: "T".into(),
                measured: "M".into(),
                counterpart: "distribution-2.8".into(),
                fidelity: "13/13".into(),
                fidelity_md: Some("md".into()),
            },
        );
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(
            json["extra"],
            serde_json::json!({
                "distribution.counterpart": "distribution-2.8",
                "distribution.fidelity": "13/13",
                "distribution.fidelity_md": "md",
                "distribution.measured": "M",
                "distribution.title": "T",
            })
        );
        let back: RunResults = serde_json::from_value(json).unwrap();
        assert_eq!(back, r);
        let bad = serde_json::json!({"schema_version": 1, "provenance": {"commit": "", "version": "", "date": "", "machine": ""},
            "cells": [], "extra": {"distribution.colour": "x"}});
        let e = serde_json::from_value::<RunResults>(bad)
            .unwrap_err()
            .to_string();
        assert!(e.contains("distribution.colour"), "{e}");
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_416), (2025, 11, 24));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }
}
