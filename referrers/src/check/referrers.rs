//! `check.integration.oci.referrers`: docs/check-decision-table.md step 1 (resolve the test image digest) and step 2
//! (probe the referrers API), every row.

use serde_json::{Value, json};
use std::time::Instant;

use super::evidence::{api_version, requests_evidence};
use super::remediation;
use super::types::{CheckConfig, CheckResult, REFERRERS_ID, Status, result};
use crate::http::{HttpClient, HttpError, Op, Req, Resp, redact_url};
use crate::probe::{ReferrersAnswer, classify_referrers_answer, standard_index_content_type};
use crate::resolve::{Resolved, resolve};
use crate::spec::media::OCI_INDEX;
use crate::spec::names::{valid_repository, valid_tag};
use crate::telemetry::Metrics;

const MAX_DESCRIPTORS: usize = 10_000;

struct Ctx<'a> {
    cfg: &'a CheckConfig,
    client: Option<&'a HttpClient>,
    digest: Option<String>,
    probe_ms: Option<u64>,
    referrer_count: Option<usize>,
    notes: Vec<String>,
    extra: serde_json::Map<String, Value>,
}

impl Ctx<'_> {
    fn finish(self, status: Status, message: String, remediation: Vec<String>) -> CheckResult {
        let exchanges = self.client.map(HttpClient::exchanges).unwrap_or_default();
        let mut ev = json!({
            "registry": self.cfg.registry.host_label(),
            "repository": self.cfg.repository,
            "tag": self.cfg.tag,
            "digest": self.digest,
            "requests": self.client.map(|c| requests_evidence(c, &exchanges)).unwrap_or(json!([])),
            "probe_ms": self.probe_ms,
            "api_version": api_version(&exchanges),
            "referrer_count": self.referrer_count,
            "notes": self.notes,
        });
        if api_version(&exchanges).is_none() {
            ev["api_version_note"] = json!("no Docker-Distribution-API-Version header seen");
        }
        if let Value::Object(m) = &mut ev {
            m.extend(self.extra);
        }
        result(REFERRERS_ID, status, message, ev, remediation)
    }
}

fn base(cfg: &CheckConfig) -> String {
    cfg.registry
        .base_url()
        .map(|u| u.to_string())
        .unwrap_or_else(|_| cfg.registry.url.clone())
}

/// Run the referrers check.
pub async fn referrers_check(cfg: &CheckConfig, metrics: &Metrics) -> CheckResult {
    let mut ctx = Ctx {
        cfg,
        client: None,
        digest: None,
        probe_ms: None,
        referrer_count: None,
        notes: Vec::new(),
        extra: serde_json::Map::new(),
    };
    if !valid_repository(&cfg.repository) {
        let msg = format!(
            "invalid repository name {:?} (OCI:TestRepository)",
            cfg.repository
        );
        return ctx.finish(
            Status::Fail,
            msg,
            remediation::not_found(&cfg.repository, &cfg.tag),
        );
    }
    if !valid_tag(&cfg.tag) && cfg.tag.parse::<crate::spec::Digest>().is_err() {
        let msg = format!("invalid tag {:?} (OCI:TestTag)", cfg.tag);
        return ctx.finish(
            Status::Fail,
            msg,
            remediation::not_found(&cfg.repository, &cfg.tag),
        );
    }
    let client = match HttpClient::new(&cfg.registry) {
        Ok(c) => c,
        Err(e) => {
            let host = cfg.registry.host_label();
            return ctx.finish(
                Status::Fail,
                format!("cannot set up the client: {e}"),
                remediation::connection(&base(cfg), &host),
            );
        }
    };
    let client = &client;
    ctx.client = Some(client);
    let host = client.host_label();
    let base = client.base().to_string();
    let op = Op::new(cfg.registry.timeout);
    let repo = cfg.repository.as_str();
    let tag = cfg.tag.as_str();

    // Step 1.
    let digest = match resolve(client, &op, repo, tag).await {
        Err(e) => return transport_fail(ctx, &e, "resolving the test image digest", &base, &host),
        Ok(Resolved::Mismatch { expected, actual }) => {
            ctx.notes.push(format!("manifest bytes hash to {actual}"));
            return ctx.finish(
                Status::Fail,
                format!(
                    "the registry served {repo}@{expected} with content that hashes to {actual}"
                ),
                remediation::server_error(),
            );
        }
        Ok(Resolved::Answer(resp)) => return step1_answer(ctx, &resp, repo, tag),
        Ok(Resolved::Found { digest, notes, .. }) => {
            ctx.notes.extend(notes);
            digest
        }
    };
    ctx.digest = Some(digest.to_string());

    // Step 2.
    let url = client.v2_url(&format!("{repo}/referrers/{digest}"));
    let started = Instant::now();
    let sent = client
        .send(
            &op,
            &Req::get(url.clone()).accept(OCI_INDEX).pull_scope(repo),
        )
        .await;
    ctx.probe_ms = Some(started.elapsed().as_millis() as u64);
    let resp = match sent {
        Ok(r) => r,
        Err(e) => return transport_fail(ctx, &e, "probing the referrers API", &base, &host),
    };
    if resp.url != url {
        ctx.notes
            .push(format!("redirected to {}", redact_url(&resp.url)));
    }
    let d = digest.to_string();
    let answer = classify_referrers_answer(&resp, MAX_DESCRIPTORS);
    let unsupported = |mut ctx: Ctx, why: String| {
        metrics.record_probe(&host, false);
        ctx.notes
            .push("tag-based fallback (sha256-<hex> tags) required".into());
        ctx.finish(Status::Warn, why, remediation::unsupported(&base, repo, &d))
    };
    match answer {
        ReferrersAnswer::Index {
            status,
            index,
            content_type,
        } => {
            metrics.record_probe(&host, true);
            ctx.referrer_count = Some(index.descriptors.len());
            if !standard_index_content_type(content_type.as_deref()) {
                ctx.notes.push(format!(
                    "non-standard Content-Type {:?}; strict clients fall back",
                    content_type.as_deref().unwrap_or("<none>")
                ));
            }
            if status == 404 {
                ctx.notes
                    .push("non-conformant: the spec requires 200".into());
            }
            if !index.dropped.is_empty() {
                ctx.notes.push(format!(
                    "{} invalid descriptor(s) in the index",
                    index.dropped.len()
                ));
            }
            if resp.header("link").is_some() {
                ctx.notes.push("the listing is paged (Link header)".into());
            }
            let n = index.descriptors.len();
            let msg = if status == 404 {
                format!(
                    "referrers API answered with an OCI index ({n} referrers) but with status 404 (non-conformant)"
                )
            } else {
                format!("referrers API supported ({n} referrers listed for {repo}:{tag})")
            };
            let rem = if standard_index_content_type(content_type.as_deref()) && status == 200 {
                Vec::new()
            } else {
                vec![
                    "The registry's referrers answer is non-standard; upgrade it (e.g. Harbor 2.10+ sends the index Content-Type) so strict clients do not fall back.".into(),
                    remediation::related(),
                ]
            };
            ctx.finish(Status::Pass, msg, rem)
        }
        ReferrersAnswer::NotAnIndex {
            content_type,
            reason,
        } => unsupported(
            ctx,
            format!(
                "referrers endpoint answered 200 but not with an OCI index ({reason}; Content-Type {:?}): the API is not implemented",
                content_type.as_deref().unwrap_or("<none>")
            ),
        ),
        ReferrersAnswer::Unsupported { status } => {
            unsupported(ctx, format!("referrers API not supported (HTTP {status})"))
        }
        ReferrersAnswer::NameUnknown => unsupported(
            ctx,
            "referrers API not supported (HTTP 404 NAME_UNKNOWN)".into(),
        ),
        ReferrersAnswer::BadRequest => unsupported(
            ctx,
            "registry rejected the referrers request (HTTP 400); treated as unsupported".into(),
        ),
        ReferrersAnswer::Unexpected { status } => unsupported(
            ctx,
            format!(
                "unexpected answer HTTP {status} from the referrers endpoint; treated as unsupported"
            ),
        ),
        ReferrersAnswer::Unauthorized { status, note } => {
            if let Some(n) = note {
                ctx.notes.push(n);
            }
            ctx.finish(
                Status::Info,
                format!("not authorized to list referrers (HTTP {status}); cannot verify"),
                remediation::unauthorized(repo),
            )
        }
        ReferrersAnswer::RateLimited {
            headers,
            wait_cut_short,
        } => rate_limited(ctx, headers, wait_cut_short, "probing the referrers API"),
        ReferrersAnswer::RequestTimeout => ctx.finish(
            Status::Fail,
            "referrers endpoint timed out (HTTP 408) after retries".into(),
            remediation::connection(&base, &host),
        ),
        ReferrersAnswer::ServerError { status } => ctx.finish(
            Status::Fail,
            format!("registry error on the referrers endpoint (HTTP {status}) after retries"),
            remediation::server_error(),
        ),
    }
}

fn rate_limited(
    mut ctx: Ctx,
    headers: Vec<(String, String)>,
    cut: bool,
    during: &str,
) -> CheckResult {
    if cut {
        ctx.notes
            .push("Retry-After exceeds the remaining time budget; stopped waiting".into());
    }
    ctx.extra.insert(
        "rate_limit_headers".into(),
        json!(
            headers
                .into_iter()
                .collect::<std::collections::BTreeMap<_, _>>()
        ),
    );
    ctx.finish(
        Status::Info,
        format!("rate limited while {during}; cannot verify"),
        remediation::rate_limited(),
    )
}

fn transport_fail(
    mut ctx: Ctx,
    e: &HttpError,
    during: &str,
    base: &str,
    host: &str,
) -> CheckResult {
    ctx.extra.insert("error_kind".into(), json!(e.kind()));
    let msg = match e {
        HttpError::BudgetExceeded { .. } => format!("time budget exceeded while {during}"),
        _ => format!("{e} (while {during})"),
    };
    ctx.finish(Status::Fail, msg, remediation::connection(base, host))
}

fn step1_answer(mut ctx: Ctx, resp: &Resp, repo: &str, tag: &str) -> CheckResult {
    let base = base(ctx.cfg);
    let host = ctx.cfg.registry.host_label();
    if let Some(n) = &resp.auth_note {
        ctx.notes.push(n.clone());
    }
    match resp.status {
        404 => ctx.finish(
            Status::Info,
            format!("test image {repo}:{tag} not found; cannot verify the referrers API"),
            remediation::not_found(repo, tag),
        ),
        _ if resp.is_rate_limited() => rate_limited(
            ctx,
            resp.rate_limit_headers(),
            resp.wait_cut_short.is_some(),
            "resolving the test image digest",
        ),
        401 | 403 => ctx.finish(
            Status::Info,
            format!(
                "pull of {repo}:{tag} not authorized (HTTP {}); cannot verify",
                resp.status
            ),
            remediation::unauthorized(repo),
        ),
        408 => ctx.finish(
            Status::Fail,
            "registry timed out (HTTP 408) resolving the test image".into(),
            remediation::connection(&base, &host),
        ),
        500..=599 => ctx.finish(
            Status::Fail,
            format!(
                "registry error (HTTP {}) resolving the test image digest after retries",
                resp.status
            ),
            remediation::server_error(),
        ),
        s => ctx.finish(
            Status::Fail,
            format!("unexpected answer HTTP {s} resolving the test image digest"),
            remediation::connection(&base, &host),
        ),
    }
}
