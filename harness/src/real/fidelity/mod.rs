//! The fidelity probe set: the same fixed requests sent to a real registry and to the fake profile that claims to
//! emulate it, and the comparison of what each answered.
//!
//! [`run_probes`] works against any base URL (a container, a fake, a live registry): it first pushes a small,
//! deterministic image and two referrers into [`PROBE_REPO`] through the push API (the seed model's bytes, so
//! identical digests, everywhere), then sends the probes. Each answer is reduced to an [`ProbeObservation`]: status,
//! `Content-Type`, the key headers (normalised: host stripped from URLs), and the body's *shape* (error codes, index
//! entries by artifactType, tag names, the digest of a manifest body) rather than its bytes. [`compare()`] lists every
//! difference and gives the fidelity figure: the share of probes whose every aspect matches.
//!
//! - [`probes`]: the probe content and the probe set, in order.
//! - [`observe`]: what each probe records ([`ProbeObservation`], [`body_shape`], the key headers).
//! - [`compare`](mod@compare): the comparison of two runs ([`FidelityReport`]) and its Markdown.
//!
//! Probe ids (stable; the matrix document shows them): see [`PROBE_IDS`].

pub mod compare;
pub mod observe;
pub mod probes;

pub use compare::{Difference, FidelityReport, compare};
pub use observe::{KEY_HEADERS, ProbeObservation, body_shape};
pub use probes::{probe_content, run_probes, run_probes_in, run_probes_with};

use super::push::PushError;

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

/// The probes, in the order they run.
pub const PROBE_IDS: [&str; 13] = [
    "ping",
    "push-with-subject",
    "manifest-head",
    "manifest-get-tag",
    "manifest-get-digest",
    "manifest-missing",
    "referrers",
    "referrers-filtered",
    "referrers-invalid-digest",
    "referrers-missing-subject",
    "referrers-missing-repository",
    "tags-list",
    "blob-head",
];

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

/// Runs the probe set against `reference_url` (the real registry) and `candidate_url` (the fake), then compares.
pub async fn fidelity(
    reference_label: &str,
    reference_url: &str,
    candidate_label: &str,
    candidate_url: &str,
) -> Result<FidelityReport, ProbeError> {
    let reference = run_probes(reference_url).await?;
    let candidate = run_probes(candidate_url).await?;
    Ok(compare(
        reference_label,
        &reference,
        candidate_label,
        &candidate,
    ))
}
