//! The client: one reqwest client (redirect policy none), manual redirects, the auth dance, retries, body caps.

use base64::Engine as _;
use bytes::{Bytes, BytesMut};
use reqwest::Method;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue};
use std::collections::{BTreeSet, HashMap};
use std::pin::Pin;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::task::Poll;
use std::time::{Duration, Instant, SystemTime};
use url::Url;

use super::auth::{parse_challenges, parse_token_answer};
use super::docker_config::{ResolvedCredentials, lookup_docker_config};
use super::exchange::{Exchange, KEPT_HEADERS, redact_url};
use super::{ClientBuildError, HttpError};
use crate::config::{Credentials, RegistryConfig, RetryPolicy, host_port};
use crate::spec::retry_after::{parse_retry_after, retry_after_from_body};

/// Exchanges a client keeps for diagnostics: the most recent ones (older ones are dropped first), so a long-running
/// client neither grows without bound nor keeps only its first hours.
pub const MAX_LOGGED_EXCHANGES: usize = 1_024;

/// Idle connections kept per host unless more requests run at once.
const DEFAULT_IDLE_PER_HOST: usize = 8;

/// `now + budget`, saturating at about ten years (a huge `--timeout-seconds` must not overflow).
pub fn deadline_after(budget: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(budget.min(Duration::from_secs(10 * 365 * 86_400)))
        .unwrap_or(now)
}

/// One operation's budget and request counter (one check, one subject's discovery).
#[derive(Debug)]
pub struct Op {
    started: Instant,
    deadline: Instant,
    requests: AtomicU32,
    /// The budget's timer, armed by the first request that has to wait and kept for the operation's later requests:
    /// one timer per operation instead of one per request (a tokio timer costs ≈150 ns to arm and drop on the
    /// benchmark machine; the paired benchmarks saw no change beyond the spread between runs, docs/benchmarks.md).
    /// A request that finds it in use by another request of the same operation arms its own.
    timer: Mutex<Option<Pin<Box<tokio::time::Sleep>>>>,
    timer_in_use: AtomicBool,
}

impl Op {
    /// A new operation with `budget` to spend.
    pub fn new(budget: Duration) -> Op {
        let started = Instant::now();
        Op {
            started,
            deadline: deadline_after(budget),
            requests: AtomicU32::new(0),
            timer: Mutex::new(None),
            timer_in_use: AtomicBool::new(false),
        }
    }

    /// Run `fut` within the operation's budget: `None` when the deadline passes first. A hard bound whatever the
    /// registry does (a trickling answer included).
    ///
    /// `fut` is pinned by the caller, so this future holds a reference to it rather than a second copy of it.
    pub(crate) async fn within<F: Future>(&self, mut fut: Pin<&mut F>) -> Option<F::Output> {
        if self.timer_in_use.swap(true, Ordering::Acquire) {
            // Another request of this operation is waiting on the shared timer (it holds one waker): own timer.
            return tokio::time::timeout(self.remaining(), fut).await.ok();
        }
        struct Release<'a>(&'a AtomicBool);
        impl Drop for Release<'_> {
            fn drop(&mut self) {
                self.0.store(false, Ordering::Release);
            }
        }
        let _release = Release(&self.timer_in_use);
        std::future::poll_fn(|cx| {
            if let Poll::Ready(v) = fut.as_mut().poll(cx) {
                return Poll::Ready(Some(v));
            }
            let mut timer = self.timer.lock().unwrap_or_else(|p| p.into_inner());
            let timer = timer.get_or_insert_with(|| {
                Box::pin(tokio::time::sleep_until(tokio::time::Instant::from_std(
                    self.deadline,
                )))
            });
            timer.as_mut().poll(cx).map(|()| None)
        })
        .await
    }
    /// Time left.
    pub fn remaining(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }
    /// Requests sent so far (including retries, redirects and token fetches).
    pub fn request_count(&self) -> u32 {
        self.requests.load(Ordering::Relaxed)
    }
    /// Time since the start.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
}

/// A request to send.
#[derive(Debug, Clone)]
pub struct Req {
    /// Method.
    pub method: Method,
    /// Absolute URL.
    pub url: Url,
    /// `Accept` header.
    pub accept: Option<String>,
    /// Token scope this request needs (`repository:<name>:pull`), if any.
    pub scope: Option<String>,
}

impl Req {
    /// A GET.
    pub fn get(url: Url) -> Req {
        Req {
            method: Method::GET,
            url,
            accept: None,
            scope: None,
        }
    }
    /// A HEAD.
    pub fn head(url: Url) -> Req {
        Req {
            method: Method::HEAD,
            url,
            accept: None,
            scope: None,
        }
    }
    /// Set `Accept`.
    pub fn accept(mut self, a: &str) -> Req {
        self.accept = Some(a.to_string());
        self
    }
    /// Pull scope for `repository`.
    pub fn pull_scope(mut self, repository: &str) -> Req {
        self.scope = Some(format!("repository:{repository}:pull"));
        self
    }
}

/// An answer (any status) after auth, redirects and retries.
#[derive(Debug, Clone)]
pub struct Resp {
    /// Final status.
    pub status: u16,
    /// Final headers.
    pub headers: HeaderMap,
    /// Body (at most the cap; empty for HEAD).
    pub body: Bytes,
    /// Final URL after redirects.
    pub url: Url,
    /// Retries spent.
    pub retries: u32,
    /// Set when a `Retry-After` (or backoff) longer than the remaining budget ended the waiting.
    pub wait_cut_short: Option<Duration>,
    /// What went wrong in the auth dance, if anything (token endpoint refused, no credentials for Basic).
    pub auth_note: Option<String>,
    /// Whether the final request carried `Authorization`.
    pub sent_authorization: bool,
}

impl Resp {
    /// First value of a header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    /// Every value of a header.
    pub fn headers_all(&self, name: &str) -> Vec<&str> {
        self.headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect()
    }
    /// `Content-Type`.
    pub fn content_type(&self) -> Option<&str> {
        self.header("content-type")
    }
    /// GHCR's 403 "exceeded a secondary rate limit".
    pub fn is_secondary_rate_limit(&self) -> bool {
        self.status == 403
            && String::from_utf8_lossy(&self.body[..self.body.len().min(4096)])
                .to_ascii_lowercase()
                .contains("secondary rate limit")
    }
    /// 429 or GHCR's secondary-limit 403.
    pub fn is_rate_limited(&self) -> bool {
        self.status == 429 || self.is_secondary_rate_limit()
    }
    /// Statuses worth retrying: 408, 429, 5xx except 501 (a definitive "not implemented"), secondary-limit 403.
    pub fn is_retryable_status(&self) -> bool {
        matches!(self.status, 408 | 429 | 500 | 502..=599) || self.is_secondary_rate_limit()
    }
    /// The server's requested delay: `Retry-After` header, else GHCR's `retry-after: <duration>` body text.
    pub fn retry_after(&self) -> Option<Duration> {
        self.header("retry-after")
            .and_then(|v| parse_retry_after(v, SystemTime::now()))
            .or_else(|| {
                if self.is_rate_limited() {
                    retry_after_from_body(&self.body)
                } else {
                    None
                }
            })
    }
    /// Rate-limit related headers seen (for evidence).
    pub fn rate_limit_headers(&self) -> Vec<(String, String)> {
        self.headers
            .iter()
            .filter(|(k, _)| {
                let k = k.as_str();
                k == "retry-after" || k.contains("ratelimit")
            })
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    v.to_str().unwrap_or("<binary>").chars().take(200).collect(),
                )
            })
            .collect()
    }
}

/// The HTTP client for one registry.
pub struct HttpClient {
    client: reqwest::Client,
    base: Url,
    /// `host_port(&base)`, for the exchange log.
    host: String,
    policy: RetryPolicy,
    credentials: Credentials,
    resolved: tokio::sync::OnceCell<Result<Option<ResolvedCredentials>, HttpError>>,
    tokens: Mutex<HashMap<String, (HeaderValue, Instant)>>,
    basic_accepted: AtomicBool,
    exchanges: Mutex<std::collections::VecDeque<Exchange>>,
    schemes_seen: Mutex<BTreeSet<String>>,
}

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpClient")
            .field("base", &self.base.as_str())
            .finish_non_exhaustive()
    }
}

enum AuthOutcome {
    Header(HeaderValue),
    GiveUp(String),
    Replace(Box<Resp>),
}

fn basic_header(user: &str, pass: &str) -> HeaderValue {
    let enc = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"));
    let mut h = HeaderValue::from_str(&format!("Basic {enc}"))
        .unwrap_or_else(|_| HeaderValue::from_static("Basic"));
    h.set_sensitive(true);
    h
}

/// The first `n` characters of `s` (no counting when its bytes already fit).
pub(crate) fn clip(s: &str, n: usize) -> String {
    if s.len() <= n {
        s.to_string()
    } else {
        s.chars().take(n).collect()
    }
}

fn error_detail(e: &reqwest::Error) -> String {
    match std::error::Error::source(e) {
        Some(s) => chain_detail(s),
        None => chain_detail(e),
    }
}

/// An error and its sources, joined with `": "`, at most 500 characters.
fn chain_detail(first: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = Vec::new();
    let mut src = Some(first);
    while let Some(s) = src {
        parts.push(s.to_string());
        src = s.source();
    }
    let mut out = parts.join(": ");
    out.truncate(out.char_indices().nth(500).map_or(out.len(), |(i, _)| i));
    out
}

impl HttpClient {
    /// Build the client for `cfg`. No request is sent.
    pub fn new(cfg: &RegistryConfig) -> Result<HttpClient, ClientBuildError> {
        HttpClient::with_idle_per_host(cfg, DEFAULT_IDLE_PER_HOST)
    }

    /// [`HttpClient::new`] keeping up to `idle` idle connections per host (at least the default 8): size it to the
    /// number of requests that run at once, so a batch does not close and reopen connections between subjects.
    pub fn with_idle_per_host(
        cfg: &RegistryConfig,
        idle: usize,
    ) -> Result<HttpClient, ClientBuildError> {
        let base = cfg.base_url()?;
        let mut b = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("oci-referrers-compat/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(cfg.timeout.min(Duration::from_secs(30)))
            .read_timeout(cfg.retry.stall_timeout)
            .pool_max_idle_per_host(idle.max(DEFAULT_IDLE_PER_HOST))
            // HTTP/1 only, as built (reqwest's http2 feature is off); pinned so the ALPN of the shared TLS
            // configuration below ("http/1.1") and of reqwest's own stay the same.
            .http1_only();
        let ca_file_err = |path: &std::path::Path, reason: String| ClientBuildError::CaFile {
            path: path.display().to_string(),
            reason,
        };
        let mut extra_roots = Vec::new();
        if let Some(path) = &cfg.ca_file {
            let pem = std::fs::read(path).map_err(|e| ca_file_err(path, e.to_string()))?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem)
                .map_err(|e| ca_file_err(path, e.to_string()))?;
            if certs.is_empty() {
                return Err(ca_file_err(path, "no PEM certificate found".into()));
            }
            if cfg.insecure {
                b = b.tls_certs_merge(certs);
            } else {
                extra_roots = super::tls::pem_certs(&pem).map_err(|e| ca_file_err(path, e))?;
            }
        }
        if cfg.insecure {
            // No verifier and no roots to load: reqwest's own configuration.
            b = b
                .tls_danger_accept_invalid_certs(true)
                .tls_danger_accept_invalid_hostnames(true);
        } else {
            // reqwest's configuration for a verifying client, around a platform verifier built once per process.
            let tls = super::tls::verifying_config(extra_roots)
                // What error_detail makes of reqwest's builder error around this one.
                .map_err(|e| ClientBuildError::Client(chain_detail(&e)))?;
            b = b.tls_backend_preconfigured(tls);
        }
        let client = b
            .build()
            .map_err(|e| ClientBuildError::Client(error_detail(&e)))?;
        Ok(HttpClient {
            client,
            host: host_port(&base),
            base,
            policy: cfg.retry.clone(),
            credentials: cfg.credentials.clone(),
            resolved: tokio::sync::OnceCell::new(),
            tokens: Mutex::new(HashMap::new()),
            basic_accepted: AtomicBool::new(false),
            exchanges: Mutex::new(std::collections::VecDeque::new()),
            schemes_seen: Mutex::new(BTreeSet::new()),
        })
    }

    /// The registry origin (path `/`).
    pub fn base(&self) -> &Url {
        &self.base
    }

    /// `host[:port]`.
    pub fn host_label(&self) -> String {
        host_port(&self.base)
    }

    /// `<base>/v2/<path>` (path without leading slash; repository names keep their slashes).
    pub fn v2_url(&self, path: &str) -> Url {
        let mut u = self.base.clone();
        u.set_path(&format!("/v2/{path}"));
        u
    }

    /// The most recent exchanges (redacted), oldest first: at most [`MAX_LOGGED_EXCHANGES`].
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.exchanges
            .lock()
            .map(|e| e.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// The value of response header `name` (lowercase) in the most recent kept exchange that had it.
    pub fn last_response_header(&self, name: &str) -> Option<String> {
        let log = self.exchanges.lock().ok()?;
        log.iter().rev().find_map(|e| {
            e.response_headers
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        })
    }

    /// Keeps `ex`, dropping the oldest kept exchange once [`MAX_LOGGED_EXCHANGES`] are kept.
    fn log_exchange(&self, ex: Exchange) {
        if let Ok(mut log) = self.exchanges.lock() {
            if log.len() >= MAX_LOGGED_EXCHANGES {
                log.pop_front();
            }
            log.push_back(ex);
        }
    }

    /// Number of exchanges kept.
    pub fn exchange_count(&self) -> usize {
        self.exchanges.lock().map(|e| e.len()).unwrap_or(0)
    }

    /// Authentication schemes the registry challenged with (lowercase).
    pub fn auth_schemes_seen(&self) -> Vec<String> {
        self.schemes_seen
            .lock()
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// The retry/size policy in force.
    pub fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    async fn credentials(&self, op: &Op) -> Result<Option<ResolvedCredentials>, HttpError> {
        self.resolved
            .get_or_init(|| async {
                match &self.credentials {
                    Credentials::Anonymous => Ok(None),
                    Credentials::Basic { username, password } => {
                        Ok(Some(ResolvedCredentials::Basic {
                            username: username.clone(),
                            password: password.clone(),
                        }))
                    }
                    Credentials::DockerConfig(path) => {
                        lookup_docker_config(path, &self.host_label(), op.remaining()).await
                    }
                }
            })
            .await
            .clone()
    }

    /// Send `req`: auth dance, manual redirects, retries for 408/429/5xx (not 501) and GHCR's secondary-limit 403
    /// with exponential backoff and jitter, honouring `Retry-After`. A wait longer than the remaining budget
    /// returns the last answer at once (`wait_cut_short`). Transport errors mid-answer are retried; connect and TLS
    /// failures are not.
    pub async fn send(&self, op: &Op, req: &Req) -> Result<Resp, HttpError> {
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let r = self.send_authed(op, req).await;
            let hint = match &r {
                Ok(resp) if resp.is_retryable_status() => Some(resp.retry_after()),
                Err(e) if e.is_retryable() => Some(None),
                _ => None,
            };
            let Some(hint) = hint else {
                return r.map(|mut x| {
                    x.retries = attempt - 1;
                    x
                });
            };
            if attempt >= self.policy.max_attempts.max(1) {
                return r.map(|mut x| {
                    x.retries = attempt - 1;
                    x
                });
            }
            let wait = hint.unwrap_or_else(|| self.backoff(attempt));
            if wait >= op.remaining() {
                return r.map(|mut x| {
                    x.retries = attempt - 1;
                    x.wait_cut_short = Some(wait);
                    x
                });
            }
            tracing::debug!(url = %redact_url(&req.url), wait_ms = wait.as_millis() as u64, attempt, "retrying");
            tokio::time::sleep(wait).await;
        }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .policy
            .initial_backoff
            .saturating_mul(1u32 << (attempt - 1).min(16));
        let b = exp.min(self.policy.max_backoff);
        let half = b / 2;
        half + Duration::from_nanos(fastrand::u64(
            0..=half.as_nanos().min(u64::MAX as u128) as u64,
        ))
    }

    async fn cached_auth(&self, op: &Op, scope_key: &str) -> Option<HeaderValue> {
        if self.basic_accepted.load(Ordering::Relaxed)
            && let Ok(Some(ResolvedCredentials::Basic { username, password })) =
                // Boxed: resolving credentials (a Docker config, a helper) is a future of about 1 kB that most
                // requests never run; inline, every request future above this one would carry and copy it.
                Box::pin(self.credentials(op)).await
        {
            return Some(basic_header(&username, &password));
        }
        let tokens = self.tokens.lock().ok()?;
        tokens
            .get(scope_key)
            .filter(|(_, exp)| Instant::now() < *exp)
            .map(|(h, _)| h.clone())
    }

    async fn send_authed(&self, op: &Op, req: &Req) -> Result<Resp, HttpError> {
        let scope_key = req.scope.as_deref().unwrap_or_default();
        let mut auth = self.cached_auth(op, scope_key).await;
        let mut challenged = false;
        loop {
            let resp = self.follow(op, req, auth.as_ref(), None).await?;
            if resp.status != 401 || challenged || resp.url.origin() != self.base.origin() {
                return Ok(resp);
            }
            challenged = true;
            // Boxed for the same reason: the token dance is a large future that most requests never run.
            match Box::pin(self.answer_challenge(op, &resp, req)).await? {
                AuthOutcome::Header(h) => auth = Some(h),
                AuthOutcome::GiveUp(note) => {
                    return Ok(Resp {
                        auth_note: Some(note),
                        ..resp
                    });
                }
                AuthOutcome::Replace(r) => return Ok(*r),
            }
        }
    }

    async fn answer_challenge(
        &self,
        op: &Op,
        resp: &Resp,
        req: &Req,
    ) -> Result<AuthOutcome, HttpError> {
        let challenges = parse_challenges(resp.headers_all("www-authenticate"));
        if let Ok(mut s) = self.schemes_seen.lock() {
            s.extend(challenges.iter().map(|c| c.scheme.clone()));
        }
        let creds = self.credentials(op).await?;
        if let Some(b) = challenges.iter().find(|c| c.scheme == "bearer") {
            let Some(realm) = b.params.get("realm").filter(|r| !r.is_empty()) else {
                return Ok(AuthOutcome::GiveUp(
                    "Bearer challenge without a realm".into(),
                ));
            };
            let Ok(realm_url) = resp.url.join(realm) else {
                return Ok(AuthOutcome::GiveUp("Bearer realm is not a URL".into()));
            };
            if !matches!(realm_url.scheme(), "http" | "https") {
                return Ok(AuthOutcome::GiveUp("Bearer realm is not http(s)".into()));
            }
            let scope = b
                .params
                .get("scope")
                .cloned()
                .filter(|s| !s.is_empty())
                .or_else(|| req.scope.clone());
            // Credentials go to the realm the challenge names, but never downgraded from https to http.
            let creds_allowed = !(self.base.scheme() == "https" && realm_url.scheme() == "http");
            let mut token_url = realm_url.clone();
            let (method, auth, body) = match creds.as_ref().filter(|_| creds_allowed) {
                Some(ResolvedCredentials::IdentityToken(t)) => {
                    let mut form = url::form_urlencoded::Serializer::new(String::new());
                    form.append_pair("grant_type", "refresh_token")
                        .append_pair("client_id", "oci-referrers-compat");
                    if let Some(s) = b.params.get("service") {
                        form.append_pair("service", s);
                    }
                    if let Some(s) = &scope {
                        form.append_pair("scope", s);
                    }
                    form.append_pair("refresh_token", t);
                    (Method::POST, None, Some(form.finish().into_bytes()))
                }
                Some(ResolvedCredentials::Basic { username, password }) => {
                    (Method::GET, Some(basic_header(username, password)), None)
                }
                None => (Method::GET, None, None),
            };
            if method == Method::GET {
                let mut q = token_url.query_pairs_mut();
                if let Some(s) = b.params.get("service") {
                    q.append_pair("service", s);
                }
                if let Some(s) = &scope {
                    q.append_pair("scope", s);
                }
            }
            let treq = Req {
                method,
                url: token_url,
                accept: Some("application/json".into()),
                scope: None,
            };
            let tr = self
                .follow_with_body(op, &treq, auth.as_ref(), Some(&realm_url), body)
                .await?;
            return Ok(match tr.status {
                200..=299 => {
                    let t = parse_token_answer(&tr.body).map_err(|d| HttpError::Auth {
                        url: redact_url(&realm_url),
                        detail: d,
                    })?;
                    let mut h =
                        HeaderValue::from_str(&format!("Bearer {}", t.token)).map_err(|_| {
                            HttpError::Auth {
                                url: redact_url(&realm_url),
                                detail: "token is not a header value".into(),
                            }
                        })?;
                    h.set_sensitive(true);
                    let margin = (t.expires_in / 10).min(Duration::from_secs(10));
                    if let Ok(mut tokens) = self.tokens.lock() {
                        tokens.insert(
                            req.scope.clone().unwrap_or_default(),
                            (h.clone(), Instant::now() + t.expires_in - margin),
                        );
                    }
                    AuthOutcome::Header(h)
                }
                408 | 429 | 500..=599 => AuthOutcome::Replace(Box::new(tr)),
                s => AuthOutcome::GiveUp(format!(
                    "token endpoint {} answered {s}",
                    redact_url(&realm_url)
                )),
            });
        }
        if challenges.iter().any(|c| c.scheme == "basic") {
            return Ok(match creds {
                Some(ResolvedCredentials::Basic { username, password }) => {
                    self.basic_accepted.store(true, Ordering::Relaxed);
                    AuthOutcome::Header(basic_header(&username, &password))
                }
                _ => AuthOutcome::GiveUp(
                    "registry asks for Basic credentials and none are configured".into(),
                ),
            });
        }
        Ok(AuthOutcome::GiveUp(
            "401 without a usable WWW-Authenticate challenge".into(),
        ))
    }

    /// [`Self::follow_with_body`] without a body: its future itself, not one more future around it.
    fn follow<'a>(
        &'a self,
        op: &'a Op,
        req: &'a Req,
        auth: Option<&'a HeaderValue>,
        auth_origin: Option<&'a Url>,
    ) -> impl Future<Output = Result<Resp, HttpError>> + 'a {
        self.follow_with_body(op, req, auth, auth_origin, None)
    }

    /// Follow redirects by hand; `Authorization` only while the URL has the credential origin (`auth_origin`,
    /// default the registry's).
    async fn follow_with_body(
        &self,
        op: &Op,
        req: &Req,
        auth: Option<&HeaderValue>,
        auth_origin: Option<&Url>,
        body: Option<Vec<u8>>,
    ) -> Result<Resp, HttpError> {
        // Only needed when there is a header to guard.
        let origin = auth.map(|_| auth_origin.unwrap_or(&self.base).origin());
        let mut url = req.url.clone();
        let mut method = req.method.clone();
        let mut body = body;
        // The URLs visited; filled from the first redirect on (most requests have none).
        let mut seen: Vec<Url> = Vec::new();
        loop {
            let send_auth = auth.filter(|_| origin.as_ref() == Some(&url.origin()));
            let mut r = self
                .one(
                    op,
                    &method,
                    &url,
                    req.accept.as_deref(),
                    send_auth,
                    body.clone(),
                )
                .await?;
            if !matches!(r.status, 301 | 302 | 303 | 307 | 308) {
                return Ok(r);
            }
            let Some(loc) = r.header("location").map(str::to_string) else {
                return Ok(r);
            };
            let next = url.join(loc.trim()).map_err(|e| HttpError::BadRedirect {
                url: redact_url(&url),
                detail: format!("Location does not resolve: {e}"),
            })?;
            if !matches!(next.scheme(), "http" | "https") {
                return Err(HttpError::BadRedirect {
                    url: redact_url(&url),
                    detail: "Location is not http(s)".into(),
                });
            }
            if seen.is_empty() {
                seen.push(req.url.clone());
            }
            if seen.len() > self.policy.max_redirects {
                return Err(HttpError::TooManyRedirects {
                    url: redact_url(&req.url),
                    limit: self.policy.max_redirects,
                });
            }
            if seen.contains(&next) {
                return Err(HttpError::RedirectLoop {
                    url: redact_url(&next),
                });
            }
            seen.push(next.clone());
            if (r.status == 303 && method != Method::HEAD)
                || (matches!(r.status, 301 | 302) && method == Method::POST)
            {
                method = Method::GET;
                body = None;
            }
            r.body = Bytes::new();
            url = next;
        }
    }

    async fn one(
        &self,
        op: &Op,
        method: &Method,
        url: &Url,
        accept: Option<&str>,
        auth: Option<&HeaderValue>,
        body: Option<Vec<u8>>,
    ) -> Result<Resp, HttpError> {
        let red = redact_url(url);
        let remaining = op.remaining();
        if remaining.is_zero() {
            return Err(HttpError::BudgetExceeded { url: red });
        }
        op.requests.fetch_add(1, Ordering::Relaxed);
        let start = Instant::now();
        let mut rb = self.client.request(method.clone(), url.clone());
        if let Some(a) = accept {
            rb = rb.header(ACCEPT, a);
        }
        if let Some(h) = auth {
            rb = rb.header(AUTHORIZATION, h.clone());
        }
        if let Some(b) = body {
            rb = rb
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(b);
        }
        let cap = self.policy.max_body_bytes;
        let mut status: Option<u16> = None;
        let mut headers = HeaderMap::new();
        let classify = |e: reqwest::Error| -> HttpError {
            let detail = error_detail(&e);
            if e.is_timeout() {
                if op.remaining() < Duration::from_millis(20) {
                    HttpError::BudgetExceeded { url: red.clone() }
                } else {
                    HttpError::Stalled { url: red.clone() }
                }
            } else if e.is_connect() {
                let l = detail.to_ascii_lowercase();
                let tcp_level = [
                    "tcp connect error",
                    "dns error",
                    "failed to lookup",
                    "connection refused",
                ]
                .iter()
                .any(|k| l.contains(k));
                let tls_words = [
                    "certificate",
                    "tls",
                    "handshake",
                    "unknownissuer",
                    "x509",
                    "corrupt message",
                    "alert",
                ];
                if tls_words.iter().any(|k| l.contains(k))
                    || (url.scheme() == "https" && !tcp_level)
                {
                    HttpError::Tls {
                        url: red.clone(),
                        detail,
                    }
                } else {
                    HttpError::Connect {
                        url: red.clone(),
                        detail,
                    }
                }
            } else {
                HttpError::Transport {
                    url: red.clone(),
                    detail,
                }
            }
        };
        // The request future (reqwest boxes it) is made here, so the block below holds it rather than the builder
        // (~300 bytes that every future above this one would otherwise carry and copy).
        let sending = rb.send();
        let work = async {
            let mut resp = sending.await.map_err(classify)?;
            status = Some(resp.status().as_u16());
            // Taken, not cloned: reading the body needs only the body (content_length is the body's size hint).
            headers = std::mem::take(resp.headers_mut());
            // A body that arrives in one chunk is kept as that chunk; more chunks are gathered in `buf`.
            let mut first: Option<Bytes> = None;
            let mut buf = BytesMut::new();
            if *method != Method::HEAD {
                if resp.content_length().is_some_and(|l| l > cap as u64) {
                    return Err(HttpError::BodyTooLarge {
                        url: red.clone(),
                        limit: cap,
                    });
                }
                while let Some(chunk) = resp.chunk().await.map_err(classify)? {
                    let have = first.as_ref().map_or(buf.len(), Bytes::len);
                    if have + chunk.len() > cap {
                        return Err(HttpError::BodyTooLarge {
                            url: red.clone(),
                            limit: cap,
                        });
                    }
                    if buf.is_empty() && first.is_none() {
                        first = Some(chunk);
                    } else {
                        if let Some(f) = first.take() {
                            buf.extend_from_slice(&f);
                        }
                        buf.extend_from_slice(&chunk);
                    }
                }
            }
            Ok(first.unwrap_or_else(|| buf.freeze()))
        };
        let result = match op.within(std::pin::pin!(work)).await {
            Some(r) => r,
            None => Err(HttpError::BudgetExceeded { url: red.clone() }),
        };
        let ex = Exchange {
            method: method.as_str().to_string(),
            url: red,
            host: if url.host_str() == self.base.host_str() && url.port() == self.base.port() {
                self.host.clone()
            } else {
                host_port(url)
            },
            status,
            content_type: headers
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(|s| clip(s, 200)),
            duration_ms: start.elapsed().as_millis() as u64,
            sent_authorization: auth.is_some(),
            response_headers: headers
                .iter()
                .filter(|(k, _)| KEPT_HEADERS.contains(&k.as_str()))
                .map(|(k, v)| {
                    let v = v.to_str().unwrap_or("<binary>");
                    let v = if k.as_str() == "location" {
                        clip(&crate::http::redact_str(v), 300)
                    } else {
                        clip(v, 300)
                    };
                    (k.as_str().to_string(), v)
                })
                .collect(),
            error: result.as_ref().err().map(|e| e.to_string()),
        };
        tracing::debug!(method = %ex.method, url = %ex.url, status = ?ex.status, ms = ex.duration_ms, "exchange");
        self.log_exchange(ex);
        let body = result?;
        Ok(Resp {
            status: status.unwrap_or(0),
            headers,
            body,
            url: url.clone(),
            retries: 0,
            wait_cut_short: None,
            auth_note: None,
            sent_authorization: auth.is_some(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timer_addr(op: &Op) -> Option<usize> {
        op.timer
            .lock()
            .unwrap()
            .as_ref()
            .map(|t| &**t as *const tokio::time::Sleep as usize)
    }

    #[tokio::test]
    async fn the_budget_bounds_every_request_with_one_timer_per_operation() {
        let op = Op::new(Duration::from_millis(150));
        // Ready at once: no timer armed.
        assert_eq!(op.within(std::pin::pin!(async { 1 })).await, Some(1));
        assert_eq!(timer_addr(&op), None);
        // A request that waits arms the operation's timer; the next one reuses it.
        let wait = || tokio::time::sleep(Duration::from_millis(5));
        assert_eq!(op.within(std::pin::pin!(wait())).await, Some(()));
        let first = timer_addr(&op);
        assert!(first.is_some());
        assert_eq!(op.within(std::pin::pin!(wait())).await, Some(()));
        assert_eq!(timer_addr(&op), first);
        // Two at once: the second arms its own timer; both are cut at the deadline.
        let (p1, p2) = (
            std::pin::pin!(std::future::pending::<()>()),
            std::pin::pin!(std::future::pending::<()>()),
        );
        let (a, b) = tokio::join!(op.within(p1), op.within(p2));
        assert_eq!((a, b), (None, None));
        assert!(op.remaining().is_zero());
        // After the deadline, a waiting request ends at once.
        assert_eq!(
            op.within(std::pin::pin!(std::future::pending::<()>()))
                .await,
            None
        );
    }

    fn exchange(i: usize, header: Option<&str>) -> Exchange {
        Exchange {
            method: "GET".into(),
            url: format!("http://r/v2/a/manifests/t{i}"),
            host: "r".into(),
            status: Some(200),
            content_type: None,
            duration_ms: 0,
            sent_authorization: false,
            response_headers: header
                .map(|v| vec![("docker-distribution-api-version".to_string(), v.to_string())])
                .unwrap_or_default(),
            error: None,
        }
    }

    /// The log keeps the most recent exchanges, at most `MAX_LOGGED_EXCHANGES`, and a header is found in the most
    /// recent kept exchange that has it.
    #[test]
    fn exchange_log_keeps_the_most_recent_exchanges() {
        let c = HttpClient::new(&RegistryConfig::new("http://127.0.0.1:9")).unwrap();
        assert_eq!(
            c.last_response_header("docker-distribution-api-version"),
            None
        );
        c.log_exchange(exchange(0, Some("registry/2.0")));
        for i in 1..MAX_LOGGED_EXCHANGES + 5 {
            c.log_exchange(exchange(i, None));
            if i == 3 {
                c.log_exchange(exchange(i, Some("registry/2.1")));
            }
        }
        let log = c.exchanges();
        assert_eq!(log.len(), MAX_LOGGED_EXCHANGES);
        assert_eq!(c.exchange_count(), MAX_LOGGED_EXCHANGES);
        assert!(log[0].url.ends_with("/t5"), "{}", log[0].url);
        assert!(
            log[MAX_LOGGED_EXCHANGES - 1]
                .url
                .ends_with(&format!("/t{}", MAX_LOGGED_EXCHANGES + 4)),
        );
        // Both exchanges with the header were dropped: nothing kept says it.
        assert_eq!(
            c.last_response_header("docker-distribution-api-version"),
            None
        );
        c.log_exchange(exchange(9_999, Some("registry/2.0")));
        c.log_exchange(exchange(10_000, None));
        assert_eq!(
            c.last_response_header("docker-distribution-api-version"),
            Some("registry/2.0".into())
        );
    }
}
