//! The probe catalog: every probe as a small named value ([`Probe`]), written from the OCI distribution-spec in
//! the harness's own words, like the fake's profiles. A probe is a short script of requests ([`Step`]); the steps
//! it names are recorded and compared, the others only prepare (push a blob, start an upload).
//!
//! Paths and header values are templates: `{name}` is replaced by the run's value (see
//! [`VARIABLES`]). The distribution-spec sections cited are at
//! [967efdc](https://github.com/opencontainers/distribution-spec/blob/967efdc/spec.md), the revision the official
//! conformance suite (its 2025 redesign) tests.
//!
//! - [`referrers`]: the base ping, the manifests and referrers of the pushed probe content, the tags list (the
//!   original thirteen probes, ids unchanged).
//! - [`uploads`]: blob uploads in every flavour, upload status and cancel, mounts.
//! - [`content`]: blob GET/HEAD with every range form, deletes of blobs, manifests and tags.
//! - [`manifests`]: manifest pushes of every shape and their refusals, tag listing with `n` and `last`.

mod content;
mod manifests;
mod referrers;
mod uploads;

/// One probe: a stable id (the matrix shows it), the spec section its expectation comes from, and its steps.
#[derive(Debug, Clone, Copy)]
pub struct Probe {
    pub id: &'static str,
    /// The distribution-spec section (anchor of spec.md) the answer is defined by.
    pub spec: &'static str,
    pub steps: &'static [Step],
}

/// A request method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Get,
    Head,
    Post,
    Put,
    Patch,
    Delete,
}

/// Where a step's request goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Url {
    /// A path (and query) template below the registry's base URL.
    Path(&'static str),
    /// The `Location` of this probe's latest answer that had one (an upload session), with a query template
    /// appended (`?` or `&`, as the location already has a query or not; empty: none).
    Location(&'static str),
    /// Not a request of its own: the probe's blob and the empty config `{}` are pushed into `{repo}` through the
    /// push client (a preparation step; it is never recorded).
    PushBlobs,
}

/// A request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    Empty,
    /// The probe's own blob (its content is derived from the probe id), whole.
    Blob,
    /// Its first half.
    Head,
    /// Its second half.
    Tail,
    /// The empty JSON `{}` (the empty config; image-spec manifest.md "Guidance for an Empty Descriptor").
    EmptyConfig,
    /// A manifest of the given kind, built from the probe's blob; sent with its media type as `Content-Type`.
    Manifest(ManifestKind),
    /// The probe content's referrer number `n` (the SBOM is 0), with its media type.
    Referrer(usize),
}

/// The manifests the probes push (all deterministic, so every registry receives the same bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManifestKind {
    /// An OCI image manifest: the empty config `{}` and the probe's blob as its one layer.
    Image,
    /// [`Image`](Self::Image) plus a field the spec does not define (image-spec: "implementations MUST NOT
    /// generate an error if they encounter an unknown property").
    CustomField,
    /// [`Image`](Self::Image) whose layer descriptor embeds the blob in `data` (image-spec descriptor.md
    /// "Embedded content").
    DataField,
    /// A non-distributable layer that is not in the registry, with `urls` (image-spec layer.md, deprecated).
    NonDistributable,
    /// An image manifest with an empty layer list (distribution-spec §"Pushing Manifests": the list of blobs MAY
    /// be empty).
    NoLayers,
    /// An image manifest whose layer the registry does not have (§"Push": MAY be rejected with
    /// `MANIFEST_BLOB_UNKNOWN`).
    MissingLayer,
    /// An OCI image index naming [`Image`](Self::Image).
    Index,
    /// An OCI image index naming [`Index`](Self::Index).
    IndexOfIndexes,
    /// Bytes that are not JSON, sent as an OCI image manifest.
    NotJson,
}

/// One request of a probe.
#[derive(Debug, Clone, Copy)]
pub struct Step {
    pub verb: Verb,
    pub url: Url,
    /// Request headers (templates).
    pub headers: &'static [(&'static str, &'static str)],
    pub body: Body,
    /// Recorded as `<probe id>/<record>` (just `<probe id>` when empty); `None`: a preparation step, not compared.
    pub record: Option<&'static str>,
    /// The answer's `Content-Length` is compared too (the body is content).
    pub length: bool,
}

/// The template variables a path or header may use (each `{name}`).
pub const VARIABLES: [&str; 19] = [
    "repo",
    "missing_repo",
    "mount_repo",
    "tag",
    "probe_tag",
    "subject",
    "sbom_type",
    "blob",
    "blob512",
    "blob_len",
    "blob_last",
    "head_last",
    "tail_first",
    "missing_blob",
    "empty_blob",
    "image",
    "index",
    "manifest",
    "manifest512",
];

/// Step builders, so the catalog reads as requests.
pub(crate) mod steps {
    use super::{Body, Step, Url, Verb};

    const fn step(verb: Verb, url: Url, record: Option<&'static str>) -> Step {
        Step {
            verb,
            url,
            headers: &[],
            body: Body::Empty,
            record,
            length: false,
        }
    }

    /// A recorded `GET` of a path.
    pub const fn get(path: &'static str) -> Step {
        step(Verb::Get, Url::Path(path), Some(""))
    }
    /// A recorded `HEAD` of a path.
    pub const fn head(path: &'static str) -> Step {
        step(Verb::Head, Url::Path(path), Some(""))
    }
    /// A recorded `POST` to a path.
    pub const fn post(path: &'static str) -> Step {
        step(Verb::Post, Url::Path(path), Some(""))
    }
    /// A recorded `PUT` to a path.
    pub const fn put(path: &'static str) -> Step {
        step(Verb::Put, Url::Path(path), Some(""))
    }
    /// A recorded `DELETE` of a path.
    pub const fn delete(path: &'static str) -> Step {
        step(Verb::Delete, Url::Path(path), Some(""))
    }
    /// A recorded request to the latest upload `Location`, `query` appended.
    pub const fn at_location(verb: Verb, query: &'static str) -> Step {
        step(verb, Url::Location(query), Some(""))
    }
    /// Pushes the probe's blob and the empty config `{}` into `{repo}` (preparation, not recorded).
    pub const PUSH_BLOBS: Step = step(Verb::Post, Url::PushBlobs, None);

    impl Step {
        /// Recorded as `<probe>/<name>`.
        pub const fn named(self, name: &'static str) -> Step {
            Step {
                record: Some(name),
                ..self
            }
        }
        /// Not recorded (a preparation step).
        pub const fn quiet(self) -> Step {
            Step {
                record: None,
                ..self
            }
        }
        pub const fn headers(self, headers: &'static [(&'static str, &'static str)]) -> Step {
            Step { headers, ..self }
        }
        pub const fn body(self, body: Body) -> Step {
            Step { body, ..self }
        }
        /// The answer's `Content-Length` is compared.
        pub const fn content(self) -> Step {
            Step {
                length: true,
                ..self
            }
        }
    }
}

/// Every probe, in the order they run (the original thirteen first).
pub fn catalog() -> Vec<&'static Probe> {
    referrers::PROBES
        .iter()
        .chain(uploads::PROBES)
        .chain(content::PROBES)
        .chain(manifests::PROBES)
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn templates(step: &Step) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = step.headers.iter().map(|(_, v)| *v).collect();
        out.push(match step.url {
            Url::Path(p) | Url::Location(p) => p,
            Url::PushBlobs => "",
        });
        out
    }

    #[test]
    fn ids_are_unique_and_name_safe() {
        let mut seen = BTreeSet::new();
        for p in catalog() {
            assert!(seen.insert(p.id), "duplicate probe id {}", p.id);
            assert!(
                p.id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "probe id {} is not [a-z0-9-]",
                p.id
            );
            assert!(!p.spec.is_empty(), "{} cites no spec section", p.id);
            assert!(
                p.steps.iter().any(|s| s.record.is_some()),
                "{} records nothing",
                p.id
            );
            let names: Vec<_> = p.steps.iter().filter_map(|s| s.record).collect();
            let unique: BTreeSet<_> = names.iter().collect();
            assert_eq!(
                names.len(),
                unique.len(),
                "{}: two steps recorded alike",
                p.id
            );
        }
        assert!(seen.len() >= 50, "the catalog has {} probes", seen.len());
    }

    #[test]
    fn every_template_uses_known_variables() {
        for p in catalog() {
            for step in p.steps {
                for t in templates(step) {
                    let mut rest = t;
                    while let Some(open) = rest.find('{') {
                        let close = rest[open..].find('}').expect("closed brace") + open;
                        let name = &rest[open + 1..close];
                        assert!(VARIABLES.contains(&name), "{}: unknown {{{name}}}", p.id);
                        rest = &rest[close + 1..];
                    }
                }
            }
        }
    }

    #[test]
    fn a_location_step_follows_a_step_that_can_give_one() {
        for p in catalog() {
            if let Some(first) = p
                .steps
                .iter()
                .position(|s| matches!(s.url, Url::Location(_)))
            {
                assert!(
                    p.steps[..first]
                        .iter()
                        .any(|s| s.verb == Verb::Post && matches!(s.url, Url::Path(_))),
                    "{}: a Location step before any POST",
                    p.id
                );
            }
        }
    }
}
