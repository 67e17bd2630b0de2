//! The images the project builds locally (`images/<name>/`: a recipe and a Dockerfile, built by `images/build.sh`),
//! and making sure one exists before a container is started from it, so testcontainers never tries to pull (it
//! pulls only when create answers 404).

use std::path::PathBuf;
use std::process::Command;

use testcontainers::bollard::errors::Error as BollardError;

use super::docker::{DockerError, client};

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
        name: String,
        status: String,
    },
    #[error("image {image} still missing after `{script} {name}`")]
    StillMissing {
        image: String,
        script: String,
        name: String,
    },
}

/// Path of `images/build.sh` in this source tree.
pub fn build_script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("images")
        .join("build.sh")
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

/// Makes sure `image` (`name:tag`) exists locally: when it does not, runs `images/build.sh <build>` (cached; a
/// crate's first build compiles it, a minute or two). Never pulls.
pub async fn ensure_image(build: &str, image: &str) -> Result<(), ImageError> {
    if image_ref_exists(image).await? {
        return Ok(());
    }
    // One build at a time in this process: parallel tests must not run two `cargo install`s into one root.
    static BUILD: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let _guard = BUILD.lock().await;
    if image_ref_exists(image).await? {
        return Ok(());
    }
    let script = build_script();
    let script_text = script.display().to_string();
    eprintln!("[real] image {image} missing: building it with {script_text} {build}");
    let name = build.to_string();
    let arg = name.clone();
    let spawn_error = |message: String| ImageError::BuildSpawn {
        image: image.to_string(),
        script: script_text.clone(),
        message,
    };
    let status =
        tokio::task::spawn_blocking(move || Command::new("bash").arg(&script).arg(arg).status())
            .await
            .map_err(|e| spawn_error(e.to_string()))?
            .map_err(|e| spawn_error(e.to_string()))?;
    if !status.success() {
        return Err(ImageError::BuildFailed {
            image: image.to_string(),
            script: script_text,
            name,
            status: status.to_string(),
        });
    }
    if !image_ref_exists(image).await? {
        return Err(ImageError::StillMissing {
            image: image.to_string(),
            script: script_text,
            name,
        });
    }
    Ok(())
}
