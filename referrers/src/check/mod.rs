//! The four doctor checks: `check.integration.oci.referrers` (the decision table in docs/check-decision-table.md)
//! and its related `registry`, `pull` and `capabilities` checks. Each returns a result value; nothing is printed.
//!
//! The modules, bottom-up: `types` (ids, configuration, verdict, result), `evidence`, `remediation`, `related`
//! (what the three related checks share); then one module per check: `referrers`, `registry`, `pull`,
//! `capabilities`. This file runs them all.

mod capabilities;
mod evidence;
mod pull;
mod referrers;
mod registry;
mod related;
mod remediation;
mod types;

pub use capabilities::capabilities_check;
pub use pull::pull_check;
pub use referrers::referrers_check;
pub use registry::registry_check;
pub use types::{
    CAPABILITIES_ID, CheckConfig, CheckResult, DEFAULT_REPOSITORY, DEFAULT_TAG, PULL_ID,
    REFERRERS_ID, REGISTRY_ID, Status,
};

use crate::telemetry::Metrics;

/// The four checks, referrers first, sharing one time budget (`cfg.registry.timeout` is the whole budget: each
/// check gets what the previous ones left).
pub async fn all_checks(cfg: &CheckConfig, metrics: &Metrics) -> Vec<CheckResult> {
    let started = std::time::Instant::now();
    let left = |cfg: &CheckConfig| {
        let mut c = cfg.clone();
        c.registry.timeout = cfg.registry.timeout.saturating_sub(started.elapsed());
        c
    };
    vec![
        referrers_check(&left(cfg), metrics).await,
        registry_check(&left(cfg), metrics).await,
        pull_check(&left(cfg), metrics).await,
        capabilities_check(&left(cfg), metrics).await,
    ]
}
