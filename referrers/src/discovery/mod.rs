//! Referrer discovery for one subject or many: capability probe and cache per (registry, repository), the
//! referrers API with `Link` paging and filters, the tag-schema and cosign-tag fallbacks, merge, verify mode, and
//! the batch runner. Every answer is read as docs/check-decision-table.md ("Discovery") says.
//!
//! The modules, bottom-up: `types` and `sources` (the public values, the source labels); `shared` (what a
//! [`Discoverer`] shares between its subjects); `accumulator`, `answer` and `filter` (what one subject's discovery
//! collects, how a registry's answer is reported, the `artifactType` filter); `subject_state`; `api`, `fallback`
//! and `verify` (the ways referrers are read and checked); `engine` (one subject from start to end). This file
//! holds [`Discoverer`] and the batch runners, and re-exports the public values.

mod accumulator;
mod answer;
mod api;
mod content;
mod engine;
mod fallback;
mod filter;
mod shared;
mod sources;
mod subject_state;
mod types;
mod verify;

use std::sync::Arc;
use std::time::Instant;

use crate::config::RegistryConfig;
pub use crate::error_kind::ErrorKind;
use crate::http::{ClientBuildError, Exchange, HttpClient};
use crate::telemetry::{Metrics, log_probing_line};
pub use content::{FetchError, FetchedManifest};
use shared::Shared;
pub use sources::SOURCES;
pub use types::{
    Capability, DiscoveryError, DiscoveryOptions, DiscoveryResult, Method, Referrer, Subject,
    SubjectRef,
};

/// Discovery against one registry. Cheap to clone (shared inside); holds the HTTP client, token cache,
/// capability cache and metrics handle.
#[derive(Clone)]
pub struct Discoverer {
    inner: Arc<Shared>,
}

impl std::fmt::Debug for Discoverer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Discoverer")
            .field("registry", &self.inner.host)
            .finish_non_exhaustive()
    }
}

impl Discoverer {
    /// A discoverer for `registry`. No request is sent.
    pub fn new(
        registry: RegistryConfig,
        opts: DiscoveryOptions,
        metrics: Metrics,
    ) -> Result<Self, ClientBuildError> {
        // One connection per subject running at once stays open between subjects.
        let client = HttpClient::with_idle_per_host(&registry, opts.max_concurrent)?;
        let host = client.host_label();
        Ok(Discoverer {
            inner: Arc::new(Shared::new(client, opts, metrics, host)),
        })
    }

    /// Registry `host[:port]`.
    pub fn registry(&self) -> &str {
        &self.inner.host
    }

    /// The cached capability of `repository`, if learned and not expired.
    pub fn capability(&self, repository: &str) -> Option<Capability> {
        self.inner.capability(repository)
    }

    /// Every HTTP exchange so far (redacted).
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.inner.client.exchanges()
    }

    /// Discover the referrers of one subject.
    pub async fn discover(&self, subject: &Subject) -> DiscoveryResult {
        engine::discover(&self.inner, subject, self.inner.opts.timeout).await
    }

    /// Learn (or return the cached) capability of the subject's repository without listing referrers.
    pub async fn probe(&self, subject: &Subject) -> Result<Capability, DiscoveryError> {
        engine::probe(&self.inner, subject).await
    }

    /// Discover many subjects: logs the seed's probing line, probes each repository once (the first existing
    /// subject probes; the others wait for it), runs at most `max_concurrent` at a time, returns results in input
    /// order.
    pub async fn discover_many(&self, subjects: &[Subject]) -> Vec<DiscoveryResult> {
        log_probing_line(1);
        let sem = Arc::new(tokio::sync::Semaphore::new(
            self.inner.opts.max_concurrent.max(1),
        ));
        let deadline = self
            .inner
            .opts
            .batch_timeout
            .map(crate::http::deadline_after);
        let mut set = tokio::task::JoinSet::new();
        for (i, s) in subjects.iter().cloned().enumerate() {
            let me = self.clone();
            let sem = sem.clone();
            set.spawn(async move {
                let _permit = sem.acquire_owned().await;
                let budget = match deadline {
                    Some(dl) => me
                        .inner
                        .opts
                        .timeout
                        .min(dl.saturating_duration_since(Instant::now())),
                    None => me.inner.opts.timeout,
                };
                if budget.is_zero() {
                    return (i, engine::not_started(&me.inner, &s));
                }
                (i, engine::discover(&me.inner, &s, budget).await)
            });
        }
        let mut out: Vec<Option<DiscoveryResult>> = vec![None; subjects.len()];
        while let Some(joined) = set.join_next().await {
            if let Ok((i, r)) = joined {
                out[i] = Some(r);
            }
        }
        out.into_iter()
            .zip(subjects)
            .map(|(r, s)| {
                r.unwrap_or_else(|| DiscoveryResult {
                    registry: self.inner.host.clone(),
                    subject: String::new(),
                    repository: s.repository.clone(),
                    method: Method::None,
                    referrers: vec![],
                    complete: false,
                    errors: vec![DiscoveryError {
                        kind: ErrorKind::Internal,
                        message: "discovery task failed".into(),
                        digest: None,
                    }],
                    request_count: 0,
                    duration_ms: 0,
                    notes: vec![],
                })
            })
            .collect()
    }
}

/// Probe several registries before an export: logs `Probing N registries for OCI referrer capabilities before
/// export`, then one seed line per registry as each capability is learned. Results in input order.
pub async fn probe_registries(
    targets: &[(&Discoverer, Subject)],
) -> Vec<Result<Capability, DiscoveryError>> {
    log_probing_line(targets.len());
    let mut out = Vec::with_capacity(targets.len());
    for (d, s) in targets {
        out.push(d.probe(s).await);
    }
    out
}
