//! The spec-exact defaults every profile starts from (`SPEC`, `SPEC_API`, `NO_API` and the pieces they share),
//! the `oci-1.1` profile that is exactly them, and the synthetic profiles no real registry is known to match.

use crate::profile::bodies::DISTRIBUTION_NOT_FOUND;
use crate::profile::canned::Canned;
use crate::profile::model::{
    Anonymous, ApiReferrers, ApiVersionHeader, ArtifactTypeFrom, Auth, AutoStorage, Behaviour,
    ChallengeOn, Confidence::*, Declared, Fact, FiltersHeader, ProfileDef, RateLimitStyle,
    RealmHost, Referrers, Scheme, Service, TokenShape,
};
use crate::profile::{ContentApi, PartialApi};

const INDEX_CT: &str = "application/vnd.oci.image.index.v1+json";
pub(super) const JSON: Option<&str> = Some("application/json");
pub(super) const INDEX_CT_SOME: Option<&str> = Some(INDEX_CT);
pub(super) const PLAIN: Option<&str> = Some("text/plain; charset=utf-8");

/// Distribution's router answer for an unknown route (measured on registry:2.8.2).
const PLAIN_404: Canned = Canned {
    status: 404,
    content_type: PLAIN,
    body: DISTRIBUTION_NOT_FOUND,
    headers: &[("x-content-type-options", "nosniff")],
};
/// `404 NAME_UNKNOWN` for the referrers of a repository that does not exist: what the vendor profiles answered
/// while it was the shared default. The spec forbids it (§"Listing Referrers": a registry that supports the API
/// MUST NOT answer 404), so `SPEC_API` answers an empty index now; the profiles that inherited it keep it, since no
/// source says what their registry answers (unknown).
pub(super) const NAME_UNKNOWN_404: Canned = Canned {
    status: 404,
    content_type: JSON,
    body: r#"{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry","detail":null}]}"#,
    headers: &[],
};
const SPEC_BAD_DIGEST: Canned = Canned {
    status: 400,
    content_type: JSON,
    body: r#"{"errors":[{"code":"DIGEST_INVALID","message":"provided digest is invalid","detail":null}]}"#,
    headers: &[],
};
const UNAUTHORIZED_JSON: Canned = Canned {
    status: 401,
    content_type: JSON,
    body: r#"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":null}]}"#,
    headers: &[],
};

pub(super) const SPEC_API: ApiReferrers = ApiReferrers {
    status: 200,
    content_type: INDEX_CT,
    missing_subject: None,
    missing_repo: None,
    bad_digest: SPEC_BAD_DIGEST,
    filter: true,
    filter_multi: false,
    paging: true,
    total_count: false,
    filters_header: FiltersHeader::Spec,
    artifact_type_from: ArtifactTypeFrom::Spec,
    size_includes_blobs: false,
    trailing_newline: false,
};

/// Vendor API whose filter/paging behaviour is unknown: we take "no filter, no paging" (the client must filter
/// and the whole list comes in one answer), the most common behaviour among the known implementations.
pub(super) const UNKNOWN_VENDOR_API: ApiReferrers = ApiReferrers {
    filter: false,
    paging: false,
    missing_repo: Some(NAME_UNKNOWN_404),
    ..SPEC_API
};

pub(super) const TOKEN_FULL: TokenShape = TokenShape {
    token: true,
    access_token: true,
    expires_in: Some(300),
    issued_at: true,
};

const SAME_HOST_BEARER: Scheme = Scheme::Bearer {
    word: "Bearer",
    realm_host: RealmHost::Same,
    realm_path: "/token",
    service: Service::Host,
    token: TOKEN_FULL,
};

pub(super) const OPEN_BEARER: Auth = Auth {
    scheme: SAME_HOST_BEARER,
    anonymous: Anonymous::Open,
    unauthorized: UNAUTHORIZED_JSON,
    base_unauthorized: None,
    challenge_on: ChallengeOn::Every,
};

/// The spec-exact behaviour every profile starts from.
pub(super) const SPEC: Behaviour = Behaviour {
    referrers: Referrers::Api(SPEC_API),
    referrers_before_auth: false,
    api_version_header: ApiVersionHeader::Every,
    absolute_locations: true,
    auth: OPEN_BEARER,
    rate_limit: RateLimitStyle::Spec,
    oci_subject_header: true,
    reject_index_subject_put: None,
    pull_rate_headers: false,
    cdn_blobs: false,
    dash_digest_refs: false,
    storage: AutoStorage::Api,
    json_charset: false,
    partial: PartialApi::FULL,
    content: ContentApi::SPEC,
};

/// A registry without the referrers API, answering like Distribution's router.
pub(super) const NO_API: Behaviour = Behaviour {
    referrers: Referrers::Unsupported(PLAIN_404),
    oci_subject_header: false,
    storage: AutoStorage::TagSchemaAndCosign,
    ..SPEC
};

pub(super) const FACT_API_VERSION: Fact = Fact {
    topic: "base",
    claim: "GET /v2/ answers 200 {} with Docker-Distribution-API-Version: registry/2.0 (common to nearly all registries)",
    source: "distribution/distribution registry/handlers/app.go (ServeHTTP sets the header on every answer, apiBase answers {}); other registries: reports, not checked per vendor",
    confidence: Medium,
};
pub(super) const FACT_NO_API_STORAGE: Fact = Fact {
    topic: "storage",
    claim: "without the API, clients store referrers under the tag-schema index sha256-<hex> and cosign .sig/.att/.sbom tags",
    source: "opencontainers/distribution-spec spec.md#referrers-tag-schema; sigstore/cosign",
    confidence: High,
};

pub(crate) static OCI_1_1: ProfileDef = ProfileDef {
    name: "oci-1.1",
    summary: "spec-exact OCI Distribution 1.1 registry: referrers API with filter and Link paging",
    emulates: "OCI Distribution Spec v1.1.1",
    synthetic: false,
    declared: Declared {
        referrers_api: true,
        check_verdict: "pass",
        referrers_status_unsupported: None,
        filter: Some(true),
        paging: Some(true),
        auth_scheme: "bearer",
        rate_limit: "429 spec error JSON TOOMANYREQUESTS, Retry-After when the fault gives one",
    },
    facts: &[
        Fact {
            topic: "referrers",
            claim: "200 + image index (Content-Type application/vnd.oci.image.index.v1+json), also for a subject that does not exist and in a repository that does not exist (MUST NOT answer 404)",
            source: "opencontainers/distribution-spec v1.1.1 spec.md#listing-referrers; PR #491",
            confidence: High,
        },
        Fact {
            topic: "bad-digest",
            claim: "400 for an invalid digest",
            source: "opencontainers/distribution-spec v1.1.1 spec.md#listing-referrers",
            confidence: High,
        },
        Fact {
            topic: "filter",
            claim: "artifactType filter applied, OCI-Filters-Applied: artifactType",
            source: "opencontainers/distribution-spec v1.1.1 spec.md#listing-referrers",
            confidence: High,
        },
        Fact {
            topic: "paging",
            claim: "Link: <url>; rel=\"next\" when the list exceeds the page size (the spec allows it; the page size is the fake's)",
            source: "opencontainers/distribution-spec v1.1.1 spec.md#listing-referrers",
            confidence: High,
        },
        Fact {
            topic: "oci-subject",
            claim: "PUT of a manifest with subject answers OCI-Subject: <subject digest>",
            source: "opencontainers/distribution-spec v1.1.1 spec.md#pushing-manifests-with-subject",
            confidence: High,
        },
        Fact {
            topic: "auth",
            claim: "open without credentials; with credentials, Bearer token from /token on the same host",
            source: "fake-registry design",
            confidence: Assumed,
        },
    ],
    behaviour: SPEC,
};

const FACT_SYNTHETIC: Fact = Fact {
    topic: "referrers",
    claim: "synthetic: no real registry is known to answer like this; kept because the check must handle it",
    source: "none: synthetic (no registry is known to answer so); kept for the answers the referrers check (referrers/src/check/referrers.rs) must classify",
    confidence: Assumed,
};

pub(crate) static SYNTHETIC_404_INDEX: ProfileDef = ProfileDef {
    name: "synthetic-404-index",
    summary: "synthetic: referrers answered with status 404 but a valid OCI index body (the check's non-conformant pass case)",
    emulates: "none (synthetic)",
    synthetic: true,
    declared: Declared {
        referrers_api: true,
        check_verdict: "pass",
        referrers_status_unsupported: None,
        filter: Some(false),
        paging: Some(false),
        auth_scheme: "bearer",
        rate_limit: "429 spec error JSON",
    },
    facts: &[FACT_SYNTHETIC],
    behaviour: Behaviour {
        referrers: Referrers::Api(ApiReferrers {
            status: 404,
            ..UNKNOWN_VENDOR_API
        }),
        ..SPEC
    },
};

pub(crate) static SYNTHETIC_405: ProfileDef = ProfileDef {
    name: "synthetic-405",
    summary: "synthetic: referrers answered 405 Method Not Allowed",
    emulates: "none (synthetic)",
    synthetic: true,
    declared: Declared {
        referrers_api: false,
        check_verdict: "warn",
        referrers_status_unsupported: Some(405),
        filter: None,
        paging: None,
        auth_scheme: "bearer",
        rate_limit: "429 spec error JSON",
    },
    facts: &[FACT_SYNTHETIC, FACT_NO_API_STORAGE],
    behaviour: Behaviour {
        referrers: Referrers::Unsupported(Canned {
            status: 405,
            content_type: JSON,
            body: r#"{"errors":[{"code":"UNSUPPORTED","message":"the operation is unsupported","detail":null}]}"#,
            headers: &[],
        }),
        ..NO_API
    },
};

pub(crate) static SYNTHETIC_501: ProfileDef = ProfileDef {
    name: "synthetic-501",
    summary: "synthetic: referrers answered 501 Not Implemented",
    emulates: "none (synthetic)",
    synthetic: true,
    declared: Declared {
        referrers_api: false,
        check_verdict: "warn",
        referrers_status_unsupported: Some(501),
        filter: None,
        paging: None,
        auth_scheme: "bearer",
        rate_limit: "429 spec error JSON",
    },
    facts: &[FACT_SYNTHETIC, FACT_NO_API_STORAGE],
    behaviour: Behaviour {
        referrers: Referrers::Unsupported(Canned {
            status: 501,
            content_type: JSON,
            body: r#"{"errors":[{"code":"UNSUPPORTED","message":"not implemented","detail":null}]}"#,
            headers: &[],
        }),
        ..NO_API
    },
};
