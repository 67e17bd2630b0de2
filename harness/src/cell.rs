//! What one cell (a row × a scenario) produced: its status, what it observed, and the exchanges behind it. These
//! are the records results files hold and the matrix renders; their JSON form is a contract (`docs/real/*.json`,
//! `matrix --format json`).

use std::collections::BTreeMap;

use fake_registry::Listener;
use referrers::ErrorKind;
use referrers::check::Status;
use referrers::discovery::Method;
use serde::{Deserialize, Serialize};

use crate::wire::Wire;

/// What happened in a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum CellStatus {
    /// As expected.
    Pass,
    /// The code did something else: a regression.
    Fail,
    /// The scenario does not apply to the row.
    Skip,
    /// The harness itself broke (the registry did not start, the cell overran its guard time).
    Error,
}

impl CellStatus {
    /// `pass`, `fail`, `skip`, `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            CellStatus::Pass => "pass",
            CellStatus::Fail => "fail",
            CellStatus::Skip => "skip",
            CellStatus::Error => "error",
        }
    }
}

/// One HTTP exchange as the registry saw it (credentials redacted).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct WireExchange {
    /// Which listener served it: `registry`, or `other-host` (the listener playing another origin).
    pub host: Listener,
    pub method: String,
    pub path: String,
    pub status: u16,
    /// Whether an `Authorization` header arrived (its value is never recorded here).
    pub authorization: bool,
    /// The response headers that matter for referrers behaviour.
    pub headers: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<String>,
}

/// What a cell observed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Observed {
    /// The check's verdict (check cells).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Status>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The discovery method (discover cells; for batches, the first subject's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<Method>,
    /// Referrers found (summed over a batch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrers_found: Option<usize>,
    /// Referrers the ground truth says should be found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrers_expected: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complete: Option<bool>,
    /// The distinct error kinds discovery reported, sorted by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub error_kinds: Vec<ErrorKind>,
    /// Requests the registry received during the operation (0 where it keeps no request log).
    pub request_count: usize,
    /// Wall time of the operation (JSON only; never rendered in the markdown matrix).
    pub duration_ms: u64,
    /// The wire facts (see [`Wire`]).
    pub wire: Wire,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capability_probes: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failures_counted: Option<u64>,
}

/// The result of one cell.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CellResult {
    /// `<row>/<scenario>`.
    pub id: String,
    /// The row: a fake profile's name, or a real row's name.
    pub profile: String,
    pub scenario: String,
    pub status: CellStatus,
    /// Why a cell failed, errored or was skipped; empty on pass.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
    /// The registry fact behind a per-profile override, when one applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_because: Option<String>,
    pub observed: Observed,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exchanges: Vec<WireExchange>,
}

impl CellResult {
    /// A cell of `row` for `scenario` that has not run yet (status skip, nothing observed).
    pub fn new(row: &str, scenario: &str, override_because: Option<String>) -> CellResult {
        CellResult {
            id: format!("{row}/{scenario}"),
            profile: row.to_string(),
            scenario: scenario.to_string(),
            status: CellStatus::Skip,
            reasons: Vec::new(),
            override_because,
            observed: Observed::default(),
            exchanges: Vec::new(),
        }
    }

    /// This cell as a harness error, with why.
    pub fn errored(mut self, why: String) -> CellResult {
        self.status = CellStatus::Error;
        self.reasons.push(why);
        self
    }
}
