//! The request log: one record per request, as the fake saw it and answered it, in arrival order.
//!
//! Tests and the harness read behaviour off this log (what crossed the wire), never off what a client says it did.

use serde::{Deserialize, Serialize};

/// Which listener a request arrived on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Listener {
    /// The registry's own origin (`127.0.0.1`).
    Registry,
    /// The second listener on `127.0.0.2`, playing another origin (token realms, CDNs, off-host redirects).
    OtherHost,
}

impl Listener {
    /// `registry` or `other-host`.
    pub fn as_str(self) -> &'static str {
        match self {
            Listener::Registry => "registry",
            Listener::OtherHost => "other-host",
        }
    }
}

/// One request as the fake saw it (both listeners, in arrival order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedRequest {
    /// `127.0.0.1:PORT` or `127.0.0.2:PORT`: the address of the listener that got it.
    pub host: String,
    /// Which listener got it: the registry's own, or the one playing another origin.
    pub listener: Listener,
    /// HTTP method.
    pub method: String,
    /// Path and query as received.
    pub path: String,
    /// Status sent; 0 when the connection was reset without an answer.
    pub status: u16,
    /// The raw `Authorization` header received.
    pub authorization: Option<String>,
    /// All request headers (lower-case names; `Authorization` included raw).
    pub request_headers: Vec<(String, String)>,
    /// All response headers (lower-case names).
    pub response_headers: Vec<(String, String)>,
    /// First 256 bytes of the response body, lossy UTF-8.
    pub response_body_prefix: String,
    /// Milliseconds since the server started, at arrival.
    pub elapsed_ms: u64,
    /// Names of the faults applied, joined with `,`; `None` when none.
    pub fault: Option<String>,
}

impl LoggedRequest {
    /// First value of a response header.
    pub fn response_header(&self, name: &str) -> Option<&str> {
        self.response_headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    /// First value of a request header.
    pub fn request_header(&self, name: &str) -> Option<&str> {
        self.request_headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}
