//! Registry throughput on loopback, one closed-loop load generator for all: 32 kept-alive connections sending the
//! same GET back to back. The fake answers its referrers GET (and, for comparison, its manifest GET); the real
//! registries (CNCF Distribution 2.8.2, ferro-oci-server 1.0.0), started here as processes, answer a manifest GET.
//!
//! Stable ids: `throughput/fake/{referrers-get,manifest-get}`, `throughput/distribution-2.8.2/manifest-get`,
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

/// Connections of the load generator.
const CONNECTIONS: usize = 32;

fn bench_load(c: &mut Criterion, rt: &tokio::runtime::Runtime, id: &str, mut load: Load) {
    record::meta(id, "connections", CONNECTIONS);
    let (group, name) = id.rsplit_once('/').expect("group/name");
    let mut g = c.benchmark_group(group);
    g.throughput(Throughput::Elements(1));
    g.bench_function(name, |b| {
        b.iter_custom(|n| {
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
    for (id, req) in [
        ("throughput/fake/referrers-get", referrers),
        ("throughput/fake/manifest-get", manifest),
    ] {
        let load = rt
            .block_on(Load::open(addr, CONNECTIONS, req, 200))
            .expect("load on the fake");
        bench_load(&mut c, &rt, id, load);
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
            Ok(load) => bench_load(&mut c, &rt, &id, load),
            Err(e) => {
                eprintln!("{id}: skipped: {e}");
                record::meta(&id, "skipped", e);
            }
        }
    }
    c.final_summary();
    record::flush();
}
