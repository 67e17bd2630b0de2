//! The bundle format, version 1 (`docs/bundle-format.md` describes it for people): a gzip tar that is an OCI image
//! layout ([image-spec v1.1.1 image-layout.md](https://github.com/opencontainers/image-spec/blob/v1.1.1/image-layout.md):
//! `oci-layout`, `index.json`, `blobs/<alg>/<hex>`) plus an index over it, `manifest.yaml`, and each referrer's
//! manifest again at `referrers/sha256-<subject hex>/sha256-<referrer hex>.json`, so the bytes can be checked with
//! `tar -xzf bundle.tgz -O <entry> | sha256sum`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The format version this code writes and reads.
pub const FORMAT_VERSION: u32 = 1;
/// The index over the bundle.
pub const MANIFEST_YAML: &str = "manifest.yaml";
/// The layout's marker file.
pub const OCI_LAYOUT: &str = "oci-layout";
/// Its content (image-layout.md "oci-layout file").
pub const OCI_LAYOUT_CONTENT: &str = r#"{"imageLayoutVersion":"1.0.0"}"#;
/// The layout's index.
pub const INDEX_JSON: &str = "index.json";
/// The annotation naming a tag in `index.json` (image-spec annotations.md).
pub const REF_NAME: &str = "org.opencontainers.image.ref.name";
/// The annotations naming where a subject came from, on its `index.json` entry.
pub const SOURCE_REGISTRY: &str = "io.github.oci-referrers-compat.bundle.registry";
/// See [`SOURCE_REGISTRY`].
pub const SOURCE_REPOSITORY: &str = "io.github.oci-referrers-compat.bundle.repository";

/// `digest` split into its algorithm and encoded part when both are plain ASCII letters and digits, so they are
/// safe in an entry name (a digest from a registry is untrusted: `sha256:../x` is not one).
fn plain_parts(digest: &str) -> Option<(&str, &str)> {
    let (alg, hex) = digest.split_once(':')?;
    let plain = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric());
    (plain(alg) && plain(hex)).then_some((alg, hex))
}

/// Where the layout keeps the content named `digest` (`sha256:<hex>` → `blobs/sha256/<hex>`).
pub fn blob_entry(digest: &str) -> Option<String> {
    let (alg, hex) = plain_parts(digest)?;
    Some(format!("blobs/{alg}/{hex}"))
}

/// The folder of `subject`'s referrers (`referrers/sha256-<hex>`).
pub fn referrer_folder(subject: &str) -> Option<String> {
    let (alg, hex) = plain_parts(subject)?;
    Some(format!("referrers/{alg}-{hex}"))
}

/// The entry of `referrer`'s manifest in `subject`'s folder.
pub fn referrer_entry(subject: &str, referrer: &str) -> Option<String> {
    let (alg, hex) = plain_parts(referrer)?;
    Some(format!("{}/{alg}-{hex}.json", referrer_folder(subject)?))
}

/// `manifest.yaml`: what the bundle holds and how it was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleManifest {
    /// [`FORMAT_VERSION`].
    pub format_version: u32,
    /// When the export ran (RFC 3339, UTC).
    pub created: String,
    /// Every subject was resolved, and each was discovered and copied whole (see each subject's `complete`).
    pub complete: bool,
    /// Every source registry, with the capability it showed.
    pub registries: Vec<SourceRegistry>,
    /// Every subject exported.
    pub subjects: Vec<SubjectEntry>,
}

/// A source registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRegistry {
    /// `host[:port]`.
    pub registry: String,
    /// Per repository: whether it showed the referrers API (`false`: the fallbacks were used).
    pub referrers_api: BTreeMap<String, bool>,
}

/// One subject: an image or index, by tag or by digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubjectEntry {
    /// Source `host[:port]`.
    pub registry: String,
    /// Source repository.
    pub repository: String,
    /// The tag it was exported by (`None`: by digest; it is then imported by digest only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Its digest.
    pub digest: String,
    /// Its media type.
    pub media_type: String,
    /// For an index: its children's digests (each exported, with its referrers).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<String>,
    /// Every part of the discovery and the copy succeeded.
    pub complete: bool,
    /// What went wrong where it did not.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
    /// The referrers of the subject, of its children and of those referrers, each with the digest it refers to.
    pub referrers: ReferrerSection,
}

/// A subject's referrers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferrerSection {
    /// How many, per digest referred to (a folder under `referrers/` each).
    pub counts: BTreeMap<String, usize>,
    /// Each one.
    pub items: Vec<ReferrerEntry>,
}

/// One referrer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferrerEntry {
    /// Its digest.
    pub digest: String,
    /// The digest it refers to: the subject, a child, or another referrer (a signature on an SBOM).
    pub refers_to: String,
    /// Its artifact type, as discovery read it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_type: Option<String>,
    /// Its media type.
    pub media_type: String,
    /// Its size.
    pub size: u64,
    /// How it was found: `referrers-api`, `tag-schema`, `cosign-tags`, joined with `+`.
    pub found_by: String,
    /// Its annotations, as listed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_names_follow_the_layout_and_the_runbook() {
        assert_eq!(
            blob_entry("sha256:ab12").as_deref(),
            Some("blobs/sha256/ab12")
        );
        assert_eq!(blob_entry("sha256:../x"), None);
        assert_eq!(blob_entry("nocolon"), None);
        assert_eq!(
            referrer_entry("sha256:aa", "sha256:bb").as_deref(),
            Some("referrers/sha256-aa/sha256-bb.json")
        );
        for hostile in ["sha256:../../x", "sha256:a/b", "../x:ab", "sha256:", ":ab"] {
            assert_eq!(referrer_entry("sha256:aa", hostile), None, "{hostile}");
            assert_eq!(referrer_entry(hostile, "sha256:aa"), None, "{hostile}");
            assert_eq!(blob_entry(hostile), None, "{hostile}");
        }
    }
}
