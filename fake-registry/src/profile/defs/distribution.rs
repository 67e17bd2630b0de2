//! CNCF Distribution (`registry:2`), and its token-auth 401 bodies that Harbor and Docker Hub send too.

use super::spec::{FACT_API_VERSION, FACT_NO_API_STORAGE, JSON, NO_API, OPEN_BEARER};
use crate::profile::model::{
    Auth, Behaviour, Canned, Confidence::*, Declared, Fact, ProfileDef, Scheme,
};

pub(crate) static DISTRIBUTION_2_8: ProfileDef = ProfileDef {
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
            source: "distribution/distribution source at v2.8.3 and v3.1.1: no rate limiter (TOOMANYREQUESTS is only a registered error code, registry/api/errcode/register.go)",
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

/// Distribution's token-auth 401 body (Docker Hub, Harbor): the denied access in `detail`.
pub(super) const UNAUTHORIZED_WITH_ACCESS: Canned = Canned {
    status: 401,
    content_type: JSON,
    body: "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\",\"detail\":[{\"Type\":\"repository\",\"Class\":\"\",\"Name\":\"{repo}\",\"Action\":\"{action}\"}]}]}\n",
    headers: &[],
};
pub(super) const UNAUTHORIZED_NO_ACCESS: Canned = Canned {
    status: 401,
    content_type: JSON,
    body: "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\",\"detail\":null}]}\n",
    headers: &[],
};
