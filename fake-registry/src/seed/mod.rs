//! Seeding: one content model for a scenario's `[seed]` table, built once and consumed twice — by the fake's store
//! (straight writes, no HTTP) and by the harness's push client for real registries — with one ground truth
//! ([`Seeded`]) that tests and the matrix compare discoveries with.
//!
//! - [`spec`]: the serde types scenario files use ([`SeedSpec`] and below, [`CosignSuffix`]) and the demo content.
//! - [`content`]: [`build`] turns a spec into every byte it seeds ([`SeedContent`]); [`tag_schema_index`].
//! - [`storage`]: a subject's [`Storage`] resolved against what the target does ([`Storage::resolve`]).
//! - `apply`: the content written into the fake's store (behind [`crate::FakeRegistry::seed`] and the builder's
//!   seeds).
//! - [`truth`]: [`Seeded`], the ground truth a seed returns.
//!
//! All content is deterministic: the same spec gives the same digests on every run.

mod apply;
pub mod content;
pub mod spec;
pub mod storage;
pub mod truth;

pub use content::{
    Blob, Manifest, ReferrerContent, SeedContent, SeedError, SubjectContent, build,
    tag_schema_index,
};
pub use spec::{
    CosignSuffix, DEMO_ATTESTATION_CONFIG_TYPE, DEMO_CREATED, DEMO_SBOM_TYPE, DEMO_SIGNATURE_TYPE,
    DigestAlgorithm, MAX_REFERRERS_PER_SUBJECT, ReferrerSpec, SeedSpec, Storage, SubjectKind,
    SubjectSpec, demo_subject,
};
pub use storage::{Placement, StoredAs, Target};
pub use truth::{Seeded, SeededReferrer, SeededSubject};

use crate::profile::Profile;
use crate::store::Store;

/// Builds `spec` and writes it into `store` for `profile`; nothing is written when the spec is refused.
pub(crate) fn apply(store: &Store, profile: Profile, spec: &SeedSpec) -> Result<Seeded, SeedError> {
    let content = build(spec)?;
    if let Some(why) = apply::not_holdable(profile, &content) {
        return Err(SeedError::NotHoldable(why));
    }
    Ok(apply::apply_content(store, profile, &content))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::tag_schema_name;

    #[test]
    fn demo_is_deterministic_and_derives_types() {
        let a = apply(&Store::default(), Profile::OCI_1_1, &SeedSpec::demo()).unwrap();
        let b = apply(&Store::default(), Profile::OCI_1_1, &SeedSpec::demo()).unwrap();
        assert_eq!(a, b);
        let refs = &a.subjects[0].referrers;
        assert_eq!(refs.len(), 3);
        assert_eq!(
            refs[2].artifact_type.as_deref(),
            Some(DEMO_ATTESTATION_CONFIG_TYPE)
        );
        assert!(refs.iter().all(|r| r.stored_as == [StoredAs::Api]));
    }

    #[test]
    fn storage_per_profile() {
        let store = Store::default();
        let s = apply(&store, Profile::DISTRIBUTION_2_8, &SeedSpec::demo()).unwrap();
        let subj = &s.subjects[0];
        let tags = store.tags("library/alpine").unwrap();
        let schema = tag_schema_name(&subj.digest);
        for t in [
            schema.clone(),
            format!("{schema}.sig"),
            format!("{schema}.att"),
            format!("{schema}.sbom"),
            "latest".into(),
        ] {
            assert!(tags.contains(&t), "{t} in {tags:?}");
        }
        assert!(
            subj.referrers
                .iter()
                .all(|r| r.stored_as == [StoredAs::TagSchema, StoredAs::Cosign])
        );

        let store = Store::default();
        let s = apply(&store, Profile::GITLAB, &SeedSpec::demo()).unwrap();
        let subj = &s.subjects[0];
        let schema = tag_schema_name(&subj.digest);
        let tags = store.tags("library/alpine").unwrap();
        assert!(!tags.contains(&schema), "gitlab: no real tag-schema tag");
        assert!(tags.contains(&format!("{schema}.sig")));
        assert!(
            subj.referrers
                .iter()
                .all(|r| r.stored_as == [StoredAs::Cosign])
        );
    }

    #[test]
    fn rejects_bad_input() {
        let bad = |s: SubjectSpec| {
            apply(
                &Store::default(),
                Profile::OCI_1_1,
                &SeedSpec {
                    demo: false,
                    subjects: vec![s],
                },
            )
        };
        assert!(matches!(
            bad(SubjectSpec {
                repository: "UPPER".into(),
                ..Default::default()
            }),
            Err(SeedError::InvalidRepository(_))
        ));
        assert!(matches!(
            bad(SubjectSpec {
                count: MAX_REFERRERS_PER_SUBJECT + 1,
                ..Default::default()
            }),
            Err(SeedError::TooMany(_))
        ));
        let bad_suffix = SubjectSpec {
            referrers: vec![ReferrerSpec {
                cosign_suffix: Some("signature".into()),
                ..Default::default()
            }],
            ..Default::default()
        };
        assert_eq!(
            bad(bad_suffix),
            Err(SeedError::InvalidSuffix("signature".into()))
        );
        assert!(matches!(
            bad(SubjectSpec {
                tag: Some("-no".into()),
                ..Default::default()
            }),
            Err(SeedError::InvalidTag(_))
        ));
    }

    #[test]
    fn a_refused_spec_writes_nothing() {
        let store = Store::default();
        let spec = SeedSpec {
            demo: true,
            subjects: vec![SubjectSpec {
                repository: "UPPER".into(),
                ..Default::default()
            }],
        };
        assert!(apply(&store, Profile::OCI_1_1, &spec).is_err());
        assert!(!store.repo_exists("library/alpine"));
    }

    #[test]
    fn a_cosign_tag_names_the_last_referrer_with_its_suffix() {
        let store = Store::default();
        let sbom = |t: &str| ReferrerSpec {
            artifact_type: Some(t.into()),
            ..Default::default()
        };
        let spec = SeedSpec {
            demo: false,
            subjects: vec![SubjectSpec {
                repository: "r".into(),
                storage: Storage::Cosign,
                referrers: vec![sbom("a/sbom"), sbom("b/sbom"), sbom("c/sig")],
                ..Default::default()
            }],
        };
        let s = &apply(&store, Profile::DISTRIBUTION_2_8, &spec)
            .unwrap()
            .subjects[0];
        let stored: Vec<_> = s.referrers.iter().map(|r| r.stored_as.clone()).collect();
        assert_eq!(
            stored,
            [vec![], vec![StoredAs::Cosign], vec![StoredAs::Cosign]]
        );
        let schema = tag_schema_name(&s.digest);
        let (d, _) = store.get_manifest("r", &format!("{schema}.sbom")).unwrap();
        assert_eq!(d, s.referrers[1].digest);
        assert!(
            store.get_manifest("r", &schema).is_none(),
            "no tag-schema index"
        );
    }
}
