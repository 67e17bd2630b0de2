//! Quay (quay/quay) 3.12.0, 3.12.1+/3.13+, and with the referrers feature flag off.

use super::spec::{
    FACT_API_VERSION, FACT_NO_API_STORAGE, JSON, NAME_UNKNOWN_404, NO_API, SPEC, SPEC_API,
};
use crate::profile::canned::Canned;
use crate::profile::model::{
    Anonymous, ApiReferrers, Auth, Behaviour, ChallengeOn, Confidence::*, Declared, Fact,
    ProfileDef, RateLimitStyle, RealmHost, Referrers, Scheme, Service, TokenShape,
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
    challenge_on: ChallengeOn::Every,
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
    missing_repo: Some(NAME_UNKNOWN_404),
    ..SPEC_API
};
const FACT_QUAY_BAD_DIGEST: Fact = Fact {
    topic: "bad-digest",
    claim: "the referrers route only matches digest-shaped references; others fall through to the 404 `{\"error\": \"Not Found\"}`",
    source: "quay/quay endpoints/v2/referrers.py (MANIFEST_REFERRERS_ROUTE uses digest_tools.DIGEST_PATTERN)",
    confidence: Low,
};

pub(crate) static QUAY_3_12_0: ProfileDef = ProfileDef {
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

pub(crate) static QUAY_3_13: ProfileDef = ProfileDef {
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

pub(crate) static QUAY_DISABLED: ProfileDef = ProfileDef {
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
