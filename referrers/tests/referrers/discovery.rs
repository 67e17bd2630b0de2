//! Discovery: every row of check-verdicts.md "Discovery", paging, filters, fallbacks, merge, verify, batch.

use crate::support::*;
use referrers::discovery::{Discoverer, DiscoveryOptions, Method, Subject, probe_registries};
use referrers::spec::tag_schema_name;
use referrers::{ErrorKind, Metrics};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

const REPO: &str = "org/app";

fn opts() -> DiscoveryOptions {
    DiscoveryOptions {
        timeout: Duration::from_secs(10),
        ..Default::default()
    }
}

async fn serve(
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

fn disc(s: &Server, o: DiscoveryOptions) -> (Discoverer, Metrics) {
    let m = Metrics::new();
    (Discoverer::new(config(&s.url()), o, m.clone()).unwrap(), m)
}

/// The error kinds of a result, by their stable names; every error must say what happened.
fn kinds(r: &referrers::discovery::DiscoveryResult) -> Vec<&'static str> {
    for e in &r.errors {
        assert!(!e.message.is_empty(), "{e:?}");
    }
    r.errors.iter().map(|e| e.kind.as_str()).collect()
}

/// A repo with subject `app:v1` and two referrers; returns (repo, subject, descriptors).
fn fixture() -> (Repo, String, Vec<Value>) {
    let mut repo = Repo::new(REPO);
    let subject = repo.image("v1", "app");
    let a = repo.referrer(&subject, "application/vnd.example.sbom", "a");
    let b = repo.referrer(&subject, "application/vnd.example.sig", "b");
    (repo, subject, vec![a, b])
}

#[tokio::test]
async fn api_index_is_listed_complete_and_capability_cached() {
    let (repo, subject, descs) = fixture();
    let d2 = descs.clone();
    let s = serve(repo, move |_| {
        Response::index(&d2).header("Docker-Distribution-API-Version", "registry/2.0")
    })
    .await;
    let (d, m) = disc(&s, opts());
    let r = d.discover(&Subject::tag(REPO, "v1")).await;
    assert!(r.complete, "{r:#?}");
    assert_eq!(r.method, Method::ReferrersApi);
    assert_eq!(r.subject, subject);
    assert_eq!(r.referrers.len(), 2);
    assert_eq!(r.referrers[0].digest, descs[0]["digest"].as_str().unwrap());
    assert_eq!(
        r.referrers[0].artifact_type.as_deref(),
        Some("application/vnd.example.sbom")
    );
    assert_eq!(r.referrers[0].annotations["note"], "a");
    assert_eq!(r.referrers[0].source, "referrers-api");
    assert!(r.request_count >= 2);
    let cap = d.capability(REPO).unwrap();
    assert!(cap.referrers_api);
    assert_eq!(cap.api_version.as_deref(), Some("registry/2.0"));
    assert_eq!(cap.learned_from, subject);
    assert_eq!(m.probes(&s.host(), true), 1);
    assert_eq!(m.methods(&s.host(), "referrers-api"), 1);
    assert_eq!(m.failures(&s.host()), 0);
    // JSON shape (the CLI contract).
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["method"], json!("referrers-api"));
    assert_eq!(v["complete"], json!(true));
    let r0 = &v["referrers"][0];
    for k in [
        "digest",
        "mediaType",
        "artifactType",
        "size",
        "annotations",
        "source",
    ] {
        assert!(r0.get(k).is_some(), "missing {k}");
    }
    let text = m.render_prometheus();
    assert!(text.contains(&format!(
        "export_registry_capabilities_probed_total{{registry=\"{}\",api_supported=\"true\"}} 1",
        s.host()
    )));
}

#[tokio::test]
async fn link_paging_relative_urls_are_followed() {
    let (repo, _, descs) = fixture();
    let s = serve(repo, move |r| {
        if r.query("page").is_empty() {
            Response::index(&descs[..1]).header("Link", "<?page=2>; rel=\"next\"")
        } else {
            Response::index(&descs[1..])
        }
    })
    .await;
    let (d, _) = disc(&s, opts());
    let r = d.discover(&Subject::tag(REPO, "v1")).await;
    assert!(r.complete, "{r:#?}");
    assert_eq!(r.referrers.len(), 2);
}

#[tokio::test]
async fn off_origin_link_is_not_followed_and_marks_incomplete() {
    let other = Server::start_on("127.0.0.2", |_| Response::index(&[])).await;
    let next = format!(
        "<{}/v2/{REPO}/referrers/x?page=2>; rel=\"next\"",
        other.url()
    );
    let (repo, _, descs) = fixture();
    let s = serve(repo, move |_| {
        Response::index(&descs[..1]).header("Link", &next)
    })
    .await;
    let mut cfg = config(&s.url());
    cfg.credentials = referrers::Credentials::Basic {
        username: "u".into(),
        password: "p".into(),
    };
    let d = Discoverer::new(cfg, opts(), Metrics::new()).unwrap();
    let r = d.discover(&Subject::tag(REPO, "v1")).await;
    assert!(!r.complete);
    assert_eq!(kinds(&r), vec!["off-origin-link"]);
    assert_eq!(
        r.referrers.len(),
        1,
        "referrers found so far are still listed"
    );
    assert!(other.requests().is_empty());
}

#[tokio::test]
async fn link_loop_and_page_cap_end_the_listing() {
    let (repo, _, descs) = fixture();
    let d2 = descs.clone();
    let s = serve(repo, move |r| {
        match r.query("page").first().map(String::as_str) {
            None => Response::index(&d2[..1]).header("Link", "<?page=2>; rel=\"next\""),
            Some(_) => {
                Response::index(&d2[1..]).header("Link", &format!("<{}>; rel=\"next\"", r.path()))
            }
        }
    })
    .await;
    let (d, _) = disc(&s, opts());
    let r = d.discover(&Subject::tag(REPO, "v1")).await;
    assert_eq!(kinds(&r), vec!["link-loop"], "{r:#?}");
    assert_eq!(r.referrers.len(), 2);

    let (repo, _, descs) = fixture();
    let s = serve(repo, move |r| {
        let n: usize = r
            .query("page")
            .first()
            .and_then(|p| p.parse().ok())
            .unwrap_or(1);
        Response::index(&descs[..1]).header("Link", &format!("<?page={}>; rel=\"next\"", n + 1))
    })
    .await;
    let (d, _) = disc(
        &s,
        DiscoveryOptions {
            max_pages: 3,
            ..opts()
        },
    );
    let r = d.discover(&Subject::tag(REPO, "v1")).await;
    assert_eq!(kinds(&r), vec!["page-cap"]);
    assert!(!r.complete);
    assert_eq!(s.count(|q| q.path().contains("/referrers/")), 3);
}

#[tokio::test]
async fn artifact_type_filter_is_sent_and_reapplied_unless_the_server_applied_it() {
    for (header, want) in [(false, 1usize), (true, 2)] {
        let (repo, _, descs) = fixture();
        let s = serve(repo, move |_| {
            // the server ignores the filter and answers everything
            let r = Response::index(&descs);
            if header {
                r.header("OCI-Filters-Applied", "artifactType")
            } else {
                r
            }
        })
        .await;
        let (d, _) = disc(
            &s,
            DiscoveryOptions {
                artifact_types: vec!["application/vnd.example.sbom".into()],
                ..opts()
            },
        );
        let r = d.discover(&Subject::tag(REPO, "v1")).await;
        assert_eq!(r.referrers.len(), want, "header={header}");
        let q = s
            .requests()
            .into_iter()
            .find(|q| q.path().contains("/referrers/"))
            .unwrap();
        assert_eq!(
            q.query("artifactType"),
            vec!["application/vnd.example.sbom"]
        );
        assert_eq!(d.capability(REPO).unwrap().filter_applied, Some(header));
    }
    // Several types: nothing sent, filtered locally.
    let (repo, _, descs) = fixture();
    let s = serve(repo, move |_| {
        Response::index(&descs).header("OCI-Filters-Applied", "artifactType")
    })
    .await;
    let (d, _) = disc(
        &s,
        DiscoveryOptions {
            artifact_types: vec!["x/none".into(), "application/vnd.example.sig".into()],
            ..opts()
        },
    );
    let r = d.discover(&Subject::tag(REPO, "v1")).await;
    assert_eq!(r.referrers.len(), 1);
    assert!(
        s.requests()
            .iter()
            .all(|q| q.query("artifactType").is_empty())
    );
}

#[tokio::test]
async fn non_standard_content_type_and_404_index_are_used_with_notes() {
    let (repo, _, descs) = fixture();
    let d2 = descs.clone();
    let s = serve(repo, move |_| {
        Response::new(200)
            .header("Content-Type", "application/json; charset=utf-8")
            .body(json!({"schemaVersion":2,"manifests":d2}).to_string())
    })
    .await;
    let r = disc(&s, opts()).0.discover(&Subject::tag(REPO, "v1")).await;
    assert!(
        r.complete && r.method == Method::ReferrersApi && r.referrers.len() == 2,
        "{r:#?}"
    );
    assert!(
        r.notes
            .iter()
            .any(|n| n.contains("non-standard Content-Type"))
    );

    let (repo, _, _) = fixture();
    let s = serve(repo, move |_| {
        let mut x = Response::index(&descs);
        x.status = 404;
        x
    })
    .await;
    let r = disc(&s, opts()).0.discover(&Subject::tag(REPO, "v1")).await;
    assert!(r.complete && r.method == Method::ReferrersApi && r.referrers.len() == 2);
    assert!(r.notes.iter().any(|n| n.contains("non-conformant 404")));
}

#[tokio::test]
async fn invalid_descriptors_are_dropped_counted_and_mark_incomplete() {
    let (repo, _, descs) = fixture();
    let s = serve(repo, move |_| {
        Response::index(&[
            descs[0].clone(),
            json!({"mediaType":MANIFEST,"digest":"sha256:nothex","size":1}),
            json!(7),
        ])
    })
    .await;
    let r = disc(&s, opts()).0.discover(&Subject::tag(REPO, "v1")).await;
    assert!(!r.complete);
    assert_eq!(r.referrers.len(), 1);
    assert_eq!(kinds(&r), vec!["invalid-descriptor", "invalid-descriptor"]);
    assert_eq!(r.errors[0].digest.as_deref(), Some("sha256:nothex"));
}

/// A repo where the API is missing and the tag-schema index lists the referrers.
fn fallback_fixture() -> (Repo, String, Vec<Value>) {
    let (mut repo, subject, descs) = fixture();
    let idx = repo.put(
        INDEX,
        &json!({"schemaVersion":2,"mediaType":INDEX,"manifests":descs}),
    );
    repo.tag(&tag_schema_name(&subject), &idx);
    (repo, subject, descs)
}

#[tokio::test]
async fn every_unsupported_answer_falls_back_to_the_tag_schema() {
    type Row = (&'static str, fn(&Request) -> Response);
    let rows: Vec<Row> = vec![
        ("404 plain", |_| Response::not_found()),
        ("404 MANIFEST_UNKNOWN (ghcr)", |_| {
            Response::errors(404, "MANIFEST_UNKNOWN")
        }),
        ("404 quay disabled", |_| {
            Response::new(404).json(&json!({"error":"Not Found"}))
        }),
        ("405", |_| Response::new(405)),
        ("406 artifactory", |_| Response::new(406)),
        ("501", |_| Response::new(501)),
        ("200 html", |_| {
            Response::new(200)
                .header("Content-Type", "text/html")
                .body("<html>")
        }),
        ("200 {}", |_| Response::new(200).json(&json!({}))),
    ];
    for (name, answer) in rows {
        let (repo, _, _) = fallback_fixture();
        let s = serve(repo, answer).await;
        let (d, m) = disc(&s, opts());
        let r = d.discover(&Subject::tag(REPO, "v1")).await;
        assert!(r.complete, "{name}: {r:#?}");
        assert_eq!(r.method, Method::TagSchema, "{name}");
        assert_eq!(r.referrers.len(), 2, "{name}");
        assert!(r.referrers.iter().all(|x| x.source == "tag-schema"));
        assert_eq!(
            d.capability(REPO).map(|c| c.referrers_api),
            Some(false),
            "{name}: learned from an existing subject"
        );
        assert_eq!(m.probes(&s.host(), false), 1);
        assert_eq!(m.methods(&s.host(), "tag-schema"), 1);
        // Next subject: straight to the fallback, no second probe.
        let before = s.count(|q| q.path().contains("/referrers/"));
        let r = d.discover(&Subject::tag(REPO, "v1")).await;
        assert!(r.complete);
        assert_eq!(
            s.count(|q| q.path().contains("/referrers/")),
            before,
            "{name}: capability reused"
        );
    }
}

#[tokio::test]
async fn cosign_tags_through_paged_tag_list_are_merged_and_deduplicated() {
    let (mut repo, subject, descs) = fallback_fixture();
    let prefix = tag_schema_name(&subject);
    // .sig tag points at the same manifest as the first tag-schema referrer; .att is cosign-only.
    repo.tag(
        &format!("{prefix}.sig"),
        descs[0]["digest"].as_str().unwrap(),
    );
    let att = repo.put(MANIFEST, &json!({"schemaVersion":2,"mediaType":MANIFEST,"config":{"mediaType":"application/vnd.dsse.envelope.v1+json","digest":sha256(b"c"),"size":1},"layers":[]}));
    repo.tag(&format!("{prefix}.att"), &att);
    repo.tag(&format!("{prefix}.other"), &att);
    for i in 0..5 {
        repo.tag(&format!("t{i}"), &subject);
    }
    repo.tag_page = Some(2);
    let s = serve(repo, |_| Response::not_found()).await;
    let r = disc(&s, opts())
        .0
        .discover(&Subject::digest(REPO, &subject))
        .await;
    assert!(r.complete, "{r:#?}");
    assert_eq!(r.method, Method::TagSchemaAndCosignTags);
    assert_eq!(r.referrers.len(), 3);
    let first = r
        .referrers
        .iter()
        .find(|x| x.digest == descs[0]["digest"].as_str().unwrap())
        .unwrap();
    assert_eq!(first.source, "tag-schema+cosign-tags");
    let a = r.referrers.iter().find(|x| x.digest == att).unwrap();
    assert_eq!(a.source, "cosign-tags");
    assert_eq!(
        a.artifact_type.as_deref(),
        Some("application/vnd.dsse.envelope.v1+json")
    );
    assert!(
        s.count(|q| q.path().ends_with("/tags/list")) >= 4,
        "every tags/list page was read"
    );
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["method"], json!("tag-schema+cosign-tags"));
}

#[tokio::test]
async fn gitlab_tag_resolving_to_the_subject_is_rejected() {
    let mut repo = Repo::new(REPO);
    // The subject is an index (multi-arch) and GitLab serves it for the tag-schema tag too.
    let child = repo.image("child", "c");
    let subject = repo.put(INDEX, &json!({"schemaVersion":2,"mediaType":INDEX,"manifests":[{"mediaType":MANIFEST,"digest":child,"size":10}]}));
    repo.tag("v1", &subject);
    repo.tag(&tag_schema_name(&subject), &subject);
    let s = serve(repo, |_| Response::not_found()).await;
    let r = disc(&s, opts()).0.discover(&Subject::tag(REPO, "v1")).await;
    assert!(r.complete);
    assert!(r.referrers.is_empty(), "{r:#?}");
    assert!(
        r.notes
            .iter()
            .any(|n| n.contains("resolves to the subject itself"))
    );

    // A tag-schema tag holding an image manifest is not an index: no referrers from it.
    let mut repo = Repo::new(REPO);
    let subject = repo.image("v1", "app");
    let other = repo.image("x", "other");
    repo.tag(&tag_schema_name(&subject), &other);
    let s = serve(repo, |_| Response::not_found()).await;
    let r = disc(&s, opts()).0.discover(&Subject::tag(REPO, "v1")).await;
    assert!(r.complete && r.referrers.is_empty());
    assert!(
        r.notes
            .iter()
            .any(|n| n.contains("does not hold an OCI index"))
    );
}

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
async fn rate_limit_mid_listing_keeps_found_referrers_and_is_incomplete() {
    let (repo, _, descs) = fixture();
    let s = serve(repo, move |r| {
        if r.query("page").is_empty() {
            Response::index(&descs[..1]).header("Link", "<?page=2>; rel=\"next\"")
        } else {
            Response::new(429).header("Retry-After", "100000")
        }
    })
    .await;
    let r = disc(&s, opts()).0.discover(&Subject::tag(REPO, "v1")).await;
    assert!(!r.complete);
    assert_eq!(r.referrers.len(), 1);
    assert_eq!(kinds(&r), vec!["rate-limited"]);
    assert!(r.errors[0].message.contains("Retry-After exceeds"));
}

#[tokio::test]
async fn verify_mode_checks_digest_size_and_subject() {
    let (mut repo, subject, mut descs) = fixture();
    // A referrer whose manifest names another subject.
    let stranger = repo.referrer(&sha256(b"someone else"), "x/y", "c");
    descs.push(stranger.clone());
    // A descriptor whose digest the registry serves with different bytes.
    let tampered = sha256(b"original");
    repo.manifests.insert(
        tampered.clone(),
        Stored {
            media_type: MANIFEST.into(),
            bytes: b"{\"tampered\":true}".to_vec(),
            digest: tampered.clone(),
        },
    );
    descs.push(json!({"mediaType":MANIFEST,"digest":tampered,"size":17}));
    let s = serve(repo, move |_| Response::index(&descs)).await;
    let (d, _) = disc(
        &s,
        DiscoveryOptions {
            verify: true,
            ..opts()
        },
    );
    let r = d.discover(&Subject::tag(REPO, "v1")).await;
    assert!(!r.complete);
    let mut ks = kinds(&r);
    ks.sort();
    assert_eq!(
        ks,
        vec!["referrer-checksum-mismatch", "referrer-subject-mismatch"],
        "{r:#?}"
    );
    let mismatch = r
        .errors
        .iter()
        .find(|e| e.kind == ErrorKind::ReferrerChecksumMismatch)
        .unwrap();
    assert_eq!(mismatch.digest.as_deref(), Some(tampered.as_str()));
    assert_eq!(
        r.errors
            .iter()
            .find(|e| e.kind == ErrorKind::ReferrerSubjectMismatch)
            .unwrap()
            .digest
            .as_deref(),
        stranger["digest"].as_str()
    );
    assert_eq!(
        r.referrers.len(),
        4,
        "mismatching referrers are still listed"
    );
    let good = &r.referrers[0];
    assert_eq!(good.sha256.as_deref(), Some(good.digest.as_str()));
    assert!(
        r.referrers
            .iter()
            .find(|x| x.digest == tampered)
            .unwrap()
            .sha256
            .is_none()
    );
    let _ = subject;
}

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

#[tokio::test]
async fn redirect_to_a_login_page_on_another_host_falls_back() {
    let other = Server::start_on("127.0.0.2", |_| {
        Response::new(200)
            .header("Content-Type", "text/html")
            .body("<html>login</html>")
    })
    .await;
    let login = format!("{}/signin", other.url());
    let (repo, _, _) = fallback_fixture();
    let s = serve(repo, move |_| Response::new(302).header("Location", &login)).await;
    let r = disc(&s, opts()).0.discover(&Subject::tag(REPO, "v1")).await;
    assert!(r.complete, "{r:#?}");
    assert_eq!(r.method, Method::TagSchema);
    assert_eq!(r.referrers.len(), 2);
}

#[tokio::test]
async fn descriptor_cap_cuts_the_listing_and_says_so() {
    let (repo, _, descs) = fixture();
    let s = serve(repo, move |_| Response::index(&descs)).await;
    let r = disc(
        &s,
        DiscoveryOptions {
            max_descriptors: 1,
            ..opts()
        },
    )
    .0
    .discover(&Subject::tag(REPO, "v1"))
    .await;
    assert!(!r.complete);
    assert_eq!(r.referrers.len(), 1);
    assert_eq!(kinds(&r), vec!["descriptor-cap"]);
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
async fn cosign_tags_that_duplicate_the_tag_schema_still_count_as_found() {
    let (mut repo, subject, descs) = fallback_fixture();
    let prefix = tag_schema_name(&subject);
    repo.tag(
        &format!("{prefix}.sig"),
        descs[0]["digest"].as_str().unwrap(),
    );
    repo.tag(
        &format!("{prefix}.sbom"),
        descs[1]["digest"].as_str().unwrap(),
    );
    let s = serve(repo, |_| Response::not_found()).await;
    let r = disc(&s, opts()).0.discover(&Subject::tag(REPO, "v1")).await;
    assert!(r.complete);
    assert_eq!(r.method, Method::TagSchemaAndCosignTags);
    assert_eq!(r.referrers.len(), 2);
    assert!(
        r.referrers
            .iter()
            .all(|x| x.source == "tag-schema+cosign-tags"),
        "{r:#?}"
    );
}

mod ground_truth {
    use super::*;
    use proptest::prelude::*;

    const TYPES: [&str; 3] = ["t/zero", "t/one", "t/two"];

    async fn run(n: usize, page: usize, filter: Option<usize>, api: bool, server_filters: bool) {
        let mut repo = Repo::new(REPO);
        let subject = repo.image("v1", "app");
        let descs: Vec<Value> = (0..n)
            .map(|i| json!({"mediaType":MANIFEST,"digest":sha256(format!("r{i}").as_bytes()),"size":i+1,"artifactType":TYPES[i % 3]}))
            .collect();
        if !api {
            let idx = repo.put(
                INDEX,
                &json!({"schemaVersion":2,"mediaType":INDEX,"manifests":descs}),
            );
            repo.tag(&tag_schema_name(&subject), &idx);
        }
        let all = descs.clone();
        let s = serve(repo, move |r| {
            if !api {
                return Response::not_found();
            }
            let start: usize = r
                .query("i")
                .first()
                .and_then(|x| x.parse().ok())
                .unwrap_or(0);
            let wanted_type = r.query("artifactType").first().cloned();
            let list: Vec<Value> = all
                .iter()
                .filter(|d| {
                    !server_filters
                        || wanted_type
                            .as_deref()
                            .is_none_or(|t| d["artifactType"] == json!(t))
                })
                .cloned()
                .collect();
            let end = (start + page).min(list.len());
            let mut resp = Response::index(&list[start.min(end)..end]);
            if server_filters && wanted_type.is_some() {
                resp = resp.header("OCI-Filters-Applied", "artifactType");
            }
            if end < list.len() {
                resp = resp.header("Link", &format!("<?i={end}>; rel=\"next\""));
            }
            resp
        })
        .await;
        let artifact_types = filter
            .map(|f| vec![TYPES[f].to_string()])
            .unwrap_or_default();
        let (d, _) = disc(
            &s,
            DiscoveryOptions {
                artifact_types,
                ..opts()
            },
        );
        let r = d.discover(&Subject::tag(REPO, "v1")).await;
        let expected: Vec<String> = descs
            .iter()
            .filter(|x| filter.is_none_or(|f| x["artifactType"] == json!(TYPES[f])))
            .map(|x| x["digest"].as_str().unwrap().to_string())
            .collect();
        let got: Vec<String> = r.referrers.iter().map(|x| x.digest.clone()).collect();
        assert!(r.complete, "{r:#?}");
        assert_eq!(
            got, expected,
            "n={n} page={page} filter={filter:?} api={api}"
        );
        let want_method = match (api, expected.is_empty()) {
            (true, _) => Method::ReferrersApi,
            (false, false) => Method::TagSchema,
            (false, true) => Method::TagSchemaAndCosignTags,
        };
        assert_eq!(r.method, want_method);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(16))]
        #[test]
        fn discovery_returns_exactly_the_ground_truth(
            n in 0usize..30, page in 1usize..8, filter in proptest::option::of(0usize..3), api: bool, server_filters: bool,
        ) {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(run(n, page, filter, api, server_filters));
        }
    }
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
