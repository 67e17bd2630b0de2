//! Blobs and uploads: GET/HEAD (with `Range`), DELETE, monolithic POST, POST+PUT, chunked PATCH, mounts
//! ([spec.md "Pulling blobs", "Pushing blobs"](https://github.com/opencontainers/distribution-spec/blob/v1.1.1/spec.md#pushing-blobs)).

use bytes::Bytes;
use serde_json::json;

use super::ranges::{self, parse_range};
use super::shared::{MAX_BLOB_BYTES, blob, digest_invalid, location_origin};
use crate::digest::{self, ParsedDigest};
use crate::message::{Req, Resp};
use crate::profile::{BlobDigests, ChunkRange, Mounts, UploadPath, UploadRange};
use crate::state::State;
use crate::store::UploadError;

fn blob_unknown(digest: &str) -> Resp {
    Resp::error_detail(
        404,
        "BLOB_UNKNOWN",
        "blob unknown to registry",
        json!({ "digest": digest }),
    )
}

/// Digest algorithms other than `sha256` name a blob only as a second name where the profile stores blobs under
/// their `sha256` digest ([`BlobDigests::Sha256Canonical`]).
fn canonical_store(state: &State) -> bool {
    state.profile.behaviour().content.blob_digests == BlobDigests::Sha256Canonical
}

/// The digest a blob's answers name: the one asked for, or its `sha256` one where the profile names blobs by that.
fn named_digest(state: &State, asked: &str, data: &[u8]) -> String {
    if canonical_store(state) {
        digest::sha256(data)
    } else {
        asked.to_string()
    }
}

/// Store an uploaded blob under the digest it was pushed with, and under its `sha256` digest too where the profile
/// stores blobs by that; returns the digest its answers name.
fn store_blob(state: &State, repo: &str, pushed: &str, data: Bytes) -> String {
    let named = named_digest(state, pushed, &data);
    if named != pushed {
        state.store.put_blob(repo, &named, data.clone());
    }
    state.store.put_blob(repo, pushed, data);
    named
}

/// The answer to a read of a name that links to nothing readable ([`BlobDigests::Sha256Canonical`]'s mount by
/// another algorithm's digest): Distribution's `500 UNKNOWN` with an empty detail.
fn dangling() -> Resp {
    Resp::error_detail(500, "UNKNOWN", "unknown error", json!({}))
}

pub(super) fn get_blob(state: &State, req: &Req, repo: &str, digest: &str) -> Resp {
    if ParsedDigest::parse(digest).is_none() {
        return digest_invalid("invalid digest");
    }
    if state.store.is_dangling(repo, digest) {
        return dangling();
    }
    let Some(data) = blob(state, repo, digest) else {
        return blob_unknown(digest);
    };
    let named = named_digest(state, digest, &data);
    let content = &state.profile.behaviour().content;
    if let Some(range) = req.header("range").filter(|_| content.ranges) {
        let len = data.len() as u64;
        return match parse_range(range, len) {
            Some((s, e)) => Resp::with_body(
                206,
                Some("application/octet-stream"),
                data.slice(s as usize..=e as usize),
            )
            .header("content-range", format!("bytes {s}-{e}/{len}"))
            .header("docker-content-digest", named),
            None => ranges::refused(content.range_refusal, range, len, &named),
        };
    }
    if !state.profile.behaviour().partial.blob_get_headers && req.method == http::Method::GET {
        // Streamed with no length and no headers (container-registry 0.3.1 `blob_get`).
        return Resp::with_body(200, None, data).streamed();
    }
    // `Accept-Ranges` is the profile's (`crate::content_api::adjust`).
    Resp::with_body(200, Some("application/octet-stream"), data)
        .header("docker-content-digest", named)
}

pub(super) fn delete_blob(state: &State, repo: &str, digest: &str) -> Resp {
    if ParsedDigest::parse(digest).is_none() {
        return digest_invalid("invalid digest");
    }
    let deleted = if state.profile.behaviour().content.global_blobs {
        state.store.delete_blob_everywhere(digest)
    } else {
        state.store.delete_blob(repo, digest)
    };
    if deleted {
        Resp::empty(202)
    } else {
        blob_unknown(digest)
    }
}

pub(super) fn upload_unknown() -> Resp {
    Resp::error(
        404,
        "BLOB_UPLOAD_UNKNOWN",
        "blob upload unknown to registry",
    )
}

fn upload_location(state: &State, req: &Req, repo: &str, id: &str) -> String {
    let origin = location_origin(state, req);
    if state.profile.behaviour().partial.upload_path == UploadPath::Bare {
        return format!("{origin}/v2/{repo}/uploads/{id}");
    }
    if state.profile.behaviour().content.upload_state_query {
        // Distribution signs the session's state into the Location (`_state`, an HMAC token); the fake's stands
        // in for it and is not checked.
        format!("{origin}/v2/{repo}/blobs/uploads/{id}?_state={id}")
    } else {
        format!("{origin}/v2/{repo}/blobs/uploads/{id}")
    }
}

fn range_header(len: u64) -> String {
    format!("0-{}", len.saturating_sub(1))
}

fn blob_created(state: &State, req: &Req, repo: &str, digest: &str) -> Resp {
    Resp::empty(201)
        .header(
            "location",
            format!("{}/v2/{repo}/blobs/{digest}", location_origin(state, req)),
        )
        .header("docker-content-digest", digest)
}

/// The closing PUT's `201`: the blob's `Location`, or the session's where the profile sends that.
fn upload_closed(state: &State, req: &Req, repo: &str, id: &str, digest: &str) -> Resp {
    if state.profile.behaviour().partial.blob_location {
        return blob_created(state, req, repo, digest);
    }
    Resp::empty(201)
        .header("docker-content-digest", digest)
        .header("location", upload_location(state, req, repo, id))
}

/// The `Range` of a session answer after `len` bytes in all, `chunk` of them in this request; `None`: no `Range`.
fn session_range(state: &State, len: u64, chunk: Option<u64>) -> Option<String> {
    match (state.profile.behaviour().partial.upload_range, chunk) {
        (UploadRange::Spec, _) => Some(range_header(len)),
        (UploadRange::ChunkBytes, Some(n)) => Some(format!("0-{n}")),
        (UploadRange::ChunkBytes, None) => None,
    }
}

fn too_large() -> Resp {
    Resp::error(413, "SIZE_INVALID", "blob exceeds the size limit")
}

pub(super) fn start_upload(state: &State, req: &Req, repo: &str) -> Resp {
    let content = &state.profile.behaviour().content;
    // Cross-repository mount.
    if let Some(mount) = req
        .param("mount")
        .filter(|_| content.mounts != Mounts::Never)
    {
        if ParsedDigest::parse(mount).is_none() {
            return digest_invalid("invalid mount digest");
        }
        let source = match content.mounts {
            Mounts::FromSource => req
                .param("from")
                .filter(|from| digest::valid_repository(from))
                .and_then(|from| blob(state, from, mount)),
            Mounts::InTarget => blob(state, repo, mount),
            Mounts::Never => None,
        };
        if let Some(data) = source {
            if canonical_store(state) && !mount.starts_with("sha256:") {
                // The given name is linked, to content stored under no such name (`linkedblobstore.go` `mount`).
                state.store.link_dangling(repo, mount);
            } else {
                state.store.put_blob(repo, mount, data);
            }
            return blob_created(state, req, repo, mount);
        }
    }
    // Monolithic upload.
    if let Some(d) = req.param("digest").filter(|_| content.single_post) {
        let Some(p) = ParsedDigest::parse(d) else {
            return digest_invalid("invalid digest");
        };
        if req.body.len() > MAX_BLOB_BYTES {
            return too_large();
        }
        if !p.matches(&req.body) {
            return digest_invalid("provided digest did not match uploaded content");
        }
        let named = store_blob(state, repo, &p.text, req.body.clone());
        return blob_created(state, req, repo, &named);
    }
    let id = state.store.start_upload(repo);
    let mut resp = Resp::empty(202).header("location", upload_location(state, req, repo, &id));
    if let Some(range) = session_range(state, 0, None) {
        resp = resp.header("range", range);
    }
    resp.header("docker-upload-uuid", id)
}

pub(super) fn upload_status(state: &State, req: &Req, repo: &str, id: &str) -> Resp {
    match state.store.upload_len(repo, id) {
        Ok(len) => Resp::empty(204)
            .header("location", upload_location(state, req, repo, id))
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

fn upload_error(state: &State, e: UploadError, req: &Req, repo: &str, id: &str) -> Resp {
    match e {
        UploadError::Unknown => upload_unknown(),
        UploadError::BadRange(_) if state.profile.behaviour().content.out_of_order.is_some() => {
            let c = state.profile.behaviour().content.out_of_order;
            c.as_ref()
                .map(crate::answer::canned)
                .unwrap_or_else(upload_unknown)
        }
        UploadError::BadRange(len) => Resp::empty(416)
            .header("location", upload_location(state, req, repo, id))
            .header("range", range_header(len)),
        UploadError::TooLarge(_) => too_large(),
    }
}

/// The start of the chunk's `Content-Range` where the profile checks it (`check`: [`ChunkRange::Checked`]).
fn checked_start(req: &Req, check: ChunkRange) -> Result<Option<u64>, Resp> {
    match check {
        ChunkRange::Checked => content_range_start(req),
        ChunkRange::Ignored => Ok(None),
    }
}

pub(super) fn patch_upload(state: &State, req: &Req, repo: &str, id: &str) -> Resp {
    let start = match checked_start(req, state.profile.behaviour().content.patch_range) {
        Ok(s) => s,
        Err(r) => return r,
    };
    match state
        .store
        .append_upload(repo, id, start, &req.body, MAX_BLOB_BYTES)
    {
        Ok(len) => {
            let mut resp =
                Resp::empty(202).header("location", upload_location(state, req, repo, id));
            if let Some(range) = session_range(state, len, Some(req.body.len() as u64)) {
                resp = resp.header("range", range);
            }
            resp.header("docker-upload-uuid", id)
        }
        Err(e) => upload_error(state, e, req, repo, id),
    }
}

pub(super) fn finish_upload(state: &State, req: &Req, repo: &str, id: &str) -> Resp {
    let Some(d) = req.param("digest") else {
        return digest_invalid("digest parameter missing");
    };
    let Some(p) = ParsedDigest::parse(d) else {
        return digest_invalid("invalid digest");
    };
    // The final chunk may come with the closing PUT; out of order it is a 416 like a PATCH's (spec §"Pushing a
    // blob in chunks"), and the session keeps what it had.
    let start = match checked_start(req, state.profile.behaviour().content.put_range) {
        Ok(s) => s,
        Err(r) => return r,
    };
    if !req.body.is_empty()
        && let Err(e) = state
            .store
            .append_upload(repo, id, start, &req.body, MAX_BLOB_BYTES)
    {
        return upload_error(state, e, req, repo, id);
    }
    let data = match state.store.take_upload(repo, id) {
        Ok(d) => d,
        Err(e) => return upload_error(state, e, req, repo, id),
    };
    if !p.matches(&data) {
        state.store.restore_upload(repo, id, data);
        return digest_invalid("provided digest did not match uploaded content");
    }
    let named = store_blob(state, repo, &p.text, Bytes::from(data));
    upload_closed(state, req, repo, id, &named)
}
