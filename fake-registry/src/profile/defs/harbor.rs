//! Harbor (goharbor/harbor) before the referrers API (2.7), with its first versions of it (2.8–2.10) and from 2.11.

use super::distribution::{UNAUTHORIZED_NO_ACCESS, UNAUTHORIZED_WITH_ACCESS};
use super::spec::{FACT_API_VERSION, FACT_NO_API_STORAGE, INDEX_CT_SOME, NO_API, SPEC, SPEC_API};
use crate::profile::canned::Canned;
use crate::profile::model::{
    Anonymous, ApiReferrers, ArtifactTypeFrom, Auth, Behaviour, ChallengeOn, Confidence::*,
    Declared, Fact, FiltersHeader, ProfileDef, RealmHost, Referrers, Scheme, Service, TokenShape,
};

const HARBOR_AUTH: Auth = Auth {
    scheme: Scheme::Bearer {
        word: "Bearer",
        realm_host: RealmHost::Same,
        realm_path: "/service/token",
        service: Service::Fixed("harbor-registry"),
        token: TokenShape {
            token: true,
            access_token: false,
            expires_in: Some(1800),
            issued_at: true,
        },
    },
    anonymous: Anonymous::AnonymousToken,
    unauthorized: UNAUTHORIZED_WITH_ACCESS,
    base_unauthorized: Some(UNAUTHORIZED_NO_ACCESS),
    challenge_on: ChallengeOn::Every,
};
const FACT_HARBOR_AUTH: Fact = Fact {
    topic: "auth",
    claim: "Bearer realm=<host>/service/token, service=harbor-registry; anonymous tokens for public projects (token fields assumed)",
    source: "goharbor/harbor src/core/service/token/token.go (/service/token), creator.go (service \"harbor-registry\")",
    confidence: Medium,
};
/// `lib_http.SendError` with `BadRequestCode`: `application/json; charset=utf-8`, one line plus `\n`; the message
/// wraps go-digest's error (its text depends on the input; `format` is the common one).
const HARBOR_BAD_DIGEST: Canned = Canned {
    status: 400,
    content_type: Some("application/json; charset=utf-8"),
    body: "{\"errors\":[{\"code\":\"BAD_REQUEST\",\"message\":\"unsupported digest {reference}: invalid checksum digest format\"}]}\n",
    headers: &[],
};
/// Harbor 2.11+ (`src/server/registry/referrers.go`): index type, filter header `artifactType`, X-Total-Count of
/// the unfiltered list, no paging, `json.Encoder` body (trailing newline), and no artifact lookup before listing, so
/// a missing subject or repository gives an empty index.
const HARBOR_API: ApiReferrers = ApiReferrers {
    missing_repo: None,
    bad_digest: HARBOR_BAD_DIGEST,
    paging: false,
    total_count: true,
    trailing_newline: true,
    ..SPEC_API
};
/// Harbor 2.8–2.10: the subject artifact is looked up first (missing → 200 `{}`), the filter header carries the
/// requested value, artifactType is the config media type and size includes the blobs.
const HARBOR_OLD_API: ApiReferrers = ApiReferrers {
    filters_header: FiltersHeader::RequestedValue,
    artifact_type_from: ArtifactTypeFrom::ConfigMediaType,
    size_includes_blobs: true,
    ..HARBOR_API
};
const FACT_HARBOR_OLD_FILTER: Fact = Fact {
    topic: "filter",
    claim: "filters on the config media type and answers OCI-Filters-Applied: <the requested artifactType> instead of `artifactType` (fixed in 2.11)",
    source: "goharbor/harbor src/server/registry/referrers.go before 2.11 (`filter = at`); issue #19259",
    confidence: High,
};
const FACT_HARBOR_OLD_TYPE: Fact = Fact {
    topic: "referrers",
    claim: "descriptor artifactType is the config media type even when the manifest has artifactType (fixed in 2.11)",
    source: "goharbor/harbor src/server/registry/referrers.go before 2.11 (`ArtifactType: accArt.MediaType`); issue #19867",
    confidence: High,
};
const FACT_HARBOR_OLD_SIZE: Fact = Fact {
    topic: "referrers",
    claim: "descriptor size is manifest + config + layers, not the manifest size (fixed in 2.11)",
    source: "goharbor/harbor issue #20187",
    confidence: Medium,
};
const FACT_HARBOR_TOTAL: Fact = Fact {
    topic: "paging",
    claim: "no Link paging; X-Total-Count is the number of referrers before the artifactType filter",
    source: "goharbor/harbor src/server/registry/referrers.go",
    confidence: High,
};
const FACT_HARBOR_BAD_DIGEST: Fact = Fact {
    topic: "bad-digest",
    claim: "400 BAD_REQUEST `unsupported digest <d>: <go-digest error>`, Content-Type application/json; charset=utf-8",
    source: "goharbor/harbor src/server/registry/referrers.go, src/lib/http/error.go",
    confidence: High,
};

pub(crate) static HARBOR_2_7: ProfileDef = ProfileDef {
    name: "harbor-2.7",
    summary: "Harbor < 2.8: no referrers route, falls through to its bundled Distribution (404 text)",
    emulates: "goharbor/harbor 2.0-2.7",
    synthetic: false,
    declared: Declared {
        referrers_api: false,
        check_verdict: "warn",
        referrers_status_unsupported: Some(404),
        filter: None,
        paging: None,
        auth_scheme: "bearer",
        rate_limit: "none known",
    },
    facts: &[
        Fact {
            topic: "referrers",
            claim: "the v2.7.0 route table has no referrers route (the API shipped in v2.8.0, PR #18324)",
            source: "goharbor/harbor src/server/route.go at v2.7.0; PR #18324",
            confidence: High,
        },
        Fact {
            topic: "referrers",
            claim: "the request falls through to the bundled Distribution: 404 text/plain `404 page not found`",
            source: "inference from goharbor/harbor src/server/registry/route.go and proxy.go at v2.7.0 (other /v2/ paths are reverse-proxied to the bundled Distribution) and Distribution's router answer",
            confidence: Low,
        },
        FACT_HARBOR_AUTH,
        FACT_API_VERSION,
        FACT_NO_API_STORAGE,
    ],
    behaviour: Behaviour {
        auth: HARBOR_AUTH,
        ..NO_API
    },
};

pub(crate) static HARBOR_2_8: ProfileDef = ProfileDef {
    name: "harbor-2.8",
    summary: "Harbor 2.8-2.9: referrers API with Content-Type application/json; charset=utf-8, `{}` for a missing subject",
    emulates: "goharbor/harbor 2.8.0-2.9.x",
    synthetic: false,
    declared: Declared {
        referrers_api: true,
        check_verdict: "pass",
        referrers_status_unsupported: None,
        filter: Some(false),
        paging: Some(false),
        auth_scheme: "bearer",
        rate_limit: "none known",
    },
    facts: &[
        Fact {
            topic: "referrers",
            claim: "API first shipped in v2.8.0",
            source: "goharbor/harbor PR #18324",
            confidence: High,
        },
        Fact {
            topic: "referrers",
            claim: "200 with Content-Type application/json; charset=utf-8 instead of the index type",
            source: "goharbor/harbor src/server/registry/referrers.go (history from 9b61d34); issue #19690 (2.9.1)",
            confidence: High,
        },
        Fact {
            topic: "missing-subject",
            claim: "missing subject (or repository): 200 with body `{}` + newline (not an index)",
            source: "goharbor/harbor src/server/registry/referrers.go; PR #18430",
            confidence: High,
        },
        FACT_HARBOR_OLD_FILTER,
        FACT_HARBOR_OLD_TYPE,
        FACT_HARBOR_OLD_SIZE,
        FACT_HARBOR_TOTAL,
        FACT_HARBOR_BAD_DIGEST,
        FACT_HARBOR_AUTH,
        FACT_API_VERSION,
    ],
    behaviour: Behaviour {
        referrers: Referrers::Api(ApiReferrers {
            content_type: "application/json; charset=utf-8",
            missing_subject: Some(Canned {
                status: 200,
                content_type: Some("application/json; charset=utf-8"),
                body: "{}\n",
                headers: &[],
            }),
            missing_repo: Some(Canned {
                status: 200,
                content_type: Some("application/json; charset=utf-8"),
                body: "{}\n",
                headers: &[],
            }),
            ..HARBOR_OLD_API
        }),
        auth: HARBOR_AUTH,
        ..SPEC
    },
};

pub(crate) static HARBOR_2_10: ProfileDef = ProfileDef {
    name: "harbor-2.10",
    summary: "Harbor 2.10: index Content-Type, but `{}` for a missing subject and the pre-2.11 descriptor/filter bugs",
    emulates: "goharbor/harbor 2.10.x",
    synthetic: false,
    declared: Declared {
        referrers_api: true,
        check_verdict: "pass",
        referrers_status_unsupported: None,
        filter: Some(false),
        paging: Some(false),
        auth_scheme: "bearer",
        rate_limit: "none known",
    },
    facts: &[
        Fact {
            topic: "missing-subject",
            claim: "index Content-Type, but a missing subject still answers 200 `{}` + newline",
            source: "goharbor/harbor src/server/registry/referrers.go at v2.10.0 (index Content-Type since PR #19212; an unknown subject is still answered `{}`)",
            confidence: High,
        },
        FACT_HARBOR_OLD_FILTER,
        FACT_HARBOR_OLD_TYPE,
        FACT_HARBOR_OLD_SIZE,
        FACT_HARBOR_TOTAL,
        FACT_HARBOR_BAD_DIGEST,
        FACT_HARBOR_AUTH,
        FACT_API_VERSION,
    ],
    behaviour: Behaviour {
        referrers: Referrers::Api(ApiReferrers {
            missing_subject: Some(Canned {
                status: 200,
                content_type: INDEX_CT_SOME,
                body: "{}\n",
                headers: &[],
            }),
            missing_repo: Some(Canned {
                status: 200,
                content_type: INDEX_CT_SOME,
                body: "{}\n",
                headers: &[],
            }),
            ..HARBOR_OLD_API
        }),
        auth: HARBOR_AUTH,
        ..SPEC
    },
};

pub(crate) static HARBOR_2_11: ProfileDef = ProfileDef {
    name: "harbor-2.11",
    summary: "Harbor 2.11+: referrers API with the index Content-Type, filter, X-Total-Count, no paging",
    emulates: "goharbor/harbor >= 2.11",
    synthetic: false,
    declared: Declared {
        referrers_api: true,
        check_verdict: "pass",
        referrers_status_unsupported: None,
        filter: Some(true),
        paging: Some(false),
        auth_scheme: "bearer",
        rate_limit: "none known",
    },
    facts: &[
        Fact {
            topic: "referrers",
            claim: "200 + index with the index Content-Type; referrers are listed without looking the subject up, so a missing subject or repository gives manifests: []; descriptor size is the manifest's",
            source: "goharbor/harbor src/server/registry/referrers.go (v2.11)",
            confidence: High,
        },
        Fact {
            topic: "filter",
            claim: "artifactType filter (artifactType, else config mediaType), OCI-Filters-Applied",
            source: "goharbor/harbor src/server/registry/referrers.go",
            confidence: High,
        },
        FACT_HARBOR_TOTAL,
        FACT_HARBOR_BAD_DIGEST,
        FACT_HARBOR_AUTH,
        FACT_API_VERSION,
    ],
    behaviour: Behaviour {
        referrers: Referrers::Api(HARBOR_API),
        auth: HARBOR_AUTH,
        ..SPEC
    },
};
