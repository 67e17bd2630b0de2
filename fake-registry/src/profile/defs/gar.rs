//! Google Artifact Registry as reported in 2023.

use super::spec::{FACT_API_VERSION, FACT_NO_API_STORAGE, NO_API, OPEN_BEARER};
use crate::profile::bodies::LOGIN_PAGE;
use crate::profile::canned::Canned;
use crate::profile::model::{
    Anonymous, Auth, Behaviour, Confidence::*, Declared, Fact, ProfileDef, RealmHost,
    RedirectAnswer, Referrers, Scheme, Service, TokenShape,
};

pub(crate) static GAR_2023: ProfileDef = ProfileDef {
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
            source: "awslabs/soci-snapshotter docs/registry.md, PR #512 (2023: Artifact Registry redirects the referrers GET to a Google sign-in page)",
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
            source: "Google Cloud docs \"Configure authentication to Artifact Registry for Docker\" (user oauth2accesstoken); the token endpoint is the fake's",
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
                body: LOGIN_PAGE,
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
