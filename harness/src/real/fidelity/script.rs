//! Runs the probe catalog against one registry: expands each step's templates with the run's values
//! ([`Vars`]), builds its body, sends it (through the push client, so auth challenges are answered) and records
//! the steps the catalog names.
//!
//! Every value is deterministic (the probe's blob is derived from its id, manifests are built from it), so every
//! registry receives the same bytes and the digests in paths and answers compare equal.

use base64::Engine as _;
use fake_registry::digest::{Algorithm, sha256};
use reqwest::Method;
use serde_json::{Value, json};

use super::catalog::{Body, ManifestKind, Probe, Step, Url, Verb};
use super::observe::{Answer, Prober};
use super::set::ProbeError;
use crate::real::push::{OCI_INDEX, OCI_MANIFEST};
use fake_registry::seed::SubjectContent;

/// Length of each probe's own blob.
pub const PROBE_BLOB_LEN: usize = 96;
const EMPTY_MEDIA_TYPE: &str = "application/vnd.oci.empty.v1+json";
const LAYER_MEDIA_TYPE: &str = "application/vnd.oci.image.layer.v1.tar";
const NON_DISTRIBUTABLE_MEDIA_TYPE: &str =
    "application/vnd.oci.image.layer.nondistributable.v1.tar";

/// The content of a probe's own blob: readable text naming the probe, padded to [`PROBE_BLOB_LEN`] bytes.
pub fn probe_blob(id: &str) -> Vec<u8> {
    let mut text = format!("fidelity probe blob {id} ").into_bytes();
    text.resize(PROBE_BLOB_LEN, b'.');
    text
}

/// A digest no probe ever pushes (`{missing_blob}`): a subject without referrers, a blob that is not there.
pub fn missing_digest() -> String {
    sha256(b"fidelity probe: never pushed")
}

/// The values of the template variables for one step.
#[derive(Debug, Clone, Default)]
pub struct Vars {
    pairs: Vec<(&'static str, String)>,
}

impl Vars {
    fn set(&mut self, name: &'static str, value: impl Into<String>) {
        let value = value.into();
        match self.pairs.iter_mut().find(|(n, _)| *n == name) {
            Some(pair) => pair.1 = value,
            None => self.pairs.push((name, value)),
        }
    }

    /// `template` with every `{name}` replaced; an unknown name is left as it is (the catalog's tests reject it).
    pub fn expand(&self, template: &str) -> String {
        let mut out = template.to_string();
        for (name, value) in &self.pairs {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        out
    }
}

/// What a run knows before its first probe.
pub struct RunContext<'a> {
    pub repo: &'a str,
    pub missing_repo: &'a str,
    pub content: &'a SubjectContent,
}

/// One manifest body and its media type.
pub struct Manifest {
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
}

fn descriptor(media_type: &str, digest: &str, size: usize) -> Value {
    json!({ "mediaType": media_type, "digest": digest, "size": size })
}

fn image(config: Value, layers: Vec<Value>, extra: Option<(&str, Value)>) -> Value {
    let mut doc = json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": config,
        "layers": layers,
    });
    if let (Some((k, v)), Some(map)) = (extra, doc.as_object_mut()) {
        map.insert(k.to_string(), v);
    }
    doc
}

fn to_bytes(doc: &Value) -> Vec<u8> {
    serde_json::to_vec(doc).expect("a JSON value serialises")
}

/// Builds the manifest `kind` from the probe's blob `blob`.
pub fn manifest(kind: ManifestKind, blob: &[u8]) -> Manifest {
    let config = descriptor(EMPTY_MEDIA_TYPE, &sha256(b"{}"), 2);
    let layer = descriptor(LAYER_MEDIA_TYPE, &sha256(blob), blob.len());
    let oci = |doc: Value| Manifest {
        media_type: OCI_MANIFEST,
        bytes: to_bytes(&doc),
    };
    let index_of = |m: &Manifest| Manifest {
        media_type: OCI_INDEX,
        bytes: to_bytes(&json!({
            "schemaVersion": 2,
            "mediaType": OCI_INDEX,
            "manifests": [descriptor(m.media_type, &sha256(&m.bytes), m.bytes.len())],
        })),
    };
    match kind {
        ManifestKind::Image => oci(image(config, vec![layer], None)),
        ManifestKind::CustomField => oci(image(
            config,
            vec![layer],
            Some(("org.example.fidelity", json!({"unknown": "field"}))),
        )),
        ManifestKind::DataField => {
            let mut layer = layer;
            layer["data"] = json!(base64::engine::general_purpose::STANDARD.encode(blob));
            oci(image(config, vec![layer], None))
        }
        ManifestKind::NonDistributable => {
            let mut layer = descriptor(NON_DISTRIBUTABLE_MEDIA_TYPE, &missing_digest(), 1234);
            layer["urls"] = json!(["https://example.invalid/fidelity/layer.tar"]);
            oci(image(config, vec![layer], None))
        }
        ManifestKind::NoLayers => oci(image(config, vec![], None)),
        ManifestKind::MissingLayer => oci(image(
            config,
            vec![descriptor(LAYER_MEDIA_TYPE, &missing_digest(), 1234)],
            None,
        )),
        ManifestKind::Index => index_of(&manifest(ManifestKind::Image, blob)),
        ManifestKind::IndexOfIndexes => index_of(&manifest(ManifestKind::Index, blob)),
        ManifestKind::NotJson => Manifest {
            media_type: OCI_MANIFEST,
            bytes: b"not a manifest".to_vec(),
        },
    }
}

/// The variables of `probe` before its first step.
pub fn probe_vars(ctx: &RunContext<'_>, probe: &Probe) -> Vars {
    let blob = probe_blob(probe.id);
    let half = blob.len() / 2;
    let mut v = Vars::default();
    v.set("repo", ctx.repo);
    v.set("missing_repo", ctx.missing_repo);
    v.set("mount_repo", format!("{}-{}", ctx.repo, probe.id));
    v.set("tag", ctx.content.tag.clone());
    v.set("probe_tag", format!("p-{}", probe.id));
    v.set("subject", ctx.content.manifest.digest.clone());
    v.set(
        "sbom_type",
        super::set::SBOM_TYPE
            .replace('+', "%2B")
            .replace('/', "%2F"),
    );
    v.set("blob", sha256(&blob));
    v.set("blob512", Algorithm::Sha512.digest(&blob));
    v.set("blob_len", blob.len().to_string());
    v.set("blob_last", (blob.len() - 1).to_string());
    v.set("head_last", (half - 1).to_string());
    v.set("tail_first", half.to_string());
    v.set("missing_blob", missing_digest());
    v.set("empty_blob", sha256(b"{}"));
    v.set("image", sha256(&manifest(ManifestKind::Image, &blob).bytes));
    v.set("index", sha256(&manifest(ManifestKind::Index, &blob).bytes));
    v
}

fn method(verb: Verb) -> Method {
    match verb {
        Verb::Get => Method::GET,
        Verb::Head => Method::HEAD,
        Verb::Post => Method::POST,
        Verb::Put => Method::PUT,
        Verb::Patch => Method::PATCH,
        Verb::Delete => Method::DELETE,
    }
}

/// A step's body and its `Content-Type` (a manifest's media type); sets `{manifest}` and `{manifest512}` to a
/// manifest body's digests.
fn body_of(
    step: &Step,
    blob: &[u8],
    ctx: &RunContext<'_>,
    vars: &mut Vars,
) -> (Vec<u8>, Option<String>) {
    let half = blob.len() / 2;
    let (bytes, media_type) = match step.body {
        Body::Empty => return (Vec::new(), None),
        Body::Blob => (blob.to_vec(), None),
        Body::Head => (blob[..half].to_vec(), None),
        Body::Tail => (blob[half..].to_vec(), None),
        Body::EmptyConfig => (b"{}".to_vec(), None),
        Body::Manifest(kind) => {
            let m = manifest(kind, blob);
            (m.bytes, Some(m.media_type.to_string()))
        }
        Body::Referrer(n) => {
            let Some(r) = ctx.content.referrers.get(n) else {
                return (Vec::new(), None);
            };
            (
                r.manifest.bytes.to_vec(),
                Some(r.manifest.media_type.clone()),
            )
        }
    };
    if media_type.is_some() {
        vars.set("manifest", sha256(&bytes));
        vars.set("manifest512", Algorithm::Sha512.digest(&bytes));
    }
    (bytes, media_type)
}

/// Runs one probe's steps through `prober`, recording the steps the catalog names.
pub async fn run_probe(
    prober: &mut Prober,
    ctx: &RunContext<'_>,
    probe: &'static Probe,
) -> Result<(), ProbeError> {
    let blob = probe_blob(probe.id);
    let mut vars = probe_vars(ctx, probe);
    let mut location: Option<String> = None;
    for step in probe.steps {
        let label = match step.record {
            Some("") => probe.id.to_string(),
            Some(name) => format!("{}/{name}", probe.id),
            None => String::new(),
        };
        let (body, media_type) = body_of(step, &blob, ctx, &mut vars);
        let url = match step.url {
            Url::PushBlobs => {
                prober.push_blobs(probe.id, ctx.repo, &blob).await?;
                continue;
            }
            Url::Path(p) => prober.url(&vars.expand(p)),
            Url::Location(query) => match &location {
                Some(l) => with_query(l, &vars.expand(query)),
                None => {
                    if step.record.is_some() {
                        prober.record_missing(label, "no upload Location to follow");
                    }
                    continue;
                }
            },
        };
        let mut headers: Vec<(String, String)> = step
            .headers
            .iter()
            .map(|(k, v)| (k.to_string(), vars.expand(v)))
            .collect();
        if let Some(mt) = media_type {
            headers.push(("content-type".into(), mt));
        }
        let answer: Answer = prober
            .exchange(probe.id, method(step.verb), &url, &headers, body)
            .await?;
        // An upload session's answers (to the POST that opens it, then to requests at its Location) carry the
        // Location the next step follows.
        let is_upload = matches!(step.url, Url::Location(_)) || url.contains("/blobs/uploads/");
        if is_upload
            && matches!(answer.status, 202 | 204)
            && let Some(l) = answer.header("location")
        {
            location = prober.absolute(l);
        }
        if step.record.is_some() {
            prober.record(label, &url, step.verb, &answer, step.length);
        }
    }
    Ok(())
}

/// `url` with `query` appended (`?` or `&`); unchanged when `query` is empty.
fn with_query(url: &str, query: &str) -> String {
    if query.is_empty() {
        return url.to_string();
    }
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{query}")
}

/// Runs every probe of the catalog in order.
pub async fn run_catalog(prober: &mut Prober, ctx: &RunContext<'_>) -> Result<(), ProbeError> {
    for probe in super::catalog::catalog() {
        run_probe(prober, ctx, probe).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_blobs_are_distinct_and_of_fixed_length() {
        let a = probe_blob("blob-get");
        let b = probe_blob("blob-range");
        assert_eq!(a.len(), PROBE_BLOB_LEN);
        assert_ne!(a, b);
        assert!(a.starts_with(b"fidelity probe blob blob-get "));
    }

    #[test]
    fn manifests_reference_the_probe_blob_and_nest() {
        let blob = probe_blob("x");
        let image: Value =
            serde_json::from_slice(&manifest(ManifestKind::Image, &blob).bytes).unwrap();
        assert_eq!(image["layers"][0]["digest"], sha256(&blob));
        assert_eq!(image["config"]["digest"], sha256(b"{}"));
        let ioi = manifest(ManifestKind::IndexOfIndexes, &blob);
        let ioi: Value = serde_json::from_slice(&ioi.bytes).unwrap();
        let index = manifest(ManifestKind::Index, &blob);
        assert_eq!(ioi["manifests"][0]["digest"], sha256(&index.bytes));
        assert_eq!(ioi["manifests"][0]["mediaType"], OCI_INDEX);
        let data: Value =
            serde_json::from_slice(&manifest(ManifestKind::DataField, &blob).bytes).unwrap();
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(data["layers"][0]["data"].as_str().unwrap())
            .unwrap();
        assert_eq!(decoded, blob);
        assert!(
            serde_json::from_slice::<Value>(&manifest(ManifestKind::NotJson, &blob).bytes).is_err()
        );
    }

    #[test]
    fn queries_are_appended_with_the_right_separator() {
        assert_eq!(
            with_query("http://h/u/1", "digest=d"),
            "http://h/u/1?digest=d"
        );
        assert_eq!(
            with_query("http://h/u/1?_state=s", "digest=d"),
            "http://h/u/1?_state=s&digest=d"
        );
        assert_eq!(with_query("http://h/u/1", ""), "http://h/u/1");
    }

    #[test]
    fn vars_expand_every_known_name_once() {
        let mut v = Vars::default();
        v.set("repo", "a/b");
        v.set("blob", "sha256:1");
        v.set("repo", "c/d");
        assert_eq!(
            v.expand("/v2/{repo}/blobs/{blob}"),
            "/v2/c/d/blobs/sha256:1"
        );
        assert_eq!(v.expand("{unknown}"), "{unknown}");
    }
}
