//! The related checks: `check.integration.oci.registry` (GET /v2/ reachability, TLS, API header),
//! `check.integration.oci.pull` (the test image can be pulled with the given credentials) and
//! `check.integration.oci.capabilities` (a capability record for the registry).

use serde_json::{Value, json};

use super::{
    CAPABILITIES_ID, CheckConfig, CheckResult, PULL_ID, REGISTRY_ID, Status, api_version,
    remediation, requests_evidence, result,
};
use crate::config::Credentials;
use crate::http::{HttpClient, HttpError, Op, Req, Resp};
use crate::probe::{ReferrersAnswer, classify_referrers_answer};
use crate::resolve::{Resolved, resolve};
use crate::spec::Digest;
use crate::spec::index::looks_like_index;
use crate::spec::media::{MANIFEST_ACCEPT, OCI_INDEX};
use crate::spec::names::{valid_repository, valid_tag};
use crate::telemetry::Metrics;

fn evidence(
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
fn client_for(check_id: &str, cfg: &CheckConfig) -> Result<HttpClient, Box<CheckResult>> {
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

fn base(cfg: &CheckConfig) -> String {
    cfg.registry
        .base_url()
        .map(|u| u.to_string())
        .unwrap_or_else(|_| cfg.registry.url.clone())
}

fn has_credentials(cfg: &CheckConfig) -> bool {
    !matches!(cfg.registry.credentials, Credentials::Anonymous)
}

fn transport(
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

fn invalid_names(id: &str, cfg: &CheckConfig) -> Option<CheckResult> {
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

/// `check.integration.oci.capabilities`: one capability record (referrers API, filter support, paging seen, tag
/// listing, `Docker-Content-Digest` on HEAD, auth schemes, API-version header).
pub async fn capabilities_check(cfg: &CheckConfig, _metrics: &Metrics) -> CheckResult {
    if let Some(r) = invalid_names(CAPABILITIES_ID, cfg) {
        return r;
    }
    let client = match client_for(CAPABILITIES_ID, cfg) {
        Ok(c) => c,
        Err(failed) => return *failed,
    };
    let op = Op::new(cfg.registry.timeout);
    let repo = cfg.repository.as_str();
    let mut notes = Vec::new();
    let v2 = match client.send(&op, &Req::get(client.v2_url(""))).await {
        Ok(r) => r,
        Err(e) => return transport(CAPABILITIES_ID, cfg, Some(&client), &e, "reaching GET /v2/"),
    };
    let mut tags_url = client.v2_url(&format!("{repo}/tags/list"));
    tags_url.set_query(Some("n=10"));
    let tags = client.send(&op, &Req::get(tags_url).pull_scope(repo)).await;
    let (tag_listing, tag_paging) = match &tags {
        Ok(r) => (
            r.status == 200
                && serde_json::from_slice::<Value>(&r.body)
                    .ok()
                    .is_some_and(|v| v.get("tags").is_some()),
            r.header("link").is_some(),
        ),
        Err(_) => (false, false),
    };
    let mut caps = json!({
        "distribution_api": v2.status == 200 || v2.status == 401,
        "tag_listing": tag_listing,
        "tag_list_paging_seen": tag_paging,
        "referrers_api": Value::Null,
        "filter_support": Value::Null,
        "referrers_paging_seen": Value::Null,
        "docker_content_digest_on_head": Value::Null,
    });
    let mut status = Status::Info;
    let mut msg = String::from("capabilities partly unknown: the test image could not be resolved");
    let mut rem = vec![remediation::related()];
    match resolve(&client, &op, repo, &cfg.tag).await {
        Ok(Resolved::Found {
            digest,
            notes: n,
            header_on_head,
            ..
        }) => {
            notes.extend(n);
            caps["docker_content_digest_on_head"] = json!(header_on_head);
            let mut url = client.v2_url(&format!("{repo}/referrers/{digest}"));
            url.query_pairs_mut()
                .append_pair("artifactType", "application/vnd.oci.empty.v1+json");
            match client
                .send(&op, &Req::get(url).accept(OCI_INDEX).pull_scope(repo))
                .await
            {
                Ok(resp) => {
                    match classify_referrers_answer(&resp, 10_000) {
                        ReferrersAnswer::Index { .. } => {
                            caps["referrers_api"] = json!(true);
                            let applied = resp.headers_all("oci-filters-applied").iter().any(|v| {
                                v.split(',')
                                    .any(|x| x.trim().eq_ignore_ascii_case("artifactType"))
                            });
                            caps["filter_support"] = json!(applied);
                            caps["referrers_paging_seen"] = json!(resp.header("link").is_some());
                            status = Status::Pass;
                            msg = "referrers API supported".into();
                            rem = vec![];
                        }
                        ReferrersAnswer::NotAnIndex { .. }
                        | ReferrersAnswer::Unsupported { .. }
                        | ReferrersAnswer::BadRequest => {
                            caps["referrers_api"] = json!(false);
                            status = Status::Warn;
                            msg = format!(
                                "referrers API not supported (HTTP {}); tag-schema fallback needed",
                                resp.status
                            );
                            rem = remediation::unsupported(&base(cfg), repo, &digest.to_string());
                        }
                        other => {
                            notes.push(format!(
                                "referrers probe answered {} (HTTP {})",
                                other.label(),
                                resp.status
                            ));
                            msg = "capabilities partly unknown: the referrers probe could not be judged".into();
                        }
                    }
                }
                Err(e) => notes.push(format!("referrers probe failed: {e}")),
            }
        }
        Ok(Resolved::Answer(resp)) => notes.push(format!(
            "resolving the test image answered HTTP {}",
            resp.status
        )),
        Ok(Resolved::Mismatch { .. }) => {
            notes.push("the test image's bytes do not match its digest".into())
        }
        Err(e) => notes.push(format!("resolving the test image failed: {e}")),
    }
    let ex = client.exchanges();
    caps["api_version"] = json!(api_version(&ex));
    let schemes = client.auth_schemes_seen();
    caps["auth_schemes"] = json!(if schemes.is_empty() {
        vec!["none".to_string()]
    } else {
        schemes
    });
    result(
        CAPABILITIES_ID,
        status,
        msg,
        evidence(cfg, Some(&client), json!({"capabilities": caps}), &notes),
        rem,
    )
}
