//! The declarative vocabulary a profile is written in: facts with their source and confidence, canned answers, and
//! the behaviour knobs ([`Behaviour`]) the request pipeline reads. Plain data: nothing here answers a request.

use std::fmt;

use serde::Serialize;

use super::canned::Canned;
use super::content_api::ContentApi;
use super::partial_api::PartialApi;

/// How sure we are of a fact: `[H]` read in source code or official docs, `[M]` issue threads or third-party
/// reports, `[L]` inference, or assumed (no source; the most widely reported behaviour).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Confidence {
    /// `[H]`: source code or official documentation.
    High,
    /// `[M]`: issue threads, third-party reports.
    Medium,
    /// `[L]`: inference.
    Low,
    /// No source: the most widely reported behaviour was taken.
    Assumed,
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Confidence::High => "H",
            Confidence::Medium => "M",
            Confidence::Low => "L",
            Confidence::Assumed => "assumed",
        })
    }
}

/// One fact a profile is built on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Fact {
    /// What the fact is about: `referrers`, `missing-subject`, `bad-digest`, `filter`, `paging`, `auth`, `token`,
    /// `rate-limit`, `base`, `oci-subject`, `storage`, `push`.
    pub topic: &'static str,
    /// The claim, one sentence.
    pub claim: &'static str,
    /// Where it comes from (repository path, issue, doc page).
    pub source: &'static str,
    /// How sure we are.
    pub confidence: Confidence,
}

/// What a profile claims, so the matrix can compare it with what it observes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Declared {
    /// Does the endpoint answer 200 + index for an existing subject?
    pub referrers_api: bool,
    /// `"pass"` or `"warn"`: the verdict of the referrers check (`referrers/src/check/referrers.rs`) with `--seed demo`.
    pub check_verdict: &'static str,
    /// The status of the referrers endpoint when there is no API (404, 406, 302, 405, 501).
    pub referrers_status_unsupported: Option<u16>,
    /// Does the server apply `artifactType` and send `OCI-Filters-Applied`? `None` = unknown.
    pub filter: Option<bool>,
    /// Does the server page referrers with `Link`? `None` = unknown.
    pub paging: Option<bool>,
    /// `"bearer"`, `"basic"`, or `"none"` (the registry implements no auth; scenarios that need credentials do not
    /// apply).
    pub auth_scheme: &'static str,
    /// One line: what a 429 looks like.
    pub rate_limit: &'static str,
}

/// How the referrers endpoint answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Referrers {
    /// The API is implemented (with the given deviations from the spec).
    Api(ApiReferrers),
    /// The endpoint does not exist: every request gets this answer.
    Unsupported(Canned),
    /// The endpoint redirects to the other-host listener, which answers with `target` (Google Artifact
    /// Registry 2023: 302 to an HTML login page; GHCR 2026: 303 to github.com, then 404).
    Redirect(RedirectAnswer),
}

/// A redirect away from the registry and what the other host then answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RedirectAnswer {
    /// 301, 302, 303, 307 or 308.
    pub status: u16,
    /// `Content-Type` of the redirect itself.
    pub content_type: Option<&'static str>,
    /// Path (and query) on the other host; `{repo_pct}` is the repository with `/` as `%2F`, `{alg}` the
    /// digest algorithm, `{continue}` the percent-encoded original URL.
    pub location: &'static str,
    /// Requests on the other host whose path starts with this get `target`.
    pub target_prefix: &'static str,
    /// The other host's answer.
    pub target: Canned,
}

/// Deviations of an implemented referrers API from the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiReferrers {
    /// Status of a successful answer (200; the synthetic profile uses 404).
    pub status: u16,
    /// `Content-Type` of a successful answer.
    pub content_type: &'static str,
    /// Answer when the subject manifest does not exist; `None` = the spec's 200 + empty index.
    pub missing_subject: Option<Canned>,
    /// Answer when the repository does not exist; `None` = 200 + empty index.
    pub missing_repo: Option<Canned>,
    /// Answer for an invalid digest.
    pub bad_digest: Canned,
    /// Applies `artifactType` and sends `OCI-Filters-Applied: artifactType`.
    pub filter: bool,
    /// Several `artifactType` parameters are OR-ed (zot).
    pub filter_multi: bool,
    /// Pages with `Link` at the builder's page size.
    pub paging: bool,
    /// Sends `X-Total-Count` (Harbor): the number of referrers *before* the filter.
    pub total_count: bool,
    /// What `OCI-Filters-Applied` carries when a filter was applied.
    pub filters_header: FiltersHeader,
    /// Where the listed `artifactType` comes from.
    pub artifact_type_from: ArtifactTypeFrom,
    /// Listed `size` is the manifest plus its config and layers (Harbor < 2.11, goharbor/harbor #20187).
    pub size_includes_blobs: bool,
    /// The JSON body ends with a newline (Go's `json.Encoder`).
    pub trailing_newline: bool,
}

/// The value of `OCI-Filters-Applied`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FiltersHeader {
    /// `artifactType`, as the spec says.
    Spec,
    /// The requested artifact type itself (Harbor < 2.11, goharbor/harbor #19259).
    RequestedValue,
}

/// How the listed `artifactType` is derived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArtifactTypeFrom {
    /// The manifest's `artifactType`, else its config media type (the spec).
    Spec,
    /// Always the config media type, even when the manifest has `artifactType` (Harbor < 2.11,
    /// goharbor/harbor #19867); the filter compares against it too.
    ConfigMediaType,
}

/// Where the token realm lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RealmHost {
    /// On the registry's own address.
    Same,
    /// On the other-host listener (127.0.0.2): Docker Hub's `auth.docker.io`, GHCR's realm, GitLab's `/jwt/auth`.
    Other,
}

/// The `service` parameter of a Bearer challenge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// A fixed string, e.g. `registry.docker.io`.
    Fixed(&'static str),
    /// The registry's `host:port`.
    Host,
}

/// The fields of a token endpoint answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenShape {
    /// `token` field present.
    pub token: bool,
    /// `access_token` field present.
    pub access_token: bool,
    /// `expires_in` seconds, if sent.
    pub expires_in: Option<u64>,
    /// `issued_at` sent.
    pub issued_at: bool,
}

/// The authentication scheme a profile uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// Bearer tokens from a token endpoint served by the fake.
    Bearer {
        /// The scheme word as sent (`Bearer`, zot: `bearer`).
        word: &'static str,
        /// Host of the realm.
        realm_host: RealmHost,
        /// Path of the token endpoint.
        realm_path: &'static str,
        /// `service` parameter.
        service: Service,
        /// Fields of the token answer.
        token: TokenShape,
    },
    /// Basic credentials on every request.
    Basic {
        /// The scheme word as sent (`Basic`, zot: `basic`).
        word: &'static str,
        /// `realm` value; `None` = the registry's own URL with a trailing slash (ECR).
        realm: Option<&'static str>,
        /// `service` parameter, if sent.
        service: Option<&'static str>,
    },
}

/// When auth is required.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anonymous {
    /// Without configured credentials nothing asks for auth.
    Open,
    /// Without configured credentials a token is still required, but the token endpoint issues anonymous tokens
    /// (pull and push) — the real registries' behaviour for public content.
    AnonymousToken,
    /// Credentials are always required; without configured ones these defaults apply.
    Always {
        /// Default user.
        user: &'static str,
        /// Default password.
        password: &'static str,
    },
}

/// A profile's auth behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Auth {
    /// Scheme and challenge parameters.
    pub scheme: Scheme,
    /// When auth is required.
    pub anonymous: Anonymous,
    /// Body and content type of a 401.
    pub unauthorized: Canned,
    /// A different 401 body for `GET /v2/` (Quay: `true`).
    pub base_unauthorized: Option<Canned>,
    /// Which 401 answers carry the `WWW-Authenticate` challenge.
    pub challenge_on: ChallengeOn,
}

/// Which 401 answers carry `WWW-Authenticate`. RFC 9110 §15.5.2 requires it on every 401; some registries send it
/// only where a client pings (`GET /v2/`, distribution-spec §"Determining support").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChallengeOn {
    /// Every 401 (RFC 9110).
    Every,
    /// Only the 401 of `GET /v2/`; elsewhere a bare 401 (container-registry 0.3).
    BaseOnly,
}

/// What a 429 looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateLimitStyle {
    /// Spec error JSON `TOOMANYREQUESTS`.
    Spec,
    /// Docker Hub: JSON `TOOMANYREQUESTS` "You have reached your pull rate limit..." and `ratelimit-*` headers.
    DockerHub,
    /// GHCR: text `toomanyrequests: retry-after: <duration>, allowed: 44000/minute`.
    Ghcr,
    /// ECR: `toomanyrequests: Rate exceeded` (JSON code `TOOMANYREQUESTS`, message `Rate exceeded`).
    Ecr,
    /// Quay behind nginx `limit_req`: nginx's HTML 429 page.
    Nginx,
}

/// How seeded referrers are stored with `storage = "auto"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AutoStorage {
    /// Indexed through `subject` by the API.
    Api,
    /// Tag-schema index plus cosign `.sig`/`.att`/`.sbom` tags, as real clients store them without the API.
    TagSchemaAndCosign,
    /// GitLab: only cosign tags carry the referrers (`sha256-<hex>` resolves to the subject itself through the
    /// profile's `dash_digest_refs`).
    GitlabSubjectTag,
    /// Only cosign tags: the registry refuses manifest PUTs by digest and image indexes, so neither a
    /// subject-indexed push nor the tag-schema index can be written, while cosign's tag PUT can
    /// (container-registry 0.3).
    CosignOnly,
}

/// Everything a profile does differently from the spec-exact registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Behaviour {
    /// The referrers endpoint.
    pub referrers: Referrers,
    /// The referrers answer is given before auth is checked (Quay with the feature off).
    pub referrers_before_auth: bool,
    /// Which answers carry `Docker-Distribution-API-Version: registry/2.0`.
    pub api_version_header: ApiVersionHeader,
    /// `Location` of a manifest PUT and of blob uploads is absolute (`http://host/v2/...`, Distribution) rather than
    /// a path (`/v2/...`, which RFC 9110 §10.2.2 also allows).
    pub absolute_locations: bool,
    /// Auth.
    pub auth: Auth,
    /// 429 shape.
    pub rate_limit: RateLimitStyle,
    /// `OCI-Subject` on a PUT of a manifest with `subject`.
    pub oci_subject_header: bool,
    /// Answer to a PUT of a manifest whose `subject` is an index (ECR: 405).
    pub reject_index_subject_put: Option<Canned>,
    /// Docker Hub's `ratelimit-limit`/`ratelimit-remaining`/`docker-ratelimit-source` on manifest GET/HEAD.
    pub pull_rate_headers: bool,
    /// Blob GETs answer 307 to a CDN on the other host, which serves the content without auth (Docker Hub).
    pub cdn_blobs: bool,
    /// A manifest reference `<alg>-<hex>` resolves to the manifest `<alg>:<hex>` when it exists (GitLab), so the
    /// referrers tag schema answers with the subject itself.
    pub dash_digest_refs: bool,
    /// Seed storage for `storage = "auto"`.
    pub storage: AutoStorage,
    /// JSON answers say `Content-Type: application/json; charset=utf-8` (Distribution's Go handlers), not the
    /// bare `application/json`.
    pub json_charset: bool,
    /// The parts of the Distribution API the registry does not implement or refuses.
    pub partial: PartialApi,
    /// How the blob, upload, manifest and tag endpoints depart from the spec.
    pub content: ContentApi,
}

/// Which answers carry `Docker-Distribution-API-Version: registry/2.0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiVersionHeader {
    /// Every answer under `/v2/` (Distribution and most registries).
    Every,
    /// Only `GET /v2/` (ferro-oci-server: `handlers/base.rs` alone sets it).
    BaseOnly,
    /// No answer (container-registry 0.3 never sets it).
    Never,
}

/// The full definition of a profile. Every profile is one `static` value of this type.
#[derive(Debug)]
pub struct ProfileDef {
    /// Name, e.g. `harbor-2.8`.
    pub name: &'static str,
    /// One line for `--list-profiles`.
    pub summary: &'static str,
    /// The registry and versions it emulates.
    pub emulates: &'static str,
    /// No real registry is known to behave like this.
    pub synthetic: bool,
    /// What the profile claims.
    pub declared: Declared,
    /// Facts with sources and confidence.
    pub facts: &'static [Fact],
    /// How it answers.
    pub behaviour: Behaviour,
}
