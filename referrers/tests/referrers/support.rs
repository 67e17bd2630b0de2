//! Small scripted hostile HTTP/1.1 servers on loopback (127.0.0.1:0, and 127.0.0.2:0 as "another host"), and a
//! tiny in-memory registry fixture to compose canned answers with.

#![allow(dead_code)]

use referrers::{Credentials, RegistryConfig, RetryPolicy};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

pub const INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub const MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";

/// A request as the server saw it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Path and query.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }
    pub fn query(&self, name: &str) -> Vec<String> {
        let Some((_, q)) = self.target.split_once('?') else {
            return vec![];
        };
        url::form_urlencoded::parse(q.as_bytes())
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .collect()
    }
    pub fn authorization(&self) -> Option<&str> {
        self.header("authorization")
    }
}

/// What to do with a request.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Send headers (and `partial` bytes of the body), then stall forever.
    pub stall: bool,
    /// Close the connection without answering.
    pub reset: bool,
    /// Do not send Content-Length; delimit the body by closing the connection.
    pub no_length: bool,
    /// Wait this long before answering (counted in the server's in-flight gauge).
    pub delay: Option<Duration>,
}

impl Response {
    pub fn new(status: u16) -> Response {
        Response {
            status,
            headers: vec![],
            body: vec![],
            stall: false,
            reset: false,
            no_length: false,
            delay: None,
        }
    }
    pub fn header(mut self, k: &str, v: &str) -> Response {
        self.headers.push((k.to_string(), v.to_string()));
        self
    }
    pub fn body(mut self, b: impl Into<Vec<u8>>) -> Response {
        self.body = b.into();
        self
    }
    pub fn json(self, v: &Value) -> Response {
        self.header("Content-Type", "application/json")
            .body(v.to_string())
    }
    pub fn text(self, t: &str) -> Response {
        self.header("Content-Type", "text/plain; charset=utf-8")
            .body(t.to_string())
    }
    pub fn stall(mut self) -> Response {
        self.stall = true;
        self
    }
    pub fn delay(mut self, d: Duration) -> Response {
        self.delay = Some(d);
        self
    }
    pub fn no_length(mut self) -> Response {
        self.no_length = true;
        self
    }
    pub fn reset() -> Response {
        let mut r = Response::new(0);
        r.reset = true;
        r
    }
    pub fn not_found() -> Response {
        Response::new(404).text("404 page not found\n")
    }
    pub fn errors(status: u16, code: &str) -> Response {
        Response::new(status)
            .json(&json!({"errors":[{"code":code,"message":code.to_lowercase(),"detail":{}}]}))
    }
    /// A referrers index answer with the standard Content-Type.
    pub fn index(descriptors: &[Value]) -> Response {
        Response::new(200)
            .header("Content-Type", INDEX)
            .body(json!({"schemaVersion":2,"mediaType":INDEX,"manifests":descriptors}).to_string())
    }
}

type Handler = dyn Fn(&Request) -> Response + Send + Sync;

/// A scripted server. Dropping it stops it and every connection.
pub struct Server {
    pub addr: SocketAddr,
    log: Arc<Mutex<Vec<Request>>>,
    gauge: Gauge,
    task: tokio::task::JoinHandle<()>,
}

/// In-flight delayed answers: current and maximum.
#[derive(Clone, Default)]
pub struct Gauge {
    now: Arc<AtomicUsize>,
    max: Arc<AtomicUsize>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Server {
    /// Start on `ip:0` (`127.0.0.1` or `127.0.0.2`).
    pub async fn start_on(
        ip: &str,
        handler: impl Fn(&Request) -> Response + Send + Sync + 'static,
    ) -> Server {
        let listener = TcpListener::bind(format!("{ip}:0"))
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let log2 = log.clone();
        let gauge = Gauge::default();
        let g2 = gauge.clone();
        let task = tokio::spawn(async move {
            let mut conns = JoinSet::new();
            loop {
                let Ok((sock, _)) = listener.accept().await else {
                    continue;
                };
                let h = handler.clone();
                let l = log2.clone();
                let g = g2.clone();
                conns.spawn(async move {
                    let _ = serve_conn(sock, h, l, g).await;
                });
            }
        });
        Server {
            addr,
            log,
            gauge,
            task,
        }
    }

    pub async fn start(handler: impl Fn(&Request) -> Response + Send + Sync + 'static) -> Server {
        Server::start_on("127.0.0.1", handler).await
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn host(&self) -> String {
        self.addr.to_string()
    }

    pub fn requests(&self) -> Vec<Request> {
        self.log.lock().unwrap().clone()
    }

    /// The most delayed answers that were pending at once.
    pub fn max_in_flight(&self) -> usize {
        self.gauge.max.load(Ordering::SeqCst)
    }

    pub fn count(&self, pred: impl Fn(&Request) -> bool) -> usize {
        self.log.lock().unwrap().iter().filter(|r| pred(r)).count()
    }
}

async fn serve_conn(
    mut sock: TcpStream,
    h: Arc<Handler>,
    log: Arc<Mutex<Vec<Request>>>,
    gauge: Gauge,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    loop {
        // one request per connection loop iteration (keep-alive supported)
        let head_end = loop {
            if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break p;
            }
            let mut chunk = [0u8; 4096];
            let n = sock.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
            if buf.len() > 256 * 1024 {
                return Ok(());
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
        let mut lines = head.split("\r\n");
        let first = lines.next().unwrap_or("");
        let mut parts = first.split(' ');
        let method = parts.next().unwrap_or("").to_string();
        let target = parts.next().unwrap_or("").to_string();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| {
                l.split_once(':')
                    .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            })
            .collect();
        let len: usize = headers
            .iter()
            .find(|(k, _)| k == "content-length")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let mut rest = buf.split_off(head_end + 4);
        while rest.len() < len {
            let mut chunk = [0u8; 4096];
            let n = sock.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            rest.extend_from_slice(&chunk[..n]);
        }
        let after = rest.split_off(len);
        let req = Request {
            method: method.clone(),
            target,
            headers,
            body: rest,
        };
        log.lock().unwrap().push(req.clone());
        buf = after;
        let resp = h(&req);
        if let Some(d) = resp.delay {
            let n = gauge.now.fetch_add(1, Ordering::SeqCst) + 1;
            gauge.max.fetch_max(n, Ordering::SeqCst);
            tokio::time::sleep(d).await;
            gauge.now.fetch_sub(1, Ordering::SeqCst);
        }
        if resp.reset {
            #[allow(deprecated)]
            let _ = sock.set_linger(Some(Duration::ZERO));
            drop(sock);
            return Ok(());
        }
        let mut out = format!("HTTP/1.1 {} X\r\n", resp.status);
        for (k, v) in &resp.headers {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        let close = resp.no_length || resp.stall;
        if !resp.no_length
            && !resp
                .headers
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        {
            out.push_str(&format!("Content-Length: {}\r\n", resp.body.len()));
        }
        if close {
            out.push_str("Connection: close\r\n");
        }
        out.push_str("\r\n");
        sock.write_all(out.as_bytes()).await?;
        if resp.stall {
            let n = resp.body.len() / 2;
            sock.write_all(&resp.body[..n]).await?;
            sock.flush().await?;
            tokio::time::sleep(Duration::from_secs(3600)).await;
            return Ok(());
        }
        if method != "HEAD" {
            sock.write_all(&resp.body).await?;
        }
        sock.flush().await?;
        if close {
            let _ = sock.shutdown().await;
            return Ok(());
        }
    }
}

/// A registry config for tests: fast retries, short stall timeout, 10 s budget.
pub fn config(url: &str) -> RegistryConfig {
    RegistryConfig {
        url: url.to_string(),
        credentials: Credentials::Anonymous,
        ca_file: None,
        insecure: false,
        timeout: Duration::from_secs(10),
        retry: RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(20),
            max_redirects: 5,
            max_body_bytes: 4 * 1024 * 1024,
            stall_timeout: Duration::from_millis(500),
        },
    }
}

pub fn sha256(b: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(b)))
}

/// A counter shared with a handler.
#[derive(Clone, Default)]
pub struct Counter(Arc<AtomicUsize>);
impl Counter {
    pub fn next(&self) -> usize {
        self.0.fetch_add(1, Ordering::SeqCst)
    }
    pub fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// A stored manifest.
#[derive(Clone, Debug)]
pub struct Stored {
    pub media_type: String,
    pub bytes: Vec<u8>,
    pub digest: String,
}

/// An in-memory repository: manifests by digest, tags; answers manifest HEAD/GET and tags/list.
#[derive(Clone, Default)]
pub struct Repo {
    pub name: String,
    pub manifests: BTreeMap<String, Stored>,
    pub tags: BTreeMap<String, String>,
    /// Omit Docker-Content-Digest on HEAD.
    pub no_digest_header: bool,
    /// tags/list page size (None: all at once).
    pub tag_page: Option<usize>,
}

impl Repo {
    pub fn new(name: &str) -> Repo {
        Repo {
            name: name.into(),
            ..Default::default()
        }
    }

    pub fn put(&mut self, media_type: &str, v: &Value) -> String {
        let bytes = v.to_string().into_bytes();
        let digest = sha256(&bytes);
        self.manifests.insert(
            digest.clone(),
            Stored {
                media_type: media_type.into(),
                bytes,
                digest: digest.clone(),
            },
        );
        digest
    }

    pub fn tag(&mut self, tag: &str, digest: &str) {
        self.tags.insert(tag.into(), digest.into());
    }

    /// An image manifest (the subject).
    pub fn image(&mut self, tag: &str, seed: &str) -> String {
        let d = self.put(
            MANIFEST,
            &json!({"schemaVersion":2,"mediaType":MANIFEST,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":sha256(seed.as_bytes()),"size":seed.len()},"layers":[]}),
        );
        self.tag(tag, &d);
        d
    }

    /// A referrer artifact manifest pointing at `subject`; returns its descriptor.
    pub fn referrer(&mut self, subject: &str, artifact_type: &str, note: &str) -> Value {
        let m = json!({"schemaVersion":2,"mediaType":MANIFEST,"artifactType":artifact_type,
            "config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},
            "layers":[],"subject":{"mediaType":MANIFEST,"digest":subject,"size":1},
            "annotations":{"note":note}});
        let d = self.put(MANIFEST, &m);
        let size = self.manifests[&d].bytes.len();
        json!({"mediaType":MANIFEST,"digest":d,"size":size,"artifactType":artifact_type,"annotations":{"note":note}})
    }

    /// Answer manifest and tag-list requests for this repo; `None` for anything else.
    pub fn serve(&self, req: &Request) -> Option<Response> {
        let prefix = format!("/v2/{}/", self.name);
        let rest = req.path().strip_prefix(&prefix)?;
        if let Some(reference) = rest.strip_prefix("manifests/") {
            let digest = if reference.contains(':') {
                reference.to_string()
            } else {
                self.tags.get(reference)?.clone()
            };
            let Some(m) = self.manifests.get(&digest) else {
                return Some(Response::errors(404, "MANIFEST_UNKNOWN"));
            };
            let mut r = Response::new(200)
                .header("Content-Type", &m.media_type)
                .body(m.bytes.clone());
            if !(self.no_digest_header && req.method == "HEAD") {
                r = r.header("Docker-Content-Digest", &m.digest);
            }
            return Some(r);
        }
        if rest == "tags/list" {
            let all: Vec<&String> = self.tags.keys().collect();
            let last = req.query("last").into_iter().next();
            let start = last
                .map(|l| all.iter().position(|t| **t > l).unwrap_or(all.len()))
                .unwrap_or(0);
            let n = self.tag_page.unwrap_or(usize::MAX);
            let page: Vec<&String> = all.iter().skip(start).take(n).copied().collect();
            let mut r = Response::new(200).json(&json!({"name":self.name,"tags":page}));
            if start + page.len() < all.len()
                && let Some(l) = page.last()
            {
                r = r.header(
                    "Link",
                    &format!("</v2/{}/tags/list?n={n}&last={l}>; rel=\"next\"", self.name),
                );
            }
            return Some(r);
        }
        None
    }
}

/// `GET /v2/` answer.
pub fn v2_ok() -> Response {
    Response::new(200)
        .header("Docker-Distribution-API-Version", "registry/2.0")
        .json(&json!({}))
}
