//! The request and response values the pipeline's stages (fault, auth, profile, api) pass around. Plain data, so
//! each stage is a function `&Req -> Resp` that is easy to test; `crate::server` converts from and to hyper.

use bytes::Bytes;
use http::{HeaderMap, Method};
use serde_json::json;

/// A fully read request.
#[derive(Debug, Clone)]
pub(crate) struct Req {
    pub method: Method,
    /// Path without query.
    pub path: String,
    /// Raw query string, if any.
    pub raw_query: Option<String>,
    /// Decoded query parameters in order.
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// Arrived on the other-host listener (127.0.0.2).
    pub other_host: bool,
    /// `http` or `https`.
    pub scheme: &'static str,
    /// `host:port` of the listener that got the request.
    pub listener_host: String,
}

impl Req {
    /// First value of a query parameter.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// All values of a query parameter.
    pub fn params<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.query
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A request header as a string (lossy: non-UTF-8 values are ignored).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// `scheme://host` the client used (the `Host` header, else the listener address).
    pub fn origin(&self) -> String {
        let host = self
            .header("host")
            .filter(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_graphic()))
            .unwrap_or(&self.listener_host);
        format!("{}://{}", self.scheme, host)
    }

    /// Path plus query, as received.
    pub fn path_and_query(&self) -> String {
        match &self.raw_query {
            Some(q) => format!("{}?{}", self.path, q),
            None => self.path.clone(),
        }
    }
}

/// A response: status, headers (lower-case names, in order) and the full body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
    /// How the body's length is announced.
    pub framing: Framing,
}

/// How a response announces its body's length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framing {
    /// `Content-Length` of the body.
    Exact,
    /// No `Content-Length`, chunked, as a server streaming a body of unknown length sends it.
    Streamed,
    /// `Content-Length` of this many bytes, more than the body has: the connection ends before the announced
    /// length, as a server's does that set a length and then wrote something shorter.
    ShortOf(u64),
}

impl Resp {
    /// An empty response with `Content-Length: 0`.
    pub fn empty(status: u16) -> Resp {
        Resp {
            status,
            headers: vec![],
            body: Bytes::new(),
            framing: Framing::Exact,
        }
    }

    /// This response, sent without `Content-Length` (chunked).
    pub fn streamed(mut self) -> Resp {
        self.framing = Framing::Streamed;
        self
    }

    /// This response, announcing `Content-Length: len` (more than its body: the connection ends short).
    pub fn short_of(mut self, len: u64) -> Resp {
        self.framing = Framing::ShortOf(len);
        self
    }

    /// A response with a body and content type.
    pub fn with_body(status: u16, content_type: Option<&str>, body: impl Into<Bytes>) -> Resp {
        let mut r = Resp::empty(status);
        if let Some(ct) = content_type {
            r.headers.push(("content-type".into(), ct.into()));
        }
        r.body = body.into();
        r
    }

    /// JSON body with `Content-Type: application/json`.
    pub fn json(status: u16, value: &serde_json::Value) -> Resp {
        Resp::with_body(status, Some("application/json"), value.to_string())
    }

    /// The spec's error JSON: `{"errors":[{"code","message","detail"}]}`
    /// ([spec.md "Error Codes"](https://github.com/opencontainers/distribution-spec/blob/v1.1.1/spec.md#error-codes)).
    pub fn error(status: u16, code: &str, message: &str) -> Resp {
        Resp::json(
            status,
            &json!({"errors":[{"code": code, "message": message, "detail": null}]}),
        )
    }

    /// The spec's error JSON with a detail value.
    pub fn error_detail(status: u16, code: &str, message: &str, detail: serde_json::Value) -> Resp {
        Resp::json(
            status,
            &json!({"errors":[{"code": code, "message": message, "detail": detail}]}),
        )
    }

    /// Add a header (builder style).
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Resp {
        self.headers.push((name.to_ascii_lowercase(), value.into()));
        self
    }

    /// Set a header, replacing existing values.
    pub fn set_header(&mut self, name: &str, value: impl Into<String>) {
        let name = name.to_ascii_lowercase();
        self.headers.retain(|(k, _)| *k != name);
        self.headers.push((name, value.into()));
    }

    /// First value of a header.
    pub fn get_header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Percent-decode a query component (`+` is a space, as in forms).
pub(crate) fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(v) => {
                        out.push(v);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encode a query component.
pub(crate) fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Split a raw query into decoded pairs.
pub(crate) fn parse_query(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (percent_decode(k), percent_decode(v)),
            None => (percent_decode(p), String::new()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_round_trip() {
        let q = parse_query("artifactType=application%2Fvnd.x%2Bjson&n=2&x");
        assert_eq!(q[0].1, "application/vnd.x+json");
        assert_eq!(q[1], ("n".into(), "2".into()));
        assert_eq!(q[2], ("x".into(), String::new()));
        assert_eq!(
            percent_decode(&percent_encode("a/b+c d")),
            "a/b+c d".to_string()
        );
        assert_eq!(percent_decode("%"), "%");
        assert_eq!(percent_decode("%4"), "%4");
        assert_eq!(percent_decode("%zz"), "%zz");
    }
}
