//! A scenario's `[seed]` (the fake's [`SeedSpec`]) pushed into a real registry: the fake's content model
//! ([`fake_registry::seed::build`]) pushed by [`push_content`], ground truth in the fake's [`Seeded`] type, so the
//! scenario runner judges real and fake cells alike.

use fake_registry::{SeedSpec, Seeded};

use super::push::{PushClient, PushError, push_content};

/// Pushes `spec` through `client` (e.g. [`super::LiveRegistry::push_client`]) and returns the ground truth.
pub async fn seed_spec_with(client: &PushClient, spec: &SeedSpec) -> Result<Seeded, PushError> {
    seed_spec_renamed(client, spec, str::to_string).await
}

/// [`seed_spec_with`], each subject pushed to `rename(repository)` instead (a live registry's namespace); the
/// content is the spec's whatever the name, and the ground truth names the repositories actually pushed to.
pub async fn seed_spec_renamed(
    client: &PushClient,
    spec: &SeedSpec,
    rename: impl Fn(&str) -> String,
) -> Result<Seeded, PushError> {
    let content = fake_registry::seed::build(spec)?;
    push_content(client, &content, rename).await
}

#[cfg(test)]
mod tests {
    use fake_registry::digest::tag_schema_name;
    use fake_registry::seed::DigestAlgorithm;
    use fake_registry::{FakeRegistry, Profile, ReferrerSpec, Storage, StoredAs, SubjectSpec};

    use super::*;

    /// Every kind of subject the push client supports: the demo, an index with generated referrers and an explicit
    /// one with its own config, every explicit storage mode, two referrers sharing a cosign suffix, a subject that
    /// is never pushed.
    fn spec() -> SeedSpec {
        let typed = |t: &str| ReferrerSpec {
            artifact_type: Some(t.into()),
            ..Default::default()
        };
        let mut subjects = vec![
            SubjectSpec {
                repository: "multi/arch".into(),
                kind: fake_registry::seed::SubjectKind::Index,
                count: 4,
                referrers: vec![ReferrerSpec {
                    config_media_type: Some("application/vnd.example.config+json".into()),
                    ..Default::default()
                }],
                ..Default::default()
            },
            SubjectSpec {
                repository: "ghost".into(),
                push_subject: false,
                count: 1,
                ..Default::default()
            },
        ];
        for (i, storage) in [
            Storage::Api,
            Storage::TagSchema,
            Storage::Cosign,
            Storage::TagSchemaCosign,
            Storage::None,
        ]
        .into_iter()
        .enumerate()
        {
            subjects.push(SubjectSpec {
                repository: format!("mode/m{i}"),
                storage,
                referrers: vec![typed("a/sbom"), typed("b/sbom"), typed("c/sig")],
                ..Default::default()
            });
        }
        SeedSpec {
            demo: true,
            subjects,
        }
    }

    /// The same spec seeded into a fake's store and pushed through the push client into a second fake with the
    /// same profile gives the same ground truth, digest for digest and `stored_as` included, and the same
    /// tag-schema indexes and cosign tags: on a profile without the API (the fallbacks are written by the push
    /// client from the PUT answers) and on one with it.
    async fn fake_and_push_paths_agree(profile: Profile) {
        let seeded = FakeRegistry::builder()
            .profile(profile)
            .seed(spec())
            .start()
            .expect("seeded fake");
        let pushed = FakeRegistry::builder()
            .profile(profile)
            .start()
            .expect("empty fake");
        let client = PushClient::new(&pushed.base_url());
        let truth = seed_spec_with(&client, &spec()).await.expect("push");
        assert_eq!(&truth, seeded.seeded(), "{}", profile.name());

        let mut tagged = 0;
        let seeded_client = PushClient::new(&seeded.base_url());
        for s in &truth.subjects {
            let schema = tag_schema_name(&s.digest);
            for tag in ["sbom", "sig", "att"]
                .iter()
                .map(|x| format!("{schema}.{x}"))
                .chain([schema.clone(), s.tag.clone()])
            {
                let want = seeded_client.get_manifest(&s.repository, &tag).await;
                let got = client.get_manifest(&s.repository, &tag).await;
                let (want, got) = (want.expect("GET"), got.expect("GET"));
                assert_eq!(want, got, "{}: {}:{tag}", profile.name(), s.repository);
                tagged += usize::from(got.is_some());
            }
        }
        assert!(tagged > truth.subjects.len(), "tags were compared");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn fake_and_push_paths_agree_without_the_api() {
        fake_and_push_paths_agree(Profile::DISTRIBUTION_2_8).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn fake_and_push_paths_agree_with_the_api() {
        fake_and_push_paths_agree(Profile::OCI_1_1).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn without_the_api_referrers_land_in_the_fallbacks() {
        let fake = FakeRegistry::builder()
            .profile(Profile::DISTRIBUTION_2_8)
            .start()
            .expect("fake");
        let client = PushClient::new(&fake.base_url());
        let truth = seed_spec_with(&client, &spec()).await.expect("push");
        let stored = |repo: &str| -> Vec<Vec<StoredAs>> {
            let s = truth.subjects.iter().find(|s| s.repository == repo);
            s.expect(repo)
                .referrers
                .iter()
                .map(|r| r.stored_as.clone())
                .collect()
        };
        use StoredAs::{Cosign, TagSchema};
        let nowhere: Vec<StoredAs> = Vec::new();
        let all = |s: Vec<StoredAs>| vec![s; 3];
        assert_eq!(stored("library/alpine"), all(vec![TagSchema, Cosign]));
        assert_eq!(
            stored("mode/m0"),
            all(nowhere.clone()),
            "api only: nowhere here"
        );
        assert_eq!(stored("mode/m1"), all(vec![TagSchema]));
        let last_of_each_suffix = [nowhere.clone(), vec![Cosign], vec![Cosign]];
        assert_eq!(stored("mode/m2"), last_of_each_suffix);
        let both = [
            vec![TagSchema],
            vec![TagSchema, Cosign],
            vec![TagSchema, Cosign],
        ];
        assert_eq!(stored("mode/m3"), both);
        assert_eq!(stored("mode/m4"), all(nowhere));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sha512_subjects_are_refused_before_anything_is_pushed() {
        let fake = FakeRegistry::builder().start().expect("fake");
        let spec = SeedSpec {
            demo: true,
            subjects: vec![SubjectSpec {
                digest_algorithm: DigestAlgorithm::Sha512,
                ..Default::default()
            }],
        };
        let client = PushClient::new(&fake.base_url());
        let err = seed_spec_with(&client, &spec).await.expect_err("sha512");
        assert!(
            matches!(&err, PushError::Unsupported(m) if m.contains("sha512")),
            "{err}"
        );
        assert!(fake.request_log().is_empty(), "nothing was pushed");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_refused_spec_is_an_error_and_renaming_keeps_the_content() {
        let fake = FakeRegistry::builder().start().expect("fake");
        let client = PushClient::new(&fake.base_url());
        let bad = SeedSpec::from_toml("[[seed.subjects]]\nrepository = \"UPPER\"\n").unwrap();
        let err = seed_spec_with(&client, &bad).await.expect_err("refused");
        assert!(matches!(err, PushError::Spec(_)), "{err}");

        let renamed = seed_spec_renamed(&client, &SeedSpec::demo(), |r| {
            format!("ns-{}", r.replace('/', "-"))
        })
        .await
        .expect("push");
        let plain = fake.seed(&SeedSpec::demo()).expect("seed");
        assert_eq!(renamed.subjects[0].repository, "ns-library-alpine");
        assert_eq!(renamed.subjects[0].digest, plain.subjects[0].digest);
        let digests = |s: &Seeded| -> Vec<String> {
            s.subjects[0]
                .referrers
                .iter()
                .map(|r| r.digest.clone())
                .collect()
        };
        assert_eq!(digests(&renamed), digests(&plain));
    }
}
