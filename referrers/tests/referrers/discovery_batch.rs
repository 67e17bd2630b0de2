//! Many subjects at once: one probe per repository, input order, bounded concurrency, the batch budget, and
//! `probe_registries`.

use crate::discovery_support::*;
use crate::support::*;
use referrers::ErrorKind;
use referrers::discovery::{DiscoveryOptions, Method, Subject, probe_registries};
use std::time::Duration;

#[tokio::test]
async fn discover_many_probes_once_and_keeps_input_order() {
    let (mut repo, _, _) = fallback_fixture();
    let mut subjects = Vec::new();
    for i in 0..6 {
        repo.image(&format!("s{i}"), &format!("seed{i}"));
        subjects.push(Subject::tag(REPO, &format!("s{i}")));
    }
    subjects.insert(2, Subject::tag(REPO, "missing"));
    let s = serve(repo, |_| Response::not_found()).await;
    let (d, m) = disc(
        &s,
        DiscoveryOptions {
            max_concurrent: 2,
            ..opts()
        },
    );
    let results = d.discover_many(&subjects).await;
    assert_eq!(results.len(), 7);
    for (r, sub) in results.iter().zip(&subjects) {
        let referrers::discovery::SubjectRef::Tag(t) = &sub.reference else {
            unreachable!()
        };
        if t == "missing" {
            assert_eq!(kinds(r), vec!["subject-not-found"]);
        } else {
            assert!(r.complete, "{r:#?}");
            assert_eq!(r.method, Method::TagSchemaAndCosignTags);
        }
    }
    assert_eq!(
        s.count(|q| q.path().contains("/referrers/")),
        1,
        "probed once"
    );
    assert_eq!(m.probes(&s.host(), false), 1);
    assert_eq!(m.failures(&s.host()), 1);
}

#[tokio::test]
async fn probe_registries_reports_each_registry() {
    let (repo, _, descs) = fixture();
    let a = serve(repo, move |_| Response::index(&descs)).await;
    let (repo, _, _) = fixture();
    let b = serve(repo, |_| Response::not_found()).await;
    let (da, _) = disc(&a, opts());
    let (db, _) = disc(&b, opts());
    let out = probe_registries(&[
        (&da, Subject::tag(REPO, "v1")),
        (&db, Subject::tag(REPO, "v1")),
    ])
    .await;
    assert!(out[0].as_ref().unwrap().referrers_api);
    assert!(!out[1].as_ref().unwrap().referrers_api);
    let (repo, _, _) = fixture();
    let c = serve(repo, |_| Response::new(503)).await;
    let (dc, _) = disc(&c, opts());
    let out = probe_registries(&[(&dc, Subject::tag(REPO, "v1"))]).await;
    assert_eq!(out[0].as_ref().unwrap_err().kind, ErrorKind::ServerError);
}

#[tokio::test]
async fn discover_many_bounds_concurrency() {
    let (mut repo, _, descs) = fixture();
    let mut subjects = Vec::new();
    for i in 0..6 {
        repo.image(&format!("s{i}"), &format!("seed{i}"));
        subjects.push(Subject::tag(REPO, &format!("s{i}")));
    }
    let s = serve(repo, move |_| {
        Response::index(&descs).delay(Duration::from_millis(80))
    })
    .await;
    let (d, _) = disc(
        &s,
        DiscoveryOptions {
            max_concurrent: 2,
            ..opts()
        },
    );
    let results = d.discover_many(&subjects).await;
    assert!(results.iter().all(|r| r.complete && r.referrers.len() == 2));
    assert_eq!(
        s.max_in_flight(),
        2,
        "at most max_concurrent subjects at once, and the bound is used"
    );
}

#[tokio::test]
async fn batch_budget_bounds_discover_many() {
    let (mut repo, _, descs) = fixture();
    let mut subjects = Vec::new();
    for i in 0..6 {
        repo.image(&format!("s{i}"), &format!("seed{i}"));
        subjects.push(Subject::tag(REPO, &format!("s{i}")));
    }
    let s = serve(repo, move |_| {
        Response::index(&descs).delay(Duration::from_millis(150))
    })
    .await;
    let (d, _) = disc(
        &s,
        DiscoveryOptions {
            max_concurrent: 1,
            batch_timeout: Some(Duration::from_millis(600)),
            ..opts()
        },
    );
    let results = d.discover_many(&subjects).await;
    assert_eq!(results.len(), 6);
    assert!(results[0].complete, "{:#?}", results[0]);
    let last = &results[5];
    assert!(!last.complete);
    assert_eq!(kinds(last), vec!["timeout"]);
}
