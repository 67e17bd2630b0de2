//! Starting a real registry in a container with testcontainers, from a locally built image.
//!
//! The container's port is published on 127.0.0.1 only (a random free host port), it carries the labels of
//! [`super::docker`], and it is removed when the [`RealRegistry`] is dropped. The first start in a process sweeps
//! labelled leftovers of earlier, crashed runs.

use std::collections::BTreeMap;
use std::time::Duration;

use testcontainers::bollard::models::PortBinding;
use testcontainers::core::{IntoContainerPort, WaitFor};
use testcontainers::runners::AsyncRunner;
use testcontainers::{ContainerAsync, GenericImage, ImageExt};
use tokio::sync::OnceCell;

use super::docker::{self, DockerError, LABEL_PID, LABEL_PID_START, LABEL_TEST};
use super::images::{self, ImageError};

/// How long a registry may take from container start to answering `GET /v2/`.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);

/// Failure to start a real registry.
#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    #[error(transparent)]
    Image(#[from] ImageError),
    #[error("sweeping leftover containers failed: {0}")]
    Sweep(#[from] DockerError),
    #[error("image {image} for {registry} is not present locally and its pull policy is `never`")]
    ImageMissing { registry: String, image: String },
    #[error("starting the {registry} container failed: {message}")]
    Start { registry: String, message: String },
    #[error("the {registry} container has no host port for {port}/tcp: {message}")]
    Port {
        registry: String,
        port: u16,
        message: String,
    },
    #[error(
        "the {registry} registry at {base_url} did not answer GET /v2/ with 200 or 401 within {secs}s (last: {last})"
    )]
    NotReady {
        registry: String,
        base_url: String,
        secs: u64,
        last: String,
    },
}

/// Whether testcontainers may pull an image that is not present locally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PullPolicy {
    /// Never pull: a missing image is an error (the project's own images; this machine has no registry).
    Never,
    /// Pull when missing (testcontainers pulls only when creating the container answers 404).
    #[default]
    Missing,
}

/// Which output stream a readiness log line appears on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LogStream {
    Stdout,
    Stderr,
}

/// Everything needed to start one registry container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerSpec {
    /// Row label, e.g. "Distribution 2.8.2 (real, container)".
    pub label: String,
    /// Image repository, e.g. `registry` or `oci-referrers/distribution`.
    pub image: String,
    /// Image tag.
    pub tag: String,
    /// Container port the registry listens on (published on 127.0.0.1, on a free host port).
    pub port: u16,
    pub env: BTreeMap<String, String>,
    /// Overrides the image's command when not empty.
    pub cmd: Vec<String>,
    /// Log line to wait for before polling `GET /v2/` (which is always done).
    pub wait_log: Option<(LogStream, String)>,
    pub pull: PullPolicy,
}

impl ContainerSpec {
    /// `image:tag`.
    pub fn image_ref(&self) -> String {
        format!("{}:{}", self.image, self.tag)
    }
}

/// A real registry running in a container. Dropping it removes the container (inside a Tokio runtime, as
/// testcontainers requires).
pub struct RealRegistry {
    label: String,
    base_url: String,
    container: ContainerAsync<GenericImage>,
}

impl std::fmt::Debug for RealRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RealRegistry")
            .field("label", &self.label)
            .field("base_url", &self.base_url)
            .field("container", &self.container.id())
            .finish()
    }
}

impl RealRegistry {
    /// Row label, e.g. "Distribution 2.8.2 (real, container)".
    pub fn label(&self) -> &str {
        &self.label
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
        let registry = self.label.clone();
        self.container.rm().await.map_err(|e| LaunchError::Start {
            registry,
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

/// Starts any registry image: labelled, published on loopback only, pulled only if missing and allowed, ready
/// when its log line appeared and `GET /v2/` answers 200 or 401.
pub async fn start_container(spec: &ContainerSpec) -> Result<RealRegistry, LaunchError> {
    sweep_once().await?;
    if spec.pull == PullPolicy::Never && !images::image_ref_exists(&spec.image_ref()).await? {
        return Err(LaunchError::ImageMissing {
            registry: spec.label.clone(),
            image: spec.image_ref(),
        });
    }
    let port = spec.port;
    let port_key = format!("{port}/tcp");
    let mut request =
        GenericImage::new(spec.image.clone(), spec.tag.clone()).with_exposed_port(port.tcp());
    if let Some((stream, message)) = &spec.wait_log {
        request = request.with_wait_for(match stream {
            LogStream::Stdout => WaitFor::message_on_stdout(message.clone()),
            LogStream::Stderr => WaitFor::message_on_stderr(message.clone()),
        });
    }
    let mut request = request
        .with_label(LABEL_TEST, "1")
        .with_label(LABEL_PID, std::process::id().to_string())
        .with_label(LABEL_PID_START, docker::own_start_token())
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
    for (k, v) in &spec.env {
        request = request.with_env_var(k.clone(), v.clone());
    }
    if !spec.cmd.is_empty() {
        request = request.with_cmd(spec.cmd.clone());
    }
    let container = request.start().await.map_err(|e| LaunchError::Start {
        registry: spec.label.clone(),
        message: e.to_string(),
    })?;
    let host_port = container
        .get_host_port_ipv4(port.tcp())
        .await
        .map_err(|e| LaunchError::Port {
            registry: spec.label.clone(),
            port,
            message: e.to_string(),
        })?;
    let registry = RealRegistry {
        label: spec.label.clone(),
        base_url: format!("http://127.0.0.1:{host_port}"),
        container,
    };
    wait_until_ready(&registry).await?;
    Ok(registry)
}

/// Polls `GET /v2/` until it answers 200, or 401 for a registry that wants auth (the log line comes just before
/// the listener accepts).
async fn wait_until_ready(registry: &RealRegistry) -> Result<(), LaunchError> {
    let client = super::http::client();
    let url = format!("{}/v2/", registry.base_url);
    let deadline = tokio::time::Instant::now() + STARTUP_TIMEOUT;
    let mut delay = Duration::from_millis(20);
    loop {
        let last = match client.get(&url).send().await {
            Ok(r) if matches!(r.status().as_u16(), 200 | 401) => return Ok(()),
            Ok(r) => format!("status {}", r.status()),
            Err(e) => e.to_string(),
        };
        if tokio::time::Instant::now() >= deadline {
            return Err(LaunchError::NotReady {
                registry: registry.label.clone(),
                base_url: registry.base_url.clone(),
                secs: STARTUP_TIMEOUT.as_secs(),
                last,
            });
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_millis(500));
    }
}
