//! Whether Docker is there, what to do when it is not, and the sweep of labelled leftovers.
//!
//! Every container this module family starts carries [`LABEL_TEST`]`=1` and [`LABEL_PID`]`=<pid of the process that
//! started it>`. A container is removed when its [`super::RealRegistry`] is dropped (pass or fail: drop runs while a
//! failing test unwinds); a process killed before that leaves containers behind, and the next run's [`sweep`] removes
//! every labelled container whose owner process is gone.

use std::collections::HashMap;
use std::time::Duration;

use testcontainers::bollard::Docker;
use testcontainers::bollard::query_parameters::{ListContainersOptions, RemoveContainerOptions};
use testcontainers::core::client::docker_client_instance;

/// Label every container started here carries (value `1`); `docker ps -a --filter label=...` lists them.
pub const LABEL_TEST: &str = "io.oci-referrers-compat.test";
/// Label naming the process id that started the container, so a sweep spares containers of live runs.
pub const LABEL_PID: &str = "io.oci-referrers-compat.pid";
/// Label with that process's start time (from `/proc/<pid>/stat`), so a reused pid is not taken for the owner.
pub const LABEL_PID_START: &str = "io.oci-referrers-compat.pid-start";

/// How long the Docker ping may take before Docker counts as absent.
const PING_TIMEOUT: Duration = Duration::from_secs(10);

/// Whether Docker answers, and if not why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DockerStatus {
    /// The engine answered `/_ping`.
    Available,
    /// No engine to talk to; the text says why (for the skip message).
    Absent(String),
}

/// What a container test should do, given [`DockerStatus`] and the `CI` environment variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunDecision {
    /// Docker is there: run.
    Run,
    /// Docker is absent outside CI: skip, printing the reason.
    Skip(String),
    /// Docker is absent under `CI=true`: the container tests must run in CI, so this is a failure.
    Fail(String),
}

/// Failure of a Docker API call made directly (not through a testcontainers runner).
#[derive(Debug, thiserror::Error)]
pub enum DockerError {
    #[error("cannot create a Docker client: {0}")]
    Client(String),
    #[error("Docker API call `{call}` failed: {message}")]
    Api { call: &'static str, message: String },
}

/// The Docker client testcontainers itself uses (same `DOCKER_HOST` resolution).
pub(crate) async fn client() -> Result<Docker, DockerError> {
    docker_client_instance()
        .await
        .map_err(|e| DockerError::Client(e.to_string()))
}

/// Pings the engine through testcontainers' client.
pub async fn docker_status() -> DockerStatus {
    let docker = match client().await {
        Ok(d) => d,
        Err(e) => return DockerStatus::Absent(e.to_string()),
    };
    match tokio::time::timeout(PING_TIMEOUT, docker.ping()).await {
        Ok(Ok(_)) => DockerStatus::Available,
        Ok(Err(e)) => DockerStatus::Absent(format!("Docker engine did not answer /_ping: {e}")),
        Err(_) => DockerStatus::Absent(format!(
            "Docker engine did not answer /_ping within {}s",
            PING_TIMEOUT.as_secs()
        )),
    }
}

/// The skip rule: run where Docker is present; where it is absent, skip with a reason, except under `CI=true`
/// where a skipped container test is a failure.
pub fn decide(status: &DockerStatus, ci: bool) -> RunDecision {
    match status {
        DockerStatus::Available => RunDecision::Run,
        DockerStatus::Absent(why) if ci => RunDecision::Fail(format!(
            "CI=true but Docker is not available ({why}); the real-registry container tests must run in CI"
        )),
        DockerStatus::Absent(why) => RunDecision::Skip(format!(
            "real-registry container tests skipped: Docker is not available ({why})"
        )),
    }
}

/// `true` when the environment variable `CI` is `true` or `1` (case-insensitive).
pub fn ci_from_env() -> bool {
    std::env::var("CI")
        .map(|v| v.eq_ignore_ascii_case("true") || v == "1")
        .unwrap_or(false)
}

/// [`docker_status`] + [`decide`] with `CI` from the environment.
pub async fn run_decision() -> RunDecision {
    decide(&docker_status().await, ci_from_env())
}

/// `(state, starttime)` of a process from `/proc/<pid>/stat` (Linux), `None` when there is no such process.
/// `starttime` (field 22, clock ticks since boot) tells a process from a later one that reused its pid.
fn proc_stat(pid: u32) -> Option<(String, String)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces: fields 3.. follow the last ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    Some((fields.first()?.to_string(), fields.get(19)?.to_string()))
}

/// This process's start time token for [`LABEL_PID_START`] (empty where `/proc` is not there).
pub fn own_start_token() -> String {
    proc_stat(std::process::id())
        .map(|(_, start)| start)
        .unwrap_or_default()
}

/// Is the process that started a container still running? Dead, a zombie, or a different process that reused
/// the pid (start time differs from the label) all count as gone. Where `/proc` is missing (not Linux), every
/// owner counts as alive, so the sweep only removes containers without an owner label.
fn owner_alive(pid: u32, start_token: Option<&str>) -> bool {
    if !cfg!(target_os = "linux") {
        return true;
    }
    match proc_stat(pid) {
        None => false,
        Some((state, start)) => {
            !matches!(state.as_str(), "Z" | "X" | "x")
                && start_token.is_none_or(|t| t.is_empty() || t == start)
        }
    }
}

/// Removes (force, with anonymous volumes) every container labelled [`LABEL_TEST`] whose owner process
/// ([`LABEL_PID`]) is no longer running, or that has no owner label. Returns the ids removed.
pub async fn sweep() -> Result<Vec<String>, DockerError> {
    let docker = client().await?;
    let filters = HashMap::from([("label".to_string(), vec![format!("{LABEL_TEST}=1")])]);
    let listed = docker
        .list_containers(Some(ListContainersOptions {
            all: true,
            filters: Some(filters),
            ..Default::default()
        }))
        .await
        .map_err(|e| DockerError::Api {
            call: "list containers",
            message: e.to_string(),
        })?;
    let me = std::process::id();
    let mut removed = Vec::new();
    for summary in listed {
        let Some(id) = summary.id else { continue };
        let labels = summary.labels.as_ref();
        let owner = labels
            .and_then(|l| l.get(LABEL_PID))
            .and_then(|p| p.parse::<u32>().ok());
        let start = labels
            .and_then(|l| l.get(LABEL_PID_START))
            .map(String::as_str);
        let stale = match owner {
            Some(pid) => pid != me && !owner_alive(pid, start),
            None => true,
        };
        if !stale {
            continue;
        }
        docker
            .remove_container(
                &id,
                Some(RemoveContainerOptions {
                    force: true,
                    v: true,
                    ..Default::default()
                }),
            )
            .await
            .map_err(|e| DockerError::Api {
                call: "remove container",
                message: e.to_string(),
            })?;
        removed.push(id);
    }
    Ok(removed)
}

/// Ids of the labelled containers (running or not) that this process started and that still exist.
pub async fn own_containers() -> Result<Vec<String>, DockerError> {
    containers_of(std::process::id()).await
}

/// Ids of the labelled containers (running or not) that process `pid` started and that still exist (e.g. a
/// `harness matrix --real` child of a test, after it ended).
pub async fn containers_of(pid: u32) -> Result<Vec<String>, DockerError> {
    let docker = client().await?;
    let filters = HashMap::from([(
        "label".to_string(),
        vec![format!("{LABEL_TEST}=1"), format!("{LABEL_PID}={pid}")],
    )]);
    let listed = docker
        .list_containers(Some(ListContainersOptions {
            all: true,
            filters: Some(filters),
            ..Default::default()
        }))
        .await
        .map_err(|e| DockerError::Api {
            call: "list containers",
            message: e.to_string(),
        })?;
    Ok(listed.into_iter().filter_map(|s| s.id).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_docker_skips_outside_ci_and_fails_in_ci() {
        let absent = DockerStatus::Absent("no socket".into());
        assert!(matches!(decide(&absent, false), RunDecision::Skip(r) if r.contains("no socket")));
        assert!(matches!(decide(&absent, true), RunDecision::Fail(r) if r.contains("CI=true")));
        assert_eq!(decide(&DockerStatus::Available, true), RunDecision::Run);
        assert_eq!(decide(&DockerStatus::Available, false), RunDecision::Run);
    }

    #[test]
    fn own_process_is_alive_and_a_reused_pid_is_not() {
        let me = std::process::id();
        let token = own_start_token();
        assert!(!token.is_empty());
        assert!(owner_alive(me, Some(&token)));
        assert!(owner_alive(me, None));
        assert!(!owner_alive(me, Some("not-my-start-time")));
        // Above the kernel's largest pid_max (2^22).
        assert!(!owner_alive(4_194_305, None));
    }
}
