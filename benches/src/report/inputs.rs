//! What the report reads from the report dir, read once: the bench records, `paired.json`, and the results of
//! `bench-tool scale-mem` and `bench-tool callgrind` (their types are here, `bench-tool` writes them); with the
//! look-ups the sections share.

use std::collections::BTreeMap;
use std::path::Path;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::stats::{Stats, stats};
use crate::paired::{Paired, PairedRow};
use crate::record::{Record, load_all};

/// Peak memory of the scale run in a separate process (`bench-tool scale-mem`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ScaleMem {
    /// Subjects discovered.
    pub subjects: usize,
    /// Referrers found in all (second run).
    pub referrers: usize,
    /// Every subject complete in both runs.
    pub complete: bool,
    /// `VmHWM` after the runtime and client were built, before any discovery (kB).
    pub peak_before_kb: u64,
    /// `VmHWM` after a cold and a warm run (kB).
    pub peak_after_kb: u64,
    /// `VmRSS` at the end (kB).
    pub rss_after_kb: u64,
    /// Wall time of the first (cold: probe) run, ms.
    pub first_run_ms: f64,
    /// Wall time of the second (warm) run, ms.
    pub second_run_ms: f64,
}

/// One callgrind measurement: instructions per warm discovery.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CallgrindRow {
    /// `api`, `tag-schema`, `cosign`.
    pub path: String,
    /// `ours`, `floor`, `oci-client`.
    pub client: String,
    /// Discoveries in the short and the long run.
    pub n: (u64, u64),
    /// Instructions (`Ir`) of the short and the long run.
    pub ir: (u64, u64),
    /// `(ir.1 - ir.0) / (n.1 - n.0)`: instructions of one warm discovery, start-up cost cancelled out.
    pub per_discovery: u64,
}

/// `bench-tool callgrind`'s output.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Callgrind {
    /// Rows, or empty with `skipped`.
    pub rows: Vec<CallgrindRow>,
    /// Why nothing was measured.
    pub skipped: Option<String>,
    /// valgrind version.
    pub valgrind: Option<String>,
}

/// Everything the report reads from one report dir; a file that is missing or does not parse is `None`.
pub(super) struct Inputs {
    records: BTreeMap<String, Record>,
    pub(super) paired: Option<Paired>,
    pub(super) scale_mem: Option<ScaleMem>,
    pub(super) callgrind: Option<Callgrind>,
}

impl Inputs {
    /// Read the records under `dir/records` and the result files in `dir`.
    pub(super) fn load(dir: &Path) -> Self {
        Self {
            records: load_all(dir),
            paired: read_json(&dir.join("paired.json")),
            scale_mem: read_json(&dir.join("scale-mem.json")),
            callgrind: read_json(&dir.join("callgrind.json")),
        }
    }

    /// The record of a bench id.
    pub(super) fn record(&self, id: &str) -> Option<&Record> {
        self.records.get(id)
    }

    /// Statistics of a bench id's single operations.
    pub(super) fn stats(&self, id: &str) -> Option<Stats> {
        self.record(id).and_then(stats)
    }

    /// The paired row of ours against `against` on `path`.
    pub(super) fn paired_row(&self, path: &str, against: &str) -> Option<&PairedRow> {
        self.paired
            .as_ref()?
            .rows
            .iter()
            .find(|r| r.path == path && r.against == against)
    }
}

fn read_json<T: DeserializeOwned>(path: &Path) -> Option<T> {
    std::fs::read(path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
}

/// A fact of a record as a count.
pub(super) fn meta_u64(r: &Record, k: &str) -> Option<u64> {
    r.meta.get(k).and_then(|v| v.as_u64())
}

/// A fact of a record as text.
pub(super) fn meta_str<'a>(r: &'a Record, k: &str) -> Option<&'a str> {
    r.meta.get(k).and_then(|v| v.as_str())
}

/// Whether a peer's record says it found our answer (missing: no).
pub(super) fn same_answer(r: &Record) -> bool {
    r.meta
        .get("same_answer")
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}
