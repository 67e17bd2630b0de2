use harness::cell::{CellResult, CellStatus, Observed};
use harness::matrix::{self, RunResults, Target, model::Provenance};

fn cell(profile: &str, scenario: &str, status: CellStatus) -> CellResult {
    CellResult {
        id: format!("{profile}/{scenario}"),
        profile: profile.into(),
        scenario: scenario.into(),
        status,
        reasons: if status == CellStatus::Fail {
            vec!["method: expected referrers-api, observed none".into()]
        } else {
            vec![]
        },
        override_because: None,
        observed: Observed::default(),
        exchanges: vec![],
    }
}

#[test]
fn json_round_trips_and_carries_schema_and_provenance() {
    let r = RunResults::new(
        matrix::model::provenance_now(None),
        Target::Fake,
        vec![
            cell("zot", "b", CellStatus::Pass),
            cell("zot", "a", CellStatus::Fail),
        ],
    );
    let text = matrix::render_json(&r);
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(v["schema_version"], 1);
    assert!(v["provenance"]["commit"].is_string());
    assert!(v["provenance"]["machine"].is_string());
    assert_eq!(v["cells"][0]["id"], "zot/a", "cells sorted by id");
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("r.json");
    std::fs::write(&p, &text).expect("write");
    assert_eq!(RunResults::read(&p).expect("read"), r);
}

#[test]
fn merge_unions_shards_and_rejects_conflicts() {
    let p = Provenance::default();
    let a = RunResults::new(
        p.clone(),
        Target::Fake,
        vec![cell("zot", "a", CellStatus::Pass)],
    );
    let b = RunResults::new(
        p.clone(),
        Target::Fake,
        vec![cell("zot", "b", CellStatus::Fail)],
    );
    let m = RunResults::merge(&[("a".into(), a.clone()), ("b".into(), b)]).expect("merge");
    assert_eq!(m.cells.len(), 2);
    let conflicting = RunResults::new(p, Target::Fake, vec![cell("zot", "a", CellStatus::Fail)]);
    let err = RunResults::merge(&[("a".into(), a), ("c".into(), conflicting)]).unwrap_err();
    assert!(err.to_string().contains("zot/a"), "{err}");
}

#[test]
fn junit_has_one_case_per_cell_with_failures_marked() {
    let r = RunResults::new(
        Provenance::default(),
        Target::Fake,
        vec![
            cell("zot", "a", CellStatus::Pass),
            cell("zot", "b", CellStatus::Fail),
            cell("ghcr", "a", CellStatus::Skip),
        ],
    );
    let xml = matrix::render_junit(&r);
    assert_eq!(xml.matches("<testcase").count(), 3, "{xml}");
    assert!(xml.contains("<failure"), "{xml}");
    assert!(xml.contains("<skipped"), "{xml}");
    assert!(xml.contains("zot/b"), "{xml}");
}

#[test]
fn drift_is_described_and_equal_documents_are_not() {
    assert!(matrix::describe_drift("a\nb\n", "a\nb\n").is_none());
    let d = matrix::describe_drift("a\nb\n", "a\nc\n").expect("drift");
    assert!(d.contains("line 2"), "{d}");
}

/// The committed real-registry results files read into the typed model and written back are byte-identical: the
/// types keep the schema-1 JSON (verdicts, methods, error kinds and listeners by name, the `extra` row facts).
#[test]
fn committed_real_results_round_trip_byte_for_byte() {
    let dir = harness::matrix::real_results_dir();
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("docs/real") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read");
        let parsed = harness::matrix::RunResults::read(&path).expect("parse");
        assert_eq!(
            harness::matrix::render_json(&parsed),
            text,
            "{} does not round-trip",
            path.display()
        );
        seen += 1;
    }
    assert!(seen >= 3, "only {seen} results files");
}
