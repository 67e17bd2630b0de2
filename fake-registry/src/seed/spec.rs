//! The `[seed]` table of a scenario file: the serde types (`SeedSpec`, `SubjectSpec`, `ReferrerSpec` and their
//! enums), what a `cosign_suffix` means ([`CosignSuffix`]), the demo content, and the order and default tags of a
//! spec's subjects.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

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

/// How referrers are stored. Referrers are always pushed with `subject`, so a registry with the API lists them
/// whatever the mode; the mode says which client-side fallbacks are written too. What a mode means on a given target
/// (`auto` above all) is [`Storage::resolve`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Storage {
    /// Whatever the target needs: nothing on a registry that indexes `subject`, the fallbacks where it does not.
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

/// The suffix of a cosign-style tag `<alg>-<hex>.<suffix>` (ordered by name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CosignSuffix {
    /// `att`: an attestation.
    Att,
    /// `sbom`: an SBOM (and anything that is neither a signature nor an attestation).
    Sbom,
    /// `sig`: a signature.
    Sig,
}

impl CosignSuffix {
    /// `att`, `sbom` or `sig`.
    pub fn as_str(self) -> &'static str {
        match self {
            CosignSuffix::Att => "att",
            CosignSuffix::Sbom => "sbom",
            CosignSuffix::Sig => "sig",
        }
    }

    /// A scenario's `cosign_suffix`.
    pub fn parse(s: &str) -> Option<CosignSuffix> {
        match s {
            "att" => Some(CosignSuffix::Att),
            "sbom" => Some(CosignSuffix::Sbom),
            "sig" => Some(CosignSuffix::Sig),
            _ => None,
        }
    }

    /// The suffix a referrer of this type gets when its spec names none (case-insensitive): a type naming `sig`
    /// is a signature; `in-toto`, `attest` or `dsse` an attestation; anything else an SBOM.
    pub fn for_type(effective_type: &str) -> CosignSuffix {
        let t = effective_type.to_ascii_lowercase();
        if t.contains("sig") {
            CosignSuffix::Sig
        } else if t.contains("in-toto") || t.contains("attest") || t.contains("dsse") {
            CosignSuffix::Att
        } else {
            CosignSuffix::Sbom
        }
    }
}

impl fmt::Display for CosignSuffix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
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

impl SeedSpec {
    /// The subjects in seed order: the demo subject first when `demo = true`, then the listed ones.
    pub fn subjects_in_order(&self) -> impl Iterator<Item = SubjectSpec> + '_ {
        self.demo
            .then(demo_subject)
            .into_iter()
            .chain(self.subjects.iter().cloned())
    }
}

impl SubjectSpec {
    /// The tag of this subject at `position` in seed order: its own, else `latest` for the first subject and
    /// `s<position>` for later ones.
    pub fn tag_at(&self, position: usize) -> String {
        self.tag.clone().unwrap_or_else(|| {
            if position == 0 {
                "latest".into()
            } else {
                format!("s{position}")
            }
        })
    }
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
        assert_eq!(s.digest_algorithm, DigestAlgorithm::Sha512);
        assert_eq!(s.storage, Storage::TagSchemaCosign);
        assert_eq!(s.count, 2);
        assert!(!s.push_subject);
        assert_eq!(s.referrers[0].cosign_suffix.as_deref(), Some("sbom"));
        assert!(toml::from_str::<File>("[seed]\nbogus = 1").is_err());
        for (text, storage) in [
            ("auto", Storage::Auto),
            ("api", Storage::Api),
            ("tag-schema", Storage::TagSchema),
            ("cosign", Storage::Cosign),
            ("tag-schema+cosign", Storage::TagSchemaCosign),
            ("none", Storage::None),
        ] {
            let spec =
                SeedSpec::from_toml(&format!("[[seed.subjects]]\nstorage = \"{text}\"\n")).unwrap();
            assert_eq!(spec.subjects[0].storage, storage, "{text}");
        }
    }

    #[test]
    fn cosign_suffix_rule() {
        for (t, want) in [
            (
                "application/vnd.dev.cosign.artifact.sig.v1+json",
                CosignSuffix::Sig,
            ),
            ("application/vnd.in-toto+json", CosignSuffix::Att),
            ("application/vnd.example.Attestation", CosignSuffix::Att),
            ("application/vnd.dsse.envelope.v1+json", CosignSuffix::Att),
            ("application/vnd.cyclonedx+json", CosignSuffix::Sbom),
            // "att" alone is not an attestation (it was for the push client's twin rule).
            ("application/vnd.example.attribute", CosignSuffix::Sbom),
            ("application/vnd.oci.empty.v1+json", CosignSuffix::Sbom),
        ] {
            assert_eq!(CosignSuffix::for_type(t), want, "{t}");
        }
        for s in [CosignSuffix::Att, CosignSuffix::Sbom, CosignSuffix::Sig] {
            assert_eq!(CosignSuffix::parse(s.as_str()), Some(s));
        }
        assert_eq!(CosignSuffix::parse("signature"), None);
    }

    #[test]
    fn demo_first_then_default_tags_by_position() {
        let spec: SeedSpec = toml::from_str(
            "demo = true\n[[subjects]]\nrepository = \"a/b\"\n[[subjects]]\nrepository = \"c\"\ntag = \"x\"\n",
        )
        .unwrap();
        let tags: Vec<String> = spec
            .subjects_in_order()
            .enumerate()
            .map(|(i, s)| s.tag_at(i))
            .collect();
        assert_eq!(tags, ["latest", "s1", "x"]);
        assert_eq!(spec.subjects_in_order().next(), Some(demo_subject()));
    }
}
