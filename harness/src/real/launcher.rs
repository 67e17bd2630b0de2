//! Starting a real registry in a container with testcontainers, from a locally built image.
//!
//! The container's port is published on 127.0.0.1 only (a random free host port), it carries the labels of
//! [`super::docker`], and it is removed when the [`RealRegistry`] is dropped. The first start in a process sweeps
//! labelled leftovers of earlier, crashed runs.

use std::time::Duration;

use testcontainers::bollard::models::PortBinding;
use testcontainers::core::{IntoContainerPort, WaitFor};
use testcontainers::runners::AsyncRunner;
use testcontainers::{ContainerAsync, GenericImage, ImageExt};
use tokio::sync::OnceCell;

use super::docker::{self, DockerError, LABEL_PID, LABEL_TEST};
use super::images::{self, ImageError, ReadyLog, RealRegistryKind};

/// How long a registry may take from container start to answering `GET /v2/`.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);

/// Failure to start a real registry.
#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    #[error(transparent)]
    Image(#[from] ImageError),
    #[error("sweeping leftover containers failed: {0}")]
    Sweep(#[from] DockerError),
    #[error("starting the {kind} container failed: {message}")]
    Start {
        kind: RealRegistryKind,
        message: String,
    },
    #[error("the {kind} container has no host port for {port}/tcp: {message}")]
    Port {
        kind: RealRegistryKind,
        port: u16,
        message: String,
    },
    #[error(
        "the {kind} registry at {base_url} did not answer GET /v2/ with 200 within {secs}s (last: {last})"
    )]
    NotReady {
        kind: RealRegistryKind,
        base_url: String,
        secs: u64,
        last: String,
    },
}

/// A real registry running in a container. Dropping it removes the container (inside a Tokio runtime, as
/// testcontainers requires).
pub struct RealRegistry {
    kind: RealRegistryKind,
    base_url: String,
    container: ContainerAsync<GenericImage>,
}

impl std::fmt::Debug for RealRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RealRegistry")
            .field("kind", &self.kind)
            .field("base_url", &self.base_url)
            .field("container", &self.container.id())
            .finish()
    }
}

impl RealRegistry {
    /// Which registry this is.
    pub fn kind(&self) -> RealRegistryKind {
        self.kind
    }

    /// `http://127.0.0.1:<port>`, no trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Docker container id.
    pub fn container_id(&self) -> &str {
        self.container.id()
    }

    /// Stops and removes the container now, reporting errors (dropping does the same, silently).
    pub async fn stop(self) -> Result<(), LaunchError> {
        let kind = self.kind;
        self.container.rm().await.map_err(|e| LaunchError::Start {
            kind,
            message: format!("removing the container: {e}"),
        })
    }
}

static SWEPT: OnceCell<Vec<String>> = OnceCell::const_new();

/// Sweeps labelled leftovers of dead processes, once per process. Returns the ids removed by that sweep.
pub async fn sweep_once() -> Result<&'static [String], DockerError> {
    SWEPT
        .get_or_try_init(|| async {
            let removed = docker::sweep().await?;
            if !removed.is_empty() {
                eprintln!(
                    "[real] removed {} leftover container(s) of earlier runs: {}",
                    removed.len(),
                    removed.join(", ")
                );
            }
            Ok(removed)
        })
        .await
        .map(Vec::as_slice)
}

/// Starts `kind` from its local image (building it first if it is missing; never pulling), waits until
/// `GET /v2/` answers 200, and returns it with its base URL.
pub async fn start_real_registry(kind: RealRegistryKind) -> Result<RealRegistry, LaunchError> {
    sweep_once().await?;
    images::ensure_image(kind).await?;

    let port = kind.container_port();
    let wait = match kind.ready_log() {
        ReadyLog::Stdout(m) => WaitFor::message_on_stdout(m),
        ReadyLog::Stderr(m) => WaitFor::message_on_stderr(m),
    };
    let port_key = format!("{port}/tcp");
    let request = GenericImage::new(kind.image_name(), kind.version())
        .with_exposed_port(port.tcp())
        .with_wait_for(wait)
        .with_label(LABEL_TEST, "1")
        .with_label(LABEL_PID, std::process::id().to_string())
        .with_startup_timeout(STARTUP_TIMEOUT)
        // Publish on loopback only, on a free port Docker picks.
        .with_host_config_modifier(move |host| {
            host.publish_all_ports = Some(false);
            host.port_bindings = Some(
                [(
                    port_key.clone(),
                    Some(vec![PortBinding {
                        host_ip: Some("127.0.0.1".into()),
                        host_port: Some(String::new()),
                    }]),
                )]
                .into_iter()
                .collect(),
            );
        });
    let container = request.start().await.map_err(|e| LaunchError::Start {
        kind,
        message: e.to_string(),
    })?;
    let host_port = container
        .get_host_port_ipv4(port.tcp())
        .await
        .map_err(|e| LaunchError::Port {
            kind,
            port,
            message: e.to_string(),
        })?;
    let registry = RealRegistry {
        kind,
        base_url: format!("http://127.0.0.1:{host_port}"),
        container,
    };
    wait_until_ready(&registry).await?;
    Ok(registry)
}

/// Polls `GET /v2/` until it answers 200 (the log line comes just before the listener accepts).
async fn wait_until_ready(registry: &RealRegistry) -> Result<(), LaunchError> {
    let client = super::http::client();
    let url = format!("{}/v2/", registry.base_url);
    let deadline = tokio::time::Instant::now() + STARTUP_TIMEOUT;
    let mut delay = Duration::from_millis(20);
    loop {
        let last = match client.get(&url).send().await {
            Ok(r) if r.status().as_u16() == 200 => return Ok(()),
            Ok(r) => format!("status {}", r.status()),
            Err(e) => e.to_string(),
        };
        if tokio::time::Instant::now() >= deadline {
            return Err(LaunchError::NotReady {
                kind: registry.kind,
                base_url: registry.base_url.clone(),
                secs: STARTUP_TIMEOUT.as_secs(),
                last,
            });
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_millis(500));
    }
}
