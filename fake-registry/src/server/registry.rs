//! The fake's handle and its builder: [`Builder::start`] binds both listeners, seeds the store and starts the
//! server thread ([`super::connection::run`]); [`FakeRegistry`] reads the request log and ground truth, changes
//! faults while running, and shuts the server down on Drop.

use std::net::{Ipv4Addr, SocketAddr, TcpListener as StdListener};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;

use tokio::sync::watch;

use super::connection::run;
use crate::api;
use crate::fault::{ArmedFault, FaultRule};
use crate::profile::{Profile, Referrers};
use crate::request_log::LoggedRequest;
use crate::seed::{self, SeedError, SeedSpec, Seeded};
use crate::state::State;
use crate::store::Descriptor;
use crate::tls::{self, TlsError};

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
    pub fn listed_referrers(&self, repo: &str, subject: &str) -> Option<Vec<Descriptor>> {
        let Referrers::Api(cfg) = &self.state.profile.behaviour().referrers else {
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
