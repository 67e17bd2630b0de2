//! The registry error body (distribution-spec `spec.md#error-codes`):
//! `{"errors":[{"code","message","detail"}]}`. Bodies MAY be anything, so decoding is best effort.

use super::json_read::{Key, Lite, Skip, SkipVisitor, other_visits, read_with, seed_by_any};
use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// At most this many entries are kept (the rest are checked and skipped).
const MAX_ENTRIES: usize = 100;
/// Characters kept of a code.
const MAX_CODE_CHARS: usize = 100;
/// Characters kept of a message.
const MAX_MESSAGE_CHARS: usize = 300;

/// One entry of an error body.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ErrorEntry {
    /// The error code, e.g. `NAME_UNKNOWN`; empty when absent.
    pub code: String,
    /// The message; empty when absent.
    pub message: String,
}

/// Decode an error body. `None` when the body is not the spec's error JSON (plain text, HTML, Quay's
/// `{"error": "Not Found"}`). Read in one pass (see [`super::json_read`]): an entry that is not an object, or a
/// `code`/`message` that is not a string, reads as empty; the first 100 entries are kept.
pub fn decode_errors(body: &[u8]) -> Option<Vec<ErrorEntry>> {
    read_with(body, TopVisitor)?
}

struct TopVisitor;

seed_by_any!(TopVisitor);

impl<'de> Visitor<'de> for TopVisitor {
    type Value = Option<Vec<ErrorEntry>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    other_visits!(Self::Value, None);
    fn visit_seq<A: SeqAccess<'de>>(self, a: A) -> Result<Self::Value, A::Error> {
        SkipVisitor.visit_seq(a).map(|_| None)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
        let mut errors = None;
        while let Some(Key(k)) = a.next_key()? {
            if k == "errors" {
                errors = a.next_value::<Errors>()?.0;
            } else {
                a.next_value::<Skip>()?;
            }
        }
        Ok(errors)
    }
}

/// `errors`: the entries when it is an array.
struct Errors(Option<Vec<ErrorEntry>>);

impl<'de> Deserialize<'de> for Errors {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Errors;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            other_visits!(Errors, Errors(None));
            fn visit_map<A: MapAccess<'de>>(self, a: A) -> Result<Errors, A::Error> {
                SkipVisitor.visit_map(a).map(|_| Errors(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Errors, A::Error> {
                let mut out = Vec::new();
                while out.len() < MAX_ENTRIES {
                    match a.next_element::<Entry>()? {
                        Some(e) => out.push(e.0),
                        None => return Ok(Errors(Some(out))),
                    }
                }
                while a.next_element::<Skip>()?.is_some() {}
                Ok(Errors(Some(out)))
            }
        }
        d.deserialize_any(V)
    }
}

/// One entry: `code` and `message` when it is an object and they are strings (each key's last value).
struct Entry(ErrorEntry);

impl<'de> Deserialize<'de> for Entry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        fn empty() -> Entry {
            Entry(ErrorEntry {
                code: String::new(),
                message: String::new(),
            })
        }
        impl<'de> Visitor<'de> for V {
            type Value = Entry;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            other_visits!(Entry, empty());
            fn visit_seq<A: SeqAccess<'de>>(self, a: A) -> Result<Entry, A::Error> {
                SkipVisitor.visit_seq(a).map(|_| empty())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Entry, A::Error> {
                let mut e = empty();
                while let Some(Key(k)) = a.next_key()? {
                    let (slot, max) = match &*k {
                        "code" => (&mut e.0.code, MAX_CODE_CHARS),
                        "message" => (&mut e.0.message, MAX_MESSAGE_CHARS),
                        _ => {
                            a.next_value::<Skip>()?;
                            continue;
                        }
                    };
                    *slot = match a.next_value::<Lite<'de>>()? {
                        Lite::Str(s) => s.chars().take(max).collect(),
                        _ => String::new(),
                    };
                }
                Ok(e)
            }
        }
        d.deserialize_any(V)
    }
}

/// True when the body's error JSON contains `code`.
pub fn has_error_code(body: &[u8], code: &str) -> bool {
    decode_errors(body).is_some_and(|e| e.iter().any(|x| x.code.eq_ignore_ascii_case(code)))
}

/// A short, printable excerpt of a body for messages (at most 200 characters, control characters dropped).
pub fn body_excerpt(body: &[u8]) -> String {
    String::from_utf8_lossy(&body[..body.len().min(400)])
        .chars()
        .filter(|c| !c.is_control() || *c == ' ')
        .take(200)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::json_gen::{Node, mostly, node, object_of, string, text};
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn decodes_spec_errors() {
        let b = br#"{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known","detail":{}}]}"#;
        let e = decode_errors(b).unwrap();
        assert_eq!(e[0].code, "NAME_UNKNOWN");
        assert!(has_error_code(b, "name_unknown"));
        assert!(!has_error_code(b, "MANIFEST_UNKNOWN"));
    }

    #[test]
    fn non_spec_bodies() {
        assert!(decode_errors(b"404 page not found").is_none());
        assert!(decode_errors(br#"{"error": "Not Found"}"#).is_none());
        assert!(decode_errors(br#"{"errors": 5}"#).is_none());
        let e = decode_errors(br#"{"errors":[{"code":7},"x"]}"#).unwrap();
        assert_eq!(e[0].code, "");
    }

    /// The `serde_json::Value` reading this replaced, kept as the oracle it must agree with.
    fn old_decode_errors(body: &[u8]) -> Option<Vec<ErrorEntry>> {
        use serde_json::Value;
        let v: Value = serde_json::from_slice(body).ok()?;
        let errs = v.get("errors")?.as_array()?;
        Some(
            errs.iter()
                .take(100)
                .map(|e| ErrorEntry {
                    code: e
                        .get("code")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .chars()
                        .take(100)
                        .collect(),
                    message: e
                        .get("message")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .chars()
                        .take(300)
                        .collect(),
                })
                .collect(),
        )
    }

    fn error_text() -> impl Strategy<Value = String> {
        let entry = object_of(
            vec![
                ("code", mostly(string())),
                ("message", mostly(string())),
                ("detail", node().boxed()),
                ("code", mostly(string())),
            ],
            1,
        );
        let list = proptest::collection::vec(mostly(entry), 0..5).prop_map(Node::Arr);
        let top = object_of(vec![("errors", mostly(list))], 2);
        prop_oneof![8 => top, 1 => node()].prop_map(|n| text(&n))
    }

    #[test]
    fn keeps_the_first_hundred_entries_and_cuts_long_strings() {
        let long = "é".repeat(400);
        let entries: Vec<String> = (0..150)
            .map(|i| format!(r#"{{"code":"C{i}","message":"{long}"}}"#))
            .collect();
        let body = format!(r#"{{"errors":[{}]}}"#, entries.join(","));
        let e = decode_errors(body.as_bytes()).unwrap();
        assert_eq!(e.len(), 100);
        assert_eq!(e[99].code, "C99");
        assert_eq!(e[0].message.chars().count(), 300);
        assert_eq!(Some(e), old_decode_errors(body.as_bytes()));
        assert!(decode_errors(format!("{body} x").as_bytes()).is_none());
    }

    proptest! {
        #[test]
        fn never_panics(b in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = decode_errors(&b);
            prop_assert!(body_excerpt(&b).chars().count() <= 200);
        }

        #[test]
        fn agrees_with_the_value_reading_on_bytes(b in proptest::collection::vec(any::<u8>(), 0..300)) {
            prop_assert_eq!(decode_errors(&b), old_decode_errors(&b));
        }

        #[test]
        fn agrees_with_the_value_reading_on_error_like_json(text in error_text(), cut in any::<proptest::sample::Index>(), do_cut in proptest::bool::weighted(0.1)) {
            let body = if do_cut { &text.as_bytes()[..cut.index(text.len() + 1)] } else { text.as_bytes() };
            prop_assert_eq!(decode_errors(body), old_decode_errors(body), "{}", text);
        }
    }
}
