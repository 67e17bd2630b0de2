//! GitHub Container Registry: the reported 404 (`ghcr`) and the 2026 redirect to github.com (`ghcr-2026`).

use super::spec::{FACT_API_VERSION, FACT_NO_API_STORAGE, JSON, NO_API, PLAIN};
use crate::profile::canned::Canned;
use crate::profile::model::{
    Anonymous, Auth, Behaviour, ChallengeOn, Confidence::*, Declared, Fact, ProfileDef,
    RateLimitStyle, RealmHost, RedirectAnswer, Referrers, Scheme, Service, TokenShape,
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
        challenge_on: ChallengeOn::Every,
    },
    rate_limit: RateLimitStyle::Ghcr,
    ..NO_API
};

pub(crate) static GHCR: ProfileDef = ProfileDef {
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
            source: "artifacthub/hub issue #4785 (Apr 2026 trace: 303 to github.com, then 429)",
            confidence: Medium,
        },
        Fact {
            topic: "auth",
            claim: "Bearer realm=\"https://ghcr.io/token\",service=\"ghcr.io\",scope=\"repository:<r>:pull\"; anonymous tokens for public images",
            source: "third-party client reports of ghcr.io (no primary source recorded)",
            confidence: Medium,
        },
        Fact {
            topic: "token",
            claim: "token answer {\"token\": ...} without expires_in",
            source: "third-party client reports of ghcr.io (no primary source recorded)",
            confidence: Medium,
        },
        Fact {
            topic: "rate-limit",
            claim: "429 with text `toomanyrequests: retry-after: <duration>, allowed: 44000/minute`; secondary limit answers 403 `exceeded a secondary rate limit`",
            source: "dependabot/cli issue #380 (the 429 text); markrussinovich/refchecker PR #67 (403 secondary rate limit on a ghcr.io push)",
            confidence: Medium,
        },
        FACT_API_VERSION,
        FACT_NO_API_STORAGE,
    ],
    behaviour: GHCR_BEHAVIOUR,
};

pub(crate) static GHCR_2026: ProfileDef = ProfileDef {
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
            source: "artifacthub/hub issue #4785 (Apr 2026 trace: 303 to github.com, then 429)",
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
