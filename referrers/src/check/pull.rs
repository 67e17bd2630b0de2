//! `check.integration.oci.pull`: the test image can be pulled with the configured credentials — its manifest (the
//! first platform's for an index) and its config blob, every digest verified.

use serde_json::{Value, json};

use super::related::{base, client_for, evidence, invalid_names, transport};
use super::remediation;
use super::types::{CheckConfig, CheckResult, PULL_ID, Status, result};
use crate::http::{HttpClient, Op, Req, Resp};
use crate::resolve::{Resolved, resolve};
use crate::spec::Digest;
use crate::spec::index::looks_like_index;
use crate::spec::media::MANIFEST_ACCEPT;
use crate::telemetry::Metrics;

/// The result for a registry answer that is not the 200 the pull needed.
fn answer_result(
    id: &str,
    cfg: &CheckConfig,
    client: &HttpClient,
    resp: &Resp,
    what: &str,
    notes: &[String],
) -> CheckResult {
    let mut notes = notes.to_vec();
    notes.extend(resp.auth_note.iter().cloned());
    let ev = evidence(
        cfg,
        Some(client),
        json!({"status": resp.status, "rate_limit_headers": resp.rate_limit_headers()}),
        &notes,
    );
    let (repo, tag) = (&cfg.repository, &cfg.tag);
    match resp.status {
        404 => result(
            id,
            Status::Info,
            format!("{what}: test image {repo}:{tag} not found"),
            ev,
            remediation::not_found(repo, tag),
        ),
        _ if resp.is_rate_limited() => result(
            id,
            Status::Info,
            format!("{what}: rate limited"),
            ev,
            remediation::rate_limited(),
        ),
        401 | 403 => result(
            id,
            Status::Fail,
            format!(
                "{what}: pull of {repo} not authorized with the configured credentials (HTTP {})",
                resp.status
            ),
            ev,
            remediation::unauthorized(repo),
        ),
        s @ 500..=599 => result(
            id,
            Status::Fail,
            format!("{what}: registry error HTTP {s} after retries"),
            ev,
            remediation::server_error(),
        ),
        s => result(
            id,
            Status::Fail,
            format!("{what}: unexpected answer HTTP {s}"),
            ev,
            remediation::connection(&base(cfg), &cfg.registry.host_label()),
        ),
    }
}

/// GET a manifest by digest and verify its bytes.
async fn get_verified(
    client: &HttpClient,
    op: &Op,
    repo: &str,
    digest: &Digest,
    accept: &str,
) -> Result<Result<Value, Resp>, String> {
    let url = client.v2_url(&format!("{repo}/manifests/{digest}"));
    let resp = client
        .send(op, &Req::get(url).accept(accept).pull_scope(repo))
        .await
        .map_err(|e| e.to_string())?;
    if resp.status != 200 {
        return Ok(Err(resp));
    }
    if digest.verify(&resp.body) == Some(false) {
        return Err(format!("manifest {digest} does not match its digest"));
    }
    serde_json::from_slice(&resp.body)
        .map(Ok)
        .map_err(|_| format!("manifest {digest} is not JSON"))
}

/// `check.integration.oci.pull`: resolve the test image, GET its manifest (and the first platform's manifest for an
/// index), and GET its config blob, verifying every digest.
pub async fn pull_check(cfg: &CheckConfig, _metrics: &Metrics) -> CheckResult {
    if let Some(r) = invalid_names(PULL_ID, cfg) {
        return r;
    }
    let client = match client_for(PULL_ID, cfg) {
        Ok(c) => c,
        Err(failed) => return *failed,
    };
    let op = Op::new(cfg.registry.timeout);
    let repo = cfg.repository.as_str();
    let (digest, mut notes) = match resolve(&client, &op, repo, &cfg.tag).await {
        Err(e) => return transport(PULL_ID, cfg, Some(&client), &e, "resolving the test image"),
        Ok(Resolved::Answer(resp)) => {
            return answer_result(
                PULL_ID,
                cfg,
                &client,
                &resp,
                "resolving the test image",
                &[],
            );
        }
        Ok(Resolved::Mismatch { expected, actual }) => {
            return result(
                PULL_ID,
                Status::Fail,
                format!("manifest {expected} served with bytes hashing to {actual}"),
                evidence(cfg, Some(&client), json!({}), &[]),
                remediation::server_error(),
            );
        }
        Ok(Resolved::Found { digest, notes, .. }) => (digest, notes),
    };
    let fail = |client: &HttpClient, msg: String, notes: &[String]| {
        result(
            PULL_ID,
            Status::Fail,
            msg,
            evidence(cfg, Some(client), json!({}), notes),
            remediation::server_error(),
        )
    };
    let mut manifest = match get_verified(&client, &op, repo, &digest, MANIFEST_ACCEPT).await {
        Err(e) => return fail(&client, format!("pulling the manifest: {e}"), &notes),
        Ok(Err(resp)) => {
            return answer_result(PULL_ID, cfg, &client, &resp, "pulling the manifest", &notes);
        }
        Ok(Ok(v)) => v,
    };
    if looks_like_index(&manifest) {
        let child = manifest
            .get("manifests")
            .and_then(Value::as_array)
            .and_then(|a| a.first())
            .and_then(|m| m.get("digest"))
            .and_then(Value::as_str)
            .and_then(|s| s.parse::<Digest>().ok());
        let Some(child) = child else {
            return fail(
                &client,
                "the test image is an index without a valid platform manifest".into(),
                &notes,
            );
        };
        notes.push(format!("index: pulled the first platform manifest {child}"));
        manifest = match get_verified(&client, &op, repo, &child, MANIFEST_ACCEPT).await {
            Err(e) => {
                return fail(
                    &client,
                    format!("pulling the platform manifest: {e}"),
                    &notes,
                );
            }
            Ok(Err(resp)) => {
                return answer_result(
                    PULL_ID,
                    cfg,
                    &client,
                    &resp,
                    "pulling the platform manifest",
                    &notes,
                );
            }
            Ok(Ok(v)) => v,
        };
    }
    let config = manifest
        .get("config")
        .and_then(|c| c.get("digest"))
        .and_then(Value::as_str)
        .and_then(|s| s.parse::<Digest>().ok());
    let Some(config) = config else {
        return fail(
            &client,
            "the manifest has no valid config descriptor".into(),
            &notes,
        );
    };
    let url = client.v2_url(&format!("{repo}/blobs/{config}"));
    let resp = match client.send(&op, &Req::get(url).pull_scope(repo)).await {
        Ok(r) => r,
        Err(e) => return transport(PULL_ID, cfg, Some(&client), &e, "pulling the config blob"),
    };
    if resp.status != 200 {
        return answer_result(
            PULL_ID,
            cfg,
            &client,
            &resp,
            "pulling the config blob",
            &notes,
        );
    }
    if config.verify(&resp.body) == Some(false) {
        return fail(
            &client,
            format!("config blob {config} does not match its digest"),
            &notes,
        );
    }
    result(
        PULL_ID,
        Status::Pass,
        format!(
            "test image {repo}:{} pulled (manifest and config verified)",
            cfg.tag
        ),
        evidence(
            cfg,
            Some(&client),
            json!({"digest": digest.to_string()}),
            &notes,
        ),
        vec![],
    )
}
