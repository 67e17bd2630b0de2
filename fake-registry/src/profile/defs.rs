//! The profile values. Each is one `static` [`ProfileDef`]; shared pieces are `const`s so a profile reads as
//! "spec, except ...". Sources and confidence come from `shared/reference/registry-behaviours.md`.

use super::{
    Anonymous, ApiReferrers, ApiVersionHeader, ArtifactTypeFrom, Auth, AutoStorage, Behaviour,
    Canned, Confidence::*, Declared, Fact, FiltersHeader, ProfileDef, RateLimitStyle, RealmHost,
    RedirectAnswer, Referrers, Scheme, Service, TokenShape,
};

const INDEX_CT: &str = "application/vnd.oci.image.index.v1+json";
const JSON: Option<&str> = Some("application/json");
const INDEX_CT_SOME: Option<&str> = Some(INDEX_CT);
const PLAIN: Option<&str> = Some("text/plain; charset=utf-8");

const BEHAVIOURS_MD: &str = "shared/reference/registry-behaviours.md";

/// Distribution's router answer for an unknown route (measured on registry:2.8.2).
const PLAIN_404: Canned = Canned {
    status: 404,
    content_type: PLAIN,
    body: "404 page not found\n",
    headers: &[("x-content-type-options", "nosniff")],
};
const NAME_UNKNOWN_404: Canned = Canned {
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

const SPEC_API: ApiReferrers = ApiReferrers {
    status: 200,
    content_type: INDEX_CT,
    missing_subject: None,
    missing_repo: Some(NAME_UNKNOWN_404),
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
const UNKNOWN_VENDOR_API: ApiReferrers = ApiReferrers {
    filter: false,
    paging: false,
    ..SPEC_API
};

const TOKEN_FULL: TokenShape = TokenShape {
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

const OPEN_BEARER: Auth = Auth {
    scheme: SAME_HOST_BEARER,
    anonymous: Anonymous::Open,
    unauthorized: UNAUTHORIZED_JSON,
    base_unauthorized: None,
};

/// The spec-exact behaviour every profile starts from.
const SPEC: Behaviour = Behaviour {
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
};

/// A registry without the referrers API, answering like Distribution's router.
const NO_API: Behaviour = Behaviour {
    referrers: Referrers::Unsupported(PLAIN_404),
    oci_subject_header: false,
    storage: AutoStorage::TagSchemaAndCosign,
    ..SPEC
};

const FACT_API_VERSION: Fact = Fact {
    topic: "base",
    claim: "GET /v2/ answers 200 {} with Docker-Distribution-API-Version: registry/2.0 (common to nearly all registries)",
    source: BEHAVIOURS_MD,
    confidence: Medium,
};
const FACT_NO_API_STORAGE: Fact = Fact {
    topic: "storage",
    claim: "without the API, clients store referrers under the tag-schema index sha256-<hex> and cosign .sig/.att/.sbom tags",
    source: "opencontainers/distribution-spec spec.md#referrers-tag-schema; sigstore/cosign",
    confidence: High,
};

// ---------------------------------------------------------------------------------------------------------------

pub(super) static OCI_1_1: ProfileDef = ProfileDef {
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
            claim: "200 + image index (Content-Type application/vnd.oci.image.index.v1+json), also for a subject that does not exist",
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

pub(super) static ZOT: ProfileDef = ProfileDef {
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
            source: BEHAVIOURS_MD,
            confidence: High,
        },
        Fact {
            topic: "auth",
            claim: "lowercase scheme `basic realm=...` when htpasswd is enabled; open otherwise (realm value `zot` assumed)",
            source: "project-zot/zot pkg/api/authn.go",
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
        ..SPEC
    },
};

pub(super) static DISTRIBUTION_2_8: ProfileDef = ProfileDef {
    name: "distribution-2.8",
    summary: "CNCF Distribution 2.8/3.x (registry:2): no referrers API, 404 text/plain `404 page not found`",
    emulates: "distribution/distribution 2.8.x, 3.0-3.1",
    synthetic: false,
    declared: Declared {
        referrers_api: false,
        check_verdict: "warn",
        referrers_status_unsupported: Some(404),
        filter: None,
        paging: None,
        auth_scheme: "basic",
        rate_limit: "none",
    },
    facts: &[
        Fact {
            topic: "referrers",
            claim: "no referrers route: 404, Content-Type text/plain; charset=utf-8, body `404 page not found\\n`",
            source: "distribution/distribution registry/handlers/app.go (v2.8.3, v3.1.1); measured on 2.8.2",
            confidence: High,
        },
        Fact {
            topic: "auth",
            claim: "htpasswd: `Basic realm=...` (realm `Registry Realm` from the sample config)",
            source: "distribution/distribution docs configuration.md (auth.htpasswd)",
            confidence: Medium,
        },
        Fact {
            topic: "rate-limit",
            claim: "no rate limiting",
            source: BEHAVIOURS_MD,
            confidence: High,
        },
        FACT_API_VERSION,
        FACT_NO_API_STORAGE,
        Fact {
            topic: "headers",
            claim: "JSON answers (`/v2/`, errors such as MANIFEST_UNKNOWN, tags/list) carry Content-Type `application/json; charset=utf-8`",
            source: "measured on Distribution 2.8.2 (Debian docker-registry) by the fidelity probes (harness::real::fidelity)",
            confidence: High,
        },
    ],
    behaviour: Behaviour {
        auth: Auth {
            scheme: Scheme::Basic {
                word: "Basic",
                realm: Some("Registry Realm"),
                service: None,
            },
            ..OPEN_BEARER
        },
        json_charset: true,
        ..NO_API
    },
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
};
const FACT_HARBOR_AUTH: Fact = Fact {
    topic: "auth",
    claim: "Bearer realm=<host>/service/token, service=harbor-registry; anonymous tokens for public projects (token fields assumed)",
    source: BEHAVIOURS_MD,
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

pub(super) static HARBOR_2_7: ProfileDef = ProfileDef {
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
            source: BEHAVIOURS_MD,
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

pub(super) static HARBOR_2_8: ProfileDef = ProfileDef {
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

pub(super) static HARBOR_2_10: ProfileDef = ProfileDef {
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
            source: BEHAVIOURS_MD,
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

pub(super) static HARBOR_2_11: ProfileDef = ProfileDef {
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

/// GHCR's behaviour (shared by `ghcr` and `ghcr-2026`).
const GHCR_BEHAVIOUR: Behaviour = Behaviour {
    referrers: Referrers::Unsupported(Canned {
        status: 404,
        content_type: JSON,
        body: r#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}"#,
        headers: &[],
    }),
    auth: Auth {
        scheme: Scheme::Bearer {
            word: "Bearer",
            realm_host: RealmHost::Other,
            realm_path: "/token",
            service: Service::Fixed("ghcr.io"),
            token: TokenShape {
                token: true,
                access_token: false,
                expires_in: None,
                issued_at: false,
            },
        },
        anonymous: Anonymous::AnonymousToken,
        unauthorized: Canned {
            status: 401,
            content_type: JSON,
            body: r#"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}"#,
            headers: &[],
        },
        base_unauthorized: None,
    },
    rate_limit: RateLimitStyle::Ghcr,
    ..NO_API
};

pub(super) static GHCR: ProfileDef = ProfileDef {
    name: "ghcr",
    summary: "GitHub Container Registry: no referrers API (404 MANIFEST_UNKNOWN), token realm on another host, text 429",
    emulates: "ghcr.io (2024-2026 reports)",
    synthetic: false,
    declared: Declared {
        referrers_api: false,
        check_verdict: "warn",
        referrers_status_unsupported: Some(404),
        filter: None,
        paging: None,
        auth_scheme: "bearer",
        rate_limit: "429 text `toomanyrequests: retry-after: <duration>, allowed: 44000/minute`; secondary limit 403",
    },
    facts: &[
        Fact {
            topic: "referrers",
            claim: "404; reports show both plain and MANIFEST_UNKNOWN JSON bodies (JSON chosen; message text assumed)",
            source: "artifacthub/hub #4785; dependabot/cli #380",
            confidence: Medium,
        },
        Fact {
            topic: "referrers",
            claim: "an Apr 2026 report shows a 303 to github.com/-/v2/packages/... then 429 instead (not emulated here)",
            source: BEHAVIOURS_MD,
            confidence: Medium,
        },
        Fact {
            topic: "auth",
            claim: "Bearer realm=\"https://ghcr.io/token\",service=\"ghcr.io\",scope=\"repository:<r>:pull\"; anonymous tokens for public images",
            source: BEHAVIOURS_MD,
            confidence: Medium,
        },
        Fact {
            topic: "token",
            claim: "token answer {\"token\": ...} without expires_in",
            source: BEHAVIOURS_MD,
            confidence: Medium,
        },
        Fact {
            topic: "rate-limit",
            claim: "429 with text `toomanyrequests: retry-after: <duration>, allowed: 44000/minute`; secondary limit answers 403 `exceeded a secondary rate limit`",
            source: BEHAVIOURS_MD,
            confidence: Medium,
        },
        FACT_API_VERSION,
        FACT_NO_API_STORAGE,
    ],
    behaviour: GHCR_BEHAVIOUR,
};

const QUAY_AUTH: Auth = Auth {
    scheme: Scheme::Bearer {
        word: "Bearer",
        realm_host: RealmHost::Same,
        realm_path: "/v2/auth",
        service: Service::Host,
        token: TokenShape {
            token: true,
            access_token: false,
            expires_in: None,
            issued_at: false,
        },
    },
    anonymous: Anonymous::AnonymousToken,
    unauthorized: Canned {
        status: 401,
        content_type: JSON,
        body: r#"{"errors":[{"code":"UNAUTHORIZED","message":"access to the requested resource is not authorized","detail":{}}]}"#,
        headers: &[],
    },
    base_unauthorized: Some(Canned {
        status: 401,
        content_type: JSON,
        body: "true",
        headers: &[],
    }),
};
const FACT_QUAY_AUTH: Fact = Fact {
    topic: "auth",
    claim: "Bearer realm=\"<host>/v2/auth\",service=\"<host>\"; anonymous GET /v2/ answers 401 with body `true` (token fields assumed)",
    source: "quay/quay endpoints/v2/__init__.py, endpoints/v2/v2auth.py",
    confidence: High,
};
const FACT_QUAY_RATE: Fact = Fact {
    topic: "rate-limit",
    claim: "nginx limit_req 429 (HTML page) when rate limiting is enabled",
    source: "quay/quay conf/nginx/rate-limiting.conf.jnj",
    confidence: Low,
};
/// Quay's route only matches `[A-Za-z0-9_+.-]+:[A-Fa-f0-9]+`, so a malformed digest falls through to its 404.
const QUAY_NOT_FOUND: Canned = Canned {
    status: 404,
    content_type: JSON,
    body: r#"{"error": "Not Found"}"#,
    headers: &[],
};
const QUAY_API: ApiReferrers = ApiReferrers {
    paging: false,
    bad_digest: QUAY_NOT_FOUND,
    ..SPEC_API
};
const FACT_QUAY_BAD_DIGEST: Fact = Fact {
    topic: "bad-digest",
    claim: "the referrers route only matches digest-shaped references; others fall through to the 404 `{\"error\": \"Not Found\"}`",
    source: "quay/quay endpoints/v2/referrers.py (MANIFEST_REFERRERS_ROUTE uses digest_tools.DIGEST_PATTERN)",
    confidence: Low,
};

pub(super) static QUAY_3_12_0: ProfileDef = ProfileDef {
    name: "quay-3.12.0",
    summary: "Quay 3.12.0: referrers API, but 404 MANIFEST_UNKNOWN for a subject that does not exist",
    emulates: "quay/quay 3.12.0",
    synthetic: false,
    declared: Declared {
        referrers_api: true,
        check_verdict: "pass",
        referrers_status_unsupported: None,
        filter: Some(true),
        paging: Some(false),
        auth_scheme: "bearer",
        rate_limit: "nginx 429 HTML page when enabled",
    },
    facts: &[
        Fact {
            topic: "referrers",
            claim: "200 + index for an existing subject, filter applied with OCI-Filters-Applied, no paging",
            source: "quay/quay endpoints/v2/referrers.py",
            confidence: High,
        },
        Fact {
            topic: "missing-subject",
            claim: "subject missing: 404 MANIFEST_UNKNOWN JSON; repository missing: 404 NAME_UNKNOWN",
            source: "quay/quay endpoints/v2/referrers.py (3.12.0)",
            confidence: High,
        },
        FACT_QUAY_BAD_DIGEST,
        Fact {
            topic: "referrers",
            claim: "descriptors may lack artifactType and annotations in early 3.12 builds (fixed by PR #3047, backported to 3.12); not emulated: the fake lists both",
            source: "quay/quay PR #3047 (PROJQUAY-7481, cherry-pick redhat-3.12)",
            confidence: Low,
        },
        FACT_QUAY_AUTH,
        FACT_QUAY_RATE,
        FACT_API_VERSION,
    ],
    behaviour: Behaviour {
        referrers: Referrers::Api(ApiReferrers {
            missing_subject: Some(Canned {
                status: 404,
                content_type: JSON,
                body: r#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{}}]}"#,
                headers: &[],
            }),
            ..QUAY_API
        }),
        auth: QUAY_AUTH,
        rate_limit: RateLimitStyle::Nginx,
        ..SPEC
    },
};

pub(super) static QUAY_3_13: ProfileDef = ProfileDef {
    name: "quay-3.13",
    summary: "Quay 3.12.1+/3.13+/quay.io: referrers API, but 400 MANIFEST_INVALID for a subject that does not exist",
    emulates: "quay/quay 3.12.1+, 3.13+, quay.io",
    synthetic: false,
    declared: Declared {
        referrers_api: true,
        check_verdict: "pass",
        referrers_status_unsupported: None,
        filter: Some(true),
        paging: Some(false),
        auth_scheme: "bearer",
        rate_limit: "nginx 429 HTML page when enabled",
    },
    facts: &[
        Fact {
            topic: "referrers",
            claim: "200 + index for an existing subject, filter applied with OCI-Filters-Applied, no paging",
            source: "quay/quay endpoints/v2/referrers.py",
            confidence: High,
        },
        Fact {
            topic: "missing-subject",
            claim: "subject missing: 400 MANIFEST_INVALID",
            source: "quay/quay endpoints/v2/referrers.py (3.12.1+)",
            confidence: High,
        },
        FACT_QUAY_BAD_DIGEST,
        FACT_QUAY_AUTH,
        FACT_QUAY_RATE,
        FACT_API_VERSION,
    ],
    behaviour: Behaviour {
        referrers: Referrers::Api(ApiReferrers {
            missing_subject: Some(Canned {
                status: 400,
                content_type: JSON,
                body: r#"{"errors":[{"code":"MANIFEST_INVALID","message":"manifest invalid","detail":{}}]}"#,
                headers: &[],
            }),
            ..QUAY_API
        }),
        auth: QUAY_AUTH,
        rate_limit: RateLimitStyle::Nginx,
        ..SPEC
    },
};

pub(super) static QUAY_DISABLED: ProfileDef = ProfileDef {
    name: "quay-referrers-disabled",
    summary: "Quay with FEATURE_REFERRERS_API off: 404 `{\"error\": \"Not Found\"}`, answered before auth",
    emulates: "quay/quay 3.12+ with the referrers feature flag off",
    synthetic: false,
    declared: Declared {
        referrers_api: false,
        check_verdict: "warn",
        referrers_status_unsupported: Some(404),
        filter: None,
        paging: None,
        auth_scheme: "bearer",
        rate_limit: "nginx 429 HTML page when enabled",
    },
    facts: &[
        Fact {
            topic: "referrers",
            claim: "feature flag off: 404 JSON `{\"error\": \"Not Found\"}`, answered before auth",
            source: "quay/quay endpoints/v2/referrers.py, config.py",
            confidence: High,
        },
        FACT_QUAY_AUTH,
        FACT_QUAY_RATE,
        FACT_API_VERSION,
        FACT_NO_API_STORAGE,
    ],
    behaviour: Behaviour {
        referrers: Referrers::Unsupported(QUAY_NOT_FOUND),
        referrers_before_auth: true,
        auth: QUAY_AUTH,
        rate_limit: RateLimitStyle::Nginx,
        ..NO_API
    },
};

const ECR_AUTH: Auth = Auth {
    scheme: Scheme::Basic {
        word: "Basic",
        realm: None,
        service: Some("ecr.amazonaws.com"),
    },
    anonymous: Anonymous::Always {
        user: "AWS",
        password: "demo",
    },
    unauthorized: Canned {
        status: 401,
        content_type: PLAIN,
        body: "Not Authorized\n",
        headers: &[],
    },
    base_unauthorized: None,
};
const FACT_ECR_AUTH: Fact = Fact {
    topic: "auth",
    claim: "401 WWW-Authenticate: Basic realm=\"https://<acct>.dkr.ecr.<region>.amazonaws.com/\",service=\"ecr.amazonaws.com\", body `Not Authorized`; user AWS, password a 12 h token (fake: `demo`)",
    source: "awslabs/soci-snapshotter docs/registry.md; AWS ECR docs (registry auth)",
    confidence: Medium,
};
const FACT_ECR_RATE: Fact = Fact {
    topic: "rate-limit",
    claim: "429 ThrottlingException, shown by clients as `toomanyrequests: Rate exceeded`",
    source: "awslabs/soci-snapshotter #1828",
    confidence: Medium,
};
const FACT_ECR_INDEX_SUBJECT: Fact = Fact {
    topic: "push",
    claim: "PUT of a referrer whose subject is an image index answers 405 Method Not Allowed (body shape assumed)",
    source: "aws/containers-roadmap #2783",
    confidence: Medium,
};
const ECR_405: Canned = Canned {
    status: 405,
    content_type: JSON,
    body: r#"{"errors":[{"code":"UNSUPPORTED","message":"Invalid parameter at 'subject' failed to satisfy constraint: 'subject mediaType must be an image manifest'"}]}"#,
    headers: &[],
};

pub(super) static ECR: ProfileDef = ProfileDef {
    name: "ecr",
    summary: "Amazon ECR since 2024-06: referrers API (filter/paging unknown), Basic auth AWS:<token>",
    emulates: "Amazon ECR (2024-06-27 and later)",
    synthetic: false,
    declared: Declared {
        referrers_api: true,
        check_verdict: "pass",
        referrers_status_unsupported: None,
        filter: None,
        paging: None,
        auth_scheme: "basic",
        rate_limit: "429 `toomanyrequests: Rate exceeded` (ThrottlingException)",
    },
    facts: &[
        Fact {
            topic: "referrers",
            claim: "referrers API supported since 2024-06-27",
            source: "AWS What's New 2024-06 \"Amazon ECR supports OCI Image and Distribution 1.1\"",
            confidence: High,
        },
        Fact {
            topic: "referrers",
            claim: "200 + index with the index Content-Type",
            source: BEHAVIOURS_MD,
            confidence: Low,
        },
        Fact {
            topic: "filter",
            claim: "filter support unknown; the fake does not filter (no OCI-Filters-Applied)",
            source: BEHAVIOURS_MD,
            confidence: Assumed,
        },
        Fact {
            topic: "paging",
            claim: "paging unknown; the fake answers in one page",
            source: BEHAVIOURS_MD,
            confidence: Assumed,
        },
        FACT_ECR_INDEX_SUBJECT,
        FACT_ECR_AUTH,
        FACT_ECR_RATE,
        FACT_API_VERSION,
    ],
    behaviour: Behaviour {
        referrers: Referrers::Api(UNKNOWN_VENDOR_API),
        auth: ECR_AUTH,
        rate_limit: RateLimitStyle::Ecr,
        reject_index_subject_put: Some(ECR_405),
        ..SPEC
    },
};

pub(super) static ECR_2023: ProfileDef = ProfileDef {
    name: "ecr-2023",
    summary: "Amazon ECR before 2024-06: no referrers API (404, assumed), yet sends OCI-Subject on PUT",
    emulates: "Amazon ECR (before 2024-06-27)",
    synthetic: false,
    declared: Declared {
        referrers_api: false,
        check_verdict: "warn",
        referrers_status_unsupported: Some(404),
        filter: None,
        paging: None,
        auth_scheme: "basic",
        rate_limit: "429 `toomanyrequests: Rate exceeded` (ThrottlingException)",
    },
    facts: &[
        Fact {
            topic: "referrers",
            claim: "no referrers API before 2024-06-27; answer 404 (plain body assumed)",
            source: "AWS What's New 2024-06; check-verdicts.md",
            confidence: Assumed,
        },
        Fact {
            topic: "oci-subject",
            claim: "sent OCI-Subject on manifest PUT before it supported the API",
            source: "sigstore/sigstore-js PR #1183, #1187",
            confidence: Medium,
        },
        FACT_ECR_INDEX_SUBJECT,
        FACT_ECR_AUTH,
        FACT_ECR_RATE,
        FACT_API_VERSION,
        FACT_NO_API_STORAGE,
    ],
    behaviour: Behaviour {
        auth: ECR_AUTH,
        rate_limit: RateLimitStyle::Ecr,
        oci_subject_header: true,
        reject_index_subject_put: Some(ECR_405),
        ..NO_API
    },
};

/// Distribution's token-auth 401 body (Docker Hub, Harbor): the denied access in `detail`.
const UNAUTHORIZED_WITH_ACCESS: Canned = Canned {
    status: 401,
    content_type: JSON,
    body: "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\",\"detail\":[{\"Type\":\"repository\",\"Class\":\"\",\"Name\":\"{repo}\",\"Action\":\"{action}\"}]}]}\n",
    headers: &[],
};
const UNAUTHORIZED_NO_ACCESS: Canned = Canned {
    status: 401,
    content_type: JSON,
    body: "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\",\"detail\":null}]}\n",
    headers: &[],
};
const DOCKERHUB_AUTH: Auth = Auth {
    scheme: Scheme::Bearer {
        word: "Bearer",
        realm_host: RealmHost::Other,
        realm_path: "/token",
        service: Service::Fixed("registry.docker.io"),
        token: TOKEN_FULL,
    },
    anonymous: Anonymous::AnonymousToken,
    unauthorized: UNAUTHORIZED_WITH_ACCESS,
    base_unauthorized: Some(UNAUTHORIZED_NO_ACCESS),
};
const FACT_DOCKERHUB_401: Fact = Fact {
    topic: "auth",
    claim: "401 body {\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\",\"detail\":[{\"Type\":\"repository\",\"Class\":\"\",\"Name\":\"<repo>\",\"Action\":\"pull\"}]}]}, Content-Type application/json, with docker-ratelimit-source",
    source: "curl transcripts of registry-1.docker.io (2023); distribution registry/auth/token",
    confidence: Medium,
};
const FACT_DOCKERHUB_CDN: Fact = Fact {
    topic: "blobs",
    claim: "blob GET answers 307 to production.cloudflare.docker.com/registry-v2/docker/registry/v2/blobs/<alg>/<xx>/<hex>/data?verify=...",
    source: "curl transcripts of registry-1.docker.io (2023)",
    confidence: Medium,
};
const FACT_DOCKERHUB_AUTH: Fact = Fact {
    topic: "auth",
    claim: "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\"; anonymous token with scope=repository:<r>:pull; answer has token, access_token, expires_in, issued_at",
    source: "docker/docs content/manuals/docker-hub/usage/pulls.md; distribution token spec",
    confidence: High,
};
const FACT_DOCKERHUB_RATE: Fact = Fact {
    topic: "rate-limit",
    claim: "429 JSON TOOMANYREQUESTS \"You have reached your pull rate limit...\"; manifest GET/HEAD carry ratelimit-limit: 100;w=21600, ratelimit-remaining: N;w=21600, docker-ratelimit-source; HEAD does not count; Retry-After undocumented",
    source: "docker/docs content/manuals/docker-hub/usage/pulls.md",
    confidence: High,
};

pub(super) static DOCKERHUB: ProfileDef = ProfileDef {
    name: "dockerhub",
    summary: "Docker Hub (late 2025+): referrers API, auth.docker.io-style token realm on another host, pull rate headers",
    emulates: "Docker Hub (registry-1.docker.io), mid/late 2025 and later",
    synthetic: false,
    declared: Declared {
        referrers_api: true,
        check_verdict: "pass",
        referrers_status_unsupported: None,
        filter: None,
        paging: None,
        auth_scheme: "bearer",
        rate_limit: "429 JSON TOOMANYREQUESTS + ratelimit-limit/ratelimit-remaining/docker-ratelimit-source",
    },
    facts: &[
        Fact {
            topic: "referrers",
            claim: "referrers API supported since about mid/late 2025; answers assumed spec-like (200 + index)",
            source: BEHAVIOURS_MD,
            confidence: Medium,
        },
        Fact {
            topic: "filter",
            claim: "filter support unknown; the fake does not filter",
            source: BEHAVIOURS_MD,
            confidence: Assumed,
        },
        Fact {
            topic: "paging",
            claim: "paging unknown; the fake answers in one page",
            source: BEHAVIOURS_MD,
            confidence: Assumed,
        },
        FACT_DOCKERHUB_AUTH,
        FACT_DOCKERHUB_401,
        FACT_DOCKERHUB_CDN,
        FACT_DOCKERHUB_RATE,
        FACT_API_VERSION,
    ],
    behaviour: Behaviour {
        referrers: Referrers::Api(UNKNOWN_VENDOR_API),
        auth: DOCKERHUB_AUTH,
        rate_limit: RateLimitStyle::DockerHub,
        pull_rate_headers: true,
        cdn_blobs: true,
        ..SPEC
    },
};

pub(super) static DOCKERHUB_2024: ProfileDef = ProfileDef {
    name: "dockerhub-2024",
    summary: "Docker Hub before its referrers support: 404 (plain body assumed), clients fall back to tags",
    emulates: "Docker Hub (registry-1.docker.io), 2024 to mid 2025",
    synthetic: false,
    declared: Declared {
        referrers_api: false,
        check_verdict: "warn",
        referrers_status_unsupported: Some(404),
        filter: None,
        paging: None,
        auth_scheme: "bearer",
        rate_limit: "429 JSON TOOMANYREQUESTS + ratelimit-limit/ratelimit-remaining/docker-ratelimit-source",
    },
    facts: &[
        Fact {
            topic: "referrers",
            claim: "before its support: 404, clients fell back to tags",
            source: BEHAVIOURS_MD,
            confidence: Medium,
        },
        Fact {
            topic: "referrers",
            claim: "404 body: Distribution-style text `404 page not found`",
            source: "fake-registry: most widely reported 404 shape",
            confidence: Assumed,
        },
        FACT_DOCKERHUB_AUTH,
        FACT_DOCKERHUB_401,
        FACT_DOCKERHUB_CDN,
        FACT_DOCKERHUB_RATE,
        FACT_API_VERSION,
        FACT_NO_API_STORAGE,
    ],
    behaviour: Behaviour {
        auth: DOCKERHUB_AUTH,
        rate_limit: RateLimitStyle::DockerHub,
        pull_rate_headers: true,
        cdn_blobs: true,
        ..NO_API
    },
};

const ARTIFACTORY_AUTH: Auth = Auth {
    scheme: Scheme::Bearer {
        word: "Bearer",
        realm_host: RealmHost::Same,
        realm_path: "/v2/token",
        service: Service::Host,
        token: TOKEN_FULL,
    },
    ..OPEN_BEARER
};
const FACT_ARTIFACTORY_AUTH: Fact = Fact {
    topic: "auth",
    claim: "Bearer with a token endpoint on the same host (realm path /v2/token assumed); anonymous access when enabled",
    source: BEHAVIOURS_MD,
    confidence: Low,
};

pub(super) static ARTIFACTORY: ProfileDef = ProfileDef {
    name: "artifactory",
    summary: "JFrog Artifactory >= 7.90.1 with the referrers API enabled (answers beyond 200 + index unknown)",
    emulates: "JFrog Artifactory 7.90.1+ (artifactory.oci.referrers.api.enabled=true)",
    synthetic: false,
    declared: Declared {
        referrers_api: true,
        check_verdict: "pass",
        referrers_status_unsupported: None,
        filter: None,
        paging: None,
        auth_scheme: "bearer",
        rate_limit: "unknown; spec error JSON assumed",
    },
    facts: &[
        Fact {
            topic: "referrers",
            claim: "referrers REST API since 7.90.1, possibly behind artifactory.oci.referrers.api.enabled=true",
            source: "JFrog docs \"Use Referrers REST API to discover OCI references\"",
            confidence: Medium,
        },
        Fact {
            topic: "filter",
            claim: "filter and paging unknown; the fake neither filters nor pages",
            source: BEHAVIOURS_MD,
            confidence: Assumed,
        },
        FACT_ARTIFACTORY_AUTH,
        FACT_API_VERSION,
    ],
    behaviour: Behaviour {
        referrers: Referrers::Api(UNKNOWN_VENDOR_API),
        auth: ARTIFACTORY_AUTH,
        ..SPEC
    },
};

pub(super) static ARTIFACTORY_LEGACY: ProfileDef = ProfileDef {
    name: "artifactory-legacy",
    summary: "JFrog Artifactory before 7.90.1 or with the referrers API disabled: 406 Not Acceptable",
    emulates: "JFrog Artifactory < 7.90.1, or referrers disabled",
    synthetic: false,
    declared: Declared {
        referrers_api: false,
        check_verdict: "warn",
        referrers_status_unsupported: Some(406),
        filter: None,
        paging: None,
        auth_scheme: "bearer",
        rate_limit: "unknown; spec error JSON assumed",
    },
    facts: &[
        Fact {
            topic: "referrers",
            claim: "406 Not Acceptable when the referrers API is unsupported or disabled",
            source: "google/go-containerregistry PR #2026",
            confidence: Medium,
        },
        Fact {
            topic: "referrers",
            claim: "406 body: Artifactory's REST error JSON {\"errors\":[{\"status\":406,\"message\":\"Not Acceptable\"}]}",
            source: "fake-registry: Artifactory REST error format",
            confidence: Assumed,
        },
        FACT_ARTIFACTORY_AUTH,
        FACT_API_VERSION,
        FACT_NO_API_STORAGE,
    ],
    behaviour: Behaviour {
        referrers: Referrers::Unsupported(Canned {
            status: 406,
            content_type: JSON,
            body: r#"{"errors":[{"status":406,"message":"Not Acceptable"}]}"#,
            headers: &[],
        }),
        auth: ARTIFACTORY_AUTH,
        ..NO_API
    },
};

pub(super) static ACR: ProfileDef = ProfileDef {
    name: "acr",
    summary: "Azure Container Registry: referrers API since ~2023-01 (details unknown), Bearer via /oauth2/token",
    emulates: "Azure Container Registry (2023 and later)",
    synthetic: false,
    declared: Declared {
        referrers_api: true,
        check_verdict: "pass",
        referrers_status_unsupported: None,
        filter: None,
        paging: None,
        auth_scheme: "bearer",
        rate_limit: "unknown; spec error JSON assumed",
    },
    facts: &[
        Fact {
            topic: "referrers",
            claim: "referrers API since about 2023-01",
            source: BEHAVIOURS_MD,
            confidence: Medium,
        },
        Fact {
            topic: "filter",
            claim: "filter and paging unknown; the fake neither filters nor pages",
            source: BEHAVIOURS_MD,
            confidence: Assumed,
        },
        Fact {
            topic: "auth",
            claim: "Bearer realm=\"https://<name>.azurecr.io/oauth2/token\",service=\"<name>.azurecr.io\" (AAD refresh-token exchange)",
            source: BEHAVIOURS_MD,
            confidence: Low,
        },
        FACT_API_VERSION,
    ],
    behaviour: Behaviour {
        referrers: Referrers::Api(UNKNOWN_VENDOR_API),
        auth: Auth {
            scheme: Scheme::Bearer {
                word: "Bearer",
                realm_host: RealmHost::Same,
                realm_path: "/oauth2/token",
                service: Service::Host,
                token: TokenShape {
                    token: false,
                    access_token: true,
                    expires_in: None,
                    issued_at: false,
                },
            },
            anonymous: Anonymous::AnonymousToken,
            ..OPEN_BEARER
        },
        ..SPEC
    },
};

pub(super) static GITLAB: ProfileDef = ProfileDef {
    name: "gitlab",
    summary: "GitLab container registry: no referrers API (404); the tag sha256-<hex> resolves to the subject itself",
    emulates: "GitLab container registry (gitlab.com, self-managed)",
    synthetic: false,
    declared: Declared {
        referrers_api: false,
        check_verdict: "warn",
        referrers_status_unsupported: Some(404),
        filter: None,
        paging: None,
        auth_scheme: "bearer",
        rate_limit: "unknown; spec error JSON assumed",
    },
    facts: &[
        Fact {
            topic: "referrers",
            claim: "no referrers API: 404 (Distribution-fork text body assumed)",
            source: BEHAVIOURS_MD,
            confidence: Medium,
        },
        Fact {
            topic: "storage",
            claim: "the reference sha256-<hex> resolves as if it were the digest sha256:<hex>, i.e. to the subject manifest itself (no such tag is listed); cosign .sig/.att/.sbom tags carry the referrers",
            source: "oras-project/oras-go issue #1396; oras-project/oras issue #2148 (curl transcripts of registry.gitlab.com)",
            confidence: Medium,
        },
        Fact {
            topic: "storage",
            claim: "a real tag named sha256-<hex> (pushed by a client) wins over the digest resolution",
            source: "fake-registry: unknown on GitLab",
            confidence: Assumed,
        },
        Fact {
            topic: "auth",
            claim: "Bearer with the realm on the GitLab host (https://gitlab.com/jwt/auth), service container_registry",
            source: "oras-project/oras-go issue #1396 (curl transcript)",
            confidence: Medium,
        },
        FACT_API_VERSION,
    ],
    behaviour: Behaviour {
        auth: Auth {
            scheme: Scheme::Bearer {
                word: "Bearer",
                realm_host: RealmHost::Other,
                realm_path: "/jwt/auth",
                service: Service::Fixed("container_registry"),
                token: TokenShape {
                    token: true,
                    access_token: false,
                    expires_in: Some(900),
                    issued_at: false,
                },
            },
            anonymous: Anonymous::AnonymousToken,
            ..OPEN_BEARER
        },
        storage: AutoStorage::GitlabSubjectTag,
        dash_digest_refs: true,
        ..NO_API
    },
};

pub(super) static GAR_2023: ProfileDef = ProfileDef {
    name: "gar-2023",
    summary: "Google Artifact Registry in 2023: referrers GET answers 302 to an HTML login page (200 text/html)",
    emulates: "Google Artifact Registry / registry.k8s.io (2023)",
    synthetic: false,
    declared: Declared {
        referrers_api: false,
        check_verdict: "warn",
        referrers_status_unsupported: Some(302),
        filter: None,
        paging: None,
        auth_scheme: "bearer",
        rate_limit: "unknown; spec error JSON assumed",
    },
    facts: &[
        Fact {
            topic: "referrers",
            claim: "GET /v2/<r>/referrers/<d> answers 302 to an HTML login page that answers 200 text/html",
            source: "registry-behaviours.md (GAR 2023 reports; registry.k8s.io); referrers-spec.md pitfalls",
            confidence: Medium,
        },
        Fact {
            topic: "referrers",
            claim: "login page path and HTML content",
            source: "fake-registry",
            confidence: Assumed,
        },
        Fact {
            topic: "auth",
            claim: "oauth2accesstoken; the fake uses Bearer with a same-host token endpoint",
            source: BEHAVIOURS_MD,
            confidence: Low,
        },
        FACT_API_VERSION,
        FACT_NO_API_STORAGE,
    ],
    behaviour: Behaviour {
        referrers: Referrers::Redirect(RedirectAnswer {
            status: 302,
            content_type: Some("text/html; charset=UTF-8"),
            location: "/ServiceLogin?continue={continue}",
            target_prefix: "/ServiceLogin",
            target: Canned {
                status: 200,
                content_type: Some("text/html; charset=utf-8"),
                body: crate::layer::LOGIN_PAGE,
                headers: &[],
            },
        }),
        auth: Auth {
            scheme: Scheme::Bearer {
                word: "Bearer",
                realm_host: RealmHost::Same,
                realm_path: "/v2/token",
                service: Service::Host,
                token: TokenShape {
                    token: true,
                    access_token: false,
                    expires_in: Some(3600),
                    issued_at: false,
                },
            },
            anonymous: Anonymous::AnonymousToken,
            ..OPEN_BEARER
        },
        ..NO_API
    },
};

const FACT_SYNTHETIC: Fact = Fact {
    topic: "referrers",
    claim: "synthetic: no real registry is known to answer like this; kept because the check must handle it",
    source: "shared/reference/check-verdicts.md; seeds 000/004",
    confidence: Assumed,
};

pub(super) static SYNTHETIC_404_INDEX: ProfileDef = ProfileDef {
    name: "synthetic-404-index",
    summary: "synthetic: referrers answered with status 404 but a valid OCI index body (seed 000's pass case)",
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

pub(super) static SYNTHETIC_405: ProfileDef = ProfileDef {
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

pub(super) static SYNTHETIC_501: ProfileDef = ProfileDef {
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

pub(super) static GHCR_2026: ProfileDef = ProfileDef {
    name: "ghcr-2026",
    summary: "GHCR as reported in 2026: referrers GET answers 303 to github.com, which answers 404 text `Not Found`",
    emulates: "ghcr.io (May 2026 report)",
    synthetic: false,
    declared: Declared {
        referrers_api: false,
        check_verdict: "warn",
        referrers_status_unsupported: Some(303),
        filter: None,
        paging: None,
        auth_scheme: "bearer",
        rate_limit: "429 text `toomanyrequests: retry-after: <duration>, allowed: 44000/minute`; secondary limit 403",
    },
    facts: &[
        Fact {
            topic: "referrers",
            claim: "anonymous GET /v2/<r>/referrers/<d> answers 303 (Content-Type application/json, empty body) to https://github.com/-/v2/packages/container/package/<r with %2F>%2Freferrers%2Fsha256, which answers 404 text/plain `Not Found`",
            source: "project-zot/zot issue #4060 (curl transcript, 2026-05-12)",
            confidence: Medium,
        },
        Fact {
            topic: "referrers",
            claim: "another Apr 2026 report ends the redirect in 429 instead of 404 (not emulated; add a fault)",
            source: BEHAVIOURS_MD,
            confidence: Medium,
        },
        Fact {
            topic: "auth",
            claim: "the 303 comes without a token dance (answered before auth)",
            source: "project-zot/zot issue #4060",
            confidence: Medium,
        },
        FACT_API_VERSION,
        FACT_NO_API_STORAGE,
    ],
    behaviour: Behaviour {
        referrers: Referrers::Redirect(RedirectAnswer {
            status: 303,
            content_type: JSON,
            location: "/-/v2/packages/container/package/{repo_pct}%2Freferrers%2F{alg}",
            target_prefix: "/-/v2/packages/",
            target: Canned {
                status: 404,
                content_type: PLAIN,
                body: "Not Found",
                headers: &[("x-content-type-options", "nosniff")],
            },
        }),
        referrers_before_auth: true,
        ..GHCR_BEHAVIOUR
    },
};

/// ferro-oci-server 1.0.0 (crates.io), the second real registry the project runs in a container: every fact below
/// is read from its source (`ferro-oci-server-1.0.0/src`, paths relative to it) and confirmed by the fidelity
/// probes against the real binary (`harness matrix --real`).
pub(super) static FERRO_OCI_SERVER_1_0: ProfileDef = ProfileDef {
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
