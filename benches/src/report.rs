//! `docs/benchmarks.md` from the records of the bench binaries ([`crate::record`]) and the separate-process
//! results of `bench-tool` (`scale-mem.json`, `callgrind.json`, `machine.json` in the report dir).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::fixture::{
    PAGING_PAGE_SIZE, PAGING_REFERRERS, SCALE_CONCURRENCY, SCALE_LATENCY_MS, SCALE_SUBJECTS,
};
use crate::paired::{Paired, PairedRow};
use crate::record::{Record, load_all};

/// Warm ours ÷ floor must stay under this.
pub const TARGET_FLOOR_RATIO: f64 = 1.25;
/// Scale run ÷ ideal bound must stay under this.
pub const TARGET_SCALE_RATIO: f64 = 1.3;

/// Peak memory of the scale run in a separate process (`bench-tool scale-mem`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ScaleMem {
    /// Subjects discovered.
    pub subjects: usize,
    /// Referrers found in all (second run).
    pub referrers: usize,
    /// Every subject complete in both runs.
    pub complete: bool,
    /// `VmHWM` after the runtime and client were built, before any discovery (kB).
    pub peak_before_kb: u64,
    /// `VmHWM` after a cold and a warm run (kB).
    pub peak_after_kb: u64,
    /// `VmRSS` at the end (kB).
    pub rss_after_kb: u64,
    /// Wall time of the first (cold: probe) run, ms.
    pub first_run_ms: f64,
    /// Wall time of the second (warm) run, ms.
    pub second_run_ms: f64,
}

/// One callgrind measurement: instructions per warm discovery.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CallgrindRow {
    /// `api`, `tag-schema`, `cosign`.
    pub path: String,
    /// `ours`, `floor`, `oci-client`.
    pub client: String,
    /// Discoveries in the short and the long run.
    pub n: (u64, u64),
    /// Instructions (`Ir`) of the short and the long run.
    pub ir: (u64, u64),
    /// `(ir.1 - ir.0) / (n.1 - n.0)`: instructions of one warm discovery, start-up cost cancelled out.
    pub per_discovery: u64,
}

/// `bench-tool callgrind`'s output.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Callgrind {
    /// Rows, or empty with `skipped`.
    pub rows: Vec<CallgrindRow>,
    /// Why nothing was measured.
    pub skipped: Option<String>,
    /// valgrind version.
    pub valgrind: Option<String>,
}

/// Summary statistics of single operations.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stats {
    /// Operations.
    pub n: usize,
    /// Median (ns).
    pub median: f64,
    /// 99th percentile (ns).
    pub p99: f64,
    /// Interquartile range ÷ median.
    pub spread: f64,
}

fn pct(sorted: &[u64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[i.min(sorted.len() - 1)] as f64
}

/// Statistics of a record's single operations.
pub fn stats(r: &Record) -> Option<Stats> {
    if r.single_ns.is_empty() {
        return None;
    }
    let mut v = r.single_ns.clone();
    v.sort_unstable();
    let median = pct(&v, 0.5);
    Some(Stats {
        n: v.len(),
        median,
        p99: pct(&v, 0.99),
        spread: (pct(&v, 0.75) - pct(&v, 0.25)) / median,
    })
}

/// Requests per second of a throughput record (all samples: Σ requests ÷ Σ time), and per-sample rates'
/// median and spread (IQR ÷ median).
pub fn rate(r: &Record) -> Option<(f64, f64, f64)> {
    let (ops, ns) = r
        .samples
        .iter()
        .fold((0u64, 0u64), |(a, b), (o, n)| (a + o, b + n));
    if ns == 0 {
        return None;
    }
    let mut rates: Vec<u64> = r
        .samples
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(o, n)| (*o as f64 * 1e9 / *n as f64) as u64)
        .collect();
    rates.sort_unstable();
    let med = pct(&rates, 0.5);
    Some((
        ops as f64 * 1e9 / ns as f64,
        med,
        (pct(&rates, 0.75) - pct(&rates, 0.25)) / med,
    ))
}

/// `12.3 µs`, `4.56 ms`.
pub fn dur(ns: f64) -> String {
    if !ns.is_finite() {
        "–".into()
    } else if ns >= 1e9 {
        format!("{:.2} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.1} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

fn yes(b: bool) -> &'static str {
    if b { "✅ met" } else { "❌ missed" }
}

fn meta_u64(r: &Record, k: &str) -> Option<u64> {
    r.meta.get(k).and_then(|v| v.as_u64())
}

fn meta_str<'a>(r: &'a Record, k: &str) -> Option<&'a str> {
    r.meta.get(k).and_then(|v| v.as_str())
}

/// Render the report. `machine` is a ready Markdown list; `command` the command that produced it.
pub fn render(dir: &Path, machine: &str, command: &str) -> String {
    let recs = load_all(dir);
    let get = |id: &str| recs.get(id);
    let paired: Option<Paired> = std::fs::read(dir.join("paired.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    let paired_row = |path: &str, against: &str| -> Option<PairedRow> {
        paired
            .as_ref()?
            .rows
            .iter()
            .find(|r| r.path == path && r.against == against)
            .cloned()
    };
    let st = |id: &str| get(id).and_then(stats);
    let mut out = String::new();
    let mut verdicts: Vec<String> = Vec::new();
    let w = &mut out;
    let _ = writeln!(w, "# Discovery benchmarks\n");
    let _ = writeln!(
        w,
        "Generated by `{command}` — do not edit by hand. Numbers are from one run on the machine below; \
         loopback only, the fake registry in the bench process (its own 2-thread runtime).\n"
    );
    let _ = writeln!(w, "## Machine\n\n{machine}\n");
    let _ = writeln!(w, "## Targets\n\nVERDICTS\n");
    let _ = writeln!(
        w,
        "## What profiling found (callgrind, perf), what was fixed, what remains\n\n\
         - **Where a warm discovery's time goes.** The paired table below splits ours ÷ floor into what the HTTP \
         stack adds (floor-reqwest ÷ floor: reqwest configured as ours — no redirects, HTTP/1 only, read timeout, \
         idle pool — sending the same requests and parsing nothing) and what our own code adds (ours ÷ \
         floor-reqwest). Under callgrind, reqwest costs ≈60 k instructions per request where bare hyper needs \
         ≈23 k for a whole api discovery; two full `url` parses per request (≈10 k each: its redirect layer's \
         `on_request`, although redirects are off, and the response URL) are part of it. floor-reqwest alone is \
         above 1.25× the floor on every path, so no client built on reqwest can meet that target here; only \
         replacing reqwest, the HTTP stack this project chose (rustls, proxies, timeouts), would. Not done.\n\
         - **Why earlier runs met the api target in some runs.** In the three runs of 2026-11-24 03:48–04:35 \
         criterion gave 1.23–1.37× for api, with the floor's median at ≈114 µs; on the machine of the run below \
         (another of the same kind, kernel fc-v782 against fc-v669) the floor takes ≈45 µs. What lies outside the \
         client (the fake, the kernel, wake-ups) changes with the machine and its load, and the larger it is the \
         smaller the client's share, so a ratio to the floor holds only for the machine it was measured on. \
         Within a run, the paired rounds remove drift between the clients; the targets are judged on them (the \
         criterion ratio stays beside each).\n\
         - **Fixed, in instructions per warm discovery (callgrind).** Earlier: the index read in one pass instead \
         of a `serde_json::Value` tree, digests checked on bytes, URLs redacted only when needed, response headers \
         moved, found referrers merged through a digest index, the platform TLS verifier built once per process \
         (a cold api discovery went from ≈5.5 ms to under 1 ms), the idle pool sized to `max_concurrent` \
         (api 173 k → 128.6 k). Now: the tags list, each cosign manifest and registry error bodies are read in one \
         pass too (`referrers/src/spec/json_read.rs`; a proptest holds each reader to the `Value` code it \
         replaced), cosign 722 k → 653 k; and every descriptor costs less — the body is checked as UTF-8 once, \
         not string by string; the digest index is a table of (hash, position), one SipHash per descriptor and no \
         copy of the digest or re-hashing when it grows; a referrer's source is a static label; hex is checked \
         by table — paging 12.2 M → 8.7 M per 1,000-referrer discovery, api → ≈120 k, tag-schema 277 k → ≈265 k.\n\
         - **Against oci-client on api and tag-schema** (a few percent behind): ours executes fewer instructions \
         (table at the end) yet takes slightly longer. What was found: (1) every request of ours runs under a \
         hard deadline (a registry that trickles its answer must not hold a discovery past its budget); oci-client \
         sets none. One paired run with that per-request timeout removed gave 1.02× for api and 1.01× for \
         tag-schema against oci-client (other runs: 1.05–1.08× and 1.02–1.04×), yet a micro-benchmark puts \
         arming and dropping a tokio timer at ≈150 ns here, so if the effect is real it is less the timer than \
         how the request future compiles around it; awaiting the request in place with each wait bounded \
         separately did not reproduce it. The bound stays; it is now one timer per operation, armed by the first \
         request that has to wait and reused by the next ones (`Op::within`). (2) Memory traffic: cachegrind found ≈1.65 k L1-data \
         misses per api discovery for ours against ≈1.15 k for oci-client and ≈0.8 k for floor-reqwest, the \
         largest share in `memcpy` of our async state (a discovery's future was ≈5 KB and is copied as each level \
         is built). Kept: the request future made smaller without boxing the common path (the request builder \
         consumed before the async block that awaits it, `Op::within` borrowing the pinned request instead of \
         holding a second copy, the rare credential and token paths boxed): a request's future 2.6 KB → 1.5 KB, \
         a discovery's 5.1 KB → 4.0 KB, misses 1.65 k → 1.53 k; the paired ratios did not move beyond the spread \
         between runs. Tried and not kept, because neither changed the misses or the ratio: boxing the whole \
         request chain and a 16-entry exchange log. Not solved.\n\
         - **Paging.** The floor parses nothing; ours reads, checks and keeps every descriptor: ≈8.7 k \
         instructions each (serde's string scanning, about six allocations for the owned strings and the \
         annotation map, the digest check, SipHash of the digest), so the paging ratio is mostly that work.\n\
         - **Cosign path.** Five requests, and each manifest hashed for its digest (≈133 k under valgrind, which \
         hides the CPU's SHA extensions; far less natively).\n\
         - **The fake's throughput** (fixed): the request log used to evict with `Vec::drain(..1)` under its mutex \
         (perf: ~72% of the fake's CPU in `memmove`; now a `VecDeque`, checked by \
         `throughput/fake/referrers-get-log-full`); the index is serialised from borrowed fields instead of a \
         `serde_json::Value`; and each referrers answer is cached per (repository, digest, query) until the store \
         changes (≈30 k of ≈58 k instructions per referrers GET were listing, filtering and printing the same \
         answer again).\n\
         - **Scale**: the ideal bound assumes the server holds each request only for its latency. With 32 in flight \
         on 2 shared cores one request takes longer than the sequential hold (row \"one request with 32 in \
         flight\"), so the floor, which adds no client work, is the practical reference: compare ours ÷ ideal with \
         floor ÷ ideal. Fixed: each discoverer keeps `max(8, max_concurrent)` idle connections per host (it kept 8, \
         and about 60 connections were closed and reopened over two 1,000-subject runs at 32 in flight). What ours \
         adds over the floor there is the per-request CPU above, on the same 2 cores as the fake.\n"
    );

    // Latency tables.
    let _ = writeln!(
        w,
        "## Discovery of one subject\n\n\
         Fixtures: `api` = profile `oci-1.1`, the demo subject with 3 referrers; `api-token` = profile \
         `harbor-2.11`, the same subject behind an anonymous Bearer token (same-host realm `/service/token`); \
         `tag-schema` and `cosign` = \
         profile `distribution-2.8` (referrers API answers 404), the same 3 referrers stored only in the tag-schema \
         index or only under cosign tags; `paging` = `oci-1.1`, {PAGING_REFERRERS} referrers, page size \
         {PAGING_PAGE_SIZE}. Subjects by digest. **warm** = one client reused (capability cached, connection \
         kept alive, token cached); **cold** = a new client per discovery (client construction, TCP connect, \
         token on `api-token`, capability probe). On `api-token` the peer first calls `Client::auth` (anonymous, \
         pull), as its users must. **ours** = `referrers::discovery::Discoverer::discover`; **floor** = a \
         bare hyper 1 connection replaying exactly the requests ours sent (read off the fake's request log), \
         reading whole bodies and parsing nothing; **oci-client** = `oci_client::Client::pull_referrers` 0.18; **oci-client-cosign** = that plus what its users \
         must add for cosign tags (`list_tags`, then `pull_manifest_raw` of each `.sig`/`.att`/`.sbom` tag).\n\n\
         Median and p99 are over single discoveries (every timed iteration, warm-up included); spread = \
         interquartile range ÷ median.\n"
    );
    let _ = writeln!(
        w,
        "| bench id | requests | median | p99 | spread | n | ours ÷ this | answer |\n|---|---:|---:|---:|---:|---:|---:|---|"
    );
    for path in ["api", "api-token", "tag-schema", "cosign", "paging"] {
        for phase in ["warm", "cold"] {
            let ours_id = format!("discovery/{path}/{phase}/ours");
            let Some(ours) = st(&ours_id) else { continue };
            for client in [
                "ours",
                "floor",
                "floor-reqwest",
                "oci-client",
                "oci-client-cosign",
            ] {
                let id = format!("discovery/{path}/{phase}/{client}");
                let (Some(r), Some(s)) = (get(&id), st(&id)) else {
                    continue;
                };
                let ratio = if client == "ours" {
                    "–".to_string()
                } else {
                    format!("{:.2}×", ours.median / s.median)
                };
                let answer = match client {
                    "oci-client" | "oci-client-cosign" => {
                        let same = r
                            .meta
                            .get("same_answer")
                            .and_then(|v| v.as_bool())
                            .unwrap_or(false);
                        let n = meta_u64(r, "referrers").unwrap_or(0);
                        match meta_str(r, "error") {
                            Some(e) => format!("error: {e}"),
                            None if same => format!("same ({n} referrers)"),
                            None => format!("**differs**: {n} referrers"),
                        }
                    }
                    "ours" => format!("{} referrers", meta_u64(r, "referrers").unwrap_or(0)),
                    _ => "bodies only".into(),
                };
                let _ = writeln!(
                    w,
                    "| `{id}` | {} | {} | {} | {:.0}% | {} | {ratio} | {answer} |",
                    meta_u64(r, "requests").map_or("–".into(), |n| n.to_string()),
                    dur(s.median),
                    dur(s.p99),
                    s.spread * 100.0,
                    s.n
                );
                if phase == "warm" && client == "floor" {
                    let q = ours.median / s.median;
                    verdicts.push(match paired_row(path, "floor") {
                        Some(p) => {
                            let split = match (paired_row(path, "floor-reqwest"), p.median_ns.1) {
                                (Some(rq), f) if f > 0.0 => format!(
                                    "; of which the HTTP stack (floor-reqwest ÷ floor) {:.2}× and our code \
                                     (ours ÷ floor-reqwest) {:.2}×",
                                    rq.median_ns.1 / f,
                                    rq.median
                                ),
                                _ => String::new(),
                            };
                            format!(
                                "- warm {path}: ours ÷ floor = **{:.2}×** paired (95% CI {:.2}–{:.2}; criterion \
                                 medians {q:.2}×{split}) (target ≤ {TARGET_FLOOR_RATIO}×) {}",
                                p.median,
                                p.ci95.0,
                                p.ci95.1,
                                yes(p.median <= TARGET_FLOOR_RATIO)
                            )
                        }
                        None => format!(
                            "- warm {path}: ours ÷ floor = **{q:.2}×** (criterion medians; no paired run) \
                             (target ≤ {TARGET_FLOOR_RATIO}×) {}",
                            yes(q <= TARGET_FLOOR_RATIO)
                        ),
                    });
                }
                if client.starts_with("oci-client") {
                    let same = r
                        .meta
                        .get("same_answer")
                        .and_then(|v| v.as_bool())
                        .unwrap_or(false);
                    let q = ours.median / s.median;
                    let paired = (phase == "warm")
                        .then(|| paired_row(path, client))
                        .flatten()
                        .filter(|p| p.same_answer);
                    if let (true, Some(p)) = (same, paired) {
                        verdicts.push(format!(
                            "- {phase} {path}: ours ÷ {client} = **{:.2}×** paired (95% CI {:.2}–{:.2}; \
                             criterion medians {q:.2}×) (same answer; target < 1×) {}",
                            p.median,
                            p.ci95.0,
                            p.ci95.1,
                            yes(p.median < 1.0)
                        ));
                    } else if same {
                        verdicts.push(format!(
                            "- {phase} {path}: ours ÷ {client} = **{q:.2}×** (criterion medians; same answer; \
                             target < 1×) {}",
                            yes(q < 1.0)
                        ));
                    } else {
                        verdicts.push(format!(
                            "- {phase} {path}: ours ÷ {client} = {q:.2}× — not comparable, it returns {} \
                             of {} referrers",
                            meta_u64(r, "referrers").unwrap_or(0),
                            meta_u64(get(&ours_id).expect("ours record"), "referrers").unwrap_or(0)
                        ));
                    }
                }
            }
        }
    }
    if let Some(p) = &paired {
        let _ = writeln!(
            w,
            "\n### Paired ratios (interleaved rounds)\n\n\
             `bench-tool paired`: criterion measures one id after another, so a slow stretch of this shared machine \
             that falls on one client and not the other moves their ratio (the same path has landed on both sides \
             of a target from one run to the next). Here each of {} rounds runs every client {} times back to back, \
             in an order that rotates from round to round, against the same in-process fake; each round gives one \
             ratio (median of ours ÷ median of the reference, within the round). The table gives the median of \
             those ratios, a distribution-free 95% confidence interval of it (binomial order statistics) and the \
             quartiles. The targets above are judged on these. The interval describes one run, not the spread between \
             runs: across nine paired runs on 2026-11-24 (this code and the variants tried below) the api ratio to \
             oci-client ranged from 1.05× to 1.08×, so a difference of a few percent between two runs is not \
             evidence by itself.\n",
            p.rounds, p.per_round
        );
        let _ = writeln!(
            w,
            "| path | ours ÷ | same answer | ratio (median) | 95% CI | quartiles | ours (median) | reference (median) |\n|---|---|---|---:|---:|---:|---:|---:|"
        );
        for r in &p.rows {
            let _ = writeln!(
                w,
                "| {} | {} | {} | **{:.2}×** | {:.2}–{:.2} | {:.2}–{:.2} | {} | {} |",
                r.path,
                r.against,
                if r.same_answer { "yes" } else { "**no**" },
                r.median,
                r.ci95.0,
                r.ci95.1,
                r.quartiles.0,
                r.quartiles.1,
                dur(r.median_ns.0),
                dur(r.median_ns.1)
            );
        }
    }
    let _ = writeln!(
        w,
        "\nRequests per discovery (ours; oci-client where it differs in number):\n"
    );
    for path in ["api", "api-token", "tag-schema", "cosign", "paging"] {
        for (phase, client) in [
            ("warm", "ours"),
            ("warm", "oci-client"),
            ("warm", "oci-client-cosign"),
            ("cold", "ours"),
            ("cold", "oci-client"),
        ] {
            let id = format!("discovery/{path}/{phase}/{client}");
            let ours_n = get(&format!("discovery/{path}/{phase}/ours"))
                .and_then(|r| meta_u64(r, "requests"));
            if client.starts_with("oci-client")
                && get(&id).and_then(|r| meta_u64(r, "requests")) == ours_n
            {
                continue;
            }
            if let Some(lines) = get(&id)
                .and_then(|r| r.meta.get("request_lines"))
                .and_then(|v| v.as_array())
            {
                let shown: Vec<String> = lines
                    .iter()
                    .filter_map(|l| l.as_str())
                    .map(|l| {
                        let l = l.split('?').next().unwrap_or(l);
                        format!("`{}`", shorten(l))
                    })
                    .collect();
                let shown = if shown.len() > 4 {
                    format!("{}, … ({} in all)", shown[..3].join(", "), shown.len())
                } else {
                    shown.join(", ")
                };
                let _ = writeln!(w, "- {path} {phase} {client}: {shown}");
            }
        }
    }

    // Scale.
    let _ = writeln!(
        w,
        "\n## Scale: {SCALE_SUBJECTS} subjects, {SCALE_LATENCY_MS} ms latency per request, {SCALE_CONCURRENCY} at a time\n\n\
         `discover_many` over {SCALE_SUBJECTS} subjects (3 referrers each, profile `oci-1.1`, a `latency` fault of \
         {SCALE_LATENCY_MS} ms on every request), `max_concurrent` {SCALE_CONCURRENCY}, capability already learned. \
         The ideal bound is requests × hold ÷ concurrency, where the hold is the *measured* median time of one \
         request on this fake as the floor client sees it (tokio rounds the fault's sleep up to its timer tick). \
         The floor sends the same requests over {SCALE_CONCURRENCY} kept-alive connections.\n"
    );
    let sid = "discovery/scale/1000x32/ours";
    if let (Some(r), Some(s)) = (get(sid), st(sid)) {
        let hold = meta_u64(r, "hold_ns").unwrap_or(0) as f64;
        let ideal = meta_u64(r, "ideal_ns").unwrap_or(0) as f64;
        let q = s.median / ideal;
        let floor = st("discovery/scale/1000x32/floor");
        let _ = writeln!(w, "| figure | value |\n|---|---:|");
        let _ = writeln!(
            w,
            "| requests per run | {} |",
            meta_u64(r, "requests").unwrap_or(0)
        );
        let _ = writeln!(w, "| measured hold per request (median) | {} |", dur(hold));
        let _ = writeln!(w, "| ideal bound | {} |", dur(ideal));
        if let Some(c) = meta_u64(r, "floor_request_median_ns_at_concurrency") {
            let _ = writeln!(
                w,
                "| one request with {SCALE_CONCURRENCY} in flight (floor, median) | {} |",
                dur(c as f64)
            );
        }
        let _ = writeln!(
            w,
            "| ours: median per run (p99, spread, n) | {} ({}, {:.0}%, {}) |",
            dur(s.median),
            dur(s.p99),
            s.spread * 100.0,
            s.n
        );
        if let Some(f) = floor {
            let _ = writeln!(
                w,
                "| floor: median per run (p99, spread, n) | {} ({}, {:.0}%, {}) |",
                dur(f.median),
                dur(f.p99),
                f.spread * 100.0,
                f.n
            );
            let _ = writeln!(w, "| floor ÷ ideal | {:.2}× |", f.median / ideal);
        }
        let _ = writeln!(w, "| **ours ÷ ideal** | **{q:.2}×** |");
        // What the fake itself can serve: the ideal bound assumes the server is never the limit.
        if let Some((rps, _, _)) = get("throughput/fake/referrers-get").and_then(rate) {
            let requests = meta_u64(r, "requests").unwrap_or(0) as f64;
            let capacity = requests / rps * 1e9;
            let bound = capacity.max(ideal);
            let _ = writeln!(
                w,
                "| capacity bound: requests ÷ the fake's measured referrers-GET throughput ({rps:.0}/s, below) | {} |",
                dur(capacity)
            );
            let _ = writeln!(
                w,
                "| ours ÷ max(ideal, capacity bound) | {:.2}× |",
                s.median / bound
            );
        }
        if let Some(p) = meta_u64(r, "peak_in_flight_at_fake") {
            let _ = writeln!(w, "| peak requests in flight at the fake | {p} |");
        }
        if let Some(ms) = r.meta.get("first_run_ms").and_then(|v| v.as_f64()) {
            let _ = writeln!(w, "| first run (capability probe included) | {ms:.1} ms |");
        }
        verdicts.push(format!(
            "- scale: ours ÷ ideal = **{q:.2}×** (target ≤ {TARGET_SCALE_RATIO}×) {}",
            yes(q <= TARGET_SCALE_RATIO)
        ));
    } else {
        let _ = writeln!(w, "(not run)");
    }
    match std::fs::read(dir.join("scale-mem.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<ScaleMem>(&b).ok())
    {
        Some(m) => {
            let _ = writeln!(
                w,
                "\nPeak memory (`bench-tool scale-mem`: a separate process whose only job is the client side; the fake \
                 runs in another process): `VmHWM` {:.1} MiB before any discovery (runtime + client), **{:.1} MiB** \
                 after a cold and a warm run over {} subjects (+{:.1} MiB); `VmRSS` at the end {:.1} MiB. Runs took \
                 {:.0} ms (cold) and {:.0} ms (warm); {} referrers found, all complete: {}.",
                m.peak_before_kb as f64 / 1024.0,
                m.peak_after_kb as f64 / 1024.0,
                m.subjects,
                (m.peak_after_kb.saturating_sub(m.peak_before_kb)) as f64 / 1024.0,
                m.rss_after_kb as f64 / 1024.0,
                m.first_run_ms,
                m.second_run_ms,
                m.referrers,
                m.complete
            );
        }
        None => {
            let _ = writeln!(
                w,
                "\nPeak memory: not measured (run `bench-tool scale-mem`)."
            );
        }
    }

    // Throughput.
    let _ = writeln!(
        w,
        "\n## Registry throughput\n\n\
         One closed-loop load generator (a current-thread tokio runtime, 32 kept-alive HTTP/1.1 connections, the \
         same GET back to back) against each registry on loopback. The fake (in the bench process, 2 worker \
         threads, logging every request) answers its referrers GET and its manifest GET; the real registries run \
         as processes with filesystem storage in a temp dir and answer a manifest GET of one pushed image. The \
         load generator shares the 2 cores with the server in every case. The fake's request log is emptied before \
         each sample (as in every discovery bench) except in `referrers-get-log-full`, which first sends 20,000 \
         requests so that the log is full and evicts on every request.\n"
    );
    let _ = writeln!(
        w,
        "| bench id | requests/s (Σ req ÷ Σ time) | median of samples | spread |\n|---|---:|---:|---:|"
    );
    let mut fake_rate = None;
    let mut real_rates = Vec::new();
    for id in [
        "throughput/fake/referrers-get",
        "throughput/fake/manifest-get",
        "throughput/fake/referrers-get-log-full",
        "throughput/distribution-2.8.2/manifest-get",
        "throughput/ferro-oci-server-1.0.0/manifest-get",
    ] {
        match get(id) {
            Some(r) => match rate(r) {
                Some((all, med, spread)) => {
                    let _ = writeln!(
                        w,
                        "| `{id}` | {all:.0} | {med:.0} | {:.0}% |",
                        spread * 100.0
                    );
                    if id == "throughput/fake/referrers-get" {
                        fake_rate = Some(all);
                    } else if !id.starts_with("throughput/fake") {
                        real_rates.push((id, all));
                    }
                }
                None => {
                    let why = meta_str(r, "skipped").unwrap_or("no samples");
                    let _ = writeln!(w, "| `{id}` | skipped: {why} | | |");
                    verdicts.push(format!("- throughput: `{id}` not measured ({why})"));
                }
            },
            None => {
                let _ = writeln!(w, "| `{id}` | not run | | |");
            }
        }
    }
    if let Some(f) = fake_rate {
        for (id, r) in real_rates {
            verdicts.push(format!(
                "- throughput: fake referrers GET ÷ `{id}` = **{:.2}×** (target > 1×) {}",
                f / r,
                yes(f > r)
            ));
        }
    }

    // Callgrind.
    let _ = writeln!(
        w,
        "\n## Instructions per warm discovery (callgrind)\n\n\
         `bench-tool callgrind`: each client runs N warm discoveries in its own process under \
         `valgrind --tool=callgrind` against a fake in another process; instructions per discovery = \
         (Ir(N₂) − Ir(N₁)) ÷ (N₂ − N₁), so start-up cost cancels out. These counts do not drift with machine \
         noise; compare them across changes.\n"
    );
    match std::fs::read(dir.join("callgrind.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<Callgrind>(&b).ok())
    {
        Some(cg) if cg.rows.is_empty() => {
            let _ = writeln!(
                w,
                "Not measured: {}",
                cg.skipped.unwrap_or_else(|| "no rows".into())
            );
        }
        Some(cg) => {
            if let Some(v) = &cg.valgrind {
                let _ = writeln!(w, "valgrind: `{v}`\n");
            }
            let _ = writeln!(
                w,
                "| path | ours | floor | floor-reqwest | oci-client | ours ÷ floor | floor-reqwest ÷ floor | ours ÷ floor-reqwest | ours ÷ oci-client |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|"
            );
            let mut by: BTreeMap<(&str, &str), u64> = BTreeMap::new();
            for r in &cg.rows {
                by.insert((r.path.as_str(), r.client.as_str()), r.per_discovery);
            }
            for path in ["api", "api-token", "tag-schema", "cosign", "paging"] {
                let g = |c: &str| by.get(&(path, c)).copied();
                let f = |x: Option<u64>| x.map_or("–".into(), group_digits);
                let q = |a: Option<u64>, b: Option<u64>| match (a, b) {
                    (Some(a), Some(b)) if b > 0 => format!("{:.2}×", a as f64 / b as f64),
                    _ => "–".into(),
                };
                let _ = writeln!(
                    w,
                    "| {path} | {} | {} | {} | {} | {} | {} | {} | {} |",
                    f(g("ours")),
                    f(g("floor")),
                    f(g("floor-reqwest")),
                    f(g("oci-client")),
                    q(g("ours"), g("floor")),
                    q(g("floor-reqwest"), g("floor")),
                    q(g("ours"), g("floor-reqwest")),
                    q(g("ours"), g("oci-client"))
                );
            }
            let n = cg.rows.first().map(|r| r.n).unwrap_or_default();
            let np = cg
                .rows
                .iter()
                .find(|r| r.path == "paging")
                .map(|r| r.n)
                .unwrap_or_default();
            let _ = writeln!(
                w,
                "\n(N₁ = {}, N₂ = {}; paging N₁ = {}, N₂ = {}. **floor-reqwest** = the same requests through reqwest \
                 configured as ours, parsing nothing: floor-reqwest ÷ floor is what the HTTP stack adds over bare hyper, \
                 ours ÷ floor-reqwest what our own code adds. oci-client reads only the first of paging's ten pages, so \
                 it has no paging row.)",
                n.0, n.1, np.0, np.1
            );
        }
        None => {
            let _ = writeln!(w, "Not measured (run `bench-tool callgrind`).");
        }
    }

    let _ = writeln!(
        w,
        "\n## Reproduce\n\n```sh\nbash benches/run.sh                        # everything, then this file\n\
         cargo bench -p benches --bench discovery   # criterion only (ids above); add -- --save-baseline main\n\
         cargo bench -p benches -- --test           # CI quick mode: every bench once\n```"
    );
    let v = if verdicts.is_empty() {
        "(nothing measured)".to_string()
    } else {
        verdicts.join("\n")
    };
    out.replace("VERDICTS", &v)
}

fn shorten(line: &str) -> String {
    // sha256:<64 hex> → sha256:abcd…
    let mut out = String::new();
    let mut rest = line;
    while let Some(i) = rest.find("sha256") {
        let (head, tail) = rest.split_at(i);
        out.push_str(head);
        let take = tail
            .char_indices()
            .take_while(|(_, c)| c.is_ascii_alphanumeric() || *c == ':' || *c == '-')
            .map(|(i, c)| i + c.len_utf8())
            .last()
            .unwrap_or(0);
        let (dg, after) = tail.split_at(take);
        out.push_str(&dg[..dg.len().min(11)]);
        if dg.len() > 11 {
            out.push('…');
            // keep a cosign suffix like .sig
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// `1234567` → `1,234,567`.
pub fn group_digits(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_digits() {
        assert_eq!(group_digits(1_234_567), "1,234,567");
        assert_eq!(group_digits(12), "12");
    }

    #[test]
    fn shortens_digests() {
        let d = format!("GET /v2/a/referrers/sha256:{}", "a".repeat(64));
        assert_eq!(shorten(&d), "GET /v2/a/referrers/sha256:aaaa…");
    }

    #[test]
    fn stats_of_singles() {
        let r = Record {
            single_ns: (1..=100).collect(),
            ..Record::default()
        };
        let s = stats(&r).unwrap();
        assert_eq!(s.n, 100);
        assert_eq!(s.median, 51.0);
        assert_eq!(s.p99, 99.0);
    }
}
