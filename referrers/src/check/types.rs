//! The checks' public values: their ids, the configuration they take, the verdict and the result, and the
//! constructor every check builds its result with (severity `warn` and the tags of every check).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::config::RegistryConfig;

/// Check ids.
pub const REFERRERS_ID: &str = "check.integration.oci.referrers";
/// Registry reachability check id.
pub const REGISTRY_ID: &str = "check.integration.oci.registry";
/// Pull check id.
pub const PULL_ID: &str = "check.integration.oci.pull";
/// Capability record check id.
pub const CAPABILITIES_ID: &str = "check.integration.oci.capabilities";

/// Seed default of `OCI:TestRepository`.
pub const DEFAULT_REPOSITORY: &str = "library/alpine";
/// Seed default of `OCI:TestTag`.
pub const DEFAULT_TAG: &str = "latest";

/// A check's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Works.
    Pass,
    /// Works with a fallback / degraded.
    Warn,
    /// Could not verify.
    Info,
    /// Broken.
    Fail,
}

impl Status {
    /// Every verdict, in the order of the enum.
    pub const ALL: &'static [Status] = &[Status::Pass, Status::Warn, Status::Info, Status::Fail];

    /// `pass`, `warn`, `info`, `fail`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Info => "info",
            Status::Fail => "fail",
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Status {
    type Err = String;

    /// Parses `pass`, `warn`, `info` or `fail`; the error lists them.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Status::ALL
            .iter()
            .copied()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| format!("unknown verdict {s:?}; expected one of pass, warn, info, fail"))
    }
}

/// What the checks need (seed keys `OCI:RegistryUrl`, `OCI:TestRepository`, `OCI:TestTag`, credentials, budget).
#[derive(Debug, Clone)]
pub struct CheckConfig {
    /// The registry.
    pub registry: RegistryConfig,
    /// `OCI:TestRepository`, default `library/alpine`.
    pub repository: String,
    /// `OCI:TestTag`, default `latest` (a digest is accepted too).
    pub tag: String,
}

impl CheckConfig {
    /// Seed defaults for repository and tag.
    pub fn new(registry: RegistryConfig) -> CheckConfig {
        CheckConfig {
            registry,
            repository: DEFAULT_REPOSITORY.into(),
            tag: DEFAULT_TAG.into(),
        }
    }
}

/// One check's result.
#[derive(Debug, Clone, Serialize)]
pub struct CheckResult {
    /// e.g. `check.integration.oci.referrers`.
    pub check_id: String,
    /// The seed's severity: `warn`.
    pub severity: String,
    /// The seed's tags.
    pub tags: Vec<String>,
    /// Verdict.
    pub status: Status,
    /// One line.
    pub message: String,
    /// registry, repository, tag, digest, requests, probe_ms, api_version, referrer_count, notes, ...
    pub evidence: Value,
    /// What to do.
    pub remediation: Vec<String>,
}

/// The tags every check carries.
fn tags() -> Vec<String> {
    ["registry", "oci", "referrers", "compatibility", "oci-1.1"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

/// A result of check `id` with the severity and tags every check carries.
pub(crate) fn result(
    id: &str,
    status: Status,
    message: String,
    evidence: Value,
    remediation: Vec<String>,
) -> CheckResult {
    CheckResult {
        check_id: id.into(),
        severity: "warn".into(),
        tags: tags(),
        status,
        message,
        evidence,
        remediation,
    }
}
