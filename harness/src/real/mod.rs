//! Real registries started in containers (testcontainers), and the fidelity probe set.
