//! What the three related checks (`registry`, `pull`, `capabilities`) share: their evidence, the client (or the
//! `fail` result when it cannot be built), and the results for a transport failure and for an invalid test image
//! reference.

use serde_json::{Value, json};

use super::evidence::{api_version, requests_evidence};
use super::remediation;
use super::types::{CheckConfig, CheckResult, Status, result};
use crate::http::{HttpClient, HttpError};
use crate::spec::Digest;
use crate::spec::names::{valid_repository, valid_tag};

/// The evidence of a related check: registry, test image, requests, API-version header, auth schemes, notes, and
/// `extra`'s fields.
pub(super) fn evidence(
    cfg: &CheckConfig,
    client: Option<&HttpClient>,
    extra: Value,
    notes: &[String],
) -> Value {
    let exchanges = client.map(HttpClient::exchanges).unwrap_or_default();
    let mut ev = json!({
        "registry": cfg.registry.host_label(),
        "repository": cfg.repository,
        "tag": cfg.tag,
        "requests": client.map(|c| requests_evidence(c, &exchanges)).unwrap_or(json!([])),
        "api_version": api_version(&exchanges),
        "auth_schemes": client.map(HttpClient::auth_schemes_seen).unwrap_or_default(),
        "notes": notes,
    });
    if let (Value::Object(m), Value::Object(x)) = (&mut ev, extra) {
        m.extend(x);
    }
    ev
}

/// The HTTP client for a check, or the check's `fail` result when it cannot be built (bad URL, unreadable CA file).
pub(super) fn client_for(
    check_id: &str,
    cfg: &CheckConfig,
) -> Result<HttpClient, Box<CheckResult>> {
    HttpClient::new(&cfg.registry).map_err(|e| {
        Box::new(result(
            check_id,
            Status::Fail,
            format!("cannot set up the client: {e}"),
            evidence(cfg, None, json!({}), &[]),
            remediation::connection(&base(cfg), &cfg.registry.host_label()),
        ))
    })
}

/// The registry's base URL as text (as configured when it does not parse).
pub(super) fn base(cfg: &CheckConfig) -> String {
    cfg.registry
        .base_url()
        .map(|u| u.to_string())
        .unwrap_or_else(|_| cfg.registry.url.clone())
}

/// The `fail` result of a request that got no usable answer.
pub(super) fn transport(
    id: &str,
    cfg: &CheckConfig,
    client: Option<&HttpClient>,
    e: &HttpError,
    during: &str,
) -> CheckResult {
    let msg = match e {
        HttpError::BudgetExceeded { .. } => format!("time budget exceeded while {during}"),
        _ => format!("{e} (while {during})"),
    };
    result(
        id,
        Status::Fail,
        msg,
        evidence(cfg, client, json!({"error_kind": e.kind()}), &[]),
        remediation::connection(&base(cfg), &cfg.registry.host_label()),
    )
}

/// The `fail` result for a test image reference that is not a valid repository and tag (or digest), if it is not.
pub(super) fn invalid_names(id: &str, cfg: &CheckConfig) -> Option<CheckResult> {
    let bad_tag = !valid_tag(&cfg.tag) && cfg.tag.parse::<Digest>().is_err();
    if valid_repository(&cfg.repository) && !bad_tag {
        return None;
    }
    Some(result(
        id,
        Status::Fail,
        format!(
            "invalid test image reference {:?}:{:?}",
            cfg.repository, cfg.tag
        ),
        evidence(cfg, None, json!({}), &[]),
        remediation::not_found(&cfg.repository, &cfg.tag),
    ))
}
