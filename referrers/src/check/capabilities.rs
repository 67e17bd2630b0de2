//! `check.integration.oci.capabilities`: one capability record for the registry (referrers API, filter support,
//! paging seen, tag listing, `Docker-Content-Digest` on HEAD, auth schemes, API-version header).

use serde_json::{Value, json};

use super::evidence::api_version;
use super::related::{base, client_for, evidence, invalid_names, transport};
use super::remediation;
use super::types::{CAPABILITIES_ID, CheckConfig, CheckResult, Status, result};
use crate::http::{Op, Req};
use crate::probe::{ReferrersAnswer, classify_referrers_answer};
use crate::resolve::{Resolved, resolve};
use crate::spec::media::OCI_INDEX;
use crate::telemetry::Metrics;

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
