//! The Distribution API over the store, spec-exact
//! ([OCI distribution-spec v1.1.1](https://github.com/opencontainers/distribution-spec/blob/v1.1.1/spec.md)).
//! Profile deviations are applied in front of it (`crate::layer`); the referrers handler takes the profile's
//! [`ApiReferrers`] so one implementation serves every vendor variant.
//!
//! Paths are parsed by hand from the right, because repository names contain slashes.

use std::collections::BTreeMap;

use bytes::Bytes;
use http::Method;
use serde_json::{Value, json};

use crate::digest::{self, Algorithm, ParsedDigest};
use crate::message::{Req, Resp, percent_encode};
use crate::profile::{ApiReferrers, ArtifactTypeFrom, Canned, FiltersHeader};
use crate::state::State;
use crate::store::{Descriptor, StoredManifest, UploadError};

/// Largest manifest accepted (the spec's "at least 4 MB"); larger gets 413.
pub const MAX_MANIFEST_BYTES: usize = 4 * 1024 * 1024;
/// Largest blob (monolithic or the sum of an upload session's chunks); larger gets 413.
pub const MAX_BLOB_BYTES: usize = 64 * 1024 * 1024;

/// OCI image manifest media type.
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
/// OCI image index media type.
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
/// Docker image manifest v2 schema 2.
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
/// Docker manifest list.
pub const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";

/// A parsed API route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    /// `/v2/`
    Base,
    /// `/v2/<name>/manifests/<reference>`
    Manifest { repo: String, reference: String },
    /// `/v2/<name>/blobs/<digest>`
    Blob { repo: String, digest: String },
    /// `/v2/<name>/blobs/uploads/`
    UploadStart { repo: String },
    /// `/v2/<name>/blobs/uploads/<id>`
    Upload { repo: String, id: String },
    /// `/v2/<name>/tags/list`
    Tags { repo: String },
    /// `/v2/<name>/referrers/<digest>`
    Referrers { repo: String, digest: String },
    /// Anything else.
    Unknown,
}

/// Parse a path (without query) into a route.
pub(crate) fn route(path: &str) -> Route {
    if path == "/v2/" || path == "/v2" {
        return Route::Base;
    }
    let Some(rest) = path.strip_prefix("/v2/") else {
        return Route::Unknown;
    };
    if let Some(repo) = rest.strip_suffix("/tags/list") {
        return Route::Tags { repo: repo.into() };
    }
    if let Some(repo) = rest.strip_suffix("/blobs/uploads/") {
        return Route::UploadStart { repo: repo.into() };
    }
    if let Some(repo) = rest.strip_suffix("/blobs/uploads") {
        return Route::UploadStart { repo: repo.into() };
    }
    let Some((before, last)) = rest.rsplit_once('/') else {
        return Route::Unknown;
    };
    if last.is_empty() {
        return Route::Unknown;
    }
    if let Some(repo) = before.strip_suffix("/blobs/uploads") {
        return Route::Upload {
            repo: repo.into(),
            id: last.into(),
        };
    }
    if let Some(repo) = before.strip_suffix("/manifests") {
        return Route::Manifest {
            repo: repo.into(),
            reference: last.into(),
        };
    }
    if let Some(repo) = before.strip_suffix("/blobs") {
        return Route::Blob {
            repo: repo.into(),
            digest: last.into(),
        };
    }
    if let Some(repo) = before.strip_suffix("/referrers") {
        return Route::Referrers {
            repo: repo.into(),
            digest: last.into(),
        };
    }
    Route::Unknown
}

/// The repository of a route, if it has one.
pub(crate) fn route_repo(r: &Route) -> Option<&str> {
    match r {
        Route::Manifest { repo, .. }
        | Route::Blob { repo, .. }
        | Route::UploadStart { repo }
        | Route::Upload { repo, .. }
        | Route::Tags { repo }
        | Route::Referrers { repo, .. } => Some(repo),
        Route::Base | Route::Unknown => None,
    }
}

fn name_invalid(repo: &str) -> Resp {
    Resp::error_detail(
        400,
        "NAME_INVALID",
        "invalid repository name",
        json!({ "name": repo }),
    )
}

fn name_unknown(repo: &str) -> Resp {
    Resp::error_detail(
        404,
        "NAME_UNKNOWN",
        "repository name not known to registry",
        json!({ "name": repo }),
    )
}

fn digest_invalid(msg: &str) -> Resp {
    Resp::error(400, "DIGEST_INVALID", msg)
}

fn unsupported_method() -> Resp {
    Resp::error(405, "UNSUPPORTED", "the operation is unsupported")
}

/// Turn a canned profile answer into a response.
pub(crate) fn canned(c: &Canned) -> Resp {
    let mut r = Resp::with_body(
        c.status,
        c.content_type,
        Bytes::from_static(c.body.as_bytes()),
    );
    for (k, v) in c.headers {
        r.headers.push(((*k).to_string(), (*v).to_string()));
    }
    r
}

/// A canned answer whose body may name the requested reference (`{reference}`).
pub(crate) fn canned_ref(c: &Canned, reference: &str) -> Resp {
    let mut r = canned(c);
    if c.body.contains("{reference}") {
        r.body = Bytes::from(c.body.replace("{reference}", reference));
    }
    r
}

/// Dispatch a request to its handler. `ref_cfg` is the profile's referrers variant.
pub(crate) fn handle(state: &State, req: &Req, r: &Route, ref_cfg: &ApiReferrers) -> Resp {
    if let Some(repo) = route_repo(r)
        && !digest::valid_repository(repo)
    {
        return name_invalid(repo);
    }
    let m = &req.method;
    match r {
        Route::Base => match *m {
            Method::GET | Method::HEAD => {
                Resp::with_body(200, Some("application/json"), Bytes::from_static(b"{}"))
            }
            _ => unsupported_method(),
        },
        Route::Manifest { repo, reference } => match *m {
            Method::GET | Method::HEAD => get_manifest(state, req, repo, reference),
            Method::PUT => put_manifest(state, req, repo, reference),
            Method::DELETE => delete_manifest(state, repo, reference),
            _ => unsupported_method(),
        },
        Route::Blob { repo, digest } => match *m {
            Method::GET | Method::HEAD => get_blob(state, req, repo, digest),
            Method::DELETE => delete_blob(state, repo, digest),
            _ => unsupported_method(),
        },
        Route::UploadStart { repo } => match *m {
            Method::POST => start_upload(state, req, repo),
            _ => unsupported_method(),
        },
        Route::Upload { repo, id } => match *m {
            Method::GET => upload_status(state, req, repo, id),
            Method::PATCH => patch_upload(state, req, repo, id),
            Method::PUT => finish_upload(state, req, repo, id),
            Method::DELETE => match state.store.take_upload(repo, id) {
                Ok(_) => Resp::empty(204),
                Err(_) => upload_unknown(),
            },
            _ => unsupported_method(),
        },
        Route::Tags { repo } => match *m {
            Method::GET | Method::HEAD => tags_list(state, req, repo),
            _ => unsupported_method(),
        },
        Route::Referrers { repo, digest } => match *m {
            Method::GET | Method::HEAD => referrers(state, req, repo, digest, ref_cfg),
            _ => unsupported_method(),
        },
        Route::Unknown => Resp::error(404, "NOT_FOUND", "no such route"),
    }
}

// --- manifests -------------------------------------------------------------------------------------------------

fn media_type_base(ct: &str) -> String {
    ct.split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Does the `Accept` header admit `media_type`? No header (or no usable entry) admits everything.
fn accepts(req: &Req, media_type: &str) -> bool {
    let mut any = false;
    for v in req.headers.get_all("accept") {
        let Ok(v) = v.to_str() else { continue };
        for part in v.split(',') {
            let t = media_type_base(part);
            if t.is_empty() {
                continue;
            }
            any = true;
            if t == "*/*" || t == media_type || t == "application/*" {
                return true;
            }
        }
    }
    !any
}

fn validate_reference(reference: &str) -> Result<(), Resp> {
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

fn get_manifest(state: &State, req: &Req, repo: &str, reference: &str) -> Resp {
    if let Err(r) = validate_reference(reference) {
        return r;
    }
    if !state.store.repo_exists(repo) {
        return name_unknown(repo);
    }
    let Some((digest, m)) = state.store.get_manifest(repo, reference) else {
        return Resp::error_detail(
            404,
            "MANIFEST_UNKNOWN",
            "manifest unknown",
            json!({ "reference": reference }),
        );
    };
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

fn put_manifest(state: &State, req: &Req, repo: &str, reference: &str) -> Resp {
    if let Err(r) = validate_reference(reference) {
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
        .map(media_type_base)
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
            if state.store.get_blob(repo, &dg).is_none() {
                return Resp::error_detail(
                    400,
                    "MANIFEST_BLOB_UNKNOWN",
                    "blob unknown to registry",
                    json!({ "digest": dg }),
                );
            }
        }
    }
    // Digest: verify when pushed by digest.
    let (digest, tag) = if digest::looks_like_digest(reference) {
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
    let mut resp = Resp::empty(201)
        .header(
            "location",
            format!("{}/v2/{repo}/manifests/{digest}", req.origin()),
        )
        .header("docker-content-digest", digest.clone());
    if let Some((sd, _)) = subject
        && state.profile.behaviour().oci_subject_header
    {
        resp = resp.header("oci-subject", sd);
    }
    resp
}

fn delete_manifest(state: &State, repo: &str, reference: &str) -> Resp {
    if let Err(r) = validate_reference(reference) {
        return r;
    }
    if !state.store.repo_exists(repo) {
        return name_unknown(repo);
    }
    let ok = if digest::looks_like_digest(reference) {
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

// --- blobs -----------------------------------------------------------------------------------------------------

fn blob_unknown(digest: &str) -> Resp {
    Resp::error_detail(
        404,
        "BLOB_UNKNOWN",
        "blob unknown to registry",
        json!({ "digest": digest }),
    )
}

/// Parse `Range: bytes=a-b` against a length.
fn parse_range(v: &str, len: u64) -> Option<(u64, u64)> {
    let spec = v.trim().strip_prefix("bytes=")?;
    let (a, b) = spec.split_once('-')?;
    let start: u64 = a.trim().parse().ok()?;
    let end: u64 = if b.trim().is_empty() {
        len.checked_sub(1)?
    } else {
        b.trim().parse::<u64>().ok()?.min(len.checked_sub(1)?)
    };
    (start <= end).then_some((start, end))
}

fn get_blob(state: &State, req: &Req, repo: &str, digest: &str) -> Resp {
    if ParsedDigest::parse(digest).is_none() {
        return digest_invalid("invalid digest");
    }
    let Some(data) = state.store.get_blob(repo, digest) else {
        return blob_unknown(digest);
    };
    if let Some(range) = req.header("range") {
        let len = data.len() as u64;
        return match parse_range(range, len) {
            Some((s, e)) => Resp::with_body(
                206,
                Some("application/octet-stream"),
                data.slice(s as usize..=e as usize),
            )
            .header("content-range", format!("bytes {s}-{e}/{len}"))
            .header("docker-content-digest", digest),
            None => Resp::empty(416).header("content-range", format!("bytes */{len}")),
        };
    }
    Resp::with_body(200, Some("application/octet-stream"), data)
        .header("docker-content-digest", digest)
        .header("accept-ranges", "bytes")
}

fn delete_blob(state: &State, repo: &str, digest: &str) -> Resp {
    if ParsedDigest::parse(digest).is_none() {
        return digest_invalid("invalid digest");
    }
    if state.store.delete_blob(repo, digest) {
        Resp::empty(202)
    } else {
        blob_unknown(digest)
    }
}

fn upload_unknown() -> Resp {
    Resp::error(
        404,
        "BLOB_UPLOAD_UNKNOWN",
        "blob upload unknown to registry",
    )
}

fn upload_location(req: &Req, repo: &str, id: &str) -> String {
    format!("{}/v2/{repo}/blobs/uploads/{id}", req.origin())
}

fn range_header(len: u64) -> String {
    format!("0-{}", len.saturating_sub(1))
}

fn blob_created(req: &Req, repo: &str, digest: &str) -> Resp {
    Resp::empty(201)
        .header(
            "location",
            format!("{}/v2/{repo}/blobs/{digest}", req.origin()),
        )
        .header("docker-content-digest", digest)
}

fn too_large() -> Resp {
    Resp::error(413, "SIZE_INVALID", "blob exceeds the size limit")
}

fn start_upload(state: &State, req: &Req, repo: &str) -> Resp {
    // Cross-repository mount.
    if let Some(mount) = req.param("mount") {
        if ParsedDigest::parse(mount).is_none() {
            return digest_invalid("invalid mount digest");
        }
        if let Some(from) = req.param("from")
            && digest::valid_repository(from)
            && let Some(data) = state.store.get_blob(from, mount)
        {
            state.store.put_blob(repo, mount, data);
            return blob_created(req, repo, mount);
        }
    }
    // Monolithic upload.
    if let Some(d) = req.param("digest") {
        let Some(p) = ParsedDigest::parse(d) else {
            return digest_invalid("invalid digest");
        };
        if req.body.len() > MAX_BLOB_BYTES {
            return too_large();
        }
        if !p.matches(&req.body) {
            return digest_invalid("provided digest did not match uploaded content");
        }
        state.store.put_blob(repo, &p.text, req.body.clone());
        return blob_created(req, repo, &p.text);
    }
    let id = state.store.start_upload(repo);
    Resp::empty(202)
        .header("location", upload_location(req, repo, &id))
        .header("range", "0-0")
        .header("docker-upload-uuid", id)
}

fn upload_status(state: &State, req: &Req, repo: &str, id: &str) -> Resp {
    match state.store.upload_len(repo, id) {
        Ok(len) => Resp::empty(204)
            .header("location", upload_location(req, repo, id))
            .header("range", range_header(len))
            .header("docker-upload-uuid", id),
        Err(_) => upload_unknown(),
    }
}

fn content_range_start(req: &Req) -> Result<Option<u64>, Resp> {
    let Some(v) = req.header("content-range") else {
        return Ok(None);
    };
    let v = v
        .trim()
        .trim_start_matches("bytes ")
        .trim_start_matches("bytes=");
    let start = v
        .split('-')
        .next()
        .and_then(|s| s.trim().parse::<u64>().ok());
    match start {
        Some(s) => Ok(Some(s)),
        None => Err(Resp::error(
            400,
            "BLOB_UPLOAD_INVALID",
            "invalid Content-Range",
        )),
    }
}

fn upload_error(e: UploadError, req: &Req, repo: &str, id: &str) -> Resp {
    match e {
        UploadError::Unknown => upload_unknown(),
        UploadError::BadRange(len) => Resp::empty(416)
            .header("location", upload_location(req, repo, id))
            .header("range", range_header(len)),
        UploadError::TooLarge(_) => too_large(),
    }
}

fn patch_upload(state: &State, req: &Req, repo: &str, id: &str) -> Resp {
    let start = match content_range_start(req) {
        Ok(s) => s,
        Err(r) => return r,
    };
    match state
        .store
        .append_upload(repo, id, start, &req.body, MAX_BLOB_BYTES)
    {
        Ok(len) => Resp::empty(202)
            .header("location", upload_location(req, repo, id))
            .header("range", range_header(len))
            .header("docker-upload-uuid", id),
        Err(e) => upload_error(e, req, repo, id),
    }
}

fn finish_upload(state: &State, req: &Req, repo: &str, id: &str) -> Resp {
    let Some(d) = req.param("digest") else {
        return digest_invalid("digest parameter missing");
    };
    let Some(p) = ParsedDigest::parse(d) else {
        return digest_invalid("invalid digest");
    };
    if !req.body.is_empty()
        && let Err(e) = state
            .store
            .append_upload(repo, id, None, &req.body, MAX_BLOB_BYTES)
    {
        return upload_error(e, req, repo, id);
    }
    let data = match state.store.take_upload(repo, id) {
        Ok(d) => d,
        Err(e) => return upload_error(e, req, repo, id),
    };
    if !p.matches(&data) {
        state.store.restore_upload(repo, id, data);
        return digest_invalid("provided digest did not match uploaded content");
    }
    state.store.put_blob(repo, &p.text, Bytes::from(data));
    blob_created(req, repo, &p.text)
}

// --- tags ------------------------------------------------------------------------------------------------------

fn tags_list(state: &State, req: &Req, repo: &str) -> Resp {
    let Some(all) = state.store.tags(repo) else {
        return name_unknown(repo);
    };
    let n = match req.param("n") {
        None | Some("") => None,
        Some(v) => match v.parse::<usize>() {
            Ok(n) => Some(n),
            Err(_) => {
                return Resp::error(
                    400,
                    "PAGINATION_NUMBER_INVALID",
                    "invalid number of results requested",
                );
            }
        },
    };
    let last = req.param("last").unwrap_or("");
    let after: Vec<String> = all
        .into_iter()
        .filter(|t| last.is_empty() || t.as_str() > last)
        .collect();
    let (page, more) = match n {
        Some(n) => (
            after.iter().take(n).cloned().collect::<Vec<_>>(),
            after.len() > n && n > 0,
        ),
        None => (after, false),
    };
    let mut resp = Resp::json(200, &json!({ "name": repo, "tags": page }));
    if more && let (Some(n), Some(l)) = (n, page.last()) {
        resp = resp.header(
            "link",
            format!(
                "</v2/{repo}/tags/list?n={n}&last={}>; rel=\"next\"",
                percent_encode(l)
            ),
        );
    }
    resp
}

// --- referrers -------------------------------------------------------------------------------------------------

/// An image index body listing `manifests`.
pub(crate) fn index_body(manifests: &[Descriptor]) -> Bytes {
    Bytes::from(
        json!({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": manifests}).to_string(),
    )
}

/// A descriptor as this referrers variant lists it (Harbor < 2.11: config media type, size with blobs).
pub(crate) fn as_listed(mut d: Descriptor, cfg: &ApiReferrers) -> Descriptor {
    if cfg.artifact_type_from == ArtifactTypeFrom::ConfigMediaType {
        d.artifact_type = d.config_media_type.clone();
    }
    if cfg.size_includes_blobs {
        d.size = d.size.saturating_add(d.blobs_size);
    }
    d
}

fn referrers(state: &State, req: &Req, repo: &str, digest: &str, cfg: &ApiReferrers) -> Resp {
    if ParsedDigest::parse(digest).is_none() {
        return canned_ref(&cfg.bad_digest, digest);
    }
    let Some(all) = state.store.referrers(repo, digest) else {
        return match &cfg.missing_repo {
            Some(c) => canned(c),
            None => {
                let mut body = index_body(&[]).to_vec();
                if cfg.trailing_newline {
                    body.push(b'\n');
                }
                Resp::with_body(cfg.status, Some(cfg.content_type), body)
            }
        };
    };
    if let Some(c) = &cfg.missing_subject
        && state.store.get_manifest(repo, digest).is_none()
    {
        return canned(c);
    }
    // artifactType filter.
    let wanted: Vec<&str> = req
        .params("artifactType")
        .filter(|v| !v.is_empty())
        .collect();
    let wanted: Vec<&str> = if cfg.filter_multi {
        wanted
    } else {
        wanted.into_iter().take(1).collect()
    };
    let filtered = cfg.filter && !wanted.is_empty();
    let unfiltered_total = all.len();
    let all: Vec<Descriptor> = all.into_iter().map(|d| as_listed(d, cfg)).collect();
    let list: Vec<Descriptor> = if filtered {
        all.into_iter()
            .filter(|d| {
                d.artifact_type
                    .as_deref()
                    .is_some_and(|t| wanted.contains(&t))
            })
            .collect()
    } else {
        all
    };
    // Paging: the cursor `last` is the digest of the last descriptor of the previous page.
    let (page, next) = if cfg.paging {
        let start = match req.param("last") {
            Some(l) => list
                .iter()
                .position(|d| d.digest == l)
                .map_or(list.len(), |i| i + 1),
            None => 0,
        };
        let size = state.page_size.max(1);
        let end = (start + size).min(list.len());
        let page = list[start.min(end)..end].to_vec();
        let next = (end < list.len()).then(|| page.last().map(|d| d.digest.clone()));
        (page, next.flatten())
    } else {
        (list, None)
    };
    let mut body = index_body(&page).to_vec();
    if cfg.trailing_newline {
        body.push(b'\n');
    }
    let mut resp = Resp::with_body(cfg.status, Some(cfg.content_type), body);
    if filtered {
        let value = match cfg.filters_header {
            FiltersHeader::Spec => "artifactType".to_string(),
            FiltersHeader::RequestedValue => wanted.join(","),
        };
        resp = resp.header("oci-filters-applied", value);
    }
    if cfg.total_count {
        resp = resp.header("x-total-count", unfiltered_total.to_string());
    }
    if let Some(last) = next {
        let mut q = String::new();
        for t in &wanted {
            q.push_str(&format!("artifactType={}&", percent_encode(t)));
        }
        q.push_str(&format!("last={}", percent_encode(&last)));
        resp = resp.header(
            "link",
            format!("</v2/{repo}/referrers/{digest}?{q}>; rel=\"next\""),
        );
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        assert_eq!(route("/v2/"), Route::Base);
        assert_eq!(
            route("/v2/a/b/c/manifests/latest"),
            Route::Manifest {
                repo: "a/b/c".into(),
                reference: "latest".into()
            }
        );
        assert_eq!(
            route("/v2/x/manifests/y/manifests/z"),
            Route::Manifest {
                repo: "x/manifests/y".into(),
                reference: "z".into()
            }
        );
        assert_eq!(
            route("/v2/a/blobs/uploads/"),
            Route::UploadStart { repo: "a".into() }
        );
        assert_eq!(
            route("/v2/a/b/blobs/uploads/123"),
            Route::Upload {
                repo: "a/b".into(),
                id: "123".into()
            }
        );
        assert_eq!(route("/v2/a/tags/list"), Route::Tags { repo: "a".into() });
        assert_eq!(
            route("/v2/a/referrers/sha256:00"),
            Route::Referrers {
                repo: "a".into(),
                digest: "sha256:00".into()
            }
        );
        assert_eq!(route("/v2/a/manifests/"), Route::Unknown);
        assert_eq!(route("/other"), Route::Unknown);
        assert_eq!(route("/v2/a"), Route::Unknown);
    }

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-3", 10), Some((0, 3)));
        assert_eq!(parse_range("bytes=5-", 10), Some((5, 9)));
        assert_eq!(parse_range("bytes=5-100", 10), Some((5, 9)));
        assert_eq!(parse_range("bytes=9-5", 10), None);
        assert_eq!(parse_range("bytes=0-0", 0), None);
    }

    #[test]
    fn artifact_type_derivation() {
        let doc = json!({"config": {"mediaType": "application/vnd.in-toto+json"}, "annotations": {"a": "b"}});
        let d = referrer_descriptor(&doc, OCI_MANIFEST, "sha256:x", 3);
        assert_eq!(
            d.artifact_type.as_deref(),
            Some("application/vnd.in-toto+json")
        );
        assert_eq!(d.annotations.unwrap()["a"], "b");
        let doc = json!({"artifactType": "t", "config": {"mediaType": "c"}});
        assert_eq!(
            referrer_descriptor(&doc, OCI_MANIFEST, "d", 1)
                .artifact_type
                .as_deref(),
            Some("t")
        );
        let doc = json!({"manifests": []});
        assert_eq!(
            referrer_descriptor(&doc, OCI_INDEX, "d", 1).artifact_type,
            None
        );
    }
}
