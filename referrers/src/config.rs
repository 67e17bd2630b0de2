//! Registry configuration: where, who, how long (seed keys `OCI:RegistryUrl`, credentials, `timeout_seconds`).

use std::path::PathBuf;
use std::time::Duration;
use url::Url;

use crate::http::error::ClientBuildError;
use crate::http::exchange::redact_str;

/// How to reach one registry.
#[derive(Debug, Clone)]
pub struct RegistryConfig {
    /// `registry.example.com` (means https), `https://...`, or `http://127.0.0.1:5000`. Only the origin is used.
    pub url: String,
    /// Credentials; sent only to the registry's origin and to the token realm its challenge names.
    pub credentials: Credentials,
    /// Extra trusted CA certificates (PEM bundle), added to the platform roots.
    pub ca_file: Option<PathBuf>,
    /// Accept invalid certificates (and host names). For test registries only.
    pub insecure: bool,
    /// The whole budget per operation (one check, one subject's discovery). Seed default 120 s.
    pub timeout: Duration,
    /// Retry, redirect and size limits.
    pub retry: RetryPolicy,
}

impl Default for RegistryConfig {
    fn default() -> Self {
        RegistryConfig {
            url: String::new(),
            credentials: Credentials::Anonymous,
            ca_file: None,
            insecure: false,
            timeout: Duration::from_secs(120),
            retry: RetryPolicy::default(),
        }
    }
}

impl RegistryConfig {
    /// A config for `url` with every other field at its default.
    pub fn new(url: impl Into<String>) -> Self {
        RegistryConfig {
            url: url.into(),
            ..Default::default()
        }
    }

    /// The registry's origin as a URL with path `/`. A URL without a scheme means https.
    pub fn base_url(&self) -> Result<Url, ClientBuildError> {
        let raw = self.url.trim();
        if raw.is_empty() {
            return Err(ClientBuildError::InvalidUrl {
                url: String::new(),
                reason: "empty registry URL".into(),
            });
        }
        let with_scheme = if raw.contains("://") {
            raw.to_string()
        } else {
            format!("https://{raw}")
        };
        let mut u = Url::parse(&with_scheme).map_err(|e| ClientBuildError::InvalidUrl {
            url: redact_str(raw),
            reason: e.to_string(),
        })?;
        if u.scheme() != "http" && u.scheme() != "https" {
            return Err(ClientBuildError::InvalidUrl {
                url: redact_str(raw),
                reason: format!("scheme {:?} is not http or https", u.scheme()),
            });
        }
        if u.host_str().is_none_or(str::is_empty) {
            return Err(ClientBuildError::InvalidUrl {
                url: redact_str(raw),
                reason: "no host".into(),
            });
        }
        if !u.username().is_empty() || u.password().is_some() {
            return Err(ClientBuildError::InvalidUrl {
                url: redact_str(raw),
                reason: "credentials in the URL are not accepted; use the credential options"
                    .into(),
            });
        }
        // Docker Hub's registry API lives on registry-1.docker.io (what `docker.io/...` references mean).
        if matches!(u.host_str(), Some("docker.io" | "index.docker.io")) {
            let _ = u.set_host(Some("registry-1.docker.io"));
        }
        u.set_path("/");
        u.set_query(None);
        u.set_fragment(None);
        Ok(u)
    }

    /// `host[:port]` as used in metrics and log lines.
    pub fn host_label(&self) -> String {
        self.base_url()
            .map(|u| host_port(&u))
            .unwrap_or_else(|_| redact_str(&self.url))
    }
}

/// `host[:port]` of a URL (port only when explicit).
pub fn host_port(u: &Url) -> String {
    match (u.host_str(), u.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        _ => String::new(),
    }
}

/// Who we are to the registry.
#[derive(Clone, Default)]
pub enum Credentials {
    /// No credentials (anonymous Bearer tokens are still fetched when a challenge asks).
    #[default]
    Anonymous,
    /// Username and password (Basic to the registry, or to the token realm).
    Basic {
        /// User name.
        username: String,
        /// Password or token.
        password: String,
    },
    /// A Docker `config.json`: `auths.<host>` (`auth`, `username`/`password`, `identitytoken`), `credHelpers.<host>`
    /// and `credsStore` (`docker-credential-<name> get`).
    DockerConfig(PathBuf),
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::Anonymous => write!(f, "Anonymous"),
            Credentials::Basic { username, .. } => write!(
                f,
                "Basic {{ username: {username:?}, password: <redacted> }}"
            ),
            Credentials::DockerConfig(p) => write!(f, "DockerConfig({p:?})"),
        }
    }
}

/// Retry, redirect and size limits.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts per request including the first (408, 429, 5xx except 501, GHCR's secondary-limit 403, resets).
    pub max_attempts: u32,
    /// First backoff; doubled per attempt, with full jitter in [b/2, b].
    pub initial_backoff: Duration,
    /// Backoff ceiling (a `Retry-After` may ask for more, within the budget).
    pub max_backoff: Duration,
    /// Redirects followed per request (five by default: the limit RFC 9110 §15.4 recalls from its predecessors,
    /// <https://www.rfc-editor.org/rfc/rfc9110#section-15.4>).
    pub max_redirects: usize,
    /// Response body cap (4 MiB: the spec's manifest minimum).
    pub max_body_bytes: usize,
    /// A body or header read that stalls this long fails (retried) even within the budget.
    pub stall_timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(10),
            max_redirects: 5,
            max_body_bytes: 4 * 1024 * 1024,
            stall_timeout: Duration::from_secs(30),
        }
    }
}
