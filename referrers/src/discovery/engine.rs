//! One subject from start to end: resolve it, learn or reuse the capability of its repository, then read the
//! referrers API or fall back to the tag schema and cosign tags, verify when asked, and make the result.

use std::time::Instant;

use super::accumulator::Acc;
use super::answer::describe;
use super::api::{FirstPage, collect_api, first_page};
use super::filter::filters_applied;
use super::shared::Shared;
use super::subject_state::{SubjectState, resolve_subject, subject_state};
use super::types::{Capability, DiscoveryError, DiscoveryResult, Method, Subject};
use super::{fallback, verify};
use crate::error_kind::ErrorKind;
use crate::http::Op;
use crate::probe::{ReferrersAnswer, standard_index_content_type};
use crate::spec::Digest;
use crate::telemetry::log_registry_line;

/// How the listing starts: straight with the fallback (the cached capability says the API is unsupported), or from
/// the first page's answer.
enum Start {
    Fallback,
    Page(Box<FirstPage>),
}

/// Learn the capability from a first-page answer: "unsupported" only when the subject manifest is known to exist
/// (a supporting registry may answer a missing subject with 400, 404 or `{}`), never from a transient error
/// (docs/check-decision-table.md, "Discovery").
async fn learn(
    d: &Shared,
    op: &Op,
    repo: &str,
    digest: &Digest,
    st: &mut SubjectState,
    fp: &FirstPage,
    probe_ms: u64,
) {
    let Ok((resp, answer)) = fp else { return };
    let supported = match answer {
        ReferrersAnswer::Index { .. } => true,
        ReferrersAnswer::NotAnIndex { .. } | ReferrersAnswer::Unsupported { .. } => false,
        _ => return,
    };
    if !supported {
        if st.exists.is_none() {
            *st = subject_state(d, op, repo, digest).await;
        }
        if st.exists != Some(true) {
            return;
        }
        // ECR answers 405 around referrers of an index subject while supporting the API
        // (aws/containers-roadmap#2783): a 405 teaches nothing unless the subject is known not to be an index.
        if matches!(answer, ReferrersAnswer::Unsupported { status: 405 })
            && st.is_index != Some(false)
        {
            return;
        }
    }
    let api_version = resp
        .header("docker-distribution-api-version")
        .map(str::to_string)
        .or_else(|| {
            d.client
                .last_response_header("docker-distribution-api-version")
        });
    let filter_applied = match (answer, d.opts.artifact_types.len()) {
        (ReferrersAnswer::Index { index, .. }, 1) => Some(filters_applied(resp, index)),
        _ => None,
    };
    let cap = Capability {
        referrers_api: supported,
        api_version,
        probe_ms,
        learned_from: digest.to_string(),
        filter_applied,
    };
    let changed = d
        .capability(repo)
        .is_none_or(|c| c.referrers_api != supported);
    d.remember(repo, cap.clone());
    if changed {
        d.metrics.record_probe(&d.host, supported);
        log_registry_line(&d.host, supported, cap.api_version.as_deref(), probe_ms);
    }
}

/// The first page, with the capability reused from the cache or learned from this answer (one probe per repository
/// at a time: the others wait for it, then use what it learned).
async fn start(
    d: &Shared,
    op: &Op,
    repo: &str,
    digest: &Digest,
    st: &mut SubjectState,
    acc: &mut Acc,
) -> Start {
    let from_cache = |referrers_api: bool, acc: &mut Acc| {
        if referrers_api {
            None
        } else {
            acc.note("cached capability: referrers API unsupported; using the tag-schema and cosign-tag fallback".into());
            Some(Start::Fallback)
        }
    };
    if let Some(c) = d.cached_referrers_api(repo) {
        if let Some(s) = from_cache(c, acc) {
            return s;
        }
        return Start::Page(Box::new(first_page(d, op, repo, digest).await));
    }
    let lock = d.probe_lock(repo);
    let guard = lock.lock().await;
    if let Some(c) = d.cached_referrers_api(repo) {
        drop(guard);
        if let Some(s) = from_cache(c, acc) {
            return s;
        }
        return Start::Page(Box::new(first_page(d, op, repo, digest).await));
    }
    let t = Instant::now();
    let fp = first_page(d, op, repo, digest).await;
    let ms = t.elapsed().as_millis() as u64;
    learn(d, op, repo, digest, st, &fp, ms).await;
    drop(guard);
    Start::Page(Box::new(fp))
}

/// The result for a subject that never started because the batch budget ran out.
pub(super) fn not_started(d: &Shared, subject: &Subject) -> DiscoveryResult {
    let op = Op::new(std::time::Duration::ZERO);
    let mut acc = Acc::default();
    acc.err(
        ErrorKind::Timeout,
        "the batch time budget ran out before this subject started".into(),
    );
    finish(d, &op, subject, String::new(), Method::None, acc)
}

/// The result: `complete` unless anything was reported; the method and any failure go to the metrics.
fn finish(
    d: &Shared,
    op: &Op,
    subject: &Subject,
    digest: String,
    method: Method,
    acc: Acc,
) -> DiscoveryResult {
    let complete = !acc.incomplete && acc.errors.is_empty();
    d.metrics.record_method(&d.host, method.as_str());
    if !complete {
        d.metrics.record_failure(&d.host);
    }
    DiscoveryResult {
        registry: d.host.clone(),
        subject: digest,
        repository: subject.repository.clone(),
        method,
        referrers: acc.referrers,
        complete,
        errors: acc.errors,
        request_count: op.request_count(),
        duration_ms: op.elapsed().as_millis() as u64,
        notes: acc.notes,
    }
}

/// Discover the referrers of one subject within `budget`.
pub(super) async fn discover(
    d: &Shared,
    subject: &Subject,
    budget: std::time::Duration,
) -> DiscoveryResult {
    let op = Op::new(budget);
    let mut acc = Acc::default();
    let Some((digest, mut st)) = resolve_subject(d, &op, subject, &mut acc).await else {
        return finish(d, &op, subject, String::new(), Method::None, acc);
    };
    let repo = subject.repository.as_str();
    let first = match start(d, &op, repo, &digest, &mut st, &mut acc).await {
        Start::Fallback => None,
        Start::Page(fp) => Some(*fp),
    };
    let method = match first {
        None => fallback::run(d, &op, repo, &digest, &mut acc).await,
        Some(Err(e)) => {
            acc.http(&e, "listing referrers");
            Method::None
        }
        Some(Ok((resp, answer))) => match answer {
            ReferrersAnswer::Index {
                status,
                index,
                content_type,
            } => {
                if !standard_index_content_type(content_type.as_deref()) {
                    acc.note(format!(
                        "non-standard Content-Type {:?} on the referrers answer",
                        content_type.as_deref().unwrap_or("<none>")
                    ));
                }
                if status == 404 {
                    acc.note(
                        "non-conformant 404 with an index body; used as the API's answer".into(),
                    );
                }
                collect_api(d, &op, repo, resp, index, &mut acc).await;
                Method::ReferrersApi
            }
            ReferrersAnswer::NotAnIndex { reason, .. } => {
                acc.note(format!("referrers endpoint answered 200 without an index ({reason}): API unsupported, using the fallback"));
                fallback::run(d, &op, repo, &digest, &mut acc).await
            }
            ReferrersAnswer::Unsupported { status } => {
                acc.note(format!(
                    "referrers API unsupported ({}): using the fallback",
                    describe(&resp)
                ));
                if status == 405 && st.is_index != Some(false) {
                    acc.note("a 405 for a subject that may be an index is not cached (ECR answers so while supporting the API)".into());
                }
                fallback::run(d, &op, repo, &digest, &mut acc).await
            }
            ReferrersAnswer::NameUnknown => {
                acc.err(
                    ErrorKind::RepositoryNotFound,
                    format!("repository {repo} not found (404 NAME_UNKNOWN)"),
                );
                Method::None
            }
            ReferrersAnswer::BadRequest => {
                if st.exists.is_none() {
                    st = subject_state(d, &op, repo, &digest).await;
                }
                if st.exists == Some(false) {
                    acc.note("the registry answered 400 for a subject whose manifest does not exist (Quay 3.13): no referrers".into());
                    Method::ReferrersApi
                } else {
                    acc.err(
                        ErrorKind::BadRequest,
                        format!(
                            "referrers endpoint rejected the request: {}",
                            describe(&resp)
                        ),
                    );
                    Method::None
                }
            }
            other => {
                acc.err(
                    other.error_kind().unwrap_or(ErrorKind::UnexpectedStatus),
                    format!("listing referrers: {}", describe(&resp)),
                );
                Method::None
            }
        },
    };
    if d.opts.verify && !acc.referrers.is_empty() {
        verify::run(d, &op, repo, &digest, &mut acc).await;
    }
    finish(d, &op, subject, digest.to_string(), method, acc)
}

/// Learn (or return the cached) capability of the subject's repository without listing referrers.
pub(super) async fn probe(d: &Shared, subject: &Subject) -> Result<Capability, DiscoveryError> {
    let op = Op::new(d.opts.timeout);
    let mut acc = Acc::default();
    let first_error = |acc: Acc| {
        acc.errors.into_iter().next().unwrap_or(DiscoveryError {
            kind: ErrorKind::UnexpectedStatus,
            message: "capability could not be learned from this subject".into(),
            digest: None,
        })
    };
    let Some((digest, mut st)) = resolve_subject(d, &op, subject, &mut acc).await else {
        return Err(first_error(acc));
    };
    let repo = subject.repository.as_str();
    if let Some(c) = d.capability(repo) {
        return Ok(c);
    }
    let lock = d.probe_lock(repo);
    let _guard = lock.lock().await;
    if let Some(c) = d.capability(repo) {
        return Ok(c);
    }
    let t = Instant::now();
    let fp = first_page(d, &op, repo, &digest).await;
    learn(
        d,
        &op,
        repo,
        &digest,
        &mut st,
        &fp,
        t.elapsed().as_millis() as u64,
    )
    .await;
    if let Some(c) = d.capability(repo) {
        return Ok(c);
    }
    match fp {
        Err(e) => acc.http(&e, "probing the referrers API"),
        Ok((resp, a)) => acc.err(
            a.error_kind().unwrap_or(ErrorKind::SubjectNotFound),
            format!("probing the referrers API: {}", describe(&resp)),
        ),
    }
    Err(first_error(acc))
}
