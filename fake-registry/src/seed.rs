//! Seeding: put subjects and referrers in the store directly (no HTTP), the way real clients would have stored
//! them on the profile's registry, and return the ground truth ([`Seeded`]) tests and the matrix compare with.
//!
//! Storage modes (`storage` of a subject):
//! - `auto`: per profile — API profiles index referrers through `subject`; profiles without the API get the
//!   tag-schema index `sha256-<hex>` plus cosign `.sig`/`.att`/`.sbom` tags (as `oras`/`cosign` would write them);
//!   `gitlab` gets only the cosign tags: its profile resolves the reference `sha256-<hex>` to **the subject itself**
//!   (oras-go #1396), with no tag involved.
//! - `api`, `tag-schema`, `cosign`, `tag-schema+cosign`, `none`: exactly that (referrers are always pushed with
//!   `subject`, so an API profile lists them whatever the mode; `stored_as` says which discovery paths exist).
//!
//! All content is deterministic: the same spec gives the same digests on every run.

use std::collections::BTreeMap;

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::api::{OCI_INDEX, OCI_MANIFEST, referrer_descriptor};
use crate::digest::{self, Algorithm, tag_schema_name};
use crate::profile::{AutoStorage, Profile};
use crate::store::{Descriptor, EMPTY_JSON_DIGEST, EMPTY_JSON_MEDIA_TYPE, Store, StoredManifest};

/// Most referrers one subject may be seeded with.
pub const MAX_REFERRERS_PER_SUBJECT: usize = 10_000;

/// Artifact type of the demo SBOM.
pub const DEMO_SBOM_TYPE: &str = "application/vnd.cyclonedx+json";
/// Artifact type of the demo signature.
pub const DEMO_SIGNATURE_TYPE: &str = "application/vnd.dev.cosign.artifact.sig.v1+json";
/// Config media type of the demo attestation (its only artifact type).
pub const DEMO_ATTESTATION_CONFIG_TYPE: &str = "application/vnd.in-toto+json";
/// `org.opencontainers.image.created` of the demo referrers.
pub const DEMO_CREATED: &str = "2024-01-01T00:00:00Z";

/// What to seed (the `[seed]` table of a scenario file).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedSpec {
    /// Add the demo content (library/alpine:latest + SBOM, signature, attestation) first.
    #[serde(default)]
    pub demo: bool,
    /// Subjects to seed.
    #[serde(default)]
    pub subjects: Vec<SubjectSpec>,
}

/// A TOML file holding a `[seed]` table (a scenario file, or just the table).
#[derive(Debug, Clone, Deserialize)]
struct SeedFile {
    #[serde(default)]
    seed: SeedSpec,
}

impl SeedSpec {
    /// Read the `[seed]` table of a TOML document (other top-level keys, e.g. a whole scenario, are ignored).
    pub fn from_toml(text: &str) -> Result<SeedSpec, toml::de::Error> {
        toml::from_str::<SeedFile>(text).map(|f| f.seed)
    }

    /// The `--seed demo` content.
    pub fn demo() -> SeedSpec {
        SeedSpec {
            demo: true,
            subjects: vec![],
        }
    }
}

/// Image or index subject.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SubjectKind {
    /// An image manifest.
    #[default]
    Image,
    /// A multi-platform index with 2 platform manifests.
    Index,
}

/// Digest algorithm of the subject manifest.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DigestAlgorithm {
    /// sha256.
    #[default]
    Sha256,
    /// sha512.
    Sha512,
}

/// How referrers are stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Storage {
    /// Per profile (see the module docs).
    #[default]
    #[serde(rename = "auto")]
    Auto,
    /// Only through `subject` (the API).
    #[serde(rename = "api")]
    Api,
    /// Plus the tag-schema index.
    #[serde(rename = "tag-schema")]
    TagSchema,
    /// Plus cosign-style tags.
    #[serde(rename = "cosign")]
    Cosign,
    /// Plus both.
    #[serde(rename = "tag-schema+cosign")]
    TagSchemaCosign,
    /// Pushed with subject, no tags (undiscoverable without the API).
    #[serde(rename = "none")]
    None,
}

fn default_repo() -> String {
    "library/alpine".into()
}
fn yes() -> bool {
    true
}

/// One subject and its referrers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubjectSpec {
    /// Repository (default `library/alpine`).
    #[serde(default = "default_repo")]
    pub repository: String,
    /// Tag (default `latest` for the first subject of a spec, `s<N>` for later ones).
    #[serde(default)]
    pub tag: Option<String>,
    /// Image or index.
    #[serde(default)]
    pub kind: SubjectKind,
    /// Digest algorithm of the subject manifest.
    #[serde(default)]
    pub digest_algorithm: DigestAlgorithm,
    /// How referrers are stored.
    #[serde(default)]
    pub storage: Storage,
    /// Extra generated referrers (artifactType `application/vnd.example.sbom.v<i%3>`).
    #[serde(default)]
    pub count: usize,
    /// `false`: referrers are pushed but the subject never is.
    #[serde(default = "yes")]
    pub push_subject: bool,
    /// Explicit referrers.
    #[serde(default)]
    pub referrers: Vec<ReferrerSpec>,
}

impl Default for SubjectSpec {
    fn default() -> Self {
        SubjectSpec {
            repository: default_repo(),
            tag: None,
            kind: SubjectKind::Image,
            digest_algorithm: DigestAlgorithm::Sha256,
            storage: Storage::Auto,
            count: 0,
            push_subject: true,
            referrers: vec![],
        }
    }
}

/// One referrer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferrerSpec {
    /// Manifest-level `artifactType`; omit to derive it from the config.
    #[serde(default)]
    pub artifact_type: Option<String>,
    /// Config media type (default: the empty config type).
    #[serde(default)]
    pub config_media_type: Option<String>,
    /// Annotations of the referrer manifest.
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    /// `sig`, `att` or `sbom` for cosign-style storage (default by artifact type).
    #[serde(default)]
    pub cosign_suffix: Option<String>,
}

/// Ground truth of a seed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seeded {
    /// Subjects in seed order.
    pub subjects: Vec<SeededSubject>,
}

/// A seeded subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeededSubject {
    /// Repository.
    pub repository: String,
    /// Tag.
    pub tag: String,
    /// Digest of the subject manifest.
    pub digest: String,
    /// Media type of the subject manifest.
    pub media_type: String,
    /// Its referrers, in push order.
    pub referrers: Vec<SeededReferrer>,
    /// Was the subject manifest pushed (`push_subject`)?
    #[serde(default = "yes")]
    pub subject_pushed: bool,
}

/// A seeded referrer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeededReferrer {
    /// Digest of the referrer manifest.
    pub digest: String,
    /// Its media type.
    pub media_type: String,
    /// `artifactType` derived per the spec (manifest's own, else config media type).
    pub artifact_type: Option<String>,
    /// Its size.
    pub size: u64,
    /// Its annotations.
    pub annotations: BTreeMap<String, String>,
    /// Where discovery can find it: `api`, `tag-schema`, `cosign`.
    pub stored_as: Vec<String>,
}

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
}

/// The demo subject: library/alpine:latest with an SBOM, a signature and an attestation whose artifactType exists
/// only as its config media type.
pub fn demo_subject() -> SubjectSpec {
    let created = BTreeMap::from([(
        "org.opencontainers.image.created".to_string(),
        DEMO_CREATED.to_string(),
    )]);
    SubjectSpec {
        repository: "library/alpine".into(),
        tag: Some("latest".into()),
        referrers: vec![
            ReferrerSpec {
                artifact_type: Some(DEMO_SBOM_TYPE.into()),
                annotations: created.clone(),
                cosign_suffix: Some("sbom".into()),
                ..Default::default()
            },
            ReferrerSpec {
                artifact_type: Some(DEMO_SIGNATURE_TYPE.into()),
                annotations: created.clone(),
                cosign_suffix: Some("sig".into()),
                ..Default::default()
            },
            ReferrerSpec {
                artifact_type: None,
                config_media_type: Some(DEMO_ATTESTATION_CONFIG_TYPE.into()),
                annotations: created,
                cosign_suffix: Some("att".into()),
            },
        ],
        ..Default::default()
    }
}

fn default_suffix(effective_type: &str) -> &'static str {
    let t = effective_type.to_ascii_lowercase();
    if t.contains("sig") {
        "sig"
    } else if t.contains("in-toto") || t.contains("attest") || t.contains("dsse") {
        "att"
    } else {
        "sbom"
    }
}

fn put_blob(store: &Store, repo: &str, data: &[u8]) -> Value {
    let d = digest::sha256(data);
    store.put_blob(repo, &d, Bytes::copy_from_slice(data));
    json!({ "digest": d, "size": data.len() })
}

fn put_manifest(
    store: &Store,
    repo: &str,
    doc: &Value,
    alg: Algorithm,
    tag: Option<&str>,
    push: bool,
) -> (String, u64, Option<Descriptor>) {
    let bytes = serde_json::to_vec(doc).unwrap_or_default();
    let d = alg.digest(&bytes);
    let media_type = doc
        .get("mediaType")
        .and_then(Value::as_str)
        .unwrap_or(OCI_MANIFEST)
        .to_string();
    let subject = doc
        .get("subject")
        .and_then(|s| s.get("digest"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let desc = subject
        .as_ref()
        .map(|_| referrer_descriptor(doc, &media_type, &d, bytes.len() as u64));
    let size = bytes.len() as u64;
    if push {
        store.put_manifest(
            repo,
            &d,
            StoredManifest {
                bytes: Bytes::from(bytes),
                media_type,
                subject,
                referrer_descriptor: desc.clone(),
            },
            tag,
        );
    }
    (d, size, desc)
}

fn image_manifest(store: &Store, repo: &str, label: &str, arch: &str) -> Value {
    let layer = format!("fake layer for {label} ({arch})");
    let layer_desc = put_blob(store, repo, layer.as_bytes());
    let config = json!({
        "architecture": arch,
        "os": "linux",
        "config": { "Labels": { "fake-registry.subject": label } },
        "rootfs": { "type": "layers", "diff_ids": [digest::sha256(layer.as_bytes())] }
    })
    .to_string();
    let config_desc = put_blob(store, repo, config.as_bytes());
    json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": config_desc["digest"], "size": config_desc["size"]
        },
        "layers": [{
            "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
            "digest": layer_desc["digest"], "size": layer_desc["size"]
        }]
    })
}

/// Apply a seed to a store for a profile.
pub(crate) fn apply(store: &Store, profile: Profile, spec: &SeedSpec) -> Result<Seeded, SeedError> {
    let mut subjects: Vec<SubjectSpec> = Vec::new();
    if spec.demo {
        subjects.push(demo_subject());
    }
    subjects.extend(spec.subjects.iter().cloned());
    let mut out = Seeded::default();
    for (i, s) in subjects.iter().enumerate() {
        out.subjects.push(seed_subject(store, profile, s, i)?);
    }
    Ok(out)
}

fn seed_subject(
    store: &Store,
    profile: Profile,
    s: &SubjectSpec,
    position: usize,
) -> Result<SeededSubject, SeedError> {
    if !digest::valid_repository(&s.repository) {
        return Err(SeedError::InvalidRepository(s.repository.clone()));
    }
    let tag = s.tag.clone().unwrap_or_else(|| {
        if position == 0 {
            "latest".into()
        } else {
            format!("s{position}")
        }
    });
    if !digest::valid_tag(&tag) {
        return Err(SeedError::InvalidTag(tag));
    }
    let total = s.referrers.len() + s.count;
    if total > MAX_REFERRERS_PER_SUBJECT {
        return Err(SeedError::TooMany(total));
    }
    let repo = s.repository.as_str();
    let label = format!("{repo}:{tag}");
    let alg = match s.digest_algorithm {
        DigestAlgorithm::Sha256 => Algorithm::Sha256,
        DigestAlgorithm::Sha512 => Algorithm::Sha512,
    };

    // The subject.
    let doc = match s.kind {
        SubjectKind::Image => image_manifest(store, repo, &label, "amd64"),
        SubjectKind::Index => {
            let mut children = Vec::new();
            for arch in ["amd64", "arm64"] {
                let m = image_manifest(store, repo, &label, arch);
                let (d, size, _) = put_manifest(store, repo, &m, Algorithm::Sha256, None, true);
                children.push(json!({
                    "mediaType": OCI_MANIFEST, "digest": d, "size": size,
                    "platform": { "architecture": arch, "os": "linux" }
                }));
            }
            json!({ "schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": children })
        }
    };
    let subject_type = doc["mediaType"]
        .as_str()
        .unwrap_or(OCI_MANIFEST)
        .to_string();
    let (subject_digest, subject_size, _) =
        put_manifest(store, repo, &doc, alg, Some(&tag), s.push_subject);

    // Referrers.
    let mut specs: Vec<ReferrerSpec> = s.referrers.clone();
    for i in 0..s.count {
        specs.push(ReferrerSpec {
            artifact_type: Some(format!("application/vnd.example.sbom.v{}", i % 3)),
            annotations: BTreeMap::from([(
                "org.opencontainers.image.created".to_string(),
                DEMO_CREATED.to_string(),
            )]),
            ..Default::default()
        });
    }
    let mut referrers = Vec::new();
    let mut descs = Vec::new();
    let mut suffix_owner: BTreeMap<String, usize> = BTreeMap::new();
    for (i, r) in specs.iter().enumerate() {
        let effective = r
            .artifact_type
            .clone()
            .or_else(|| r.config_media_type.clone())
            .unwrap_or_else(|| EMPTY_JSON_MEDIA_TYPE.into());
        let suffix = match &r.cosign_suffix {
            Some(x) if ["sig", "att", "sbom"].contains(&x.as_str()) => x.clone(),
            Some(x) => return Err(SeedError::InvalidSuffix(x.clone())),
            None => default_suffix(&effective).to_string(),
        };
        let layer_type = match suffix.as_str() {
            "sig" => "application/vnd.dev.cosign.simplesigning.v1+json".to_string(),
            "att" => "application/vnd.dsse.envelope.v1+json".to_string(),
            _ => r
                .artifact_type
                .clone()
                .unwrap_or_else(|| "application/octet-stream".into()),
        };
        let payload =
            json!({ "fake-registry": format!("referrer {i} of {label}"), "type": effective })
                .to_string();
        let layer = put_blob(store, repo, payload.as_bytes());
        let config = match &r.config_media_type {
            Some(ct) => {
                let c = put_blob(store, repo, b"{}");
                json!({ "mediaType": ct, "digest": c["digest"], "size": c["size"] })
            }
            None => {
                json!({ "mediaType": EMPTY_JSON_MEDIA_TYPE, "digest": EMPTY_JSON_DIGEST, "size": 2 })
            }
        };
        let mut m = json!({
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": config,
            "layers": [{
                "mediaType": layer_type, "digest": layer["digest"], "size": layer["size"],
                "annotations": { "org.opencontainers.image.title": format!("{suffix}-{i}.json") }
            }],
            "subject": { "mediaType": subject_type, "digest": subject_digest, "size": subject_size }
        });
        if let Some(at) = &r.artifact_type {
            m["artifactType"] = json!(at);
        }
        if !r.annotations.is_empty() {
            m["annotations"] = json!(r.annotations);
        }
        let (d, size, desc) = put_manifest(store, repo, &m, Algorithm::Sha256, None, true);
        let desc = desc.unwrap_or(Descriptor {
            media_type: OCI_MANIFEST.into(),
            digest: d.clone(),
            size,
            artifact_type: None,
            annotations: None,
            config_media_type: None,
            blobs_size: 0,
        });
        suffix_owner.insert(suffix, i);
        referrers.push(SeededReferrer {
            digest: d,
            media_type: OCI_MANIFEST.into(),
            artifact_type: desc.artifact_type.clone(),
            size,
            annotations: r.annotations.clone(),
            stored_as: Vec::new(),
        });
        descs.push(desc);
    }

    // Storage.
    let (tag_schema, cosign, gitlab) = match s.storage {
        Storage::Auto => match profile.behaviour().storage {
            AutoStorage::Api => (false, false, false),
            AutoStorage::TagSchemaAndCosign => (true, true, false),
            AutoStorage::GitlabSubjectTag => (false, true, true),
        },
        Storage::Api | Storage::None => (false, false, false),
        Storage::TagSchema => (true, false, false),
        Storage::Cosign => (false, true, false),
        Storage::TagSchemaCosign => (true, true, false),
    };
    let schema_tag = tag_schema_name(&subject_digest);
    if profile.has_referrers_api() {
        for r in &mut referrers {
            r.stored_as.push("api".into());
        }
    }
    if tag_schema && !descs.is_empty() {
        let index = json!({ "schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": descs });
        put_manifest(
            store,
            repo,
            &index,
            Algorithm::Sha256,
            Some(&schema_tag),
            true,
        );
        for r in &mut referrers {
            r.stored_as.push("tag-schema".into());
        }
    }
    // GitLab needs no tag for its quirk: it resolves `sha256-<hex>` to the digest itself (profile behaviour).
    let _ = gitlab;
    if cosign {
        for (suffix, i) in &suffix_owner {
            store.set_tag(
                repo,
                &format!("{schema_tag}.{suffix}"),
                &referrers[*i].digest,
            );
            referrers[*i].stored_as.push("cosign".into());
        }
    }
    Ok(SeededSubject {
        repository: s.repository.clone(),
        tag,
        digest: subject_digest,
        media_type: subject_type,
        referrers,
        subject_pushed: s.push_subject,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_toml_format() {
        #[derive(Deserialize)]
        struct File {
            seed: SeedSpec,
        }
        let f: File = toml::from_str(
            r#"
[seed]
demo = true
[[seed.subjects]]
repository = "a/b/c"
kind = "index"
digest_algorithm = "sha512"
storage = "tag-schema+cosign"
count = 2
push_subject = false
[[seed.subjects.referrers]]
artifact_type = "application/vnd.cyclonedx+json"
annotations = { "org.opencontainers.image.created" = "2024-01-01T00:00:00Z" }
cosign_suffix = "sbom"
"#,
        )
        .unwrap();
        assert!(f.seed.demo);
        let s = &f.seed.subjects[0];
        assert_eq!(s.kind, SubjectKind::Index);
        assert_eq!(s.storage, Storage::TagSchemaCosign);
        assert!(!s.push_subject);
        assert!(toml::from_str::<File>("[seed]\nbogus = 1").is_err());
    }

    #[test]
    fn demo_is_deterministic_and_derives_types() {
        let a = apply(&Store::default(), Profile::OCI_1_1, &SeedSpec::demo()).unwrap();
        let b = apply(&Store::default(), Profile::OCI_1_1, &SeedSpec::demo()).unwrap();
        assert_eq!(a, b);
        let refs = &a.subjects[0].referrers;
        assert_eq!(refs.len(), 3);
        assert_eq!(
            refs[2].artifact_type.as_deref(),
            Some(DEMO_ATTESTATION_CONFIG_TYPE)
        );
        assert!(refs.iter().all(|r| r.stored_as == vec!["api".to_string()]));
    }

    #[test]
    fn storage_per_profile() {
        let store = Store::default();
        let s = apply(&store, Profile::DISTRIBUTION_2_8, &SeedSpec::demo()).unwrap();
        let subj = &s.subjects[0];
        let tags = store.tags("library/alpine").unwrap();
        let schema = tag_schema_name(&subj.digest);
        for t in [
            schema.clone(),
            format!("{schema}.sig"),
            format!("{schema}.att"),
            format!("{schema}.sbom"),
            "latest".into(),
        ] {
            assert!(tags.contains(&t), "{t} in {tags:?}");
        }
        assert!(
            subj.referrers
                .iter()
                .all(|r| r.stored_as == vec!["tag-schema".to_string(), "cosign".to_string()])
        );

        let store = Store::default();
        let s = apply(&store, Profile::GITLAB, &SeedSpec::demo()).unwrap();
        let subj = &s.subjects[0];
        let schema = tag_schema_name(&subj.digest);
        let tags = store.tags("library/alpine").unwrap();
        assert!(!tags.contains(&schema), "gitlab: no real tag-schema tag");
        assert!(tags.contains(&format!("{schema}.sig")));
    }

    #[test]
    fn rejects_bad_input() {
        let bad = |s: SubjectSpec| {
            apply(
                &Store::default(),
                Profile::OCI_1_1,
                &SeedSpec {
                    demo: false,
                    subjects: vec![s],
                },
            )
        };
        assert!(matches!(
            bad(SubjectSpec {
                repository: "UPPER".into(),
                ..Default::default()
            }),
            Err(SeedError::InvalidRepository(_))
        ));
        assert!(matches!(
            bad(SubjectSpec {
                count: MAX_REFERRERS_PER_SUBJECT + 1,
                ..Default::default()
            }),
            Err(SeedError::TooMany(_))
        ));
    }
}
