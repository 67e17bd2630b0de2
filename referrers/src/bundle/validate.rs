//! `bundle validate`: every blob and manifest hashes to its name, every referenced blob is present, the layout's
//! `index.json` agrees with `manifest.yaml`, and with `check_referrers` every referrer file hashes to its digest,
//! names the subject whose folder it sits in, and every folder holds the count `manifest.yaml` lists. Each
//! problem is a [`Finding`] naming the entry inside the bundle. Two streaming passes over the archive: the first
//! hashes everything and keeps the index files, the second keeps the manifests those name.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use super::archive::{ArchiveLimits, Scan, scan};
use super::error::{BundleError, Finding, FindingKind};
use super::format::{
    BundleManifest, FORMAT_VERSION, INDEX_JSON, MANIFEST_YAML, OCI_LAYOUT, REF_NAME, blob_entry,
    referrer_entry,
};

/// What validation found.
#[derive(Debug, Clone, Default)]
pub struct ValidationReport {
    /// Every problem, in the order found.
    pub findings: Vec<Finding>,
    /// The bundle's `manifest.yaml`, when it could be read.
    pub manifest: Option<BundleManifest>,
    /// Regular files in the archive.
    pub entries: usize,
}

impl ValidationReport {
    /// No problem found.
    pub fn valid(&self) -> bool {
        self.findings.is_empty()
    }
}

fn is_index_file(name: &str) -> bool {
    name == MANIFEST_YAML
        || name == INDEX_JSON
        || name == OCI_LAYOUT
        || name.starts_with("referrers/")
}

/// Validates the bundle at `path`.
pub fn validate(
    path: &Path,
    check_referrers: bool,
    limits: &ArchiveLimits,
) -> Result<ValidationReport, BundleError> {
    let mut report = ValidationReport::default();
    let first = match scan(path, limits, is_index_file) {
        Ok(s) => s,
        Err(BundleError::Malformed(f)) => {
            report.findings.push(f);
            return Ok(report);
        }
        Err(e) => return Err(e),
    };
    report.entries = first.entries.len();
    let f = &mut report.findings;
    for e in &first.entries {
        if let Some(hex) = e.name.strip_prefix("blobs/sha256/")
            && e.sha256 != format!("sha256:{hex}")
        {
            f.push(Finding::new(
                FindingKind::BlobChecksumMismatch,
                &e.name,
                format!("its bytes hash to {}", e.sha256),
            ));
        }
    }
    if !first.kept.contains_key(OCI_LAYOUT) {
        f.push(Finding::new(
            FindingKind::MalformedBundle,
            OCI_LAYOUT,
            "missing: not an OCI image layout",
        ));
    }
    let Some(yaml) = first.kept.get(MANIFEST_YAML) else {
        f.push(Finding::new(
            FindingKind::MalformedBundle,
            MANIFEST_YAML,
            "missing",
        ));
        return Ok(report);
    };
    let version = serde_yaml_ng::from_slice::<Value>(yaml)
        .ok()
        .and_then(|v| v.get("format_version").and_then(Value::as_u64));
    if let Some(v) = version
        && v != u64::from(FORMAT_VERSION)
    {
        f.push(Finding::new(
            FindingKind::UnsupportedBundleVersion,
            MANIFEST_YAML,
            format!("format version {v}; this reads version {FORMAT_VERSION}"),
        ));
        return Ok(report);
    }
    let manifest: BundleManifest = match serde_yaml_ng::from_slice(yaml) {
        Ok(m) => m,
        Err(e) => {
            f.push(Finding::new(
                FindingKind::MalformedBundle,
                MANIFEST_YAML,
                format!("unreadable: {e}"),
            ));
            return Ok(report);
        }
    };
    check_layout_index(&first, &manifest, f);
    // The manifests to read: subjects, children, referrers.
    let mut wanted = BTreeSet::new();
    for s in &manifest.subjects {
        wanted.extend(blob_entry(&s.digest));
        wanted.extend(s.children.iter().filter_map(|c| blob_entry(c)));
        wanted.extend(
            s.referrers
                .items
                .iter()
                .filter_map(|r| blob_entry(&r.digest)),
        );
    }
    let second = match scan(path, limits, |n| wanted.contains(n)) {
        Ok(s) => s,
        Err(BundleError::Malformed(finding)) => {
            f.push(finding);
            return Ok(report);
        }
        Err(e) => return Err(e),
    };
    for name in &wanted {
        match second.kept.get(name) {
            Some(bytes) => check_references(&first, name, bytes, f),
            None if first.entry(name).is_none() => f.push(Finding::new(
                FindingKind::BlobMissing,
                name,
                "a manifest manifest.yaml names is not in the bundle",
            )),
            None => {}
        }
    }
    if check_referrers {
        check_referrer_files(&first, &manifest, f);
    }
    report.manifest = Some(manifest);
    Ok(report)
}

/// Every blob a manifest references is present (a non-distributable layer, with `urls`, lives elsewhere).
fn check_references(scan: &Scan, name: &str, bytes: &[u8], f: &mut Vec<Finding>) {
    let Ok(doc) = serde_json::from_slice::<Value>(bytes) else {
        f.push(Finding::new(
            FindingKind::MalformedBundle,
            name,
            "a manifest that is not JSON",
        ));
        return;
    };
    let descriptors = doc
        .get("config")
        .into_iter()
        .chain(
            doc.get("layers")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        )
        .filter(|d| d.get("urls").is_none())
        .chain(
            doc.get("manifests")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        );
    for d in descriptors {
        let Some(digest) = d.get("digest").and_then(Value::as_str) else {
            continue;
        };
        match blob_entry(digest) {
            Some(entry) if scan.entry(&entry).is_some() => {}
            Some(entry) => f.push(Finding::new(
                FindingKind::BlobMissing,
                entry,
                format!("referenced by {name}, not in the bundle"),
            )),
            None => f.push(Finding::new(
                FindingKind::MalformedBundle,
                name,
                format!("references {digest:?}, which is not a digest"),
            )),
        }
    }
}

/// `index.json` lists each subject once, with its tag as `ref.name` where it was exported by tag.
fn check_layout_index(scan: &Scan, manifest: &BundleManifest, f: &mut Vec<Finding>) {
    let Some(bytes) = scan.kept.get(INDEX_JSON) else {
        f.push(Finding::new(
            FindingKind::MalformedBundle,
            INDEX_JSON,
            "missing: not an OCI image layout",
        ));
        return;
    };
    let Ok(doc) = serde_json::from_slice::<Value>(bytes) else {
        f.push(Finding::new(
            FindingKind::MalformedBundle,
            INDEX_JSON,
            "not JSON",
        ));
        return;
    };
    let listed: BTreeSet<(String, Option<String>)> = doc
        .get("manifests")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|m| {
            let digest = m
                .get("digest")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let tag = m
                .pointer(&format!(
                    "/annotations/{}",
                    REF_NAME.replace('~', "~0").replace('/', "~1")
                ))
                .and_then(Value::as_str)
                .map(str::to_string);
            (digest, tag)
        })
        .collect();
    let expected: BTreeSet<(String, Option<String>)> = manifest
        .subjects
        .iter()
        .map(|s| (s.digest.clone(), s.tag.clone()))
        .collect();
    for (digest, tag) in expected.difference(&listed) {
        f.push(Finding::new(
            FindingKind::MalformedBundle,
            INDEX_JSON,
            format!(
                "does not list subject {digest} (tag {})",
                tag.as_deref().unwrap_or("none")
            ),
        ));
    }
    for (digest, tag) in listed.difference(&expected) {
        f.push(Finding::new(
            FindingKind::MalformedBundle,
            INDEX_JSON,
            format!(
                "lists {digest} (tag {}), which manifest.yaml does not",
                tag.as_deref().unwrap_or("none")
            ),
        ));
    }
}

/// Each referrer file hashes to its digest and names its folder's subject; each folder holds the listed count.
fn check_referrer_files(scan: &Scan, manifest: &BundleManifest, f: &mut Vec<Finding>) {
    let mut listed: BTreeMap<String, usize> = BTreeMap::new();
    for s in &manifest.subjects {
        for (refers_to, n) in &s.referrers.counts {
            *listed.entry(refers_to.clone()).or_default() += n;
        }
        for r in &s.referrers.items {
            let Some(entry) = referrer_entry(&r.refers_to, &r.digest) else {
                f.push(Finding::new(
                    FindingKind::MalformedBundle,
                    MANIFEST_YAML,
                    format!("referrer {:?} is not a digest", r.digest),
                ));
                continue;
            };
            let Some(file) = scan.entry(&entry) else {
                f.push(Finding::new(
                    FindingKind::BlobMissing,
                    &entry,
                    "a referrer manifest.yaml lists is not in the bundle",
                ));
                continue;
            };
            if file.sha256 != r.digest {
                f.push(Finding::new(
                    FindingKind::ReferrerChecksumMismatch,
                    &entry,
                    format!("its bytes hash to {}, not {}", file.sha256, r.digest),
                ));
                continue;
            }
            let subject = scan
                .kept
                .get(&entry)
                .and_then(|b| serde_json::from_slice::<Value>(b).ok())
                .and_then(|v| {
                    v.pointer("/subject/digest")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                });
            match subject {
                Some(sd) if sd == r.refers_to => {}
                Some(sd) => f.push(Finding::new(
                    FindingKind::ReferrerSubjectMismatch,
                    &entry,
                    format!(
                        "its subject is {sd}, but it sits in the folder of {}",
                        r.refers_to
                    ),
                )),
                // A referrer found through a cosign-style tag has no subject: the tag named the folder's digest.
                None if r.found_by.split('+').any(|s| s == "cosign-tags") => {}
                None => f.push(Finding::new(
                    FindingKind::ReferrerSubjectMismatch,
                    &entry,
                    format!(
                        "it has no subject, and it was not found through a cosign tag of {}",
                        r.refers_to
                    ),
                )),
            }
        }
    }
    let mut present: BTreeMap<String, usize> = BTreeMap::new();
    for e in &scan.entries {
        if let Some(rest) = e.name.strip_prefix("referrers/")
            && let Some((folder, _)) = rest.split_once('/')
            && let Some((alg, hex)) = folder.split_once('-')
        {
            *present.entry(format!("{alg}:{hex}")).or_default() += 1;
        }
    }
    for subject in listed.keys().chain(present.keys()).collect::<BTreeSet<_>>() {
        let (want, have) = (
            listed.get(subject).copied().unwrap_or(0),
            present.get(subject).copied().unwrap_or(0),
        );
        if want != have {
            let (alg, hex) = subject.split_once(':').unwrap_or(("sha256", subject));
            f.push(Finding::new(
                FindingKind::ReferrerCountMismatch,
                format!("referrers/{alg}-{hex}"),
                format!("holds {have} referrer(s), manifest.yaml lists {want}"),
            ));
        }
    }
}
