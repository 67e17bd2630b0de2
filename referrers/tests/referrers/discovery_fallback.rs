//! Discovery's fallback when the referrers API is unsupported: the tag-schema index, cosign tags through paged
//! `tags/list` (or by name where it is not routed), their merge, and GitLab's tag that resolves to the subject itself.

use crate::discovery_support::*;
use crate::support::*;
use referrers::discovery::{Method, Subject};
use referrers::spec::tag_schema_name;
use serde_json::json;

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

/// A registry that routes neither the referrers API nor `tags/list` (container-registry 0.3.1: both answer axum's
/// empty 404): the cosign tags are read by name, each suffix once, a missing one is no error, and the result is
/// complete.
#[tokio::test]
async fn without_a_tags_list_the_cosign_tags_are_read_by_name() {
    let (mut repo, subject, descs) = fixture();
    let prefix = tag_schema_name(&subject);
    let sig = descs[1]["digest"].as_str().unwrap().to_string();
    repo.tag(&format!("{prefix}.sig"), &sig);
    let repo = std::sync::Arc::new(repo);
    let s = Server::start(move |r| {
        if r.path().contains("/referrers/") || r.path().ends_with("/tags/list") {
            return Response::new(404);
        }
        repo.serve(r)
            .unwrap_or_else(|| Response::errors(404, "BLOB_UNKNOWN"))
    })
    .await;
    let r = disc(&s, opts())
        .0
        .discover(&Subject::digest(REPO, &subject))
        .await;
    assert!(r.complete, "{r:#?}");
    assert_eq!(kinds(&r), Vec::<&str>::new());
    assert_eq!(r.method, Method::CosignTags);
    assert_eq!(r.referrers.len(), 1);
    assert_eq!(r.referrers[0].digest, sig);
    for suffix in [".sig", ".att", ".sbom"] {
        let path = format!("/v2/{REPO}/manifests/{prefix}{suffix}");
        assert_eq!(s.count(|q| q.path() == path), 1, "{path}");
    }
}
