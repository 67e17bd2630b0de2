//! The probe set: the probe content (from the seed model) pushed into the registry, then every probe of the
//! catalog in order, each recorded step as a [`ProbeObservation`].

use std::collections::BTreeMap;

use fake_registry::seed::{
    DEMO_CREATED, ReferrerSpec, SeedSpec, Storage, SubjectContent, SubjectSpec, build,
};

use super::observe::{ProbeObservation, Prober};
use super::script::{RunContext, run_catalog};
use super::set::{MISSING_REPO, PROBE_REPO, PROBE_TAG, ProbeError, SBOM_TYPE, SIG_TYPE};
use crate::real::push::{PushClient, PushError};

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

/// Pushes the probe content into the registry at `base_url` and runs every probe of the catalog
/// ([`catalog`](super::catalog::catalog)) in order.
pub async fn run_probes(base_url: &str) -> Result<Vec<ProbeObservation>, ProbeError> {
    run_probes_with(&PushClient::new(base_url)).await
}

/// [`run_probes`] through a given client (for registries that want credentials: [`PushClient::with_credentials`]).
pub async fn run_probes_with(client: &PushClient) -> Result<Vec<ProbeObservation>, ProbeError> {
    run_probes_in(client, PROBE_REPO, MISSING_REPO).await
}

/// [`run_probes_with`] in the given repositories (a live registry's namespace: its content persists between
/// runs, so each run probes fresh repositories): `repo` receives the probe content (and each probe's
/// `{repo}-<probe id>` its mounts), `missing_repo` is never pushed.
pub async fn run_probes_in(
    client: &PushClient,
    repo: &str,
    missing_repo: &str,
) -> Result<Vec<ProbeObservation>, ProbeError> {
    let content = probe_content()?;
    // The subject image tagged v1; its two referrers are the `push-with-subject` probe's own PUTs.
    client.push_subject(repo, &content).await?;
    for r in &content.referrers {
        client.push_blobs(repo, &r.blobs()).await?;
    }
    let mut p = Prober::new(client);
    let ctx = RunContext {
        repo,
        missing_repo,
        content: &content,
    };
    run_catalog(&mut p, &ctx).await?;
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
