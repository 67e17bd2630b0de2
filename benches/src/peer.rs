//! The peer: the `oci-client` crate (0.18, reqwest 0.13 + rustls like ours) calling `pull_referrers` on the same
//! fake and subject.
//!
//! What it does (read from its source, `src/client.rs`): one GET of `/v2/<repo>/referrers/<digest>` and, on a
//! 404, one GET of the tag-schema tag `sha256-<hex>` (an empty index when that is missing). It does not follow
//! `Link` (so it returns only the first page), and does not know cosign tags; [`pull_with_cosign_tags`] adds what a
//! user of it must write for those (bench id `discovery/cosign/warm/oci-client-cosign`). Where its answer differs from
//! ours, the report says so (the `same_answer` column).

use std::collections::BTreeSet;

use oci_client::client::{ClientConfig, ClientProtocol};
use oci_client::secrets::RegistryAuth;
use oci_client::{Client, Reference, RegistryOperation};

/// A new `oci-client` client speaking plain HTTP (the fake listens on loopback without TLS).
pub fn client() -> Client {
    Client::new(ClientConfig {
        protocol: ClientProtocol::Http,
        ..ClientConfig::default()
    })
}

/// The reference `oci-client` wants: `<host:port>/<repository>@<digest>`.
pub fn reference(base_url: &str, repository: &str, digest: &str) -> Reference {
    let host = base_url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    Reference::with_digest(host, repository.to_string(), digest.to_string())
}

/// Fetch and keep an anonymous pull token (`Client::auth`: `GET /v2/`, then the token endpoint) — what an
/// `oci-client` user must do before `pull_referrers` on a registry that wants a token.
pub async fn login(c: &Client, r: &Reference) -> Result<(), String> {
    c.auth(r, &RegistryAuth::Anonymous, RegistryOperation::Pull)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// A new client, logged in when `token` (the cold path).
pub async fn cold_pull(r: &Reference, token: bool) -> Result<BTreeSet<String>, String> {
    let c = client();
    if token {
        login(&c, r).await?;
    }
    pull(&c, r).await
}

/// `pull_referrers` (no artifact-type filter); the referrer digests it returned.
pub async fn pull(c: &Client, r: &Reference) -> Result<BTreeSet<String>, String> {
    c.pull_referrers(r, None)
        .await
        .map(|idx| idx.manifests.into_iter().map(|m| m.digest).collect())
        .map_err(|e| e.to_string())
}

/// Manifest media types accepted when reading a cosign-tagged manifest.
const MANIFEST_TYPES: [&str; 4] = [
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
];

/// `pull_referrers`, then what an `oci-client` user must add for cosign-style tags: one `list_tags` and one
/// `pull_manifest_raw` per `<alg>-<hex>.sig|.att|.sbom` tag; each tagged manifest's digest is a referrer.
pub async fn pull_with_cosign_tags(c: &Client, r: &Reference) -> Result<BTreeSet<String>, String> {
    let mut out = pull(c, r).await?;
    let digest = r.digest().ok_or("reference without a digest")?;
    let prefix = digest.replace(':', "-");
    let tags = c
        .list_tags(r, &RegistryAuth::Anonymous, None, None)
        .await
        .map_err(|e| e.to_string())?;
    for t in tags.tags.iter().filter(|t| {
        t.strip_prefix(prefix.as_str())
            .is_some_and(|s| [".sig", ".att", ".sbom"].contains(&s))
    }) {
        let tr = Reference::with_tag(
            r.registry().to_string(),
            r.repository().to_string(),
            t.clone(),
        );
        let (_, d) = c
            .pull_manifest_raw(&tr, &RegistryAuth::Anonymous, &MANIFEST_TYPES)
            .await
            .map_err(|e| e.to_string())?;
        out.insert(d);
    }
    Ok(out)
}
