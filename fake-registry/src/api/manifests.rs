//! Manifests: GET/HEAD with content negotiation, PUT with validation, `subject` and `OCI-Subject`, DELETE
//! ([spec.md "Pulling manifests", "Pushing manifests"](https://github.com/opencontainers/distribution-spec/blob/v1.1.1/spec.md#pulling-manifests)).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::shared::{MAX_MANIFEST_BYTES, digest_invalid, location_origin, name_unknown};
use crate::answer::canned;
use crate::digest::{self, Algorithm, ParsedDigest};
use crate::media_type::{self, DOCKER_LIST, DOCKER_MANIFEST, OCI_INDEX, OCI_MANIFEST};
use crate::message::{Req, Resp};
use crate::partial_api::is_digest_reference;
use crate::profile::{ManifestAccept, References};
use crate::state::State;
use crate::store::{Descriptor, StoredManifest};

/// The media types the `Accept` headers list, parameters aside (empty entries dropped).
fn accept_types(req: &Req) -> Vec<String> {
    req.headers
        .get_all("accept")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(media_type::base)
        .filter(|t| !t.is_empty())
        .collect()
}

/// Does the `Accept` header admit `media_type`? No header (or no usable entry) admits everything.
fn accepts(req: &Req, media_type: &str) -> bool {
    let types = accept_types(req);
    types.is_empty()
        || types
            .iter()
            .any(|t| t == "*/*" || t == media_type || t == "application/*")
}

/// Does an `Accept` value name `media_type` itself (parameters aside)?
fn names(req: &Req, media_type: &str) -> bool {
    accept_types(req).iter().any(|t| t == media_type)
}

fn validate_reference(state: &State, reference: &str) -> Result<(), Resp> {
    if state.profile.behaviour().partial.references == References::Sha256OrTag {
        // Anything that is not a sha256 digest is a tag, no grammar checked.
        return Ok(());
    }
    if digest::looks_like_digest(reference) {
        if ParsedDigest::parse(reference).is_none() {
            return Err(digest_invalid("invalid digest"));
        }
    } else if !digest::valid_tag(reference) {
        return Err(Resp::error_detail(
            400,
            "TAG_INVALID",
            "manifest tag did not match URI",
            json!({ "tag": reference }),
        ));
    }
    Ok(())
}

pub(super) fn get_manifest(state: &State, req: &Req, repo: &str, reference: &str) -> Resp {
    if let Err(r) = validate_reference(state, reference) {
        return r;
    }
    if !state.store.repo_exists(repo) {
        return name_unknown(repo);
    }
    // GitLab resolves `<alg>-<hex>` as if it were the digest `<alg>:<hex>` (oras-go #1396). Whether a real tag
    // of that name would win is unknown; the fake lets an existing tag win (assumed).
    let by_dash_digest = || {
        let (alg, hex) = reference.split_once('-')?;
        let d = format!("{alg}:{hex}");
        ParsedDigest::parse(&d)?;
        state.store.get_manifest(repo, &d)
    };
    let found = if state.profile.behaviour().dash_digest_refs {
        state
            .store
            .get_manifest(repo, reference)
            .or_else(by_dash_digest)
    } else {
        state.store.get_manifest(repo, reference)
    };
    let Some((digest, m)) = found else {
        return Resp::error_detail(
            404,
            "MANIFEST_UNKNOWN",
            "manifest unknown",
            json!({ "reference": reference }),
        );
    };
    if state.profile.behaviour().content.manifest_accept == ManifestAccept::OciNamed
        && let Some(what) = match m.media_type.as_str() {
            OCI_MANIFEST => {
                Some("OCI manifest found, but accept header does not support OCI manifests")
            }
            OCI_INDEX => Some("OCI index found, but accept header does not support OCI indexes"),
            _ => None,
        }
        && !names(req, &m.media_type)
    {
        return Resp::json(
            404,
            &json!({ "errors": [{ "code": "MANIFEST_UNKNOWN", "message": what }] }),
        );
    }
    if !accepts(req, &m.media_type) {
        // Distribution's answer when the stored type is not acceptable to the client.
        return Resp::error_detail(
            404,
            "MANIFEST_UNKNOWN",
            &format!(
                "manifest of media type {} found, but the Accept header does not admit it",
                m.media_type
            ),
            json!({ "reference": reference }),
        );
    }
    Resp::with_body(200, Some(&m.media_type), m.bytes.clone())
        .header("docker-content-digest", digest.clone())
        .header("etag", format!("\"{digest}\""))
}

/// Why a manifest was refused.
fn manifest_invalid(msg: &str) -> Resp {
    Resp::error(400, "MANIFEST_INVALID", msg)
}

fn descriptor_digest(d: &Value) -> Option<String> {
    let s = d.get("digest")?.as_str()?;
    ParsedDigest::parse(s).map(|p| p.text)
}

/// Build the referrers-API descriptor of a manifest with `subject`
/// ([spec.md "Listing Referrers"](https://github.com/opencontainers/distribution-spec/blob/v1.1.1/spec.md#listing-referrers)):
/// `artifactType` is the manifest's own, else (image manifest) its `config.mediaType`; annotations are copied.
pub(crate) fn referrer_descriptor(
    doc: &Value,
    media_type: &str,
    digest: &str,
    size: u64,
) -> Descriptor {
    let config_media_type = if media_type == OCI_INDEX || media_type == DOCKER_LIST {
        None
    } else {
        doc.get("config")
            .and_then(|c| c.get("mediaType"))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let artifact_type = doc
        .get("artifactType")
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| config_media_type.clone());
    let blob_size = |d: &Value| d.get("size").and_then(Value::as_u64).unwrap_or(0);
    let blobs_size = doc.get("config").map_or(0, blob_size).saturating_add(
        doc.get("layers").and_then(Value::as_array).map_or(0, |l| {
            l.iter().map(blob_size).fold(0u64, u64::saturating_add)
        }),
    );
    let annotations = doc
        .get("annotations")
        .and_then(Value::as_object)
        .map(|o| {
            o.iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
                .collect::<BTreeMap<_, _>>()
        })
        .filter(|m| !m.is_empty());
    Descriptor {
        media_type: media_type.to_string(),
        digest: digest.to_string(),
        size,
        artifact_type,
        annotations,
        config_media_type,
        blobs_size,
    }
}

pub(super) fn put_manifest(state: &State, req: &Req, repo: &str, reference: &str) -> Resp {
    if let Err(r) = validate_reference(state, reference) {
        return r;
    }
    if req.body.len() > MAX_MANIFEST_BYTES {
        return Resp::error(413, "SIZE_INVALID", "manifest exceeds the 4 MiB limit");
    }
    let Ok(doc) = serde_json::from_slice::<Value>(&req.body) else {
        return manifest_invalid("manifest is not valid JSON");
    };
    if !doc.is_object() {
        return manifest_invalid("manifest is not a JSON object");
    }
    if doc.get("schemaVersion").and_then(Value::as_i64) != Some(2) {
        return manifest_invalid("schemaVersion must be 2");
    }
    let header_type = req
        .header("content-type")
        .map(media_type::base)
        .filter(|t| !t.is_empty());
    let field_type = doc.get("mediaType").and_then(Value::as_str);
    let media_type = match (header_type.as_deref(), field_type) {
        (Some(h), Some(f)) if h != f => {
            return manifest_invalid("mediaType does not match the Content-Type header");
        }
        (_, Some(f)) => f.to_string(),
        (Some(h), None) => h.to_string(),
        (None, None) => {
            if doc.get("manifests").is_some() {
                OCI_INDEX.into()
            } else {
                OCI_MANIFEST.into()
            }
        }
    };
    let is_index = media_type == OCI_INDEX || media_type == DOCKER_LIST;
    if !is_index && media_type != OCI_MANIFEST && media_type != DOCKER_MANIFEST {
        return manifest_invalid("unsupported manifest media type");
    }
    // Descriptors must be well formed; an image manifest's blobs must exist.
    if is_index {
        let Some(list) = doc.get("manifests").and_then(Value::as_array) else {
            return manifest_invalid("index has no manifests array");
        };
        if list.iter().any(|d| descriptor_digest(d).is_none()) {
            return manifest_invalid("invalid descriptor in manifests");
        }
    } else {
        let Some(config) = doc.get("config") else {
            return manifest_invalid("manifest has no config");
        };
        let layers = doc
            .get("layers")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for d in std::iter::once(config).chain(layers.iter()) {
            let Some(dg) = descriptor_digest(d) else {
                return manifest_invalid("invalid descriptor");
            };
            if d.get("urls").is_some() {
                continue; // foreign layer
            }
            if state.profile.behaviour().partial.manifest_blobs_checked
                && super::shared::blob(state, repo, &dg).is_none()
            {
                return Resp::error_detail(
                    state.profile.behaviour().content.blob_unknown_status,
                    "MANIFEST_BLOB_UNKNOWN",
                    "blob unknown to registry",
                    json!({ "digest": dg }),
                );
            }
        }
    }
    // Digest: verify when pushed by digest.
    let partial = &state.profile.behaviour().partial;
    let refused_after_storing = partial
        .put_by_digest
        .filter(|_| partial.put_by_digest_stores);
    let (digest, tag) =
        if is_digest_reference(partial, reference) && refused_after_storing.is_some() {
            // Stored under the digest of what came, the reference unchecked (container-registry 0.3.1 `put_manifest`).
            (Algorithm::Sha256.digest(&req.body), None)
        } else if is_digest_reference(partial, reference) {
            let Some(p) = ParsedDigest::parse(reference) else {
                return digest_invalid("invalid digest");
            };
            if !p.matches(&req.body) {
                return digest_invalid("provided digest did not match uploaded content");
            }
            (p.text, None)
        } else {
            (Algorithm::Sha256.digest(&req.body), Some(reference))
        };
    // Subject.
    let subject = match doc.get("subject") {
        None | Some(Value::Null) => None,
        Some(s) => match descriptor_digest(s) {
            Some(d) => Some((d, s.get("mediaType").and_then(Value::as_str))),
            None => return manifest_invalid("invalid subject descriptor"),
        },
    };
    if let Some((_, Some(smt))) = &subject
        && (*smt == OCI_INDEX || *smt == DOCKER_LIST)
        && let Some(c) = &state.profile.behaviour().reject_index_subject_put
    {
        return canned(c);
    }
    let referrer_descriptor = subject
        .as_ref()
        .map(|_| referrer_descriptor(&doc, &media_type, &digest, req.body.len() as u64));
    let stored = StoredManifest {
        bytes: req.body.clone(),
        media_type,
        subject: subject.as_ref().map(|(d, _)| d.clone()),
        referrer_descriptor,
    };
    state.store.put_manifest(repo, &digest, stored, tag);
    if tag.is_none()
        && let Some(c) = &refused_after_storing
    {
        // Stored under its digest, then refused for not naming a tag.
        return canned(c);
    }
    let named = if partial.manifest_location_digest {
        digest.as_str()
    } else {
        reference
    };
    let mut resp = Resp::empty(201)
        .header(
            "location",
            format!(
                "{}/v2/{repo}/manifests/{named}",
                location_origin(state, req)
            ),
        )
        .header("docker-content-digest", digest.clone());
    if let Some((sd, _)) = subject
        && state.profile.behaviour().oci_subject_header
    {
        resp = resp.header("oci-subject", sd);
    }
    resp
}

pub(super) fn delete_manifest(state: &State, repo: &str, reference: &str) -> Resp {
    if let Err(r) = validate_reference(state, reference) {
        return r;
    }
    if !state.store.repo_exists(repo) {
        return name_unknown(repo);
    }
    let ok = if is_digest_reference(&state.profile.behaviour().partial, reference) {
        state.store.delete_manifest(repo, reference)
    } else {
        state.store.delete_tag(repo, reference)
    };
    if ok {
        Resp::empty(202)
    } else {
        Resp::error(404, "MANIFEST_UNKNOWN", "manifest unknown")
    }
}
