//! Docker Hub (registry-1.docker.io) with its referrers support (mid/late 2025) and before it.

use super::distribution::{UNAUTHORIZED_NO_ACCESS, UNAUTHORIZED_WITH_ACCESS};
use super::spec::{
    FACT_API_VERSION, FACT_NO_API_STORAGE, NO_API, SPEC, TOKEN_FULL, UNKNOWN_VENDOR_API,
};
use crate::profile::model::{
    Anonymous, Auth, Behaviour, ChallengeOn, Confidence::*, Declared, Fact, ProfileDef,
    RateLimitStyle, RealmHost, Referrers, Scheme, Service,
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
    challenge_on: ChallengeOn::Every,
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

pub(crate) static DOCKERHUB: ProfileDef = ProfileDef {
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
            source: "awslabs/soci-snapshotter issue #1828 (Dec 2025: Docker Hub added the referrers API a few months before); its answers assumed: unknown on Docker Hub",
            confidence: Medium,
        },
        Fact {
            topic: "filter",
            claim: "filter support unknown; the fake does not filter",
            source: "assumed: unknown on Docker Hub",
            confidence: Assumed,
        },
        Fact {
            topic: "paging",
            claim: "paging unknown; the fake answers in one page",
            source: "assumed: unknown on Docker Hub",
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

pub(crate) static DOCKERHUB_2024: ProfileDef = ProfileDef {
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
            source: "docker/roadmap issue #724 (2024: no referrers API on Docker Hub; clients use the sha256-<hex> tag schema)",
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
