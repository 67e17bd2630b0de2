//! Amazon ECR since its referrers support (2024-06-27) and before it.

use super::spec::{
    FACT_API_VERSION, FACT_NO_API_STORAGE, JSON, NO_API, PLAIN, SPEC, UNKNOWN_VENDOR_API,
};
use crate::profile::canned::Canned;
use crate::profile::model::{
    Anonymous, Auth, Behaviour, ChallengeOn, Confidence::*, Declared, Fact, ProfileDef,
    RateLimitStyle, Referrers, Scheme,
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
    challenge_on: ChallengeOn::Every,
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

pub(crate) static ECR: ProfileDef = ProfileDef {
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
            source: "inference from AWS What's New 2024-06 \"Amazon ECR supports OCI Image and Distribution 1.1\"",
            confidence: Low,
        },
        Fact {
            topic: "filter",
            claim: "filter support unknown; the fake does not filter (no OCI-Filters-Applied)",
            source: "assumed: unknown on Amazon ECR",
            confidence: Assumed,
        },
        Fact {
            topic: "paging",
            claim: "paging unknown; the fake answers in one page",
            source: "assumed: unknown on Amazon ECR",
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

pub(crate) static ECR_2023: ProfileDef = ProfileDef {
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
            source: "AWS What's New 2024-06 \"Amazon ECR supports OCI Image and Distribution 1.1\" (no API before it); the 404 and its body assumed: unknown on Amazon ECR",
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
