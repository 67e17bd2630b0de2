//! Registry throughput on loopback, one closed-loop load generator for all: 32 kept-alive connections sending the
//! same GET back to back. The fake answers its referrers GET (and, for comparison, its manifest GET); the real
//! registries (CNCF Distribution 2.8.2, ferro-oci-server 1.0.0), started here as processes, answer a manifest GET.
//!
//! Stable ids: `throughput/fake/{referrers-get,manifest-get,referrers-get-log-full}`, `throughput/distribution-2.8.2/manifest-get`,
//! `throughput/ferro-oci-server-1.0.0/manifest-get`. One criterion iteration is one request (so criterion's time
//! per iteration is the inverse throughput). Real registries are skipped, with the reason printed, in `--test`
//! mode or when their binary is missing.

use std::time::Duration;

use benches::fixture::{Fixture, Kind};
use benches::floor::{self, ReplayRequest};
use benches::load::Load;
use benches::real::{OCI_MANIFEST, RealKind, RealRegistry};
use benches::{quick_mode, record};
use criterion::{Criterion, Throughput};
use fake_registry::FakeRegistry;

/// Requests the fake's log keeps (fake-registry `MAX_LOG_ENTRIES`, documented in its crate docs).
const LOG_CAP: u64 = 20_000;

/// Connections of the load generator.
const CONNECTIONS: usize = 32;

/// `clear`: empty the fake's request log before each sample (outside the timing), so it stays below its cap.
fn bench_load(
    c: &mut Criterion,
    rt: &tokio::runtime::Runtime,
    id: &str,
    mut load: Load,
    clear: Option<&FakeRegistry>,
) {
    record::meta(id, "connections", CONNECTIONS);
    let (group, name) = id.rsplit_once('/').expect("group/name");
    let mut g = c.benchmark_group(group);
    g.throughput(Throughput::Elements(1));
    g.bench_function(name, |b| {
        b.iter_custom(|n| {
            if let Some(f) = clear {
                f.clear_log();
            }
            let took = rt.block_on(load.run(n)).expect("load run");
            record::sample(id, n, took);
            took
        })
    });
    g.finish();
}

fn main() {
    let mut c = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");

    let fx = Fixture::start(Kind::Api);
    let url = fx.url();
    let addr = floor::addr_of(&url);
    let host = addr.to_string();
    let digest = &fx.digests[0];
    let referrers = ReplayRequest::get(
        &host,
        &format!("/v2/{}/referrers/{digest}", fx.repository),
        Some("application/vnd.oci.image.index.v1+json"),
    );
    let manifest = ReplayRequest::get(
        &host,
        &format!("/v2/{}/manifests/{digest}", fx.repository),
        Some(OCI_MANIFEST),
    );
    for (id, req, clear) in [
        ("throughput/fake/referrers-get", referrers.clone(), true),
        ("throughput/fake/manifest-get", manifest, true),
        // The fake as it behaves after 20,000 requests: its log is full and evicts on every request.
        ("throughput/fake/referrers-get-log-full", referrers, false),
    ] {
        let mut load = rt
            .block_on(Load::open(addr, CONNECTIONS, req, 200))
            .expect("load on the fake");
        if !clear && !quick_mode() {
            rt.block_on(load.run(LOG_CAP)).expect("fill the log");
        }
        record::meta(id, "log_cleared_before_each_sample", clear);
        bench_load(&mut c, &rt, id, load, clear.then_some(&fx.registry));
    }
    drop(fx);

    for kind in [RealKind::Distribution, RealKind::Ferro] {
        let id = format!("throughput/{}/manifest-get", kind.name());
        if quick_mode() {
            eprintln!("{id}: skipped in --test mode (real registry processes are not started)");
            continue;
        }
        let reg = match rt.block_on(RealRegistry::start(kind)) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("{id}: skipped: {e}");
                record::meta(&id, "skipped", e);
                continue;
            }
        };
        match rt.block_on(Load::open(reg.addr, CONNECTIONS, reg.manifest_get(), 200)) {
            Ok(load) => bench_load(&mut c, &rt, &id, load, None),
            Err(e) => {
                eprintln!("{id}: skipped: {e}");
                record::meta(&id, "skipped", e);
            }
        }
    }
    c.final_summary();
    record::flush();
}
