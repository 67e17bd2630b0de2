//! The Distribution API over the store, spec-exact
//! ([OCI distribution-spec v1.1.1](https://github.com/opencontainers/distribution-spec/blob/v1.1.1/spec.md)).
//! Profile deviations are applied in front of it by the request pipeline (`crate::pipeline`); the referrers handler takes the profile's
//! [`ApiReferrers`] so one implementation serves every vendor variant. Routes come parsed (`crate::route`).

use bytes::Bytes;
use http::Method;

use crate::digest;
use crate::message::{Req, Resp};
use crate::profile::ApiReferrers;
use crate::route::Route;
use crate::state::State;

mod blobs;
mod manifests;
mod ranges;
mod referrers;
mod shared;
mod tags;

use blobs::{
    delete_blob, finish_upload, get_blob, patch_upload, start_upload, upload_status, upload_unknown,
};
use manifests::{delete_manifest, get_manifest, put_manifest};
use referrers::referrers;
use shared::{name_invalid, unsupported_method};
use tags::tags_list;

pub(crate) use manifests::referrer_descriptor;
pub(crate) use referrers::as_listed;
pub use shared::{MAX_BLOB_BYTES, MAX_MANIFEST_BYTES};

/// The media types, at their old paths (`api::OCI_INDEX`, ...); they live in [`crate::media_type`].
pub use crate::media_type::{DOCKER_LIST, DOCKER_MANIFEST, OCI_INDEX, OCI_MANIFEST};

/// Dispatch a request to its handler. `ref_cfg` is the profile's referrers variant.
pub(crate) fn handle(state: &State, req: &Req, r: &Route, ref_cfg: &ApiReferrers) -> Resp {
    if let Some(repo) = r.repo()
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
                Ok(_) if state.profile.behaviour().content.upload_uuid_on_cancel => {
                    Resp::empty(204).header("docker-upload-uuid", id.clone())
                }
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

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
