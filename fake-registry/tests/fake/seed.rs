//! Seeding: ground truth matches what the registry serves; storage modes; index and sha512 subjects.

use fake_registry::seed::{DigestAlgorithm, SubjectKind};
use fake_registry::{
    FakeRegistry, Profile, ReferrerSpec, SeedSpec, Storage, StoredAs, SubjectSpec,
};

use crate::util::*;

#[test]
fn demo_seed_ground_truth_matches_the_api() {
    let reg = FakeRegistry::builder().seed_demo().start().unwrap();
    let s = &reg.seeded().subjects[0];
    assert_eq!(
        (s.repository.as_str(), s.tag.as_str()),
        ("library/alpine", "latest")
    );
    assert_eq!(s.media_type, OCI_MANIFEST);
    let j = get(&reg.url(&format!("/v2/library/alpine/referrers/{}", s.digest))).json();
    let listed = j["manifests"].as_array().unwrap();
    assert_eq!(listed.len(), 3);
    for (r, l) in s.referrers.iter().zip(listed) {
        assert_eq!(l["digest"], r.digest.as_str());
        assert_eq!(l["size"], r.size);
        assert_eq!(l["artifactType"].as_str(), r.artifact_type.as_deref());
        assert_eq!(
            l["annotations"]["org.opencontainers.image.created"],
            "2024-01-01T00:00:00Z"
        );
        // The referrer manifest itself is served and points at the subject.
        let m = get(&reg.url(&format!("/v2/library/alpine/manifests/{}", r.digest)));
        assert_eq!(sha256(&m.body), r.digest);
        assert_eq!(m.json()["subject"]["digest"], s.digest.as_str());
    }
    let types: Vec<_> = s
        .referrers
        .iter()
        .map(|r| r.artifact_type.clone().unwrap())
        .collect();
    assert_eq!(
        types,
        vec![
            "application/vnd.cyclonedx+json",
            "application/vnd.dev.cosign.artifact.sig.v1+json",
            "application/vnd.in-toto+json"
        ]
    );
    // The attestation has no manifest-level artifactType: only its config carries it.
    let att = get(&reg.url(&format!(
        "/v2/library/alpine/manifests/{}",
        s.referrers[2].digest
    )))
    .json();
    assert!(att.get("artifactType").is_none());
    assert_eq!(att["config"]["mediaType"], "application/vnd.in-toto+json");
}

#[test]
fn non_api_profiles_get_tag_schema_index_and_cosign_tags() {
    let reg = FakeRegistry::builder()
        .profile(Profile::DISTRIBUTION_2_8)
        .seed_demo()
        .start()
        .unwrap();
    let s = &reg.seeded().subjects[0];
    let schema = s.digest.replace(':', "-");
    let idx = send(
        "GET",
        &reg.url(&format!("/v2/library/alpine/manifests/{schema}")),
        &[("Accept", OCI_INDEX)],
        b"",
    );
    assert_eq!(idx.status, 200);
    assert_eq!(idx.content_type(), Some(OCI_INDEX));
    let listed: Vec<_> = idx.json()["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["digest"].as_str().unwrap().to_string())
        .collect();
    let truth: Vec<_> = s.referrers.iter().map(|r| r.digest.clone()).collect();
    assert_eq!(listed, truth);
    for (suffix, i) in [("sbom", 0), ("sig", 1), ("att", 2)] {
        let h = send(
            "HEAD",
            &reg.url(&format!("/v2/library/alpine/manifests/{schema}.{suffix}")),
            // As cosign sends it: Distribution serves an OCI manifest only when Accept names its type.
            &[("Accept", OCI_MANIFEST)],
            b"",
        );
        assert_eq!(
            h.header("docker-content-digest"),
            Some(truth[i].as_str()),
            "{suffix}"
        );
    }
}

#[test]
fn gitlab_schema_tag_is_the_subject_itself() {
    let reg = FakeRegistry::builder()
        .profile(Profile::GITLAB)
        .seed_demo()
        .start()
        .unwrap();
    let s = &reg.seeded().subjects[0];
    let c = Client::anonymous();
    let schema = s.digest.replace(':', "-");
    let h = c.send(
        "HEAD",
        &reg.url(&format!("/v2/library/alpine/manifests/{schema}")),
        &[],
        b"",
    );
    assert_eq!(h.header("docker-content-digest"), Some(s.digest.as_str()));
    assert!(
        s.referrers
            .iter()
            .all(|r| r.stored_as == [StoredAs::Cosign])
    );
}

#[test]
fn storage_modes_index_subjects_sha512_and_missing_subjects() {
    let reg = FakeRegistry::builder().start().unwrap();
    let spec = SeedSpec {
        demo: false,
        subjects: vec![
            SubjectSpec {
                repository: "multi/arch".into(),
                kind: SubjectKind::Index,
                storage: Storage::TagSchema,
                count: 4,
                ..Default::default()
            },
            SubjectSpec {
                repository: "big/digest".into(),
                digest_algorithm: DigestAlgorithm::Sha512,
                referrers: vec![ReferrerSpec {
                    artifact_type: Some("x/y".into()),
                    ..Default::default()
                }],
                ..Default::default()
            },
            SubjectSpec {
                repository: "ghost".into(),
                push_subject: false,
                storage: Storage::None,
                count: 1,
                ..Default::default()
            },
        ],
    };
    let seeded = reg.seed(&spec).unwrap();
    let [idx, big, ghost] = &seeded.subjects[..] else {
        panic!()
    };
    assert_eq!(idx.tag, "latest");
    assert_eq!(big.tag, "s1");
    assert_eq!(idx.media_type, OCI_INDEX);
    assert_eq!(idx.referrers.len(), 4);
    assert_eq!(
        idx.referrers[1].artifact_type.as_deref(),
        Some("application/vnd.example.sbom.v1")
    );
    assert!(
        idx.referrers
            .iter()
            .all(|r| r.stored_as == [StoredAs::Api, StoredAs::TagSchema])
    );
    let m = get(&reg.url("/v2/multi/arch/manifests/latest"));
    assert_eq!(m.json()["manifests"].as_array().unwrap().len(), 2);
    assert!(big.digest.starts_with("sha512:"));
    let h = send("HEAD", &reg.url("/v2/big/digest/manifests/s1"), &[], b"");
    assert_eq!(h.header("docker-content-digest"), Some(big.digest.as_str()));
    let l = get(&reg.url(&format!("/v2/big/digest/referrers/{}", big.digest))).json();
    assert_eq!(l["manifests"].as_array().unwrap().len(), 1);
    assert!(!ghost.subject_pushed);
    assert_eq!(
        get(&reg.url(&format!("/v2/ghost/manifests/{}", ghost.digest))).status,
        404
    );
    let l = get(&reg.url(&format!("/v2/ghost/referrers/{}", ghost.digest))).json();
    assert_eq!(
        l["manifests"].as_array().unwrap().len(),
        1,
        "referrers of a never-pushed subject are listed"
    );
}

#[test]
fn gitlab_resolves_any_dash_digest_reference_but_lists_no_such_tag() {
    let reg = FakeRegistry::builder()
        .profile(Profile::GITLAB)
        .seed_demo()
        .start()
        .unwrap();
    let s = &reg.seeded().subjects[0];
    let c = Client::anonymous();
    // A referrer's own digest in dash form resolves to the referrer manifest.
    let r = &s.referrers[0];
    let h = c.send(
        "HEAD",
        &reg.url(&format!(
            "/v2/library/alpine/manifests/{}",
            r.digest.replace(':', "-")
        )),
        &[],
        b"",
    );
    assert_eq!(h.header("docker-content-digest"), Some(r.digest.as_str()));
    let tags = c.get(&reg.url("/v2/library/alpine/tags/list")).json();
    let schema = s.digest.replace(':', "-");
    assert!(
        !tags["tags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == &serde_json::json!(schema))
    );
    // Other profiles treat it as a tag that does not exist.
    let reg = FakeRegistry::builder()
        .profile(Profile::OCI_1_1)
        .seed_demo()
        .start()
        .unwrap();
    let s = &reg.seeded().subjects[0];
    let a = get(&reg.url(&format!(
        "/v2/library/alpine/manifests/{}",
        s.digest.replace(':', "-")
    )));
    assert_eq!(a.status, 404);
}

/// Regression (found by the bundle export): a seeded referrer's empty config `{}` was not stored (the seed still
/// assumed the store served it everywhere), so a copy of an index subject's referrer found its config missing.
/// Every blob a seeded manifest references is now in its repository.
#[test]
fn every_blob_a_seeded_referrer_references_is_stored() {
    let reg = FakeRegistry::builder()
        .seed(SeedSpec {
            demo: false,
            subjects: vec![SubjectSpec {
                repository: "multi/arch".into(),
                tag: Some("v1".into()),
                kind: SubjectKind::Index,
                referrers: vec![ReferrerSpec::default()],
                ..Default::default()
            }],
        })
        .start()
        .unwrap();
    let s = &reg.seeded().subjects[0];
    let r = &s.referrers[0];
    let m = get(&reg.url(&format!("/v2/multi/arch/manifests/{}", r.digest))).json();
    for d in std::iter::once(&m["config"]).chain(m["layers"].as_array().unwrap()) {
        let digest = d["digest"].as_str().unwrap();
        let blob = get(&reg.url(&format!("/v2/multi/arch/blobs/{digest}")));
        assert_eq!(blob.status, 200, "{digest}");
    }
}
