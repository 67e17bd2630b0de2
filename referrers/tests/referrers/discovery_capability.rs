//! The rows of docs/check-decision-table.md "Discovery" that are not a listing (missing repository, 400,
//! authorization, transient errors, an exhausted budget, an invalid subject), and what the capability cache learns
//! from an answer, or does not.

use crate::discovery_support::*;
use crate::support::*;
use referrers::Metrics;
use referrers::discovery::{Discoverer, DiscoveryOptions, Method, Subject};
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn name_unknown_is_a_missing_repository_without_fallback() {
    let (repo, subject, _) = fallback_fixture();
    let s = serve(repo, |_| Response::errors(404, "NAME_UNKNOWN")).await;
    let (d, m) = disc(&s, opts());
    let r = d.discover(&Subject::digest(REPO, &subject)).await;
    assert!(!r.complete);
    assert_eq!(r.method, Method::None);
    assert_eq!(kinds(&r), vec!["repository-not-found"]);
    assert_eq!(s.count(|q| q.path().contains("tags/list")), 0);
    assert!(d.capability(REPO).is_none());
    assert_eq!(m.failures(&s.host()), 1);
}

#[tokio::test]
async fn bad_request_means_no_referrers_only_when_the_subject_is_missing() {
    let (repo, subject, _) = fixture();
    let s = serve(repo, |_| Response::errors(400, "MANIFEST_INVALID")).await;
    let (d, _) = disc(&s, opts());
    let missing = format!("sha256:{}", "0".repeat(64));
    let r = d.discover(&Subject::digest(REPO, &missing)).await;
    assert!(r.complete, "{r:#?}");
    assert!(r.referrers.is_empty());
    assert!(r.notes.iter().any(|n| n.contains("Quay 3.13")));
    let r = d.discover(&Subject::digest(REPO, &subject)).await;
    assert!(!r.complete);
    assert_eq!(kinds(&r), vec!["bad-request"]);
    assert_eq!(
        s.count(|q| q.path().contains("tags/list")),
        0,
        "400 never falls back"
    );
    assert!(d.capability(REPO).is_none());
}

#[tokio::test]
async fn transient_and_auth_errors_never_fall_back_and_never_cache() {
    type Row = (&'static str, fn(&Request) -> Response, &'static str);
    let rows: Vec<Row> = vec![
        ("401", |_| Response::new(401), "unauthorized"),
        ("403", |_| Response::errors(403, "DENIED"), "unauthorized"),
        ("429", |_| Response::new(429).text("slow"), "rate-limited"),
        (
            "ghcr 403 secondary",
            |_| Response::new(403).text("secondary rate limit"),
            "rate-limited",
        ),
        ("408", |_| Response::new(408), "timeout"),
        ("503", |_| Response::new(503), "server-error"),
        ("500", |_| Response::new(500), "server-error"),
        ("reset", |_| Response::reset(), "transport"),
        (
            "huge",
            |_| Response::new(200).body(vec![b' '; 5 * 1024 * 1024]),
            "body-too-large",
        ),
        ("410", |_| Response::new(410), "unexpected-status"),
    ];
    for (name, answer, kind) in rows {
        let (repo, subject, _) = fallback_fixture();
        let s = serve(repo, answer).await;
        let (d, m) = disc(&s, opts());
        let r = d.discover(&Subject::digest(REPO, &subject)).await;
        assert!(!r.complete, "{name}");
        assert_eq!(r.method, Method::None, "{name}");
        assert_eq!(kinds(&r), vec![kind], "{name}: {r:#?}");
        assert_eq!(
            s.count(|q| q.path().contains("tags/list") || q.path().contains("sha256-")),
            0,
            "{name}: no fallback"
        );
        assert!(d.capability(REPO).is_none(), "{name}: nothing cached");
        assert_eq!(m.probes(&s.host(), false), 0);
        assert_eq!(m.failures(&s.host()), 1);
    }
}

#[tokio::test]
async fn transient_first_answer_does_not_disable_the_api() {
    let (repo, _, descs) = fixture();
    let n = Counter::default();
    let n2 = n.clone();
    let s = serve(repo, move |_| {
        if n2.next() < 3 {
            Response::new(503)
        } else {
            Response::index(&descs)
        }
    })
    .await;
    let (d, _) = disc(&s, opts());
    let r = d.discover(&Subject::tag(REPO, "v1")).await;
    assert_eq!(kinds(&r), vec!["server-error"]);
    assert!(d.capability(REPO).is_none());
    let r = d.discover(&Subject::tag(REPO, "v1")).await;
    assert!(r.complete && r.method == Method::ReferrersApi && r.referrers.len() == 2);
}

#[tokio::test]
async fn capability_is_learned_only_from_an_existing_subject() {
    let (repo, subject, _) = fallback_fixture();
    let s = serve(repo, |_| Response::errors(404, "MANIFEST_UNKNOWN")).await;
    let (d, _) = disc(&s, opts());
    let missing = format!("sha256:{}", "1".repeat(64));
    let r = d.discover(&Subject::digest(REPO, &missing)).await;
    assert!(r.complete && r.referrers.is_empty(), "{r:#?}");
    assert!(
        d.capability(REPO).is_none(),
        "a missing subject teaches nothing (Quay 3.12 answers 404 for it)"
    );
    let r = d.discover(&Subject::digest(REPO, &subject)).await;
    assert_eq!(r.referrers.len(), 2);
    assert_eq!(d.capability(REPO).unwrap().learned_from, subject);
    // TTL zero: never trusted.
    let (d0, _) = disc(
        &s,
        DiscoveryOptions {
            capability_ttl: Duration::ZERO,
            ..opts()
        },
    );
    d0.discover(&Subject::digest(REPO, &subject)).await;
    assert!(d0.capability(REPO).is_none());
}

#[tokio::test]
async fn budget_exhaustion_ends_discovery_with_a_timeout() {
    let (repo, _, _) = fixture();
    let s = serve(repo, |_| Response::new(200).body(vec![b'{'; 10]).stall()).await;
    let mut cfg = config(&s.url());
    cfg.retry.stall_timeout = Duration::from_secs(60);
    let d = Discoverer::new(
        cfg,
        DiscoveryOptions {
            timeout: Duration::from_millis(500),
            ..opts()
        },
        Metrics::new(),
    )
    .unwrap();
    let r = d.discover(&Subject::tag(REPO, "v1")).await;
    assert!(!r.complete);
    assert_eq!(kinds(&r), vec!["timeout"]);
}

#[tokio::test]
async fn invalid_subjects_are_rejected_before_any_request() {
    let s = Server::start(|_| Response::new(500)).await;
    let (d, _) = disc(&s, opts());
    for sub in [
        Subject::tag("../x", "v1"),
        Subject::tag(REPO, "a/b"),
        Subject::digest(REPO, "sha256:xyz"),
    ] {
        let r = d.discover(&sub).await;
        assert_eq!(kinds(&r), vec!["invalid-subject"]);
        assert_eq!(r.request_count, 0);
    }
    assert!(s.requests().is_empty());
}

#[tokio::test]
async fn ecr_405_for_an_index_subject_is_not_cached() {
    let mut repo = Repo::new(REPO);
    let img = repo.image("img", "i");
    let idx = repo.put(INDEX, &json!({"schemaVersion":2,"mediaType":INDEX,"manifests":[{"mediaType":MANIFEST,"digest":img,"size":10}]}));
    repo.tag("multi", &idx);
    let idx2 = idx.clone();
    let s = serve(repo, move |r| {
        if r.path().ends_with(&idx2) {
            Response::new(405)
        } else {
            Response::index(&[])
        }
    })
    .await;
    let (d, _) = disc(&s, opts());
    let r = d.discover(&Subject::tag(REPO, "multi")).await;
    assert!(r.complete);
    assert!(r.notes.iter().any(|n| n.contains("not cached")), "{r:#?}");
    assert!(d.capability(REPO).is_none());
    let r = d.discover(&Subject::tag(REPO, "img")).await;
    assert_eq!(r.method, Method::ReferrersApi);
    assert!(d.capability(REPO).unwrap().referrers_api);
    // 405 for an image subject: the API really is missing (synthetic-405 profile).
    let mut repo = Repo::new(REPO);
    repo.image("img", "i");
    let s = serve(repo, |_| Response::new(405)).await;
    let (d, _) = disc(&s, opts());
    d.discover(&Subject::tag(REPO, "img")).await;
    assert_eq!(d.capability(REPO).map(|c| c.referrers_api), Some(false));
}
