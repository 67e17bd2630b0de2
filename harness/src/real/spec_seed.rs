//! Seeding a scenario's `[seed]` (the fake registry's [`SeedSpec`]) into a real registry through its push API, and
//! returning the same ground-truth type the fake returns ([`fake_registry::Seeded`]), so the scenario runner checks
//! real and fake cells alike.
//!
//! Subject order and default tags follow the fake: the demo subject first when `demo = true`, then the listed
//! subjects; a subject without a tag gets `latest` at position 0 and `s<position>` after.

use fake_registry::seed::{DigestAlgorithm, SubjectKind as FakeKind, demo_subject};
use fake_registry::{SeedSpec, Storage as FakeStorage, SubjectSpec};

use super::push::{
    self, PushClient, PushError, ReferrerPlan, SeedPlan, Storage, SubjectKind, SubjectPlan,
};

/// Converts a fake-registry seed spec into the push plan (`sha512` subjects are not supported: the push client
/// computes sha256 digests only).
pub fn plan_from_spec(spec: &SeedSpec) -> Result<SeedPlan, PushError> {
    let mut subjects: Vec<SubjectSpec> = Vec::new();
    if spec.demo {
        subjects.push(demo_subject());
    }
    subjects.extend(spec.subjects.iter().cloned());
    let mut plan = SeedPlan::default();
    for (position, s) in subjects.into_iter().enumerate() {
        if s.digest_algorithm == DigestAlgorithm::Sha512 {
            return Err(PushError::Unsupported(format!(
                "subject {} uses digest_algorithm = \"sha512\"; the real-registry seeder pushes sha256 only",
                s.repository
            )));
        }
        let tag = s.tag.clone().unwrap_or_else(|| {
            if position == 0 {
                "latest".to_string()
            } else {
                format!("s{position}")
            }
        });
        plan.subjects.push(SubjectPlan {
            repository: s.repository.clone(),
            tag,
            kind: match s.kind {
                FakeKind::Image => SubjectKind::Image,
                FakeKind::Index => SubjectKind::Index,
            },
            storage: match s.storage {
                FakeStorage::Auto => Storage::Auto,
                FakeStorage::Api => Storage::Api,
                FakeStorage::TagSchema => Storage::TagSchema,
                FakeStorage::Cosign => Storage::Cosign,
                FakeStorage::TagSchemaCosign => Storage::TagSchemaCosign,
                FakeStorage::None => Storage::None,
            },
            count: s.count,
            push_subject: s.push_subject,
            referrers: s
                .referrers
                .iter()
                .map(|r| ReferrerPlan {
                    artifact_type: r.artifact_type.clone(),
                    config_media_type: r.config_media_type.clone(),
                    annotations: r.annotations.clone(),
                    cosign_suffix: r.cosign_suffix.clone(),
                })
                .collect(),
        });
    }
    Ok(plan)
}

/// Pushes `spec` into the registry at `base_url` and returns the ground truth in the fake's type.
pub async fn seed_spec(
    base_url: &str,
    spec: &SeedSpec,
) -> Result<fake_registry::Seeded, PushError> {
    seed_spec_with(&PushClient::new(base_url), spec).await
}

/// [`seed_spec`] through a given client (e.g. [`super::LiveRegistry::push_client`]).
pub async fn seed_spec_with(
    client: &PushClient,
    spec: &SeedSpec,
) -> Result<fake_registry::Seeded, PushError> {
    seed_spec_renamed(client, spec, str::to_string).await
}

/// [`seed_spec_with`], each subject pushed to `rename(repository)` instead (a live registry's namespace); the
/// ground truth names the repositories actually pushed to.
pub async fn seed_spec_renamed(
    client: &PushClient,
    spec: &SeedSpec,
    rename: impl Fn(&str) -> String,
) -> Result<fake_registry::Seeded, PushError> {
    let mut plan = plan_from_spec(spec)?;
    for s in &mut plan.subjects {
        s.repository = rename(&s.repository);
    }
    let seeded = push::seed_with(client, &plan).await?;
    Ok(fake_registry::Seeded {
        subjects: seeded
            .subjects
            .into_iter()
            .zip(plan.subjects.iter())
            .map(|(s, p)| fake_registry::SeededSubject {
                repository: s.repository,
                tag: s.tag,
                digest: s.digest,
                media_type: s.media_type,
                subject_pushed: p.push_subject,
                referrers: s
                    .referrers
                    .into_iter()
                    .map(|r| fake_registry::SeededReferrer {
                        digest: r.digest,
                        media_type: r.media_type,
                        artifact_type: r.artifact_type,
                        size: r.size,
                        annotations: r.annotations,
                        stored_as: r
                            .stored_as
                            .iter()
                            .filter_map(|s| {
                                serde_json::from_value(serde_json::Value::from(s.as_str())).ok()
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_spec_becomes_the_demo_plan() {
        let plan = plan_from_spec(&SeedSpec::demo()).unwrap();
        assert_eq!(plan, SeedPlan::demo());
    }

    #[test]
    fn default_tags_follow_the_fake() {
        let spec: SeedSpec = toml::from_str(
            "demo = true\n[[subjects]]\nrepository = \"a/b\"\n[[subjects]]\nrepository = \"c\"\ntag = \"x\"\n",
        )
        .unwrap();
        let plan = plan_from_spec(&spec).unwrap();
        let tags: Vec<&str> = plan.subjects.iter().map(|s| s.tag.as_str()).collect();
        assert_eq!(tags, ["latest", "s1", "x"]);
    }

    #[test]
    fn sha512_subjects_are_refused_with_a_reason() {
        let spec: SeedSpec =
            toml::from_str("[[subjects]]\ndigest_algorithm = \"sha512\"\n").unwrap();
        assert!(
            matches!(plan_from_spec(&spec), Err(PushError::Unsupported(m)) if m.contains("sha512"))
        );
    }
}
