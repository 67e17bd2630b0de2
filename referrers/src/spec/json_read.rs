//! Lenient one-pass reading of registry JSON (the building blocks of [`super::index::parse_index`],
//! [`super::manifest::read_manifest`], [`super::tags::parse_tags_list`] and [`super::error_json::decode_errors`]).
//!
//! Every value is read with `deserialize_any`, the path a `serde_json::Value` takes, so the same bodies fail (the same
//! number and string checks, the same nesting limit) while only the fields a rule looks at are kept, borrowed from
//! the body where they have no escapes. What a rule ignores is checked and dropped ([`Skip`]). An object key given
//! twice counts once, with its last value, as in a `Value` object.

use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Read a whole body with `seed`: `None` when it is not one JSON value (trailing bytes included).
///
/// The body is checked as UTF-8 once, as a whole, and then read as text. That is the same test a byte-slice reading
/// makes string by string: valid JSON is valid UTF-8 throughout (a byte outside a string can only be an ASCII token
/// or whitespace, and the bytes inside a string must be UTF-8), so a body that fails the whole-body check is not JSON
/// either way; one pass over the body costs less than a check per string.
pub(crate) fn read_with<'de, S: DeserializeSeed<'de>>(
    body: &'de [u8],
    seed: S,
) -> Option<S::Value> {
    let text = std::str::from_utf8(body).ok()?;
    let mut de = serde_json::Deserializer::from_str(text);
    let v = seed.deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(v)
}

/// `DeserializeSeed` for a visitor that reads any JSON value itself (`deserialize_any`, the path a `Value` takes).
macro_rules! seed_by_any {
    ($t:ty) => {
        impl<'de> serde::de::DeserializeSeed<'de> for $t {
            type Value = <$t as serde::de::Visitor<'de>>::Value;
            fn deserialize<D: serde::de::Deserializer<'de>>(
                self,
                d: D,
            ) -> Result<Self::Value, D::Error> {
                d.deserialize_any(self)
            }
        }
    };
}
pub(crate) use seed_by_any;

/// A JSON value checked and thrown away.
pub(crate) struct Skip;

impl<'de> Deserialize<'de> for Skip {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(SkipVisitor)
    }
}

pub(crate) struct SkipVisitor;

impl<'de> Visitor<'de> for SkipVisitor {
    type Value = Skip;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_str<E>(self, _: &str) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_unit<E>(self) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Skip, A::Error> {
        while a.next_element::<Skip>()?.is_some() {}
        Ok(Skip)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Skip, A::Error> {
        while a.next_key::<Skip>()?.is_some() {
            a.next_value::<Skip>()?;
        }
        Ok(Skip)
    }
}

/// An object key, borrowed from the body unless it has escapes.
pub(crate) struct Key<'de>(pub(crate) Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s.to_string())))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Lite<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Lite<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_bool<E>(self, _: bool) -> Result<Lite<'de>, E> {
                Ok(Lite::Other)
            }
            // As `Value`: a non-negative i64 is a `u64` number.
            fn visit_i64<E>(self, n: i64) -> Result<Lite<'de>, E> {
                Ok(u64::try_from(n).map_or(Lite::OtherNumber, Lite::U64))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Lite<'de>, E> {
                Ok(Lite::U64(n))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Lite<'de>, E> {
                Ok(Lite::OtherNumber)
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Lite<'de>, E> {
                Ok(Lite::Str(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Lite<'de>, E> {
                Ok(Lite::Str(Cow::Owned(s.to_string())))
            }
            fn visit_unit<E>(self) -> Result<Lite<'de>, E> {
                Ok(Lite::Null)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, a: A) -> Result<Lite<'de>, A::Error> {
                SkipVisitor.visit_seq(a).map(|_| Lite::Other)
            }
            fn visit_map<A: MapAccess<'de>>(self, a: A) -> Result<Lite<'de>, A::Error> {
                SkipVisitor.visit_map(a).map(|_| Lite::Other)
            }
        }
        d.deserialize_any(V)
    }
}

/// Implements the visits that are not an object (or an array) as "something else", checking what they hold.
macro_rules! other_visits_impl {
    ($t:ty, $other:expr) => {
        $crate::spec::json_read::other_visits!($t, $other, $other);
    };
    ($t:ty, $other:expr, $null:expr) => {
        fn visit_bool<E>(self, _: bool) -> Result<$t, E> {
            Ok($other)
        }
        fn visit_i64<E>(self, _: i64) -> Result<$t, E> {
            Ok($other)
        }
        fn visit_u64<E>(self, _: u64) -> Result<$t, E> {
            Ok($other)
        }
        fn visit_f64<E>(self, _: f64) -> Result<$t, E> {
            Ok($other)
        }
        fn visit_str<E>(self, _: &str) -> Result<$t, E> {
            Ok($other)
        }
        fn visit_unit<E>(self) -> Result<$t, E> {
            Ok($null)
        }
    };
}
pub(crate) use other_visits_impl as other_visits;

impl<'de> Deserialize<'de> for Annotations {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Annotations;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            other_visits_impl!(Annotations, Annotations::Other, Annotations::Null);
            fn visit_seq<A: SeqAccess<'de>>(self, a: A) -> Result<Annotations, A::Error> {
                SkipVisitor.visit_seq(a).map(|_| Annotations::Other)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Annotations, A::Error> {
                // Each key's last value counts, as in a `Value` object.
                let mut strings = BTreeMap::new();
                let mut others = BTreeSet::new();
                while let Some(Key(k)) = a.next_key()? {
                    match a.next_value::<Lite<'de>>()? {
                        Lite::Str(v) => {
                            if !others.is_empty() {
                                others.remove(&*k);
                            }
                            strings.insert(k.into_owned(), v.into_owned());
                        }
                        _ => {
                            strings.remove(&*k);
                            others.insert(k.into_owned());
                        }
                    }
                }
                Ok(Annotations::Map {
                    strings,
                    all_strings: others.is_empty(),
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// A descriptor field as far as the rules care.
pub(crate) enum Lite<'a> {
    /// `null`.
    Null,
    /// A string.
    Str(Cow<'a, str>),
    /// A number `Value::as_u64` accepts.
    U64(u64),
    /// Any other number (negative, fractional).
    OtherNumber,
    /// A boolean, array or object.
    Other,
}

impl<'a> Lite<'a> {
    pub(crate) fn of(v: &'a Value) -> Lite<'a> {
        match v {
            Value::Null => Lite::Null,
            Value::String(s) => Lite::Str(Cow::Borrowed(s)),
            Value::Number(n) => n.as_u64().map_or(Lite::OtherNumber, Lite::U64),
            _ => Lite::Other,
        }
    }
}

/// A descriptor's `annotations`: each key once, with its last value.
pub(crate) enum Annotations {
    Null,
    Map {
        /// The keys whose value is a string.
        strings: BTreeMap<String, String>,
        /// No key's value is anything else.
        all_strings: bool,
    },
    Other,
}
