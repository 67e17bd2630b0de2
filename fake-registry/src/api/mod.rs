//! The Distribution API over the store, spec-exact
//! ([OCI distribution-spec v1.1.1](https://github.com/opencontainers/distribution-spec/blob/v1.1.1/spec.md)).
//! Profile deviations are applied in front of it (`crate::layer`); the referrers handler takes the profile's
//! [`ApiReferrers`] so one implementation serves every vendor variant.
//!
//! Paths are parsed by hand from the right, because repository names contain slashes.

use bytes::Bytes;
use http::Method;
use serde_json::json;

use crate::digest;
pub(crate) use crate::message::{Req, Resp};
use crate::profile::{ApiReferrers, Canned};
pub(crate) use crate::state::State;

mod blobs;
mod manifests;
mod referrers;
mod tags;

use blobs::*;
pub(crate) use manifests::referrer_descriptor;
use manifests::*;
pub(crate) use referrers::as_listed;
use referrers::referrers;
use tags::tags_list;

/// What a `Location` header starts with: the request's origin (absolute URL), or nothing (a path) for profiles
/// whose registry answers paths ([`crate::profile::Behaviour::absolute_locations`]).
fn location_origin(state: &State, req: &Req) -> String {
    if state.profile.behaviour().absolute_locations {
        req.origin()
    } else {
        String::new()
    }
}

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

#[cfg(test)]
mod tests {
    use super::blobs::parse_range;
    use super::*;
    use serde_json::json;

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
