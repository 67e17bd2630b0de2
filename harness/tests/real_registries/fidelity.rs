//! The fidelity probes on the built-in rows: each row against a second container of itself (the probes are
//! deterministic), each row against its fake counterpart (they must agree on every probe but the row's declared
//! gaps), and ferro against the spec-exact profile.

use harness::real::RealTarget;
use harness::real::fidelity::{self, probe_ids};

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
    assert_eq!(first.len(), second.len());
    assert!(
        first.len() > probe_ids().len(),
        "several probes record several steps"
    );
    let report = fidelity::compare(&row.title, &first, "a second container", &second);
    eprintln!("{}", report.to_markdown());
    assert_eq!(report.differences, vec![], "{}", report.to_markdown());
    assert_eq!(report.matching_probes, probe_ids().len());
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
/// headers, body shape), given the row's credentials where it has some, except where the row declares a gap with
/// its reason (`[[image.fidelity_gap]]` in images/builtin-registries.toml): every difference must be declared, and
/// every declared gap must still be observed. Each report is kept as JSON under the test tmp dir.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_builtin_counterpart_matches_every_probe_but_its_declared_gaps() {
    if !docker_or_skip("every_builtin_counterpart_matches_every_probe_but_its_declared_gaps").await
    {
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
        assert_eq!(report.probes, probe_ids().len());
        assert_eq!(report.candidate, format!("fake {}", row.counterpart.name()));
        let undeclared: Vec<_> = report.undeclared().collect();
        if !undeclared.is_empty() {
            wrong.push(format!(
                "the {} profile differs from {} where the row declares no gap: {undeclared:#?}",
                row.counterpart.name(),
                row.title,
            ));
        }
        if !report.stale_gaps.is_empty() {
            wrong.push(format!(
                "{} declares gaps that were not observed (closed, or misspelt): {:#?}",
                row.name, report.stale_gaps
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The spec-exact `oci-1.1` profile against real ferro-oci-server: where ferro departs from the spec shows up as
/// differences (measured, not asserted away), while the referrers probes the spec pins (listing, filter with
/// `OCI-Filters-Applied`, 400 on an invalid digest, an empty index for a repository that does not exist) agree.
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
            .any(|d| d.probe == "manifest-delete-tag/delete" && d.aspect == "status"),
        "ferro refuses a DELETE by tag (405) where the spec profile deletes the tag (202)"
    );
    for probe in [
        "referrers",
        "referrers-filtered",
        "referrers-invalid-digest",
        "referrers-missing-repository",
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
