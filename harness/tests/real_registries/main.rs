//! Real registries in containers (locally built images, started by testcontainers): start, seed through the push
//! API, read back, fidelity probes, whole rows, and cleanup. One test binary, one module per topic.
//!
//! Where Docker is absent these tests print why and return; under `CI=true` an absent Docker fails them.

mod containers;
mod fidelity;
mod rows;
mod seeded;
mod support;
