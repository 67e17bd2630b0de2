//! ferro-oci-server 1.0.0 (crates.io).

use super::spec::{SPEC, SPEC_API};
use crate::profile::model::{
    ApiReferrers, ApiVersionHeader, Behaviour, Confidence::*, Declared, Fact, ProfileDef, Referrers,
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
        ..SPEC
    },
};
