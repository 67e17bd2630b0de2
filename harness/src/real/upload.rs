//! Blob uploads of the [`PushClient`]: a `HEAD` that skips blobs the registry has, then a monolithic upload
//! (`POST /v2/<name>/blobs/uploads/` then `PUT <location>?digest=` with the content, distribution-spec §"Pushing a
//! blob monolithically"), or, where the registry refuses content on the `PUT`, one `PATCH` chunk and an empty
//! `PUT` (§"Pushing a blob in chunks").

use std::sync::atomic::Ordering;

use fake_registry::digest::sha256;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, LOCATION};

use super::push::{PushClient, PushError};

impl PushClient {
    /// Uploads a blob unless the registry already has it (HEAD first). Returns its digest.
    pub async fn push_blob(&self, repo: &str, bytes: &[u8]) -> Result<String, PushError> {
        let digest = sha256(bytes);
        let head_url = format!("{}/v2/{repo}/blobs/{digest}", self.base_url);
        let head = self
            .send("blob HEAD", &head_url, repo, |c| c.head(&head_url))
            .await?;
        if head.status() == StatusCode::OK {
            return Ok(digest);
        }
        let start_url = format!("{}/v2/{repo}/blobs/uploads/", self.base_url);
        let start = self
            .send("upload start", &start_url, repo, |c| {
                c.post(&start_url).header("content-length", "0")
            })
            .await?;
        if start.status() != StatusCode::ACCEPTED {
            let status = start.status().as_u16();
            let body = start.text().await.unwrap_or_default();
            return Err(PushError::Status {
                step: "upload start",
                url: start_url,
                status,
                body,
            });
        }
        let location = start
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| PushError::NoLocation {
                step: "upload start",
                url: start_url.clone(),
            })?;
        let location = self
            .absolute(location)
            .ok_or_else(|| PushError::NoLocation {
                step: "upload start",
                url: start_url.clone(),
            })?;
        if !self.patch_uploads.load(Ordering::Relaxed) {
            let put_url = with_digest(&location, &digest);
            let put = self
                .send("upload finish", &put_url, repo, |c| {
                    c.put(&put_url)
                        .header(CONTENT_TYPE, "application/octet-stream")
                        .body(bytes.to_vec())
                })
                .await?;
            if put.status() == StatusCode::CREATED {
                return Ok(digest);
            }
            if put.status() == StatusCode::UNAUTHORIZED {
                return Err(Self::status("upload finish", put_url, put).await);
            }
            // Refused: the registry takes the content only through PATCH (container-registry 0.3 answers 500
            // to a PUT with content). The session is still open; every later blob goes the PATCH way.
            self.patch_uploads.store(true, Ordering::Relaxed);
        }
        self.patch_then_put(repo, &location, &digest, bytes).await?;
        Ok(digest)
    }

    /// Sends the content as one chunk, `PATCH <location>` (distribution-spec §"Pushing a blob in chunks", one
    /// chunk with `Content-Range: 0-<n-1>`), then closes the upload with an empty `PUT <location>?digest=` at the
    /// Location the PATCH answered.
    async fn patch_then_put(
        &self,
        repo: &str,
        location: &str,
        digest: &str,
        bytes: &[u8],
    ) -> Result<(), PushError> {
        let range = format!("0-{}", bytes.len().saturating_sub(1));
        let patch = self
            .send("upload chunk", location, repo, |c| {
                c.patch(location)
                    .header(CONTENT_TYPE, "application/octet-stream")
                    .header("content-range", &range)
                    .body(bytes.to_vec())
            })
            .await?;
        if patch.status() != StatusCode::ACCEPTED {
            return Err(Self::status("upload chunk", location.to_string(), patch).await);
        }
        let next = patch
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|l| self.absolute(l))
            .unwrap_or_else(|| location.to_string());
        let put_url = with_digest(&next, digest);
        let put = self
            .send("upload finish", &put_url, repo, |c| {
                c.put(&put_url).header("content-length", "0")
            })
            .await?;
        if put.status() != StatusCode::CREATED {
            return Err(Self::status("upload finish", put_url, put).await);
        }
        Ok(())
    }

    /// A Location header as an absolute URL (a path is resolved against the base URL); `None` when it is neither.
    fn absolute(&self, location: &str) -> Option<String> {
        if location.starts_with("http://") || location.starts_with("https://") {
            Some(location.to_string())
        } else if location.starts_with('/') {
            Some(format!("{}{location}", self.base_url))
        } else {
            None
        }
    }

    /// A non-success answer as a [`PushError::Status`], with its body.
    pub(super) async fn status(
        step: &'static str,
        url: String,
        resp: reqwest::Response,
    ) -> PushError {
        let status = resp.status().as_u16();
        let body = resp.text().await.unwrap_or_default();
        PushError::Status {
            step,
            url,
            status,
            body,
        }
    }
}

/// `url` with `digest=<digest>` added to its query.
fn with_digest(url: &str, digest: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}digest={digest}")
}
