//! Lenient decoding of the referrers image index (image-spec v1.1.1 `image-index.md`, distribution-spec
//! `spec.md#listing-referrers`) and the `artifactType` rule (image-spec `manifest.md#guidelines-for-artifact-usage`).
//!
//! An index is believed only when it is a JSON object with `schemaVersion: 2` and a `manifests` array (and, when a
//! `mediaType` is present, it is the OCI index type). Descriptors that break the descriptor rules are dropped and
//! counted, never silently kept or silently lost.

use super::digest::Digest;
use super::media;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

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
pub fn parse_index(body: &[u8], max_descriptors: usize) -> Result<ParsedIndex, IndexError> {
    let v: Value = serde_json::from_slice(body).map_err(|_| IndexError::NotJson)?;
    let obj = v.as_object().ok_or(IndexError::NotObject)?;
    match obj.get("schemaVersion") {
        Some(Value::Number(n)) if n.as_u64() == Some(2) => {}
        Some(other) => return Err(IndexError::SchemaVersion(truncate(&other.to_string(), 40))),
        None => return Err(IndexError::SchemaVersion("missing".into())),
    }
    if let Some(mt) = obj.get("mediaType") {
        match mt.as_str() {
            Some(s) if media::essence(s) == media::OCI_INDEX => {}
            _ => return Err(IndexError::MediaType(truncate(&mt.to_string(), 100))),
        }
    }
    let manifests = obj
        .get("manifests")
        .and_then(Value::as_array)
        .ok_or(IndexError::NoManifests)?;
    let mut out = ParsedIndex {
        filters_applied_annotation: obj
            .get("annotations")
            .and_then(|a| a.get("org.opencontainers.referrers.filtersApplied"))
            .and_then(Value::as_str)
            .map(str::to_string),
        ..ParsedIndex::default()
    };
    for (position, m) in manifests.iter().enumerate() {
        if out.descriptors.len() + out.dropped.len() >= max_descriptors {
            out.over_cap = manifests.len() - position;
            break;
        }
        match validate_descriptor(m) {
            Ok(d) => out.descriptors.push(d),
            Err(reason) => out.dropped.push(DroppedDescriptor {
                position,
                digest: m
                    .get("digest")
                    .and_then(Value::as_str)
                    .map(|s| truncate(s, 200)),
                reason,
            }),
        }
    }
    Ok(out)
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// Validate one descriptor (image-spec `descriptor.md#properties`).
pub fn validate_descriptor(m: &Value) -> Result<Descriptor, String> {
    let o = m.as_object().ok_or("descriptor is not an object")?;
    let media_type = match o.get("mediaType") {
        Some(Value::String(s)) if !s.is_empty() && s.len() <= 255 => s.clone(),
        _ => return Err("mediaType missing or not a non-empty string".into()),
    };
    let digest = match o.get("digest") {
        Some(Value::String(s)) => s.parse::<Digest>().map_err(|e| e.to_string())?.to_string(),
        _ => return Err("digest missing or not a string".into()),
    };
    let size = match o.get("size") {
        Some(Value::Number(n)) => n.as_u64().ok_or("size is not a non-negative integer")?,
        _ => return Err("size missing or not a number".into()),
    };
    let artifact_type = match o.get("artifactType") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err("artifactType is not a string".into()),
    };
    let annotations = string_map(o.get("annotations")).ok_or("annotations is not a string map")?;
    Ok(Descriptor {
        media_type,
        digest,
        size,
        artifact_type,
        annotations,
    })
}

fn string_map(v: Option<&Value>) -> Option<BTreeMap<String, String>> {
    match v {
        None | Some(Value::Null) => Some(BTreeMap::new()),
        Some(Value::Object(m)) => m
            .iter()
            .map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
            .collect(),
        Some(_) => None,
    }
}

/// The `artifactType` a referrers listing gives a manifest: its own `artifactType`, else (an image manifest) its
/// `config.mediaType`; an index without `artifactType` has none (distribution-spec `spec.md#listing-referrers`).
pub fn derive_artifact_type(manifest: &Value) -> Option<String> {
    let o = manifest.as_object()?;
    if let Some(Value::String(s)) = o.get("artifactType")
        && !s.is_empty()
    {
        return Some(s.clone());
    }
    let mt = o.get("mediaType").and_then(Value::as_str).unwrap_or("");
    if mt == media::OCI_INDEX
        || mt == media::DOCKER_LIST
        || (mt.is_empty() && o.contains_key("manifests"))
    {
        return None;
    }
    o.get("config")
        .and_then(|c| c.get("mediaType"))
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// Annotations of a manifest (string values only; others ignored).
pub fn manifest_annotations(manifest: &Value) -> BTreeMap<String, String> {
    manifest
        .get("annotations")
        .and_then(Value::as_object)
        .map(|m: &Map<String, Value>| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// `subject.digest` of a manifest, if any.
pub fn manifest_subject(manifest: &Value) -> Option<String> {
    manifest
        .get("subject")?
        .get("digest")?
        .as_str()
        .map(str::to_string)
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    const D: &str = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

    #[test]
    fn valid_index_with_a_bad_descriptor() {
        let body = json!({"schemaVersion":2,"mediaType":media::OCI_INDEX,"manifests":[
            {"mediaType":media::OCI_MANIFEST,"digest":D,"size":2,"artifactType":"a/b","annotations":{"k":"v"}},
            {"mediaType":media::OCI_MANIFEST,"digest":"sha256:zz","size":2},
            {"mediaType":media::OCI_MANIFEST,"digest":D,"size":-1},
            {"mediaType":media::OCI_MANIFEST,"digest":D,"size":1,"annotations":{"k":1}},
            "string"
        ]});
        let p = parse_index(body.to_string().as_bytes(), 100).unwrap();
        assert_eq!(p.descriptors.len(), 1);
        assert_eq!(p.descriptors[0].annotations["k"], "v");
        assert_eq!(p.dropped.len(), 4);
        assert_eq!(p.dropped[0].position, 1);
    }

    #[test]
    fn not_indexes() {
        assert_eq!(
            parse_index(b"<html>login</html>", 10),
            Err(IndexError::NotJson)
        );
        assert_eq!(
            parse_index(b"{}", 10),
            Err(IndexError::SchemaVersion("missing".into()))
        );
        assert_eq!(parse_index(b"[]", 10), Err(IndexError::NotObject));
        assert_eq!(
            parse_index(br#"{"schemaVersion":2}"#, 10),
            Err(IndexError::NoManifests)
        );
        assert_eq!(
            parse_index(br#"{"schemaVersion":"2","manifests":[]}"#, 10)
                .unwrap_err()
                .kind(),
            "invalid-index"
        );
        assert!(matches!(
            parse_index(
                format!(
                    r#"{{"schemaVersion":2,"mediaType":"{}","manifests":[]}}"#,
                    media::OCI_MANIFEST
                )
                .as_bytes(),
                10
            ),
            Err(IndexError::MediaType(_))
        ));
        assert!(
            parse_index(br#"{"schemaVersion":2,"manifests":[]}"#, 10)
                .unwrap()
                .descriptors
                .is_empty()
        );
    }

    #[test]
    fn descriptor_cap() {
        let m: Vec<Value> = (0..5)
            .map(|_| json!({"mediaType":"x","digest":D,"size":1}))
            .collect();
        let p = parse_index(
            json!({"schemaVersion":2,"manifests":m})
                .to_string()
                .as_bytes(),
            3,
        )
        .unwrap();
        assert_eq!(p.descriptors.len(), 3);
        assert_eq!(p.over_cap, 2);
    }

    #[test]
    fn artifact_type_rule() {
        assert_eq!(
            derive_artifact_type(&json!({"artifactType":"x/y","config":{"mediaType":"c"}})),
            Some("x/y".into())
        );
        assert_eq!(
            derive_artifact_type(
                &json!({"mediaType":media::OCI_MANIFEST,"config":{"mediaType":"c/d"}})
            ),
            Some("c/d".into())
        );
        assert_eq!(
            derive_artifact_type(&json!({"mediaType":media::OCI_INDEX,"manifests":[]})),
            None
        );
        assert_eq!(
            derive_artifact_type(&json!({"mediaType":media::OCI_INDEX,"artifactType":"i/t"})),
            Some("i/t".into())
        );
        assert_eq!(derive_artifact_type(&json!(5)), None);
    }

    proptest! {
        #[test]
        fn never_panics(b in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = parse_index(&b, 10);
        }

        #[test]
        fn valid_descriptors_survive(n in 0usize..20, bad in 0usize..5) {
            let mut m: Vec<Value> = (0..n).map(|i| json!({"mediaType":"a/b","digest":D,"size":i})).collect();
            for _ in 0..bad { m.push(json!({"digest": 1})); }
            let p = parse_index(json!({"schemaVersion":2,"manifests":m}).to_string().as_bytes(), 1000).unwrap();
            prop_assert_eq!(p.descriptors.len(), n);
            prop_assert_eq!(p.dropped.len(), bad);
        }
    }
}
