//! The user's way in: `harness check` and `harness discover` against `fake-registry --seed demo` of each profile.

use std::process::{Command, Output};

use fake_registry::{FakeRegistry, Profile};

pub(crate) fn harness(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_harness"))
        .args(args)
        .env("NO_PROXY", "127.0.0.1,127.0.0.2,localhost")
        .env_remove("HTTP_PROXY")
        .env_remove("HTTPS_PROXY")
        .env_remove("http_proxy")
        .env_remove("https_proxy")
        .env_remove("OCI__RegistryUrl")
        .env_remove("OCI__TestRepository")
        .env_remove("OCI__TestTag")
        .output()
        .expect("harness runs")
}

fn creds(p: &Profile) -> Vec<String> {
    match harness::fake_target::default_credentials(p) {
        Some((u, pw)) => vec![
            "--username".into(),
            u.into(),
            "--password".into(),
            pw.into(),
        ],
        None => vec![],
    }
}

fn exit_for(status: &str) -> i32 {
    match status {
        "pass" => 0,
        "fail" => 1,
        "warn" => 3,
        "info" => 4,
        other => panic!("unknown status {other}"),
    }
}

#[test]
fn check_gives_each_profiles_predicted_verdict_and_exit_code() {
    let mut wrong = Vec::new();
    for p in Profile::all() {
        let fake = FakeRegistry::builder()
            .profile(p)
            .seed_demo()
            .start()
            .expect("fake starts");
        let mut args: Vec<String> = vec![
            "check".into(),
            "--registry".into(),
            fake.base_url(),
            "--format".into(),
            "json".into(),
            "--timeout-seconds".into(),
            "10".into(),
        ];
        args.extend(creds(&p));
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = harness(&argv);
        let v: serde_json::Value = match serde_json::from_slice(&out.stdout) {
            Ok(v) => v,
            Err(e) => {
                wrong.push(format!(
                    "{}: not JSON ({e}): {}",
                    p.name(),
                    String::from_utf8_lossy(&out.stdout)
                ));
                continue;
            }
        };
        let status = v["status"].as_str().unwrap_or("?").to_string();
        for key in ["check_id", "status", "message", "evidence", "remediation"] {
            assert!(v.get(key).is_some(), "{}: JSON lacks {key}", p.name());
        }
        if status != p.declared().check_verdict {
            wrong.push(format!(
                "{}: verdict {status}, predicted {} ({})",
                p.name(),
                p.declared().check_verdict,
                v["message"]
            ));
        } else if out.status.code() != Some(exit_for(&status)) {
            wrong.push(format!(
                "{}: exit {:?} for {status}",
                p.name(),
                out.status.code()
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn check_with_nothing_listening_fails_with_exit_1() {
    let addr = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr")
    };
    let url = format!("http://{addr}");
    let out = harness(&[
        "check",
        "--registry",
        &url,
        "--format",
        "json",
        "--timeout-seconds",
        "5",
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["status"], "fail");
}

#[test]
fn check_all_prints_four_results_as_an_array() {
    let fake = FakeRegistry::builder().seed_demo().start().expect("fake");
    let url = fake.base_url();
    let out = harness(&["check", "--registry", &url, "--all", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let ids: Vec<&str> = v
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|r| r["check_id"].as_str())
        .collect();
    for id in [
        "check.integration.oci.referrers",
        "check.integration.oci.registry",
        "check.integration.oci.pull",
        "check.integration.oci.capabilities",
    ] {
        assert!(ids.contains(&id), "{ids:?}");
    }
}

#[test]
fn environment_supplies_the_seed_keys_and_flags_win() {
    let fake = FakeRegistry::builder().seed_demo().start().expect("fake");
    let out = Command::new(env!("CARGO_BIN_EXE_harness"))
        .args(["check", "--format", "json", "--tag", "latest"])
        .env("OCI__RegistryUrl", fake.base_url())
        .env("OCI__TestRepository", "library/alpine")
        .env("OCI__TestTag", "no-such-tag")
        .env("NO_PROXY", "127.0.0.1,localhost")
        .output()
        .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["status"], "pass", "{v}");
}

#[test]
fn usage_errors_exit_2() {
    let out = harness(&["discover", "--registry", "http://127.0.0.1:9"]);
    assert_eq!(out.status.code(), Some(2));
    let out = harness(&["check"]);
    assert_eq!(out.status.code(), Some(2));
    let out = harness(&["matrix", "--shard", "3/2"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn discover_prints_json_with_the_contract_fields_and_metrics() {
    let fake = FakeRegistry::builder().seed_demo().start().expect("fake");
    let dir = tempfile::tempdir().expect("tempdir");
    let metrics = dir.path().join("m.prom");
    let url = fake.base_url();
    let out = harness(&[
        "discover",
        "--registry",
        &url,
        "--repository",
        "library/alpine",
        "--tag",
        "latest",
        "--format",
        "json",
        "--metrics-out",
        metrics.to_str().expect("utf8"),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["method"], "referrers-api");
    assert_eq!(v["complete"], true);
    assert!(
        v["subject"]
            .as_str()
            .is_some_and(|s| s.starts_with("sha256:"))
    );
    let refs = v["referrers"].as_array().expect("referrers");
    assert_eq!(refs.len(), 3);
    for r in refs {
        for key in [
            "digest",
            "mediaType",
            "artifactType",
            "size",
            "annotations",
            "source",
        ] {
            assert!(r.get(key).is_some(), "referrer lacks {key}: {r}");
        }
    }
    assert!(v["errors"].is_array());
    let prom = std::fs::read_to_string(&metrics).expect("metrics written");
    assert!(
        prom.contains("export_referrer_discovery_method_total{"),
        "{prom}"
    );
    assert!(
        prom.contains("export_registry_capabilities_probed_total{"),
        "{prom}"
    );
    assert!(prom.contains("api_supported=\"true\""), "{prom}");
}

#[test]
fn discover_of_two_subjects_prints_an_array_in_order() {
    let fake = FakeRegistry::builder().seed_demo().start().expect("fake");
    let digest = fake.seeded().subjects[0].digest.clone();
    let url = fake.base_url();
    let out = harness(&[
        "discover",
        "--registry",
        &url,
        "--repository",
        "library/alpine",
        "--digest",
        &digest,
        "--tag",
        "latest",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let arr = v.as_array().expect("array");
    assert_eq!(arr.len(), 2);
    assert_eq!(arr[0]["subject"], digest.as_str());
}

#[test]
fn matrix_list_names_every_cell() {
    let out = harness(&["matrix", "list", "--profile", "zot"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines().any(|l| l.starts_with("zot/three-referrers\t")),
        "{text}"
    );
}
