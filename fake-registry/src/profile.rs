//! Registry profiles: one small declarative value per real registry (or synthetic case), describing how its
//! referrers endpoint, `/v2/` answer, auth challenge, token endpoint and rate limit answer. Each profile carries the
//! facts it is built on, with their source and confidence, taken from
//! `shared/reference/registry-behaviours.md` (and the sources behind it), so the compatibility matrix can cite them.
//!
//! A profile is applied as a layer in front of the spec-exact API (see `crate::api` and `crate::server`):
//! the profile decides the referrers answer, the auth dance, extra headers and error shapes; the API does the rest.
//!
//! Where the real answer is unknown the profile takes the most widely reported behaviour and marks the fact
//! [`Confidence::Assumed`].

use std::fmt;

use serde::{Deserialize, Serialize};

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
    /// `"pass"` or `"warn"`: the check verdict with `--seed demo` (check-verdicts.md, last table).
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

/// A fixed answer: status, `Content-Type` (none = no header) and exact body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Canned {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type`, if the registry sends one.
    pub content_type: Option<&'static str>,
    /// The exact body.
    pub body: &'static str,
    /// Extra headers sent with it (lower-case names).
    pub headers: &'static [(&'static str, &'static str)],
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
}

/// Which answers carry `Docker-Distribution-API-Version: registry/2.0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiVersionHeader {
    /// Every answer under `/v2/` (Distribution and most registries).
    Every,
    /// Only `GET /v2/` (ferro-oci-server: `handlers/base.rs` alone sets it).
    BaseOnly,
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

/// A registry profile (a cheap handle to a static [`ProfileDef`]).
#[derive(Clone, Copy)]
pub struct Profile(&'static ProfileDef);

impl PartialEq for Profile {
    fn eq(&self, other: &Self) -> bool {
        self.0.name == other.0.name
    }
}
impl Eq for Profile {}

impl std::hash::Hash for Profile {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.name.hash(state);
    }
}

impl fmt::Debug for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Profile({})", self.0.name)
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name)
    }
}

impl Default for Profile {
    fn default() -> Self {
        Profile::OCI_1_1
    }
}

impl Serialize for Profile {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.name)
    }
}

impl<'de> Deserialize<'de> for Profile {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Profile::by_name(&name).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown profile `{name}` (known: {})",
                Profile::all()
                    .iter()
                    .map(|p| p.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
    }
}

impl std::str::FromStr for Profile {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Profile::by_name(s).ok_or_else(|| format!("unknown profile `{s}`"))
    }
}

impl Profile {
    /// Every profile: the 22 in its order, then extra ones (`harbor-2.10`, `ghcr-2026`).
    pub fn all() -> Vec<Profile> {
        ALL.iter().map(|d| Profile(d)).collect()
    }
    /// Look a profile up by name.
    pub fn by_name(name: &str) -> Option<Profile> {
        ALL.iter().find(|d| d.name == name).map(|d| Profile(d))
    }
    /// Name, e.g. `harbor-2.8`.
    pub fn name(&self) -> &str {
        self.0.name
    }
    /// One line, for `--list-profiles`.
    pub fn summary(&self) -> &str {
        self.0.summary
    }
    /// What it emulates, e.g. `Harbor 2.8.0–2.9.x`.
    pub fn emulates(&self) -> &str {
        self.0.emulates
    }
    /// No real registry is known to answer like this.
    pub fn synthetic(&self) -> bool {
        self.0.synthetic
    }
    /// Facts with sources and confidence.
    pub fn facts(&self) -> &[Fact] {
        self.0.facts
    }
    /// What the profile claims.
    pub fn declared(&self) -> &Declared {
        &self.0.declared
    }
    /// How it answers (the full declarative value).
    pub fn behaviour(&self) -> &Behaviour {
        &self.0.behaviour
    }
    /// The whole definition.
    pub fn def(&self) -> &'static ProfileDef {
        self.0
    }

    /// `oci-1.1`
    pub const OCI_1_1: Profile = Profile(&defs::OCI_1_1);
    /// `zot`
    pub const ZOT: Profile = Profile(&defs::ZOT);
    /// `distribution-2.8`
    pub const DISTRIBUTION_2_8: Profile = Profile(&defs::DISTRIBUTION_2_8);
    /// `harbor-2.7`
    pub const HARBOR_2_7: Profile = Profile(&defs::HARBOR_2_7);
    /// `harbor-2.8`
    pub const HARBOR_2_8: Profile = Profile(&defs::HARBOR_2_8);
    /// `harbor-2.11`
    pub const HARBOR_2_11: Profile = Profile(&defs::HARBOR_2_11);
    /// `ghcr`
    pub const GHCR: Profile = Profile(&defs::GHCR);
    /// `quay-3.12.0`
    pub const QUAY_3_12_0: Profile = Profile(&defs::QUAY_3_12_0);
    /// `quay-3.13`
    pub const QUAY_3_13: Profile = Profile(&defs::QUAY_3_13);
    /// `quay-referrers-disabled`
    pub const QUAY_REFERRERS_DISABLED: Profile = Profile(&defs::QUAY_DISABLED);
    /// `ecr`
    pub const ECR: Profile = Profile(&defs::ECR);
    /// `ecr-2023`
    pub const ECR_2023: Profile = Profile(&defs::ECR_2023);
    /// `dockerhub`
    pub const DOCKERHUB: Profile = Profile(&defs::DOCKERHUB);
    /// `dockerhub-2024`
    pub const DOCKERHUB_2024: Profile = Profile(&defs::DOCKERHUB_2024);
    /// `artifactory`
    pub const ARTIFACTORY: Profile = Profile(&defs::ARTIFACTORY);
    /// `artifactory-legacy`
    pub const ARTIFACTORY_LEGACY: Profile = Profile(&defs::ARTIFACTORY_LEGACY);
    /// `acr`
    pub const ACR: Profile = Profile(&defs::ACR);
    /// `gitlab`
    pub const GITLAB: Profile = Profile(&defs::GITLAB);
    /// `gar-2023`
    pub const GAR_2023: Profile = Profile(&defs::GAR_2023);
    /// `synthetic-404-index`
    pub const SYNTHETIC_404_INDEX: Profile = Profile(&defs::SYNTHETIC_404_INDEX);
    /// `synthetic-405`
    pub const SYNTHETIC_405: Profile = Profile(&defs::SYNTHETIC_405);
    /// `synthetic-501`
    pub const SYNTHETIC_501: Profile = Profile(&defs::SYNTHETIC_501);
    /// `harbor-2.10` (beyond the list)
    pub const HARBOR_2_10: Profile = Profile(&defs::HARBOR_2_10);
    /// `ghcr-2026` (beyond the list)
    pub const GHCR_2026: Profile = Profile(&defs::GHCR_2026);
    /// `ferro-oci-server-1.0` (beyond the list: the counterpart of the real ferro-oci-server row)
    pub const FERRO_OCI_SERVER_1_0: Profile = Profile(&defs::FERRO_OCI_SERVER_1_0);

    /// Does the referrers API list descriptors exactly as the spec derives them (`artifactType` from the manifest,
    /// else its config; `size` of the manifest)? False for Harbor before 2.11; true for profiles without the API.
    pub fn lists_spec_descriptors(&self) -> bool {
        match &self.0.behaviour.referrers {
            Referrers::Api(a) => {
                a.artifact_type_from == ArtifactTypeFrom::Spec && !a.size_includes_blobs
            }
            _ => true,
        }
    }

    /// Is the referrers API implemented (200 + index for an existing subject, or the synthetic 404 + index)?
    pub fn has_referrers_api(&self) -> bool {
        matches!(self.0.behaviour.referrers, Referrers::Api(_))
    }
}

/// The 22 profiles in its order, then the extra ones.
static ALL: [&ProfileDef; 25] = [
    &defs::OCI_1_1,
    &defs::ZOT,
    &defs::DISTRIBUTION_2_8,
    &defs::HARBOR_2_7,
    &defs::HARBOR_2_8,
    &defs::HARBOR_2_11,
    &defs::GHCR,
    &defs::QUAY_3_12_0,
    &defs::QUAY_3_13,
    &defs::QUAY_DISABLED,
    &defs::ECR,
    &defs::ECR_2023,
    &defs::DOCKERHUB,
    &defs::DOCKERHUB_2024,
    &defs::ARTIFACTORY,
    &defs::ARTIFACTORY_LEGACY,
    &defs::ACR,
    &defs::GITLAB,
    &defs::GAR_2023,
    &defs::SYNTHETIC_404_INDEX,
    &defs::SYNTHETIC_405,
    &defs::SYNTHETIC_501,
    &defs::HARBOR_2_10,
    &defs::GHCR_2026,
    &defs::FERRO_OCI_SERVER_1_0,
];

mod defs;
