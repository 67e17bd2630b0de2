//! Blobs and uploads: GET/HEAD (with `Range`), DELETE, monolithic POST, POST+PUT, chunked PATCH, mounts
//! ([spec.md "Pulling blobs", "Pushing blobs"](https://github.com/opencontainers/distribution-spec/blob/v1.1.1/spec.md#pushing-blobs)).

use bytes::Bytes;
use serde_json::json;

use super::shared::{MAX_BLOB_BYTES, digest_invalid, location_origin};
use crate::digest::{self, ParsedDigest};
use crate::message::{Req, Resp};
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

/// Parse `Range: bytes=a-b` against a length.
pub(super) fn parse_range(v: &str, len: u64) -> Option<(u64, u64)> {
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

pub(super) fn get_blob(state: &State, req: &Req, repo: &str, digest: &str) -> Resp {
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

pub(super) fn delete_blob(state: &State, repo: &str, digest: &str) -> Resp {
    if ParsedDigest::parse(digest).is_none() {
        return digest_invalid("invalid digest");
    }
    if state.store.delete_blob(repo, digest) {
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
    format!(
        "{}/v2/{repo}/blobs/uploads/{id}",
        location_origin(state, req)
    )
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

fn too_large() -> Resp {
    Resp::error(413, "SIZE_INVALID", "blob exceeds the size limit")
}

pub(super) fn start_upload(state: &State, req: &Req, repo: &str) -> Resp {
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
            return blob_created(state, req, repo, mount);
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
        return blob_created(state, req, repo, &p.text);
    }
    let id = state.store.start_upload(repo);
    Resp::empty(202)
        .header("location", upload_location(state, req, repo, &id))
        .header("range", "0-0")
        .header("docker-upload-uuid", id)
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
        UploadError::BadRange(len) => Resp::empty(416)
            .header("location", upload_location(state, req, repo, id))
            .header("range", range_header(len)),
        UploadError::TooLarge(_) => too_large(),
    }
}

pub(super) fn patch_upload(state: &State, req: &Req, repo: &str, id: &str) -> Resp {
    let start = match content_range_start(req) {
        Ok(s) => s,
        Err(r) => return r,
    };
    match state
        .store
        .append_upload(repo, id, start, &req.body, MAX_BLOB_BYTES)
    {
        Ok(len) => Resp::empty(202)
            .header("location", upload_location(state, req, repo, id))
            .header("range", range_header(len))
            .header("docker-upload-uuid", id),
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
    if !req.body.is_empty()
        && let Err(e) = state
            .store
            .append_upload(repo, id, None, &req.body, MAX_BLOB_BYTES)
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
    state.store.put_blob(repo, &p.text, Bytes::from(data));
    blob_created(state, req, repo, &p.text)
}
