//! Registry profiles: one small declarative value per real registry (or synthetic case), describing how its
//! referrers endpoint, `/v2/` answer, auth challenge, token endpoint and rate limit answer. Each profile carries the
//! facts it is built on, each with its confidence and its primary source (a distribution-spec section, a vendor's
//! source file or doc page, an issue thread), so the compatibility matrix can cite them.
//!
//! A profile is pure data: the request pipeline (`crate::pipeline`) applies it in front of the spec-exact API
//! (`crate::api`): the profile decides the referrers answer, the auth dance, extra headers and error shapes; the API
//! does the rest.
//!
//! Where the real answer is unknown the profile takes the most widely reported behaviour and marks the fact
//! [`Confidence::Assumed`].

use std::fmt;

use serde::{Deserialize, Serialize};

pub mod bodies;
mod canned;
mod content_api;
mod defs;
mod model;
mod partial_api;

pub use canned::Canned;
pub use content_api::{
    AcceptRanges, BlobDigests, ChunkRange, ContentApi, ManifestAccept, Mounts, RangeRefusal,
    Refusal, Refused,
};
pub use model::{
    Anonymous, ApiReferrers, ApiVersionHeader, ArtifactTypeFrom, Auth, AutoStorage, Behaviour,
    ChallengeOn, Confidence, Declared, Fact, FiltersHeader, ProfileDef, RateLimitStyle, RealmHost,
    RedirectAnswer, Referrers, Scheme, Service, TokenShape,
};
pub use partial_api::{DigestParse, PartialApi, References, UploadPath, UploadRange};

/// A registry profile (a cheap handle to a static [`ProfileDef`]).
#[derive(Clone, Copy)]
pub struct Profile(&'static ProfileDef);

impl PartialEq for Profile {
    fn eq(&self, other: &Self) -> bool {
        self.0.name == other.0.name
    }
}
impl Eq for Profile {}

impl std::hash::Hash for Profile {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.name.hash(state);
    }
}

impl fmt::Debug for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Profile({})", self.0.name)
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name)
    }
}

impl Default for Profile {
    fn default() -> Self {
        Profile::OCI_1_1
    }
}

impl Serialize for Profile {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.name)
    }
}

impl<'de> Deserialize<'de> for Profile {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Profile::by_name(&name).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown profile `{name}` (known: {})",
                Profile::all()
                    .iter()
                    .map(|p| p.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
    }
}

impl std::str::FromStr for Profile {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Profile::by_name(s).ok_or_else(|| format!("unknown profile `{s}`"))
    }
}

impl Profile {
    /// Every profile: the 22 in its order, then extra ones (`harbor-2.10`, `ghcr-2026`).
    pub fn all() -> Vec<Profile> {
        defs::ALL.iter().map(|d| Profile(d)).collect()
    }
    /// Look a profile up by name.
    pub fn by_name(name: &str) -> Option<Profile> {
        defs::ALL
            .iter()
            .find(|d| d.name == name)
            .map(|d| Profile(d))
    }
    /// Name, e.g. `harbor-2.8`.
    pub fn name(&self) -> &str {
        self.0.name
    }
    /// One line, for `--list-profiles`.
    pub fn summary(&self) -> &str {
        self.0.summary
    }
    /// What it emulates, e.g. `Harbor 2.8.0–2.9.x`.
    pub fn emulates(&self) -> &str {
        self.0.emulates
    }
    /// No real registry is known to answer like this.
    pub fn synthetic(&self) -> bool {
        self.0.synthetic
    }
    /// Facts with sources and confidence.
    pub fn facts(&self) -> &[Fact] {
        self.0.facts
    }
    /// What the profile claims.
    pub fn declared(&self) -> &Declared {
        &self.0.declared
    }
    /// How it answers (the full declarative value).
    pub fn behaviour(&self) -> &Behaviour {
        &self.0.behaviour
    }
    /// The whole definition.
    pub fn def(&self) -> &'static ProfileDef {
        self.0
    }

    /// `oci-1.1`
    pub const OCI_1_1: Profile = Profile(&defs::OCI_1_1);
    /// `zot`
    pub const ZOT: Profile = Profile(&defs::ZOT);
    /// `distribution-2.8`
    pub const DISTRIBUTION_2_8: Profile = Profile(&defs::DISTRIBUTION_2_8);
    /// `harbor-2.7`
    pub const HARBOR_2_7: Profile = Profile(&defs::HARBOR_2_7);
    /// `harbor-2.8`
    pub const HARBOR_2_8: Profile = Profile(&defs::HARBOR_2_8);
    /// `harbor-2.11`
    pub const HARBOR_2_11: Profile = Profile(&defs::HARBOR_2_11);
    /// `ghcr`
    pub const GHCR: Profile = Profile(&defs::GHCR);
    /// `quay-3.12.0`
    pub const QUAY_3_12_0: Profile = Profile(&defs::QUAY_3_12_0);
    /// `quay-3.13`
    pub const QUAY_3_13: Profile = Profile(&defs::QUAY_3_13);
    /// `quay-referrers-disabled`
    pub const QUAY_REFERRERS_DISABLED: Profile = Profile(&defs::QUAY_DISABLED);
    /// `ecr`
    pub const ECR: Profile = Profile(&defs::ECR);
    /// `ecr-2023`
    pub const ECR_2023: Profile = Profile(&defs::ECR_2023);
    /// `dockerhub`
    pub const DOCKERHUB: Profile = Profile(&defs::DOCKERHUB);
    /// `dockerhub-2024`
    pub const DOCKERHUB_2024: Profile = Profile(&defs::DOCKERHUB_2024);
    /// `artifactory`
    pub const ARTIFACTORY: Profile = Profile(&defs::ARTIFACTORY);
    /// `artifactory-legacy`
    pub const ARTIFACTORY_LEGACY: Profile = Profile(&defs::ARTIFACTORY_LEGACY);
    /// `acr`
    pub const ACR: Profile = Profile(&defs::ACR);
    /// `gitlab`
    pub const GITLAB: Profile = Profile(&defs::GITLAB);
    /// `gar-2023`
    pub const GAR_2023: Profile = Profile(&defs::GAR_2023);
    /// `synthetic-404-index`
    pub const SYNTHETIC_404_INDEX: Profile = Profile(&defs::SYNTHETIC_404_INDEX);
    /// `synthetic-405`
    pub const SYNTHETIC_405: Profile = Profile(&defs::SYNTHETIC_405);
    /// `synthetic-501`
    pub const SYNTHETIC_501: Profile = Profile(&defs::SYNTHETIC_501);
    /// `harbor-2.10` (beyond the list)
    pub const HARBOR_2_10: Profile = Profile(&defs::HARBOR_2_10);
    /// `ghcr-2026` (beyond the list)
    pub const GHCR_2026: Profile = Profile(&defs::GHCR_2026);
    /// `ferro-oci-server-1.0` (beyond the list: the counterpart of the real ferro-oci-server row)
    pub const FERRO_OCI_SERVER_1_0: Profile = Profile(&defs::FERRO_OCI_SERVER_1_0);
    /// `container-registry-0.3`.
    pub const CONTAINER_REGISTRY_0_3: Profile = Profile(&defs::CONTAINER_REGISTRY_0_3);

    /// Does the referrers API list descriptors exactly as the spec derives them (`artifactType` from the manifest,
    /// else its config; `size` of the manifest)? False for Harbor before 2.11; true for profiles without the API.
    pub fn lists_spec_descriptors(&self) -> bool {
        match &self.0.behaviour.referrers {
            Referrers::Api(a) => {
                a.artifact_type_from == ArtifactTypeFrom::Spec && !a.size_includes_blobs
            }
            _ => true,
        }
    }

    /// Is the referrers API implemented (200 + index for an existing subject, or the synthetic 404 + index)?
    pub fn has_referrers_api(&self) -> bool {
        matches!(self.0.behaviour.referrers, Referrers::Api(_))
    }
}
