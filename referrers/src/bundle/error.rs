//! What can go wrong with a bundle: the findings of [`validate`](super::validate) (each a kind, the entry it
//! concerns and what was seen) and the errors that stop an export or a read.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// The kind of a problem found in a bundle, printed by this name in the human and the JSON output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum FindingKind {
    /// A referrer's bytes do not hash to its digest.
    ReferrerChecksumMismatch,
    /// A referrer's `subject` is not the subject whose folder it sits in.
    ReferrerSubjectMismatch,
    /// A subject's folder holds another number of referrers than `manifest.yaml` lists.
    ReferrerCountMismatch,
    /// A blob or manifest that something references is not in the bundle.
    BlobMissing,
    /// A blob or manifest does not hash to its name.
    BlobChecksumMismatch,
    /// The archive or an index file is not what the format says (names, entry types, sizes, JSON, YAML).
    MalformedBundle,
    /// `manifest.yaml` names a format version this code does not read.
    UnsupportedBundleVersion,
}

impl fmt::Display for FindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// One problem: its kind, the entry inside the bundle it concerns, and what was seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// What kind of problem.
    pub kind: FindingKind,
    /// The entry concerned (`referrers/sha256-…/sha256-….json`, `blobs/sha256/…`, `manifest.yaml`).
    pub entry: String,
    /// What was seen.
    pub message: String,
}

impl Finding {
    /// A finding of `kind` about `entry`.
    pub fn new(kind: FindingKind, entry: impl Into<String>, message: impl Into<String>) -> Finding {
        Finding {
            kind,
            entry: entry.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.kind, self.entry, self.message)
    }
}

/// An error that stops reading or writing a bundle.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// The file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The bundle's path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The archive breaks the format's rules (a [`FindingKind::MalformedBundle`] that ends the read).
    #[error("{0}")]
    Malformed(Finding),
}

impl BundleError {
    pub(super) fn io(path: &Path, source: std::io::Error) -> BundleError {
        BundleError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    pub(super) fn malformed(entry: &str, message: impl Into<String>) -> BundleError {
        BundleError::Malformed(Finding::new(FindingKind::MalformedBundle, entry, message))
    }
}
