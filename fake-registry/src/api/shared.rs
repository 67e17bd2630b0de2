//! What the API's handlers share: size limits, the spec's common error answers
//! ([spec.md "Error Codes"](https://github.com/opencontainers/distribution-spec/blob/v1.1.1/spec.md#error-codes)),
//! and the origin `Location` headers start with.

use bytes::Bytes;
use serde_json::json;

use crate::message::{Req, Resp};
use crate::state::State;
use crate::store::EMPTY_JSON_DIGEST;

/// The blob `digest` as `repo` serves it: its own, else (a registry with one blob store,
/// [`ContentApi::global_blobs`](crate::profile::ContentApi::global_blobs)) any repository's, else the empty JSON
/// `{}` where the profile always serves it.
pub(super) fn blob(state: &State, repo: &str, digest: &str) -> Option<Bytes> {
    let content = &state.profile.behaviour().content;
    state
        .store
        .get_blob(repo, digest)
        .or_else(|| {
            content
                .global_blobs
                .then(|| state.store.find_blob(digest))
                .flatten()
        })
        .or_else(|| {
            (content.empty_config_always && digest == EMPTY_JSON_DIGEST)
                .then(|| Bytes::from_static(b"{}"))
        })
}

/// Largest manifest accepted (the spec's "at least 4 MB"); larger gets 413.
pub const MAX_MANIFEST_BYTES: usize = 4 * 1024 * 1024;
/// Largest blob (monolithic or the sum of an upload session's chunks); larger gets 413.
pub const MAX_BLOB_BYTES: usize = 64 * 1024 * 1024;

/// What a `Location` header starts with: the request's origin (absolute URL), or nothing (a path) for profiles
/// whose registry answers paths ([`crate::profile::Behaviour::absolute_locations`]).
pub(super) fn location_origin(state: &State, req: &Req) -> String {
    if state.profile.behaviour().absolute_locations {
        req.origin()
    } else {
        String::new()
    }
}

pub(super) fn name_invalid(repo: &str) -> Resp {
    Resp::error_detail(
        400,
        "NAME_INVALID",
        "invalid repository name",
        json!({ "name": repo }),
    )
}

pub(super) fn name_unknown(repo: &str) -> Resp {
    Resp::error_detail(
        404,
        "NAME_UNKNOWN",
        "repository name not known to registry",
        json!({ "name": repo }),
    )
}

pub(super) fn digest_invalid(msg: &str) -> Resp {
    Resp::error(400, "DIGEST_INVALID", msg)
}

pub(super) fn unsupported_method() -> Resp {
    Resp::error(405, "UNSUPPORTED", "the operation is unsupported")
}
