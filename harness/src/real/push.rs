//! Pushing content through a registry's own Distribution API, the way real clients do (ORAS, cosign): the HTTP
//! side of seeding a real registry with the fake's content model ([`fake_registry::seed`]).
//!
//! Blobs go up as `upload.rs` describes (monolithic, or one PATCH where a PUT with content is refused); manifests
//! with `PUT /v2/<name>/manifests/<reference>`. A manifest with `subject` whose PUT answer carries no `OCI-Subject`
//! header means the registry does not index referrers (distribution-spec v1.1 §"Pushing Manifests with Subject"):
//! the client then maintains the referrers tag schema itself — an image index tagged `<alg>-<hex of subject digest>`
//! listing the referrers (§"Referrers Tag Schema"), read, merged by digest and written back — and, like cosign, tags
//! referrers `<alg>-<hex>.<sig|att|sbom>`. Which of these a subject's referrers get is
//! [`fake_registry::Storage::resolve`] of the answer; [`push_content`] pushes a whole [`SeedContent`].
//!
//! Written with plain reqwest on purpose: the `referrers` crate is the code under test.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use fake_registry::SeedContent;
use fake_registry::digest::tag_schema_name;
use fake_registry::seed::{
    Blob, DigestAlgorithm, ReferrerContent, SeedError, Seeded, SeededSubject, SubjectContent,
    Target, tag_schema_index,
};
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, WWW_AUTHENTICATE};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::auth::{Authenticator, Credentials, parse_challenge};
use super::http;

pub use fake_registry::api::{OCI_INDEX, OCI_MANIFEST};

/// Accept header value for manifests and indexes, OCI and Docker.
pub const MANIFEST_ACCEPT: &str = "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json";

/// Failure of one push step.
#[derive(Debug, thiserror::Error)]
pub enum PushError {
    #[error("{step}: request to {url} failed: {message}")]
    Transport {
        step: &'static str,
        url: String,
        message: String,
    },
    #[error("{step}: {url} answered {status}: {body}")]
    Status {
        step: &'static str,
        url: String,
        status: u16,
        body: String,
    },
    #[error("{step}: {url} answered without a usable Location header")]
    NoLocation { step: &'static str, url: String },
    #[error("{step}: the registry returned a body that is not the expected JSON: {message}")]
    BadJson { step: &'static str, message: String },
    #[error("{step}: authentication failed: {message}")]
    Auth { step: &'static str, message: String },
    #[error("not supported by the real-registry seeder: {0}")]
    Unsupported(String),
    /// The registry refused a manifest the content needs (a 4xx other than 401, 403 and 429): it cannot hold the
    /// content.
    #[error("the registry cannot hold this content: {step} {path} answered {status}")]
    Refused {
        step: &'static str,
        /// The request's path (no origin: the results files stay the same from run to run).
        path: String,
        status: u16,
    },
    #[error("the seed was refused: {0}")]
    Spec(#[from] SeedError),
}

/// The answer to a manifest PUT, as seen on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PutAnswer {
    pub status: u16,
    /// Response headers, lower-case names, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl PutAnswer {
    /// Whether the registry refused the manifest itself: a 4xx other than 401, 403 (credentials) and 429 (rate).
    pub fn refused(&self) -> bool {
        (400..500).contains(&self.status) && ![401, 403, 429].contains(&self.status)
    }

    /// A non-201 answer as an error: [`PushError::Refused`] when [`Self::refused`], else [`PushError::Status`].
    pub fn into_error(self, step: &'static str, url: String) -> PushError {
        if self.refused() {
            let path = url.find("/v2/").map_or(url.as_str(), |i| &url[i..]);
            PushError::Refused {
                step,
                path: path.to_string(),
                status: self.status,
            }
        } else {
            PushError::Status {
                step,
                url,
                status: self.status,
                body: self.body,
            }
        }
    }

    /// First value of a header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn challenge_of(h: &HeaderMap) -> Option<super::auth::Challenge> {
    h.get(WWW_AUTHENTICATE)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_challenge)
}

fn headers_vec(h: &HeaderMap) -> Vec<(String, String)> {
    h.iter()
        .map(|(k, v)| {
            (
                k.as_str().to_ascii_lowercase(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect()
}

/// A tiny Distribution API push client bound to one registry base URL (`http://host:port`, no trailing slash).
/// It answers `401` challenges (Basic, Bearer token; see [`super::auth`]), anonymously or with credentials.
#[derive(Debug, Clone)]
pub struct PushClient {
    pub(super) base_url: String,
    pub(super) http: reqwest::Client,
    auth: Authenticator,
    /// The registry refused a monolithic `PUT` with content: blobs go up as `PATCH` then an empty `PUT`.
    pub(super) patch_uploads: Arc<AtomicBool>,
}

impl PushClient {
    pub fn new(base_url: &str) -> Self {
        Self::with_credentials(base_url, None)
    }

    /// A client that answers auth challenges with `credentials` (or anonymously when `None`).
    pub fn with_credentials(base_url: &str, credentials: Option<Credentials>) -> Self {
        Self {
            base_url: base_url.trim_end_matches('/').to_string(),
            http: http::client(),
            auth: Authenticator::new(credentials),
            patch_uploads: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Sends the request `build` makes; on `401` answers the challenge for `repository:<repo>:pull,push` and
    /// sends it once more. Any status is returned; transport and token failures are errors.
    pub async fn send(
        &self,
        step: &'static str,
        url: &str,
        repo: &str,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, PushError> {
        let scope = format!("repository:{repo}:pull,push");
        let mut req = build(&self.http);
        if let Some(value) = self.auth.cached(&scope) {
            req = req.header(AUTHORIZATION, value);
        }
        let resp = req
            .send()
            .await
            .map_err(|e| Self::transport(step, url, e))?;
        if resp.status() != StatusCode::UNAUTHORIZED {
            return Ok(resp);
        }
        let challenge = match challenge_of(resp.headers()) {
            Some(c) => Some(c),
            None => self.base_challenge(step).await?,
        };
        let Some(challenge) = challenge else {
            return Ok(resp);
        };
        let value = self
            .auth
            .authorize(&self.http, &challenge, &scope)
            .await
            .map_err(|e| PushError::Auth {
                step,
                message: e.to_string(),
            })?;
        let Some(value) = value else {
            return Ok(resp);
        };
        build(&self.http)
            .header(AUTHORIZATION, value)
            .send()
            .await
            .map_err(|e| Self::transport(step, url, e))
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The challenge of `GET /v2/`, for a 401 that carries none. RFC 9110 §15.5.2 puts `WWW-Authenticate` on
    /// every 401, but some registries (container-registry 0.3) send it only where clients ping first
    /// (distribution-spec §"Determining support"); docker and containerd ping `/v2/` before pushing, so they
    /// learn it there.
    async fn base_challenge(
        &self,
        step: &'static str,
    ) -> Result<Option<super::auth::Challenge>, PushError> {
        let url = format!("{}/v2/", self.base_url);
        let resp = self
            .http
            .get(&url)
            .send()
            .await
            .map_err(|e| Self::transport(step, &url, e))?;
        Ok(challenge_of(resp.headers()))
    }

    pub(super) fn transport(step: &'static str, url: &str, e: reqwest::Error) -> PushError {
        PushError::Transport {
            step,
            url: url.to_string(),
            message: e.to_string(),
        }
    }

    /// `PUT /v2/<repo>/manifests/<reference>` with the given media type; any status is returned (the caller
    /// decides), only transport failures are errors.
    pub async fn put_manifest_raw(
        &self,
        repo: &str,
        reference: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<PutAnswer, PushError> {
        let url = format!("{}/v2/{repo}/manifests/{reference}", self.base_url);
        let resp = self
            .send("manifest PUT", &url, repo, |c| {
                c.put(&url)
                    .header(CONTENT_TYPE, media_type)
                    .body(bytes.to_vec())
            })
            .await?;
        let status = resp.status().as_u16();
        let headers = headers_vec(resp.headers());
        let body = resp.text().await.unwrap_or_default();
        Ok(PutAnswer {
            status,
            headers,
            body,
        })
    }

    /// Like [`Self::put_manifest_raw`] but a status other than 201 is an error.
    pub async fn put_manifest(
        &self,
        repo: &str,
        reference: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<PutAnswer, PushError> {
        let answer = self
            .put_manifest_raw(repo, reference, media_type, bytes)
            .await?;
        if answer.status != 201 {
            let url = format!("{}/v2/{repo}/manifests/{reference}", self.base_url);
            return Err(answer.into_error("manifest PUT", url));
        }
        Ok(answer)
    }

    /// `GET` a manifest; `Ok(None)` on 404.
    pub async fn get_manifest(
        &self,
        repo: &str,
        reference: &str,
    ) -> Result<Option<Vec<u8>>, PushError> {
        let url = format!("{}/v2/{repo}/manifests/{reference}", self.base_url);
        let resp = self
            .send("manifest GET", &url, repo, |c| {
                c.get(&url).header("accept", MANIFEST_ACCEPT)
            })
            .await?;
        match resp.status().as_u16() {
            200 => Ok(Some(
                resp.bytes()
                    .await
                    .map_err(|e| Self::transport("manifest GET body", &url, e))?
                    .to_vec(),
            )),
            404 => Ok(None),
            status => Err(PushError::Status {
                step: "manifest GET",
                url,
                status,
                body: resp.text().await.unwrap_or_default(),
            }),
        }
    }

    /// Adds `descriptor` to the referrers tag schema index of `subject_digest` the way a client maintains it
    /// (distribution-spec v1.1 §"Referrers Tag Schema"): `GET` the index tagged `<alg>-<hex>` (none yet: an empty
    /// one), leave it alone when it lists the digest already, else append and `PUT` it back. The bytes are
    /// [`tag_schema_index`]'s, so a fresh index is byte for byte the one the fake's seed writes.
    pub async fn add_to_tag_schema_index(
        &self,
        repo: &str,
        subject_digest: &str,
        descriptor: &Value,
    ) -> Result<(), PushError> {
        let tag = tag_schema_name(subject_digest);
        let mut manifests: Vec<Value> = match self.get_manifest(repo, &tag).await? {
            Some(bytes) => {
                let index: Value =
                    serde_json::from_slice(&bytes).map_err(|e| PushError::BadJson {
                        step: "tag schema index GET",
                        message: e.to_string(),
                    })?;
                index
                    .get("manifests")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default()
            }
            None => Vec::new(),
        };
        let digest = descriptor.get("digest");
        if manifests.iter().any(|m| m.get("digest") == digest) {
            return Ok(());
        }
        manifests.push(descriptor.clone());
        let index = tag_schema_index(&manifests);
        self.put_manifest(repo, &tag, &index.media_type, &index.bytes)
            .await?;
        Ok(())
    }

    /// Uploads `blobs` in order (each only when the registry lacks it).
    pub async fn push_blobs<'a>(
        &self,
        repo: &str,
        blobs: impl IntoIterator<Item = &'a Blob>,
    ) -> Result<(), PushError> {
        for blob in blobs {
            self.push_blob(repo, &blob.bytes).await?;
        }
        Ok(())
    }

    /// Pushes a subject into `repo`: its blobs, an index subject's platform manifests by digest (an index may only
    /// name manifests the registry has), then the subject manifest under its tag unless `push_subject = false`.
    pub async fn push_subject(
        &self,
        repo: &str,
        subject: &SubjectContent,
    ) -> Result<(), PushError> {
        self.push_blobs(repo, &subject.blobs).await?;
        for child in &subject.children {
            self.put_manifest(repo, &child.digest, &child.media_type, &child.bytes)
                .await?;
        }
        if subject.push_subject {
            let m = &subject.manifest;
            self.put_manifest(repo, &subject.tag, &m.media_type, &m.bytes)
                .await?;
        }
        Ok(())
    }

    /// Pushes a referrer into `repo`: its blobs, then its manifest by digest; the PUT answer is returned whatever
    /// its status (the fidelity probes record it).
    pub async fn push_referrer_raw(
        &self,
        repo: &str,
        referrer: &ReferrerContent,
    ) -> Result<PutAnswer, PushError> {
        self.push_blobs(repo, &referrer.blobs()).await?;
        let m = &referrer.manifest;
        self.put_manifest_raw(repo, &m.digest, &m.media_type, &m.bytes)
            .await
    }
}

/// Pushes `content` through `client`, each subject into `rename(repository)`, and returns the ground truth in the
/// fake's type (repositories as pushed to). The bytes are the content's whatever the repository, so a real registry
/// receives exactly what the fake's seed writes. Per referrer the storage is resolved against the PUT answer
/// ([`Target::Registry`]): the tag-schema index is maintained after each referrer that needs it, the cosign tags are
/// written last (each names the last referrer with its suffix). A referrer PUT by digest that the registry refuses
/// (a 4xx, [`PutAnswer::refused`]) leaves only the cosign tags; a manifest the content needs and the registry
/// refuses (the tag-schema index, an index subject) is [`PushError::Refused`]: the registry cannot hold the content.
/// sha512 subjects are refused before anything is pushed: the blob upload here computes sha256 digests only.
pub async fn push_content(
    client: &PushClient,
    content: &SeedContent,
    rename: impl Fn(&str) -> String,
) -> Result<Seeded, PushError> {
    if let Some(s) = content
        .subjects
        .iter()
        .find(|s| s.digest_algorithm != DigestAlgorithm::Sha256)
    {
        return Err(PushError::Unsupported(format!(
            "subject {} uses digest_algorithm = \"sha512\"; the real-registry seeder pushes sha256 only",
            s.repository
        )));
    }
    let mut seeded = Seeded::default();
    for subject in &content.subjects {
        let repo = rename(&subject.repository);
        client.push_subject(&repo, subject).await?;
        let mut placements = Vec::with_capacity(subject.referrers.len());
        for r in &subject.referrers {
            let answer = client.push_referrer_raw(&repo, r).await?;
            let by_digest_refused = answer.refused();
            if answer.status != 201 && !by_digest_refused {
                let url = format!(
                    "{}/v2/{repo}/manifests/{}",
                    client.base_url(),
                    r.manifest.digest
                );
                return Err(answer.into_error("referrer manifest PUT", url));
            }
            let placement = subject.storage.resolve(Target::Registry {
                oci_subject: answer.header("oci-subject").is_some(),
                by_digest_refused,
            });
            if placement.tag_schema {
                let descriptor =
                    serde_json::to_value(&r.descriptor).map_err(|e| PushError::BadJson {
                        step: "tag schema descriptor",
                        message: e.to_string(),
                    })?;
                client
                    .add_to_tag_schema_index(&repo, &subject.manifest.digest, &descriptor)
                    .await?;
            }
            placements.push(placement);
        }
        for (tag, i) in subject.cosign_tags() {
            if placements[i].cosign {
                let m = &subject.referrers[i].manifest;
                client
                    .put_manifest(&repo, &tag, &m.media_type, &m.bytes)
                    .await?;
            }
        }
        seeded
            .subjects
            .push(SeededSubject::placed(subject, repo, &placements));
    }
    Ok(seeded)
}

#[cfg(test)]
mod tests {
    use fake_registry::digest::sha256;
    use fake_registry::{FakeRegistry, Profile};
    use serde_json::json;

    use super::*;

    /// The index is merged by digest: a descriptor it lists leaves it untouched, a new one is appended after the
    /// entries already there.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_tag_schema_index_is_merged_by_digest() {
        let fake = FakeRegistry::builder()
            .profile(Profile::DISTRIBUTION_2_8)
            .seed_demo()
            .start()
            .expect("fake");
        let client = PushClient::new(&fake.base_url());
        let subject = &fake.seeded().subjects[0];
        let repo = subject.repository.as_str();
        let tag = tag_schema_name(&subject.digest);
        let before = client.get_manifest(repo, &tag).await.expect("GET");
        let before = before.expect("the seed wrote the index");
        let listed: Value = serde_json::from_slice(&before).expect("json");
        let first = listed["manifests"][0].clone();

        client
            .add_to_tag_schema_index(repo, &subject.digest, &first)
            .await
            .expect("add again");
        let again = client.get_manifest(repo, &tag).await.expect("GET");
        assert_eq!(again.as_deref(), Some(&before[..]), "unchanged");

        let new = json!({"mediaType": OCI_MANIFEST, "digest": sha256(b"new"), "size": 3});
        client
            .add_to_tag_schema_index(repo, &subject.digest, &new)
            .await
            .expect("add new");
        let after = client.get_manifest(repo, &tag).await.expect("GET");
        let after: Value = serde_json::from_slice(&after.expect("index")).expect("json");
        let mut want = listed["manifests"].as_array().expect("manifests").clone();
        want.push(new);
        assert_eq!(after["manifests"], Value::Array(want));
    }
}
