//! Real registries started in containers (testcontainers), seeded through their own push API, and the fidelity
//! probe set that compares them with the fake profiles claiming to emulate them.
//!
//! - [`images`]: which real registries exist as locally built images (`images/build.sh`), never pulled.
//! - [`docker`]: is Docker there, the skip rule (`CI=true` turns a skip into a failure), the sweep of leftovers.
//! - [`launcher`]: [`start_real_registry`] → [`RealRegistry`] (base URL; container removed on drop).
//! - [`push`]: blobs, manifests with `subject`, the tag-schema fallback and cosign-style tags, with plain reqwest.
//! - [`fidelity`]: the probe set, run against any base URL, and the comparison of two runs.

pub mod docker;
pub mod fidelity;
pub mod http;
pub mod images;
pub mod launcher;
pub mod push;

pub use docker::{DockerStatus, RunDecision, run_decision, sweep};
pub use fidelity::{Difference, FidelityReport, ProbeObservation, compare, run_probes};
pub use images::RealRegistryKind;
pub use launcher::{LaunchError, RealRegistry, start_real_registry};
pub use push::{PushClient, PushError, SeedPlan, Seeded, seed};
