//! The few fields of a manifest that the cosign-tag fallback and verify mode use, read in one pass (see
//! [`super::json_read`]): `mediaType`, the `artifactType` a referrers listing would give it (image-spec
//! `manifest.md#guidelines-for-artifact-usage`, distribution-spec `spec.md#listing-referrers`), its string
//! annotations and `subject.digest`.

use super::json_read::{
    Annotations, Key, Lite, Skip, SkipVisitor, other_visits, read_with, seed_by_any,
};
use super::media;
use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

/// What the fallbacks keep of a manifest. A JSON body that is not an object has none of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ManifestFields {
    /// Top-level `mediaType`, when it is a string (possibly empty).
    pub media_type: Option<String>,
    /// Its own non-empty `artifactType`; else, unless it is an index, `config.mediaType` (when a string).
    pub artifact_type: Option<String>,
    /// `annotations` entries whose value is a string (others ignored).
    pub annotations: BTreeMap<String, String>,
    /// `subject.digest`, when it is a string.
    pub subject_digest: Option<String>,
}

/// Read a manifest body; `None` when it is not JSON (wherever the flaw is, as a `serde_json::Value` parse judges).
pub fn read_manifest(body: &[u8]) -> Option<ManifestFields> {
    let top = read_with(body, TopVisitor)?;
    let Some(t) = top else {
        return Some(ManifestFields::default());
    };
    let str_of = |l: &Option<Lite<'_>>| match l {
        Some(Lite::Str(s)) => Some(s.to_string()),
        _ => None,
    };
    let media_type = str_of(&t.media_type);
    let artifact_type = match &t.artifact_type {
        Some(Lite::Str(s)) if !s.is_empty() => Some(s.to_string()),
        _ => {
            let mt = media_type.as_deref().unwrap_or("");
            let is_index = mt == media::OCI_INDEX
                || mt == media::DOCKER_LIST
                || (mt.is_empty() && t.has_manifests);
            if is_index {
                None
            } else {
                t.config_media_type.map(Cow::into_owned)
            }
        }
    };
    Some(ManifestFields {
        media_type,
        artifact_type,
        annotations: match t.annotations {
            Some(Annotations::Map { strings, .. }) => strings,
            _ => BTreeMap::new(),
        },
        subject_digest: t.subject_digest.map(Cow::into_owned),
    })
}

/// The top-level fields as read (each key's last value).
#[derive(Default)]
struct Top<'de> {
    media_type: Option<Lite<'de>>,
    artifact_type: Option<Lite<'de>>,
    has_manifests: bool,
    config_media_type: Option<Cow<'de, str>>,
    annotations: Option<Annotations>,
    subject_digest: Option<Cow<'de, str>>,
}

/// The top-level value: `Some` for an object, `None` for anything else.
struct TopVisitor;

seed_by_any!(TopVisitor);

impl<'de> Visitor<'de> for TopVisitor {
    type Value = Option<Top<'de>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    other_visits!(Option<Top<'de>>, None);
    fn visit_seq<A: SeqAccess<'de>>(self, a: A) -> Result<Self::Value, A::Error> {
        SkipVisitor.visit_seq(a).map(|_| None)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
        let mut t = Top::default();
        while let Some(Key(k)) = a.next_key()? {
            match &*k {
                "mediaType" => t.media_type = Some(a.next_value()?),
                "artifactType" => t.artifact_type = Some(a.next_value()?),
                "manifests" => {
                    a.next_value::<Skip>()?;
                    t.has_manifests = true;
                }
                "config" => t.config_media_type = a.next_value::<FieldOf<MediaTypeKey>>()?.0,
                "annotations" => t.annotations = Some(a.next_value()?),
                "subject" => t.subject_digest = a.next_value::<FieldOf<DigestKey>>()?.0,
                _ => {
                    a.next_value::<Skip>()?;
                }
            }
        }
        Ok(Some(t))
    }
}

/// Names one string field of a nested object.
trait FieldName {
    const NAME: &'static str;
}
struct MediaTypeKey;
impl FieldName for MediaTypeKey {
    const NAME: &'static str = "mediaType";
}
struct DigestKey;
impl FieldName for DigestKey {
    const NAME: &'static str = "digest";
}

/// `value.<F::NAME>` when the value is an object and that field (its last occurrence) is a string.
struct FieldOf<'de, F>(Option<Cow<'de, str>>, std::marker::PhantomData<F>);

impl<'de, F: FieldName> Deserialize<'de> for FieldOf<'de, F> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<F>(std::marker::PhantomData<F>);
        impl<'de, F: FieldName> Visitor<'de> for V<F> {
            type Value = FieldOf<'de, F>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            other_visits!(FieldOf<'de, F>, FieldOf(None, std::marker::PhantomData));
            fn visit_seq<A: SeqAccess<'de>>(self, a: A) -> Result<Self::Value, A::Error> {
                SkipVisitor
                    .visit_seq(a)
                    .map(|_| FieldOf(None, std::marker::PhantomData))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                let mut found = None;
                while let Some(Key(k)) = a.next_key()? {
                    if k == F::NAME {
                        found = match a.next_value::<Lite<'de>>()? {
                            Lite::Str(s) => Some(s),
                            _ => None,
                        };
                    } else {
                        a.next_value::<Skip>()?;
                    }
                }
                Ok(FieldOf(found, std::marker::PhantomData))
            }
        }
        d.deserialize_any(V::<F>(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::super::json_gen::{Node, mostly, node, object_of, string, text};
    use super::*;
    use proptest::prelude::*;
    use serde_json::{Value, json};

    /// The `serde_json::Value` reading this module replaced, kept as the oracle it must agree with.
    mod reference {
        use super::super::super::media;
        use serde_json::{Map, Value};
        use std::collections::BTreeMap;

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

        pub fn manifest_subject(manifest: &Value) -> Option<String> {
            manifest
                .get("subject")?
                .get("digest")?
                .as_str()
                .map(str::to_string)
        }
    }

    fn old_read(body: &[u8]) -> Option<ManifestFields> {
        let m: Value = serde_json::from_slice(body).ok()?;
        Some(ManifestFields {
            media_type: m
                .get("mediaType")
                .and_then(Value::as_str)
                .map(str::to_string),
            artifact_type: reference::derive_artifact_type(&m),
            annotations: reference::manifest_annotations(&m),
            subject_digest: reference::manifest_subject(&m),
        })
    }

    /// Mostly manifest-shaped: `mediaType`, `artifactType`, `config`, `annotations`, `subject`, `manifests`.
    fn manifest_text() -> impl Strategy<Value = String> {
        let mt = || {
            prop_oneof![
                Just(Node::Str(media::OCI_MANIFEST)),
                Just(Node::Str(media::OCI_INDEX)),
                Just(Node::Str(media::DOCKER_LIST)),
                Just(Node::Str("")),
                string(),
            ]
        };
        let inner = |k: &'static str| mostly(object_of(vec![(k, mostly(string()))], 1)).boxed();
        let annotations = object_of(
            vec![("k", mostly(string())), ("\\u00e9", mostly(string()))],
            2,
        );
        let top = object_of(
            vec![
                ("mediaType", mostly(mt())),
                ("artifactType", mostly(string())),
                ("config", inner("mediaType")),
                ("annotations", mostly(annotations)),
                ("subject", inner("digest")),
                ("manifests", node().boxed()),
                ("mediaType", mostly(mt())),
            ],
            2,
        );
        prop_oneof![8 => top, 1 => node()].prop_map(|n| text(&n))
    }

    #[test]
    fn reads_a_cosign_signature_manifest() {
        let body = json!({
            "schemaVersion": 2,
            "mediaType": media::OCI_MANIFEST,
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": 2},
            "layers": [{"mediaType": "application/vnd.dev.cosign.simplesigning.v1+json"}],
            "annotations": {"a": "b", "n": 5},
            "subject": {"digest": "sha256:x"}
        })
        .to_string();
        let m = read_manifest(body.as_bytes()).unwrap();
        assert_eq!(m.media_type.as_deref(), Some(media::OCI_MANIFEST));
        assert_eq!(
            m.artifact_type.as_deref(),
            Some("application/vnd.oci.image.config.v1+json")
        );
        assert_eq!(m.annotations.len(), 1);
        assert_eq!(m.subject_digest.as_deref(), Some("sha256:x"));
    }

    #[test]
    fn artifact_type_rule() {
        let at = |v: Value| {
            read_manifest(v.to_string().as_bytes())
                .unwrap()
                .artifact_type
        };
        assert_eq!(
            at(json!({"artifactType":"x/y","config":{"mediaType":"c"}})).as_deref(),
            Some("x/y")
        );
        assert_eq!(
            at(json!({"artifactType":"","config":{"mediaType":"c"}})).as_deref(),
            Some("c")
        );
        assert_eq!(
            at(json!({"mediaType":media::OCI_INDEX,"manifests":[]})),
            None
        );
        assert_eq!(
            at(json!({"mediaType":media::OCI_INDEX,"artifactType":"i/t"})).as_deref(),
            Some("i/t")
        );
        assert_eq!(at(json!({"manifests":[],"config":{"mediaType":"c"}})), None);
        assert_eq!(at(json!(5)), None);
    }

    #[test]
    fn not_json_and_not_objects() {
        assert_eq!(read_manifest(b"<html>"), None);
        assert_eq!(read_manifest(b"{} x"), None);
        assert_eq!(read_manifest(b"[1]"), Some(ManifestFields::default()));
    }

    proptest! {
        #[test]
        fn agrees_with_the_value_reading_on_bytes(b in proptest::collection::vec(any::<u8>(), 0..300)) {
            prop_assert_eq!(read_manifest(&b), old_read(&b));
        }

        #[test]
        fn agrees_with_the_value_reading_on_manifest_like_json(text in manifest_text(), cut in any::<proptest::sample::Index>(), do_cut in proptest::bool::weighted(0.1)) {
            let body = if do_cut { &text.as_bytes()[..cut.index(text.len() + 1)] } else { text.as_bytes() };
            prop_assert_eq!(read_manifest(body), old_read(body), "{}", text);
        }
    }
}
