//! Lenient decoding of the referrers image index (image-spec v1.1.1 `image-index.md`, distribution-spec
//! `spec.md#listing-referrers`).
//!
//! An index is believed only when it is a JSON object with `schemaVersion: 2` and a `manifests` array (and, when a
//! `mediaType` is present, it is the OCI index type). Descriptors that break the descriptor rules are dropped and
//! counted, never silently kept or silently lost.

use super::digest::Digest;
use super::json_read::{Annotations, Lite, read_with};
use super::media;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

/// A validated descriptor from an index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Descriptor {
    /// `mediaType` of the referrer manifest.
    #[serde(rename = "mediaType")]
    pub media_type: String,
    /// Validated digest string.
    pub digest: String,
    /// Size in bytes.
    pub size: u64,
    /// `artifactType`, if the registry listed one.
    #[serde(rename = "artifactType")]
    pub artifact_type: Option<String>,
    /// Annotations (string values only).
    pub annotations: BTreeMap<String, String>,
}

/// A descriptor that was dropped, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DroppedDescriptor {
    /// Position in `manifests`.
    pub position: usize,
    /// Its digest if one could be read.
    pub digest: Option<String>,
    /// Why it was dropped.
    pub reason: String,
}

/// A decoded index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedIndex {
    /// Valid descriptors, in order.
    pub descriptors: Vec<Descriptor>,
    /// Descriptors dropped as invalid.
    pub dropped: Vec<DroppedDescriptor>,
    /// Descriptors beyond the cap, not read.
    pub over_cap: usize,
    /// The pre-1.1.0 annotation `org.opencontainers.referrers.filtersApplied`, if present.
    pub filters_applied_annotation: Option<String>,
}

/// Why a body is not an index.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndexError {
    /// Not JSON at all (HTML, text, truncated).
    #[error("body is not JSON")]
    NotJson,
    /// JSON but not an object.
    #[error("body is JSON but not an object")]
    NotObject,
    /// `schemaVersion` missing or not 2.
    #[error("schemaVersion is {0}, not 2")]
    SchemaVersion(String),
    /// `manifests` missing or not an array.
    #[error("manifests is missing or not an array")]
    NoManifests,
    /// `mediaType` present but not the OCI index type.
    #[error("mediaType is {0:?}, not the OCI index type")]
    MediaType(String),
}

impl IndexError {
    /// Stable kebab-case kind.
    pub fn kind(&self) -> &'static str {
        "invalid-index"
    }
}

/// Decode an index body leniently: structural problems are an [`IndexError`], bad descriptors are dropped.
/// At most `max_descriptors` descriptors are read; the rest are counted in `over_cap`.
///
/// The body is read in one pass into the few fields the rules look at (strings borrowed from the body where they
/// have no escapes), not into a `serde_json::Value` tree. Every part of the body is still checked exactly as a
/// `Value` parse checks it (numbers in range, strings valid, nesting depth, nothing after the value), so a body
/// that is not JSON is [`IndexError::NotJson`] wherever the flaw is; a key given twice counts once, the last
/// time, as in a `Value` object.
pub fn parse_index(body: &[u8], max_descriptors: usize) -> Result<ParsedIndex, IndexError> {
    let top = read_with(body, TopSeed { max_descriptors }).ok_or(IndexError::NotJson)?;
    let Top::Object(top) = top else {
        return Err(IndexError::NotObject);
    };
    match &top.schema_version {
        Some(Value::Number(n)) if n.as_u64() == Some(2) => {}
        Some(other) => return Err(IndexError::SchemaVersion(truncate(&other.to_string(), 40))),
        None => return Err(IndexError::SchemaVersion("missing".into())),
    }
    if let Some(mt) = &top.media_type {
        match mt.as_str() {
            Some(s) if media::essence(s) == media::OCI_INDEX => {}
            _ => return Err(IndexError::MediaType(truncate(&mt.to_string(), 100))),
        }
    }
    let Some(Manifests::Array(mut out)) = top.manifests else {
        return Err(IndexError::NoManifests);
    };
    out.filters_applied_annotation = top.filters_applied;
    Ok(out)
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// Validate one descriptor (image-spec `descriptor.md#properties`).
pub fn validate_descriptor(m: &Value) -> Result<Descriptor, String> {
    let o = m.as_object().ok_or("descriptor is not an object")?;
    let field = |k: &str| o.get(k).map(Lite::of);
    let annotations = match o.get("annotations") {
        None => None,
        Some(Value::Null) => Some(Annotations::Null),
        Some(Value::Object(m)) => Some(Annotations::Map {
            strings: m
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect(),
            all_strings: m.values().all(Value::is_string),
        }),
        Some(_) => Some(Annotations::Other),
    };
    check_descriptor(RawDescriptor {
        media_type: field("mediaType"),
        digest: field("digest"),
        size: field("size"),
        artifact_type: field("artifactType"),
        annotations,
    })
    .map_err(|(reason, _)| reason)
}

/// The rules of [`validate_descriptor`] on the fields read from the body; a failure also hands back the `digest`
/// string, if there was one, for the dropped-descriptor record.
fn check_descriptor(raw: RawDescriptor<'_>) -> Result<Descriptor, (String, Option<Cow<'_, str>>)> {
    let RawDescriptor {
        media_type,
        digest,
        size,
        artifact_type,
        annotations,
    } = raw;
    let digest = match digest {
        Some(Lite::Str(s)) => Some(s),
        _ => None,
    };
    let checked = check_fields(
        media_type,
        digest.as_deref(),
        size,
        artifact_type,
        annotations,
    );
    match (checked, digest) {
        (Ok((media_type, size, artifact_type, annotations)), Some(digest)) => Ok(Descriptor {
            media_type,
            // A valid digest reads back as the very same text.
            digest: digest.into_owned(),
            size,
            artifact_type,
            annotations,
        }),
        (Err(reason), digest) => Err((reason, digest)),
        // check_fields rejects a missing digest; kept total rather than unreachable.
        (Ok(_), None) => Err(("digest missing or not a string".into(), None)),
    }
}

type CheckedFields = (String, u64, Option<String>, BTreeMap<String, String>);

/// The descriptor rules in their order: `mediaType`, `digest`, `size`, `artifactType`, `annotations`.
fn check_fields(
    media_type: Option<Lite<'_>>,
    digest: Option<&str>,
    size: Option<Lite<'_>>,
    artifact_type: Option<Lite<'_>>,
    annotations: Option<Annotations>,
) -> Result<CheckedFields, String> {
    let media_type = match media_type {
        Some(Lite::Str(s)) if !s.is_empty() && s.len() <= 255 => s.into_owned(),
        _ => return Err("mediaType missing or not a non-empty string".into()),
    };
    match digest {
        Some(s) => Digest::check(s).map_err(|e| e.to_string())?,
        None => return Err("digest missing or not a string".into()),
    }
    let size = match size {
        Some(Lite::U64(n)) => n,
        Some(Lite::OtherNumber) => return Err("size is not a non-negative integer".into()),
        _ => return Err("size missing or not a number".into()),
    };
    let artifact_type = match artifact_type {
        None | Some(Lite::Null) => None,
        Some(Lite::Str(s)) => Some(s.into_owned()),
        Some(_) => return Err("artifactType is not a string".into()),
    };
    let annotations = match annotations {
        None | Some(Annotations::Null) => BTreeMap::new(),
        Some(Annotations::Map {
            strings,
            all_strings: true,
        }) => strings,
        Some(Annotations::Map { .. }) => return Err("annotations is not a string map".into()),
        Some(Annotations::Other) => return Err("annotations is not a string map".into()),
    };
    Ok((media_type, size, artifact_type, annotations))
}

/// One-pass reading of an index body. Every value is read with `deserialize_any`, the path a `serde_json::Value`
/// takes, so the same bodies fail (and the same nesting limit applies); what the rules ignore is checked and
/// dropped without being kept.
mod read {
    use super::*;
    use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};

    const FILTERS_APPLIED: &str = "org.opencontainers.referrers.filtersApplied";

    use crate::spec::json_read::{Key, Skip, SkipVisitor, other_visits, seed_by_any};

    /// One entry of `manifests`: an object's descriptor fields, or not an object.
    enum Entry<'de> {
        Object(RawDescriptor<'de>),
        NotObject,
    }

    impl<'de> Deserialize<'de> for Entry<'de> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Entry<'de>;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("any JSON value")
                }
                other_visits!(Entry<'de>, Entry::NotObject);
                fn visit_seq<A: SeqAccess<'de>>(self, a: A) -> Result<Entry<'de>, A::Error> {
                    SkipVisitor.visit_seq(a).map(|_| Entry::NotObject)
                }
                fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Entry<'de>, A::Error> {
                    let mut r = RawDescriptor::default();
                    while let Some(Key(k)) = a.next_key()? {
                        match &*k {
                            "mediaType" => r.media_type = Some(a.next_value()?),
                            "digest" => r.digest = Some(a.next_value()?),
                            "size" => r.size = Some(a.next_value()?),
                            "artifactType" => r.artifact_type = Some(a.next_value()?),
                            "annotations" => r.annotations = Some(a.next_value()?),
                            _ => {
                                a.next_value::<Skip>()?;
                            }
                        }
                    }
                    Ok(Entry::Object(r))
                }
            }
            d.deserialize_any(V)
        }
    }

    /// The `manifests` value: an array read into descriptors (up to the cap), or something else.
    pub(super) enum Manifests {
        Array(ParsedIndex),
        Other,
    }

    struct ManifestsSeed {
        max_descriptors: usize,
    }

    seed_by_any!(ManifestsSeed);

    impl<'de> Visitor<'de> for ManifestsSeed {
        type Value = Manifests;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any JSON value")
        }
        other_visits!(Manifests, Manifests::Other);
        fn visit_map<A: MapAccess<'de>>(self, a: A) -> Result<Manifests, A::Error> {
            SkipVisitor.visit_map(a).map(|_| Manifests::Other)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Manifests, A::Error> {
            let mut out = ParsedIndex::default();
            let mut position = 0usize;
            loop {
                if position >= self.max_descriptors {
                    // Beyond the cap: counted, checked, not kept.
                    while a.next_element::<Skip>()?.is_some() {
                        out.over_cap += 1;
                    }
                    break;
                }
                let Some(entry) = a.next_element::<Entry<'de>>()? else {
                    break;
                };
                let checked = match entry {
                    Entry::Object(raw) => check_descriptor(raw),
                    Entry::NotObject => Err(("descriptor is not an object".into(), None)),
                };
                match checked {
                    Ok(d) => out.descriptors.push(d),
                    Err((reason, digest)) => out.dropped.push(DroppedDescriptor {
                        position,
                        digest: digest.map(|s| truncate(&s, 200)),
                        reason,
                    }),
                }
                position += 1;
            }
            Ok(Manifests::Array(out))
        }
    }

    /// `annotations` of the index: only `org.opencontainers.referrers.filtersApplied` matters (when a string).
    struct IndexAnnotations(Option<String>);

    impl<'de> Deserialize<'de> for IndexAnnotations {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = IndexAnnotations;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("any JSON value")
                }
                other_visits!(IndexAnnotations, IndexAnnotations(None));
                fn visit_seq<A: SeqAccess<'de>>(self, a: A) -> Result<IndexAnnotations, A::Error> {
                    SkipVisitor.visit_seq(a).map(|_| IndexAnnotations(None))
                }
                fn visit_map<A: MapAccess<'de>>(
                    self,
                    mut a: A,
                ) -> Result<IndexAnnotations, A::Error> {
                    let mut found = None;
                    while let Some(Key(k)) = a.next_key()? {
                        if k == FILTERS_APPLIED {
                            found = match a.next_value::<Lite<'de>>()? {
                                Lite::Str(s) => Some(s.into_owned()),
                                _ => None,
                            };
                        } else {
                            a.next_value::<Skip>()?;
                        }
                    }
                    Ok(IndexAnnotations(found))
                }
            }
            d.deserialize_any(V)
        }
    }

    /// The fields of the index object the rules look at.
    #[derive(Default)]
    pub(super) struct TopObject {
        pub schema_version: Option<Value>,
        pub media_type: Option<Value>,
        pub manifests: Option<Manifests>,
        pub filters_applied: Option<String>,
    }

    pub(super) enum Top {
        Object(TopObject),
        NotObject,
    }

    pub(super) struct TopSeed {
        pub max_descriptors: usize,
    }

    seed_by_any!(TopSeed);

    impl<'de> Visitor<'de> for TopSeed {
        type Value = Top;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any JSON value")
        }
        other_visits!(Top, Top::NotObject);
        fn visit_seq<A: SeqAccess<'de>>(self, a: A) -> Result<Top, A::Error> {
            SkipVisitor.visit_seq(a).map(|_| Top::NotObject)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Top, A::Error> {
            let mut t = TopObject::default();
            while let Some(Key(k)) = a.next_key()? {
                match &*k {
                    "schemaVersion" => t.schema_version = Some(a.next_value()?),
                    "mediaType" => t.media_type = Some(a.next_value()?),
                    "manifests" => {
                        t.manifests = Some(a.next_value_seed(ManifestsSeed {
                            max_descriptors: self.max_descriptors,
                        })?)
                    }
                    "annotations" => t.filters_applied = a.next_value::<IndexAnnotations>()?.0,
                    _ => {
                        a.next_value::<Skip>()?;
                    }
                }
            }
            Ok(Top::Object(t))
        }
    }
}

use read::{Manifests, Top, TopSeed};

/// The fields of one `manifests` entry (absent fields `None`).
#[derive(Default)]
struct RawDescriptor<'a> {
    media_type: Option<Lite<'a>>,
    digest: Option<Lite<'a>>,
    size: Option<Lite<'a>>,
    artifact_type: Option<Lite<'a>>,
    annotations: Option<Annotations>,
}

/// True when a manifest JSON is an index (OCI index or Docker list), judged by `mediaType` or shape.
pub fn looks_like_index(manifest: &Value) -> bool {
    let mt = manifest
        .get("mediaType")
        .and_then(Value::as_str)
        .unwrap_or("");
    mt == media::OCI_INDEX
        || mt == media::DOCKER_LIST
        || (mt.is_empty() && manifest.get("manifests").is_some_and(Value::is_array))
}
