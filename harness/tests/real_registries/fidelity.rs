//! The fidelity probes on the built-in rows: each row against a second container of itself (the probes are
//! deterministic), each row against its fake counterpart (they must agree on every probe), and ferro against the
//! spec-exact profile.

use harness::real::RealTarget;
use harness::real::fidelity::{self, PROBE_IDS};

use crate::support::{builtin, docker_or_skip, start_row};

/// The probe set against two fresh containers of one real registry must agree on every probe (the comparison
/// works and the probes are deterministic), and the report carries every probe. Two containers, not one run twice:
/// the probes push, and ferro-oci-server 1.0.0 lists a referrer once per PUT of the same manifest.
async fn fidelity_against_itself(row: &RealTarget) {
    let (a, b) = tokio::join!(start_row(&row.name), start_row(&row.name));
    let first = fidelity::run_probes(a.base_url()).await.expect("probes");
    let second = fidelity::run_probes(b.base_url())
        .await
        .expect("probes again");
    assert_eq!(first.len(), PROBE_IDS.len());
    let report = fidelity::compare(&row.title, &first, "a second container", &second);
    eprintln!("{}", report.to_markdown());
    assert_eq!(report.differences, vec![], "{}", report.to_markdown());
    assert_eq!(report.matching_probes, PROBE_IDS.len());
}

/// Every built-in row answers the probe set the same way twice. (The htpasswd row runs the same image.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_builtin_row_agrees_with_itself() {
    if !docker_or_skip("every_builtin_row_agrees_with_itself").await {
        return;
    }
    for row in RealTarget::builtin().expect("builtin rows") {
        if row.credentials.is_none() {
            fidelity_against_itself(&row).await;
        }
    }
}

/// The fake counterpart of every built-in row matches the real registry on every probe (status, Content-Type, key
/// headers, body shape), given the row's credentials where it has some. Each report is kept as JSON under the
/// test tmp dir.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_builtin_counterpart_matches_every_probe() {
    if !docker_or_skip("every_builtin_counterpart_matches_every_probe").await {
        return;
    }
    let mut wrong = Vec::new();
    for row in RealTarget::builtin().expect("builtin rows") {
        let report = row
            .fidelity(&harness::real::target::run_id())
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", row.name));
        eprintln!(
            "{}",
            harness::real::fidelity_markdown(std::slice::from_ref(&report))
        );
        let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("fidelity-{}.json", row.name));
        std::fs::write(&out, serde_json::to_vec_pretty(&report).expect("json"))
            .expect("write report");
        assert_eq!(report.probes, PROBE_IDS.len());
        assert_eq!(report.candidate, format!("fake {}", row.counterpart.name()));
        if !report.differences.is_empty() {
            wrong.push(format!(
                "the {} profile differs from {}: {:#?}",
                row.counterpart.name(),
                row.title,
                report.differences
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The spec-exact `oci-1.1` profile against real ferro-oci-server: where ferro departs from the spec shows up as
/// differences (measured, not asserted away), while the referrers probes the spec pins (listing, filter with
/// `OCI-Filters-Applied`, 400 on an invalid digest) agree.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ferro_against_the_spec_profile() {
    if !docker_or_skip("ferro_against_the_spec_profile").await {
        return;
    }
    let fake = fake_registry::FakeRegistry::builder()
        .profile(fake_registry::Profile::OCI_1_1)
        .start()
        .expect("fake");
    let report = builtin("ferro-oci-server")
        .fidelity_against("fake oci-1.1", &fake.base_url())
        .await
        .expect("fidelity");
    eprintln!(
        "{}",
        harness::real::fidelity_markdown(std::slice::from_ref(&report))
    );
    assert!(
        report
            .differences
            .iter()
            .any(|d| d.probe == "referrers-missing-repository" && d.aspect == "status"),
        "ferro answers 200 for a missing repository where the spec profile answers 404 NAME_UNKNOWN"
    );
    for probe in [
        "referrers",
        "referrers-filtered",
        "referrers-invalid-digest",
    ] {
        let core: Vec<_> = report
            .differences
            .iter()
            .filter(|d| {
                d.probe == probe
                    && matches!(
                        d.aspect.as_str(),
                        "status" | "content-type" | "body" | "header oci-filters-applied"
                    )
            })
            .collect();
        assert!(core.is_empty(), "{probe}: {core:#?}");
    }
}
