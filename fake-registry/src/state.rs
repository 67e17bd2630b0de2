//! The state one running fake shares between its listeners and connections.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, RwLock};
use std::time::Instant;

use crate::fault::ArmedFault;
use crate::profile::Profile;
use crate::request_log::LoggedRequest;
use crate::store::Store;

/// Most request-log entries kept (oldest dropped first), so a long-running binary does not grow without bound.
pub const MAX_LOG_ENTRIES: usize = 20_000;
/// Most tokens remembered; past it the older half is forgotten.
pub const MAX_TOKENS: usize = 100_000;

pub(crate) struct State {
    pub store: Store,
    pub profile: Profile,
    pub page_size: usize,
    /// Configured credentials (then required).
    pub credentials: Option<(String, String)>,
    /// token -> principal (user name, or "anonymous").
    pub tokens: Mutex<HashMap<String, String>>,
    pub token_counter: AtomicU64,
    pub faults: RwLock<Vec<ArmedFault>>,
    /// A ring: the oldest entry is dropped in O(1) once the cap is reached (a `Vec` moved the whole log).
    pub log: Mutex<VecDeque<LoggedRequest>>,
    pub started: Instant,
    /// `scheme://127.0.0.2:port` of the other-host listener.
    pub other_base: String,
    /// Docker Hub pull counter (manifest GETs).
    pub pulls: AtomicU64,
    /// Requests being handled right now (both listeners), and the most ever handled at once.
    pub in_flight: InFlight,
    /// Referrers answers by (repository, digest, query), with the store generation they were computed at.
    pub referrers_cache: Mutex<HashMap<String, (u64, crate::message::Resp)>>,
}

/// Most cached referrers answers; past it the cache starts over.
pub const MAX_CACHED_ANSWERS: usize = 4_096;

/// Counts requests in flight and remembers the peak, so tests can check a client's concurrency bound.
#[derive(Debug, Default)]
pub(crate) struct InFlight {
    now: std::sync::atomic::AtomicUsize,
    peak: std::sync::atomic::AtomicUsize,
}

impl InFlight {
    /// Marks one request in flight until the returned guard drops.
    pub fn enter(&self) -> InFlightGuard<'_> {
        let n = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(n, Ordering::SeqCst);
        InFlightGuard(self)
    }

    /// The most requests ever in flight at once.
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }

    /// Forgets the peak (keeps the current count).
    pub fn reset_peak(&self) {
        self.peak
            .store(self.now.load(Ordering::SeqCst), Ordering::SeqCst);
    }
}

/// Leaves the in-flight count when dropped.
pub(crate) struct InFlightGuard<'a>(&'a InFlight);

impl Drop for InFlightGuard<'_> {
    fn drop(&mut self) {
        self.0.now.fetch_sub(1, Ordering::SeqCst);
    }
}

impl State {
    pub fn new(
        profile: Profile,
        page_size: usize,
        credentials: Option<(String, String)>,
        faults: Vec<crate::fault::FaultRule>,
        other_base: String,
    ) -> State {
        State {
            store: Store::default(),
            profile,
            page_size,
            credentials,
            tokens: Mutex::default(),
            token_counter: AtomicU64::new(1),
            faults: RwLock::new(faults.into_iter().map(ArmedFault::new).collect()),
            log: Mutex::default(),
            started: Instant::now(),
            other_base,
            pulls: AtomicU64::new(0),
            in_flight: Default::default(),
            referrers_cache: Mutex::default(),
        }
    }

    pub fn lock_log(&self) -> MutexGuard<'_, VecDeque<LoggedRequest>> {
        self.log.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn push_log(&self, entry: LoggedRequest) {
        let mut log = self.lock_log();
        while log.len() >= MAX_LOG_ENTRIES {
            log.pop_front();
        }
        log.push_back(entry);
    }

    pub fn lock_tokens(&self) -> MutexGuard<'_, HashMap<String, String>> {
        self.tokens.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Issue a token for `principal`.
    pub fn issue_token(&self, principal: &str) -> String {
        let n = self.token_counter.fetch_add(1, Ordering::SeqCst);
        let token = format!(
            "fake.{n}.{}",
            &crate::digest::sha256(format!("{principal}/{n}/{:?}", self.started).as_bytes())[7..39]
        );
        let mut tokens = self.lock_tokens();
        if tokens.len() >= MAX_TOKENS {
            // Forget the older half (clients re-authenticate on 401, as with an expired token).
            let keep_from = n.saturating_sub(MAX_TOKENS as u64 / 2);
            tokens.retain(|t, _| {
                t.split('.')
                    .nth(1)
                    .and_then(|x| x.parse::<u64>().ok())
                    .is_some_and(|i| i >= keep_from)
            });
        }
        tokens.insert(token.clone(), principal.to_string());
        token
    }
}
