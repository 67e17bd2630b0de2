//! Discovery latency on loopback against the fake: ours, the floor (bare hyper replaying our exact requests) and the
//! peer (`oci-client`), warm and cold, on the referrers API, the tag-schema fallback and cosign tags; paging; and a
//! 1,000-subject run at 2 ms per request with 32 at a time.
//!
//! Stable ids: `discovery/{api,api-token,tag-schema,cosign}/{warm,cold}/{ours,floor,oci-client}`,
//! `discovery/{api,api-token,tag-schema,cosign,paging}/warm/floor-reqwest` (the same requests through reqwest
//! configured as ours, parsing nothing),
//! `discovery/cosign/warm/oci-client-cosign` (the peer plus the code its users must add for cosign tags),
//! `discovery/paging/warm/{ours,floor,oci-client}`, `discovery/scale/1000x32/{ours,floor}`.
//! `bash benches/run.sh` runs this and writes docs/benchmarks.md; `cargo bench -p benches -- --test` runs each once.

use std::collections::BTreeSet;
use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use benches::fixture::{self, Fixture, Kind, SCALE_CONCURRENCY};
use benches::floor::{self, FloorConn, ReplayRequest};
use benches::{peer, quick_mode, record};
use criterion::Criterion;
use referrers::discovery::{Discoverer, DiscoveryResult};

fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

fn digests(r: &DiscoveryResult) -> BTreeSet<String> {
    r.referrers.iter().map(|x| x.digest.clone()).collect()
}

/// One criterion sample: the fake's request log is emptied first (outside the timing), so every sample meets the
/// fake in the same state whatever ran before (the log keeps up to 20,000 requests; before fake-registry 134aa28
/// evicting from a full log cost a move of the whole log per request).
fn timed(fx: &Fixture, id: &str, n: u64, op: impl FnMut()) -> Duration {
    fx.registry.clear_log();
    record::timed(id, n, op)
}

fn check(what: &str, r: &DiscoveryResult, expected: usize) {
    assert!(
        r.complete && r.referrers.len() == expected,
        "{what}: expected {expected} referrers, complete; got {} ({:?}, errors {:?})",
        r.referrers.len(),
        r.method,
        r.errors
    );
}

/// Our requests for one discovery, read off the fake's log.
fn logged(
    fx: &Fixture,
    rt: &tokio::runtime::Runtime,
    run: impl AsyncFnOnce(),
) -> Vec<ReplayRequest> {
    fx.registry.clear_log();
    rt.block_on(run());
    floor::from_log(&fx.registry.request_log())
}

/// Warm and cold of one fixture (the three paths, and paging warm only).
fn one_path(c: &mut Criterion, kind: Kind, cold: bool) {
    let fx = Fixture::start(kind);
    let rt = current_thread();
    let url = fx.url();
    let addr = floor::addr_of(&url);
    let subject = fx.subject();
    let expected = fx.expected_referrers;
    let base = format!("discovery/{}", kind.name());

    // Ours, warmed: capability cached, connection open.
    let ours = fixture::discoverer(&url, kind);
    let first = rt.block_on(ours.discover(&subject));
    check("ours (first)", &first, expected);
    let truth = digests(&first);
    let warm_reqs = logged(&fx, &rt, async || {
        let r = ours.discover(&subject).await;
        check("ours (warm)", &r, expected);
    });
    let cold_reqs = logged(&fx, &rt, async || {
        let r = fixture::discoverer(&url, kind).discover(&subject).await;
        check("ours (cold)", &r, expected);
    });

    // The peer.
    let peer_client = peer::client();
    let peer_ref = peer::reference(&url, &fx.repository, &fx.digests[0]);
    let token = fx.needs_token();
    if token {
        rt.block_on(peer::login(&peer_client, &peer_ref))
            .expect("oci-client login");
    }
    let peer_cold_reqs = logged(&fx, &rt, async || {
        let _ = peer::cold_pull(&peer_ref, token).await;
    });
    let peer_answer = rt.block_on(peer::pull(&peer_client, &peer_ref));
    let peer_reqs = logged(&fx, &rt, async || {
        let _ = peer::pull(&peer_client, &peer_ref).await;
    });
    let (peer_found, same, peer_error) = match &peer_answer {
        Ok(set) => (set.len(), *set == truth, None),
        Err(e) => (0, false, Some(e.clone())),
    };

    for (phase, reqs) in [("warm", &warm_reqs), ("cold", &cold_reqs)] {
        if phase == "cold" && !cold {
            continue;
        }
        let id = format!("{base}/{phase}/ours");
        record::meta(&id, "requests", reqs.len());
        record::meta(
            &id,
            "request_lines",
            reqs.iter()
                .map(|r| format!("{} {}", r.method, r.path))
                .collect::<Vec<_>>(),
        );
        record::meta(&id, "referrers", truth.len());
        record::meta(&format!("{base}/{phase}/floor"), "requests", reqs.len());
        if phase == "warm" {
            record::meta(
                &format!("{base}/warm/floor-reqwest"),
                "requests",
                reqs.len(),
            );
        }
        let pid = format!("{base}/{phase}/oci-client");
        let pr = if phase == "warm" {
            &peer_reqs
        } else {
            &peer_cold_reqs
        };
        record::meta(&pid, "requests", pr.len());
        record::meta(
            &pid,
            "request_lines",
            pr.iter()
                .map(|r| format!("{} {}", r.method, r.path))
                .collect::<Vec<_>>(),
        );
        record::meta(&pid, "referrers", peer_found);
        record::meta(&pid, "same_answer", same);
        if let Some(e) = &peer_error {
            record::meta(&pid, "error", e);
        }
    }
    if let Some(e) = &peer_error {
        eprintln!("{base}: oci-client failed: {e}");
    }

    // On the cosign path, also the peer plus the code its users must add for cosign tags.
    let cosign_peer = kind == Kind::Cosign;
    if cosign_peer {
        let pid = format!("{base}/warm/oci-client-cosign");
        let answer = rt.block_on(peer::pull_with_cosign_tags(&peer_client, &peer_ref));
        let reqs = logged(&fx, &rt, async || {
            let _ = peer::pull_with_cosign_tags(&peer_client, &peer_ref).await;
        });
        record::meta(&pid, "requests", reqs.len());
        record::meta(
            &pid,
            "request_lines",
            reqs.iter()
                .map(|r| format!("{} {}", r.method, r.path))
                .collect::<Vec<_>>(),
        );
        match &answer {
            Ok(set) => {
                record::meta(&pid, "referrers", set.len());
                record::meta(&pid, "same_answer", *set == truth);
            }
            Err(e) => {
                record::meta(&pid, "referrers", 0);
                record::meta(&pid, "same_answer", false);
                record::meta(&pid, "error", e);
            }
        }
    }

    let mut g = c.benchmark_group(&base);
    // Warm.
    let id = format!("{base}/warm/ours");
    g.bench_function("warm/ours", |b| {
        b.iter_custom(|n| {
            timed(&fx, &id, n, || {
                black_box(rt.block_on(ours.discover(&subject)));
            })
        })
    });
    let mut conn = rt
        .block_on(FloorConn::connect(addr))
        .expect("floor connect");
    let id = format!("{base}/warm/floor");
    g.bench_function("warm/floor", |b| {
        b.iter_custom(|n| {
            timed(&fx, &id, n, || {
                black_box(rt.block_on(conn.replay(&warm_reqs)).expect("floor replay"));
            })
        })
    });
    let reqwest_floor = floor::ReqwestFloor::new(&url);
    rt.block_on(reqwest_floor.replay(&warm_reqs))
        .expect("reqwest floor replay");
    let id = format!("{base}/warm/floor-reqwest");
    g.bench_function("warm/floor-reqwest", |b| {
        b.iter_custom(|n| {
            timed(&fx, &id, n, || {
                black_box(
                    rt.block_on(reqwest_floor.replay(&warm_reqs))
                        .expect("reqwest floor replay"),
                );
            })
        })
    });
    let id = format!("{base}/warm/oci-client");
    g.bench_function("warm/oci-client", |b| {
        b.iter_custom(|n| {
            timed(&fx, &id, n, || {
                let _ = black_box(rt.block_on(peer::pull(&peer_client, &peer_ref)));
            })
        })
    });
    if cosign_peer {
        let id = format!("{base}/warm/oci-client-cosign");
        g.bench_function("warm/oci-client-cosign", |b| {
            b.iter_custom(|n| {
                timed(&fx, &id, n, || {
                    let _ = black_box(
                        rt.block_on(peer::pull_with_cosign_tags(&peer_client, &peer_ref)),
                    );
                })
            })
        });
    }
    if cold {
        let id = format!("{base}/cold/ours");
        g.bench_function("cold/ours", |b| {
            b.iter_custom(|n| {
                timed(&fx, &id, n, || {
                    black_box(rt.block_on(async {
                        fixture::discoverer(&url, kind).discover(&subject).await
                    }));
                })
            })
        });
        let id = format!("{base}/cold/floor");
        g.bench_function("cold/floor", |b| {
            b.iter_custom(|n| {
                timed(&fx, &id, n, || {
                    black_box(
                        rt.block_on(async {
                            let mut c = FloorConn::connect(addr).await?;
                            c.replay(&cold_reqs).await
                        })
                        .expect("floor replay"),
                    );
                })
            })
        });
        let id = format!("{base}/cold/oci-client");
        g.bench_function("cold/oci-client", |b| {
            b.iter_custom(|n| {
                timed(&fx, &id, n, || {
                    let _ = black_box(rt.block_on(peer::cold_pull(&peer_ref, token)));
                })
            })
        });
    }
    g.finish();
}

/// Median time of one request on the scale fixture (2 ms latency fault), as the floor sees it.
fn measure_hold(
    rt: &tokio::runtime::Runtime,
    addr: std::net::SocketAddr,
    req: &ReplayRequest,
) -> Duration {
    let n = if quick_mode() { 5 } else { 200 };
    rt.block_on(async {
        let mut c = FloorConn::connect(addr).await.expect("floor connect");
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            let t = Instant::now();
            c.send(req).await.expect("hold request");
            v.push(t.elapsed());
        }
        v.sort();
        v[v.len() / 2]
    })
}

fn scale(c: &mut Criterion) {
    let fx = Fixture::start(Kind::Scale);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let url = fx.url();
    let addr = floor::addr_of(&url);
    let subjects = fx.subjects();
    let ours: Discoverer = fixture::discoverer(&url, Kind::Scale);
    let cold_start = Instant::now();
    let first = rt.block_on(ours.discover_many(&subjects));
    let cold_ms = cold_start.elapsed().as_secs_f64() * 1e3;
    for r in &first {
        check("scale (first)", r, fx.expected_referrers);
    }
    fx.registry.clear_log();
    rt.block_on(ours.discover_many(&subjects));
    let log = fx.registry.request_log();
    let peak = fx.registry.peak_in_flight();
    let reqs = floor::from_log(&log);
    let hold = measure_hold(&rt, addr, &reqs[0]);
    let ideal = hold.mul_f64(reqs.len() as f64 / SCALE_CONCURRENCY as f64);
    let base = "discovery/scale/1000x32";
    let id = format!("{base}/ours");
    record::meta(&id, "requests", reqs.len());
    record::meta(&id, "subjects", subjects.len());
    record::meta(&id, "concurrency", SCALE_CONCURRENCY);
    record::meta(&id, "hold_ns", hold.as_nanos() as u64);
    record::meta(&id, "ideal_ns", ideal.as_nanos() as u64);
    record::meta(&id, "first_run_ms", cold_ms);
    record::meta(&id, "peak_in_flight_at_fake", peak);

    let mut g = c.benchmark_group(base);
    g.sample_size(10);
    g.bench_function("ours", |b| {
        b.iter_custom(|n| {
            timed(&fx, &id, n, || {
                black_box(rt.block_on(ours.discover_many(&subjects)));
            })
        })
    });
    // The floor: the same 1,000 requests over 32 kept-alive connections, each taking the next request.
    let reqs = Arc::new(reqs);
    let mut conns: Vec<FloorConn> = rt.block_on(async {
        let mut v = Vec::new();
        for _ in 0..SCALE_CONCURRENCY {
            v.push(FloorConn::connect(addr).await.expect("floor connect"));
        }
        v
    });
    // Evidence for the report: what one request takes at 32 in flight (the ideal assumes the sequential hold).
    let at_concurrency = rt.block_on(async {
        let next = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..SCALE_CONCURRENCY {
            let (next, reqs) = (next.clone(), reqs.clone());
            tasks.push(tokio::spawn(async move {
                let mut c = FloorConn::connect(addr).await.expect("floor connect");
                let mut took = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(r) = reqs.get(i) else { break };
                    let t = Instant::now();
                    c.send(r).await.expect("floor request");
                    took.push(t.elapsed());
                }
                took
            }));
        }
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.expect("floor task"));
        }
        all.sort();
        all[all.len() / 2]
    });
    record::meta(
        &format!("{base}/ours"),
        "floor_request_median_ns_at_concurrency",
        at_concurrency.as_nanos() as u64,
    );
    let id = format!("{base}/floor");
    g.bench_function("floor", |b| {
        b.iter_custom(|n| {
            timed(&fx, &id, n, || {
                conns = rt.block_on(async {
                    let next = Arc::new(AtomicUsize::new(0));
                    let mut tasks = Vec::new();
                    for mut c in conns.drain(..) {
                        let (next, reqs) = (next.clone(), reqs.clone());
                        tasks.push(tokio::spawn(async move {
                            loop {
                                let i = next.fetch_add(1, Ordering::Relaxed);
                                let Some(r) = reqs.get(i) else { break };
                                c.send(r).await.expect("floor request");
                            }
                            c
                        }));
                    }
                    let mut back = Vec::new();
                    for t in tasks {
                        back.push(t.await.expect("floor task"));
                    }
                    back
                });
            })
        })
    });
    g.finish();
}

fn main() {
    let mut c = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    for kind in Kind::PATHS {
        one_path(&mut c, kind, true);
    }
    one_path(&mut c, Kind::Paging, false);
    scale(&mut c);
    c.final_summary();
    record::flush();
}
