//! Every timed iteration of every bench, kept beside criterion's own statistics so the report can give medians
//! and p99 of single discoveries (criterion's samples are means over many iterations, which hide the tail).
//!
//! Records go to `<report dir>/records/<id>.json` when a bench binary ends (not in `--test` mode). The report
//! dir is `$BENCH_REPORT_DIR`, else `<target dir>/bench-report`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// What one bench id measured.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Record {
    /// Stable bench id, e.g. `discovery/api/warm/ours`.
    pub id: String,
    /// Duration of every single timed operation (ns), warm-up included.
    #[serde(default)]
    pub single_ns: Vec<u64>,
    /// Criterion samples as `(operations, total ns)` (throughput benches).
    #[serde(default)]
    pub samples: Vec<(u64, u64)>,
    /// Facts about the run (answers, request counts, measured hold time...).
    #[serde(default)]
    pub meta: BTreeMap<String, serde_json::Value>,
}

static RECORDS: Mutex<BTreeMap<String, Record>> = Mutex::new(BTreeMap::new());

fn with<R>(id: &str, f: impl FnOnce(&mut Record) -> R) -> R {
    let mut all = RECORDS.lock().unwrap_or_else(|p| p.into_inner());
    let r = all.entry(id.to_string()).or_insert_with(|| Record {
        id: id.to_string(),
        ..Record::default()
    });
    f(r)
}

/// Time `op` `iters` times for criterion's `iter_custom`, keeping each single duration.
pub fn timed(id: &str, iters: u64, mut op: impl FnMut()) -> Duration {
    let mut singles = Vec::with_capacity(iters as usize);
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let t = Instant::now();
        op();
        let d = t.elapsed();
        total += d;
        singles.push(d.as_nanos() as u64);
    }
    with(id, |r| r.single_ns.extend(singles));
    total
}

/// Keep one criterion sample of `ops` operations that took `took` (throughput benches).
pub fn sample(id: &str, ops: u64, took: Duration) {
    with(id, |r| r.samples.push((ops, took.as_nanos() as u64)));
}

/// Attach a fact to a bench id.
pub fn meta(id: &str, key: &str, value: impl Serialize) {
    let v = serde_json::to_value(value).unwrap_or(serde_json::Value::Null);
    with(id, |r| {
        r.meta.insert(key.to_string(), v);
    });
}

/// Where records and the separate-process results go.
pub fn report_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("BENCH_REPORT_DIR") {
        return PathBuf::from(d);
    }
    if let Some(t) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(t).join("bench-report");
    }
    // target/<profile>/deps/<bench exe> or target/<profile>/<bin>
    let exe = std::env::current_exe().unwrap_or_default();
    let mut dir = exe.parent().map(PathBuf::from).unwrap_or_default();
    if dir.ends_with("deps") {
        dir.pop();
    }
    dir.pop();
    dir.join("bench-report")
}

/// File name of a bench id.
pub fn file_name(id: &str) -> String {
    format!("{}.json", id.replace('/', "__"))
}

/// Write every record of this process (skipped in `--test` mode); prints where.
pub fn flush() {
    if crate::quick_mode() {
        return;
    }
    let dir = report_dir().join("records");
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("bench records: cannot create {}: {e}", dir.display());
        return;
    }
    let all = RECORDS.lock().unwrap_or_else(|p| p.into_inner());
    for r in all.values() {
        let path = dir.join(file_name(&r.id));
        match serde_json::to_vec(r) {
            Ok(b) => {
                if let Err(e) = std::fs::write(&path, b) {
                    eprintln!("bench records: cannot write {}: {e}", path.display());
                }
            }
            Err(e) => eprintln!("bench records: {e}"),
        }
    }
    eprintln!("bench records: {} ids in {}", all.len(), dir.display());
}

/// Read every record under `dir/records`.
pub fn load_all(dir: &std::path::Path) -> BTreeMap<String, Record> {
    let mut out = BTreeMap::new();
    let Ok(rd) = std::fs::read_dir(dir.join("records")) else {
        return out;
    };
    for e in rd.flatten() {
        if let Ok(b) = std::fs::read(e.path())
            && let Ok(r) = serde_json::from_slice::<Record>(&b)
        {
            out.insert(r.id.clone(), r);
        }
    }
    out
}
