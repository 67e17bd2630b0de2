//! Referrer discovery for one subject or many: capability probe and cache per (registry, repository), the
//! referrers API with `Link` paging and filters, the tag-schema and cosign-tag fallbacks, merge, verify mode, and
//! the batch runner. Every answer is read as check-verdicts.md ("Discovery") says.

mod engine;
mod fallback;
mod verify;

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::config::RegistryConfig;
pub use crate::error_kind::ErrorKind;
use crate::http::{ClientBuildError, Exchange, HttpClient};
use crate::telemetry::{Metrics, log_probing_line};

/// Discovery options (seed keys `timeout_seconds`, `max_concurrent_discoveries`).
#[derive(Debug, Clone)]
pub struct DiscoveryOptions {
    /// Only referrers with one of these `artifactType`s; empty = all. Exactly one type is sent to the server as
    /// `?artifactType=`; several are filtered locally only (the spec defines a single filter value).
    pub artifact_types: Vec<String>,
    /// Fetch every referrer manifest and check digest, size and `subject.digest`.
    pub verify: bool,
    /// Subjects discovered at once by `discover_many` (seed default 4).
    pub max_concurrent: usize,
    /// Budget per subject (seed default 120 s).
    pub timeout: Duration,
    /// How long a learned capability is trusted (default 5 min).
    pub capability_ttl: Duration,
    /// Referrers or tag-list pages followed at most (default 100).
    pub max_pages: usize,
    /// Descriptors read at most per subject (default 10 000).
    pub max_descriptors: usize,
    /// Whole budget of one `discover_many` call (the CLI's `--timeout-seconds`); `None` = only the per-subject
    /// budget. Subjects not started when it runs out get a `timeout` error; running ones get what is left.
    pub batch_timeout: Option<Duration>,
}

impl Default for DiscoveryOptions {
    fn default() -> Self {
        DiscoveryOptions {
            artifact_types: Vec::new(),
            verify: false,
            max_concurrent: 4,
            timeout: Duration::from_secs(120),
            capability_ttl: Duration::from_secs(300),
            max_pages: 100,
            max_descriptors: 10_000,
            batch_timeout: None,
        }
    }
}

/// What to discover referrers of: a tag (resolved first) or a digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubjectRef {
    /// A tag.
    Tag(String),
    /// A digest.
    Digest(String),
}

/// A subject in a repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// Repository name.
    pub repository: String,
    /// Tag or digest.
    pub reference: SubjectRef,
}

impl Subject {
    /// A tag subject.
    pub fn tag(repository: &str, tag: &str) -> Subject {
        Subject {
            repository: repository.into(),
            reference: SubjectRef::Tag(tag.into()),
        }
    }
    /// A digest subject.
    pub fn digest(repository: &str, digest: &str) -> Subject {
        Subject {
            repository: repository.into(),
            reference: SubjectRef::Digest(digest.into()),
        }
    }
}

/// How the referrers were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Method {
    /// The referrers API.
    #[serde(rename = "referrers-api")]
    ReferrersApi,
    /// Only the tag-schema index produced referrers.
    #[serde(rename = "tag-schema")]
    TagSchema,
    /// Only cosign tags produced referrers.
    #[serde(rename = "cosign-tags")]
    CosignTags,
    /// The fallback: both the tag schema and cosign tags produced referrers, or both were consulted and found none.
    #[serde(rename = "tag-schema+cosign-tags")]
    TagSchemaAndCosignTags,
    /// No method could run (subject or repository missing, authorization, transient errors).
    #[serde(rename = "none")]
    None,
}

impl Method {
    /// Every method, in the order of the enum.
    pub const ALL: &'static [Method] = &[
        Method::ReferrersApi,
        Method::TagSchema,
        Method::CosignTags,
        Method::TagSchemaAndCosignTags,
        Method::None,
    ];

    /// The serialized name (also the metric label).
    pub fn as_str(self) -> &'static str {
        match self {
            Method::ReferrersApi => "referrers-api",
            Method::TagSchema => "tag-schema",
            Method::CosignTags => "cosign-tags",
            Method::TagSchemaAndCosignTags => "tag-schema+cosign-tags",
            Method::None => "none",
        }
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Method {
    type Err = String;

    /// Parses a serialized name; the error lists the names there are.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Method::ALL
            .iter()
            .copied()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Method::ALL.iter().map(|m| m.as_str()).collect();
                format!("unknown method {s:?}; expected one of {}", names.join(", "))
            })
    }
}

/// Source labels, in the order they are joined.
pub const SOURCES: [&str; 3] = ["referrers-api", "tag-schema", "cosign-tags"];

/// Every join of [`SOURCES`] in order, indexed by a bit set (bit `i` = `SOURCES[i]`), so that a referrer's
/// `source` is a static label, not a string built per referrer.
const SOURCE_LABELS: [&str; 8] = [
    "",
    "referrers-api",
    "tag-schema",
    "referrers-api+tag-schema",
    "cosign-tags",
    "referrers-api+cosign-tags",
    "tag-schema+cosign-tags",
    "referrers-api+tag-schema+cosign-tags",
];

/// The bit set of a label of [`SOURCE_LABELS`] (0 for anything else).
fn source_bits(label: &str) -> usize {
    SOURCE_LABELS.iter().position(|l| *l == label).unwrap_or(0)
}

/// `label` joined with `source` (one of [`SOURCES`]), in [`SOURCES`] order.
pub(crate) fn join_source(label: &str, source: &str) -> &'static str {
    let bit = SOURCES
        .iter()
        .position(|s| *s == source)
        .map_or(0, |i| 1 << i);
    SOURCE_LABELS[source_bits(label) | bit]
}

/// One referrer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Referrer {
    /// Digest of the referrer manifest.
    pub digest: String,
    /// Its media type.
    #[serde(rename = "mediaType")]
    pub media_type: String,
    /// Its artifact type (rule: `artifactType`, else `config.mediaType`).
    #[serde(rename = "artifactType")]
    pub artifact_type: Option<String>,
    /// Size in bytes.
    pub size: u64,
    /// Annotations.
    pub annotations: BTreeMap<String, String>,
    /// Where it was found: `referrers-api`, `tag-schema`, `cosign-tags`, joined with `+` (in that order) when
    /// several found it.
    pub source: &'static str,
    /// sha256 of the fetched manifest bytes (verify mode).
    pub sha256: Option<String>,
}

/// A partial failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiscoveryError {
    /// What went wrong (serialised as its stable kebab-case name).
    pub kind: ErrorKind,
    /// What happened, where.
    pub message: String,
    /// The referrer concerned, if one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
}

/// The outcome for one subject.
#[derive(Debug, Clone, Serialize)]
pub struct DiscoveryResult {
    /// Registry `host[:port]`.
    pub registry: String,
    /// The subject's digest (`""` when it could not be resolved).
    pub subject: String,
    /// Repository.
    pub repository: String,
    /// How the referrers were found.
    pub method: Method,
    /// Every referrer found (also when incomplete).
    pub referrers: Vec<Referrer>,
    /// False whenever any part of the listing could not be read or validated.
    pub complete: bool,
    /// Partial failures.
    pub errors: Vec<DiscoveryError>,
    /// Requests sent for this subject (retries, redirects and token fetches included).
    pub request_count: u32,
    /// Wall time for this subject.
    pub duration_ms: u64,
    /// Observations (non-standard Content-Type, non-conformant 404, GitLab tag, ...).
    pub notes: Vec<String>,
}

/// A learned capability of (registry, repository).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Capability {
    /// The referrers API is supported.
    pub referrers_api: bool,
    /// `Docker-Distribution-API-Version` seen on the probe, if any.
    pub api_version: Option<String>,
    /// Probe duration.
    pub probe_ms: u64,
    /// The existing subject the capability was learned from.
    pub learned_from: String,
    /// Whether the registry said it applied the `artifactType` filter (when one was sent).
    pub filter_applied: Option<bool>,
}

struct Inner {
    client: HttpClient,
    opts: DiscoveryOptions,
    metrics: Metrics,
    host: String,
    cache: Mutex<HashMap<String, (Capability, Instant)>>,
    probe_locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

/// Discovery against one registry. Cheap to clone (shared inside); holds the HTTP client, token cache,
/// capability cache and metrics handle.
#[derive(Clone)]
pub struct Discoverer {
    inner: Arc<Inner>,
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
            inner: Arc::new(Inner {
                client,
                opts,
                metrics,
                host,
                cache: Mutex::new(HashMap::new()),
                probe_locks: Mutex::new(HashMap::new()),
            }),
        })
    }

    /// Registry `host[:port]`.
    pub fn registry(&self) -> &str {
        &self.inner.host
    }

    /// The cached capability of `repository`, if learned and not expired.
    pub fn capability(&self, repository: &str) -> Option<Capability> {
        let cache = self.inner.cache.lock().ok()?;
        cache
            .get(repository)
            .filter(|(_, at)| at.elapsed() < self.inner.opts.capability_ttl)
            .map(|(c, _)| c.clone())
    }

    /// Whether the cached (unexpired) capability of `repository` says the referrers API works, without cloning it.
    fn cached_referrers_api(&self, repository: &str) -> Option<bool> {
        let cache = self.inner.cache.lock().ok()?;
        cache
            .get(repository)
            .filter(|(_, at)| at.elapsed() < self.inner.opts.capability_ttl)
            .map(|(c, _)| c.referrers_api)
    }

    /// Every HTTP exchange so far (redacted).
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.inner.client.exchanges()
    }

    /// Discover the referrers of one subject.
    pub async fn discover(&self, subject: &Subject) -> DiscoveryResult {
        engine::discover(self, subject, self.inner.opts.timeout).await
    }

    /// Learn (or return the cached) capability of the subject's repository without listing referrers.
    pub async fn probe(&self, subject: &Subject) -> Result<Capability, DiscoveryError> {
        engine::probe(self, subject).await
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
                    return (i, engine::not_started(&me, &s));
                }
                (i, engine::discover(&me, &s, budget).await)
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

#[cfg(test)]
mod source_tests {
    use super::*;

    #[test]
    fn sources_join_in_order_whatever_order_they_are_found() {
        assert_eq!(join_source("", "tag-schema"), "tag-schema");
        assert_eq!(
            join_source("cosign-tags", "referrers-api"),
            "referrers-api+cosign-tags"
        );
        assert_eq!(
            join_source("tag-schema+cosign-tags", "tag-schema"),
            "tag-schema+cosign-tags"
        );
        let all = ["cosign-tags", "referrers-api", "tag-schema"]
            .iter()
            .fold("", |l, s| join_source(l, s));
        assert_eq!(all, SOURCES.join("+"));
        for (bits, label) in SOURCE_LABELS.iter().enumerate() {
            let joined: Vec<&str> = (0..3)
                .filter(|i| bits & (1 << i) != 0)
                .map(|i| SOURCES[i])
                .collect();
            assert_eq!(*label, joined.join("+"));
        }
    }
}
