//! An answer after auth, redirects and retries, and what its status and headers say: rate limits (429 and GHCR's
//! secondary-limit 403), the statuses worth retrying, the delay the server asks for (`Retry-After`, or GHCR's body
//! text).

use bytes::Bytes;
use reqwest::header::HeaderMap;
use std::time::{Duration, SystemTime};
use url::Url;

use crate::spec::retry_after::{parse_retry_after, retry_after_from_body};

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
