//! The fakes the benches run against, one per discovery path, and the subject each serves.
//!
//! | fixture | profile | seed |
//! |---|---|---|
//! | `api` | `oci-1.1` (referrers API) | the demo subject `library/alpine:latest` with 3 referrers |
//! | `api-token` | `harbor-2.11` (referrers API, anonymous Bearer token from `/service/token`) | the demo subject |
//! | `tag-schema` | `distribution-2.8` (no API: 404) | the demo subject, referrers in the tag-schema index only |
//! | `cosign` | `distribution-2.8` | the demo subject, referrers under cosign tags only |
//! | `paging` | `oci-1.1`, page size 100 | one subject with 1,000 referrers |
//! | `scale` | `oci-1.1`, 2 ms latency on every request | 1,000 subjects with 3 referrers each |
//!
//! Subjects are given by digest, so every client (ours, the floor, `oci-client`) starts from the same input.

use std::time::Duration;

use fake_registry::seed::demo_subject;
use fake_registry::{FakeRegistry, FaultRule, Profile, SeedSpec, Storage, SubjectSpec};
use referrers::discovery::{Discoverer, DiscoveryOptions, Subject};
use referrers::{Metrics, RegistryConfig};

/// Referrers on the paging fixture's subject.
pub const PAGING_REFERRERS: usize = 1_000;
/// Page size of the paging fixture.
pub const PAGING_PAGE_SIZE: usize = 100;
/// Subjects on the scale fixture.
pub const SCALE_SUBJECTS: usize = 1_000;
/// Latency added to every request on the scale fixture.
pub const SCALE_LATENCY_MS: u64 = 2;
/// `max_concurrent` of the scale run.
pub const SCALE_CONCURRENCY: usize = 32;

/// Which fixture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Referrers API.
    Api,
    /// Referrers API behind a Bearer token (Harbor 2.11).
    ApiToken,
    /// Tag-schema fallback.
    TagSchema,
    /// Cosign-tag fallback.
    Cosign,
    /// 1,000 referrers, pages of 100.
    Paging,
    /// 1,000 subjects, 2 ms latency.
    Scale,
}

impl Kind {
    /// The three discovery paths, in report order.
    pub const PATHS: [Kind; 4] = [Kind::Api, Kind::ApiToken, Kind::TagSchema, Kind::Cosign];

    /// Name used in bench ids and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Api => "api",
            Kind::ApiToken => "api-token",
            Kind::TagSchema => "tag-schema",
            Kind::Cosign => "cosign",
            Kind::Paging => "paging",
            Kind::Scale => "scale",
        }
    }

    /// Whether the fixture's registry wants a Bearer token.
    pub fn needs_token(self) -> bool {
        self == Kind::ApiToken
    }

    /// Parse [`Kind::name`].
    pub fn parse(s: &str) -> Option<Kind> {
        [
            Kind::Api,
            Kind::ApiToken,
            Kind::TagSchema,
            Kind::Cosign,
            Kind::Paging,
            Kind::Scale,
        ]
        .into_iter()
        .find(|k| k.name() == s)
    }
}

/// A running fake with its subjects.
pub struct Fixture {
    /// Which one.
    pub kind: Kind,
    /// The fake (dropping the fixture stops it).
    pub registry: FakeRegistry,
    /// Repository of the subjects.
    pub repository: String,
    /// Subject digests (one except on `scale`).
    pub digests: Vec<String>,
    /// Referrers each subject has (ground truth; the same for every subject of a fixture).
    pub expected_referrers: usize,
}

fn subject_with(storage: Storage) -> SubjectSpec {
    SubjectSpec {
        storage,
        ..demo_subject()
    }
}

impl Fixture {
    /// Start the fixture's fake and seed it.
    pub fn start(kind: Kind) -> Fixture {
        let b = FakeRegistry::builder();
        let b = match kind {
            Kind::Api => b.profile(Profile::OCI_1_1).seed_demo(),
            Kind::ApiToken => b.profile(Profile::HARBOR_2_11).seed_demo(),
            Kind::TagSchema => b
                .profile(Profile::DISTRIBUTION_2_8)
                .seed(spec(vec![subject_with(Storage::TagSchema)])),
            Kind::Cosign => b
                .profile(Profile::DISTRIBUTION_2_8)
                .seed(spec(vec![subject_with(Storage::Cosign)])),
            Kind::Paging => b
                .profile(Profile::OCI_1_1)
                .page_size(PAGING_PAGE_SIZE)
                .seed(spec(vec![SubjectSpec {
                    storage: Storage::Api,
                    count: PAGING_REFERRERS,
                    tag: Some("many".into()),
                    ..SubjectSpec::default()
                }])),
            Kind::Scale => b
                .profile(Profile::OCI_1_1)
                .fault(FaultRule::latency(SCALE_LATENCY_MS))
                .seed(spec(
                    (0..SCALE_SUBJECTS)
                        .map(|i| SubjectSpec {
                            storage: Storage::Api,
                            count: 3,
                            tag: Some(format!("s{i}")),
                            ..SubjectSpec::default()
                        })
                        .collect(),
                )),
        };
        let registry = b.start().expect("start the fake registry");
        let seeded = registry.seeded().clone();
        let first = seeded.subjects.first().expect("a seeded subject");
        Fixture {
            kind,
            repository: first.repository.clone(),
            digests: seeded.subjects.iter().map(|s| s.digest.clone()).collect(),
            expected_referrers: first.referrers.len(),
            registry,
        }
    }

    /// The first (on most fixtures the only) subject.
    pub fn subject(&self) -> Subject {
        Subject::digest(&self.repository, &self.digests[0])
    }

    /// Every subject.
    pub fn subjects(&self) -> Vec<Subject> {
        self.digests
            .iter()
            .map(|d| Subject::digest(&self.repository, d))
            .collect()
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        self.registry.base_url()
    }

    /// Whether clients must fetch a token first.
    pub fn needs_token(&self) -> bool {
        self.kind.needs_token()
    }
}

fn spec(subjects: Vec<SubjectSpec>) -> SeedSpec {
    SeedSpec {
        demo: false,
        subjects,
    }
}

/// Options of our discoverer for a fixture: defaults, with `max_concurrent` 32 on `scale`.
pub fn options(kind: Kind) -> DiscoveryOptions {
    DiscoveryOptions {
        max_concurrent: if kind == Kind::Scale {
            SCALE_CONCURRENCY
        } else {
            DiscoveryOptions::default().max_concurrent
        },
        timeout: Duration::from_secs(60),
        ..DiscoveryOptions::default()
    }
}

/// A new discoverer (new HTTP client, empty capability cache) for `url`.
pub fn discoverer(url: &str, kind: Kind) -> Discoverer {
    Discoverer::new(RegistryConfig::new(url), options(kind), Metrics::default())
        .expect("build the discoverer")
}
