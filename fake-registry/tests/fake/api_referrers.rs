//! The referrers API on the spec-exact `oci-1.1` profile: the spec's rules, `artifactType` derivation and filter,
//! `Link` paging, concurrent pushes, and answers that follow every write.

use std::collections::BTreeSet;

use fake_registry::FakeRegistry;
use serde_json::json;

use crate::util::*;

fn reg() -> FakeRegistry {
    FakeRegistry::builder().start().unwrap()
}

#[test]
fn referrers_spec_rules() {
    let r = reg();
    let base = r.base_url();
    // Referrer pushed BEFORE its subject: accepted, OCI-Subject sent.
    let future_subject = sha256(b"not pushed yet");
    let body = referrer_manifest(&future_subject, 10, Some("application/vnd.a"), 0);
    let (put, rd) = push_referrer(&base, "r/s", &body);
    assert_eq!(put.status, 201, "{}", put.text());
    assert_eq!(put.header("oci-subject"), Some(future_subject.as_str()));
    let list = get(&r.url(&format!("/v2/r/s/referrers/{future_subject}")));
    assert_eq!(list.status, 200);
    assert_eq!(list.content_type(), Some(OCI_INDEX));
    let j = list.json();
    assert_eq!(j["schemaVersion"], 2);
    assert_eq!(j["mediaType"], OCI_INDEX);
    assert_eq!(j["manifests"][0]["digest"], rd.as_str());
    assert_eq!(j["manifests"][0]["artifactType"], "application/vnd.a");
    assert_eq!(
        j["manifests"][0]["annotations"]["n"], "0",
        "annotations copied"
    );
    assert_eq!(j["manifests"][0]["size"], body.len());
    // Never-referenced digest: 200 + empty index.
    let none = get(&r.url(&format!("/v2/r/s/referrers/{}", sha256(b"nothing"))));
    assert_eq!(none.status, 200);
    assert_eq!(none.json()["manifests"], json!([]));
    // Invalid digest: 400.
    assert_eq!(get(&r.url("/v2/r/s/referrers/sha256:xyz")).status, 400);
    // Missing repository: still 200 and an empty index — a registry that supports the API "MUST NOT return a 404"
    // (distribution-spec v1.1 "Listing Referrers").
    let nr = get(&r.url(&format!("/v2/no/repo/referrers/{future_subject}")));
    assert_eq!(nr.status, 200);
    assert_eq!(nr.json()["manifests"], json!([]));
}

#[test]
fn referrers_artifact_type_derived_from_config_and_filter() {
    let r = reg();
    let base = r.base_url();
    let (subject, size) = push_image(&base, "f", "t");
    let cfg = push_blob(&base, "f", b"{\"x\":1}");
    let m = json!({"schemaVersion":2,"mediaType":OCI_MANIFEST,
        "config":{"mediaType":"application/vnd.in-toto+json","digest":cfg,"size":7},"layers":[],
        "subject":{"mediaType":OCI_MANIFEST,"digest":subject,"size":size}})
    .to_string();
    let (put, att) = push_referrer(&base, "f", &m);
    assert_eq!(put.status, 201);
    let (_, sbom) = push_referrer(
        &base,
        "f",
        &referrer_manifest(&subject, size, Some("application/vnd.cyclonedx+json"), 1),
    );
    let all = get(&r.url(&format!("/v2/f/referrers/{subject}"))).json();
    assert_eq!(all["manifests"].as_array().unwrap().len(), 2);
    assert_eq!(
        all["manifests"][0]["artifactType"],
        "application/vnd.in-toto+json"
    );
    let f = get(&r.url(&format!(
        "/v2/f/referrers/{subject}?artifactType=application%2Fvnd.in-toto%2Bjson"
    )));
    assert_eq!(f.header("oci-filters-applied"), Some("artifactType"));
    let j = f.json();
    assert_eq!(j["manifests"].as_array().unwrap().len(), 1);
    assert_eq!(j["manifests"][0]["digest"], att.as_str());
    let unfiltered = get(&r.url(&format!("/v2/f/referrers/{subject}")));
    assert!(unfiltered.header("oci-filters-applied").is_none());
    let _ = sbom;
}

#[test]
fn referrers_link_paging_at_configured_page_size() {
    let r = FakeRegistry::builder().page_size(3).start().unwrap();
    let base = r.base_url();
    let (subject, size) = push_image(&base, "p/q", "t");
    let mut pushed = BTreeSet::new();
    for i in 0..8 {
        let (put, d) = push_referrer(
            &base,
            "p/q",
            &referrer_manifest(
                &subject,
                size,
                Some(if i % 2 == 0 { "t/even" } else { "t/odd" }),
                i,
            ),
        );
        assert_eq!(put.status, 201);
        pushed.insert(d);
    }
    let mut seen = BTreeSet::new();
    let mut pages = 0;
    let mut next = Some(format!("/v2/p/q/referrers/{subject}"));
    while let Some(p) = next {
        pages += 1;
        let a = get(&r.url(&p));
        let ms = a.json()["manifests"].as_array().unwrap().clone();
        assert!(ms.len() <= 3);
        for m in ms {
            assert!(
                seen.insert(m["digest"].as_str().unwrap().to_string()),
                "no duplicates across pages"
            );
        }
        next = a.header("link").map(|l| {
            l.trim_start_matches('<')
                .split('>')
                .next()
                .unwrap()
                .to_string()
        });
        assert!(pages < 10);
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, pushed);
    // Paging keeps the filter.
    let mut even = 0;
    let mut next = Some(format!("/v2/p/q/referrers/{subject}?artifactType=t%2Feven"));
    while let Some(p) = next {
        let a = get(&r.url(&p));
        assert_eq!(a.header("oci-filters-applied"), Some("artifactType"));
        for m in a.json()["manifests"].as_array().unwrap() {
            assert_eq!(m["artifactType"], "t/even");
            even += 1;
        }
        next = a.header("link").map(|l| {
            l.trim_start_matches('<')
                .split('>')
                .next()
                .unwrap()
                .to_string()
        });
    }
    assert_eq!(even, 4);
}

#[test]
fn hundred_referrers_pushed_in_parallel_are_all_listed() {
    let r = FakeRegistry::builder().page_size(1000).start().unwrap();
    let base = r.base_url();
    let (subject, size) = push_image(&base, "conc/x", "t");
    let digests: Vec<String> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..100)
            .map(|i| {
                let base = base.clone();
                let subject = subject.clone();
                s.spawn(move || {
                    let (put, d) = push_referrer(
                        &base,
                        "conc/x",
                        &referrer_manifest(&subject, size, Some("a/b"), i),
                    );
                    assert_eq!(put.status, 201);
                    d
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let listed: BTreeSet<String> =
        get(&r.url(&format!("/v2/conc/x/referrers/{subject}"))).json()["manifests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["digest"].as_str().unwrap().to_string())
            .collect();
    assert_eq!(listed.len(), 100);
    assert_eq!(listed, digests.into_iter().collect());
}

/// Referrers answers are cached until the store changes: every write (a referrer pushed, deleted, a repository
/// created by a blob) shows in the next answer, and each query (filter, page) keeps its own answer.
#[test]
fn referrers_answers_follow_every_write() {
    let r = reg();
    let base = r.base_url();
    let list = |subject: &str, query: &str| -> Vec<String> {
        get(&r.url(&format!("/v2/c/referrers/{subject}{query}"))).json()["manifests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["digest"].as_str().unwrap().to_string())
            .collect()
    };
    // Before the repository exists and after a blob creates it: an empty index both times (the spec profile never
    // answers the referrers API with 404, distribution-spec v1.1 "Listing Referrers").
    let never = sha256(b"s");
    for _ in 0..2 {
        assert!(list(&never, "").is_empty());
    }
    push_blob(&base, "c", b"x");
    assert!(list(&never, "").is_empty());
    let (subject, size) = push_image(&base, "c", "t");
    // Each answer is asked for twice: the second comes from the cache, the first after a write must not.
    for _ in 0..2 {
        assert!(list(&subject, "").is_empty());
    }
    let (_, a) = push_referrer(
        &base,
        "c",
        &referrer_manifest(&subject, size, Some("x/a"), 1),
    );
    for _ in 0..2 {
        assert_eq!(list(&subject, ""), std::slice::from_ref(&a));
    }
    let (_, b) = push_referrer(
        &base,
        "c",
        &referrer_manifest(&subject, size, Some("x/b"), 2),
    );
    for _ in 0..2 {
        assert_eq!(list(&subject, ""), [a.clone(), b.clone()]);
        assert_eq!(
            list(&subject, "?artifactType=x%2Fb"),
            std::slice::from_ref(&b)
        );
        assert_eq!(
            list(&subject, "?artifactType=x%2Fa"),
            std::slice::from_ref(&a)
        );
    }
    send("DELETE", &r.url(&format!("/v2/c/manifests/{a}")), &[], b"");
    for _ in 0..2 {
        assert_eq!(list(&subject, ""), std::slice::from_ref(&b));
        assert!(list(&subject, "?artifactType=x%2Fa").is_empty());
    }
}

#[test]
fn deleting_a_referrer_removes_it_from_the_list() {
    let r = reg();
    let base = r.base_url();
    let (subject, size) = push_image(&base, "d", "t");
    let (_, rd) = push_referrer(
        &base,
        "d",
        &referrer_manifest(&subject, size, Some("x/y"), 0),
    );
    assert_eq!(
        send("DELETE", &r.url(&format!("/v2/d/manifests/{rd}")), &[], b"").status,
        202
    );
    assert_eq!(
        get(&r.url(&format!("/v2/d/referrers/{subject}"))).json()["manifests"],
        json!([])
    );
}
