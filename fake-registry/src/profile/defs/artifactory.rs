//! JFrog Artifactory with the referrers API (7.90.1+) and without it.

use super::spec::{
    FACT_API_VERSION, FACT_NO_API_STORAGE, JSON, NO_API, OPEN_BEARER, SPEC, TOKEN_FULL,
    UNKNOWN_VENDOR_API,
};
use crate::profile::canned::Canned;
use crate::profile::model::{
    Auth, Behaviour, Confidence::*, Declared, Fact, ProfileDef, RealmHost, Referrers, Scheme,
    Service,
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
    source: "inference (no primary source); the realm path assumed: unknown on Artifactory",
    confidence: Low,
};

pub(crate) static ARTIFACTORY: ProfileDef = ProfileDef {
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
            source: "assumed: unknown on Artifactory",
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

pub(crate) static ARTIFACTORY_LEGACY: ProfileDef = ProfileDef {
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
