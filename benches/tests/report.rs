//! `report::render` on fixed inputs, compared byte for byte with the expected text in `tests/fixtures/`.
//!
//! Each scenario writes its records and separate-process results into a fresh report dir, renders it and compares
//! the document with `tests/fixtures/report-<scenario>.md`. `full` has every input and takes its branches where the
//! numbers agree; `sparse` and `empty` take the other branches (missing ids, skipped runs, no paired run). The
//! profiling findings do not depend on the inputs: `full` keeps them, the other two fixtures elide them.
//! `BENCHES_BLESS=1 cargo test -p benches --test report` rewrites the fixtures from the current code.

use std::path::{Path, PathBuf};

use benches::paired::{Paired, PairedRow};
use benches::record::{self, Record};
use benches::report::{Callgrind, CallgrindRow, ScaleMem, render};
use serde_json::{Value, json};

const MACHINE: &str =
    "- CPU: test CPU, 2 cores available to the process (shared with other jobs)\n- memory: 7.8 GiB";
const COMMAND: &str = "bash benches/run.sh";
const PATHS: [&str; 5] = ["api", "api-token", "tag-schema", "cosign", "paging"];
const FINDINGS: &str = "## What profiling found";
const AFTER_FINDINGS: &str = "## Discovery of one subject";

/// `n` single durations from `base` ns, rising by `step` ns, with one slow outlier at the end.
fn singles(n: u64, base: u64, step: u64) -> Vec<u64> {
    let mut v: Vec<u64> = (0..n).map(|i| base + (i * 7919 % n) * step).collect();
    v.push(base * 3);
    v
}

fn rec(id: &str, single_ns: Vec<u64>, meta: Value) -> Record {
    let meta = match meta {
        Value::Object(m) => m.into_iter().collect(),
        _ => Default::default(),
    };
    Record {
        id: id.to_string(),
        single_ns,
        samples: Vec::new(),
        meta,
    }
}

fn throughput(id: &str, samples: Vec<(u64, u64)>, meta: Value) -> Record {
    Record {
        samples,
        ..rec(id, Vec::new(), meta)
    }
}

fn lines(path: &str, n: usize) -> Vec<String> {
    let d = format!("sha256:{}", "0123456789abcdef".repeat(4));
    let all = [
        "GET /v2/".to_string(),
        format!("GET /v2/library/alpine/referrers/{d}?artifactType=x"),
        format!(
            "GET /v2/library/alpine/manifests/{}.sig",
            d.replace(':', "-")
        ),
        format!("GET /v2/library/{path}/tags/list?n=100"),
        format!("HEAD /v2/library/alpine/manifests/{d}"),
    ];
    (0..n).map(|i| all[i % all.len()].clone()).collect()
}

fn paired_row(path: &str, against: &str, same: bool, median: f64, ns: (f64, f64)) -> PairedRow {
    PairedRow {
        path: path.into(),
        against: against.into(),
        same_answer: same,
        median,
        quartiles: (median - 0.02, median + 0.03),
        ci95: (median - 0.04, median + 0.05),
        median_ns: ns,
    }
}

fn cg_row(path: &str, client: &str, per: u64) -> CallgrindRow {
    let n = if path == "paging" { (2, 4) } else { (20, 220) };
    CallgrindRow {
        path: path.into(),
        client: client.into(),
        n,
        ir: (10_000_000, 10_000_000 + per * (n.1 - n.0)),
        per_discovery: per,
    }
}

/// Every input, most ids present.
fn full() -> Inputs {
    let mut records = Vec::new();
    for (i, path) in PATHS.iter().enumerate() {
        let phases: &[&str] = if *path == "paging" {
            &["warm"]
        } else {
            &["warm", "cold"]
        };
        for phase in phases {
            records.extend(discovery_records(i, path, phase));
        }
    }
    records.push(rec(
        "discovery/cosign/warm/oci-client-cosign",
        singles(20, 250_000, 3000),
        json!({"requests": 12, "referrers": 3, "same_answer": true, "request_lines": lines("cosign", 12)}),
    ));
    records.extend(scale_records());
    records.extend(throughput_records());
    Inputs {
        records,
        paired: Some(full_paired()),
        scale_mem: Some(ScaleMem {
            subjects: 1000,
            referrers: 3000,
            complete: true,
            peak_before_kb: 8732,
            peak_after_kb: 27308,
            rss_after_kb: 27100,
            first_run_ms: 150.445934,
            second_run_ms: 157.747188,
        }),
        callgrind: Some(full_callgrind()),
    }
}

/// Ours, the floors and the peer on the `i`-th path in one phase; the peer's answer differs by path.
fn discovery_records(i: usize, path: &str, phase: &str) -> Vec<Record> {
    let base = 30_000 * (i as u64 + 1);
    let cold: u64 = if phase == "cold" { 4 } else { 1 };
    let reqs = i + 1 + (cold / 4) as usize;
    let mut out = vec![
        rec(
            &format!("discovery/{path}/{phase}/ours"),
            singles(40, base * cold, 900),
            json!({"requests": reqs, "referrers": 3, "request_lines": lines(path, reqs)}),
        ),
        rec(
            &format!("discovery/{path}/{phase}/floor"),
            singles(60, base * cold / 2, 500),
            json!({"requests": reqs}),
        ),
    ];
    let (peer_reqs, same, found, error) = match (path, phase) {
        ("api", _) => (reqs, true, 3, None),
        ("api-token", "cold") => (reqs + 2, false, 0, Some("401 Unauthorized: token")),
        ("cosign", _) => (2, false, 0, None),
        ("paging", _) => (1, false, 100, None),
        _ => (reqs + 1, true, 3, None),
    };
    let mut meta = json!({"requests": peer_reqs, "referrers": found, "same_answer": same,
        "request_lines": lines(path, peer_reqs)});
    if let Some(e) = error {
        meta["error"] = json!(e);
    }
    out.push(rec(
        &format!("discovery/{path}/{phase}/oci-client"),
        singles(30, base * cold * 21 / 20, 1100),
        meta,
    ));
    if phase == "warm" {
        out.push(rec(
            &format!("discovery/{path}/warm/floor-reqwest"),
            singles(50, base * 3 / 4, 700),
            json!({"requests": reqs}),
        ));
    }
    out
}

/// The 1,000-subject run, ours and the floor.
fn scale_records() -> Vec<Record> {
    vec![
        rec(
            "discovery/scale/1000x32/ours",
            singles(10, 120_000_000, 400_000),
            json!({"requests": 1000, "subjects": 1000, "concurrency": 32, "hold_ns": 3_258_991_u64,
                "ideal_ns": 101_843_469_u64, "first_run_ms": 223.002777, "peak_in_flight_at_fake": 32,
                "floor_request_median_ns_at_concurrency": 4_169_188_u64}),
        ),
        rec(
            "discovery/scale/1000x32/floor",
            singles(10, 105_000_000, 300_000),
            json!({"requests": 1000}),
        ),
    ]
}

/// The fake's three loads (one skipped, one with an empty sample) and one real registry; ferro not run.
fn throughput_records() -> Vec<Record> {
    let samples = |per: u64| (1..=12).map(|i| (i * 3, i * 3 * per + i * 1000)).collect();
    vec![
        throughput(
            "throughput/fake/referrers-get",
            samples(40_000),
            json!({"connections": 32, "log_cleared_before_each_sample": true}),
        ),
        throughput(
            "throughput/fake/manifest-get",
            [(0, 0)].into_iter().chain(samples(35_000)).collect(),
            json!({"connections": 32}),
        ),
        throughput(
            "throughput/fake/referrers-get-log-full",
            Vec::new(),
            json!({"skipped": "log would not fill"}),
        ),
        throughput(
            "throughput/distribution-2.8.2/manifest-get",
            samples(310_000),
            json!({"connections": 32}),
        ),
    ]
}

/// Paired rows: with and without floor-reqwest, a floor median of 0, a peer with another answer; paging none.
fn full_paired() -> Paired {
    let row = |path: &str, against: &str, median: f64, ns: (f64, f64)| {
        paired_row(path, against, true, median, ns)
    };
    Paired {
        rounds: 51,
        per_round: 25,
        rows: vec![
            row("api", "floor", 1.41, (35_203.0, 24_697.0)),
            row("api", "floor-reqwest", 1.12, (35_203.0, 31_000.0)),
            row("api", "oci-client", 0.97, (35_203.0, 36_100.0)),
            row("api-token", "floor", 1.52, (37_000.0, 24_000.0)),
            row("api-token", "oci-client", 1.06, (37_000.0, 35_000.0)),
            row("tag-schema", "floor", 1.3, (80_000.0, 0.0)),
            row("tag-schema", "floor-reqwest", 1.1, (80_000.0, 72_000.0)),
            row("cosign", "floor", 1.2, (200_000.0, 160_000.0)),
            paired_row("cosign", "oci-client", false, 1.5, (200_000.0, 130_000.0)),
            row("cosign", "oci-client-cosign", 0.48, (200_000.0, 410_000.0)),
        ],
    }
}

/// Callgrind rows of every path and client but paging's oci-client; api-token's floor counts 0.
fn full_callgrind() -> Callgrind {
    let mut rows = Vec::new();
    for path in PATHS {
        for (client, per) in [
            ("ours", 120_000),
            ("floor", 23_000),
            ("floor-reqwest", 87_000),
            ("oci-client", 130_000),
        ] {
            match (path, client) {
                ("paging", "oci-client") => {}
                ("api-token", "floor") => rows.push(cg_row(path, client, 0)),
                _ => rows.push(cg_row(path, client, per * (path.len() as u64))),
            }
        }
    }
    Callgrind {
        rows,
        skipped: None,
        valgrind: Some("valgrind-3.22.0".into()),
    }
}

/// Few inputs: ids without their references, a peer that failed, a scale run alone, callgrind skipped.
fn sparse() -> Inputs {
    let records = vec![
        rec(
            "discovery/api/warm/ours",
            singles(9, 40_000, 800),
            json!({"referrers": 3}),
        ),
        rec(
            "discovery/api/warm/floor",
            singles(9, 20_000, 300),
            json!({}),
        ),
        rec(
            "discovery/tag-schema/warm/floor",
            singles(9, 20_000, 300),
            json!({"requests": 2, "request_lines": lines("tag-schema", 2)}),
        ),
        rec(
            "discovery/cosign/cold/ours",
            singles(5, 900_000, 10_000),
            json!({"requests": 7, "referrers": 3}),
        ),
        rec(
            "discovery/cosign/cold/oci-client",
            singles(5, 7_000_000, 50_000),
            json!({"requests": 2, "referrers": 0, "error": "no such tag"}),
        ),
        rec(
            "discovery/cosign/warm/oci-client-cosign",
            singles(5, 7_000_000, 50_000),
            json!({"requests": 12, "referrers": 3, "same_answer": true}),
        ),
        rec(
            "discovery/scale/1000x32/ours",
            singles(3, 150_000_000, 1_000_000),
            json!({"requests": 1000, "hold_ns": 2_100_000, "ideal_ns": 65_625_000}),
        ),
        throughput(
            "throughput/fake/referrers-get",
            vec![(4, 0), (8, 0)],
            json!({}),
        ),
        throughput(
            "throughput/ferro-oci-server-1.0.0/manifest-get",
            Vec::new(),
            json!({"skipped": "binary not found"}),
        ),
    ];
    Inputs {
        records,
        paired: None,
        scale_mem: None,
        callgrind: Some(Callgrind {
            rows: Vec::new(),
            skipped: Some("valgrind not installed".into()),
            valgrind: None,
        }),
    }
}

/// What one scenario writes into its report dir.
struct Inputs {
    records: Vec<Record>,
    paired: Option<Paired>,
    scale_mem: Option<ScaleMem>,
    callgrind: Option<Callgrind>,
}

impl Inputs {
    fn write(&self, dir: &Path) {
        let records = dir.join("records");
        std::fs::create_dir_all(&records).expect("records dir");
        for r in &self.records {
            let b = serde_json::to_vec(r).expect("record json");
            std::fs::write(records.join(record::file_name(&r.id)), b).expect("record file");
        }
        put(dir, "paired.json", self.paired.as_ref());
        put(dir, "scale-mem.json", self.scale_mem.as_ref());
        put(dir, "callgrind.json", self.callgrind.as_ref());
    }
}

/// Write a separate-process result, if the scenario has it.
fn put<T: serde::Serialize>(dir: &Path, name: &str, v: Option<&T>) {
    if let Some(v) = v {
        let b = serde_json::to_vec_pretty(v).expect("result json");
        std::fs::write(dir.join(name), b).expect("result file");
    }
}

/// The document without the findings section (same text in every scenario, checked by `full`).
fn elide_findings(doc: &str) -> String {
    match (doc.find(FINDINGS), doc.find(AFTER_FINDINGS)) {
        (Some(a), Some(b)) if a < b => format!("{}(findings elided)\n\n{}", &doc[..a], &doc[b..]),
        _ => doc.to_string(),
    }
}

fn check(scenario: &str, inputs: Inputs, elide: bool) {
    let dir = std::env::temp_dir().join(format!(
        "benches-report-test-{}-{scenario}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    inputs.write(&dir);
    let doc = render(&dir, MACHINE, COMMAND);
    let _ = std::fs::remove_dir_all(&dir);
    let doc = if elide { elide_findings(&doc) } else { doc };
    let fixture = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(format!("report-{scenario}.md"));
    if std::env::var_os("BENCHES_BLESS").is_some() {
        std::fs::create_dir_all(fixture.parent().expect("fixtures dir")).expect("fixtures dir");
        std::fs::write(&fixture, &doc).expect("write fixture");
        return;
    }
    let expected = std::fs::read_to_string(&fixture)
        .unwrap_or_else(|e| panic!("{}: {e} (BENCHES_BLESS=1 writes it)", fixture.display()));
    if doc != expected {
        let line = doc
            .lines()
            .zip(expected.lines())
            .position(|(a, b)| a != b)
            .map_or("at the end".to_string(), |i| format!("at line {}", i + 1));
        panic!(
            "report-{scenario}.md differs {line} (lengths {} and {})",
            doc.len(),
            expected.len()
        );
    }
}

#[test]
fn full_inputs_render_the_expected_document() {
    check("full", full(), false);
}

#[test]
fn sparse_inputs_render_the_expected_document() {
    check("sparse", sparse(), true);
}

#[test]
fn no_inputs_render_the_expected_document() {
    check(
        "empty",
        Inputs {
            records: Vec::new(),
            paired: None,
            scale_mem: None,
            callgrind: None,
        },
        true,
    );
}
