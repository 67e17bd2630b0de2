//! The storage decision: a subject's [`Storage`] resolved against what the target does with a manifest that
//! carries `subject`, giving where each referrer ends up ([`Placement`]).
//!
//! - **The fake** ([`Target::Profile`]): `auto` follows the profile — profiles with the referrers API index referrers
//!   through `subject` and nothing else is written; profiles without it get the tag-schema index and cosign tags (as
//!   `oras` and `cosign` write them there); `gitlab` gets only the cosign tags, since its registry resolves the
//!   reference `sha256-<hex>` to the subject itself (oras-project/oras-go#1396), so a tag-schema tag could never be
//!   read back.
//! - **A real registry** ([`Target::Registry`]): `auto` follows the answer to the referrer's manifest PUT — no
//!   `OCI-Subject` header means the registry does not index referrers, and the client maintains the tag-schema index
//!   (distribution-spec v1.1 §"Pushing Manifests with Subject"), plus cosign tags as cosign does; a refused PUT
//!   means the registry holds tagged manifests only, and `auto` writes the cosign tags alone.
//!
//! The other modes write exactly the fallbacks they name on every target; `api` on the list is what the target does,
//! never a choice.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::profile::{AutoStorage, Profile};

use super::spec::Storage;

/// A discovery path a seeded referrer can be found by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum StoredAs {
    /// The referrers API lists it (the registry indexed its `subject`).
    #[serde(rename = "api")]
    Api,
    /// The referrers tag schema index `<alg>-<hex>` lists it (distribution-spec v1.1 §"Referrers Tag Schema").
    #[serde(rename = "tag-schema")]
    TagSchema,
    /// A cosign-style tag `<alg>-<hex>.<sig|att|sbom>` points at it.
    #[serde(rename = "cosign")]
    Cosign,
}

impl StoredAs {
    /// The serialised name: `api`, `tag-schema`, `cosign`.
    pub fn as_str(self) -> &'static str {
        match self {
            StoredAs::Api => "api",
            StoredAs::TagSchema => "tag-schema",
            StoredAs::Cosign => "cosign",
        }
    }
}

impl fmt::Display for StoredAs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the target does with a manifest that carries `subject`.
#[derive(Debug, Clone, Copy)]
pub enum Target {
    /// The fake with this profile (seeded straight into its store).
    Profile(Profile),
    /// A real registry, as its answer to the referrer's manifest PUT by digest shows.
    Registry {
        /// `OCI-Subject` was in the answer: the registry indexed the referrer.
        oci_subject: bool,
        /// The PUT was refused (a 4xx other than 401): the registry stores tagged manifests only, so `auto` can
        /// write only cosign tags (container-registry 0.3 answers 400 to a PUT by digest).
        by_digest_refused: bool,
    },
}

/// Where a referrer is stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Placement {
    /// The registry lists it through the referrers API.
    pub api: bool,
    /// It is listed in the tag-schema index `<alg>-<hex>`.
    pub tag_schema: bool,
    /// Cosign-style tags `<alg>-<hex>.<suffix>` are written (each names the last referrer with its suffix).
    pub cosign: bool,
}

impl Placement {
    /// The discovery paths of a referrer so placed; `cosign_tagged`: a cosign tag names this referrer.
    pub fn stored_as(self, cosign_tagged: bool) -> Vec<StoredAs> {
        [
            (self.api, StoredAs::Api),
            (self.tag_schema, StoredAs::TagSchema),
            (self.cosign && cosign_tagged, StoredAs::Cosign),
        ]
        .into_iter()
        .filter_map(|(on, s)| on.then_some(s))
        .collect()
    }
}

impl Storage {
    /// Where referrers stored with this mode end up on `target`.
    pub fn resolve(self, target: Target) -> Placement {
        let (api, auto) = match target {
            Target::Profile(p) => (p.has_referrers_api(), p.behaviour().storage),
            Target::Registry {
                oci_subject: true, ..
            } => (true, AutoStorage::Api),
            Target::Registry {
                by_digest_refused: true,
                ..
            } => (false, AutoStorage::CosignOnly),
            Target::Registry { .. } => (false, AutoStorage::TagSchemaAndCosign),
        };
        let (tag_schema, cosign) = match self {
            Storage::Auto => match auto {
                AutoStorage::Api => (false, false),
                AutoStorage::TagSchemaAndCosign => (true, true),
                AutoStorage::GitlabSubjectTag | AutoStorage::CosignOnly => (false, true),
            },
            Storage::Api | Storage::None => (false, false),
            Storage::TagSchema => (true, false),
            Storage::Cosign => (false, true),
            Storage::TagSchemaCosign => (true, true),
        };
        Placement {
            api,
            tag_schema,
            cosign,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_as_serialises_by_name() {
        let all = [StoredAs::Api, StoredAs::TagSchema, StoredAs::Cosign];
        let json = serde_json::to_string(&all).unwrap();
        assert_eq!(json, r#"["api","tag-schema","cosign"]"#);
        assert_eq!(serde_json::from_str::<Vec<StoredAs>>(&json).unwrap(), all);
        for s in all {
            assert_eq!(s.to_string(), s.as_str());
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{s}\""));
        }
    }

    const fn p(api: bool, tag_schema: bool, cosign: bool) -> Placement {
        Placement {
            api,
            tag_schema,
            cosign,
        }
    }

    /// Every mode on every kind of target: a profile with the API, one without, GitLab, a registry that answered
    /// `OCI-Subject`, one that did not, and one that refused the PUT by digest.
    #[test]
    fn every_mode_on_every_target() {
        let targets = [
            ("oci-1.1", Target::Profile(Profile::OCI_1_1)),
            (
                "distribution-2.8",
                Target::Profile(Profile::DISTRIBUTION_2_8),
            ),
            ("gitlab", Target::Profile(Profile::GITLAB)),
            (
                "OCI-Subject",
                Target::Registry {
                    oci_subject: true,
                    by_digest_refused: false,
                },
            ),
            (
                "no OCI-Subject",
                Target::Registry {
                    oci_subject: false,
                    by_digest_refused: false,
                },
            ),
            (
                "PUT by digest refused",
                Target::Registry {
                    oci_subject: false,
                    by_digest_refused: true,
                },
            ),
        ];
        // Per target, the placement as `api`/`tag-schema`/`cosign` flags: `a`, `t`, `c` on, `.` off.
        let table = [
            (Storage::Auto, ["a..", ".tc", "..c", "a..", ".tc", "..c"]),
            (Storage::Api, ["a..", "...", "...", "a..", "...", "..."]),
            (
                Storage::TagSchema,
                ["at.", ".t.", ".t.", "at.", ".t.", ".t."],
            ),
            (Storage::Cosign, ["a.c", "..c", "..c", "a.c", "..c", "..c"]),
            (
                Storage::TagSchemaCosign,
                ["atc", ".tc", ".tc", "atc", ".tc", ".tc"],
            ),
            (Storage::None, ["a..", "...", "...", "a..", "...", "..."]),
        ];
        let flags = |s: &str| p(s.contains('a'), s.contains('t'), s.contains('c'));
        for (storage, want) in table {
            for ((name, target), want) in targets.iter().zip(want) {
                assert_eq!(
                    storage.resolve(*target),
                    flags(want),
                    "{storage:?} on {name}"
                );
            }
        }
    }

    #[test]
    fn auto_on_a_profile_with_the_api_is_the_api_only() {
        for profile in [Profile::OCI_1_1, Profile::HARBOR_2_11] {
            assert_eq!(
                Storage::Auto.resolve(Target::Profile(profile)),
                p(true, false, false)
            );
        }
    }

    #[test]
    fn auto_on_a_profile_without_the_api_is_tag_schema_and_cosign() {
        let target = Target::Profile(Profile::DISTRIBUTION_2_8);
        assert_eq!(Storage::Auto.resolve(target), p(false, true, true));
    }

    #[test]
    fn auto_on_gitlab_is_cosign_tags_only() {
        let target = Target::Profile(Profile::GITLAB);
        assert_eq!(Storage::Auto.resolve(target), p(false, false, true));
    }

    #[test]
    fn auto_on_a_registry_follows_the_oci_subject_header() {
        let indexed = Target::Registry {
            oci_subject: true,
            by_digest_refused: false,
        };
        let not_indexed = Target::Registry {
            oci_subject: false,
            by_digest_refused: false,
        };
        assert_eq!(Storage::Auto.resolve(indexed), p(true, false, false));
        assert_eq!(Storage::Auto.resolve(not_indexed), p(false, true, true));
    }

    #[test]
    fn stored_as_lists_the_paths_in_order() {
        assert_eq!(
            p(true, true, true).stored_as(true),
            [StoredAs::Api, StoredAs::TagSchema, StoredAs::Cosign]
        );
        assert_eq!(p(false, true, true).stored_as(false), [StoredAs::TagSchema]);
        assert!(p(false, false, false).stored_as(true).is_empty());
    }
}
