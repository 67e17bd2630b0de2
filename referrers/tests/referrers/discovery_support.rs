//! What the discovery tests share: the repository name, options, a server that answers the referrers endpoint with
//! a given function (and everything else from a `Repo`), a discoverer for it, and the fixtures.

use crate::support::*;
use referrers::Metrics;
use referrers::discovery::{Discoverer, DiscoveryOptions};
use referrers::spec::tag_schema_name;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

pub const REPO: &str = "org/app";

pub fn opts() -> DiscoveryOptions {
    DiscoveryOptions {
        timeout: Duration::from_secs(10),
        ..Default::default()
    }
}

pub async fn serve(
    repo: Repo,
    referrers: impl Fn(&Request) -> Response + Send + Sync + 'static,
) -> Server {
    let repo = Arc::new(repo);
    Server::start(move |r| {
        if r.path().contains("/referrers/") {
            return referrers(r);
        }
        repo.serve(r)
            .unwrap_or_else(|| Response::errors(404, "MANIFEST_UNKNOWN"))
    })
    .await
}

pub fn disc(s: &Server, o: DiscoveryOptions) -> (Discoverer, Metrics) {
    let m = Metrics::new();
    (Discoverer::new(config(&s.url()), o, m.clone()).unwrap(), m)
}

/// The error kinds of a result, by their stable names; every error must say what happened.
pub fn kinds(r: &referrers::discovery::DiscoveryResult) -> Vec<&'static str> {
    for e in &r.errors {
        assert!(!e.message.is_empty(), "{e:?}");
    }
    r.errors.iter().map(|e| e.kind.as_str()).collect()
}

/// A repo with subject `app:v1` and two referrers; returns (repo, subject, descriptors).
pub fn fixture() -> (Repo, String, Vec<Value>) {
    let mut repo = Repo::new(REPO);
    let subject = repo.image("v1", "app");
    let a = repo.referrer(&subject, "application/vnd.example.sbom", "a");
    let b = repo.referrer(&subject, "application/vnd.example.sig", "b");
    (repo, subject, vec![a, b])
}

/// A repo where the API is missing and the tag-schema index lists the referrers.
pub fn fallback_fixture() -> (Repo, String, Vec<Value>) {
    let (mut repo, subject, descs) = fixture();
    let idx = repo.put(
        INDEX,
        &json!({"schemaVersion":2,"mediaType":INDEX,"manifests":descs}),
    );
    repo.tag(&tag_schema_name(&subject), &idx);
    (repo, subject, descs)
}
