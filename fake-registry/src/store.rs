//! The in-memory, content-addressed store: blobs and manifests by digest, tags, and the referrers index
//! per subject. One mutex guards everything, so every operation is atomic: 100 concurrent pushes of
//! referrers for one subject all end up listed (the mutex is never held across an `.await`).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};

use bytes::Bytes;
use serde::Serialize;

use crate::digest::sha256;

/// Media type and content of the OCI empty descriptor
/// ([image-spec manifest.md, "Guidance for an Empty Descriptor"](https://github.com/opencontainers/image-spec/blob/v1.1.1/manifest.md#guidance-for-an-empty-descriptor)).
pub const EMPTY_JSON_MEDIA_TYPE: &str = "application/vnd.oci.empty.v1+json";
/// Digest of `{}`.
pub const EMPTY_JSON_DIGEST: &str =
    "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

/// A descriptor as listed by the referrers API (image-spec descriptor.md).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Descriptor {
    /// Media type of the referrer manifest.
    #[serde(rename = "mediaType")]
    pub media_type: String,
    /// Digest of the referrer manifest.
    pub digest: String,
    /// Size of the referrer manifest in bytes.
    pub size: u64,
    /// `artifactType`, derived per the spec: the manifest's own, else its config media type.
    #[serde(rename = "artifactType", skip_serializing_if = "Option::is_none")]
    pub artifact_type: Option<String>,
    /// The referrer manifest's annotations, copied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
    /// The manifest's config media type (not listed; used by profiles that derive `artifactType` from it).
    #[serde(skip)]
    pub config_media_type: Option<String>,
    /// Sum of the config and layer sizes (not listed; used by profiles that report them in `size`).
    #[serde(skip)]
    pub blobs_size: u64,
}

/// A stored manifest: the exact bytes pushed and the media type they were pushed with.
#[derive(Debug, Clone)]
pub struct StoredManifest {
    /// The exact bytes (digest computed over these).
    pub bytes: Bytes,
    /// `Content-Type` the manifest was pushed with (or its `mediaType` field).
    pub media_type: String,
    /// The `subject.digest`, if the manifest has a subject.
    pub subject: Option<String>,
    /// The descriptor the referrers API lists for this manifest when it has a subject.
    pub referrer_descriptor: Option<Descriptor>,
}

#[derive(Default)]
struct Repo {
    blobs: HashMap<String, Bytes>,
    /// Blob names that link to nothing readable (a registry's mount by a digest it does not store blobs under).
    dangling: HashSet<String>,
    manifests: HashMap<String, StoredManifest>,
    tags: BTreeMap<String, String>,
    /// subject digest -> referrers in push order (no duplicates).
    referrers: HashMap<String, Vec<Descriptor>>,
}

struct Upload {
    repo: String,
    data: Vec<u8>,
}

#[derive(Default)]
struct Inner {
    repos: HashMap<String, Repo>,
    /// Keyed by id; ids start with a zero-padded counter, so the first key is the oldest session.
    uploads: BTreeMap<String, Upload>,
    next_upload: u64,
    /// Bumped by every change to `repos`, so answers computed from them can be cached until the next change.
    generation: u64,
}

/// Most upload sessions open at once (each bounded by the blob size limit).
pub const MAX_UPLOAD_SESSIONS: usize = 1_000;

/// Errors of an upload-session operation.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum UploadError {
    /// No such session (or it belongs to another repository).
    #[error("upload session unknown")]
    Unknown,
    /// `Content-Range` did not start at the current offset.
    #[error("range does not start at offset {0}")]
    BadRange(u64),
    /// The session would exceed the size limit.
    #[error("upload exceeds {0} bytes")]
    TooLarge(usize),
}

/// The store. Cheap to share behind an `Arc`.
#[derive(Default)]
pub struct Store {
    inner: Mutex<Inner>,
}

impl Store {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A poisoned lock only means another request panicked mid-operation; the data is still
        // structurally valid (every mutation is a single insert/remove), so keep serving.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// [`Self::lock`] for a write to the repositories: bumps [`Self::generation`].
    fn write(&self) -> MutexGuard<'_, Inner> {
        let mut inner = self.lock();
        inner.generation += 1;
        inner
    }

    /// Changes with every write to the repositories (blobs, manifests, tags): an answer computed from the store at
    /// one generation is still right while the generation is the same.
    pub fn generation(&self) -> u64 {
        self.lock().generation
    }

    /// Does the repository exist (anything pushed to it)?
    pub fn repo_exists(&self, repo: &str) -> bool {
        self.lock().repos.contains_key(repo)
    }

    /// Store a blob.
    pub fn put_blob(&self, repo: &str, digest: &str, data: Bytes) {
        let mut inner = self.write();
        let r = inner.repos.entry(repo.to_string()).or_default();
        r.dangling.remove(digest);
        r.blobs.insert(digest.to_string(), data);
    }

    /// Read a blob of `repo` (the empty JSON `{}` too is there only when it was stored).
    pub fn get_blob(&self, repo: &str, digest: &str) -> Option<Bytes> {
        let inner = self.lock();
        inner
            .repos
            .get(repo)
            .and_then(|r| r.blobs.get(digest))
            .cloned()
    }

    /// Find a blob by digest in any repository (a CDN serving by digest).
    pub fn find_blob(&self, digest: &str) -> Option<Bytes> {
        let inner = self.lock();
        inner
            .repos
            .values()
            .find_map(|r| r.blobs.get(digest).cloned())
    }

    /// Remove a blob (or a dangling name, [`Self::link_dangling`]); true when it existed.
    pub fn delete_blob(&self, repo: &str, digest: &str) -> bool {
        self.write().repos.get_mut(repo).is_some_and(|r| {
            let dangled = r.dangling.remove(digest);
            r.blobs.remove(digest).is_some() || dangled
        })
    }

    /// Remove a blob from every repository (a registry with one blob store); true when any had it.
    pub fn delete_blob_everywhere(&self, digest: &str) -> bool {
        let mut inner = self.write();
        let mut deleted = false;
        for r in inner.repos.values_mut() {
            deleted |= r.blobs.remove(digest).is_some();
        }
        deleted
    }

    /// Record that `repo` names a blob `digest` that links to no content: reads of it fail until it is deleted.
    pub fn link_dangling(&self, repo: &str, digest: &str) {
        self.write()
            .repos
            .entry(repo.to_string())
            .or_default()
            .dangling
            .insert(digest.to_string());
    }

    /// Does `repo` name `digest` without content ([`Self::link_dangling`])?
    pub fn is_dangling(&self, repo: &str, digest: &str) -> bool {
        self.lock()
            .repos
            .get(repo)
            .is_some_and(|r| r.dangling.contains(digest))
    }

    /// Store a manifest under `digest`, optionally tagging it, and index it as a referrer of its subject.
    pub fn put_manifest(&self, repo: &str, digest: &str, m: StoredManifest, tag: Option<&str>) {
        let mut inner = self.write();
        let r = inner.repos.entry(repo.to_string()).or_default();
        if let (Some(subject), Some(desc)) = (&m.subject, &m.referrer_descriptor) {
            let list = r.referrers.entry(subject.clone()).or_default();
            if !list.iter().any(|d| d.digest == desc.digest) {
                list.push(desc.clone());
            }
        }
        r.manifests.insert(digest.to_string(), m);
        if let Some(t) = tag {
            r.tags.insert(t.to_string(), digest.to_string());
        }
    }

    /// Point a tag at an existing manifest digest (used by the seed for GitLab's quirk).
    pub fn set_tag(&self, repo: &str, tag: &str, digest: &str) {
        self.write()
            .repos
            .entry(repo.to_string())
            .or_default()
            .tags
            .insert(tag.to_string(), digest.to_string());
    }

    /// Resolve a reference (tag or digest) to `(digest, manifest)`.
    pub fn get_manifest(&self, repo: &str, reference: &str) -> Option<(String, StoredManifest)> {
        let inner = self.lock();
        let r = inner.repos.get(repo)?;
        // A digest, else a tag (a registry that reads `sha512:…` as a tag, `References::Sha256OrTag`, stores it so).
        let digest = if reference.contains(':') && r.manifests.contains_key(reference) {
            reference.to_string()
        } else {
            r.tags.get(reference)?.clone()
        };
        let m = r.manifests.get(&digest)?.clone();
        Some((digest, m))
    }

    /// Delete a manifest by digest: drops the tags pointing at it and its referrer entry.
    pub fn delete_manifest(&self, repo: &str, digest: &str) -> bool {
        let mut inner = self.write();
        let Some(r) = inner.repos.get_mut(repo) else {
            return false;
        };
        let Some(m) = r.manifests.remove(digest) else {
            return false;
        };
        r.tags.retain(|_, d| d != digest);
        if let Some(subject) = m.subject
            && let Some(list) = r.referrers.get_mut(&subject)
        {
            list.retain(|d| d.digest != digest);
        }
        true
    }

    /// Delete a tag (the manifest stays).
    pub fn delete_tag(&self, repo: &str, tag: &str) -> bool {
        self.write()
            .repos
            .get_mut(repo)
            .is_some_and(|r| r.tags.remove(tag).is_some())
    }

    /// All tags of a repository in lexical order; `None` when the repository does not exist.
    pub fn tags(&self, repo: &str) -> Option<Vec<String>> {
        self.lock()
            .repos
            .get(repo)
            .map(|r| r.tags.keys().cloned().collect())
    }

    /// The referrers of `subject` in push order; `None` when the repository does not exist.
    pub fn referrers(&self, repo: &str, subject: &str) -> Option<Vec<Descriptor>> {
        self.lock()
            .repos
            .get(repo)
            .map(|r| r.referrers.get(subject).cloned().unwrap_or_default())
    }

    /// Start an upload session; returns its id. Past [`MAX_UPLOAD_SESSIONS`] open sessions the oldest is dropped.
    pub fn start_upload(&self, repo: &str) -> String {
        let mut inner = self.lock();
        while inner.uploads.len() >= MAX_UPLOAD_SESSIONS {
            inner.uploads.pop_first();
        }
        inner.next_upload += 1;
        let id = format!(
            "{:016x}-{}",
            inner.next_upload,
            &sha256(repo.as_bytes())[7..19]
        );
        inner.uploads.insert(
            id.clone(),
            Upload {
                repo: repo.to_string(),
                data: Vec::new(),
            },
        );
        id
    }

    /// Current size of an upload session.
    pub fn upload_len(&self, repo: &str, id: &str) -> Result<u64, UploadError> {
        match self.lock().uploads.get(id) {
            Some(u) if u.repo == repo => Ok(u.data.len() as u64),
            _ => Err(UploadError::Unknown),
        }
    }

    /// Append a chunk; `start` is the `Content-Range` start when the client sent one.
    pub fn append_upload(
        &self,
        repo: &str,
        id: &str,
        start: Option<u64>,
        chunk: &[u8],
        limit: usize,
    ) -> Result<u64, UploadError> {
        let mut inner = self.lock();
        let u = match inner.uploads.get_mut(id) {
            Some(u) if u.repo == repo => u,
            _ => return Err(UploadError::Unknown),
        };
        let len = u.data.len() as u64;
        if let Some(s) = start
            && s != len
        {
            return Err(UploadError::BadRange(len));
        }
        if u.data.len() + chunk.len() > limit {
            return Err(UploadError::TooLarge(limit));
        }
        u.data.extend_from_slice(chunk);
        Ok(u.data.len() as u64)
    }

    /// Finish (remove) an upload session and return its bytes.
    pub fn take_upload(&self, repo: &str, id: &str) -> Result<Vec<u8>, UploadError> {
        let mut inner = self.lock();
        match inner.uploads.get(id) {
            Some(u) if u.repo == repo => {}
            _ => return Err(UploadError::Unknown),
        }
        Ok(inner.uploads.remove(id).map(|u| u.data).unwrap_or_default())
    }

    /// Put an upload's bytes back (when the final PUT failed validation, the session stays usable).
    pub fn restore_upload(&self, repo: &str, id: &str, data: Vec<u8>) {
        self.lock().uploads.insert(
            id.to_string(),
            Upload {
                repo: repo.to_string(),
                data,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_sessions_are_bounded_oldest_first() {
        let s = Store::default();
        let first = s.start_upload("a");
        let second = s.start_upload("a");
        for _ in 0..MAX_UPLOAD_SESSIONS - 1 {
            s.start_upload("a");
        }
        assert_eq!(s.upload_len("a", &first), Err(UploadError::Unknown));
        assert_eq!(s.upload_len("a", &second), Ok(0));
        assert_eq!(
            s.upload_len("b", &second),
            Err(UploadError::Unknown),
            "other repository"
        );
    }

    #[test]
    fn referrers_are_deduplicated_and_kept_in_push_order() {
        let s = Store::default();
        let m = |d: &str| StoredManifest {
            bytes: Bytes::from_static(b"{}"),
            media_type: "x".into(),
            subject: Some("sha256:s".into()),
            referrer_descriptor: Some(Descriptor {
                media_type: "x".into(),
                digest: d.into(),
                size: 2,
                artifact_type: None,
                annotations: None,
                config_media_type: None,
                blobs_size: 0,
            }),
        };
        s.put_manifest("r", "sha256:b", m("sha256:b"), None);
        s.put_manifest("r", "sha256:a", m("sha256:a"), None);
        s.put_manifest("r", "sha256:b", m("sha256:b"), None);
        let list: Vec<String> = s
            .referrers("r", "sha256:s")
            .unwrap()
            .into_iter()
            .map(|d| d.digest)
            .collect();
        assert_eq!(list, vec!["sha256:b", "sha256:a"]);
        assert!(s.delete_manifest("r", "sha256:b"));
        assert_eq!(s.referrers("r", "sha256:s").unwrap().len(), 1);
        assert_eq!(s.referrers("nope", "sha256:s"), None);
    }
}
