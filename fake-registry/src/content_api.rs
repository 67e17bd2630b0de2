//! The pipeline stage for a registry's departures on the blob, upload, manifest and tag endpoints
//! ([`ContentApi`](crate::profile::ContentApi)): the requests it refuses get its answer instead of the API's
//! ([`refusal`]), and the headers it adds or leaves out are set on the API's answer ([`adjust`]). The knobs that
//! change what a handler does (ranges, mounts, chunk order, tag paging) are read by the handlers in `crate::api`.

use http::Method;
use serde_json::Value;

use crate::answer::canned;
use crate::digest::{self, ParsedDigest};
use crate::message::{Req, Resp};
use crate::profile::Refused;
use crate::route::Route;
use crate::state::State;

/// Does `request` describe this request?
fn matches(state: &State, req: &Req, route: &Route, request: Refused) -> bool {
    let m = &req.method;
    match (request, route) {
        (Refused::TagDelete, Route::Manifest { reference, .. }) => {
            m == Method::DELETE && !digest::looks_like_digest(reference)
        }
        (Refused::ManifestDelete, Route::Manifest { reference, .. }) => {
            m == Method::DELETE && digest::looks_like_digest(reference)
        }
        (Refused::BlobDelete, Route::Blob { .. }) => m == Method::DELETE,
        (Refused::UploadStatus, Route::Upload { .. }) => m == Method::GET,
        (Refused::UploadCancel, Route::Upload { .. }) => m == Method::DELETE,
        (Refused::UploadWithoutState, Route::Upload { .. }) => req.param("_state").is_none(),
        (Refused::ManifestInMissingRepository, Route::Manifest { repo, .. }) => {
            matches!(*m, Method::GET | Method::HEAD | Method::DELETE)
                && !state.store.repo_exists(repo)
        }
        (Refused::InvalidTag, Route::Manifest { reference, .. }) => {
            matches!(*m, Method::GET | Method::HEAD)
                && !digest::looks_like_digest(reference)
                && !digest::valid_tag(reference)
        }
        (Refused::Sha512Manifest, Route::Manifest { reference, .. }) => {
            m == Method::PUT && reference.starts_with("sha512:")
        }
        (Refused::InvalidManifestDigest, Route::Manifest { reference, .. }) => {
            m == Method::PUT
                && digest::looks_like_digest(reference)
                && ParsedDigest::parse(reference).is_none()
        }
        (Refused::ForeignLayer, Route::Manifest { .. }) => {
            m == Method::PUT && has_foreign_layer(&req.body)
        }
        _ => false,
    }
}

/// A manifest with a layer that names `urls` (a non-distributable layer, image-spec `layer.md`).
fn has_foreign_layer(body: &[u8]) -> bool {
    let Ok(doc) = serde_json::from_slice::<Value>(body) else {
        return false;
    };
    doc.get("layers")
        .and_then(Value::as_array)
        .is_some_and(|layers| layers.iter().any(|l| l.get("urls").is_some()))
}

/// The profile's refusal of this (authorised) request, if it refuses it: the first of its refusals that matches.
pub(crate) fn refusal(state: &State, req: &Req, route: &Route) -> Option<Resp> {
    let content = &state.profile.behaviour().content;
    content
        .refusals
        .iter()
        .find(|r| matches(state, req, route, r.request))
        .map(|r| canned(&r.answer))
}

/// Sets the headers the profile adds to the API's answer: `Accept-Ranges` where it sends it, and
/// `OCI-Chunk-Min-Length` on an upload session's answers.
pub(crate) fn adjust(state: &State, req: &Req, route: &Route, resp: &mut Resp) {
    let content = &state.profile.behaviour().content;
    let read = matches!(req.method, Method::GET | Method::HEAD);
    let accept_ranges = match route {
        Route::Blob { .. } if read && resp.status == 200 => content.accept_ranges.blob,
        Route::Blob { .. } if read && resp.status == 206 => content.accept_ranges.partial,
        Route::Manifest { .. } if req.method == Method::GET && resp.status == 200 => {
            content.accept_ranges.manifest
        }
        _ => false,
    };
    if accept_ranges {
        resp.headers.push(("accept-ranges".into(), "bytes".into()));
    }
    // An open session's answers: the POST or PATCH's 202, the status GET's 204 (not a cancel's 204).
    if let Some(min) = content.chunk_min_length
        && matches!(route, Route::UploadStart { .. } | Route::Upload { .. })
        && (resp.status == 202 || (resp.status == 204 && req.method == Method::GET))
    {
        resp.headers
            .push(("oci-chunk-min-length".into(), min.into()));
    }
}
