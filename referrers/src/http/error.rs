//! Typed HTTP errors: each says what happened and where (URL without credentials); and the text of an error's cause
//! chain.

use crate::error_kind::ErrorKind;

/// Building a client failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientBuildError {
    /// The registry URL is unusable.
    #[error("invalid registry URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL as given (redacted).
        url: String,
        /// Why.
        reason: String,
    },
    /// The CA file could not be read or parsed.
    #[error("cannot use CA file {path}: {reason}")]
    CaFile {
        /// Path.
        path: String,
        /// Why.
        reason: String,
    },
    /// reqwest refused the configuration.
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
}

/// A request failed without a usable HTTP answer.
#[derive(Debug, Clone, thiserror::Error)]
pub enum HttpError {
    /// TCP connection failed (refused, unreachable, DNS).
    #[error("cannot connect to {url}: {detail}")]
    Connect {
        /// Where.
        url: String,
        /// Cause chain.
        detail: String,
    },
    /// TLS handshake or certificate verification failed.
    #[error("TLS failure talking to {url}: {detail}")]
    Tls {
        /// Where.
        url: String,
        /// Cause chain.
        detail: String,
    },
    /// The operation's time budget ran out.
    #[error("time budget exhausted during {url}")]
    BudgetExceeded {
        /// Where.
        url: String,
    },
    /// The server stopped sending (headers or body) for longer than the stall timeout.
    #[error("response from {url} stalled")]
    Stalled {
        /// Where.
        url: String,
    },
    /// The connection broke mid-answer (reset, truncated body, protocol error).
    #[error("transport error on {url}: {detail}")]
    Transport {
        /// Where.
        url: String,
        /// Cause chain.
        detail: String,
    },
    /// The body exceeded the cap.
    #[error("response body from {url} exceeds {limit} bytes")]
    BodyTooLarge {
        /// Where.
        url: String,
        /// Cap.
        limit: usize,
    },
    /// More redirects than allowed.
    #[error("more than {limit} redirects starting at {url}")]
    TooManyRedirects {
        /// Where the chain started.
        url: String,
        /// Cap.
        limit: usize,
    },
    /// A redirect chain revisited a URL.
    #[error("redirect loop at {url}")]
    RedirectLoop {
        /// The repeated URL.
        url: String,
    },
    /// A redirect `Location` was missing, unparsable or not http(s).
    #[error("bad redirect from {url}: {detail}")]
    BadRedirect {
        /// Where.
        url: String,
        /// Why.
        detail: String,
    },
    /// The authentication challenge or token answer was unusable.
    #[error("authentication failed for {url}: {detail}")]
    Auth {
        /// Where.
        url: String,
        /// Why.
        detail: String,
    },
    /// Credentials could not be obtained (config.json, credential helper).
    #[error("credentials unavailable: {0}")]
    Credentials(String),
}

impl HttpError {
    /// Stable kebab-case kind used in results and JSON.
    pub fn kind(&self) -> ErrorKind {
        match self {
            HttpError::Connect { .. } => ErrorKind::Connect,
            HttpError::Tls { .. } => ErrorKind::Tls,
            HttpError::BudgetExceeded { .. } => ErrorKind::Timeout,
            HttpError::Stalled { .. } => ErrorKind::Stalled,
            HttpError::Transport { .. } => ErrorKind::Transport,
            HttpError::BodyTooLarge { .. } => ErrorKind::BodyTooLarge,
            HttpError::TooManyRedirects { .. } => ErrorKind::TooManyRedirects,
            HttpError::RedirectLoop { .. } => ErrorKind::RedirectLoop,
            HttpError::BadRedirect { .. } => ErrorKind::BadRedirect,
            HttpError::Auth { .. } => ErrorKind::Auth,
            HttpError::Credentials(_) => ErrorKind::Credentials,
        }
    }

    /// Worth another attempt within the budget.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            HttpError::Stalled { .. } | HttpError::Transport { .. }
        )
    }
}

/// The cause chain of a reqwest error, from its first source (its own text when it has none).
pub(super) fn error_detail(e: &reqwest::Error) -> String {
    match std::error::Error::source(e) {
        Some(s) => chain_detail(s),
        None => chain_detail(e),
    }
}

/// An error and its sources, joined with `": "`, at most 500 characters.
pub(super) fn chain_detail(first: &(dyn std::error::Error + 'static)) -> String {
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
