//! Pushing content through a registry's own Distribution API, the way real clients do (ORAS, cosign).
//!
//! Blobs go up with a monolithic upload (`POST /v2/<name>/blobs/uploads/` then `PUT <location>?digest=`,
//! distribution-spec §"Pushing a blob monolithically"), manifests with `PUT /v2/<name>/manifests/<reference>`.
//! A manifest with `subject` whose PUT answer carries no `OCI-Subject` header means the registry does not index
//! referrers (distribution-spec v1.1 §"Pushing Manifests with Subject"): the client then maintains the
//! referrers tag schema itself — an image index tagged `sha256-<hex of subject digest>` listing the referrers
//! (§"Referrers Tag Schema") — and, like cosign, tags each referrer `sha256-<hex>.<sig|att|sbom>`.
//!
//! Written with plain reqwest on purpose: the `referrers` crate is the code under test.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, LOCATION, WWW_AUTHENTICATE};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use super::auth::{Authenticator, Credentials, parse_challenge};
use super::http;

/// `application/vnd.oci.image.manifest.v1+json`
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
/// `application/vnd.oci.image.index.v1+json`
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
/// `application/vnd.oci.image.config.v1+json`
pub const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
/// `application/vnd.oci.image.layer.v1.tar`
pub const OCI_LAYER_TAR: &str = "application/vnd.oci.image.layer.v1.tar";
/// `application/vnd.oci.empty.v1+json`, the empty descriptor of image-spec v1.1 (content `{}`).
pub const OCI_EMPTY: &str = "application/vnd.oci.empty.v1+json";
/// Accept header value for manifests and indexes, OCI and Docker.
pub const MANIFEST_ACCEPT: &str = "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json";

/// `sha256:<hex>` of `bytes`.
pub fn sha256_digest(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// The referrers tag schema tag for a subject digest: `sha256:abc…` → `sha256-abc…`.
pub fn tag_schema_tag(subject_digest: &str) -> String {
    subject_digest.replacen(':', "-", 1)
}

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
    /// First value of a header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
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
    base_url: String,
    http: reqwest::Client,
    auth: Authenticator,
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
        let Some(challenge) = resp
            .headers()
            .get(WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_challenge)
        else {
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

    fn transport(step: &'static str, url: &str, e: reqwest::Error) -> PushError {
        PushError::Transport {
            step,
            url: url.to_string(),
            message: e.to_string(),
        }
    }

    /// Uploads a blob unless the registry already has it (HEAD first). Returns its digest.
    pub async fn push_blob(&self, repo: &str, bytes: &[u8]) -> Result<String, PushError> {
        let digest = sha256_digest(bytes);
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
        let mut put_url = if location.starts_with("http://") || location.starts_with("https://") {
            location.to_string()
        } else if location.starts_with('/') {
            format!("{}{location}", self.base_url)
        } else {
            return Err(PushError::NoLocation {
                step: "upload start",
                url: start_url,
            });
        };
        put_url.push(if put_url.contains('?') { '&' } else { '?' });
        put_url.push_str("digest=");
        put_url.push_str(&digest);
        let put = self
            .send("upload finish", &put_url, repo, |c| {
                c.put(&put_url)
                    .header(CONTENT_TYPE, "application/octet-stream")
                    .body(bytes.to_vec())
            })
            .await?;
        if put.status() != StatusCode::CREATED {
            let status = put.status().as_u16();
            let body = put.text().await.unwrap_or_default();
            return Err(PushError::Status {
                step: "upload finish",
                url: put_url,
                status,
                body,
            });
        }
        Ok(digest)
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
            return Err(PushError::Status {
                step: "manifest PUT",
                url: format!("{}/v2/{repo}/manifests/{reference}", self.base_url),
                status: answer.status,
                body: answer.body,
            });
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

    /// Adds `descriptor` to the referrers tag schema index of `subject_digest` (creating it), the client-side
    /// fallback of distribution-spec v1.1 §"Referrers Tag Schema". Idempotent per descriptor digest.
    pub async fn add_to_tag_schema_index(
        &self,
        repo: &str,
        subject_digest: &str,
        descriptor: &Value,
    ) -> Result<(), PushError> {
        let tag = tag_schema_tag(subject_digest);
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
        let digest = descriptor.get("digest").cloned();
        if manifests.iter().any(|m| m.get("digest") == digest.as_ref()) {
            return Ok(());
        }
        manifests.push(descriptor.clone());
        let index = json!({
            "schemaVersion": 2,
            "mediaType": OCI_INDEX,
            "manifests": manifests,
        });
        let bytes = serde_json::to_vec(&index).map_err(|e| PushError::BadJson {
            step: "tag schema index encode",
            message: e.to_string(),
        })?;
        self.put_manifest(repo, &tag, OCI_INDEX, &bytes).await?;
        Ok(())
    }
}

/// How the referrers of a subject are stored; the names and meaning follow the fake registry's seed format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Storage {
    /// Push with `subject`; if the PUT answer has no `OCI-Subject`, fall back to tag schema + cosign tags.
    #[default]
    Auto,
    /// Push with `subject` only.
    Api,
    /// Push with `subject` and always maintain the tag schema index.
    TagSchema,
    /// Push with `subject` and always add cosign-style tags.
    Cosign,
    /// Both fallbacks, always.
    #[serde(rename = "tag-schema+cosign")]
    TagSchemaCosign,
    /// Push with `subject`, no fallback at all.
    None,
}

/// The kind of subject manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SubjectKind {
    /// One image manifest.
    #[default]
    Image,
    /// A multi-platform index over two image manifests (linux/amd64, linux/arm64).
    Index,
}

/// One referrer to push.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ReferrerPlan {
    /// Manifest-level `artifactType`; absent → derived from the config media type.
    pub artifact_type: Option<String>,
    /// Config media type; absent → the empty descriptor type.
    pub config_media_type: Option<String>,
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    /// `sig` | `att` | `sbom` for cosign-style tags; absent → chosen from the artifact type.
    pub cosign_suffix: Option<String>,
}

/// One subject with its referrers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectPlan {
    pub repository: String,
    pub tag: String,
    #[serde(default)]
    pub kind: SubjectKind,
    #[serde(default)]
    pub storage: Storage,
    /// Extra generated SBOM-like referrers (artifactType `application/vnd.example.sbom.v<i % 3>`).
    #[serde(default)]
    pub count: usize,
    /// `false`: referrers are pushed but the subject manifest never is.
    #[serde(default = "yes")]
    pub push_subject: bool,
    #[serde(default)]
    pub referrers: Vec<ReferrerPlan>,
}

fn yes() -> bool {
    true
}

/// What to push.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SeedPlan {
    pub subjects: Vec<SubjectPlan>,
}

impl SeedPlan {
    /// The demo content of the fake registry's `--seed demo`: `library/alpine:latest` (an image manifest) with an
    /// SBOM, a cosign signature and an in-toto attestation whose artifactType exists only as its config type.
    pub fn demo() -> Self {
        let created = BTreeMap::from([(
            "org.opencontainers.image.created".to_string(),
            "2024-01-01T00:00:00Z".to_string(),
        )]);
        Self {
            subjects: vec![SubjectPlan {
                repository: "library/alpine".into(),
                tag: "latest".into(),
                kind: SubjectKind::Image,
                storage: Storage::Auto,
                count: 0,
                push_subject: true,
                referrers: vec![
                    ReferrerPlan {
                        artifact_type: Some("application/vnd.cyclonedx+json".into()),
                        config_media_type: None,
                        annotations: created.clone(),
                        cosign_suffix: Some("sbom".into()),
                    },
                    ReferrerPlan {
                        artifact_type: Some(
                            "application/vnd.dev.cosign.artifact.sig.v1+json".into(),
                        ),
                        config_media_type: None,
                        annotations: created.clone(),
                        cosign_suffix: Some("sig".into()),
                    },
                    ReferrerPlan {
                        artifact_type: None,
                        config_media_type: Some("application/vnd.in-toto+json".into()),
                        annotations: created,
                        cosign_suffix: Some("att".into()),
                    },
                ],
            }],
        }
    }
}

/// Ground truth of what a seed put in the registry (same field names as the fake registry's `Seeded`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Seeded {
    pub subjects: Vec<SeededSubject>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeededSubject {
    pub repository: String,
    pub tag: String,
    pub digest: String,
    pub media_type: String,
    /// Whether the registry answered the subject-carrying PUTs with `OCI-Subject` (it indexes referrers).
    pub registry_indexed: bool,
    pub referrers: Vec<SeededReferrer>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeededReferrer {
    pub digest: String,
    pub media_type: String,
    /// Derived per image-spec v1.1: `artifactType`, else the config media type.
    pub artifact_type: Option<String>,
    pub size: u64,
    pub annotations: BTreeMap<String, String>,
    /// Where a client can find it: any of "api", "tag-schema", "cosign".
    pub stored_as: Vec<String>,
}

/// A manifest built locally: bytes, digest, media type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltManifest {
    pub bytes: Vec<u8>,
    pub digest: String,
    pub media_type: String,
}

impl BuiltManifest {
    fn new(value: &Value, media_type: &str) -> Self {
        // serde_json::to_vec of a Value cannot fail.
        let bytes = serde_json::to_vec(value).unwrap_or_default();
        Self {
            digest: sha256_digest(&bytes),
            media_type: media_type.to_string(),
            bytes,
        }
    }

    /// Descriptor `{mediaType, digest, size}`.
    pub fn descriptor(&self) -> Value {
        json!({"mediaType": self.media_type, "digest": self.digest, "size": self.bytes.len()})
    }
}

fn blob_descriptor(media_type: &str, bytes: &[u8]) -> Value {
    json!({"mediaType": media_type, "digest": sha256_digest(bytes), "size": bytes.len()})
}

/// Pushes one image manifest (config + one layer, content derived from `label`), tagged `tag` if given.
pub async fn push_image(
    client: &PushClient,
    repo: &str,
    label: &str,
    platform: Option<(&str, &str)>,
    tag: Option<&str>,
) -> Result<BuiltManifest, PushError> {
    let layer = format!("layer of {label}\n").into_bytes();
    let (os, arch) = platform.unwrap_or(("linux", "amd64"));
    let config = serde_json::to_vec(&json!({
        "architecture": arch,
        "os": os,
        "rootfs": {"type": "layers", "diff_ids": [sha256_digest(&layer)]},
        "config": {"Labels": {"io.oci-referrers-compat.subject": label}},
    }))
    .unwrap_or_default();
    client.push_blob(repo, &layer).await?;
    client.push_blob(repo, &config).await?;
    let manifest = BuiltManifest::new(
        &json!({
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": blob_descriptor(OCI_CONFIG, &config),
            "layers": [blob_descriptor(OCI_LAYER_TAR, &layer)],
        }),
        OCI_MANIFEST,
    );
    let reference = tag.unwrap_or(&manifest.digest);
    client
        .put_manifest(repo, reference, OCI_MANIFEST, &manifest.bytes)
        .await?;
    Ok(manifest)
}

/// Builds (without pushing) the subject of a plan: for an index subject the two platform manifests are pushed
/// first (when `push` is set), since an index may only reference manifests the registry has.
async fn subject_manifest(
    client: &PushClient,
    plan: &SubjectPlan,
    push: bool,
) -> Result<BuiltManifest, PushError> {
    let label = format!("{}:{}", plan.repository, plan.tag);
    match plan.kind {
        SubjectKind::Image => {
            if push {
                push_image(client, &plan.repository, &label, None, Some(&plan.tag)).await
            } else {
                Err(PushError::Unsupported(
                    "an image subject that is never pushed is built by `subject_descriptor_only`"
                        .into(),
                ))
            }
        }
        SubjectKind::Index => {
            let mut entries = Vec::new();
            for (os, arch) in [("linux", "amd64"), ("linux", "arm64")] {
                let m = push_image(
                    client,
                    &plan.repository,
                    &format!("{label} {os}/{arch}"),
                    Some((os, arch)),
                    None,
                )
                .await?;
                let mut d = m.descriptor();
                d["platform"] = json!({"os": os, "architecture": arch});
                entries.push(d);
            }
            let index = BuiltManifest::new(
                &json!({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": entries}),
                OCI_INDEX,
            );
            if push {
                client
                    .put_manifest(&plan.repository, &plan.tag, OCI_INDEX, &index.bytes)
                    .await?;
            }
            Ok(index)
        }
    }
}

/// An image subject that is never pushed: the same bytes `push_image` would push, built locally.
fn subject_descriptor_only(plan: &SubjectPlan) -> BuiltManifest {
    let label = format!("{}:{}", plan.repository, plan.tag);
    let layer = format!("layer of {label}\n").into_bytes();
    let config = serde_json::to_vec(&json!({
        "architecture": "amd64",
        "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": [sha256_digest(&layer)]},
        "config": {"Labels": {"io.oci-referrers-compat.subject": label}},
    }))
    .unwrap_or_default();
    BuiltManifest::new(
        &json!({
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": blob_descriptor(OCI_CONFIG, &config),
            "layers": [blob_descriptor(OCI_LAYER_TAR, &layer)],
        }),
        OCI_MANIFEST,
    )
}

/// The cosign-style tag suffix for a referrer.
fn cosign_suffix(plan: &ReferrerPlan, artifact_type: Option<&str>) -> String {
    if let Some(s) = &plan.cosign_suffix {
        return s.clone();
    }
    let t = artifact_type.unwrap_or_default();
    if t.contains("sig") {
        "sig".into()
    } else if t.contains("in-toto") || t.contains("att") {
        "att".into()
    } else {
        "sbom".into()
    }
}

/// A referrer manifest for `subject`, with its config and layer blobs (bytes to push).
pub struct BuiltReferrer {
    pub manifest: BuiltManifest,
    pub artifact_type: Option<String>,
    pub annotations: BTreeMap<String, String>,
    pub blobs: Vec<Vec<u8>>,
}

impl BuiltReferrer {
    /// The descriptor a referrers list carries for it: mediaType, digest, size, derived artifactType, annotations.
    pub fn list_descriptor(&self) -> Value {
        let mut d = self.manifest.descriptor();
        if let Some(t) = &self.artifact_type {
            d["artifactType"] = json!(t);
        }
        if !self.annotations.is_empty() {
            d["annotations"] = json!(self.annotations);
        }
        d
    }
}

/// Builds a referrer manifest of `plan` for `subject` (distinct content per `label`).
pub fn build_referrer(plan: &ReferrerPlan, subject: &BuiltManifest, label: &str) -> BuiltReferrer {
    let (config_type, config_bytes) = match &plan.config_media_type {
        Some(t) => (
            t.clone(),
            serde_json::to_vec(
                &json!({"_type": "https://in-toto.io/Statement/v1", "label": label}),
            )
            .unwrap_or_default(),
        ),
        None => (OCI_EMPTY.to_string(), b"{}".to_vec()),
    };
    let layer_type = plan
        .artifact_type
        .clone()
        .unwrap_or_else(|| config_type.clone());
    let layer = format!("payload of {label}\n").into_bytes();
    let mut manifest = json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": blob_descriptor(&config_type, &config_bytes),
        "layers": [blob_descriptor(&layer_type, &layer)],
        "subject": subject.descriptor(),
    });
    if let Some(t) = &plan.artifact_type {
        manifest["artifactType"] = json!(t);
    }
    if !plan.annotations.is_empty() {
        manifest["annotations"] = json!(plan.annotations);
    }
    // image-spec v1.1 "Guidelines for Artifact Usage": artifactType, else config.mediaType (unless empty).
    let artifact_type = plan
        .artifact_type
        .clone()
        .or_else(|| (config_type != OCI_EMPTY).then(|| config_type.clone()));
    BuiltReferrer {
        manifest: BuiltManifest::new(&manifest, OCI_MANIFEST),
        artifact_type,
        annotations: plan.annotations.clone(),
        blobs: vec![config_bytes, layer],
    }
}

/// Pushes a referrer (its blobs, then the manifest by digest) and returns the PUT answer.
pub async fn push_referrer(
    client: &PushClient,
    repo: &str,
    referrer: &BuiltReferrer,
) -> Result<PutAnswer, PushError> {
    for blob in &referrer.blobs {
        client.push_blob(repo, blob).await?;
    }
    client
        .put_manifest(
            repo,
            &referrer.manifest.digest,
            OCI_MANIFEST,
            &referrer.manifest.bytes,
        )
        .await
}

/// Seeds `plan` into the registry at `base_url` through its push API and returns the ground truth.
pub async fn seed(base_url: &str, plan: &SeedPlan) -> Result<Seeded, PushError> {
    seed_with(&PushClient::new(base_url), plan).await
}

/// [`seed`] through a given client (e.g. one with credentials for a live registry).
pub async fn seed_with(client: &PushClient, plan: &SeedPlan) -> Result<Seeded, PushError> {
    let mut seeded = Seeded::default();
    for subject_plan in &plan.subjects {
        seeded
            .subjects
            .push(seed_subject(client, subject_plan).await?);
    }
    Ok(seeded)
}

async fn seed_subject(client: &PushClient, plan: &SubjectPlan) -> Result<SeededSubject, PushError> {
    let repo = plan.repository.as_str();
    let subject = if plan.push_subject || plan.kind == SubjectKind::Index {
        subject_manifest(client, plan, plan.push_subject).await?
    } else {
        subject_descriptor_only(plan)
    };
    let mut referrer_plans = plan.referrers.clone();
    for i in 0..plan.count {
        referrer_plans.push(ReferrerPlan {
            artifact_type: Some(format!("application/vnd.example.sbom.v{}", i % 3)),
            config_media_type: None,
            annotations: BTreeMap::from([(
                "io.oci-referrers-compat.index".to_string(),
                i.to_string(),
            )]),
            cosign_suffix: Some("sbom".into()),
        });
    }
    let mut referrers = Vec::new();
    let mut registry_indexed = true;
    for (i, rp) in referrer_plans.iter().enumerate() {
        let built = build_referrer(rp, &subject, &format!("{repo}:{} referrer {i}", plan.tag));
        let answer = push_referrer(client, repo, &built).await?;
        let indexed = answer.header("oci-subject").is_some();
        registry_indexed &= indexed;
        let (tag_schema, cosign) = match plan.storage {
            Storage::Auto => (!indexed, !indexed),
            Storage::Api | Storage::None => (false, false),
            Storage::TagSchema => (true, false),
            Storage::Cosign => (false, true),
            Storage::TagSchemaCosign => (true, true),
        };
        let mut stored_as = Vec::new();
        if indexed {
            stored_as.push("api".to_string());
        }
        if tag_schema {
            client
                .add_to_tag_schema_index(repo, &subject.digest, &built.list_descriptor())
                .await?;
            stored_as.push("tag-schema".to_string());
        }
        if cosign {
            let tag = format!(
                "{}.{}",
                tag_schema_tag(&subject.digest),
                cosign_suffix(rp, built.artifact_type.as_deref())
            );
            client
                .put_manifest(repo, &tag, OCI_MANIFEST, &built.manifest.bytes)
                .await?;
            stored_as.push("cosign".to_string());
        }
        referrers.push(SeededReferrer {
            digest: built.manifest.digest.clone(),
            media_type: OCI_MANIFEST.to_string(),
            artifact_type: built.artifact_type.clone(),
            size: built.manifest.bytes.len() as u64,
            annotations: built.annotations.clone(),
            stored_as,
        });
    }
    Ok(SeededSubject {
        repository: plan.repository.clone(),
        tag: plan.tag.clone(),
        digest: subject.digest,
        media_type: subject.media_type,
        registry_indexed: registry_indexed && !referrer_plans.is_empty(),
        referrers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_schema_tag_replaces_the_first_colon() {
        assert_eq!(tag_schema_tag("sha256:abc"), "sha256-abc");
    }

    #[test]
    fn referrer_artifact_type_is_derived_from_config_when_absent() {
        let subject = subject_descriptor_only(&SeedPlan::demo().subjects[0]);
        let plans = &SeedPlan::demo().subjects[0].referrers;
        let att = build_referrer(&plans[2], &subject, "x");
        assert_eq!(
            att.artifact_type.as_deref(),
            Some("application/vnd.in-toto+json")
        );
        let v: Value = serde_json::from_slice(&att.manifest.bytes).unwrap();
        assert!(v.get("artifactType").is_none());
        assert_eq!(v["subject"]["digest"], json!(subject.digest));
        let sbom = build_referrer(&plans[0], &subject, "y");
        assert_eq!(
            sbom.artifact_type.as_deref(),
            Some("application/vnd.cyclonedx+json")
        );
        assert_eq!(
            sbom.list_descriptor()["artifactType"],
            json!("application/vnd.cyclonedx+json")
        );
    }

    #[test]
    fn cosign_suffix_follows_the_artifact_type() {
        let p = ReferrerPlan::default();
        assert_eq!(
            cosign_suffix(&p, Some("application/vnd.dev.cosign.artifact.sig.v1+json")),
            "sig"
        );
        assert_eq!(
            cosign_suffix(&p, Some("application/vnd.in-toto+json")),
            "att"
        );
        assert_eq!(
            cosign_suffix(&p, Some("application/vnd.cyclonedx+json")),
            "sbom"
        );
    }
}
