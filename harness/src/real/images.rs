//! The real registries the project builds as local images (`images/`), and making sure an image exists before a
//! container is started from it, so testcontainers never tries to pull (it pulls only when create answers 404).

use std::path::PathBuf;
use std::process::Command;

use testcontainers::bollard::errors::Error as BollardError;

use super::docker::{DockerError, client};

/// A real registry this project can start in a container from a locally built image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RealRegistryKind {
    /// CNCF Distribution 2.8.2 from Debian's `docker-registry` package: no referrers API.
    Distribution,
    /// ferro-oci-server 1.0.0 from crates.io: implements the OCI 1.1 referrers API.
    FerroOciServer,
}

/// How a container signals it is ready, matched against its log output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadyLog {
    Stdout(&'static str),
    Stderr(&'static str),
}

impl RealRegistryKind {
    /// Every kind, in matrix row order.
    pub const ALL: [RealRegistryKind; 2] = [
        RealRegistryKind::Distribution,
        RealRegistryKind::FerroOciServer,
    ];

    /// Short name, as `images/build.sh` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Distribution => "distribution",
            Self::FerroOciServer => "ferro-oci-server",
        }
    }

    /// Image repository (local only, never pulled).
    pub fn image_name(self) -> &'static str {
        match self {
            Self::Distribution => "oci-referrers/distribution",
            Self::FerroOciServer => "oci-referrers/ferro-oci-server",
        }
    }

    /// The registry's version, which is also the image tag.
    pub fn version(self) -> &'static str {
        match self {
            Self::Distribution => "2.8.2",
            Self::FerroOciServer => "1.0.0",
        }
    }

    /// `name:tag` of the local image.
    pub fn image_ref(self) -> String {
        format!("{}:{}", self.image_name(), self.version())
    }

    /// The matrix row label, e.g. "Distribution 2.8.2 (real, container)".
    pub fn row_label(self) -> String {
        match self {
            Self::Distribution => format!("Distribution {} (real, container)", self.version()),
            Self::FerroOciServer => {
                format!("ferro-oci-server {} (real, container)", self.version())
            }
        }
    }

    /// The fake-registry profile that claims to emulate this registry (compared by the fidelity probes):
    /// `distribution-2.8`, and `ferro-oci-server-1.0`, written from ferro-oci-server's source (the spec-exact
    /// `oci-1.1` differs from ferro where ferro departs from the spec, e.g. 200 for a missing repository).
    pub fn counterpart(self) -> fake_registry::Profile {
        match self {
            Self::Distribution => fake_registry::Profile::DISTRIBUTION_2_8,
            Self::FerroOciServer => fake_registry::Profile::FERRO_OCI_SERVER_1_0,
        }
    }

    /// The name of [`Self::counterpart`].
    pub fn fake_profile(self) -> &'static str {
        match self {
            Self::Distribution => "distribution-2.8",
            Self::FerroOciServer => "ferro-oci-server-1.0",
        }
    }

    /// Container port the registry listens on.
    pub fn container_port(self) -> u16 {
        5000
    }

    /// Log line that says the registry is listening.
    pub fn ready_log(self) -> ReadyLog {
        match self {
            // logrus to stderr: `level=info msg="listening on [::]:5000" ...`
            Self::Distribution => ReadyLog::Stderr("listening on"),
            // tracing-subscriber fmt to stdout: `INFO ferro_oci_server::serve: listening addr=0.0.0.0:5000`
            Self::FerroOciServer => ReadyLog::Stdout("listening"),
        }
    }

    /// Whether the registry serves `GET /v2/<name>/referrers/<digest>` (OCI 1.1).
    pub fn has_referrers_api(self) -> bool {
        matches!(self, Self::FerroOciServer)
    }
}

impl std::fmt::Display for RealRegistryKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Failure to have the image locally.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    #[error(transparent)]
    Docker(#[from] DockerError),
    #[error("image {image} is missing and `{script}` could not run: {message}")]
    BuildSpawn {
        image: String,
        script: String,
        message: String,
    },
    #[error("image {image} is missing and `{script} {name}` failed ({status}); run .ci/images.sh")]
    BuildFailed {
        image: String,
        script: String,
        name: &'static str,
        status: String,
    },
    #[error("image {image} still missing after `{script} {name}`")]
    StillMissing {
        image: String,
        script: String,
        name: &'static str,
    },
}

/// Path of `images/build.sh` in this source tree.
pub fn build_script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("images")
        .join("build.sh")
}

/// Whether the image exists locally.
pub async fn image_exists(kind: RealRegistryKind) -> Result<bool, DockerError> {
    image_ref_exists(&kind.image_ref()).await
}

/// Whether an image (`name:tag`) exists locally.
pub async fn image_ref_exists(image_ref: &str) -> Result<bool, DockerError> {
    let docker = client().await?;
    match docker.inspect_image(image_ref).await {
        Ok(_) => Ok(true),
        Err(BollardError::DockerResponseServerError {
            status_code: 404, ..
        }) => Ok(false),
        Err(e) => Err(DockerError::Api {
            call: "inspect image",
            message: e.to_string(),
        }),
    }
}

/// Makes sure the image exists locally: when it does not, runs `images/build.sh <name>` (cached; the first
/// ferro-oci-server build compiles it, a couple of minutes). Never pulls.
pub async fn ensure_image(kind: RealRegistryKind) -> Result<(), ImageError> {
    if image_exists(kind).await? {
        return Ok(());
    }
    // One build at a time in this process: parallel tests must not run two `cargo install`s into one root.
    static BUILD: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let _guard = BUILD.lock().await;
    if image_exists(kind).await? {
        return Ok(());
    }
    let script = build_script();
    let script_text = script.display().to_string();
    eprintln!(
        "[real] image {} missing: building it with {script_text} {}",
        kind.image_ref(),
        kind.name()
    );
    let name = kind.name();
    let status =
        tokio::task::spawn_blocking(move || Command::new("bash").arg(&script).arg(name).status())
            .await
            .map_err(|e| ImageError::BuildSpawn {
                image: kind.image_ref(),
                script: script_text.clone(),
                message: e.to_string(),
            })?
            .map_err(|e| ImageError::BuildSpawn {
                image: kind.image_ref(),
                script: script_text.clone(),
                message: e.to_string(),
            })?;
    if !status.success() {
        return Err(ImageError::BuildFailed {
            image: kind.image_ref(),
            script: script_text,
            name,
            status: status.to_string(),
        });
    }
    if !image_exists(kind).await? {
        return Err(ImageError::StillMissing {
            image: kind.image_ref(),
            script: script_text,
            name,
        });
    }
    Ok(())
}
