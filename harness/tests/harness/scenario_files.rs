use std::path::Path;

use harness::scenario::{self, Expected, ScenarioError};
use referrers::check::Status;

fn parse(text: &str) -> Result<scenario::Scenario, ScenarioError> {
    scenario::parse(Path::new("scenarios/example.toml"), text)
}

#[test]
fn every_committed_scenario_loads() {
    let all = scenario::load_dir(&scenario::default_dir()).expect("scenarios load");
    assert!(all.len() >= 25, "only {} scenarios", all.len());
    let ids: Vec<&str> = all.iter().map(|s| s.id.as_str()).collect();
    for required in [
        "referrers-check",
        "three-referrers",
        "filter-artifact-type",
        "paging-250",
        "no-referrers",
        "missing-subject",
        "fallback-tag-schema",
        "fallback-cosign-tags",
        "fallback-both",
        "fallback-neither",
        "gitlab-tag-is-subject",
        "rate-limit-then-success",
        "rate-limit-never-lifts",
        "auth-credentials",
        "auth-wrong-credentials",
        "transient-5xx",
        "stalled-registry",
        "referrer-unreadable",
        "referrer-checksum-mismatch",
        "batch-50-subjects",
        "max-concurrent",
        "hostile-link-loop",
        "hostile-link-off-host",
        "oversize-body",
        "redirect-off-host",
        "multi-platform-index",
        "sha512-subject",
    ] {
        assert!(ids.contains(&required), "missing scenario {required}");
    }
}

#[test]
fn an_unknown_field_names_file_field_and_problem() {
    let err = parse(
        "description = \"x\"\n[operation]\nkind = \"discover\"\n[expect]\nreferers = \"seeded\"\n",
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("scenarios/example.toml"), "{err}");
    assert!(err.contains("referers"), "{err}");
    assert!(err.contains("unknown field"), "{err}");
}

#[test]
fn a_wrong_type_names_the_field() {
    let err = parse("description = \"x\"\n[operation]\nkind = \"discover\"\nverify = \"yes\"\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("example.toml"), "{err}");
    assert!(err.contains("verify") || err.contains("operation"), "{err}");
}

#[test]
fn an_unknown_profile_is_named() {
    let err = parse(
        "description = \"x\"\napplies_to = { only = [\"harbour-2.8\"] }\n[operation]\nkind = \"check\"\n",
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("applies_to.only"), "{err}");
    assert!(err.contains("harbour-2.8"), "{err}");
}

#[test]
fn an_override_must_say_what_it_rests_on() {
    let err = parse(
        "description = \"x\"\n[operation]\nkind = \"check\"\n[profiles.\"harbor-2.8\"]\nbecause = \" \"\nverdict = \"warn\"\n",
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("profiles.harbor-2.8.because"), "{err}");
}

#[test]
fn a_bad_verdict_value_is_named() {
    let err =
        parse("description = \"x\"\n[operation]\nkind = \"check\"\n[expect]\nverdict = \"ok\"\n")
            .unwrap_err()
            .to_string();
    assert!(err.contains("expect.verdict"), "{err}");
    assert!(err.contains("\"ok\""), "{err}");
}

#[test]
fn overrides_lay_over_the_base_expectation() {
    let s = parse(
        "description = \"x\"\n[operation]\nkind = \"check\"\n[expect]\nverdict = \"pass\"\n[profiles.\"harbor-2.7\"]\nbecause = \"Harbor < 2.8 has no referrers route [H]\"\nverdict = \"warn\"\n",
    )
    .expect("parses");
    assert_eq!(
        s.expect_for("harbor-2.7").verdict,
        Some(Expected::Is(Status::Warn))
    );
    assert_eq!(
        s.expect_for("oci-1.1").verdict,
        Some(Expected::Is(Status::Pass))
    );
    assert!(
        s.override_reason("harbor-2.7")
            .is_some_and(|r| r.contains("[H]"))
    );
}

#[test]
fn an_unknown_method_error_kind_or_column_is_refused_with_the_allowed_values() {
    for (text, field, allowed) in [
        (
            "description = \"x\"\n[operation]\nkind = \"discover\"\n[expect]\nmethod = \"api\"\n",
            "expect.method",
            "\"referrers-api\"",
        ),
        (
            "description = \"x\"\n[operation]\nkind = \"discover\"\n[expect]\nerrors = [\"rate-limit\"]\n",
            "expect.errors",
            "rate-limited",
        ),
        (
            "description = \"x\"\ncolumn = \"speed\"\n[operation]\nkind = \"discover\"\n",
            "column",
            "rate-limit",
        ),
        (
            "description = \"x\"\n[operation]\nkind = \"discover\"\n[expect]\npaged = \"yes\"\n",
            "expect.paged",
            "\"declared\"",
        ),
        (
            "description = \"x\"\n[operation]\nkind = \"discover\"\n[profiles.\"ghcr\"]\nbecause = \"b\"\nerrors = [\"oops\"]\n",
            "profiles.ghcr: errors[0]",
            "server-error",
        ),
    ] {
        let err = parse(text).unwrap_err().to_string();
        assert!(err.contains("example.toml"), "{err}");
        assert!(err.contains(field), "{field}: {err}");
        assert!(err.contains(allowed), "{allowed}: {err}");
    }
}

#[test]
fn auto_credentials_are_the_correct_ones() {
    let s = parse("description = \"x\"\n[operation]\nkind = \"check\"\ncredentials = \"auto\"\n")
        .expect("parses");
    assert!(matches!(
        s.spec.operation,
        scenario::Operation::Check {
            credentials: scenario::ClientCredentials::Correct,
            ..
        }
    ));
}
