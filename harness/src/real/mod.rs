//! Real registries started in containers (testcontainers), seeded through their own push API, and the fidelity
//! probe set that compares them with the fake profiles claiming to emulate them.
//!
//! - [`images`]: which real registries exist as locally built images (`images/build.sh`), never pulled.
//! - [`docker`]: is Docker there, the skip rule (`CI=true` turns a skip into a failure), the sweep of leftovers.
//! - [`launcher`]: [`start_real_registry`] → [`RealRegistry`] (base URL; container removed on drop).
//! - [`push`]: [`PushClient`] (blobs, manifests with `subject`, the tag-schema fallback and cosign-style tags, with
//!   plain reqwest) and [`push_content`], which pushes the fake's seed content ([`fake_registry::SeedContent`]).
//! - [`config`]: config files naming more registries: images (port, env, wait, pull policy) and live registries by
//!   URL with credentials from the environment or the Docker config; [`auth`] answers their challenges.
//! - [`seed`]: a scenario's `[seed]` (the fake's `SeedSpec`) built by the fake's content model and pushed into a real
//!   registry, ground truth in the fake's `Seeded` type.
//! - [`target`]: one matrix row of a real registry (built-in image, config-file image or live URL): how it is
//!   started, reached and named.
//! - [`fidelity`]: the probe set, run against any base URL, and the comparison of two runs;
//!   [`measure_fidelity`] runs it for a real registry and a fake at any base URL.

pub mod auth;
pub mod config;
pub mod docker;
pub mod fidelity;
pub mod http;
pub mod images;
pub mod launcher;
pub mod push;
pub mod seed;
pub mod target;

pub use config::{ImageEntry, LiveEntry, LiveRegistry, RealRegistriesConfig};
pub use docker::{DockerStatus, RunDecision, run_decision, sweep};
pub use fidelity::{Difference, FidelityReport, ProbeObservation, compare, run_probes};
pub use images::RealRegistryKind;
pub use launcher::{
    ContainerSpec, LaunchError, PullPolicy, RealRegistry, start_container, start_real_registry,
};
pub use push::{PushClient, PushError, push_content};
pub use seed::{seed_spec_renamed, seed_spec_with};
pub use target::{Instance, Launch, RealTarget, TargetError};

/// Failure of [`measure_fidelity`] / [`fidelity_for_kind`].
#[derive(Debug, thiserror::Error)]
pub enum FidelityError {
    #[error(transparent)]
    Launch(#[from] LaunchError),
    #[error(transparent)]
    Probe(#[from] fidelity::ProbeError),
    #[error("fake profile `{0}` does not exist")]
    NoProfile(String),
    #[error("starting the fake registry failed: {0}")]
    Fake(String),
}

/// Measures the fidelity of the fake profile that claims to emulate `kind` ([`RealRegistryKind::fake_profile`]):
/// a fresh fake with that profile and a fresh container answer the probe set ([`RealTarget::fidelity`]); the
/// report's candidate is labelled `fake <profile>`.
pub async fn fidelity_for_kind(kind: RealRegistryKind) -> Result<FidelityReport, FidelityError> {
    // A container row has no live namespace, so the run id names nothing here.
    RealTarget::from_kind(kind)
        .fidelity(&target::run_id())
        .await
}

/// The matrix document's fidelity section: per profile the figure, then every difference.
pub fn fidelity_markdown(reports: &[FidelityReport]) -> String {
    let mut out = String::from(
        "| fake profile | real registry | probes matching | aspects matching |\n|---|---|---|---|\n",
    );
    for r in reports {
        out.push_str(&format!(
            "| {} | {} | {}/{} ({:.0}%) | {}/{} ({:.0}%) |\n",
            r.candidate,
            r.reference,
            r.matching_probes,
            r.probes,
            r.figure() * 100.0,
            r.matching_aspects,
            r.aspects,
            r.aspect_figure() * 100.0
        ));
    }
    for r in reports {
        out.push('\n');
        out.push_str(&r.to_markdown());
    }
    out
}

/// Starts `kind` in a container, runs the probe set against it and against `candidate_url` (normally a fresh fake
/// with [`RealRegistryKind::fake_profile`]), removes the container and returns the comparison, with the real
/// registry as the reference. Both registries should be empty: the probes push their own content.
pub async fn measure_fidelity(
    kind: RealRegistryKind,
    candidate_label: &str,
    candidate_url: &str,
) -> Result<FidelityReport, FidelityError> {
    let real = start_real_registry(kind).await?;
    let report = fidelity::fidelity(
        &kind.row_label(),
        real.base_url(),
        candidate_label,
        candidate_url,
    )
    .await;
    drop(real);
    Ok(report?)
}
