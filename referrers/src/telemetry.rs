//! Metrics with the seed runbook's names and labels, rendered in the Prometheus text format (exposition format
//! 0.0.4), and the seed's log lines (emitted through `tracing`).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// Thread-safe counters; cheap to clone (shared inside).
#[derive(Clone, Default, Debug)]
pub struct Metrics {
    inner: Arc<Mutex<Counters>>,
}

#[derive(Default, Debug)]
struct Counters {
    probed: BTreeMap<(String, bool), u64>,
    method: BTreeMap<(String, String), u64>,
    failures: BTreeMap<String, u64>,
}

impl Metrics {
    /// A fresh set of counters.
    pub fn new() -> Metrics {
        Metrics::default()
    }

    /// `export_registry_capabilities_probed_total{registry, api_supported}` += 1.
    pub fn record_probe(&self, registry: &str, api_supported: bool) {
        if let Ok(mut c) = self.inner.lock() {
            *c.probed
                .entry((registry.to_string(), api_supported))
                .or_default() += 1;
        }
    }

    /// `export_referrer_discovery_method_total{registry, method}` += 1.
    pub fn record_method(&self, registry: &str, method: &str) {
        if let Ok(mut c) = self.inner.lock() {
            *c.method
                .entry((registry.to_string(), method.to_string()))
                .or_default() += 1;
        }
    }

    /// `export_referrer_discovery_failures_total{registry}` += 1.
    pub fn record_failure(&self, registry: &str) {
        if let Ok(mut c) = self.inner.lock() {
            *c.failures.entry(registry.to_string()).or_default() += 1;
        }
    }

    /// Current value of the probe counter (tests, harness).
    pub fn probes(&self, registry: &str, api_supported: bool) -> u64 {
        self.inner
            .lock()
            .ok()
            .and_then(|c| {
                c.probed
                    .get(&(registry.to_string(), api_supported))
                    .copied()
            })
            .unwrap_or(0)
    }

    /// Current value of the method counter.
    pub fn methods(&self, registry: &str, method: &str) -> u64 {
        self.inner
            .lock()
            .ok()
            .and_then(|c| {
                c.method
                    .get(&(registry.to_string(), method.to_string()))
                    .copied()
            })
            .unwrap_or(0)
    }

    /// Current value of the failure counter.
    pub fn failures(&self, registry: &str) -> u64 {
        self.inner
            .lock()
            .ok()
            .and_then(|c| c.failures.get(registry).copied())
            .unwrap_or(0)
    }

    /// The three counters in Prometheus text format; `api_supported` is `true` or `false`.
    pub fn render_prometheus(&self) -> String {
        let Ok(c) = self.inner.lock() else {
            return String::new();
        };
        let mut out = String::new();
        out.push_str("# HELP export_registry_capabilities_probed_total Registry capability probes, by registry and whether the OCI 1.1 referrers API is supported.\n");
        out.push_str("# TYPE export_registry_capabilities_probed_total counter\n");
        for ((r, s), n) in &c.probed {
            out.push_str(&format!(
                "export_registry_capabilities_probed_total{{registry=\"{}\",api_supported=\"{}\"}} {n}\n",
                escape(r),
                s
            ));
        }
        out.push_str("# HELP export_referrer_discovery_method_total Referrer discoveries, by registry and the method used.\n");
        out.push_str("# TYPE export_referrer_discovery_method_total counter\n");
        for ((r, m), n) in &c.method {
            out.push_str(&format!(
                "export_referrer_discovery_method_total{{registry=\"{}\",method=\"{}\"}} {n}\n",
                escape(r),
                escape(m)
            ));
        }
        out.push_str("# HELP export_referrer_discovery_failures_total Referrer discoveries that ended incomplete or failed, by registry.\n");
        out.push_str("# TYPE export_referrer_discovery_failures_total counter\n");
        for (r, n) in &c.failures {
            out.push_str(&format!(
                "export_referrer_discovery_failures_total{{registry=\"{}\"}} {n}\n",
                escape(r)
            ));
        }
        out
    }
}

/// Escape a label value (backslash, double quote, newline).
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The seed's batch line: `Probing N registries for OCI referrer capabilities before export`.
pub fn probing_line(n: usize) -> String {
    format!("Probing {n} registries for OCI referrer capabilities before export")
}

/// The seed's per-registry line. `version` is the `Docker-Distribution-API-Version` seen, or `unknown` (the
/// seed's `OCI-Distribution/2.1` is invented: no registry sends such a header).
pub fn registry_line(host: &str, supported: bool, version: Option<&str>, probe_ms: u64) -> String {
    let v = version.filter(|v| !v.is_empty()).unwrap_or("unknown");
    if supported {
        format!(
            "Registry {host}: OCI 1.1 (referrers API supported, version={v}, probe_ms={probe_ms})"
        )
    } else {
        format!(
            "Registry {host}: OCI 1.0 (using fallback tag discovery, version={v}, probe_ms={probe_ms})"
        )
    }
}

/// Emit the per-registry line: info when supported, warn when falling back (as the seed's example shows).
pub fn log_registry_line(host: &str, supported: bool, version: Option<&str>, probe_ms: u64) {
    let line = registry_line(host, supported, version, probe_ms);
    if supported {
        tracing::info!("{line}");
    } else {
        tracing::warn!("{line}");
    }
}

/// Emit the batch line.
pub fn log_probing_line(n: usize) {
    tracing::info!("{}", probing_line(n));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_seed_metric_names() {
        let m = Metrics::new();
        m.record_probe("ghcr.io", false);
        m.record_probe("r\"x", true);
        m.record_method("ghcr.io", "tag-schema+cosign-tags");
        m.record_failure("ghcr.io");
        m.record_failure("ghcr.io");
        let t = m.render_prometheus();
        assert!(t.contains("export_registry_capabilities_probed_total{registry=\"ghcr.io\",api_supported=\"false\"} 1\n"));
        assert!(t.contains("registry=\"r\\\"x\",api_supported=\"true\"} 1"));
        assert!(t.contains("export_referrer_discovery_method_total{registry=\"ghcr.io\",method=\"tag-schema+cosign-tags\"} 1"));
        assert!(t.contains("export_referrer_discovery_failures_total{registry=\"ghcr.io\"} 2"));
        assert_eq!(m.failures("ghcr.io"), 2);
    }

    #[test]
    fn seed_log_lines() {
        assert_eq!(
            probing_line(2),
            "Probing 2 registries for OCI referrer capabilities before export"
        );
        assert_eq!(
            registry_line("gcr.io", true, Some("registry/2.0"), 42),
            "Registry gcr.io: OCI 1.1 (referrers API supported, version=registry/2.0, probe_ms=42)"
        );
        assert_eq!(
            registry_line("ghcr.io", false, None, 85),
            "Registry ghcr.io: OCI 1.0 (using fallback tag discovery, version=unknown, probe_ms=85)"
        );
    }
}
