//! container-registry 0.3.1 (crates.io), a minimal registry library with its own binary (`--features bin`).

use super::spec::{JSON, NO_API, PLAIN};
use crate::profile::canned::Canned;
use crate::profile::model::{
    Anonymous, ApiVersionHeader, Auth, AutoStorage, Behaviour, ChallengeOn, Confidence::*,
    Declared, Fact, ProfileDef, Referrers, Scheme,
};
use crate::profile::{
    AcceptRanges, ChunkRange, ContentApi, DigestParse, Mounts, PartialApi, References, Refusal,
    Refused, UploadPath, UploadRange,
};

/// axum's answer to a method its router has no handler for on a routed path: 405, no body.
const METHOD_NOT_ALLOWED: Canned = Canned {
    status: 405,
    content_type: None,
    body: "",
    headers: &[],
};

/// The blob and upload endpoints as `src/lib.rs` serves them: no single POST and no mounts (`upload_new` always
/// opens a session), one content-addressed store for every repository (`blob_check` and `blob_get` ignore the
/// repository), no `Range` and no `Accept-Ranges`, and no route for DELETE or for an upload's status
/// (`make_router`).
const CONTENT: ContentApi = ContentApi {
    single_post: false,
    // `upload_add_chunk` never reads Content-Range (it refuses a `Range` header instead).
    patch_range: ChunkRange::Ignored,
    mounts: Mounts::Never,
    global_blobs: true,
    ranges: false,
    accept_ranges: AcceptRanges {
        blob: false,
        partial: false,
        manifest: false,
    },
    refusals: &[
        Refusal {
            request: Refused::TagDelete,
            answer: METHOD_NOT_ALLOWED,
        },
        Refusal {
            request: Refused::ManifestDelete,
            answer: METHOD_NOT_ALLOWED,
        },
        Refusal {
            request: Refused::BlobDelete,
            answer: METHOD_NOT_ALLOWED,
        },
        Refusal {
            request: Refused::UploadStatus,
            answer: METHOD_NOT_ALLOWED,
        },
        Refusal {
            request: Refused::UploadCancel,
            answer: METHOD_NOT_ALLOWED,
        },
    ],
    // axum's method router answers before the handler's `ValidCredentials` extractor runs.
    refusals_before_auth: true,
    ..ContentApi::SPEC
};

/// The fixture password of the project's container-registry image (`images/container-registry/Dockerfile` passes
/// it with `--password`); the binary accepts any user name with it.
const FIXTURE_USER: &str = "oci-test";
const FIXTURE_PASSWORD: &str = "oci-test-password";

/// axum's answer to a path no route matches: 404, no body, no `Content-Type`.
const UNROUTED: Canned = Canned {
    status: 404,
    content_type: None,
    body: "",
    headers: &[],
};
/// `StatusCode::BAD_REQUEST.into_response()`: 400, no body, no `Content-Type`.
const BARE_400: Canned = Canned {
    status: 400,
    content_type: None,
    body: "",
    headers: &[],
};

/// container-registry 0.3.1, the fourth real registry the project runs in a container. Every fact is read from
/// its source (`container-registry-0.3.1/src`, paths relative to it) and checked by the fidelity probes against the
/// real binary (`harness matrix --real --row container-registry`).
pub(crate) static CONTAINER_REGISTRY_0_3: ProfileDef = ProfileDef {
    name: "container-registry-0.3",
    summary: "container-registry 0.3.1: no referrers route (404, empty body), no tags list, tagged image manifests only, Basic auth always",
    emulates: "container-registry 0.3.1 (crates.io)",
    synthetic: false,
    declared: Declared {
        referrers_api: false,
        check_verdict: "warn",
        referrers_status_unsupported: Some(404),
        filter: None,
        paging: None,
        auth_scheme: "basic",
        rate_limit: "none: container-registry 0.3.1 has no rate limiting",
    },
    facts: &[
        Fact {
            topic: "referrers",
            claim: "no referrers route: axum's 404 for an unrouted path, empty body, no Content-Type; the router has only /v2/, blobs, uploads and manifests (GET, PUT) under /v2/:repository/:image/, so repository names have exactly two segments",
            source: "container-registry 0.3.1 (crates.io) src/lib.rs ContainerRegistry::make_router",
            confidence: High,
        },
        Fact {
            topic: "routing",
            claim: "a path the router does not know answers 404 with no body before credentials are checked (the ValidCredentials extractor runs in the handlers): the referrers and tags paths, and any repository name without exactly two segments",
            source: "container-registry 0.3.1 (crates.io) src/lib.rs ContainerRegistry::make_router, src/auth.rs ValidCredentials",
            confidence: High,
        },
        Fact {
            topic: "blobs",
            claim: "no single POST and no mounts (every POST opens a session); one content-addressed blob store for all repositories; no Range support, no Accept-Ranges; DELETE and the upload status GET are not routed (405, no body, before credentials are checked)",
            source: "container-registry 0.3.1 (crates.io) src/lib.rs make_router, upload_new, blob_check, blob_get",
            confidence: High,
        },
        Fact {
            topic: "uploads",
            claim: "upload sessions live at /v2/<repository>/<image>/uploads/<uuid> only (blobs/uploads/<uuid> is not routed, 404 with no body); the POST's 202 has no Range, a PATCH's Range is 0-<bytes of that PATCH>; the closing PUT's 201 has the session's Location; a blob GET streams the content with no Content-Type, Content-Length or Docker-Content-Digest (HEAD has all three), a blob HEAD that finds nothing is 404 with no body",
            source: "container-registry 0.3.1 (crates.io) src/lib.rs mk_upload_location, UploadState::into_response, upload_add_chunk, upload_finalize, blob_get, blob_check; measured by the fidelity probe set",
            confidence: High,
        },
        Fact {
            topic: "digests",
            claim: "only sha256:<64 hex> parses as a digest; in a blob path or a closing PUT's digest query anything else is refused before auth with axum's text/plain rejection (`Invalid URL: wrong length`, `Failed to deserialize query string: wrong prefix`, ...); a manifest reference that is not one is a tag, no tag grammar checked (sha512:… and -x are tags)",
            source: "container-registry 0.3.1 (crates.io) src/lib.rs ImageDigest::from_str, upload_finalize (Query<DigestQuery>), src/storage.rs Reference's Deserialize",
            confidence: High,
        },
        Fact {
            topic: "push",
            claim: "a manifest PUT is parsed (anything but an image manifest is 400, no body), written under its sha256 digest, and only then refused with 400 (no body) when the reference is a digest, which is never compared with the content: the manifest is readable by digest afterwards; the blobs it names are never checked; the 201's Location names the reference as given",
            source: "container-registry 0.3.1 (crates.io) src/storage.rs FilesystemStorage::put_manifest (Error::InvalidManifest, Error::NotATag, \"TODO: Validate all blobs\"), src/lib.rs manifest_put, mk_manifest_location",
            confidence: High,
        },
        Fact {
            topic: "not emulated",
            claim: "manifests are one content-addressed store for every repository (a manifest is readable by digest from any repository; the fake keeps them per repository); an upload session id that is not a UUID is axum's `Invalid URL` 400 (the fake's ids are its own); a manifest GET's Content-Type is the manifest's mediaType field (the fake's is the one it was pushed with)",
            source: "container-registry 0.3.1 (crates.io) src/storage.rs manifest_path, src/lib.rs upload_add_chunk (Path<UploadId>), manifest_get",
            confidence: High,
        },
        Fact {
            topic: "tags",
            claim: "no tags/list route (404, empty body) and no DELETE of manifests or blobs",
            source: "container-registry 0.3.1 (crates.io) src/lib.rs ContainerRegistry::make_router",
            confidence: High,
        },
        Fact {
            topic: "auth",
            claim: "Basic only; GET /v2/ answers 401 (or 200) with WWW-Authenticate: Basic realm=\"ContainerRegistry\", every other route a bare 401 (no challenge, no body) without valid credentials; anonymous requests are refused; with --password any user name is accepted (the fake accepts the fixture pair only)",
            source: "container-registry 0.3.1 (crates.io) src/lib.rs index_v2, src/auth.rs ValidCredentials::from_request_parts, src/bin/container-registry.rs",
            confidence: High,
        },
        Fact {
            topic: "push",
            claim: "blob uploads: POST, then PATCH with the content (a Range header is refused with 500), then an empty PUT ?digest=; a PUT carrying content answers 500 `feature not supported: missing content length not implemented`",
            source: "container-registry 0.3.1 (crates.io) src/lib.rs upload_add_chunk, upload_finalize, mk_upload_location",
            confidence: High,
        },
        Fact {
            topic: "oci-subject",
            claim: "no OCI-Subject on a manifest PUT (201 with Location as a path, Content-Length 0, Docker-Content-Digest); manifest GET/HEAD carry Content-Type (the manifest's mediaType) and Content-Length, no Docker-Content-Digest",
            source: "container-registry 0.3.1 (crates.io) src/lib.rs manifest_put, manifest_get",
            confidence: High,
        },
        Fact {
            topic: "missing-subject",
            claim: "an unknown manifest answers 404 application/json BLOB_UNKNOWN (the code is the same for every not-found)",
            source: "container-registry 0.3.1 (crates.io) src/lib.rs RegistryError::into_response (NotFound), src/types.rs",
            confidence: High,
        },
        Fact {
            topic: "base",
            claim: "no Docker-Distribution-API-Version header on any answer",
            source: "container-registry 0.3.1 (crates.io) src/lib.rs (the header is never set)",
            confidence: High,
        },
        Fact {
            topic: "storage",
            claim: "only cosign-style tags can hold referrers: oras's push by digest and the tag-schema index (an image index) are refused, a tagged image manifest is not",
            source: "container-registry 0.3.1 (crates.io) src/storage.rs put_manifest; sigstore/cosign pushes signatures as tagged manifests",
            confidence: High,
        },
        Fact {
            topic: "rate-limit",
            claim: "no rate limiting",
            source: "container-registry 0.3.1 (crates.io) src (no limiter)",
            confidence: High,
        },
    ],
    behaviour: Behaviour {
        referrers: Referrers::Unsupported(UNROUTED),
        referrers_before_auth: true,
        api_version_header: ApiVersionHeader::Never,
        absolute_locations: false,
        auth: Auth {
            scheme: Scheme::Basic {
                word: "Basic",
                realm: Some("ContainerRegistry"),
                service: None,
            },
            anonymous: Anonymous::Always {
                user: FIXTURE_USER,
                password: FIXTURE_PASSWORD,
            },
            unauthorized: Canned {
                status: 401,
                content_type: None,
                body: "",
                headers: &[],
            },
            base_unauthorized: None,
            challenge_on: ChallengeOn::BaseOnly,
        },
        storage: AutoStorage::CosignOnly,
        content: CONTENT,
        partial: PartialApi {
            unrouted: Some(UNROUTED),
            tags_list: false,
            repository_segments: Some(2),
            put_by_digest: Some(BARE_400),
            put_non_image: Some(BARE_400),
            upload_put_with_body: Some(Canned {
                status: 500,
                content_type: PLAIN,
                body: "feature not supported: missing content length not implemented",
                headers: &[],
            }),
            manifest_digest_header: false,
            // `OciErrors` with BLOB_UNKNOWN for every not-found (serde_json, no newline).
            not_found: Some(Canned {
                status: 404,
                content_type: JSON,
                body: r#"{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown to registry"}]}"#,
                headers: &[],
            }),
            // `blob_check`: `StatusCode::NOT_FOUND` with an empty body.
            blob_head_not_found: Some(UNROUTED),
            put_by_digest_stores: true,
            upload_path: UploadPath::Bare,
            upload_range: UploadRange::ChunkBytes,
            blob_location: false,
            blob_get_headers: false,
            digests: DigestParse::Sha256Only {
                path: "Invalid URL: ",
                query: "Failed to deserialize query string: ",
            },
            references: References::Sha256OrTag,
            manifest_location_digest: false,
            manifest_blobs_checked: false,
        },
        ..NO_API
    },
};
