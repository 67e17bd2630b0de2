//! What names the probe set: the repositories, tag and artifact types it uses, the probe ids in order, and its
//! error.

use crate::real::push::PushError;

/// Repository the probes push into and query.
pub const PROBE_REPO: &str = "fidelity/probe";
/// Repository that is never pushed to.
pub const MISSING_REPO: &str = "fidelity/never-pushed";
/// Tag of the probe subject.
pub const PROBE_TAG: &str = "v1";
/// artifactType of the first probe referrer (used by the filter probe).
pub const SBOM_TYPE: &str = "application/vnd.cyclonedx+json";
/// artifactType of the second probe referrer.
pub const SIG_TYPE: &str = "application/vnd.dev.cosign.artifact.sig.v1+json";

/// The probe ids, in the order they run (the catalog's; the matrix document shows them).
pub fn probe_ids() -> Vec<&'static str> {
    super::catalog::catalog()
        .into_iter()
        .map(|p| p.id)
        .collect()
}

/// Failure to run the probe set (a transport failure or a failed preparation push; an odd *answer* is data).
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error("probe {probe}: request to {url} failed: {message}")]
    Transport {
        probe: &'static str,
        url: String,
        message: String,
    },
    #[error("probe {probe}: {source}")]
    Send {
        probe: &'static str,
        source: PushError,
    },
    #[error("preparing the probe content failed: {0}")]
    Prepare(#[from] PushError),
}

impl ProbeError {
    /// A push failure during preparation that is not the registry's answer (a transport failure) ends the run; a
    /// refusal is what the next recorded step shows.
    pub fn unless_refusal(probe: &'static str, e: PushError) -> Result<(), ProbeError> {
        match e {
            PushError::Transport { .. } | PushError::Auth { .. } => {
                Err(ProbeError::Send { probe, source: e })
            }
            _ => Ok(()),
        }
    }
}

/// Failure to measure a fake's fidelity against a real registry (`crate::real::measure_fidelity`, `RealTarget::fidelity`).
#[derive(Debug, thiserror::Error)]
pub enum FidelityError {
    #[error(transparent)]
    Launch(#[from] crate::real::launcher::LaunchError),
    #[error(transparent)]
    Probe(#[from] ProbeError),
    #[error("starting the fake registry failed: {0}")]
    Fake(String),
}
