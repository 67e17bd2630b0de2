//! The seed's log lines, emitted through tracing during discovery.

use crate::support::*;
use referrers::Metrics;
use referrers::discovery::{Discoverer, DiscoveryOptions, Subject, probe_registries};
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn seed_log_lines_are_emitted() {
    let cap = Capture::default();
    let c2 = cap.clone();
    let sub = tracing_subscriber::fmt()
        .with_writer(move || c2.clone())
        .with_ansi(false)
        .finish();
    let _g = tracing::subscriber::set_default(sub);

    let mut repo = Repo::new("a/b");
    repo.image("v1", "x");
    let repo = Arc::new(repo);
    let r2 = repo.clone();
    let ok = Server::start(move |r| {
        if r.path().contains("/referrers/") {
            return Response::index(&[]).header("Docker-Distribution-API-Version", "registry/2.0");
        }
        r2.serve(r).unwrap_or_else(Response::not_found)
    })
    .await;
    let old = Server::start(move |r| repo.serve(r).unwrap_or_else(Response::not_found)).await;
    let m = Metrics::new();
    let d1 = Discoverer::new(config(&ok.url()), DiscoveryOptions::default(), m.clone()).unwrap();
    let d2 = Discoverer::new(config(&old.url()), DiscoveryOptions::default(), m.clone()).unwrap();
    probe_registries(&[
        (&d1, Subject::tag("a/b", "v1")),
        (&d2, Subject::tag("a/b", "v1")),
    ])
    .await;
    let text = String::from_utf8(cap.0.lock().unwrap().clone()).unwrap();
    assert!(
        text.contains("Probing 2 registries for OCI referrer capabilities before export"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "Registry {}: OCI 1.1 (referrers API supported, version=registry/2.0, probe_ms=",
            ok.host()
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "Registry {}: OCI 1.0 (using fallback tag discovery, version=unknown, probe_ms=",
            old.host()
        )),
        "{text}"
    );
    assert!(text.contains("WARN"), "the fallback line is a warning");
    let prom = m.render_prometheus();
    assert!(prom.contains(&format!(
        "export_registry_capabilities_probed_total{{registry=\"{}\",api_supported=\"false\"}} 1",
        old.host()
    )));
}
