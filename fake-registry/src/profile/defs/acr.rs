//! Azure Container Registry.

use super::spec::{FACT_API_VERSION, OPEN_BEARER, SPEC, UNKNOWN_VENDOR_API};
use crate::profile::model::{
    Anonymous, Auth, Behaviour, Confidence::*, Declared, Fact, ProfileDef, RealmHost, Referrers,
    Scheme, Service, TokenShape,
};

pub(crate) static ACR: ProfileDef = ProfileDef {
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
            source: "Microsoft Tech Community blog 2023-01-05 \"Azure Container Registry: the first cloud registry to support the OCI Specifications 1.1\"",
            confidence: Medium,
        },
        Fact {
            topic: "filter",
            claim: "filter and paging unknown; the fake neither filters nor pages",
            source: "assumed: unknown on Azure Container Registry",
            confidence: Assumed,
        },
        Fact {
            topic: "auth",
            claim: "Bearer realm=\"https://<name>.azurecr.io/oauth2/token\",service=\"<name>.azurecr.io\" (AAD refresh-token exchange)",
            source: "Azure/acr docs/AAD-OAuth.md (the challenge of <name>.azurecr.io, POST /oauth2/exchange and /oauth2/token)",
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
