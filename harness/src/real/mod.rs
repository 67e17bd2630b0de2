//! Real registries started in containers (testcontainers), seeded through their own push API, and the fidelity
//! probe set that compares them with the fake profiles claiming to emulate them.
//!
//! - [`images`]: the project's own images, built locally by `images/build.sh` from `images/<name>/`, never pulled.
//! - [`docker`]: is Docker there, the skip rule (`CI=true` turns a skip into a failure), the sweep of leftovers.
//! - [`launcher`]: [`start_container`] → [`RealRegistry`] (base URL; container removed on drop).
//! - [`push`]: [`PushClient`] (blobs, manifests with `subject`, the tag-schema fallback and cosign-style tags, with
//!   plain reqwest) and [`push_content`], which pushes the fake's seed content ([`fake_registry::SeedContent`]).
//! - [`config`]: config files naming more registries: images (port, env, wait, pull policy) and live registries by
//!   URL with credentials from the environment or the Docker config; [`auth`] answers their challenges.
//! - [`seed`]: a scenario's `[seed]` (the fake's `SeedSpec`) built by the fake's content model and pushed into a real
//!   registry, ground truth in the fake's `Seeded` type.
//! - [`target`]: one matrix row of a real registry (built-in image, config-file image or live URL): how it is
//!   started, reached and named.
//! - [`fidelity`]: the probe set, run against any base URL, and the comparison of two runs;
//!   [`RealTarget::fidelity_against`] runs it for a real row and a fake at any base URL.

pub mod auth;
pub mod config;
pub mod docker;
pub mod docker_config;
pub mod fidelity;
pub mod http;
pub mod images;
pub mod launcher;
pub mod push;
pub mod seed;
pub mod target;
mod upload;

pub use config::{ImageEntry, LiveEntry, LiveRegistry, RealRegistriesConfig};
pub use docker::{DockerStatus, RunDecision, run_decision, sweep};
pub use fidelity::{
    Difference, FidelityError, FidelityReport, ProbeObservation, compare, fidelity_markdown,
    run_probes,
};
pub use launcher::{ContainerSpec, LaunchError, PullPolicy, RealRegistry, start_container};
pub use push::{PushClient, PushError, push_content};
pub use seed::{seed_spec_renamed, seed_spec_with};
pub use target::{Instance, Launch, RealTarget, TargetError};
