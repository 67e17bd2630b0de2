//! Discovery through the referrers API (the rows of docs/check-decision-table.md "Discovery" that use the API): the
//! listing, `Link` paging and its guards (origin, loops, page and descriptor caps), the `artifactType` filter,
//! non-standard answers used with a note, invalid descriptors, and a rate limit mid-listing.

use crate::discovery_support::*;
use crate::support::*;
use referrers::Metrics;
use referrers::discovery::{Discoverer, DiscoveryOptions, Method, Subject};
use serde_json::json;

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
