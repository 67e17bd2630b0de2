//! The running fake: builder, listeners, hyper service, request log, Drop shutdown.
//!
//! [`Builder::start`] binds both listeners before it returns (so the addresses are known), seeds the store, then
//! serves on its own thread with its own tokio runtime, so it works from sync and async tests alike and injected
//! delays never block the caller. Dropping the [`FakeRegistry`] stops it (stalled connections are cut).

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr, TcpListener as StdListener};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::thread::JoinHandle;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;

use tokio::sync::watch;

use crate::api::{self, MAX_BLOB_BYTES, MAX_MANIFEST_BYTES};
use crate::fault::{ArmedFault, FaultRule};
use crate::message::{Req, Resp, parse_query};
use crate::pipeline::{self, Outcome};
use crate::profile::Profile;
use crate::request_log::{Listener, LoggedRequest};
use crate::route::Route;
use crate::seed::{self, SeedError, SeedSpec, Seeded};
use crate::state::State;
use crate::tls::{self, TlsError};

/// Most bytes of an over-limit request body read (and discarded) before the connection is given up.
const DRAIN_CAP: u64 = 256 * 1024 * 1024;

/// Default referrers page size (profiles that page: `oci-1.1`).
pub const DEFAULT_PAGE_SIZE: usize = 50;

/// Why [`Builder::start`] failed.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// A listener could not be bound.
    #[error("binding {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The TLS material could not be made.
    #[error("tls: {0}")]
    Tls(#[from] TlsError),
    /// The seed failed.
    #[error("seeding: {0}")]
    Seed(#[from] SeedError),
    /// The runtime or server thread could not be started.
    #[error("starting the server thread: {0}")]
    Runtime(#[source] std::io::Error),
}

/// Builder for a [`FakeRegistry`] (wiremock style).
#[derive(Debug, Clone)]
#[must_use]
pub struct Builder {
    profile: Profile,
    addr: SocketAddr,
    credentials: Option<(String, String)>,
    faults: Vec<FaultRule>,
    seeds: Vec<SeedSpec>,
    page_size: usize,
    tls: bool,
    ca_file: Option<PathBuf>,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            profile: Profile::OCI_1_1,
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            credentials: None,
            faults: Vec::new(),
            seeds: Vec::new(),
            page_size: DEFAULT_PAGE_SIZE,
            tls: false,
            ca_file: None,
        }
    }
}

impl Builder {
    /// The profile (default `oci-1.1`).
    pub fn profile(mut self, p: Profile) -> Self {
        self.profile = p;
        self
    }
    /// The primary listener's address (default `127.0.0.1:0`).
    pub fn addr(mut self, a: SocketAddr) -> Self {
        self.addr = a;
        self
    }
    /// Require these credentials (Bearer profiles: on the token endpoint; Basic profiles: on every request).
    pub fn credentials(mut self, user: &str, pass: &str) -> Self {
        self.credentials = Some((user.to_string(), pass.to_string()));
        self
    }
    /// Add a fault rule.
    pub fn fault(mut self, f: FaultRule) -> Self {
        self.faults.push(f);
        self
    }
    /// Add fault rules.
    pub fn faults(mut self, f: Vec<FaultRule>) -> Self {
        self.faults.extend(f);
        self
    }
    /// Seed content before serving (applied in order).
    pub fn seed(mut self, spec: SeedSpec) -> Self {
        self.seeds.push(spec);
        self
    }
    /// Seed the demo content (`--seed demo`).
    pub fn seed_demo(self) -> Self {
        self.seed(SeedSpec::demo())
    }
    /// Referrers page size where the profile pages (`oci-1.1`); default [`DEFAULT_PAGE_SIZE`]; 0 counts as 1.
    pub fn page_size(mut self, n: usize) -> Self {
        self.page_size = n.max(1);
        self
    }
    /// Serve HTTPS with a certificate made at start.
    pub fn tls(mut self, on: bool) -> Self {
        self.tls = on;
        self
    }
    /// With TLS: where to write the CA PEM (default: a file in the temp dir, removed on drop).
    pub fn ca_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca_file = Some(path.into());
        self
    }

    /// Bind, seed and start serving.
    pub fn start(self) -> Result<FakeRegistry, StartError> {
        let primary = StdListener::bind(self.addr).map_err(|source| StartError::Bind {
            addr: self.addr,
            source,
        })?;
        let addr = primary.local_addr().map_err(|source| StartError::Bind {
            addr: self.addr,
            source,
        })?;
        let other = bind_other(addr.port())?;
        let other_addr = other.local_addr().map_err(|source| StartError::Bind {
            addr: self.addr,
            source,
        })?;
        for l in [&primary, &other] {
            l.set_nonblocking(true).map_err(|source| StartError::Bind {
                addr: self.addr,
                source,
            })?;
        }
        let scheme = if self.tls { "https" } else { "http" };

        let (tls_config, ca_path, remove_ca) = if self.tls {
            let m = tls::generate(&[addr.ip()])?;
            let (path, remove) = match &self.ca_file {
                Some(p) => (p.clone(), false),
                None => (
                    std::env::temp_dir().join(format!(
                        "fake-registry-{}-{}-ca.pem",
                        std::process::id(),
                        addr.port()
                    )),
                    true,
                ),
            };
            tls::write_ca(&path, &m.ca_pem)?;
            (Some(m.config), Some(path), remove)
        } else {
            (None, None, false)
        };

        let state = Arc::new(State::new(
            self.profile,
            self.page_size,
            self.credentials.clone(),
            self.faults,
            format!("{scheme}://{other_addr}"),
        ));
        let mut seeded = Seeded::default();
        for spec in &self.seeds {
            let s = seed::apply(&state.store, self.profile, spec)?;
            seeded.subjects.extend(s.subjects);
        }

        let (tx, rx) = watch::channel(false);
        let st = state.clone();
        let thread = std::thread::Builder::new()
            .name(format!("fake-registry-{}", addr.port()))
            .spawn(move || run(st, primary, other, tls_config, scheme, rx))
            .map_err(StartError::Runtime)?;
        Ok(FakeRegistry {
            state,
            addr,
            other_addr,
            scheme,
            seeded,
            ca_path,
            remove_ca,
            shutdown: tx,
            thread: Some(thread),
        })
    }
}

/// The other-host listener: 127.0.0.2 on the same port if free, else any port on 127.0.0.2, else (systems
/// without 127.0.0.2, e.g. macOS) another port on 127.0.0.1 — still a different origin.
fn bind_other(port: u16) -> Result<StdListener, StartError> {
    let two = Ipv4Addr::new(127, 0, 0, 2);
    for a in [
        SocketAddr::from((two, port)),
        SocketAddr::from((two, 0)),
        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
    ] {
        if let Ok(l) = StdListener::bind(a) {
            return Ok(l);
        }
    }
    let addr = SocketAddr::from((two, 0));
    StdListener::bind(addr).map_err(|source| StartError::Bind { addr, source })
}

/// A running fake registry. Dropping it shuts the server down.
pub struct FakeRegistry {
    state: Arc<State>,
    addr: SocketAddr,
    other_addr: SocketAddr,
    scheme: &'static str,
    seeded: Seeded,
    ca_path: Option<PathBuf>,
    remove_ca: bool,
    shutdown: watch::Sender<bool>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for FakeRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeRegistry")
            .field("profile", &self.state.profile)
            .field("base_url", &self.base_url())
            .field("other_host_url", &self.other_host_url())
            .finish()
    }
}

impl FakeRegistry {
    /// A builder with the defaults (`oci-1.1`, `127.0.0.1:0`, no seed, no faults).
    pub fn builder() -> Builder {
        Builder::default()
    }
    /// The primary listener's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
    /// The other-host listener's address.
    pub fn other_addr(&self) -> SocketAddr {
        self.other_addr
    }
    /// `http://127.0.0.1:PORT` (or `https://`).
    pub fn base_url(&self) -> String {
        format!("{}://{}", self.scheme, self.addr)
    }
    /// `http://127.0.0.2:PORT`: plays another host (token realm for dockerhub/ghcr/gitlab, redirect and `Link`
    /// targets, GAR's login page).
    pub fn other_host_url(&self) -> String {
        format!("{}://{}", self.scheme, self.other_addr)
    }
    /// `base_url() + path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url())
    }
    /// Every request so far, both listeners, in arrival order (at most the last 20,000).
    pub fn request_log(&self) -> Vec<LoggedRequest> {
        self.state.lock_log().iter().cloned().collect()
    }
    /// The most requests the fake has handled at once (both listeners) since start or [`Self::clear_log`].
    /// A stalled body is counted only while its handler runs, not while the stall lasts.
    pub fn peak_in_flight(&self) -> usize {
        self.state.in_flight.peak()
    }
    /// Forget the request log (and the in-flight peak).
    pub fn clear_log(&self) {
        self.state.lock_log().clear();
        self.state.in_flight.reset_peak();
    }
    /// Ground truth of what the builder's seeds put in the store.
    pub fn seeded(&self) -> &Seeded {
        &self.seeded
    }
    /// Seed more content while running.
    pub fn seed(&self, spec: &SeedSpec) -> Result<Seeded, SeedError> {
        seed::apply(&self.state.store, self.state.profile, spec)
    }
    /// The referrers of `subject` exactly as this profile's referrers API lists them, unfiltered and unpaged
    /// (`None` when the profile has no API or the repository does not exist). On most profiles these equal the
    /// spec-derived ground truth in [`Self::seeded`]; Harbor before 2.11 lists the config media type as
    /// `artifactType` and a size that includes the blobs, so compare API-path discovery with this.
    pub fn listed_referrers(
        &self,
        repo: &str,
        subject: &str,
    ) -> Option<Vec<crate::store::Descriptor>> {
        let crate::profile::Referrers::Api(cfg) = &self.state.profile.behaviour().referrers else {
            return None;
        };
        let list = self.state.store.referrers(repo, subject)?;
        Some(list.into_iter().map(|d| api::as_listed(d, cfg)).collect())
    }
    /// With TLS: the CA file written at start.
    pub fn ca_pem_path(&self) -> Option<&Path> {
        self.ca_path.as_deref()
    }
    /// The profile.
    pub fn profile(&self) -> &Profile {
        &self.state.profile
    }
    /// Add a fault rule while running.
    pub fn add_fault(&self, f: FaultRule) {
        self.state
            .faults
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .push(ArmedFault::new(f));
    }
    /// Remove all fault rules.
    pub fn clear_faults(&self) {
        self.state
            .faults
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }
}

impl Drop for FakeRegistry {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        if self.remove_ca
            && let Some(p) = &self.ca_path
        {
            let _ = std::fs::remove_file(p);
        }
    }
}

fn run(
    state: Arc<State>,
    primary: StdListener,
    other: StdListener,
    tls: Option<Arc<rustls::ServerConfig>>,
    scheme: &'static str,
    shutdown: watch::Receiver<bool>,
) {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .thread_name("fake-registry-worker")
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("fake-registry: cannot build the runtime: {e}");
            return;
        }
    };
    rt.block_on(async move {
        let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
        let mut tasks = Vec::new();
        for (listener, other_host) in [(primary, false), (other, true)] {
            let Ok(l) = tokio::net::TcpListener::from_std(listener) else {
                continue;
            };
            tasks.push(tokio::spawn(accept_loop(
                l,
                state.clone(),
                other_host,
                acceptor.clone(),
                scheme,
                shutdown.clone(),
            )));
        }
        let mut sd = shutdown.clone();
        while !*sd.borrow() {
            if sd.changed().await.is_err() {
                break;
            }
        }
        for t in tasks {
            t.abort();
        }
    });
    rt.shutdown_timeout(Duration::from_millis(200));
}

async fn accept_loop(
    listener: tokio::net::TcpListener,
    state: Arc<State>,
    other_host: bool,
    tls: Option<tokio_rustls::TlsAcceptor>,
    scheme: &'static str,
    mut shutdown: watch::Receiver<bool>,
) {
    let listener_host = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    loop {
        let accepted = tokio::select! {
            _ = shutdown.changed() => break,
            r = listener.accept() => r,
        };
        let stream = match accepted {
            Ok((s, _)) => s,
            Err(_) => {
                // e.g. too many open files: back off briefly instead of spinning.
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let state = state.clone();
        let tls = tls.clone();
        let host = listener_host.clone();
        let mut sd = shutdown.clone();
        tokio::spawn(async move {
            let svc =
                service_fn(move |req| serve(state.clone(), req, other_host, scheme, host.clone()));
            let http = hyper::server::conn::http1::Builder::new();
            match tls {
                Some(acceptor) => {
                    let Ok(s) = acceptor.accept(stream).await else {
                        return;
                    };
                    let conn = http.serve_connection(TokioIo::new(s), svc);
                    tokio::select! { _ = conn => {}, _ = sd.changed() => {} }
                }
                None => {
                    let conn = http.serve_connection(TokioIo::new(stream), svc);
                    tokio::select! { _ = conn => {}, _ = sd.changed() => {} }
                }
            }
        });
    }
}

/// Response body: whole, or stalled after its first bytes.
pub(crate) enum ResBody {
    Full(Option<Bytes>),
    Stall(Option<Bytes>),
}

impl Body for ResBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.get_mut() {
            ResBody::Full(b) => Poll::Ready(b.take().map(|b| Ok(Frame::data(b)))),
            ResBody::Stall(b) => match b.take() {
                Some(x) => Poll::Ready(Some(Ok(Frame::data(x)))),
                // Never ready: the connection task is dropped at shutdown.
                None => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, ResBody::Full(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            ResBody::Full(Some(b)) => SizeHint::with_exact(b.len() as u64),
            ResBody::Full(None) => SizeHint::with_exact(0),
            ResBody::Stall(_) => SizeHint::default(),
        }
    }
}

fn header_pairs(h: &http::HeaderMap) -> Vec<(String, String)> {
    h.iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect()
}

async fn serve(
    state: Arc<State>,
    req: Request<Incoming>,
    other_host: bool,
    scheme: &'static str,
    listener_host: String,
) -> Result<Response<ResBody>, std::io::Error> {
    let elapsed_ms = state.started.elapsed().as_millis() as u64;
    let _in_flight = state.in_flight.enter();
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    let raw_query = parts.uri.query().map(str::to_string);
    let request_headers = header_pairs(&parts.headers);
    let authorization = parts
        .headers
        .get("authorization")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let log_base = |status: u16,
                    response_headers: Vec<(String, String)>,
                    body: &[u8],
                    fault: Option<String>| LoggedRequest {
        host: listener_host.clone(),
        listener: if other_host {
            Listener::OtherHost
        } else {
            Listener::Registry
        },
        method: parts.method.to_string(),
        path: match &raw_query {
            Some(q) => format!("{path}?{q}"),
            None => path.clone(),
        },
        status,
        authorization: authorization.clone(),
        request_headers: request_headers.clone(),
        response_headers,
        response_body_prefix: String::from_utf8_lossy(&body[..body.len().min(256)]).into_owned(),
        elapsed_ms,
        fault,
    };

    // Bound memory per request: manifests may not exceed 4 MiB, anything else 64 MiB. A declared
    // Content-Length over the limit is refused before reading; a body that grows past it is cut off.
    let is_manifest_put =
        parts.method == http::Method::PUT && matches!(Route::parse(&path), Route::Manifest { .. });
    let limit = if is_manifest_put {
        MAX_MANIFEST_BYTES
    } else {
        MAX_BLOB_BYTES
    };
    let too_large = || {
        let what = if is_manifest_put {
            "manifest exceeds the 4 MiB limit"
        } else {
            "request body exceeds the 64 MiB limit"
        };
        Resp::error(413, "SIZE_INVALID", what)
    };
    let declared = parts
        .headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    // Read at most `limit` bytes into memory; past it, keep reading but discard (up to DRAIN_CAP) so the client
    // gets to read the 413 instead of a connection reset.
    let mut over = declared.is_some_and(|n| n > limit as u64);
    let mut buf: Vec<u8> = Vec::new();
    let mut total: u64 = 0;
    let mut body = body;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| std::io::Error::other("client body error"))?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        total = total.saturating_add(data.len() as u64);
        if !over {
            if buf.len() + data.len() > limit {
                over = true;
                buf = Vec::new();
            } else {
                buf.extend_from_slice(&data);
            }
        }
        if over && total > DRAIN_CAP {
            break;
        }
    }
    if over {
        let r = finalize(too_large());
        state.push_log(log_base(r.status, r.headers.clone(), &r.body, None));
        return Ok(to_hyper(r, false));
    }
    let body = Bytes::from(buf);
    let req = Req {
        method: parts.method.clone(),
        path: path.clone(),
        query: raw_query.as_deref().map(parse_query).unwrap_or_default(),
        raw_query: raw_query.clone(),
        headers: parts.headers.clone(),
        body,
        other_host,
        scheme,
        listener_host: listener_host.clone(),
    };
    let (outcome, faults) = pipeline::handle(&state, &req).await;
    let fault = (!faults.is_empty()).then(|| faults.join(","));
    match outcome {
        Outcome::Reset => {
            state.push_log(log_base(0, vec![], &[], fault));
            Err(std::io::Error::other("fault: reset"))
        }
        Outcome::Respond(r) => {
            let r = finalize(r);
            state.push_log(log_base(r.status, r.headers.clone(), &r.body, fault));
            Ok(to_hyper(r, false))
        }
        Outcome::Stall(r) => {
            let r = finalize(r);
            state.push_log(log_base(r.status, r.headers.clone(), &r.body, fault));
            // Nothing to withhold after the headers of a body-less answer (a redirect): it goes out whole.
            let stall = !r.body.is_empty();
            Ok(to_hyper(r, stall))
        }
    }
}

/// Add `Content-Length` (except on 1xx/204/304) so the log shows what was sent.
fn finalize(mut r: Resp) -> Resp {
    if r.status != 204 && r.status != 304 && r.status >= 200 {
        r.set_header("content-length", r.body.len().to_string());
    }
    r
}

fn to_hyper(r: Resp, stall: bool) -> Response<ResBody> {
    let status =
        http::StatusCode::from_u16(r.status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    let body = if stall {
        // At most 16 bytes and never the whole body, so the client always waits for more.
        let n = (r.body.len() / 2).min(16);
        ResBody::Stall((n > 0).then(|| r.body.slice(..n)))
    } else if r.body.is_empty() {
        ResBody::Full(None)
    } else {
        ResBody::Full(Some(r.body))
    };
    let mut resp = Response::new(body);
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    for (k, v) in r.headers {
        if let (Ok(k), Ok(v)) = (
            http::HeaderName::from_bytes(k.as_bytes()),
            http::HeaderValue::from_str(&v),
        ) {
            h.append(k, v);
        }
    }
    resp
}
