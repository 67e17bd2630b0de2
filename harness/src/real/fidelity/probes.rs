//! The probe set: the probe content (from the seed model) pushed into the registry, then every probe of
//! [`PROBE_IDS`](super::PROBE_IDS) in order, each recorded as a [`ProbeObservation`].

use std::collections::BTreeMap;

use fake_registry::digest::sha256;
use fake_registry::seed::{
    DEMO_CREATED, ReferrerSpec, SeedSpec, Storage, SubjectContent, SubjectSpec, build,
};
use reqwest::Method;

use super::observe::{ProbeObservation, Prober};
use super::set::{MISSING_REPO, PROBE_REPO, PROBE_TAG, ProbeError, SBOM_TYPE, SIG_TYPE};
use crate::real::push::{MANIFEST_ACCEPT, OCI_INDEX, PushClient, PushError};

/// The probe content, from the seed model: `PROBE_REPO:v1` (an image) with an SBOM and a signature referrer, both
/// annotated, written nowhere else (no tag-schema index, no cosign tags). Built for [`PROBE_REPO`] whatever
/// repository receives it, so the bytes, and the digests, are the same on every registry.
pub fn probe_content() -> Result<SubjectContent, PushError> {
    let annotated = |artifact_type: &str| ReferrerSpec {
        artifact_type: Some(artifact_type.into()),
        annotations: BTreeMap::from([(
            "org.opencontainers.image.created".to_string(),
            DEMO_CREATED.to_string(),
        )]),
        ..Default::default()
    };
    let spec = SeedSpec {
        demo: false,
        subjects: vec![SubjectSpec {
            repository: PROBE_REPO.into(),
            tag: Some(PROBE_TAG.into()),
            storage: Storage::None,
            referrers: vec![annotated(SBOM_TYPE), annotated(SIG_TYPE)],
            ..Default::default()
        }],
    };
    Ok(build(&spec)?.subjects.remove(0))
}

/// Pushes the probe content into the registry at `base_url` and runs every probe of
/// [`PROBE_IDS`](super::PROBE_IDS) in order.
pub async fn run_probes(base_url: &str) -> Result<Vec<ProbeObservation>, ProbeError> {
    run_probes_with(&PushClient::new(base_url)).await
}

/// [`run_probes`] through a given client (for registries that want credentials: [`PushClient::with_credentials`]).
pub async fn run_probes_with(client: &PushClient) -> Result<Vec<ProbeObservation>, ProbeError> {
    run_probes_in(client, PROBE_REPO, MISSING_REPO).await
}

/// [`run_probes_with`] in the given repositories (a live registry's namespace: its content persists between
/// runs, so each run probes fresh repositories): `repo` receives the probe content, `missing_repo` is never pushed.
pub async fn run_probes_in(
    client: &PushClient,
    repo: &str,
    missing_repo: &str,
) -> Result<Vec<ProbeObservation>, ProbeError> {
    let mut p = Prober::new(client);
    p.probe("ping", Method::GET, "/v2/", None, false).await?;

    // Content: a subject image tagged v1 and two referrers (SBOM, signature) pushed with `subject`.
    let content = probe_content()?;
    client.push_subject(repo, &content).await?;
    let [sbom, sig] = &content.referrers[..] else {
        unreachable!("the probe content has two referrers")
    };
    let path = format!("/v2/{repo}/manifests/{}", sbom.manifest.digest);
    let answer = client.push_referrer_raw(repo, sbom).await?;
    p.record_put("push-with-subject", &path, &answer);
    // Its answer is the push-with-subject probe's again; a registry that refuses PUTs by digest refuses both, and
    // the probes go on (what it answers is the finding).
    client.push_referrer_raw(repo, sig).await?;
    let subject = &content.manifest;

    let tag_path = format!("/v2/{repo}/manifests/{PROBE_TAG}");
    p.probe(
        "manifest-head",
        Method::HEAD,
        &tag_path,
        Some(MANIFEST_ACCEPT),
        true,
    )
    .await?;
    p.probe(
        "manifest-get-tag",
        Method::GET,
        &tag_path,
        Some(MANIFEST_ACCEPT),
        true,
    )
    .await?;
    let digest_path = format!("/v2/{repo}/manifests/{}", subject.digest);
    p.probe(
        "manifest-get-digest",
        Method::GET,
        &digest_path,
        Some(MANIFEST_ACCEPT),
        true,
    )
    .await?;
    let missing_path = format!("/v2/{repo}/manifests/no-such-tag");
    p.probe(
        "manifest-missing",
        Method::GET,
        &missing_path,
        Some(MANIFEST_ACCEPT),
        false,
    )
    .await?;

    let referrers = format!("/v2/{repo}/referrers/{}", subject.digest);
    p.probe("referrers", Method::GET, &referrers, Some(OCI_INDEX), false)
        .await?;
    let filtered = format!("{referrers}?artifactType={}", SBOM_TYPE.replace('+', "%2B"));
    p.probe(
        "referrers-filtered",
        Method::GET,
        &filtered,
        Some(OCI_INDEX),
        false,
    )
    .await?;
    let invalid = format!("/v2/{repo}/referrers/sha256:not-a-digest");
    p.probe(
        "referrers-invalid-digest",
        Method::GET,
        &invalid,
        Some(OCI_INDEX),
        false,
    )
    .await?;
    let never = sha256(b"fidelity probe: never pushed");
    let missing_subject = format!("/v2/{repo}/referrers/{never}");
    p.probe(
        "referrers-missing-subject",
        Method::GET,
        &missing_subject,
        Some(OCI_INDEX),
        false,
    )
    .await?;
    let missing_repo = format!("/v2/{missing_repo}/referrers/{}", subject.digest);
    p.probe(
        "referrers-missing-repository",
        Method::GET,
        &missing_repo,
        Some(OCI_INDEX),
        false,
    )
    .await?;

    p.probe(
        "tags-list",
        Method::GET,
        &format!("/v2/{repo}/tags/list"),
        None,
        false,
    )
    .await?;
    let blob = format!("/v2/{repo}/blobs/{}", sha256(b"{}"));
    p.probe("blob-head", Method::HEAD, &blob, None, true)
        .await?;

    Ok(p.into_observations())
}

#[cfg(test)]
mod tests {
    use fake_registry::seed::Blob;

    use super::*;

    /// The content the probes rely on: the subject under [`PROBE_TAG`], an SBOM (the filter probe's type) and a
    /// signature, both annotated, and the empty config `{}` among the blobs pushed (the `blob-head` probe).
    #[test]
    fn the_probe_content_is_what_the_probes_ask_for() {
        let content = probe_content().expect("content");
        assert_eq!(content, probe_content().expect("content again"));
        assert_eq!(content.tag, PROBE_TAG);
        assert!(content.push_subject);
        let types: Vec<_> = content
            .referrers
            .iter()
            .map(|r| r.descriptor.artifact_type.as_deref())
            .collect();
        assert_eq!(types, [Some(SBOM_TYPE), Some(SIG_TYPE)]);
        for r in &content.referrers {
            assert_eq!(r.descriptor.annotations.as_ref().map(|a| a.len()), Some(1));
            assert!(r.blobs().contains(&Blob::empty_json()));
        }
        assert_eq!(
            content
                .storage
                .resolve(fake_registry::seed::Target::Registry {
                    oci_subject: false,
                    by_digest_refused: false,
                }),
            Default::default(),
            "no fallbacks: the tags list holds only the subject's tag"
        );
    }
}
