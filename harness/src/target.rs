//! What serves a cell. The runner runs every cell through one path; a [`Target`] supplies what differs between a
//! fake profile and a real registry: whether a scenario can run there, a fresh (or namespaced) registry seeded with
//! the scenario's content, the credentials it accepts, and, where it keeps one, its request log.
//!
//! Two implementations: [`crate::fake_target::FakeTarget`] (an embedded fake registry per cell) and
//! [`crate::real::RealTarget`] (a container per cell, or a live registry in fresh repositories).

use std::future::Future;
use std::time::Duration;

use fake_registry::{Profile, Seeded};

use crate::scenario::Scenario;
use crate::wire::WireLog;

/// A user name and password a registry accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserPass {
    pub username: String,
    pub password: String,
}

impl UserPass {
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> UserPass {
        UserPass {
            username: username.into(),
            password: password.into(),
        }
    }
}

/// Reads a registry's request log (targets that keep one).
pub trait RequestLog: Send + Sync {
    /// Forgets what was logged so far (the seeding) and the in-flight peak.
    fn clear(&self);
    /// What was logged since the last [`RequestLog::clear`].
    fn read(&self) -> WireLog;
}

/// A registry ready for one cell: reachable at `base_url`, holding the scenario's content.
pub struct Served {
    /// `scheme://host:port` of the registry.
    pub base_url: String,
    /// The ground truth of what was seeded, repositories named as they were pushed.
    pub seeded: Seeded,
    /// The credentials the registry accepts (`None`: it is open).
    pub accepted: Option<UserPass>,
    /// The registry's request log, where it keeps one.
    pub log: Option<Box<dyn RequestLog>>,
    /// Whatever keeps the registry alive for the cell (a fake's handle, a container); dropped after the cell.
    pub keep_alive: Box<dyn Send>,
}

/// Why a target could not serve a cell.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServeError {
    /// The registry cannot hold the scenario's content (it refuses a manifest the seed needs): the cell is a skip
    /// with this reason, not a failure of the code under test or of the harness.
    #[error("{0}")]
    Unsupported(String),
    /// The registry did not start or could not be seeded: the cell is an error.
    #[error("{0}")]
    Failed(String),
}

/// Something that can serve cells: one row of the matrix.
pub trait Target: Send + Sync {
    /// The row's name: the `<row>` of `<row>/<scenario>` cell ids.
    fn row(&self) -> &str;

    /// The fake profile whose declarations give a scenario's `declared` expectations (for a fake row, its own).
    fn counterpart(&self) -> Profile;

    /// Why `scenario` cannot run on this row, or `None` when it can.
    fn skip_reason(&self, scenario: &Scenario) -> Option<String>;

    /// The most the operation may take before the cell is an error (the harness's guard, not the client's budget).
    fn guard(&self, scenario: &Scenario) -> Duration {
        Duration::from_secs(scenario.operation_seconds() * 3 + 10)
    }

    /// A registry for one cell of `scenario`, seeded with its content.
    fn serve(&self, scenario: &Scenario)
    -> impl Future<Output = Result<Served, ServeError>> + Send;
}
