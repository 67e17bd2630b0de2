//! The fidelity probe set: the same fixed requests sent to a real registry and to the fake profile that claims to
//! emulate it, and the comparison of what each answered.
//!
//! [`run_probes`] works against any base URL (a container, a fake, a live registry): it first pushes a small,
//! deterministic image and two referrers into [`PROBE_REPO`] through the push API (the seed model's bytes, so
//! identical digests, everywhere), then sends the probes. Each recorded answer is reduced to an [`ProbeObservation`]: status,
//! `Content-Type`, the key headers (normalised: host stripped from URLs), and the body's *shape* (error codes, index
//! entries by artifactType, tag names, the digest of a manifest body) rather than its bytes. [`compare()`] lists every
//! difference and gives the fidelity figure: the share of probes whose every aspect matches.
//!
//! - [`set`](probe_ids): the set's names (repositories, tag, artifact types, probe ids) and its error.
//! - [`catalog`]: every probe as a small named value (a short script of requests), written from the spec.
//! - [`script`]: runs the catalog: templates, bodies, upload locations, what is recorded.
//! - [`probes`]: the probe content pushed first, then the catalog in order.
//! - [`observe`]: what each probe records ([`ProbeObservation`], [`body_shape`], the key headers).
//! - [`compare`](mod@compare): the comparison of two runs ([`FidelityReport`]) and its Markdown.
//!
//! Probe ids (stable; the matrix document shows them): see [`probe_ids`]. A probe with several recorded steps
//! records each as `<probe id>/<step>`; a probe matches when all its steps do.

pub mod catalog;
pub mod compare;
pub mod gaps;
pub mod observe;
pub mod probes;
pub mod script;
mod set;

pub use compare::{Difference, FidelityReport, compare, fidelity_markdown};
pub use gaps::FidelityGap;
pub use observe::{KEY_HEADERS, ProbeObservation, body_shape};
pub use probes::{probe_content, run_probes, run_probes_in, run_probes_with};
pub use set::{
    FidelityError, MISSING_REPO, PROBE_REPO, PROBE_TAG, ProbeError, SBOM_TYPE, SIG_TYPE, probe_ids,
};

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
