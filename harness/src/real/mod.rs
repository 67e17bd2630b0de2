//! Real registries started in containers (testcontainers), seeded through their own push API, and the fidelity
//! probe set that compares them with the fake profiles claiming to emulate them.
//!
//! - [`images`]: which real registries exist as locally built images (`images/build.sh`), never pulled.
//! - [`docker`]: is Docker there, the skip rule (`CI=true` turns a skip into a failure), the sweep of leftovers.
//! - [`launcher`]: [`start_real_registry`] → [`RealRegistry`] (base URL; container removed on drop).
//! - [`push`]: blobs, manifests with `subject`, the tag-schema fallback and cosign-style tags, with plain reqwest.
//! - [`config`]: config files naming more registries: images (port, env, wait, pull policy) and live registries by
//!   URL with credentials from the environment or the Docker config; [`auth`] answers their challenges.
//! - [`spec_seed`]: a scenario's `[seed]` (the fake's `SeedSpec`) pushed into a real registry, ground truth in the
//!   fake's `Seeded` type.
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
pub mod spec_seed;

pub use config::{ImageEntry, LiveEntry, LiveRegistry, RealRegistriesConfig};
pub use docker::{DockerStatus, RunDecision, run_decision, sweep};
pub use fidelity::{Difference, FidelityReport, ProbeObservation, compare, run_probes};
pub use images::RealRegistryKind;
pub use launcher::{
    ContainerSpec, LaunchError, PullPolicy, RealRegistry, start_container, start_real_registry,
};
pub use push::{PushClient, PushError, SeedPlan, Seeded, seed, seed_with};
pub use spec_seed::{seed_spec, seed_spec_with};

/// Failure of [`measure_fidelity`].
#[derive(Debug, thiserror::Error)]
pub enum FidelityError {
    #[error(transparent)]
    Launch(#[from] LaunchError),
    #[error(transparent)]
    Probe(#[from] fidelity::ProbeError),
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
