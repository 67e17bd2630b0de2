//! # fake-registry
//!
//! An in-memory OCI Distribution 1.1 registry whose **profiles** answer like real registries (Harbor, GHCR,
//! Quay, ECR, Docker Hub, Artifactory, ACR, GitLab, Google Artifact Registry, zot, CNCF Distribution) on the
//! referrers API, `/v2/`, auth and rate limits, with **fault injection** and a **request log** — a test double
//! for registry clients, usable embedded in tests, as a library, or as the `fake-registry` binary.
//!
//! ```no_run
//! use fake_registry::{FakeRegistry, Profile, FaultRule};
//! let reg = FakeRegistry::builder()
//!     .profile(Profile::QUAY_3_12_0)
//!     .seed_demo()
//!     .fault(FaultRule::rate_limit(Some("1")).path("/v2/*/referrers/*").times(1))
//!     .start()
//!     .unwrap();
//! let subject = &reg.seeded().subjects[0];
//! println!("{}/v2/library/alpine/referrers/{}", reg.base_url(), subject.digest);
//! ```
//!
//! ## Layers
//! A request meets, in order: faults ([`fault`]) → the token endpoint → the profile's referrers answer when it
//! comes before auth → auth → the profile's referrers answer → the spec-exact API ([`api`]) over the [`store`];
//! then the profile's extra headers and the faults' modifications. That chain is the request pipeline
//! (`pipeline`), plain functions over `Req` → `Resp`. Profiles are declarative values (one `static` each) whose
//! facts carry source and confidence (`[H]`, `[M]`, `[L]`, assumed): the primary source each fact rests on (a
//! distribution-spec section, a vendor's source file or doc page, an issue thread), or what it is assumed from where
//! none is known.
//!
//! The modules read bottom-up: each imports only from modules listed before it, and no two reach each other.
//! 1. Foundations, importing nothing of the crate: [`request_log`] (the logged-request record), [`digest`],
//!    [`media_type`], `message` (`Req`, `Resp`), `route` (the path router that auth, the pipeline and the API
//!    read), [`fault`] (the rules), [`tls`].
//! 2. [`store`]: content-addressed blobs and manifests, tags, the referrers of each subject.
//! 3. [`profile`]: declarative data only — its vocabulary (`profile/model.rs`), canned vendor bodies
//!    ([`profile::bodies`]) and one table per vendor family (`profile/defs/*.rs`); `answer` turns its canned
//!    answers into responses.
//! 4. `state`: what one running fake shares between listeners and connections.
//! 5. [`api`]: the spec-exact handlers; [`seed`] (ground-truth content) uses the API's descriptor rule.
//! 6. `auth`: challenges and the token endpoint.
//! 7. `pipeline`: the chain above.
//! 8. [`server`]: the builder and its handle, serving connections, body limits; `main.rs` is the binary.
//!
//! ## Decisions where the contract left room (what a demanding platform engineer would expect)
//! - **Other host.** A second listener on `127.0.0.2` (same port when free) plays another origin: Docker Hub's,
//!   GHCR's and GitLab's token realms, GAR's login page, `redirect-off-host` and `link-off-host` targets. It serves
//!   the same content **without auth**, and faults never apply to it.
//! - **Auth without credentials.** Registries that require a token even for public content (Docker Hub, GHCR,
//!   Quay, Harbor, ACR, GitLab, GAR) keep requiring one, but their token endpoint issues anonymous tokens for pull
//!   and push, as the real ones do for public repositories; `oci-1.1`, `zot`, `distribution-2.8`, `artifactory*`
//!   and the synthetic profiles are open; `ecr*` always want Basic `AWS:demo`. With credentials configured, they
//!   are required everywhere (wrong ones get 401 with the profile's challenge and body). Scopes are not enforced.
//! - **Unknown vendor details** (filter, paging of ECR, Docker Hub, ACR, Artifactory): the fake does not filter and
//!   answers in one page; those facts are marked assumed.
//! - **Profiles beyond the issue's 22** are appended to [`Profile::all`] after them: `harbor-2.10` (index
//!   Content-Type but the pre-2.11 `{}`/filter/descriptor bugs) and `ghcr-2026` (303 to github.com, then 404).
//! - **Harbor before 2.11** is emulated from its `referrers.go`: `OCI-Filters-Applied` carries the requested
//!   value, the listed `artifactType` is the config media type (so an `artifactType` filter can drop an SBOM whose
//!   config is the empty type), `size` includes the blobs, `X-Total-Count` counts before filtering.
//! - **Docker Hub** answers blob GETs with 307 to a CDN path on the other host (served without auth), sends
//!   `docker-ratelimit-source` everywhere and `ratelimit-*` on manifest GET/HEAD (only GET counts).
//! - **Scenario files**: the binary's `--seed FILE` and `--faults FILE` read the `[seed]` table and the
//!   `[[faults]]` list of a TOML file, so a scenario file can be passed as is.
//! - **Referrers paging** (`oci-1.1`): `Link: </v2/<name>/referrers/<digest>?last=<digest>>; rel="next"`; the
//!   cursor is opaque to clients, the page size set by [`Builder::page_size`] (default 50).
//! - **ECR and index subjects**: aws/containers-roadmap #2783 reports a 405 on *pushing* a referrer whose subject
//!   is an index; the `ecr` profiles answer that PUT with 405 (it is sometimes retold as a referrers answer; the
//!   issue thread says push).
//! - **Limits**: manifests over 4 MiB → 413 `SIZE_INVALID`; request bodies and upload sessions over 64 MiB → 413;
//!   the request log keeps the last 20,000 requests.
//! - **Unknown routes** answer Distribution's `404 page not found` text.
//! - **Errors never panic**: every handler returns a response; the store recovers from lock poisoning.

#![warn(missing_docs)]

mod answer;
pub mod api;
mod auth;
mod content_api;
pub mod digest;
pub mod fault;
pub mod media_type;
pub(crate) mod message;
mod partial_api;
mod pipeline;
pub mod profile;
pub mod request_log;
mod route;
pub mod seed;
pub mod server;
mod state;
pub mod store;
pub mod tls;

pub use fault::{FaultAction, FaultFile, FaultMatch, FaultRule};
pub use profile::bodies::LOGIN_PAGE;
pub use profile::{Confidence, Declared, Fact, Profile};
pub use request_log::{Listener, LoggedRequest};
pub use seed::{
    ReferrerSpec, SeedContent, SeedError, SeedSpec, Seeded, SeededReferrer, SeededSubject, Storage,
    StoredAs, SubjectSpec,
};
pub use server::{Builder, FakeRegistry, StartError};
