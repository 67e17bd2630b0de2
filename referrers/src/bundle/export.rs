//! `bundle export`: resolve each subject, copy it byte-for-byte with its blobs (an index with its children),
//! discover its referrers (and its children's) with the discovery engine, copy each referrer with its blobs, follow
//! referrers of referrers to a bounded depth, and write the bundle ([`super::format`]).
//!
//! A listing that cannot be genuine (a referrer that is its own subject or one of its ancestors) is dropped and
//! reported, never followed. A discovery or copy that fails in part marks its subject partial; the bundle never
//! claims to be complete when it is not.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use serde_json::{Value, json};

use super::archive::ArchiveWriter;
use super::error::BundleError;
use super::format::{
    BundleManifest, FORMAT_VERSION, INDEX_JSON, MANIFEST_YAML, OCI_LAYOUT, OCI_LAYOUT_CONTENT,
    REF_NAME, ReferrerEntry, ReferrerSection, SOURCE_REGISTRY, SOURCE_REPOSITORY, SourceRegistry,
    SubjectEntry, blob_entry, referrer_entry,
};
use crate::discovery::{Discoverer, Subject, SubjectRef};

/// The subjects to export from one registry.
#[derive(Debug, Clone)]
pub struct ExportSource {
    /// The registry's discoverer (its client's body cap bounds each blob).
    pub discoverer: Discoverer,
    /// The subjects, by tag or digest.
    pub subjects: Vec<Subject>,
}

/// How far an export goes.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// Referrers of referrers are followed this many levels below the subject (1: the subject's own only).
    pub max_depth: usize,
    /// Nested indexes are followed this many levels.
    pub max_index_depth: usize,
    /// When the export ran (RFC 3339), recorded in `manifest.yaml`.
    pub created: String,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            max_depth: 3,
            max_index_depth: 4,
            created: String::new(),
        }
    }
}

/// What an export wrote.
#[derive(Debug, Clone)]
pub struct ExportReport {
    /// The bundle's `manifest.yaml`.
    pub manifest: BundleManifest,
    /// Listings dropped as not genuine (a referrer that is its own subject or an ancestor).
    pub dropped: Vec<String>,
    /// Subjects that could not be resolved at all (`repository@reference: why`).
    pub unresolved: Vec<String>,
}

impl ExportReport {
    /// Every subject resolved, discovered and copied whole.
    pub fn complete(&self) -> bool {
        self.manifest.complete
    }
}

/// One subject's copy in progress.
struct SubjectCopy<'a> {
    d: &'a Discoverer,
    repo: &'a str,
    out: &'a mut ArchiveWriter,
    errors: Vec<String>,
    complete: bool,
}

impl SubjectCopy<'_> {
    fn fail(&mut self, message: String) {
        self.complete = false;
        self.errors.push(message);
    }

    /// Copies the manifest `digest` (already fetched as `bytes`) and what it references: blobs, and for an index
    /// its children (to `index_depth` levels). Returns the children's digests.
    async fn content(&mut self, bytes: &[u8], index_depth: usize) -> Vec<String> {
        let Ok(doc) = serde_json::from_slice::<Value>(bytes) else {
            self.fail("a manifest that is not JSON: its blobs are not copied".into());
            return Vec::new();
        };
        let mut children = Vec::new();
        for b in doc.get("config").into_iter().chain(
            doc.get("layers")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        ) {
            if b.get("urls").is_some() {
                // A non-distributable layer lives elsewhere (image-spec layer.md).
                continue;
            }
            if let Some(dg) = b.get("digest").and_then(Value::as_str) {
                self.blob(dg).await;
            }
        }
        for m in doc
            .get("manifests")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some(dg) = m.get("digest").and_then(Value::as_str) else {
                continue;
            };
            children.push(dg.to_string());
            if index_depth == 0 {
                self.fail(format!(
                    "child {dg}: nested deeper than the index limit, not copied"
                ));
                continue;
            }
            let Some(entry) = blob_entry(dg) else {
                self.fail(format!("child {dg}: not a digest"));
                continue;
            };
            if self.out.has(&entry) {
                continue;
            }
            match self.d.fetch_manifest(self.repo, dg).await {
                Ok(m) => {
                    if let Err(e) = self.out.add(&entry, &m.bytes) {
                        self.fail(e.to_string());
                        continue;
                    }
                    Box::pin(self.content(&m.bytes, index_depth - 1)).await;
                }
                Err(e) => self.fail(e.to_string()),
            }
        }
        children
    }

    async fn blob(&mut self, digest: &str) {
        let Some(entry) = blob_entry(digest) else {
            self.fail(format!("blob {digest}: not a digest"));
            return;
        };
        if self.out.has(&entry) {
            return;
        }
        match self.d.fetch_blob(self.repo, digest).await {
            Ok(bytes) => {
                if let Err(e) = self.out.add(&entry, &bytes) {
                    self.fail(e.to_string());
                }
            }
            Err(e) => self.fail(e.to_string()),
        }
    }
}

/// Exports every subject of `sources` into a bundle at `out`.
pub async fn export(
    sources: &[ExportSource],
    out: &Path,
    opts: &ExportOptions,
) -> Result<ExportReport, BundleError> {
    let mut writer = ArchiveWriter::create(out)?;
    let mut subjects = Vec::new();
    let mut registries = Vec::new();
    let mut index = Vec::new();
    let mut dropped = Vec::new();
    let mut unresolved = Vec::new();
    // The seed's probing line, then one capability line per registry (learned from its first subject).
    let probes: Vec<(&Discoverer, Subject)> = sources
        .iter()
        .filter_map(|s| s.subjects.first().map(|f| (&s.discoverer, f.clone())))
        .collect();
    crate::discovery::probe_registries(&probes).await;
    for source in sources {
        let d = &source.discoverer;
        let mut apis = BTreeMap::new();
        for s in &source.subjects {
            let reference = match &s.reference {
                SubjectRef::Tag(t) => t.clone(),
                SubjectRef::Digest(dg) => dg.clone(),
            };
            let fetched = match d.fetch_manifest(&s.repository, &reference).await {
                Ok(f) => f,
                Err(e) => {
                    unresolved.push(format!("{}@{reference}: {e}", s.repository));
                    continue;
                }
            };
            let Some(entry_name) = blob_entry(&fetched.digest) else {
                unresolved.push(format!(
                    "{}@{reference}: digest {} cannot name a bundle entry",
                    s.repository, fetched.digest
                ));
                continue;
            };
            writer.add(&entry_name, &fetched.bytes)?;
            let mut copy = SubjectCopy {
                d,
                repo: &s.repository,
                out: &mut writer,
                errors: Vec::new(),
                complete: true,
            };
            let children = copy.content(&fetched.bytes, opts.max_index_depth).await;
            let mut items = Vec::new();
            let mut seen = HashSet::new();
            // (digest referred to, its depth below the subject, its ancestors)
            let mut queue: Vec<(String, usize, Vec<String>)> = std::iter::once(&fetched.digest)
                .chain(children.iter())
                .map(|dg| (dg.clone(), 1, vec![fetched.digest.clone()]))
                .collect();
            while let Some((refers_to, depth, ancestors)) = queue.pop() {
                let found = d
                    .discover(&Subject::digest(&s.repository, &refers_to))
                    .await;
                if let Some(cap) = d.capability(&s.repository) {
                    apis.insert(s.repository.clone(), cap.referrers_api);
                }
                if !found.complete {
                    copy.complete = false;
                    copy.errors.extend(
                        found.errors.iter().map(|e| {
                            format!("referrers of {refers_to}: {}: {}", e.kind, e.message)
                        }),
                    );
                }
                for r in &found.referrers {
                    if r.digest == refers_to || ancestors.contains(&r.digest) {
                        dropped.push(format!(
                            "{}: {} listed as a referrer of {refers_to}, which it is or descends from",
                            s.repository, r.digest
                        ));
                        continue;
                    }
                    if !seen.insert((refers_to.clone(), r.digest.clone())) {
                        continue;
                    }
                    let (Some(folder_entry), Some(blob)) =
                        (referrer_entry(&refers_to, &r.digest), blob_entry(&r.digest))
                    else {
                        copy.fail(format!("referrer {:?}: not a digest", r.digest));
                        continue;
                    };
                    if r.digest.parse::<crate::spec::Digest>().is_err() {
                        // Never fetched as a tag: a listed referrer is named by its digest only.
                        copy.fail(format!("referrer {:?}: not a digest", r.digest));
                        continue;
                    }
                    let m = match d.fetch_manifest(&s.repository, &r.digest).await {
                        Ok(m) => m,
                        Err(e) => {
                            copy.fail(e.to_string());
                            continue;
                        }
                    };
                    copy.out.add(&blob, &m.bytes)?;
                    copy.out.add(&folder_entry, &m.bytes)?;
                    copy.content(&m.bytes, opts.max_index_depth).await;
                    items.push(ReferrerEntry {
                        digest: r.digest.clone(),
                        refers_to: refers_to.clone(),
                        artifact_type: r.artifact_type.clone(),
                        media_type: r.media_type.clone(),
                        size: r.size,
                        found_by: r.source.to_string(),
                        annotations: r.annotations.clone(),
                    });
                    if depth < opts.max_depth {
                        let mut up = ancestors.clone();
                        up.push(refers_to.clone());
                        queue.push((r.digest.clone(), depth + 1, up));
                    }
                }
            }
            items.sort_by(|a, b| (&a.refers_to, &a.digest).cmp(&(&b.refers_to, &b.digest)));
            let mut counts = BTreeMap::new();
            for i in &items {
                *counts.entry(i.refers_to.clone()).or_insert(0) += 1;
            }
            let tag = match &s.reference {
                SubjectRef::Tag(t) => Some(t.clone()),
                SubjectRef::Digest(_) => None,
            };
            let mut annotations = json!({
                SOURCE_REGISTRY: d.registry(),
                SOURCE_REPOSITORY: s.repository,
            });
            if let Some(t) = &tag {
                annotations[REF_NAME] = json!(t);
            }
            index.push(json!({
                "mediaType": fetched.media_type,
                "digest": fetched.digest,
                "size": fetched.bytes.len(),
                "annotations": annotations,
            }));
            subjects.push(SubjectEntry {
                registry: d.registry().to_string(),
                repository: s.repository.clone(),
                tag,
                digest: fetched.digest.clone(),
                media_type: fetched.media_type.clone(),
                children,
                complete: copy.complete,
                errors: copy.errors,
                referrers: ReferrerSection { counts, items },
            });
        }
        registries.push(SourceRegistry {
            registry: d.registry().to_string(),
            referrers_api: apis,
        });
    }
    let complete = unresolved.is_empty() && subjects.iter().all(|s| s.complete);
    let manifest = BundleManifest {
        format_version: FORMAT_VERSION,
        created: opts.created.clone(),
        complete,
        registries,
        subjects,
    };
    let layout_index = json!({
        "schemaVersion": 2,
        "mediaType": crate::spec::media::OCI_INDEX,
        "manifests": index,
    });
    writer.add(OCI_LAYOUT, OCI_LAYOUT_CONTENT.as_bytes())?;
    writer.add(
        INDEX_JSON,
        &serde_json::to_vec_pretty(&layout_index).unwrap_or_default(),
    )?;
    let yaml = serde_yaml_ng::to_string(&manifest)
        .map_err(|e| BundleError::malformed(MANIFEST_YAML, format!("cannot be written: {e}")))?;
    writer.add(MANIFEST_YAML, yaml.as_bytes())?;
    writer.finish()?;
    Ok(ExportReport {
        manifest,
        dropped,
        unresolved,
    })
}
