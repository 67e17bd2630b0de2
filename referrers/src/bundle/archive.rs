//! The bundle's gzip tar, written deterministically and read as untrusted input: only regular files (and
//! folders) with relative names inside the bundle, no duplicates, every entry and the whole stream bounded, each
//! entry hashed as it streams past so nothing but the small index files is held in memory.

use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::Path;

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use sha2::{Digest as _, Sha256};

use super::error::BundleError;

/// How much of a bundle is read before it is refused as malformed (a gzip bomb, a hostile entry list).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArchiveLimits {
    /// Most entries.
    pub max_entries: usize,
    /// Largest entry, in bytes.
    pub max_entry_bytes: u64,
    /// Most bytes in all entries together (decompressed).
    pub max_total_bytes: u64,
    /// Largest entry kept in memory to be parsed (the index files, manifests, referrers).
    pub max_kept_bytes: u64,
}

impl Default for ArchiveLimits {
    fn default() -> Self {
        ArchiveLimits {
            max_entries: 100_000,
            max_entry_bytes: 8 * 1024 * 1024 * 1024,
            max_total_bytes: 64 * 1024 * 1024 * 1024,
            // The spec's manifest minimum (distribution-spec "Pushing Manifests": at least 4 MiB).
            max_kept_bytes: 4 * 1024 * 1024,
        }
    }
}

/// One regular file of the bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScannedEntry {
    /// Its name inside the bundle.
    pub name: String,
    /// Its size.
    pub size: u64,
    /// `sha256:<hex>` of its bytes.
    pub sha256: String,
}

/// What a pass over the archive saw: every file with its hash, and the bytes of the files asked to be kept.
#[derive(Debug, Default)]
pub struct Scan {
    /// Every regular file, in archive order.
    pub entries: Vec<ScannedEntry>,
    /// The bytes of the files `keep` chose, by name.
    pub kept: BTreeMap<String, Vec<u8>>,
}

impl Scan {
    /// The scanned entry named `name`.
    pub fn entry(&self, name: &str) -> Option<&ScannedEntry> {
        self.entries.iter().find(|e| e.name == name)
    }
}

/// Why a name may not be an entry's: `None` when it is a plain relative path inside the bundle.
fn bad_name(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        return Some("an empty name");
    }
    let drive = name.len() >= 2 && name.as_bytes()[1] == b':';
    if name.starts_with('/') || name.contains('\\') || drive {
        return Some("an absolute path");
    }
    if name.starts_with("./") {
        return Some("a leading ./");
    }
    if name.split('/').any(|c| c == ".." || c == ".") {
        return Some("a . or .. component");
    }
    if name.chars().any(|c| c.is_control()) {
        return Some("a control character");
    }
    None
}

/// Reads the archive at `path` once: checks every entry, hashes every file and keeps the bytes of those `keep`
/// names (each at most [`ArchiveLimits::max_kept_bytes`]).
pub fn scan(
    path: &Path,
    limits: &ArchiveLimits,
    keep: impl Fn(&str) -> bool,
) -> Result<Scan, BundleError> {
    let file = File::open(path).map_err(|e| BundleError::io(path, e))?;
    let mut archive = tar::Archive::new(GzDecoder::new(BufReader::new(file)));
    let mut scan = Scan::default();
    let mut seen = HashSet::new();
    let mut total: u64 = 0;
    let entries = archive
        .entries()
        .map_err(|e| BundleError::malformed("(archive)", format!("not a gzip tar: {e}")))?;
    for (i, entry) in entries.enumerate() {
        let mut entry = entry.map_err(|e| {
            BundleError::malformed("(archive)", format!("entry {i} cannot be read: {e}"))
        })?;
        if i >= limits.max_entries {
            return Err(BundleError::malformed(
                "(archive)",
                format!("more than {} entries", limits.max_entries),
            ));
        }
        let raw = entry.path_bytes().into_owned();
        let name = String::from_utf8(raw).map_err(|_| {
            BundleError::malformed(&format!("entry {i}"), "a name that is not UTF-8")
        })?;
        let name = name.trim_end_matches('/').to_string();
        if let Some(why) = bad_name(&name) {
            return Err(BundleError::malformed(
                &name,
                format!("{why} in the entry name"),
            ));
        }
        let kind = entry.header().entry_type();
        if kind.is_dir() {
            continue;
        }
        if !kind.is_file() {
            return Err(BundleError::malformed(
                &name,
                format!("a {kind:?} entry (only regular files are allowed)"),
            ));
        }
        if !seen.insert(name.clone()) {
            return Err(BundleError::malformed(
                &name,
                "a second entry with this name",
            ));
        }
        let size = entry
            .header()
            .size()
            .map_err(|e| BundleError::malformed(&name, format!("an unreadable size: {e}")))?;
        if size > limits.max_entry_bytes {
            return Err(BundleError::malformed(
                &name,
                format!(
                    "{size} bytes, over the {}-byte entry limit",
                    limits.max_entry_bytes
                ),
            ));
        }
        total = total.saturating_add(size);
        if total > limits.max_total_bytes {
            return Err(BundleError::malformed(
                &name,
                format!("the bundle holds over {} bytes", limits.max_total_bytes),
            ));
        }
        let kept = keep(&name) && size <= limits.max_kept_bytes;
        let mut hasher = HashingSink {
            hasher: Sha256::new(),
            kept: kept.then(Vec::new),
        };
        let copied = io::copy(&mut (&mut entry).take(size), &mut hasher)
            .map_err(|e| BundleError::malformed(&name, format!("cannot be read whole: {e}")))?;
        if copied != size {
            return Err(BundleError::malformed(
                &name,
                format!("{copied} of {size} bytes (the archive is truncated)"),
            ));
        }
        let sha256 = format!("sha256:{}", hex::encode(hasher.hasher.finalize()));
        if let Some(bytes) = hasher.kept {
            scan.kept.insert(name.clone(), bytes);
        }
        scan.entries.push(ScannedEntry { name, size, sha256 });
    }
    Ok(scan)
}

struct HashingSink {
    hasher: Sha256,
    kept: Option<Vec<u8>>,
}

impl Write for HashingSink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.hasher.update(buf);
        if let Some(k) = &mut self.kept {
            k.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Writes a bundle: regular files with relative names, mode 0644, owner 0, time 0 (the same content gives the same
/// archive), each name once.
pub struct ArchiveWriter {
    builder: tar::Builder<GzEncoder<BufWriter<File>>>,
    names: HashSet<String>,
    path: std::path::PathBuf,
}

impl ArchiveWriter {
    /// A new archive at `path` (created or truncated).
    pub fn create(path: &Path) -> Result<ArchiveWriter, BundleError> {
        let file = File::create(path).map_err(|e| BundleError::io(path, e))?;
        let gz = GzEncoder::new(BufWriter::new(file), Compression::default());
        let mut builder = tar::Builder::new(gz);
        builder.mode(tar::HeaderMode::Deterministic);
        Ok(ArchiveWriter {
            builder,
            names: HashSet::new(),
            path: path.to_path_buf(),
        })
    }

    /// Whether an entry named `name` was written.
    pub fn has(&self, name: &str) -> bool {
        self.names.contains(name)
    }

    /// Adds `bytes` as `name`; a second write of the same name is skipped (content-addressed entries repeat).
    pub fn add(&mut self, name: &str, bytes: &[u8]) -> Result<(), BundleError> {
        if let Some(why) = bad_name(name) {
            // Names come from digests a registry sent: never write one that leaves the bundle.
            return Err(BundleError::malformed(
                name,
                format!("{why} in the entry name"),
            ));
        }
        if !self.names.insert(name.to_string()) {
            return Ok(());
        }
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_entry_type(tar::EntryType::Regular);
        self.builder
            .append_data(&mut header, name, bytes)
            .map_err(|e| BundleError::io(&self.path, e))
    }

    /// Finishes the archive and flushes it to disk.
    pub fn finish(self) -> Result<(), BundleError> {
        let path = self.path.clone();
        let gz = self
            .builder
            .into_inner()
            .map_err(|e| BundleError::io(&path, e))?;
        let mut out = gz.finish().map_err(|e| BundleError::io(&path, e))?;
        out.flush().map_err(|e| BundleError::io(&path, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_must_stay_inside_the_bundle() {
        for ok in [
            "index.json",
            "blobs/sha256/ab",
            "referrers/sha256-a/sha256-b.json",
        ] {
            assert_eq!(bad_name(ok), None, "{ok}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "./index.json",
            "a/./b",
            "C:/x",
            "a\\b",
            "a\u{0}b",
        ] {
            assert!(bad_name(bad).is_some(), "{bad:?}");
        }
    }

    #[test]
    fn a_written_archive_scans_back_with_its_hashes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.tgz");
        let mut w = ArchiveWriter::create(&path).unwrap();
        w.add("index.json", b"{}").unwrap();
        w.add("blobs/sha256/x", b"hello").unwrap();
        w.add("blobs/sha256/x", b"ignored: already written")
            .unwrap();
        w.finish().unwrap();
        let scan = scan(&path, &ArchiveLimits::default(), |n| n == "index.json").unwrap();
        assert_eq!(scan.entries.len(), 2);
        assert_eq!(scan.kept["index.json"], b"{}");
        assert_eq!(
            scan.entry("blobs/sha256/x").unwrap().sha256,
            format!("sha256:{}", hex::encode(Sha256::digest(b"hello")))
        );
        let again = dir.path().join("c.tgz");
        let mut w = ArchiveWriter::create(&again).unwrap();
        w.add("index.json", b"{}").unwrap();
        w.add("blobs/sha256/x", b"hello").unwrap();
        w.finish().unwrap();
        assert_eq!(
            std::fs::read(&path).unwrap(),
            std::fs::read(&again).unwrap(),
            "deterministic"
        );
    }
}
