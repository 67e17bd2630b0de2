//! What one `Discoverer` shares between the subjects it discovers: the HTTP client, the
//! options, the metrics handle, the capability cache per repository and the per-repository probe locks.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::types::{Capability, DiscoveryOptions};
use crate::http::HttpClient;
use crate::telemetry::Metrics;

/// The state behind a `Discoverer` (one registry).
pub(super) struct Shared {
    pub client: HttpClient,
    pub opts: DiscoveryOptions,
    pub metrics: Metrics,
    /// Registry `host[:port]`.
    pub host: String,
    /// The learned capability of each repository, and when it was learned.
    cache: Mutex<HashMap<String, (Capability, Instant)>>,
    /// One lock per repository, held while its capability is being learned.
    probe_locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl Shared {
    pub fn new(
        client: HttpClient,
        opts: DiscoveryOptions,
        metrics: Metrics,
        host: String,
    ) -> Shared {
        Shared {
            client,
            opts,
            metrics,
            host,
            cache: Mutex::new(HashMap::new()),
            probe_locks: Mutex::new(HashMap::new()),
        }
    }

    /// The cached capability of `repository`, if learned and not expired.
    pub fn capability(&self, repository: &str) -> Option<Capability> {
        let cache = self.cache.lock().ok()?;
        cache
            .get(repository)
            .filter(|(_, at)| at.elapsed() < self.opts.capability_ttl)
            .map(|(c, _)| c.clone())
    }

    /// Whether the cached (unexpired) capability of `repository` says the referrers API works, without cloning it.
    pub fn cached_referrers_api(&self, repository: &str) -> Option<bool> {
        let cache = self.cache.lock().ok()?;
        cache
            .get(repository)
            .filter(|(_, at)| at.elapsed() < self.opts.capability_ttl)
            .map(|(c, _)| c.referrers_api)
    }

    /// Cache `cap` as the capability of `repository`, learned now.
    pub fn remember(&self, repository: &str, cap: Capability) {
        if let Ok(mut c) = self.cache.lock() {
            c.insert(repository.to_string(), (cap, Instant::now()));
        }
    }

    /// The lock held while the capability of `repository` is being learned.
    pub fn probe_lock(&self, repository: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.probe_locks.lock().unwrap_or_else(|p| p.into_inner());
        locks.entry(repository.to_string()).or_default().clone()
    }
}
