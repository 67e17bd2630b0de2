//! The content of a seed, every byte built once ([`build`]): per subject its blobs, the platform manifests of an
//! index subject and the subject manifest; per referrer its manifest, blobs, list descriptor and cosign suffix; and
//! the tag-schema index for a list of descriptors ([`tag_schema_index`]). Pure: nothing is written anywhere (the
//! fake's store is filled by `apply`, a real registry by the harness's push client), and the same spec gives the
//! same bytes, so the same digests, on every run and every target.

use std::collections::BTreeMap;

use bytes::Bytes;
use serde::Serialize;
use serde_json::{Value, json};

use crate::api::{OCI_INDEX, OCI_MANIFEST, referrer_descriptor};
use crate::digest::{self, Algorithm, tag_schema_name};
use crate::store::{Descriptor, EMPTY_JSON_DIGEST, EMPTY_JSON_MEDIA_TYPE};

use super::spec::{
    CosignSuffix, DEMO_CREATED, DigestAlgorithm, MAX_REFERRERS_PER_SUBJECT, ReferrerSpec, SeedSpec,
    Storage, SubjectKind, SubjectSpec,
};

/// `application/vnd.oci.image.config.v1+json`, the config type of the subject images.
pub const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
/// `application/vnd.oci.image.layer.v1.tar+gzip`, the layer type of the subject images.
pub const OCI_LAYER_TAR_GZIP: &str = "application/vnd.oci.image.layer.v1.tar+gzip";
/// Layer type of a referrer with the `sig` suffix (cosign's simple signing payload).
pub const SIGNATURE_LAYER_TYPE: &str = "application/vnd.dev.cosign.simplesigning.v1+json";
/// Layer type of a referrer with the `att` suffix (a DSSE envelope, as cosign attestations are).
pub const ATTESTATION_LAYER_TYPE: &str = "application/vnd.dsse.envelope.v1+json";

/// Why a seed was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SeedError {
    /// The repository name breaks the distribution-spec rule.
    #[error("invalid repository name `{0}`")]
    InvalidRepository(String),
    /// The tag breaks the tag rule.
    #[error("invalid tag `{0}`")]
    InvalidTag(String),
    /// Too many referrers for one subject.
    #[error("{0} referrers for one subject (at most {MAX_REFERRERS_PER_SUBJECT})")]
    TooMany(usize),
    /// `cosign_suffix` is not `sig`, `att` or `sbom`.
    #[error("invalid cosign_suffix `{0}` (expected sig, att or sbom)")]
    InvalidSuffix(String),
    /// The registry refuses a manifest the content needs, so it cannot hold the content (container-registry 0.3
    /// stores tagged image manifests only).
    #[error("the registry cannot hold this content: {0}")]
    NotHoldable(String),
}

/// A blob: its bytes and their sha256 digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob {
    /// `sha256:<hex>` of [`Self::bytes`].
    pub digest: String,
    /// The content.
    pub bytes: Bytes,
}

impl Blob {
    fn new(bytes: impl Into<Bytes>) -> Blob {
        let bytes = bytes.into();
        Blob {
            digest: digest::sha256(&bytes),
            bytes,
        }
    }

    /// The empty JSON blob `{}`, content of the empty descriptor (image-spec v1.1 manifest.md, "Guidance for an
    /// Empty Descriptor").
    pub fn empty_json() -> Blob {
        Blob {
            digest: EMPTY_JSON_DIGEST.into(),
            bytes: Bytes::from_static(b"{}"),
        }
    }

    fn descriptor(&self, media_type: &str) -> Value {
        json!({ "mediaType": media_type, "digest": self.digest, "size": self.bytes.len() })
    }
}

/// A manifest (image manifest or index): media type, digest, the exact bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// Its `mediaType` (and the `Content-Type` it is pushed with).
    pub media_type: String,
    /// Digest of [`Self::bytes`] (sha256, or the subject's algorithm for a subject manifest).
    pub digest: String,
    /// The exact bytes.
    pub bytes: Bytes,
}

impl Manifest {
    fn new(doc: &Value, algorithm: Algorithm) -> Manifest {
        // serde_json::to_vec of a Value cannot fail.
        let bytes = serde_json::to_vec(doc).unwrap_or_default();
        Manifest {
            media_type: doc
                .get("mediaType")
                .and_then(Value::as_str)
                .unwrap_or(OCI_MANIFEST)
                .to_string(),
            digest: algorithm.digest(&bytes),
            bytes: Bytes::from(bytes),
        }
    }

    /// Size in bytes.
    pub fn size(&self) -> u64 {
        self.bytes.len() as u64
    }
}

/// Everything a seed puts in a registry, subjects in seed order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedContent {
    /// One per subject of the spec (the demo subject first when `demo = true`).
    pub subjects: Vec<SubjectContent>,
}

/// One subject: its content and its referrers'.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectContent {
    /// Repository of the spec.
    pub repository: String,
    /// Tag (the spec's, else the default for its position).
    pub tag: String,
    /// Image or index.
    pub kind: SubjectKind,
    /// Algorithm of [`Self::manifest`]'s digest (everything else is sha256).
    pub digest_algorithm: DigestAlgorithm,
    /// How its referrers are stored (resolved per target by [`Storage::resolve`]).
    pub storage: Storage,
    /// `false`: the subject manifest is never pushed (its blobs and platform manifests still are).
    pub push_subject: bool,
    /// The layer and config of each image, in push order.
    pub blobs: Vec<Blob>,
    /// An index subject's platform manifests (linux/amd64, linux/arm64), pushed by digest before the index.
    pub children: Vec<Manifest>,
    /// The subject manifest, pushed under [`Self::tag`].
    pub manifest: Manifest,
    /// Its referrers, in push order.
    pub referrers: Vec<ReferrerContent>,
}

impl SubjectContent {
    /// The referrers tag schema tag of the subject, `<alg>-<hex>`.
    pub fn tag_schema_tag(&self) -> String {
        tag_schema_name(&self.manifest.digest)
    }

    /// The cosign-style tags `<alg>-<hex>.<suffix>` in suffix order, each with the referrer it names: the last one
    /// pushed with that suffix (a later push moves the tag).
    pub fn cosign_tags(&self) -> Vec<(String, usize)> {
        let mut owner: BTreeMap<CosignSuffix, usize> = BTreeMap::new();
        for (i, r) in self.referrers.iter().enumerate() {
            owner.insert(r.cosign_suffix, i);
        }
        let schema = self.tag_schema_tag();
        owner
            .into_iter()
            .map(|(suffix, i)| (format!("{schema}.{suffix}"), i))
            .collect()
    }
}

/// One referrer of a subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferrerContent {
    /// The referrer manifest (sha256), with `subject`.
    pub manifest: Manifest,
    /// Its config blob; `None` when the config is the empty descriptor (content [`Blob::empty_json`]).
    pub config: Option<Blob>,
    /// Its one layer.
    pub layer: Blob,
    /// What a referrers list carries for it (mediaType, digest, size, artifactType, annotations), derived from the
    /// manifest as distribution-spec v1.1 says for the API's list (§"Listing Referrers") and for the client-kept
    /// tag-schema index alike (§"Pushing Manifests with Subject"): the manifest's `artifactType`, else its
    /// `config.mediaType` (the empty type included). Its serialised form is the list entry.
    pub descriptor: Descriptor,
    /// The annotations of the manifest (as the spec gave them).
    pub annotations: BTreeMap<String, String>,
    /// Suffix of its cosign-style tag.
    pub cosign_suffix: CosignSuffix,
}

impl ReferrerContent {
    /// Every blob the manifest references, config first, as a push uploads them (the empty descriptor's `{}`
    /// included: a registry may refuse a manifest whose blobs it does not have).
    pub fn blobs(&self) -> Vec<Blob> {
        let config = self.config.clone().unwrap_or_else(Blob::empty_json);
        vec![config, self.layer.clone()]
    }
}

/// The referrers tag schema index listing `descriptors` (distribution-spec v1.1 §"Referrers Tag Schema": an image
/// index whose `manifests` are the referrers' descriptors), sha256. `D` is a [`Descriptor`] or its JSON value
/// (what a client reads back from the registry): both give the same bytes.
pub fn tag_schema_index<D: Serialize>(descriptors: &[D]) -> Manifest {
    let index = json!({ "schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": descriptors });
    Manifest::new(&index, Algorithm::Sha256)
}

/// Builds the content of `spec`, or says why the spec is refused (before anything is written anywhere).
pub fn build(spec: &SeedSpec) -> Result<SeedContent, SeedError> {
    let subjects = spec
        .subjects_in_order()
        .enumerate()
        .map(|(position, s)| build_subject(&s, position))
        .collect::<Result<_, _>>()?;
    Ok(SeedContent { subjects })
}

/// An image manifest (config + one layer) whose content names `label` and `arch`; its blobs are appended to `blobs`.
fn image(label: &str, arch: &str, blobs: &mut Vec<Blob>) -> Value {
    let layer = Blob::new(format!("fake layer for {label} ({arch})"));
    let config = json!({
        "architecture": arch,
        "os": "linux",
        "config": { "Labels": { "fake-registry.subject": label } },
        "rootfs": { "type": "layers", "diff_ids": [layer.digest] }
    });
    let config = Blob::new(config.to_string());
    let doc = json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": config.descriptor(OCI_CONFIG),
        "layers": [layer.descriptor(OCI_LAYER_TAR_GZIP)]
    });
    blobs.push(layer);
    blobs.push(config);
    doc
}

fn build_subject(s: &SubjectSpec, position: usize) -> Result<SubjectContent, SeedError> {
    if !digest::valid_repository(&s.repository) {
        return Err(SeedError::InvalidRepository(s.repository.clone()));
    }
    let tag = s.tag_at(position);
    if !digest::valid_tag(&tag) {
        return Err(SeedError::InvalidTag(tag));
    }
    let total = s.referrers.len() + s.count;
    if total > MAX_REFERRERS_PER_SUBJECT {
        return Err(SeedError::TooMany(total));
    }
    let label = format!("{}:{tag}", s.repository);
    let algorithm = match s.digest_algorithm {
        DigestAlgorithm::Sha256 => Algorithm::Sha256,
        DigestAlgorithm::Sha512 => Algorithm::Sha512,
    };

    let mut blobs = Vec::new();
    let mut children = Vec::new();
    let doc = match s.kind {
        SubjectKind::Image => image(&label, "amd64", &mut blobs),
        SubjectKind::Index => {
            let mut entries = Vec::new();
            for arch in ["amd64", "arm64"] {
                let child = Manifest::new(&image(&label, arch, &mut blobs), Algorithm::Sha256);
                entries.push(json!({
                    "mediaType": OCI_MANIFEST, "digest": child.digest, "size": child.size(),
                    "platform": { "architecture": arch, "os": "linux" }
                }));
                children.push(child);
            }
            json!({ "schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": entries })
        }
    };
    let manifest = Manifest::new(&doc, algorithm);

    let generated = (0..s.count).map(|i| ReferrerSpec {
        artifact_type: Some(format!("application/vnd.example.sbom.v{}", i % 3)),
        annotations: BTreeMap::from([(
            "org.opencontainers.image.created".to_string(),
            DEMO_CREATED.to_string(),
        )]),
        ..Default::default()
    });
    let referrers = s
        .referrers
        .iter()
        .cloned()
        .chain(generated)
        .enumerate()
        .map(|(i, r)| build_referrer(&r, i, &label, &manifest))
        .collect::<Result<_, _>>()?;
    Ok(SubjectContent {
        repository: s.repository.clone(),
        tag,
        kind: s.kind,
        digest_algorithm: s.digest_algorithm,
        storage: s.storage,
        push_subject: s.push_subject,
        blobs,
        children,
        manifest,
        referrers,
    })
}

/// Referrer number `i` of the subject `label` (distinct content per position).
fn build_referrer(
    r: &ReferrerSpec,
    i: usize,
    label: &str,
    subject: &Manifest,
) -> Result<ReferrerContent, SeedError> {
    let effective = r
        .artifact_type
        .clone()
        .or_else(|| r.config_media_type.clone())
        .unwrap_or_else(|| EMPTY_JSON_MEDIA_TYPE.into());
    let cosign_suffix = match &r.cosign_suffix {
        Some(x) => CosignSuffix::parse(x).ok_or_else(|| SeedError::InvalidSuffix(x.clone()))?,
        None => CosignSuffix::for_type(&effective),
    };
    let layer_type = match cosign_suffix {
        CosignSuffix::Sig => SIGNATURE_LAYER_TYPE,
        CosignSuffix::Att => ATTESTATION_LAYER_TYPE,
        CosignSuffix::Sbom => r
            .artifact_type
            .as_deref()
            .unwrap_or("application/octet-stream"),
    };
    let payload = json!({ "fake-registry": format!("referrer {i} of {label}"), "type": effective });
    let layer = Blob::new(payload.to_string());
    let (config, config_descriptor) = match &r.config_media_type {
        Some(media_type) => {
            let blob = Blob::new(Bytes::from_static(b"{}"));
            let d = blob.descriptor(media_type);
            (Some(blob), d)
        }
        None => (None, Blob::empty_json().descriptor(EMPTY_JSON_MEDIA_TYPE)),
    };
    let mut layer_descriptor = layer.descriptor(layer_type);
    layer_descriptor["annotations"] =
        json!({ "org.opencontainers.image.title": format!("{cosign_suffix}-{i}.json") });
    let mut doc = json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": config_descriptor,
        "layers": [layer_descriptor],
        "subject": { "mediaType": subject.media_type, "digest": subject.digest, "size": subject.size() }
    });
    if let Some(at) = &r.artifact_type {
        doc["artifactType"] = json!(at);
    }
    if !r.annotations.is_empty() {
        doc["annotations"] = json!(r.annotations);
    }
    let manifest = Manifest::new(&doc, Algorithm::Sha256);
    let descriptor = referrer_descriptor(
        &doc,
        &manifest.media_type,
        &manifest.digest,
        manifest.size(),
    );
    Ok(ReferrerContent {
        manifest,
        config,
        layer,
        descriptor,
        annotations: r.annotations.clone(),
        cosign_suffix,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn everything() -> SeedSpec {
        SeedSpec::from_toml(
            r#"
[seed]
demo = true
[[seed.subjects]]
repository = "multi/arch"
kind = "index"
storage = "tag-schema+cosign"
count = 4
[[seed.subjects.referrers]]
config_media_type = "application/vnd.example.config+json"
[[seed.subjects]]
repository = "big/digest"
digest_algorithm = "sha512"
push_subject = false
[[seed.subjects.referrers]]
artifact_type = "application/vnd.example.dsse"
"#,
        )
        .unwrap()
    }

    #[test]
    fn build_is_deterministic_and_digests_are_of_the_bytes() {
        let a = build(&everything()).unwrap();
        assert_eq!(a, build(&everything()).unwrap());
        let [demo, index, big] = &a.subjects[..] else {
            panic!("three subjects: {a:?}")
        };
        assert_eq!(
            (demo.tag.as_str(), index.tag.as_str(), big.tag.as_str()),
            ("latest", "s1", "s2")
        );
        for s in &a.subjects {
            let blobs = s.blobs.iter().chain(
                s.referrers
                    .iter()
                    .flat_map(|r| r.config.iter().chain([&r.layer])),
            );
            for b in blobs {
                assert_eq!(b.digest, digest::sha256(&b.bytes));
            }
            for m in s
                .children
                .iter()
                .chain(s.referrers.iter().map(|r| &r.manifest))
            {
                assert_eq!(m.digest, digest::sha256(&m.bytes));
            }
            let alg = match s.digest_algorithm {
                DigestAlgorithm::Sha256 => Algorithm::Sha256,
                DigestAlgorithm::Sha512 => Algorithm::Sha512,
            };
            assert_eq!(s.manifest.digest, alg.digest(&s.manifest.bytes));
            for r in &s.referrers {
                let doc: Value = serde_json::from_slice(&r.manifest.bytes).unwrap();
                assert_eq!(doc["subject"]["digest"], json!(s.manifest.digest));
                assert_eq!(doc["subject"]["size"], json!(s.manifest.size()));
                assert_eq!(r.descriptor.digest, r.manifest.digest);
                assert_eq!(r.descriptor.size, r.manifest.size());
            }
        }
        assert!(big.manifest.digest.starts_with("sha512:"));
        assert_eq!(index.manifest.media_type, OCI_INDEX);
        assert_eq!(index.children.len(), 2);
        assert_eq!(index.blobs.len(), 4, "a layer and a config per platform");
        assert_eq!(index.referrers.len(), 5);
    }

    #[test]
    fn referrers_derive_their_type_suffix_and_layer() {
        let content = build(&everything()).unwrap();
        let demo = &content.subjects[0].referrers;
        let types: Vec<_> = demo
            .iter()
            .map(|r| r.descriptor.artifact_type.as_deref())
            .collect();
        assert_eq!(
            types,
            [
                Some(super::super::DEMO_SBOM_TYPE),
                Some(super::super::DEMO_SIGNATURE_TYPE),
                Some("application/vnd.in-toto+json")
            ]
        );
        // The attestation's type exists only as its config media type.
        let att: Value = serde_json::from_slice(&demo[2].manifest.bytes).unwrap();
        assert!(att.get("artifactType").is_none());
        assert_eq!(att["layers"][0]["mediaType"], ATTESTATION_LAYER_TYPE);
        let suffixes: Vec<_> = demo.iter().map(|r| r.cosign_suffix).collect();
        assert_eq!(
            suffixes,
            [CosignSuffix::Sbom, CosignSuffix::Sig, CosignSuffix::Att]
        );
        // The empty config has no blob of its own, but a push uploads `{}`.
        assert_eq!(demo[0].config, None);
        assert_eq!(demo[0].blobs()[0], Blob::empty_json());
        assert_eq!(
            demo[2].config.as_ref().map(|b| b.digest.as_str()),
            Some(EMPTY_JSON_DIGEST)
        );

        let index = &content.subjects[1].referrers;
        assert_eq!(
            index[0].descriptor.artifact_type.as_deref(),
            Some("application/vnd.example.config+json")
        );
        assert_eq!(
            index[2].descriptor.artifact_type.as_deref(),
            Some("application/vnd.example.sbom.v1")
        );
        assert_eq!(
            index[1].annotations["org.opencontainers.image.created"],
            DEMO_CREATED
        );
        assert_eq!(
            content.subjects[2].referrers[0].cosign_suffix,
            CosignSuffix::Att,
            "dsse"
        );
    }

    #[test]
    fn cosign_tags_name_the_last_referrer_per_suffix() {
        let spec = SeedSpec {
            demo: false,
            subjects: vec![SubjectSpec {
                count: 3,
                referrers: vec![ReferrerSpec {
                    artifact_type: Some("x/sig".into()),
                    ..Default::default()
                }],
                ..Default::default()
            }],
        };
        let s = &build(&spec).unwrap().subjects[0];
        let schema = s.tag_schema_tag();
        assert_eq!(
            s.cosign_tags(),
            [(format!("{schema}.sbom"), 3), (format!("{schema}.sig"), 0)]
        );
    }

    #[test]
    fn the_tag_schema_index_is_the_same_from_descriptors_or_their_json() {
        let content = build(&SeedSpec::demo()).unwrap();
        let descriptors: Vec<Descriptor> = content.subjects[0]
            .referrers
            .iter()
            .map(|r| r.descriptor.clone())
            .collect();
        let from_descriptors = tag_schema_index(&descriptors);
        // What a client reads back and re-lists.
        let listed: Value = serde_json::from_slice(&from_descriptors.bytes).unwrap();
        let values = listed["manifests"].as_array().unwrap().clone();
        assert_eq!(tag_schema_index(&values), from_descriptors);
        assert_eq!(from_descriptors.media_type, OCI_INDEX);
        assert_eq!(values[2]["artifactType"], "application/vnd.in-toto+json");
        assert!(values[2].get("blobs_size").is_none());
    }
}
