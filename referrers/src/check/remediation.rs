//! Remediation texts, after the seed's "How to Fix" with its registry versions corrected. The sources of the
//! versions named:
//! - Harbor: the referrers API first shipped in 2.8.0 (goharbor/harbor#18324; `src/server/registry/route.go` at
//!   v2.7.0 has no referrers route), not 2.6; 2.10.0 is the first to answer with the index `Content-Type`
//!   (`src/server/registry/referrers.go` at v2.8.0, v2.9.0 and v2.10.0).
//! - Quay: the route exists only with `FEATURE_REFERRERS_API` (quay/quay `endpoints/v2/referrers.py`).
//! - Amazon ECR: <https://aws.amazon.com/about-aws/whats-new/2024/06/amazon-ecr-oci-image-distribution-version-1-1/>.
//! - JFrog Artifactory 7.90.1, behind `artifactory.oci.referrers.api.enabled`:
//!   <https://jfrog.com/help/r/jfrog-artifactory-documentation/use-referrers-rest-api-to-discover-oci-references>.
//! - CNCF Distribution 2.8 and 3.x register no referrers route (distribution/distribution `registry/handlers/app.go`).
//! - Google Artifact Registry redirected the endpoint to a sign-in page (awslabs/soci-snapshotter `docs/registry.md`).
//! - No version of the distribution spec defines an `OCI-Distribution-API-Version` header; the only version header
//!   it names is Docker's optional legacy one
//!   (<https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#legacy-docker-support-http-headers>).

pub(crate) fn related() -> String {
    "Related checks: check.integration.oci.capabilities (capability matrix including referrers), \
     check.integration.oci.registry (basic registry connectivity), check.integration.oci.pull (pull authorization, \
     needed to resolve the test image digest)"
        .into()
}

pub(crate) fn unsupported(base: &str, repo: &str, digest: &str) -> Vec<String> {
    let base = base.trim_end_matches('/');
    vec![
        "The registry does not serve the OCI 1.1 referrers API: clients must fall back to the tag schema \
         (`sha256-<hex>` tags), which is slower and may conflict with tag naming or immutability policies."
            .into(),
        "Upgrade to a registry that supports the referrers API: Harbor 2.8+ (2.10+ for the standard Content-Type), \
         Quay 3.12+ with FEATURE_REFERRERS_API enabled, Amazon ECR (since June 2024), Azure ACR, JFrog Artifactory \
         7.90.1+ with the referrers API enabled, zot. CNCF Distribution (registry:2.8, 3.x) does not support it. \
         Google Artifact Registry: verify (2023 versions redirected this endpoint to a login page)."
            .into(),
        format!(
            "Verify by hand: curl -sv -H \"Accept: application/vnd.oci.image.index.v1+json\" \
             {base}/v2/{repo}/referrers/{digest} (a supporting registry answers 200 with an image index, even when \
             nothing refers to the digest)"
        ),
        format!(
            "Registry version: curl -sI {base}/v2/ | grep -i docker-distribution-api-version (optional legacy header; \
             no registry sends OCI-Distribution-API-Version)"
        ),
        related(),
    ]
}

pub(crate) fn not_found(repo: &str, tag: &str) -> Vec<String> {
    vec![
        format!("The test image {repo}:{tag} does not exist in this registry, so the referrers API cannot be probed."),
        "Configure a test image that exists: OCI:TestRepository and OCI:TestTag (environment OCI__TestRepository, \
         OCI__TestTag; CLI --repository/--tag; Helm values oci.testRepository/oci.testTag)."
            .into(),
        related(),
    ]
}

pub(crate) fn unauthorized(repo: &str) -> Vec<String> {
    vec![
        format!(
            "Give the configured credentials pull access to {repo} (username/password, --docker-config with \
             `docker login`, or a credential helper) and check the token realm answers."
        ),
        "Run check.integration.oci.pull to see the pull authorization in detail.".into(),
        related(),
    ]
}

pub(crate) fn rate_limited() -> Vec<String> {
    vec![
        "The registry rate-limited the probe: rerun after the window in the rate-limit headers, or authenticate to \
         get a higher limit (Docker Hub counts anonymous pulls per IP; GHCR has a secondary rate limit)."
            .into(),
        related(),
    ]
}

pub(crate) fn connection(base: &str, host: &str) -> Vec<String> {
    let base = base.trim_end_matches('/');
    vec![
        format!("Check network connectivity: curl -v {base}/v2/"),
        format!(
            "Check TLS: openssl s_client -connect {host} -servername {} (use --ca-file for a private CA)",
            host.split(':').next().unwrap_or(host)
        ),
        "Increase the time budget if the registry is slow (timeout_seconds, default 120).".into(),
        related(),
    ]
}

pub(crate) fn server_error() -> Vec<String> {
    vec![
        "The registry answered with server errors after retries: check its health and logs, then rerun.".into(),
        related(),
    ]
}
