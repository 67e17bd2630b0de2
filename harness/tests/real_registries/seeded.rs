//! Seeding real registries through their push API and reading the content back, per built-in row.

use fake_registry::seed::demo_subject;
use fake_registry::{SeedSpec, Storage, StoredAs, SubjectSpec};
use harness::real::{PushClient, docker, seed_spec_with};
use serde_json::Value;

use crate::support::{digests, docker_or_skip, get_json, start_row};

/// Distribution 2.8.2 has no referrers API: the PUT of a manifest with `subject` brings no `OCI-Subject`, so the
/// seeder writes the tag-schema index and cosign tags; the referrers endpoint answers 404 text; the tag-schema index
/// lists all three referrers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn distribution_seeded_demo_is_found_through_the_tag_schema() {
    if !docker_or_skip("distribution_seeded_demo_is_found_through_the_tag_schema").await {
        return;
    }
    let registry = start_row("distribution").await;
    let base = registry.base_url().to_string();
    // The scenario seed format (the fake's SeedSpec), pushed for real; Distribution answers no OCI-Subject, so
    // every referrer lands in the tag schema and cosign tags only.
    let seeded = seed_spec_with(&PushClient::new(&base), &SeedSpec::demo())
        .await
        .expect("seed");
    let subject = &seeded.subjects[0];
    assert_eq!(
        (subject.repository.as_str(), subject.tag.as_str()),
        ("library/alpine", "latest")
    );
    assert_eq!(subject.referrers.len(), 3);
    for r in &subject.referrers {
        assert_eq!(r.stored_as, [StoredAs::TagSchema, StoredAs::Cosign]);
    }

    let resp = harness::real::http::client()
        .get(format!(
            "{base}/v2/library/alpine/referrers/{}",
            subject.digest
        ))
        .send()
        .await
        .expect("GET referrers");
    assert_eq!(resp.status().as_u16(), 404);
    assert_eq!(
        resp.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(
        resp.text().await.expect("body").trim(),
        "404 page not found"
    );

    let tag = subject.digest.replacen(':', "-", 1);
    let (status, _, index) = get_json(&format!("{base}/v2/library/alpine/manifests/{tag}")).await;
    assert_eq!(status, 200);
    let mut want: Vec<String> = subject.referrers.iter().map(|r| r.digest.clone()).collect();
    want.sort();
    assert_eq!(digests(&index), want);
    let types: Vec<&str> = index["manifests"]
        .as_array()
        .expect("manifests")
        .iter()
        .filter_map(|m| m["artifactType"].as_str())
        .collect();
    assert!(
        types.contains(&"application/vnd.in-toto+json"),
        "derived artifactType listed: {types:?}"
    );

    let (status, _, tags) = get_json(&format!("{base}/v2/library/alpine/tags/list")).await;
    assert_eq!(status, 200);
    let tags: Vec<&str> = tags["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for suffix in ["sig", "att", "sbom"] {
        assert!(
            tags.contains(&format!("{tag}.{suffix}").as_str()),
            "cosign tag .{suffix} in {tags:?}"
        );
    }
    let id = registry.container_id().to_string();
    registry.stop().await.expect("stop");
    assert!(!docker::own_containers().await.expect("list").contains(&id));
}

/// ferro-oci-server implements the referrers API: the seeded referrers are listed by the endpoint, and the filter
/// narrows them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ferro_seeded_demo_is_listed_by_the_referrers_api() {
    if !docker_or_skip("ferro_seeded_demo_is_listed_by_the_referrers_api").await {
        return;
    }
    let registry = start_row("ferro-oci-server").await;
    let base = registry.base_url().to_string();
    let spec = SeedSpec {
        demo: false,
        subjects: vec![SubjectSpec {
            storage: Storage::Api,
            ..demo_subject()
        }],
    };
    let seeded = seed_spec_with(&PushClient::new(&base), &spec)
        .await
        .expect("seed");
    let subject = &seeded.subjects[0];
    assert_eq!(subject.referrers.len(), 3);
    for r in &subject.referrers {
        assert_eq!(r.stored_as, [StoredAs::Api], "ferro answers OCI-Subject");
    }

    let url = format!("{base}/v2/library/alpine/referrers/{}", subject.digest);
    let (status, ct, index) = get_json(&url).await;
    assert_eq!(status, 200);
    assert_eq!(
        ct.as_deref(),
        Some("application/vnd.oci.image.index.v1+json")
    );
    let mut want: Vec<String> = subject.referrers.iter().map(|r| r.digest.clone()).collect();
    want.sort();
    assert_eq!(digests(&index), want);

    let (status, _, filtered) = get_json(&format!(
        "{url}?artifactType=application%2Fvnd.cyclonedx%2Bjson"
    ))
    .await;
    assert_eq!(status, 200);
    let sbom: Vec<String> = subject
        .referrers
        .iter()
        .filter(|r| r.artifact_type.as_deref() == Some("application/vnd.cyclonedx+json"))
        .map(|r| r.digest.clone())
        .collect();
    assert_eq!(digests(&filtered), sbom);
    drop(registry);
}
