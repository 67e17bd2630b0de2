//! One subject: resolve, learn or reuse the capability, read the referrers API (with paging) or fall back, verify.

use hashbrown::HashTable;
use std::collections::HashSet;
use std::hash::{BuildHasher, RandomState};
use std::time::Instant;

use super::{
    Capability, Discoverer, DiscoveryError, DiscoveryResult, Method, Referrer, Subject, SubjectRef,
    join_source,
};
use crate::error_kind::ErrorKind;
use crate::http::{HttpError, Op, Req, Resp, redact_url};
use crate::probe::{ReferrersAnswer, classify_referrers_answer, standard_index_content_type};
use crate::resolve::{Resolved, resolve};
use crate::spec::error_json::has_error_code;
use crate::spec::media::OCI_INDEX;
use crate::spec::names::{valid_repository, valid_tag};
use crate::spec::{Descriptor, Digest, ParsedIndex, next_link};
use crate::telemetry::log_registry_line;

/// What one subject's discovery accumulates.
#[derive(Debug, Default)]
pub(super) struct Acc {
    pub referrers: Vec<Referrer>,
    /// (hash of the digest, position in `referrers`), found by digest, so merging a page of n descriptors costs
    /// O(n), not O(n × found). A table of positions rather than a map keyed by a copy of each digest; the hash is
    /// kept so that growing the table does not hash every digest again.
    positions: HashTable<(u64, usize)>,
    /// SipHash with per-process random keys: digests come from the registry.
    hasher: RandomState,
    pub errors: Vec<DiscoveryError>,
    pub notes: Vec<String>,
    pub incomplete: bool,
}

impl Acc {
    pub fn err(&mut self, kind: ErrorKind, message: String) {
        self.incomplete = true;
        self.errors.push(DiscoveryError {
            kind,
            message,
            digest: None,
        });
    }
    pub fn err_digest(&mut self, kind: ErrorKind, message: String, digest: &str) {
        self.incomplete = true;
        self.errors.push(DiscoveryError {
            kind,
            message,
            digest: Some(digest.into()),
        });
    }
    pub fn http(&mut self, e: &HttpError, during: &str) {
        self.err(e.kind(), format!("{during}: {e}"));
    }
    pub fn note(&mut self, n: String) {
        if !self.notes.contains(&n) {
            self.notes.push(n);
        }
    }
    /// Room for `n` more referrers (a page about to be added), so the digest index grows once per page.
    pub fn reserve(&mut self, n: usize) {
        self.referrers.reserve(n);
        self.positions.reserve(n, |&(h, _)| h);
    }
    /// Add a descriptor found by `source` (one of [`SOURCES`](super::SOURCES)), merging by digest; returns true when
    /// it was new.
    pub fn add(&mut self, d: Descriptor, source: &str) -> bool {
        let hash = self.hasher.hash_one(d.digest.as_str());
        let referrers = &mut self.referrers;
        if let Some(&(_, i)) = self
            .positions
            .find(hash, |&(h, i)| h == hash && referrers[i].digest == d.digest)
        {
            let r = &mut referrers[i];
            r.source = join_source(r.source, source);
            if r.artifact_type.is_none() {
                r.artifact_type = d.artifact_type;
            }
            for (k, v) in d.annotations {
                r.annotations.entry(k).or_insert(v);
            }
            return false;
        }
        self.positions
            .insert_unique(hash, (hash, referrers.len()), |&(h, _)| h);
        referrers.push(Referrer {
            digest: d.digest,
            media_type: d.media_type,
            artifact_type: d.artifact_type,
            size: d.size,
            annotations: d.annotations,
            source: join_source("", source),
            sha256: None,
        });
        true
    }
}

/// Error kind for a non-success answer of any registry endpoint.
pub(super) fn status_kind(resp: &Resp) -> ErrorKind {
    match resp.status {
        _ if resp.is_rate_limited() => ErrorKind::RateLimited,
        401 | 403 => ErrorKind::Unauthorized,
        408 => ErrorKind::Timeout,
        400 => ErrorKind::BadRequest,
        404 if has_error_code(&resp.body, "NAME_UNKNOWN") => ErrorKind::RepositoryNotFound,
        500..=599 => ErrorKind::ServerError,
        _ => ErrorKind::UnexpectedStatus,
    }
}

pub(super) fn describe(resp: &Resp) -> String {
    let mut s = format!("HTTP {}", resp.status);
    if let Some(ct) = resp.content_type() {
        s.push_str(&format!(" ({ct})"));
    }
    if resp.wait_cut_short.is_some() {
        s.push_str("; Retry-After exceeds the remaining budget");
    }
    if resp.retries > 0 {
        s.push_str(&format!(" after {} retries", resp.retries));
    }
    if let Some(n) = &resp.auth_note {
        s.push_str(&format!("; {n}"));
    }
    s
}

/// Whether a descriptor passes the artifact-type filter.
pub(super) fn wanted(d: &Discoverer, artifact_type: Option<&str>) -> bool {
    let f = &d.inner.opts.artifact_types;
    f.is_empty() || artifact_type.is_some_and(|a| f.iter().any(|x| x == a))
}

type FirstPage = Result<(Resp, ReferrersAnswer), HttpError>;

enum Start {
    Fallback,
    Page(Box<FirstPage>),
}

fn validate(subject: &Subject) -> Result<(), String> {
    if !valid_repository(&subject.repository) {
        return Err(format!("invalid repository name {:?}", subject.repository));
    }
    match &subject.reference {
        SubjectRef::Tag(t) if !valid_tag(t) => Err(format!("invalid tag {t:?}")),
        SubjectRef::Digest(d) => Digest::check(d).map_err(|e| e.to_string()),
        _ => Ok(()),
    }
}

/// What is known about the subject manifest.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct SubjectState {
    /// `Some(true)` seen, `Some(false)` 404, `None` unknown.
    pub exists: Option<bool>,
    /// Whether it is an index (OCI index or Docker list), when known.
    pub is_index: Option<bool>,
}

fn state_of(media_type: Option<&str>) -> SubjectState {
    SubjectState {
        exists: Some(true),
        is_index: media_type
            .map(|m| m == crate::spec::media::OCI_INDEX || m == crate::spec::media::DOCKER_LIST),
    }
}

/// Resolve the subject to a digest and what is known about its manifest.
async fn resolve_subject(
    d: &Discoverer,
    op: &Op,
    subject: &Subject,
    acc: &mut Acc,
) -> Option<(Digest, SubjectState)> {
    if let Err(e) = validate(subject) {
        acc.err(ErrorKind::InvalidSubject, e);
        return None;
    }
    let repo = &subject.repository;
    match &subject.reference {
        SubjectRef::Digest(s) => s.parse().ok().map(|dg| (dg, SubjectState::default())),
        SubjectRef::Tag(t) => match resolve(&d.inner.client, op, repo, t).await {
            Ok(Resolved::Found {
                digest,
                notes,
                media_type,
                ..
            }) => {
                notes.into_iter().for_each(|n| acc.note(n));
                Some((digest, state_of(media_type.as_deref())))
            }
            Ok(Resolved::Answer(resp)) => {
                let kind = match status_kind(&resp) {
                    ErrorKind::UnexpectedStatus if resp.status == 404 => ErrorKind::SubjectNotFound,
                    k => k,
                };
                acc.err(kind, format!("resolving {repo}:{t}: {}", describe(&resp)));
                None
            }
            Ok(Resolved::Mismatch { expected, actual }) => {
                acc.err(
                    ErrorKind::InvalidSubject,
                    format!("{repo}:{t}: expected {expected}, bytes hash to {actual}"),
                );
                None
            }
            Err(e) => {
                acc.http(&e, &format!("resolving {repo}:{t}"));
                None
            }
        },
    }
}

/// HEAD the subject by digest.
async fn subject_state(d: &Discoverer, op: &Op, repo: &str, digest: &Digest) -> SubjectState {
    match resolve(&d.inner.client, op, repo, digest.as_str()).await {
        Ok(Resolved::Found { media_type, .. }) => state_of(media_type.as_deref()),
        Ok(Resolved::Answer(r)) if r.status == 404 && !has_error_code(&r.body, "NAME_UNKNOWN") => {
            SubjectState {
                exists: Some(false),
                is_index: None,
            }
        }
        _ => SubjectState::default(),
    }
}

async fn first_page(
    d: &Discoverer,
    op: &Op,
    repo: &str,
    digest: &Digest,
) -> Result<(Resp, ReferrersAnswer), HttpError> {
    let client = &d.inner.client;
    let mut url = client.v2_url(&format!("{repo}/referrers/{digest}"));
    if let [only] = d.inner.opts.artifact_types.as_slice() {
        url.query_pairs_mut().append_pair("artifactType", only);
    }
    let resp = client
        .send(op, &Req::get(url).accept(OCI_INDEX).pull_scope(repo))
        .await?;
    let a = classify_referrers_answer(&resp, d.inner.opts.max_descriptors);
    Ok((resp, a))
}

fn filters_applied(resp: &Resp, index: &ParsedIndex) -> bool {
    let lists = |v: &str| {
        v.split(',')
            .any(|x| x.trim().eq_ignore_ascii_case("artifactType"))
    };
    resp.headers_all("oci-filters-applied")
        .iter()
        .any(|v| lists(v))
        || index
            .filters_applied_annotation
            .as_deref()
            .is_some_and(lists)
}

/// Learn the capability from a first-page answer (check-verdicts "Discovery": only from an existing subject for a
/// negative; never from transient errors).
async fn learn(
    d: &Discoverer,
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
        // ECR answers 405 for referrers of an index subject while supporting the API (aws/containers-roadmap
        // #2783): a 405 teaches nothing unless the subject is known not to be an index.
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
            d.inner
                .client
                .last_response_header("docker-distribution-api-version")
        });
    let filter_applied = match (answer, d.inner.opts.artifact_types.len()) {
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
    if let Ok(mut c) = d.inner.cache.lock() {
        c.insert(repo.to_string(), (cap.clone(), Instant::now()));
    }
    if changed {
        d.inner.metrics.record_probe(&d.inner.host, supported);
        log_registry_line(
            &d.inner.host,
            supported,
            cap.api_version.as_deref(),
            probe_ms,
        );
    }
}

fn probe_lock(d: &Discoverer, repo: &str) -> std::sync::Arc<tokio::sync::Mutex<()>> {
    let mut locks = d
        .inner
        .probe_locks
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    locks.entry(repo.to_string()).or_default().clone()
}

async fn start(
    d: &Discoverer,
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
    let lock = probe_lock(d, repo);
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

/// Follow the listing from its first page.
async fn collect_api(
    d: &Discoverer,
    op: &Op,
    repo: &str,
    first: Resp,
    index: ParsedIndex,
    acc: &mut Acc,
) {
    let client = &d.inner.client;
    let opts = &d.inner.opts;
    let sent_filter = opts.artifact_types.len() == 1;
    let mut resp = first;
    let mut index = index;
    // The pages' URLs, for loop detection; started when a first Link is followed (most listings are one page).
    let mut seen: HashSet<url::Url> = HashSet::new();
    let mut pages = 1usize;
    let mut total = 0usize;
    loop {
        let server_filtered = sent_filter && filters_applied(&resp, &index);
        for x in &index.dropped {
            let msg = format!(
                "page {pages}: descriptor {} dropped: {}",
                x.position, x.reason
            );
            match &x.digest {
                Some(dg) => acc.err_digest(ErrorKind::InvalidDescriptor, msg, dg),
                None => acc.err(ErrorKind::InvalidDescriptor, msg),
            }
        }
        acc.reserve(index.descriptors.len());
        for desc in std::mem::take(&mut index.descriptors) {
            total += 1;
            if total > opts.max_descriptors {
                acc.err(
                    ErrorKind::DescriptorCap,
                    format!(
                        "more than {} descriptors; listing cut",
                        opts.max_descriptors
                    ),
                );
                return;
            }
            if server_filtered || wanted(d, desc.artifact_type.as_deref()) {
                acc.add(desc, "referrers-api");
            }
        }
        if index.over_cap > 0 {
            acc.err(
                ErrorKind::DescriptorCap,
                format!(
                    "page {pages}: {} descriptors beyond the cap not read",
                    index.over_cap
                ),
            );
            return;
        }
        let Some(next) = next_link(resp.headers_all("link"), &resp.url) else {
            return;
        };
        if next.origin() != client.base().origin() {
            acc.err(
                ErrorKind::OffOriginLink,
                format!(
                    "page {pages}: Link to another origin not followed: {}",
                    redact_url(&next)
                ),
            );
            return;
        }
        if seen.is_empty() {
            seen.insert(resp.url.clone());
        }
        if !seen.insert(next.clone()) {
            acc.err(
                ErrorKind::LinkLoop,
                format!("page {pages}: Link repeats {}", redact_url(&next)),
            );
            return;
        }
        if pages >= opts.max_pages {
            acc.err(
                ErrorKind::PageCap,
                format!("more than {} pages; listing cut", opts.max_pages),
            );
            return;
        }
        pages += 1;
        let r = match client
            .send(op, &Req::get(next).accept(OCI_INDEX).pull_scope(repo))
            .await
        {
            Ok(r) => r,
            Err(e) => {
                acc.http(&e, &format!("page {pages} of the referrers listing"));
                return;
            }
        };
        match classify_referrers_answer(&r, opts.max_descriptors) {
            ReferrersAnswer::Index { index: i, .. } => {
                index = i;
                resp = r;
            }
            ReferrersAnswer::NotAnIndex { reason, .. } => {
                acc.err(
                    ErrorKind::InvalidIndex,
                    format!("page {pages} of the referrers listing: {reason}"),
                );
                return;
            }
            other => {
                let kind = other.error_kind().unwrap_or(ErrorKind::UnexpectedStatus);
                acc.err(
                    kind,
                    format!("page {pages} of the referrers listing: {}", describe(&r)),
                );
                return;
            }
        }
    }
}

/// The result for a subject that never started because the batch budget ran out.
pub(super) fn not_started(d: &Discoverer, subject: &Subject) -> DiscoveryResult {
    let op = Op::new(std::time::Duration::ZERO);
    let mut acc = Acc::default();
    acc.err(
        ErrorKind::Timeout,
        "the batch time budget ran out before this subject started".into(),
    );
    finish(d, &op, subject, String::new(), Method::None, acc)
}

fn finish(
    d: &Discoverer,
    op: &Op,
    subject: &Subject,
    digest: String,
    method: Method,
    acc: Acc,
) -> DiscoveryResult {
    let complete = !acc.incomplete && acc.errors.is_empty();
    d.inner
        .metrics
        .record_method(&d.inner.host, method.as_str());
    if !complete {
        d.inner.metrics.record_failure(&d.inner.host);
    }
    DiscoveryResult {
        registry: d.inner.host.clone(),
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

pub(super) async fn discover(
    d: &Discoverer,
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
        None => super::fallback::run(d, &op, repo, &digest, &mut acc).await,
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
                super::fallback::run(d, &op, repo, &digest, &mut acc).await
            }
            ReferrersAnswer::Unsupported { status } => {
                acc.note(format!(
                    "referrers API unsupported ({}): using the fallback",
                    describe(&resp)
                ));
                if status == 405 && st.is_index != Some(false) {
                    acc.note("a 405 for a subject that may be an index is not cached (ECR answers so while supporting the API)".into());
                }
                super::fallback::run(d, &op, repo, &digest, &mut acc).await
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
    if d.inner.opts.verify && !acc.referrers.is_empty() {
        super::verify::run(d, &op, repo, &digest, &mut acc).await;
    }
    finish(d, &op, subject, digest.to_string(), method, acc)
}

pub(super) async fn probe(d: &Discoverer, subject: &Subject) -> Result<Capability, DiscoveryError> {
    let op = Op::new(d.inner.opts.timeout);
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
    let lock = probe_lock(d, repo);
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
