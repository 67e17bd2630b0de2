//! `check.integration.oci.registry`: `GET /v2/` answers, over TLS when https, with or without the
//! `Docker-Distribution-API-Version` header.

use serde_json::json;

use super::related::{base, client_for, evidence, transport};
use super::remediation;
use super::types::{CheckConfig, CheckResult, REGISTRY_ID, Status, result};
use crate::config::Credentials;
use crate::http::{Op, Req};
use crate::telemetry::Metrics;

/// Whether credentials are configured.
fn has_credentials(cfg: &CheckConfig) -> bool {
    !matches!(cfg.registry.credentials, Credentials::Anonymous)
}

/// `check.integration.oci.registry`: `GET /v2/` answers, over TLS when https, with or without the API header.
pub async fn registry_check(cfg: &CheckConfig, _metrics: &Metrics) -> CheckResult {
    let client = match client_for(REGISTRY_ID, cfg) {
        Ok(c) => c,
        Err(failed) => return *failed,
    };
    let op = Op::new(cfg.registry.timeout);
    let tls = client.base().scheme() == "https";
    let resp = match client.send(&op, &Req::get(client.v2_url(""))).await {
        Ok(r) => r,
        Err(e) => return transport(REGISTRY_ID, cfg, Some(&client), &e, "reaching GET /v2/"),
    };
    let mut notes: Vec<String> = resp.auth_note.iter().cloned().collect();
    let header = resp
        .header("docker-distribution-api-version")
        .map(str::to_string);
    match &header {
        Some(h) => notes.push(format!("Docker-Distribution-API-Version: {h}")),
        None => notes.push("no Docker-Distribution-API-Version header (optional)".into()),
    }
    let extra = json!({"status": resp.status, "tls": tls, "url": client.v2_url("").to_string()});
    let (status, msg, rem) = match resp.status {
        200 => (
            Status::Pass,
            format!(
                "registry reachable{}; Distribution API answers GET /v2/",
                if tls { " over TLS" } else { "" }
            ),
            vec![],
        ),
        401 | 403 if !has_credentials(cfg) => {
            notes.push("anonymous access refused; configure credentials for pulls".into());
            (
                Status::Pass,
                format!(
                    "registry reachable; GET /v2/ requires authentication (HTTP {})",
                    resp.status
                ),
                vec![],
            )
        }
        401 | 403 if resp.is_rate_limited() => (
            Status::Info,
            "rate limited on GET /v2/".into(),
            remediation::rate_limited(),
        ),
        401 | 403 => (
            Status::Fail,
            format!(
                "registry reachable but the configured credentials were refused (HTTP {})",
                resp.status
            ),
            remediation::unauthorized(&cfg.repository),
        ),
        429 => (
            Status::Info,
            "rate limited on GET /v2/".into(),
            remediation::rate_limited(),
        ),
        404 => (
            Status::Fail,
            "no Distribution API at /v2/ (HTTP 404): is this the registry's URL?".into(),
            remediation::connection(&base(cfg), &cfg.registry.host_label()),
        ),
        s @ 500..=599 => (
            Status::Fail,
            format!("registry error on GET /v2/ (HTTP {s}) after retries"),
            remediation::server_error(),
        ),
        s => (
            Status::Fail,
            format!("unexpected answer HTTP {s} on GET /v2/"),
            remediation::connection(&base(cfg), &cfg.registry.host_label()),
        ),
    };
    result(
        REGISTRY_ID,
        status,
        msg,
        evidence(cfg, Some(&client), extra, &notes),
        rem,
    )
}
