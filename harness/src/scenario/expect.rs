//! What a scenario expects, in types: verdicts, discovery methods and error kinds are the `referrers` crate's own
//! enums ([`Status`], [`Method`], [`ErrorKind`]), a value that may come from the profile's declaration is an
//! [`Expected`], and the registry-table column a scenario feeds is a [`Column`].
//!
//! Every value is checked when the file loads: an unknown verdict, method, error kind or column fails the load
//! with the file, the field and the allowed values.

use std::fmt;
use std::marker::PhantomData;

use referrers::ErrorKind;
use referrers::check::Status;
use referrers::discovery::Method;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A closed set of named values a scenario can expect (`pass`, `referrers-api`, `true`, …).
pub trait Term: Sized + Copy + PartialEq + fmt::Debug {
    /// What the values are, for error messages ("verdict", "method").
    const WHAT: &'static str;
    /// Every value with its name.
    fn names() -> Vec<(&'static str, Self)>;
    /// The name of a value.
    fn name(self) -> &'static str {
        Self::names()
            .into_iter()
            .find(|(_, v)| *v == self)
            .map_or("?", |(n, _)| n)
    }
    /// The value of a TOML boolean, for the terms that are booleans.
    fn from_bool(_: bool) -> Option<Self> {
        None
    }
}

impl Term for Status {
    const WHAT: &'static str = "verdict";
    fn names() -> Vec<(&'static str, Self)> {
        Status::ALL.iter().map(|s| (s.as_str(), *s)).collect()
    }
}

impl Term for Method {
    const WHAT: &'static str = "method";
    fn names() -> Vec<(&'static str, Self)> {
        Method::ALL.iter().map(|m| (m.as_str(), *m)).collect()
    }
}

impl Term for bool {
    const WHAT: &'static str = "value";
    fn names() -> Vec<(&'static str, Self)> {
        vec![("true", true), ("false", false)]
    }
    fn from_bool(b: bool) -> Option<Self> {
        Some(b)
    }
}

/// A value the scenario states, or `"declared"`: whatever the profile's declaration implies (so a profile whose
/// observed behaviour differs from its declaration fails the cell).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected<T> {
    /// `"declared"`: take the value from the profile's declaration.
    Declared,
    /// This value.
    Is(T),
}

impl<T: Term> Expected<T> {
    /// The expected value: the stated one, or the declaration's (`None`: the declaration does not say).
    pub fn resolve(self, declared: impl FnOnce() -> Option<T>) -> Option<T> {
        match self {
            Expected::Is(v) => Some(v),
            Expected::Declared => declared(),
        }
    }
}

impl<T: Term> Serialize for Expected<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Expected::Declared => s.serialize_str("declared"),
            Expected::Is(v) => s.serialize_str(v.name()),
        }
    }
}

fn allowed<T: Term>(with_declared: bool) -> String {
    let mut names: Vec<String> = T::names()
        .into_iter()
        .map(|(n, _)| format!("\"{n}\""))
        .collect();
    if with_declared {
        names.push("\"declared\"".into());
    }
    names.join(", ")
}

struct ExpectedVisitor<T>(PhantomData<T>);

impl<'de, T: Term> Visitor<'de> for ExpectedVisitor<T> {
    type Value = Expected<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {}: one of {}", T::WHAT, allowed::<T>(true))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if v == "declared" {
            return Ok(Expected::Declared);
        }
        T::names()
            .into_iter()
            .find(|(n, _)| *n == v)
            .map(|(_, t)| Expected::Is(t))
            .ok_or_else(|| {
                E::custom(format!(
                    "{v:?} is not a {}; expected one of {}",
                    T::WHAT,
                    allowed::<T>(true)
                ))
            })
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        T::from_bool(v)
            .map(Expected::Is)
            .ok_or_else(|| E::invalid_type(de::Unexpected::Bool(v), &self))
    }
}

impl<'de, T: Term> Deserialize<'de> for Expected<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ExpectedVisitor(PhantomData))
    }
}

/// The referrers a discovery must return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpectedReferrers {
    /// `"seeded"`: exactly the seeded ground truth (after the operation's filter), descriptors included.
    Seeded,
    /// `"seeded-digests"`: the same referrers, with descriptors as the registry reports them (for registries whose
    /// descriptors break the spec's rules, named in an override).
    SeededDigests,
    /// `"none"`: none at all.
    None,
    /// Exactly this many per subject.
    Count(usize),
}

const REFERRERS_NAMES: [(&str, ExpectedReferrers); 3] = [
    ("seeded", ExpectedReferrers::Seeded),
    ("seeded-digests", ExpectedReferrers::SeededDigests),
    ("none", ExpectedReferrers::None),
];

impl Serialize for ExpectedReferrers {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ExpectedReferrers::Count(n) => s.serialize_u64(*n as u64),
            named => s.serialize_str(
                REFERRERS_NAMES
                    .iter()
                    .find(|(_, v)| v == named)
                    .map_or("?", |(n, _)| n),
            ),
        }
    }
}

struct ReferrersVisitor;

impl Visitor<'_> for ReferrersVisitor {
    type Value = ExpectedReferrers;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"seeded\", \"seeded-digests\", \"none\" or a count")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        REFERRERS_NAMES
            .iter()
            .find(|(n, _)| *n == v)
            .map(|(_, r)| *r)
            .ok_or_else(|| {
                E::custom(format!(
                    "{v:?}: expected \"seeded\", \"seeded-digests\", \"none\" or a count"
                ))
            })
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        usize::try_from(v)
            .map(ExpectedReferrers::Count)
            .map_err(|_| E::custom(format!("{v}: a count of referrers cannot be negative")))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        usize::try_from(v)
            .map(ExpectedReferrers::Count)
            .map_err(|_| E::custom(format!("{v}: too many referrers")))
    }
}

impl<'de> Deserialize<'de> for ExpectedReferrers {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ReferrersVisitor)
    }
}

/// The columns of the matrix's registry table that scenarios feed with their wire observations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Column {
    /// Referrers API status and Content-Type, and the check verdict.
    Check,
    /// The discovery method.
    Method,
    /// Whether the server applied the `artifactType` filter.
    Filter,
    /// Whether the referrers listing came in `Link` pages.
    Paging,
    /// What a 429 looked like.
    RateLimit,
    /// The auth challenge and where its realm lives.
    Auth,
}

/// The expected outcome of a cell. Every field is optional; [`Expected::Declared`] takes the value from the
/// profile's declaration.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// Check verdict: `pass`, `warn`, `info`, `fail` or `declared`.
    #[serde(default)]
    pub verdict: Option<Expected<Status>>,
    /// Discovery method, or `declared` (the API when the profile declares it, else the fallbacks the seed stored).
    #[serde(default)]
    pub method: Option<Expected<Method>>,
    #[serde(default)]
    pub referrers: Option<ExpectedReferrers>,
    #[serde(default)]
    pub complete: Option<bool>,
    /// Error kinds that must each appear at least once (in discovery errors).
    #[serde(default)]
    pub errors: Vec<ErrorKind>,
    /// When true, no error may be reported.
    #[serde(default)]
    pub no_errors: bool,
    /// A substring the check message or a discovery error message must contain.
    #[serde(default)]
    pub message_contains: Option<String>,
    /// Capability probes counted by the `export_registry_capabilities_probed_total` metric.
    #[serde(default)]
    pub capability_probes: Option<u64>,
    /// The `export_referrer_discovery_failures_total` metric is at least 1.
    #[serde(default)]
    pub failure_counted: Option<bool>,
    /// After the run, the capability cache must not hold "unsupported" for the repository.
    #[serde(default)]
    pub no_cached_unsupported: bool,
    /// The client waited at least the server's `Retry-After` before repeating a rate-limited request (read off the
    /// wire).
    #[serde(default)]
    pub retry_after_honoured: bool,
    /// Peak number of requests the registry saw in flight at once is at most this (read off the wire).
    #[serde(default)]
    pub max_in_flight: Option<usize>,
    /// Whether the server said it applied the filter (`OCI-Filters-Applied`), or `declared` (read off the wire).
    #[serde(default)]
    pub server_filtered: Option<Expected<bool>>,
    /// Whether the referrers answers were paged with `Link`, or `declared` (read off the wire).
    #[serde(default)]
    pub paged: Option<Expected<bool>>,
}

impl Expect {
    /// Whether judging this expectation needs the registry's request log (a registry without one cannot run it).
    pub fn needs_wire_log(&self) -> bool {
        self.retry_after_honoured || self.max_in_flight.is_some()
    }

    /// This expectation with `over`'s fields laid over it (a per-profile override).
    pub fn overlaid(&self, over: &Expect) -> Expect {
        let mut e = self.clone();
        macro_rules! over {
            ($($f:ident),*) => { $( if over.$f.is_some() { e.$f = over.$f.clone(); } )* };
        }
        over!(
            verdict,
            method,
            referrers,
            complete,
            message_contains,
            capability_probes,
            failure_counted,
            max_in_flight,
            server_filtered,
            paged
        );
        if !over.errors.is_empty() {
            e.errors = over.errors.clone();
            e.no_errors = false;
        }
        if over.no_errors {
            e.no_errors = true;
            e.errors.clear();
        }
        e.no_cached_unsupported |= over.no_cached_unsupported;
        e.retry_after_honoured |= over.retry_after_honoured;
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Doc {
        v: Expected<Status>,
        m: Expected<Method>,
        b: Expected<bool>,
        r: ExpectedReferrers,
    }

    fn doc(text: &str) -> Result<Doc, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    #[test]
    fn terms_and_declared_parse() {
        let d =
            doc("v = \"warn\"\nm = \"declared\"\nb = \"false\"\nr = \"seeded-digests\"\n").unwrap();
        assert_eq!(d.v, Expected::Is(Status::Warn));
        assert_eq!(d.m, Expected::Declared);
        assert_eq!(d.b, Expected::Is(false));
        assert_eq!(d.r, ExpectedReferrers::SeededDigests);
        let d = doc("v = \"pass\"\nm = \"tag-schema+cosign-tags\"\nb = true\nr = 250\n").unwrap();
        assert_eq!(d.m, Expected::Is(Method::TagSchemaAndCosignTags));
        assert_eq!(d.b, Expected::Is(true));
        assert_eq!(d.r, ExpectedReferrers::Count(250));
    }

    #[test]
    fn unknown_values_name_the_allowed_ones() {
        let e = doc("v = \"ok\"\nm = \"declared\"\nb = true\nr = 1\n").unwrap_err();
        assert!(
            e.contains("\"ok\"") && e.contains("\"pass\"") && e.contains("\"declared\""),
            "{e}"
        );
        let e = doc("v = \"pass\"\nm = \"api\"\nb = true\nr = 1\n").unwrap_err();
        assert!(e.contains("\"referrers-api\""), "{e}");
        let e = doc("v = true\nm = \"none\"\nb = true\nr = 1\n").unwrap_err();
        assert!(e.contains("verdict"), "{e}");
        let e = doc("v = \"pass\"\nm = \"none\"\nb = \"maybe\"\nr = 1\n").unwrap_err();
        assert!(e.contains("\"true\", \"false\", \"declared\""), "{e}");
        let e = doc("v = \"pass\"\nm = \"none\"\nb = true\nr = \"all\"\n").unwrap_err();
        assert!(e.contains("seeded-digests"), "{e}");
        let e = doc("v = \"pass\"\nm = \"none\"\nb = true\nr = -1\n").unwrap_err();
        assert!(e.contains("negative"), "{e}");
    }

    #[test]
    fn declared_resolves_through_the_declaration() {
        assert_eq!(Expected::Declared.resolve(|| Some(true)), Some(true));
        assert_eq!(Expected::<bool>::Declared.resolve(|| None), None);
        assert_eq!(Expected::Is(false).resolve(|| Some(true)), Some(false));
    }

    #[test]
    fn values_serialise_by_name() {
        let v = serde_json::to_string(&Expected::Is(Method::CosignTags)).unwrap();
        assert_eq!(v, "\"cosign-tags\"");
        assert_eq!(
            serde_json::to_string(&Expected::<Status>::Declared).unwrap(),
            "\"declared\""
        );
        assert_eq!(
            serde_json::to_string(&ExpectedReferrers::Count(3)).unwrap(),
            "3"
        );
        assert_eq!(
            serde_json::to_string(&ExpectedReferrers::None).unwrap(),
            "\"none\""
        );
    }

    #[test]
    fn an_override_lays_its_fields_over_the_base() {
        let base = Expect {
            verdict: Some(Expected::Is(Status::Pass)),
            errors: vec![ErrorKind::Timeout],
            ..Expect::default()
        };
        let over = Expect {
            verdict: Some(Expected::Is(Status::Warn)),
            no_errors: true,
            retry_after_honoured: true,
            ..Expect::default()
        };
        let e = base.overlaid(&over);
        assert_eq!(e.verdict, Some(Expected::Is(Status::Warn)));
        assert!(e.no_errors && e.errors.is_empty() && e.retry_after_honoured);
        let e = over.overlaid(&base);
        assert_eq!(e.errors, vec![ErrorKind::Timeout]);
        assert!(!e.no_errors);
    }
}
