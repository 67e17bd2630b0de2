//! The tags list body (distribution-spec `spec.md#listing-tags`): `{"name": "<name>", "tags": ["<tag>", ...]}`,
//! read in one pass (see [`super::json_read`]), tags borrowed from the body where they have no escapes.

use super::json_read::{Key, Skip, SkipVisitor, other_visits, read_with, seed_by_any};
use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// The tags of a tags-list body: entries that are strings, in order (others skipped); `"tags": null` is no tags.
/// `None` when the body is not JSON, not an object, or its `tags` is missing or neither an array nor null.
pub fn parse_tags_list(body: &[u8]) -> Option<Vec<Cow<'_, str>>> {
    read_with(body, TopVisitor)?
}

/// The `tags` field as read.
enum Tags<'de> {
    List(Vec<Cow<'de, str>>),
    Null,
    Other,
}

struct TopVisitor;

seed_by_any!(TopVisitor);

impl<'de> Visitor<'de> for TopVisitor {
    type Value = Option<Vec<Cow<'de, str>>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    other_visits!(Self::Value, None);
    fn visit_seq<A: SeqAccess<'de>>(self, a: A) -> Result<Self::Value, A::Error> {
        SkipVisitor.visit_seq(a).map(|_| None)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
        let mut tags = None;
        while let Some(Key(k)) = a.next_key()? {
            if k == "tags" {
                tags = Some(a.next_value::<Tags<'de>>()?);
            } else {
                a.next_value::<Skip>()?;
            }
        }
        Ok(match tags {
            Some(Tags::List(v)) => Some(v),
            Some(Tags::Null) => Some(Vec::new()),
            Some(Tags::Other) | None => None,
        })
    }
}

impl<'de> Deserialize<'de> for Tags<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Tags<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            other_visits!(Tags<'de>, Tags::Other, Tags::Null);
            fn visit_map<A: MapAccess<'de>>(self, a: A) -> Result<Tags<'de>, A::Error> {
                SkipVisitor.visit_map(a).map(|_| Tags::Other)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Tags<'de>, A::Error> {
                let mut out = Vec::with_capacity(a.size_hint().unwrap_or(0).min(1024));
                while let Some(t) = a.next_element::<MaybeStr<'de>>()? {
                    if let Some(s) = t.0 {
                        out.push(s);
                    }
                }
                Ok(Tags::List(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// An array entry: a string, or anything else (checked and skipped).
struct MaybeStr<'de>(Option<Cow<'de, str>>);

impl<'de> Deserialize<'de> for MaybeStr<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = MaybeStr<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_bool<E>(self, _: bool) -> Result<MaybeStr<'de>, E> {
                Ok(MaybeStr(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<MaybeStr<'de>, E> {
                Ok(MaybeStr(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<MaybeStr<'de>, E> {
                Ok(MaybeStr(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<MaybeStr<'de>, E> {
                Ok(MaybeStr(None))
            }
            fn visit_unit<E>(self) -> Result<MaybeStr<'de>, E> {
                Ok(MaybeStr(None))
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<MaybeStr<'de>, E> {
                Ok(MaybeStr(Some(Cow::Borrowed(s))))
            }
            fn visit_str<E>(self, s: &str) -> Result<MaybeStr<'de>, E> {
                Ok(MaybeStr(Some(Cow::Owned(s.to_string()))))
            }
            fn visit_map<A: MapAccess<'de>>(self, a: A) -> Result<MaybeStr<'de>, A::Error> {
                SkipVisitor.visit_map(a).map(|_| MaybeStr(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, a: A) -> Result<MaybeStr<'de>, A::Error> {
                SkipVisitor.visit_seq(a).map(|_| MaybeStr(None))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::super::json_gen::{Node, mostly, node, object_of, string, text};
    use super::*;
    use proptest::prelude::*;
    use serde_json::Value;

    /// The `serde_json::Value` reading this replaced, kept as the oracle it must agree with.
    fn old_parse(body: &[u8]) -> Option<Vec<String>> {
        serde_json::from_slice::<Value>(body)
            .ok()
            .and_then(|v| match v.get("tags") {
                Some(Value::Array(a)) => Some(
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect::<Vec<_>>(),
                ),
                Some(Value::Null) => Some(Vec::new()),
                _ => None,
            })
    }

    fn new_parse(body: &[u8]) -> Option<Vec<String>> {
        parse_tags_list(body).map(|v| v.into_iter().map(Cow::into_owned).collect())
    }

    fn tags_text() -> impl Strategy<Value = String> {
        let list = proptest::collection::vec(mostly(string()), 0..8).prop_map(Node::Arr);
        let top = object_of(
            vec![
                ("name", string()),
                ("tags", mostly(list.clone())),
                ("tags", mostly(list)),
            ],
            2,
        );
        prop_oneof![8 => top, 1 => node()].prop_map(|n| text(&n))
    }

    #[test]
    fn reads_tags() {
        let b = br#"{"name":"a/b","tags":["v1","sha256-ab.sig",5,"x\u0079"]}"#;
        assert_eq!(new_parse(b).unwrap(), vec!["v1", "sha256-ab.sig", "xy"]);
        assert_eq!(
            new_parse(br#"{"tags":null}"#).unwrap(),
            Vec::<String>::new()
        );
        assert_eq!(new_parse(br#"{"tags":{}}"#), None);
        assert_eq!(new_parse(br#"{"name":"a"}"#), None);
        assert_eq!(new_parse(br#"["tags"]"#), None);
        assert_eq!(new_parse(br#"{"tags":[]} x"#), None);
    }

    proptest! {
        #[test]
        fn agrees_with_the_value_reading_on_bytes(b in proptest::collection::vec(any::<u8>(), 0..300)) {
            prop_assert_eq!(new_parse(&b), old_parse(&b));
        }

        #[test]
        fn agrees_with_the_value_reading_on_tags_like_json(text in tags_text(), cut in any::<proptest::sample::Index>(), do_cut in proptest::bool::weighted(0.1)) {
            let body = if do_cut { &text.as_bytes()[..cut.index(text.len() + 1)] } else { text.as_bytes() };
            prop_assert_eq!(new_parse(body), old_parse(body), "{}", text);
        }
    }
}
