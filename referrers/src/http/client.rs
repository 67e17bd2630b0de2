//! The HTTP client for one registry: one reqwest client (redirect policy none; TLS verified against the platform
//! roots and any extra CA file), its credentials, token cache and exchange log. Sending a request is layered on it:
//! `retry` (attempts and backoff) over `authorize` (the auth dance) over `redirect` (redirects followed by hand) over
//! `transport` (one request, its body streamed under the cap).

use reqwest::header::HeaderValue;
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::Mutex;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};
use url::Url;

use super::docker_config::ResolvedCredentials;
use super::error::{ClientBuildError, HttpError, chain_detail, error_detail};
use super::exchange::Exchange;
use super::tls;
use crate::config::{Credentials, RegistryConfig, RetryPolicy, host_port};

/// Exchanges a client keeps for diagnostics: the most recent ones (older ones are dropped first), so a long-running
/// client neither grows without bound nor keeps only its first hours.
pub const MAX_LOGGED_EXCHANGES: usize = 1_024;

/// Idle connections kept per host unless more requests run at once.
const DEFAULT_IDLE_PER_HOST: usize = 8;

/// The HTTP client for one registry.
pub struct HttpClient {
    /// reqwest's client (redirect policy none, HTTP/1).
    pub(super) client: reqwest::Client,
    /// The registry origin (path `/`).
    pub(super) base: Url,
    /// `host_port(&base)`, for the exchange log.
    pub(super) host: String,
    pub(super) policy: RetryPolicy,
    /// The credentials as configured.
    pub(super) credentials: Credentials,
    /// The credentials as resolved on first use (a Docker config and its helpers are read once).
    pub(super) resolved: tokio::sync::OnceCell<Result<Option<ResolvedCredentials>, HttpError>>,
    /// Bearer tokens per scope, with the instant each stops being used.
    pub(super) tokens: Mutex<HashMap<String, (HeaderValue, Instant)>>,
    /// Set once a Basic challenge was answered with the configured credentials: later requests send them up front.
    pub(super) basic_accepted: AtomicBool,
    /// The most recent exchanges, at most [`MAX_LOGGED_EXCHANGES`].
    pub(super) exchanges: Mutex<VecDeque<Exchange>>,
    /// Authentication schemes the registry challenged with (lowercase).
    pub(super) schemes_seen: Mutex<BTreeSet<String>>,
}

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpClient")
            .field("base", &self.base.as_str())
            .finish_non_exhaustive()
    }
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
                extra_roots = tls::pem_certs(&pem).map_err(|e| ca_file_err(path, e))?;
            }
        }
        if cfg.insecure {
            // No verifier and no roots to load: reqwest's own configuration.
            b = b
                .tls_danger_accept_invalid_certs(true)
                .tls_danger_accept_invalid_hostnames(true);
        } else {
            // reqwest's configuration for a verifying client, around a platform verifier built once per process.
            let tls = tls::verifying_config(extra_roots)
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
            exchanges: Mutex::new(VecDeque::new()),
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
    pub(super) fn log_exchange(&self, ex: Exchange) {
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
}

#[cfg(test)]
mod tests {
    use super::*;

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
