//! ferro-oci-server 1.0.0 (crates.io).

use super::spec::{JSON, SPEC, SPEC_API};
use crate::profile::canned::Canned;
use crate::profile::model::{
    ApiReferrers, ApiVersionHeader, Behaviour, Confidence::*, Declared, Fact, ProfileDef, Referrers,
};
use crate::profile::{AcceptRanges, ChunkRange, ContentApi, Mounts, Refusal, Refused};

const fn error(status: u16, body: &'static str) -> Canned {
    Canned {
        status,
        content_type: JSON,
        body,
        headers: &[],
    }
}

/// ferro-oci-server 1.0.0's blob, upload, manifest and tag endpoints (sources in the facts below).
const FERRO_CONTENT: ContentApi = ContentApi {
    patch_range: ChunkRange::Checked,
    put_range: ChunkRange::Ignored,
    out_of_order: Some(error(
        416,
        r#"{"errors":[{"code":"BLOB_UPLOAD_INVALID","message":"out-of-order chunk"}]}"#,
    )),
    chunk_min_length: Some("0"),
    ranges: false,
    accept_ranges: AcceptRanges {
        blob: false,
        partial: false,
        manifest: true,
    },
    mounts: Mounts::Never,
    global_blobs: true,
    empty_config_always: true,
    tags_link_last_first: true,
    tags_missing_repository_empty: true,
    blob_unknown_status: 404,
    refusals: &[
        Refusal {
            request: Refused::TagDelete,
            answer: error(
                405,
                r#"{"errors":[{"code":"UNSUPPORTED","message":"tag deletion is not supported"}]}"#,
            ),
        },
        Refusal {
            request: Refused::ManifestInMissingRepository,
            answer: error(
                404,
                r#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}"#,
            ),
        },
        Refusal {
            request: Refused::InvalidTag,
            answer: error(
                404,
                r#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}"#,
            ),
        },
        Refusal {
            request: Refused::Sha512Manifest,
            answer: error(
                400,
                r#"{"errors":[{"code":"DIGEST_INVALID","message":"digest invalid"}]}"#,
            ),
        },
        Refusal {
            request: Refused::ForeignLayer,
            answer: error(
                404,
                r#"{"errors":[{"code":"MANIFEST_BLOB_UNKNOWN","message":"blob unknown to registry"}]}"#,
            ),
        },
    ],
    ..ContentApi::SPEC
};

/// ferro-oci-server 1.0.0 (crates.io), the second real registry the project runs in a container: every fact below
/// is read from its source (`ferro-oci-server-1.0.0/src`, paths relative to it) and confirmed by the fidelity
/// probes against the real binary (`harness matrix --real`).
pub(crate) static FERRO_OCI_SERVER_1_0: ProfileDef = ProfileDef {
    name: "ferro-oci-server-1.0",
    summary: "ferro-oci-server 1.0.0: referrers API with filter, no paging, 200 + empty index for a missing repository, no auth",
    emulates: "ferro-oci-server 1.0.0 (crates.io)",
    synthetic: false,
    declared: Declared {
        referrers_api: true,
        check_verdict: "pass",
        referrers_status_unsupported: None,
        filter: Some(true),
        paging: Some(false),
        auth_scheme: "none",
        rate_limit: "none: ferro-oci-server 1.0.0 has no rate limiting",
    },
    facts: &[
        Fact {
            topic: "referrers",
            claim: "200 + image index (Content-Type application/vnd.oci.image.index.v1+json) from the referrers registered at manifest PUT; an unknown subject or repository gives an empty index (no lookup first)",
            source: "ferro-oci-server 1.0.0 (crates.io) src/handlers/referrers.rs get_referrers, src/registry.rs list_referrers",
            confidence: High,
        },
        Fact {
            topic: "filter",
            claim: "artifactType filter applied (exact match on the descriptor's artifactType), OCI-Filters-Applied: artifactType whenever the parameter is present",
            source: "ferro-oci-server 1.0.0 (crates.io) src/handlers/referrers.rs, src/registry.rs list_referrers",
            confidence: High,
        },
        Fact {
            topic: "filter",
            claim: "several artifactType values: one of them is used (the query is read into a map); which one is not established",
            source: "ferro-oci-server 1.0.0 (crates.io) src/handlers/referrers.rs (params: BTreeMap<String, String>)",
            confidence: Assumed,
        },
        Fact {
            topic: "paging",
            claim: "no Link paging on the referrers list (tags/list and _catalog do page)",
            source: "ferro-oci-server 1.0.0 (crates.io) src/handlers/referrers.rs, src/handlers/tags.rs",
            confidence: High,
        },
        Fact {
            topic: "descriptors",
            claim: "descriptor artifactType is the manifest's artifactType, else its config media type; annotations copied",
            source: "ferro-oci-server 1.0.0 (crates.io) src/handlers/manifest.rs build_referrer",
            confidence: High,
        },
        Fact {
            topic: "bad-digest",
            claim: "400 DIGEST_INVALID (spec error JSON) for an invalid digest",
            source: "ferro-oci-server 1.0.0 (crates.io) src/handlers/referrers.rs, src/error.rs",
            confidence: High,
        },
        Fact {
            topic: "oci-subject",
            claim: "PUT of a manifest with subject answers OCI-Subject; Location is a path (/v2/<name>/manifests/<digest>), as are blob upload Locations",
            source: "ferro-oci-server 1.0.0 (crates.io) src/handlers/manifest.rs, src/handlers/blob_upload.rs",
            confidence: High,
        },
        Fact {
            topic: "base",
            claim: "Docker-Distribution-API-Version: registry/2.0 only on GET /v2/",
            source: "ferro-oci-server 1.0.0 (crates.io) src/handlers/base.rs (the only handler that sets it)",
            confidence: High,
        },
        Fact {
            topic: "auth",
            claim: "no auth in 1.0.0 (\"that layer is owned by a separate auth crate and is not implemented here in Phase 1\"): always open; scenarios that configure credentials do not apply",
            source: "ferro-oci-server 1.0.0 (crates.io) src/handlers/base.rs",
            confidence: High,
        },
        Fact {
            topic: "uploads",
            claim: "single POST upload; OCI-Chunk-Min-Length: 0 on every session answer; an out-of-order PATCH is 416 BLOB_UPLOAD_INVALID without Location or Range; the closing PUT's Content-Range is not checked (its chunk is appended, so the digest fails: 400 DIGEST_INVALID); mounts are not supported (202 and a session)",
            source: "ferro-oci-server 1.0.0 (crates.io) src/handlers/blob_upload.rs (upload_location_headers, init_upload, patch_upload, complete_upload)",
            confidence: High,
        },
        Fact {
            topic: "blobs",
            claim: "one blob store for all repositories (a blob is served from any repository, and a DELETE in one removes it from all: measured by the fidelity probe blob-delete-elsewhere and the conformance suite's mount tests); the empty config {} is always served, also after a DELETE; no Range support on blobs and no Accept-Ranges there (manifests do serve ranges, with Accept-Ranges)",
            source: "ferro-oci-server 1.0.0 (crates.io) src/handlers/blob.rs (get_blob, head_blob: OCI_EMPTY_DESCRIPTOR_DIGEST), src/handlers/manifest.rs",
            confidence: High,
        },
        Fact {
            topic: "manifests",
            claim: "DELETE by tag is 405 UNSUPPORTED; a missing layer (also a non-distributable one) is 404 MANIFEST_BLOB_UNKNOWN; a sha512 reference is 400 DIGEST_INVALID; a manifest in a repository that does not exist, or by a reference that is not a tag, is 404 MANIFEST_UNKNOWN",
            source: "ferro-oci-server 1.0.0 (crates.io) src/handlers/manifest.rs; measured by the fidelity probe set",
            confidence: High,
        },
        Fact {
            topic: "tags",
            claim: "tags/list of a repository that does not exist is 200 with no tags; the Link puts last before n",
            source: "ferro-oci-server 1.0.0 (crates.io) src/handlers/tags.rs; measured by the fidelity probe set",
            confidence: High,
        },
        Fact {
            topic: "referrers",
            claim: "PUTting a referrer manifest again lists it twice (measured on the real binary); not emulated",
            source: "harness fidelity run against ferro-oci-server 1.0.0",
            confidence: Medium,
        },
    ],
    behaviour: Behaviour {
        referrers: Referrers::Api(ApiReferrers {
            missing_repo: None,
            paging: false,
            ..SPEC_API
        }),
        api_version_header: ApiVersionHeader::BaseOnly,
        absolute_locations: false,
        content: FERRO_CONTENT,
        ..SPEC
    },
};
