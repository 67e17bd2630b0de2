//! The related checks (work in progress: placeholders that say so).
use super::*;

fn pending(id: &str) -> CheckResult {
    result(
        id,
        Status::Info,
        "not implemented yet".into(),
        json!({}),
        vec![],
    )
}
/// `check.integration.oci.registry`.
pub async fn registry_check(_cfg: &CheckConfig, _m: &Metrics) -> CheckResult {
    pending(REGISTRY_ID)
}
/// `check.integration.oci.pull`.
pub async fn pull_check(_cfg: &CheckConfig, _m: &Metrics) -> CheckResult {
    pending(PULL_ID)
}
/// `check.integration.oci.capabilities`.
pub async fn capabilities_check(_cfg: &CheckConfig, _m: &Metrics) -> CheckResult {
    pending(CAPABILITIES_ID)
}
