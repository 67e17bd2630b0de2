//! Reading content by reference through a [`Discoverer`]'s client (its auth, retries, redirects and body cap):
//! manifests byte-for-byte as served, and blobs, each checked against the digest it was asked by
//! ([spec.md "Pulling manifests", "Pulling blobs"](https://github.com/opencontainers/distribution-spec/blob/v1.1.1/spec.md#pulling-manifests)).
//! What a mirror bundle (`crate::bundle`) copies.

use bytes::Bytes;

use super::Discoverer;
use crate::http::{HttpError, Op, Req, Resp};
use crate::spec::Digest;
use crate::spec::media::{MANIFEST_ACCEPT, essence};

/// A manifest as served.
#[derive(Debug, Clone)]
pub struct FetchedManifest {
    /// Its digest: the one asked for, or the sha256 of the bytes when asked by tag.
    pub digest: String,
    /// Its `Content-Type` essence (`""` when the registry sent none).
    pub media_type: String,
    /// The exact bytes.
    pub bytes: Bytes,
}

/// Why content could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The request failed (transport, budget, body over the cap).
    #[error("{what}: {source}")]
    Http {
        /// What was being read (`manifest <repo>@<ref>`, `blob <repo>@<digest>`).
        what: String,
        /// Why.
        source: HttpError,
    },
    /// The registry answered something other than 200.
    #[error("{what}: the registry answered {status}")]
    Status {
        /// What was being read.
        what: String,
        /// The final status.
        status: u16,
    },
    /// The bytes hash to another digest than the one asked by.
    #[error("{what}: the registry served bytes that hash to {actual}")]
    DigestMismatch {
        /// What was being read.
        what: String,
        /// The digest of the bytes served.
        actual: String,
    },
    /// The reference or digest is not one this client reads (an algorithm it cannot verify, say).
    #[error("{what}: {reason}")]
    Unreadable {
        /// What was being read.
        what: String,
        /// Why.
        reason: String,
    },
}

impl Discoverer {
    /// `GET /v2/<repository>/manifests/<reference>`: the bytes exactly as served, checked against the digest when
    /// `reference` is one.
    pub async fn fetch_manifest(
        &self,
        repository: &str,
        reference: &str,
    ) -> Result<FetchedManifest, FetchError> {
        let what = format!("manifest {repository}@{reference}");
        let url = self
            .inner
            .client
            .v2_url(&format!("{repository}/manifests/{reference}"));
        let req = Req::get(url).accept(MANIFEST_ACCEPT).pull_scope(repository);
        let resp = self.get(&what, &req).await?;
        let digest = match reference.parse::<Digest>() {
            Ok(d) => verified(&what, &d, &resp.body)?,
            Err(_) => Digest::sha256_of(&resp.body).to_string(),
        };
        Ok(FetchedManifest {
            digest,
            media_type: resp.content_type().map(essence).unwrap_or("").to_string(),
            bytes: resp.body,
        })
    }

    /// `GET /v2/<repository>/blobs/<digest>`, checked against `digest` (the client's body cap bounds its size).
    pub async fn fetch_blob(&self, repository: &str, digest: &str) -> Result<Bytes, FetchError> {
        let what = format!("blob {repository}@{digest}");
        let d: Digest = digest.parse().map_err(|e| FetchError::Unreadable {
            what: what.clone(),
            reason: format!("not a digest: {e}"),
        })?;
        let url = self
            .inner
            .client
            .v2_url(&format!("{repository}/blobs/{digest}"));
        let resp = self
            .get(&what, &Req::get(url).pull_scope(repository))
            .await?;
        verified(&what, &d, &resp.body)?;
        Ok(resp.body)
    }

    async fn get(&self, what: &str, req: &Req) -> Result<Resp, FetchError> {
        let op = Op::new(self.inner.opts.timeout);
        let resp = self
            .inner
            .client
            .send(&op, req)
            .await
            .map_err(|source| FetchError::Http {
                what: what.to_string(),
                source,
            })?;
        if resp.status != 200 {
            return Err(FetchError::Status {
                what: what.to_string(),
                status: resp.status,
            });
        }
        Ok(resp)
    }
}

/// `digest` as text when `bytes` hash to it.
fn verified(what: &str, digest: &Digest, bytes: &[u8]) -> Result<String, FetchError> {
    match digest.verify(bytes) {
        Some(true) => Ok(digest.to_string()),
        Some(false) => Err(FetchError::DigestMismatch {
            what: what.to_string(),
            actual: digest
                .compute_same(bytes)
                .map(|d| d.to_string())
                .unwrap_or_default(),
        }),
        None => Err(FetchError::Unreadable {
            what: what.to_string(),
            reason: format!(
                "digest algorithm {} cannot be verified",
                digest.algorithm().as_str()
            ),
        }),
    }
}
