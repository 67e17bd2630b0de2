//! One vendor quirk per test, beyond the golden fixtures in `profiles.rs`: Harbor's `X-Total-Count` and pre-2.11
//! descriptors, zot's OR-ed filter, Quay's answer before auth, Docker Hub's pull-rate headers, ECR's index
//! subjects, Distribution's 404 bytes, GHCR 2026's redirect, container-registry's partial API, and the API view
//! of the ground truth.

use fake_registry::{FakeRegistry, Profile};

use crate::util::*;

#[test]
fn harbor_sends_x_total_count_and_no_link() {
    let reg = FakeRegistry::builder()
        .profile(Profile::HARBOR_2_11)
        .page_size(1)
        .seed_demo()
        .start()
        .unwrap();
    let s = reg.seeded().subjects[0].digest.clone();
    let a = Client::anonymous().get(&reg.url(&format!("/v2/library/alpine/referrers/{s}")));
    assert_eq!(a.header("x-total-count"), Some("3"));
    assert!(a.header("link").is_none());
    assert_eq!(a.json()["manifests"].as_array().unwrap().len(), 3);
}

#[test]
fn zot_ors_several_artifact_types_and_lists_missing_repos() {
    let reg = FakeRegistry::builder()
        .profile(Profile::ZOT)
        .seed_demo()
        .start()
        .unwrap();
    let s = reg.seeded().subjects[0].digest.clone();
    let a = get(&reg.url(&format!(
        "/v2/library/alpine/referrers/{s}?artifactType=application%2Fvnd.cyclonedx%2Bjson&artifactType=application%2Fvnd.in-toto%2Bjson"
    )));
    assert_eq!(a.json()["manifests"].as_array().unwrap().len(), 2);
    let m = get(&reg.url(&format!("/v2/no/such/repo/referrers/{s}")));
    assert_eq!(m.status, 200);
    assert_eq!(m.json()["manifests"].as_array().unwrap().len(), 0);
}

#[test]
fn quay_disabled_answers_before_auth() {
    let reg = FakeRegistry::builder()
        .profile(Profile::QUAY_REFERRERS_DISABLED)
        .seed_demo()
        .start()
        .unwrap();
    let s = reg.seeded().subjects[0].digest.clone();
    let a = get(&reg.url(&format!("/v2/library/alpine/referrers/{s}")));
    assert_eq!(a.status, 404, "no token needed for the disabled endpoint");
    assert!(a.header("www-authenticate").is_none());
    assert_eq!(get(&reg.url("/v2/library/alpine/tags/list")).status, 401);
}

#[test]
fn dockerhub_pull_rate_headers_count_gets_not_heads() {
    let reg = FakeRegistry::builder()
        .profile(Profile::DOCKERHUB)
        .seed_demo()
        .start()
        .unwrap();
    let c = Client::anonymous();
    let h = c.send(
        "HEAD",
        &reg.url("/v2/library/alpine/manifests/latest"),
        &[],
        b"",
    );
    assert_eq!(h.header("ratelimit-limit"), Some("100;w=21600"));
    assert_eq!(h.header("ratelimit-remaining"), Some("100;w=21600"));
    assert!(h.header("docker-ratelimit-source").is_some());
    let g = c.get(&reg.url("/v2/library/alpine/manifests/latest"));
    assert_eq!(g.header("ratelimit-remaining"), Some("99;w=21600"));
    let h = c.send(
        "HEAD",
        &reg.url("/v2/library/alpine/manifests/latest"),
        &[],
        b"",
    );
    assert_eq!(h.header("ratelimit-remaining"), Some("99;w=21600"));
}

#[test]
fn ecr_rejects_referrers_of_an_index_and_ecr_2023_sends_oci_subject() {
    for (p, subject_type, status, oci_subject) in [
        (Profile::ECR, OCI_INDEX, 405, false),
        (Profile::ECR, OCI_MANIFEST, 201, true),
        (Profile::ECR_2023, OCI_MANIFEST, 201, true),
        (Profile::DISTRIBUTION_2_8, OCI_MANIFEST, 201, false),
    ] {
        let reg = FakeRegistry::builder().profile(p).start().unwrap();
        let body = serde_json::json!({
            "schemaVersion": 2, "mediaType": OCI_MANIFEST, "artifactType": "a/b",
            "config": {"mediaType": "application/vnd.oci.empty.v1+json", "digest": EMPTY_DIGEST, "size": 2},
            "layers": [],
            "subject": {"mediaType": subject_type, "digest": sha256(b"s"), "size": 1}
        })
        .to_string();
        let d = sha256(body.as_bytes());
        let c = if p.name().starts_with("ecr") {
            Client::with("AWS", "demo")
        } else {
            Client::anonymous()
        };
        let empty = c.send(
            "POST",
            &reg.url(&format!("/v2/r/blobs/uploads/?digest={EMPTY_DIGEST}")),
            &[("Content-Type", "application/octet-stream")],
            b"{}",
        );
        let empty = if empty.status == 202 {
            // No single-POST upload (Distribution): the opened session takes `{}` in its closing PUT.
            let loc = empty.header("location").expect("Location").to_string();
            let loc = if loc.starts_with('/') {
                reg.url(&loc)
            } else {
                loc
            };
            let sep = if loc.contains('?') { '&' } else { '?' };
            c.send(
                "PUT",
                &format!("{loc}{sep}digest={EMPTY_DIGEST}"),
                &[("Content-Type", "application/octet-stream")],
                b"{}",
            )
        } else {
            empty
        };
        assert_eq!(empty.status, 201, "{p}: the empty config goes up first");
        let a = c.send(
            "PUT",
            &reg.url(&format!("/v2/r/manifests/{d}")),
            &[("Content-Type", OCI_MANIFEST)],
            body.as_bytes(),
        );
        assert_eq!(a.status, status, "{p} {subject_type}: {}", a.text());
        assert_eq!(a.header("oci-subject").is_some(), oci_subject, "{p}");
    }
}

#[test]
fn distribution_404_is_go_http_error_byte_for_byte() {
    let reg = FakeRegistry::builder()
        .profile(Profile::DISTRIBUTION_2_8)
        .seed_demo()
        .start()
        .unwrap();
    let s = reg.seeded().subjects[0].digest.clone();
    let a = get(&reg.url(&format!("/v2/library/alpine/referrers/{s}")));
    assert_eq!(a.status, 404);
    assert_eq!(a.body, b"404 page not found\n".to_vec());
    assert_eq!(a.content_type(), Some("text/plain; charset=utf-8"));
    assert_eq!(a.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(
        a.header("docker-distribution-api-version"),
        Some("registry/2.0")
    );
}

#[test]
fn harbor_before_2_11_lists_config_media_type_and_echoes_the_filter_value() {
    for p in [Profile::HARBOR_2_8, Profile::HARBOR_2_10] {
        let reg = FakeRegistry::builder()
            .profile(p)
            .seed_demo()
            .start()
            .unwrap();
        let c = Client::anonymous();
        let s = &reg.seeded().subjects[0];
        let all = c.get(&reg.url(&format!("/v2/library/alpine/referrers/{}", s.digest)));
        assert!(all.body.ends_with(b"}\n"), "{p}: json.Encoder newline");
        let j = all.json();
        let listed = j["manifests"].as_array().unwrap();
        // The SBOM declares artifactType cyclonedx but has the empty config: Harbor lists the config type.
        assert_eq!(
            listed[0]["artifactType"], "application/vnd.oci.empty.v1+json",
            "{p}"
        );
        assert_eq!(
            listed[2]["artifactType"], "application/vnd.in-toto+json",
            "{p}"
        );
        assert!(
            listed[0]["size"].as_u64().unwrap() > s.referrers[0].size,
            "{p}: size includes blobs"
        );
        let f = c.get(&reg.url(&format!(
            "/v2/library/alpine/referrers/{}?artifactType=application%2Fvnd.cyclonedx%2Bjson",
            s.digest
        )));
        assert_eq!(
            f.header("oci-filters-applied"),
            Some("application/vnd.cyclonedx+json"),
            "{p}"
        );
        assert_eq!(
            f.header("x-total-count"),
            Some("3"),
            "{p}: total before filtering"
        );
        assert_eq!(
            f.json()["manifests"].as_array().unwrap().len(),
            0,
            "{p}: the SBOM is lost to the filter"
        );
    }
    // 2.11 follows the spec.
    let reg = FakeRegistry::builder()
        .profile(Profile::HARBOR_2_11)
        .seed_demo()
        .start()
        .unwrap();
    let s = &reg.seeded().subjects[0];
    let j = Client::anonymous()
        .get(&reg.url(&format!("/v2/library/alpine/referrers/{}", s.digest)))
        .json();
    assert_eq!(
        j["manifests"][0]["artifactType"],
        "application/vnd.cyclonedx+json"
    );
    assert_eq!(j["manifests"][0]["size"], s.referrers[0].size);
}

#[test]
fn ghcr_2026_redirects_before_auth_to_github_which_says_not_found() {
    let reg = FakeRegistry::builder()
        .profile(Profile::GHCR_2026)
        .seed_demo()
        .start()
        .unwrap();
    let s = reg.seeded().subjects[0].digest.clone();
    let a = get(&reg.url(&format!("/v2/library/alpine/referrers/{s}")));
    assert_eq!(a.status, 303, "no token needed");
    assert_eq!(
        a.header("location").unwrap(),
        format!(
            "{}/-/v2/packages/container/package/library%2Falpine%2Freferrers%2Fsha256",
            reg.other_host_url()
        )
    );
    let t = get(a.header("location").unwrap());
    assert_eq!((t.status, t.text().as_str()), (404, "Not Found"));
    // Everything else still wants GHCR's token.
    assert_eq!(get(&reg.url("/v2/library/alpine/tags/list")).status, 401);
}

#[test]
fn listed_referrers_is_the_api_view_of_the_ground_truth() {
    for p in Profile::all() {
        let reg = FakeRegistry::builder()
            .profile(p)
            .seed_demo()
            .start()
            .unwrap();
        let s = &reg.seeded().subjects[0];
        let listed = reg.listed_referrers(&s.repository, &s.digest);
        assert_eq!(listed.is_some(), p.has_referrers_api(), "{p}");
        let Some(listed) = listed else { continue };
        assert_eq!(listed.len(), 3, "{p}");
        let same = listed.iter().zip(&s.referrers).all(|(l, r)| {
            l.digest == r.digest && l.size == r.size && l.artifact_type == r.artifact_type
        });
        assert_eq!(same, p.lists_spec_descriptors(), "{p}");
        // And it is what the endpoint answers.
        let c = if p.name().starts_with("ecr") {
            Client::with("AWS", "demo")
        } else {
            Client::anonymous()
        };
        let j = c
            .get(&reg.url(&format!("/v2/library/alpine/referrers/{}", s.digest)))
            .json();
        assert_eq!(
            j["manifests"],
            serde_json::to_value(&listed).unwrap(),
            "{p}"
        );
    }
}

/// container-registry 0.3.1 (its `src/lib.rs` router and handlers): unrouted paths answer an empty 404 before
/// auth, only `GET /v2/` challenges, a PUT by digest and an index are refused, blobs go up by PATCH only, and
/// manifest reads carry no `Docker-Content-Digest`.
#[test]
fn container_registry_is_a_partial_api() {
    let reg = FakeRegistry::builder()
        .profile(Profile::CONTAINER_REGISTRY_0_3)
        .seed_demo()
        .start()
        .unwrap();
    let base = reg.base_url();
    let s = reg.seeded().subjects[0].digest.clone();
    let c = Client::with("oci-test", "oci-test-password");

    for path in [
        format!("/v2/library/alpine/referrers/{s}"),
        "/v2/library/alpine/tags/list".to_string(),
        "/v2/alpine/manifests/latest".to_string(),
        "/v2/a/b/c/manifests/latest".to_string(),
        "/nothing".to_string(),
    ] {
        let a = get(&reg.url(&path));
        assert_eq!(
            (a.status, a.text().as_str()),
            (404, ""),
            "{path}: before auth"
        );
        assert_eq!(a.content_type(), None, "{path}");
    }
    let bare = get(&reg.url("/v2/library/alpine/manifests/latest"));
    assert_eq!(bare.status, 401);
    assert_eq!(
        bare.header("www-authenticate"),
        None,
        "no challenge off /v2/"
    );
    let ping = get(&reg.url("/v2/"));
    assert_eq!(ping.status, 401);
    assert_eq!(
        ping.header("www-authenticate"),
        Some("Basic realm=\"ContainerRegistry\"")
    );
    assert_eq!(ping.header("docker-distribution-api-version"), None);

    let got = c.get(&reg.url("/v2/library/alpine/manifests/latest"));
    assert_eq!(got.status, 200, "the fixture credentials");
    assert_eq!(got.header("docker-content-digest"), None);
    let missing = c.get(&reg.url("/v2/library/alpine/manifests/nope"));
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["errors"][0]["code"], "BLOB_UNKNOWN");

    let referrer = referrer_manifest(&s, 100, Some("application/x.test"), 0);
    let digest = sha256(referrer.as_bytes());
    let by_digest = c.send(
        "PUT",
        &format!("{base}/v2/library/alpine/manifests/{digest}"),
        &[("Content-Type", OCI_MANIFEST)],
        referrer.as_bytes(),
    );
    assert_eq!((by_digest.status, by_digest.text().as_str()), (400, ""));
    let index = r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"#;
    let tagged_index = c.send(
        "PUT",
        &format!("{base}/v2/library/alpine/manifests/an-index"),
        &[("Content-Type", OCI_INDEX)],
        index.as_bytes(),
    );
    assert_eq!(tagged_index.status, 400, "image manifests only");
    let tagged = c.send(
        "PUT",
        &format!("{base}/v2/library/alpine/manifests/a-tag"),
        &[("Content-Type", OCI_MANIFEST)],
        referrer.as_bytes(),
    );
    assert_eq!(tagged.status, 201, "{}", tagged.text());
    assert_eq!(tagged.header("oci-subject"), None);

    let blob = b"chunk";
    let start = c.send(
        "POST",
        &format!("{base}/v2/library/alpine/blobs/uploads/"),
        &[],
        b"",
    );
    assert_eq!(start.status, 202);
    let location = format!("{base}{}", start.header("location").unwrap());
    let sep = if location.contains('?') { '&' } else { '?' };
    let finish = format!("{location}{sep}digest={}", sha256(blob));
    let with_body = c.send("PUT", &finish, &[], blob);
    assert_eq!(with_body.status, 500, "no content on the closing PUT");
    let patch = c.send("PATCH", &location, &[("Content-Range", "0-4")], blob);
    assert_eq!(patch.status, 202, "{}", patch.text());
    let close = c.send("PUT", &finish, &[], b"");
    assert_eq!(close.status, 201, "{}", close.text());
}
