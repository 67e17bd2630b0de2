//! What one subject's discovery accumulates: the referrers found, merged by digest through a table of their
//! positions, the partial failures, and the notes.

use hashbrown::HashTable;
use std::hash::{BuildHasher, RandomState};

use super::sources::join_source;
use super::types::{DiscoveryError, Referrer};
use crate::error_kind::ErrorKind;
use crate::http::HttpError;
use crate::spec::Descriptor;

/// What one subject's discovery accumulates.
#[derive(Debug, Default)]
pub(super) struct Acc {
    pub referrers: Vec<Referrer>,
    /// (hash of the digest, position in `referrers`), found by digest, so merging a page of n descriptors costs
    /// O(n), not O(n × found). A table of positions rather than a map keyed by a copy of each digest; the hash is
    /// kept so that growing the table does not hash every digest again.
    positions: HashTable<(u64, usize)>,
    /// SipHash with per-process random keys: digests come from the registry.
    hasher: RandomState,
    pub errors: Vec<DiscoveryError>,
    pub notes: Vec<String>,
    pub incomplete: bool,
}

impl Acc {
    pub fn err(&mut self, kind: ErrorKind, message: String) {
        self.incomplete = true;
        self.errors.push(DiscoveryError {
            kind,
            message,
            digest: None,
        });
    }
    pub fn err_digest(&mut self, kind: ErrorKind, message: String, digest: &str) {
        self.incomplete = true;
        self.errors.push(DiscoveryError {
            kind,
            message,
            digest: Some(digest.into()),
        });
    }
    pub fn http(&mut self, e: &HttpError, during: &str) {
        self.err(e.kind(), format!("{during}: {e}"));
    }
    pub fn note(&mut self, n: String) {
        if !self.notes.contains(&n) {
            self.notes.push(n);
        }
    }
    /// Room for `n` more referrers (a page about to be added), so the digest index grows once per page.
    pub fn reserve(&mut self, n: usize) {
        self.referrers.reserve(n);
        self.positions.reserve(n, |&(h, _)| h);
    }
    /// Add a descriptor found by `source` (one of [`SOURCES`](super::sources::SOURCES)), merging by digest; returns
    /// true when it was new.
    pub fn add(&mut self, d: Descriptor, source: &str) -> bool {
        let hash = self.hasher.hash_one(d.digest.as_str());
        let referrers = &mut self.referrers;
        if let Some(&(_, i)) = self
            .positions
            .find(hash, |&(h, i)| h == hash && referrers[i].digest == d.digest)
        {
            let r = &mut referrers[i];
            r.source = join_source(r.source, source);
            if r.artifact_type.is_none() {
                r.artifact_type = d.artifact_type;
            }
            for (k, v) in d.annotations {
                r.annotations.entry(k).or_insert(v);
            }
            return false;
        }
        self.positions
            .insert_unique(hash, (hash, referrers.len()), |&(h, _)| h);
        referrers.push(Referrer {
            digest: d.digest,
            media_type: d.media_type,
            artifact_type: d.artifact_type,
            size: d.size,
            annotations: d.annotations,
            source: join_source("", source),
            sha256: None,
        });
        true
    }
}
