//! The profile values, one file per vendor family. Each profile is one `static` [`ProfileDef`](super::ProfileDef)
//! built with `..SPEC` (or `..NO_API`, `..SPEC_API`) from the spec-exact defaults in [`spec`], so it reads "the
//! spec, except ..."; every fact carries its source and confidence.

mod acr;
mod artifactory;
mod container_registry;
mod distribution;
mod dockerhub;
mod ecr;
mod ferro;
mod gar;
mod ghcr;
mod gitlab;
mod harbor;
mod quay;
mod spec;
mod zot;

pub(crate) use acr::ACR;
pub(crate) use artifactory::{ARTIFACTORY, ARTIFACTORY_LEGACY};
pub(crate) use container_registry::CONTAINER_REGISTRY_0_3;
pub(crate) use distribution::DISTRIBUTION_2_8;
pub(crate) use dockerhub::{DOCKERHUB, DOCKERHUB_2024};
pub(crate) use ecr::{ECR, ECR_2023};
pub(crate) use ferro::FERRO_OCI_SERVER_1_0;
pub(crate) use gar::GAR_2023;
pub(crate) use ghcr::{GHCR, GHCR_2026};
pub(crate) use gitlab::GITLAB;
pub(crate) use harbor::{HARBOR_2_7, HARBOR_2_8, HARBOR_2_10, HARBOR_2_11};
pub(crate) use quay::{QUAY_3_12_0, QUAY_3_13, QUAY_DISABLED};
pub(crate) use spec::{OCI_1_1, SYNTHETIC_404_INDEX, SYNTHETIC_405, SYNTHETIC_501};
pub(crate) use zot::ZOT;

use super::ProfileDef;

/// Every profile, in matrix order: the first 22 in the order of the project's first profile list, then the ones
/// added since. A new profile is one file here plus its `mod` line and its entry in this list.
pub(crate) static ALL: &[&ProfileDef] = &[
    &OCI_1_1,
    &ZOT,
    &DISTRIBUTION_2_8,
    &HARBOR_2_7,
    &HARBOR_2_8,
    &HARBOR_2_11,
    &GHCR,
    &QUAY_3_12_0,
    &QUAY_3_13,
    &QUAY_DISABLED,
    &ECR,
    &ECR_2023,
    &DOCKERHUB,
    &DOCKERHUB_2024,
    &ARTIFACTORY,
    &ARTIFACTORY_LEGACY,
    &ACR,
    &GITLAB,
    &GAR_2023,
    &SYNTHETIC_404_INDEX,
    &SYNTHETIC_405,
    &SYNTHETIC_501,
    &HARBOR_2_10,
    &GHCR_2026,
    &FERRO_OCI_SERVER_1_0,
    &CONTAINER_REGISTRY_0_3,
];
