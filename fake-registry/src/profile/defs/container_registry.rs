//! container-registry 0.3.1 (crates.io), a minimal registry library with its own binary (`--features bin`).

use super::spec::{JSON, NO_API, PLAIN};
use crate::profile::model::{
    Anonymous, ApiVersionHeader, Auth, AutoStorage, Behaviour, Canned, ChallengeOn, Confidence::*,
    Declared, Fact, PartialApi, ProfileDef, Referrers, Scheme,
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
            claim: "a manifest PUT by digest answers 400 with no body (the reference must be a tag; the manifest has already been written under its digest, which the fake does not emulate); anything that does not parse as an image manifest (an index, a manifest list) answers 400",
            source: "container-registry 0.3.1 (crates.io) src/storage.rs FilesystemStorage::put_manifest (Error::NotATag, Error::InvalidManifest → 400), src/types.rs ImageManifest",
            confidence: High,
        },
        Fact {
            topic: "push",
            claim: "blob uploads: POST, then PATCH with the content (a Range header is refused with 500), then an empty PUT ?digest=; a PUT carrying content answers 500 `feature not supported: missing content length not implemented`; upload Locations are /v2/<name>/uploads/<uuid> (the fake keeps its own, clients follow Location)",
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
        },
        ..NO_API
    },
};
