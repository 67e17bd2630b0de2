//! The public values of discovery: the options, the subject to discover, and what a discovery returns (each
//! referrer, the partial failures, the method that found them, the capability learned).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

use crate::error_kind::ErrorKind;

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
