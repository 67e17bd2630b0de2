//! Tests of `index.rs` (`parse_index`): examples, and properties that hold it to the `serde_json::Value` decoder it
//! replaced. Declared by `spec/mod.rs` next to `index`, so it sees only what `index` makes public.

use super::digest::Digest;
use super::index::*;
use super::media;
use proptest::prelude::*;
use serde_json::Value;
use serde_json::json;
use std::collections::BTreeMap;

const D: &str = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

/// The `serde_json::Value` implementation `parse_index` replaced, kept as the oracle it must agree with.
mod reference {
    use super::*;

    pub fn old_parse_index(body: &[u8], max_descriptors: usize) -> Result<ParsedIndex, IndexError> {
        let v: Value = serde_json::from_slice(body).map_err(|_| IndexError::NotJson)?;
        let obj = v.as_object().ok_or(IndexError::NotObject)?;
        match obj.get("schemaVersion") {
            Some(Value::Number(n)) if n.as_u64() == Some(2) => {}
            Some(other) => {
                return Err(IndexError::SchemaVersion(old_truncate(
                    &other.to_string(),
                    40,
                )));
            }
            None => return Err(IndexError::SchemaVersion("missing".into())),
        }
        if let Some(mt) = obj.get("mediaType") {
            match mt.as_str() {
                Some(s) if media::essence(s) == media::OCI_INDEX => {}
                _ => return Err(IndexError::MediaType(old_truncate(&mt.to_string(), 100))),
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
            match old_validate_descriptor(m) {
                Ok(d) => out.descriptors.push(d),
                Err(reason) => out.dropped.push(DroppedDescriptor {
                    position,
                    digest: m
                        .get("digest")
                        .and_then(Value::as_str)
                        .map(|s| old_truncate(s, 200)),
                    reason,
                }),
            }
        }
        Ok(out)
    }

    fn old_truncate(s: &str, n: usize) -> String {
        s.chars().take(n).collect()
    }

    /// Validate one descriptor (image-spec `descriptor.md#properties`).
    fn old_validate_descriptor(m: &Value) -> Result<Descriptor, String> {
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
        let annotations =
            old_string_map(o.get("annotations")).ok_or("annotations is not a string map")?;
        Ok(Descriptor {
            media_type,
            digest,
            size,
            artifact_type,
            annotations,
        })
    }

    fn old_string_map(v: Option<&Value>) -> Option<BTreeMap<String, String>> {
        match v {
            None | Some(Value::Null) => Some(BTreeMap::new()),
            Some(Value::Object(m)) => m
                .iter()
                .map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect(),
            Some(_) => None,
        }
    }
}

use super::json_gen::{KEYS, Node, RAWS, node, string, text};

/// Mostly index-shaped: `schemaVersion` 2 and a `manifests` array of descriptor-like objects, plus noise.
fn index_text() -> impl Strategy<Value = String> {
    let raw = || proptest::sample::select(RAWS).prop_map(Node::Raw);
    let annotations = proptest::collection::vec(
        (
            proptest::sample::select(KEYS),
            prop_oneof![4 => string(), 1 => raw()],
        ),
        0..4,
    )
    .prop_map(Node::Obj);
    // The descriptor fields with likely (mostly valid) values, each usually present, in any order, plus noise.
    let field = |k: &'static str, good: Node, other: BoxedStrategy<Node>| {
        proptest::option::weighted(
            0.9,
            (
                Just(k),
                prop_oneof![6 => Just(good), 1 => other, 1 => node()],
            ),
        )
    };
    let descriptor = (
        field(
            "mediaType",
            Node::Str(media::OCI_MANIFEST),
            string().boxed(),
        ),
        field("digest", Node::Str(D), string().boxed()),
        field("size", Node::Raw("2"), raw().boxed()),
        proptest::option::of((Just("artifactType"), prop_oneof![string(), node()])),
        proptest::option::of((
            Just("annotations"),
            prop_oneof![4 => annotations, 1 => node()],
        )),
        proptest::collection::vec((proptest::sample::select(KEYS), node()), 0..2),
    )
        .prop_flat_map(|(m, d, s, a, n, mut extra)| {
            extra.extend([m, d, s, a, n].into_iter().flatten());
            Just(extra).prop_shuffle()
        })
        .prop_map(Node::Obj);
    let entry = prop_oneof![4 => descriptor, 1 => node()];
    let manifests = prop_oneof![
        4 => proptest::collection::vec(entry, 0..8).prop_map(Node::Arr),
        1 => node(),
    ];
    let top = (
        prop_oneof![
            2 => Just(vec![]),
            1 => proptest::collection::vec((proptest::sample::select(KEYS), node()), 0..3),
        ],
        prop_oneof![4 => Just(Node::Raw("2")), 1 => node()],
        manifests,
        proptest::bool::ANY,
    )
        .prop_map(|(mut extra, sv, m, sv_last)| {
            let mut fields = vec![("manifests", m)];
            if sv_last {
                fields.push(("schemaVersion", sv));
            } else {
                fields.insert(0, ("schemaVersion", sv));
            }
            fields.append(&mut extra);
            Node::Obj(fields)
        });
    prop_oneof![8 => top, 1 => node()].prop_map(|n| text(&n))
}

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
fn nesting_limit_and_trailing_bytes_as_before() {
    for depth in [100, 126, 127, 128, 129, 200] {
        let deep = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        for body in [
            format!(r#"{{"schemaVersion":2,"manifests":[],"x":{deep}}}"#),
            format!(r#"{{"schemaVersion":2,"manifests":[{{"annotations":{{"k":{deep}}}}}]}}"#),
            format!(r#"{{"schemaVersion":2,"manifests":[{deep}]}}"#),
            deep.clone(),
        ] {
            assert_eq!(
                parse_index(body.as_bytes(), 10),
                reference::old_parse_index(body.as_bytes(), 10),
                "depth {depth}"
            );
        }
    }
    for body in [
        &br#"{"schemaVersion":2,"manifests":[]} "#[..],
        br#"{"schemaVersion":2,"manifests":[]}x"#,
        br#"{"schemaVersion":2,"manifests":[],"n":1e999}"#,
        b"{\"schemaVersion\":2,\"manifests\":[],\"s\":\"\xff\"}",
        br#"{"schemaVersion":2,"manifests":[],"s":"\ud800"}"#,
        br#"{"schemaVersion":2,"schemaVersion":3,"manifests":[]}"#,
        br#"{"schemaVersion":3,"schemaVersion":2,"manifests":[]}"#,
        br#"{"schemaVersion":2,"manifests":[],"manifests":5}"#,
        br#"{"schemaVersion":2,"annotations":{"org.opencontainers.referrers.filtersApplied":"artifactType"},"manifests":[]}"#,
    ] {
        assert_eq!(parse_index(body, 10), reference::old_parse_index(body, 10));
    }
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

proptest! {
    #[test]
    fn never_panics(b in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = parse_index(&b, 10);
    }

    #[test]
    fn agrees_with_the_value_reading_on_bytes(b in proptest::collection::vec(any::<u8>(), 0..400), cap in 0usize..4) {
        prop_assert_eq!(parse_index(&b, cap), reference::old_parse_index(&b, cap));
    }

    #[test]
    fn agrees_with_the_value_reading_on_index_like_json(text in index_text(), cap in 0usize..6, cut in any::<proptest::sample::Index>(), do_cut in proptest::bool::weighted(0.1)) {
        let body = if do_cut { &text.as_bytes()[..cut.index(text.len() + 1)] } else { text.as_bytes() };
        prop_assert_eq!(parse_index(body, cap), reference::old_parse_index(body, cap), "{}", text);
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
