//! The pipeline stage for registries with a partial Distribution API ([`PartialApi`]): the requests such a
//! registry refuses get its answer instead of the API's, and the headers it leaves out are taken off the API's
//! answer. A profile with [`PartialApi::FULL`] passes through untouched.

use http::Method;
use serde_json::Value;

use crate::answer::canned;
use crate::digest;
use crate::message::{Req, Resp};
use crate::profile::{Canned, DigestParse, PartialApi, References};
use crate::route::Route;
use crate::state::State;

/// The profile's answers given before auth is checked: a path it does not route ([`unrouted`]), then a digest its
/// router's extractors reject ([`DigestParse::Sha256Only`]: in a blob path, in a closing upload PUT's query).
pub(crate) fn before_auth(state: &State, req: &Req, route: &Route) -> Option<Resp> {
    unrouted(state, route).or_else(|| digest_rejection(state, req, route))
}

/// A digest the profile's extractors reject: `text/plain` with the framework's prefix and the parser's reason.
fn digest_rejection(state: &State, req: &Req, route: &Route) -> Option<Resp> {
    let DigestParse::Sha256Only { path, query } = state.profile.behaviour().partial.digests else {
        return None;
    };
    let reject = |prefix: &str, reason: &str| {
        Resp::with_body(
            400,
            Some("text/plain; charset=utf-8"),
            format!("{prefix}{reason}"),
        )
    };
    match route {
        // The method router answers first (405 for the methods not routed), then the `Path` extractor.
        Route::Blob { digest, .. } if matches!(req.method, Method::GET | Method::HEAD) => {
            digest::sha256_only_rejection(digest).map(|r| reject(path, r))
        }
        Route::Upload { .. } if req.method == Method::PUT => match req.param("digest") {
            None => Some(reject(query, "missing field `digest`")),
            Some(d) => digest::sha256_only_rejection(d).map(|r| reject(query, r)),
        },
        _ => None,
    }
}

/// The profile's answer to a path it does not route, before auth is checked: an unknown path, the tags list where
/// it is not routed, a repository name with the wrong number of segments.
fn unrouted(state: &State, route: &Route) -> Option<Resp> {
    let partial = &state.profile.behaviour().partial;
    let c = partial.unrouted.as_ref()?;
    let wrong_segments = |repo: &str| {
        partial
            .repository_segments
            .is_some_and(|n| repo.split('/').count() != n)
    };
    let unrouted = match route {
        Route::Unknown => true,
        Route::Tags { repo } => !partial.tags_list || wrong_segments(repo),
        Route::Base => false,
        Route::Manifest { repo, .. }
        | Route::Blob { repo, .. }
        | Route::UploadStart { repo }
        | Route::Upload { repo, .. }
        | Route::Referrers { repo, .. } => wrong_segments(repo),
    };
    unrouted.then(|| canned(c))
}

/// The profile's refusal of this (authorised) request, if it refuses it.
pub(crate) fn refusal(state: &State, req: &Req, route: &Route) -> Option<Resp> {
    let partial = &state.profile.behaviour().partial;
    refused_by(partial, req, route).map(canned)
}

fn refused_by<'a>(partial: &'a PartialApi, req: &Req, route: &Route) -> Option<&'a Canned> {
    match route {
        Route::Manifest { reference, .. } if req.method == Method::PUT => {
            // Parsed before anything is stored; a refusal after storing is the handler's (`put_by_digest_stores`).
            if let Some(c) = &partial.put_non_image
                && !is_image_manifest(&req.body)
            {
                return Some(c);
            }
            partial.put_by_digest.as_ref().filter(|_| {
                !partial.put_by_digest_stores && is_digest_reference(partial, reference)
            })
        }
        Route::Upload { .. } if req.method == Method::PUT && !req.body.is_empty() => {
            partial.upload_put_with_body.as_ref()
        }
        _ => None,
    }
}

/// Whether the profile reads `reference` as a digest ([`References`]).
pub(crate) fn is_digest_reference(partial: &PartialApi, reference: &str) -> bool {
    match partial.references {
        References::Spec => digest::looks_like_digest(reference),
        References::Sha256OrTag => digest::sha256_only_rejection(reference).is_none(),
    }
}

/// An image manifest as a registry that models only image manifests parses it: an object with `schemaVersion`,
/// `mediaType`, `config` and `layers` (container-registry 0.3.1 `src/types.rs` `ImageManifest`, whose fields
/// are not optional).
fn is_image_manifest(body: &[u8]) -> bool {
    let Ok(Value::Object(doc)) = serde_json::from_slice::<Value>(body) else {
        return false;
    };
    let descriptor = |d: &Value| {
        d.get("mediaType").is_some_and(Value::is_string)
            && d.get("digest").is_some_and(Value::is_string)
            && d.get("size").is_some_and(Value::is_u64)
    };
    doc.get("schemaVersion").is_some_and(Value::is_u64)
        && doc.get("mediaType").is_some_and(Value::is_string)
        && doc.get("config").is_some_and(descriptor)
        && doc
            .get("layers")
            .and_then(Value::as_array)
            .is_some_and(|l| l.iter().all(descriptor))
}

/// Makes the API's answer the profile's: its not-found answer, without the headers it does not send.
pub(crate) fn adjust(state: &State, req: &Req, route: &Route, resp: &mut Resp) {
    let partial = &state.profile.behaviour().partial;
    let read = req.method == Method::GET || req.method == Method::HEAD;
    if let Some(c) = &partial.blob_head_not_found
        && req.method == Method::HEAD
        && resp.status == 404
        && matches!(route, Route::Blob { .. })
    {
        *resp = canned(c);
        return;
    }
    if let Some(c) = &partial.not_found
        && read
        && resp.status == 404
        && matches!(route, Route::Manifest { .. } | Route::Blob { .. })
    {
        *resp = canned(c);
    }
    if !partial.manifest_digest_header
        && matches!(route, Route::Manifest { .. })
        && (req.method == Method::GET || req.method == Method::HEAD)
    {
        resp.headers
            .retain(|(k, _)| !k.eq_ignore_ascii_case("docker-content-digest"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_complete_image_manifests_pass() {
        let d = r#"{"mediaType":"t","digest":"sha256:0","size":2}"#;
        let image = format!(r#"{{"schemaVersion":2,"mediaType":"m","config":{d},"layers":[{d}]}}"#);
        assert!(is_image_manifest(image.as_bytes()));
        let no_layers =
            format!(r#"{{"schemaVersion":2,"mediaType":"m","config":{d},"layers":[]}}"#);
        assert!(is_image_manifest(no_layers.as_bytes()));
        for refused in [
            &br#"{"schemaVersion":2,"mediaType":"i","manifests":[]}"#[..],
            br#"{"schemaVersion":2,"config":{},"layers":[]}"#,
            br#"{"schemaVersion":2,"mediaType":"m","config":{}}"#,
            br#"{"schemaVersion":2,"mediaType":"m","config":{},"layers":[]}"#,
            br#"{"schemaVersion":2,"mediaType":"m","config":{"mediaType":"t","digest":"d","size":-1},"layers":[]}"#,
            b"not json",
            b"[]",
        ] {
            assert!(!is_image_manifest(refused), "{}", String::from_utf8_lossy(refused));
        }
    }
}
