//! Mirror bundles: images with their referrers (SBOMs, signatures, attestations, VEX documents) exported into one
//! file for an air-gapped site, and validated there ([`format`] is the layout).
//!
//! - [`export()`]: subjects → bundle, through the discovery engine ([`crate::discovery::Discoverer`]).
//! - [`validate()`]: bundle → findings, each a [`FindingKind`] naming the entry concerned.
//!
//! The archive is untrusted input when read ([`archive`]): only regular files with relative names, bounded sizes
//! and counts, streamed.

pub mod archive;
mod error;
mod export;
pub mod format;
mod validate;

pub use archive::ArchiveLimits;
pub use error::{BundleError, Finding, FindingKind};
pub use export::{ExportOptions, ExportReport, ExportSource, export};
pub use validate::{ValidationReport, validate};
