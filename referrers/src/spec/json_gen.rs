//! Test support: JSON-like text for the property tests that hold each one-pass reader of [`super::json_read`] to
//! the `serde_json::Value` reading it replaced. Objects may repeat keys (what a `Value` cannot hold), keys and strings
//! are written raw (escapes included), and a few leaves a `Value` parse rejects are mixed in.

use proptest::prelude::*;

/// JSON text built from a tree whose objects may repeat keys (what a `Value` cannot hold), with keys and
/// strings written raw (escapes included).
#[derive(Debug, Clone)]
pub enum Node {
    /// Written as is.
    Raw(&'static str),
    /// Written between quotes.
    Str(&'static str),
    /// An array.
    Arr(Vec<Node>),
    /// An object, keys in order (repeats allowed).
    Obj(Vec<(&'static str, Node)>),
}

impl Node {
    pub fn render(&self, out: &mut String) {
        match self {
            Node::Raw(r) => out.push_str(r),
            Node::Str(s) => {
                out.push('"');
                out.push_str(s);
                out.push('"');
            }
            Node::Arr(v) => {
                out.push('[');
                for (i, n) in v.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    n.render(out);
                }
                out.push(']');
            }
            Node::Obj(v) => {
                out.push('{');
                for (i, (k, n)) in v.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push('"');
                    out.push_str(k);
                    out.push_str("\":");
                    n.render(out);
                }
                out.push('}');
            }
        }
    }
}

pub const KEYS: &[&str] = &[
    "schemaVersion",
    "mediaType",
    "manifests",
    "annotations",
    "digest",
    "size",
    "artifactType",
    "org.opencontainers.referrers.filtersApplied",
    "dig\\u0065st",
    "k",
    "\\u00e9",
    "tags",
    "t\\u0061gs",
    "errors",
    "code",
    "message",
    "config",
    "subject",
];
pub const STRINGS: &[&str] = &[
    "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
    "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8\\u0061",
    "sha256:zz",
    "blake3:abcd",
    "",
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.oci.image.index.v1+json; charset=utf-8",
    "application/vnd.oci.image.manifest.v1+json",
    "a/b",
    "x\\ny",
    "artifactType",
    "é",
    "sha256-44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a.sig",
    "NAME_UNKNOWN",
    "application/vnd.docker.distribution.manifest.list.v2+json",
];
/// Leaves a `Value` parse rejects (rare, so most bodies stay JSON).
pub const BAD: &[&str] = &["1e400", "\"\\ud800\"", "\"\\x\"", "01", "\"\u{1}\""];
pub const RAWS: &[&str] = &[
    "2",
    "2.0",
    "-1",
    "0",
    "-0",
    "1.5",
    "1e300",
    "18446744073709551615",
    "18446744073709551616",
    "true",
    "null",
    "-9223372036854775809",
];

pub fn node() -> impl Strategy<Value = Node> {
    let leaf = prop_oneof![
        30 => proptest::sample::select(RAWS).prop_map(Node::Raw),
        30 => proptest::sample::select(STRINGS).prop_map(Node::Str),
        1 => proptest::sample::select(BAD).prop_map(Node::Raw),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Node::Arr),
            proptest::collection::vec((proptest::sample::select(KEYS), inner), 0..7)
                .prop_map(Node::Obj),
        ]
    })
}

/// The JSON text of a node.
pub fn text(n: &Node) -> String {
    let mut s = String::new();
    n.render(&mut s);
    s
}

/// An object with the given fields (each present or not), `noise` extra keys from [`KEYS`], in any order.
pub fn object_of(
    fields: Vec<(&'static str, BoxedStrategy<Node>)>,
    noise: usize,
) -> impl Strategy<Value = Node> {
    let fields: Vec<_> = fields
        .into_iter()
        .map(|(k, v)| proptest::option::weighted(0.85, (Just(k), v)))
        .collect();
    (
        fields,
        proptest::collection::vec((proptest::sample::select(KEYS), node()), 0..=noise),
    )
        .prop_flat_map(|(f, mut extra)| {
            extra.extend(f.into_iter().flatten());
            Just(extra).prop_shuffle()
        })
        .prop_map(Node::Obj)
}

/// A string leaf from [`STRINGS`].
pub fn string() -> BoxedStrategy<Node> {
    proptest::sample::select(STRINGS)
        .prop_map(Node::Str)
        .boxed()
}

/// A leaf or tree that is usually `good`.
pub fn mostly(good: impl Strategy<Value = Node> + 'static) -> BoxedStrategy<Node> {
    prop_oneof![6 => good, 1 => string(), 1 => node()].boxed()
}
