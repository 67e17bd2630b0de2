//! The floor: a bare hyper 1 HTTP/1.1 connection (the `client::conn` API, no pool, no parsing) that replays the
//! exact requests our client sent — method, path and query, every header — read off the fake's request log. What
//! it costs is the physical floor of loopback HTTP against this server; ours ÷ floor is our overhead. Beside it,
//! [`ReqwestFloor`] replays the same requests through reqwest configured as ours, which splits that overhead
//! into what the HTTP stack adds and what our own code adds.

use std::net::SocketAddr;

use bytes::Bytes;
use fake_registry::LoggedRequest;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use serde::{Deserialize, Serialize};

/// One request to replay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplayRequest {
    /// Method.
    pub method: String,
    /// Path and query (origin form).
    pub path: String,
    /// Headers as sent, in order (including `host`).
    pub headers: Vec<(String, String)>,
    /// Request body (empty for GET/HEAD).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub body: Vec<u8>,
}

impl ReplayRequest {
    /// A GET of `path` with `host` and optional `accept`.
    pub fn get(host: &str, path: &str, accept: Option<&str>) -> ReplayRequest {
        let mut headers = vec![("host".to_string(), host.to_string())];
        if let Some(a) = accept {
            headers.push(("accept".into(), a.into()));
        }
        ReplayRequest {
            method: "GET".into(),
            path: path.into(),
            headers,
            body: Vec::new(),
        }
    }
}

/// The requests of a log, in order (every request the primary listener saw).
pub fn from_log(log: &[LoggedRequest]) -> Vec<ReplayRequest> {
    log.iter()
        .map(|r| ReplayRequest {
            method: r.method.clone(),
            path: r.path.clone(),
            headers: r.request_headers.clone(),
            body: Vec::new(),
        })
        .collect()
}

/// What an answer was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// Status.
    pub status: u16,
    /// Response headers.
    pub headers: http::HeaderMap,
    /// Body.
    pub body: Bytes,
}

/// Why the floor failed.
#[derive(Debug, thiserror::Error)]
pub enum FloorError {
    /// Connecting.
    #[error("connect {addr}: {source}")]
    Connect {
        /// Where.
        addr: SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A request could not be built from the log.
    #[error("request {0} cannot be replayed: {1}")]
    Build(String, String),
    /// HTTP failure.
    #[error("http: {0}")]
    Http(#[from] hyper::Error),
}

/// One kept-alive HTTP/1.1 connection.
pub struct FloorConn {
    sender: SendRequest<Full<Bytes>>,
}

impl FloorConn {
    /// Connect (TCP_NODELAY, as the fake and reqwest do) and hand the connection to a task on the current runtime.
    pub async fn connect(addr: SocketAddr) -> Result<FloorConn, FloorError> {
        let io = |source| FloorError::Connect { addr, source };
        let s = tokio::net::TcpStream::connect(addr).await.map_err(io)?;
        s.set_nodelay(true).map_err(io)?;
        let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(s)).await?;
        tokio::spawn(async move {
            let _ = conn.await;
        });
        Ok(FloorConn { sender })
    }

    /// Send one request and read the whole answer.
    pub async fn send(&mut self, r: &ReplayRequest) -> Result<Answer, FloorError> {
        self.sender.ready().await?;
        let mut b = http::Request::builder()
            .method(r.method.as_str())
            .uri(r.path.as_str());
        for (k, v) in &r.headers {
            b = b.header(k.as_str(), v.as_str());
        }
        let req = b
            .body(Full::new(Bytes::from(r.body.clone())))
            .map_err(|e| FloorError::Build(r.path.clone(), e.to_string()))?;
        let resp = self.sender.send_request(req).await?;
        let (parts, body) = resp.into_parts();
        let body = body.collect().await?.to_bytes();
        Ok(Answer {
            status: parts.status.as_u16(),
            headers: parts.headers,
            body,
        })
    }

    /// Replay `reqs` in order; returns the bytes of body read (so the work cannot be optimised away).
    pub async fn replay(&mut self, reqs: &[ReplayRequest]) -> Result<usize, FloorError> {
        let mut n = 0;
        for r in reqs {
            n += self.send(r).await?.body.len();
        }
        Ok(n)
    }
}

/// The second floor: reqwest, the HTTP stack our client is built on, configured as ours configures it (no
/// redirects, HTTP/1 only, the same read timeout and idle pool), replaying the same requests and reading whole
/// bodies, parsing nothing. Ours ÷ this is what our own code adds; this ÷ [`FloorConn`] is what the HTTP stack
/// adds over bare hyper.
pub struct ReqwestFloor {
    client: reqwest::Client,
    base: String,
}

impl ReqwestFloor {
    /// A client for `base_url` (`http://127.0.0.1:<port>`), built with the options of
    /// `referrers::http::HttpClient` (see its `build`) that act on a plain-HTTP request.
    pub fn new(base_url: &str) -> ReqwestFloor {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(std::time::Duration::from_secs(30))
            .read_timeout(referrers::config::RetryPolicy::default().stall_timeout)
            .pool_max_idle_per_host(8)
            .http1_only()
            .build()
            .expect("build the reqwest floor client");
        ReqwestFloor {
            client,
            base: base_url.trim_end_matches('/').to_string(),
        }
    }

    /// Send one request (its headers as logged, except `host`, which reqwest writes) and read the whole body.
    pub async fn send(&self, r: &ReplayRequest) -> Result<usize, String> {
        let method = reqwest::Method::from_bytes(r.method.as_bytes()).map_err(|e| e.to_string())?;
        let mut b = self
            .client
            .request(method, format!("{}{}", self.base, r.path));
        for (k, v) in &r.headers {
            if !k.eq_ignore_ascii_case("host") {
                b = b.header(k.as_str(), v.as_str());
            }
        }
        let resp = b.send().await.map_err(|e| e.to_string())?;
        let body = resp.bytes().await.map_err(|e| e.to_string())?;
        Ok(body.len())
    }

    /// Replay `reqs` in order; returns the bytes of body read.
    pub async fn replay(&self, reqs: &[ReplayRequest]) -> Result<usize, String> {
        let mut n = 0;
        for r in reqs {
            n += self.send(r).await?;
        }
        Ok(n)
    }
}

/// `host:port` of a base URL like `http://127.0.0.1:5000`.
pub fn addr_of(base_url: &str) -> SocketAddr {
    base_url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .expect("base URL is http://<ip>:<port>")
}
