//! project-zot/zot.

use super::spec::{FACT_API_VERSION, OPEN_BEARER, SPEC, SPEC_API};
use crate::profile::canned::Canned;
use crate::profile::model::{
    ApiReferrers, Auth, Behaviour, Confidence::*, Declared, Fact, ProfileDef, Referrers, Scheme,
};
use crate::profile::{ContentApi, Mounts};

pub(crate) static ZOT: ProfileDef = ProfileDef {
    name: "zot",
    summary: "zot >= 2.1.19: referrers API, OR-ed artifactType filter, empty-body 400, 200 for missing repos",
    emulates: "project-zot/zot >= 2.1.19",
    synthetic: false,
    declared: Declared {
        referrers_api: true,
        check_verdict: "pass",
        referrers_status_unsupported: None,
        filter: Some(true),
        paging: Some(false),
        auth_scheme: "basic",
        rate_limit: "optional; 429 spec error JSON when enabled",
    },
    facts: &[
        Fact {
            topic: "referrers",
            claim: "200 + index, also for a repository that does not exist",
            source: "project-zot/zot pkg/api/routes.go",
            confidence: High,
        },
        Fact {
            topic: "bad-digest",
            claim: "400 with an empty body for an invalid digest",
            source: "project-zot/zot pkg/api/routes.go",
            confidence: High,
        },
        Fact {
            topic: "filter",
            claim: "several artifactType parameters are OR-ed; OCI-Filters-Applied when the parameter is present",
            source: "project-zot/zot pkg/api/routes.go, PR #4165",
            confidence: High,
        },
        Fact {
            topic: "paging",
            claim: "no Link paging",
            source: "project-zot/zot pkg/api/routes.go",
            confidence: High,
        },
        Fact {
            topic: "auth",
            claim: "lowercase scheme `basic realm=...` when htpasswd is enabled; open otherwise (realm value `zot` assumed)",
            source: "project-zot/zot pkg/api/authn.go",
            confidence: High,
        },
        Fact {
            topic: "mounts",
            claim: "a mount reads neither `from` nor another repository: 201 when the target repository already holds the blob, else 202 and a session, as in zot's published conformance run (dedupe off); with dedupe on (zot's default) the dedupe cache finds a blob of any repository, which the fake does not emulate",
            source: "project-zot/zot v2.1.19 pkg/api/routes.go CreateBlobUpload (CheckBlob on the target repository); opencontainers/oci-conformance distribution-spec/v1.1/zot (README config, results: blob-mount skipped with 202)",
            confidence: High,
        },
        FACT_API_VERSION,
    ],
    behaviour: Behaviour {
        referrers: Referrers::Api(ApiReferrers {
            missing_repo: None,
            bad_digest: Canned {
                status: 400,
                content_type: None,
                body: "",
                headers: &[],
            },
            filter_multi: true,
            paging: false,
            ..SPEC_API
        }),
        auth: Auth {
            scheme: Scheme::Basic {
                word: "basic",
                realm: Some("zot"),
                service: None,
            },
            ..OPEN_BEARER
        },
        content: ContentApi {
            mounts: Mounts::InTarget,
            ..ContentApi::SPEC
        },
        ..SPEC
    },
};
