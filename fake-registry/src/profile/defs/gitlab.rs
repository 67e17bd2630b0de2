//! GitLab container registry.

use super::spec::{FACT_API_VERSION, NO_API, OPEN_BEARER};
use crate::profile::model::{
    Anonymous, Auth, AutoStorage, Behaviour, Confidence::*, Declared, Fact, ProfileDef, RealmHost,
    Scheme, Service, TokenShape,
};

pub(crate) static GITLAB: ProfileDef = ProfileDef {
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
            source: "oras-project/oras-go issue #1396 (curl transcript of registry.gitlab.com: the referrers GET answers 404; its body is not shown)",
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
