//! The compatibility matrix: results model, renderers (markdown, JSON, JUnit) and the drift check.

pub mod corrections;
pub mod markdown;
pub mod model;

use std::path::{Path, PathBuf};

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

pub use model::{Provenance, RunResults, Target};

use crate::cell::CellStatus;

/// The committed document.
pub fn document_path() -> PathBuf {
    workspace_root()
        .join("docs")
        .join("compatibility-matrix.md")
}

/// Folder of committed real-registry results files.
pub fn real_results_dir() -> PathBuf {
    workspace_root().join("docs").join("real")
}

/// The workspace root (parent of this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Reads every committed real-registry results file (`docs/real/*.json`), sorted by row name (the file stem, so
/// `distribution` comes before `distribution-htpasswd`).
pub fn read_real_results(dir: &Path) -> Result<Vec<RunResults>, model::ResultsError> {
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect(),
        Err(_) => return Ok(Vec::new()),
    };
    files.sort_by(|a, b| a.file_stem().cmp(&b.file_stem()));
    files.iter().map(|f| RunResults::read(f)).collect()
}

/// JUnit XML: one test suite per profile, one test case per cell.
pub fn render_junit(r: &RunResults) -> String {
    let mut report = Report::new("oci-referrers-compat");
    let mut suites: std::collections::BTreeMap<String, TestSuite> = Default::default();
    for c in &r.cells {
        let suite = suites
            .entry(c.profile.clone())
            .or_insert_with(|| TestSuite::new(c.profile.clone()));
        let status = match c.status {
            CellStatus::Pass => TestCaseStatus::success(),
            CellStatus::Skip => {
                let mut s = TestCaseStatus::skipped();
                s.set_message(c.reasons.join("; "));
                s
            }
            CellStatus::Fail => {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                s.set_message(c.reasons.join("; "));
                s
            }
            CellStatus::Error => {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Error);
                s.set_message(c.reasons.join("; "));
                s
            }
        };
        let mut case = TestCase::new(c.id.clone(), status);
        case.set_classname(c.profile.clone());
        case.set_time(std::time::Duration::from_millis(c.observed.duration_ms));
        suite.add_test_case(case);
    }
    report.add_test_suites(suites.into_values());
    report.to_string().unwrap_or_default()
}

/// JSON results file text.
pub fn render_json(r: &RunResults) -> String {
    let mut s = serde_json::to_string_pretty(r).unwrap_or_default();
    s.push('\n');
    s
}

/// A short line-by-line description of how two documents differ (first few lines).
pub fn describe_drift(committed: &str, fresh: &str) -> Option<String> {
    if committed == fresh {
        return None;
    }
    let mut out = Vec::new();
    let a: Vec<&str> = committed.lines().collect();
    let b: Vec<&str> = fresh.lines().collect();
    for i in 0..a.len().max(b.len()) {
        let (x, y) = (a.get(i), b.get(i));
        if x != y {
            out.push(format!(
                "line {}:\n  committed: {}\n  generated: {}",
                i + 1,
                x.unwrap_or(&"(none)"),
                y.unwrap_or(&"(none)")
            ));
            if out.len() == 5 {
                break;
            }
        }
    }
    Some(out.join("\n"))
}
