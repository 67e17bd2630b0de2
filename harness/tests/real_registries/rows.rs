//! Whole rows: every applicable scenario on every built-in row (as `matrix --real`), and `matrix --real` on config
//! files, as a team would run it.

use harness::real::docker;
use serde_json::Value;

use crate::support::{docker_or_skip, ensure_row_image};

/// The README's test command runs every scenario against every built-in row, each cell in a fresh container,
/// exactly as `matrix --real`, plus the fidelity probes, and holds each row to its committed results file
/// (`docs/real/<row>.json`): the same status for every cell and the same fidelity figure. A row whose behaviour or
/// whose harness changed fails here until it is re-measured (`matrix --real --row <row>`) and the change is read.
#[tokio::test(flavor = "multi_thread")]
async fn every_builtin_row_gives_its_committed_results() {
    if !docker_or_skip("every_builtin_row_gives_its_committed_results").await {
        return;
    }
    let scenarios: Vec<std::sync::Arc<harness::scenario::Scenario>> =
        harness::scenario::load_dir(&harness::scenario::default_dir())
            .expect("scenarios load")
            .into_iter()
            .map(std::sync::Arc::new)
            .collect();
    let run_id = harness::real::target::run_id();
    let dir = harness::matrix::real_results_dir();
    let mut wrong = Vec::new();
    for target in harness::real::RealTarget::builtin().expect("builtin rows") {
        let committed =
            harness::matrix::RunResults::read(&dir.join(format!("{}.json", target.name)))
                .unwrap_or_else(|e| panic!("{}: no committed results: {e}", target.name));
        let r = harness::real_rows::measure(&target, &scenarios, &run_id)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", target.title));
        for c in &r.cells {
            let before = committed.cells.iter().find(|k| k.id == c.id);
            if before.map(|k| k.status) != Some(c.status) {
                wrong.push(format!(
                    "{}: {} now, {} committed ({})",
                    c.id,
                    c.status.as_str(),
                    before.map_or("nothing", |k| k.status.as_str()),
                    c.reasons.join("; ")
                ));
            }
        }
        let fidelity = |r: &harness::matrix::RunResults| {
            r.rows.get(&target.name).map(|row| row.fidelity.clone())
        };
        if fidelity(&r) != fidelity(&committed) {
            wrong.push(format!(
                "{}: fidelity {:?} now, {:?} committed",
                target.name,
                fidelity(&r),
                fidelity(&committed)
            ));
        }
        if target.credentials.is_some() && target.name == "distribution-htpasswd" {
            // The scenarios that need a registry with credentials ran here (they skip on the open rows).
            for id in [
                "auth-credentials",
                "auth-wrong-credentials",
                "check-wrong-credentials",
            ] {
                let cell = r.cells.iter().find(|c| c.scenario == id).expect(id);
                assert_eq!(
                    cell.status,
                    harness::cell::CellStatus::Pass,
                    "{}: {id}: {:?}",
                    target.title,
                    cell.reasons
                );
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// `matrix --real` as a team would run it: the rows of images/real-registries.toml (the locally built images stand
/// in for pulled ones, one of them with htpasswd credentials from the environment) and a live entry (a fake with
/// Harbor's profile and required credentials stands in for a production Harbor) become results files in
/// `--real-dir`, and the plain `matrix` renders them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn matrix_real_measures_config_file_rows() {
    if !docker_or_skip("matrix_real_measures_config_file_rows").await {
        return;
    }
    for row in ["distribution", "ferro-oci-server"] {
        ensure_row_image(row).await;
    }
    let live = fake_registry::FakeRegistry::builder()
        .profile(fake_registry::Profile::by_name("harbor-2.11").expect("profile"))
        .credentials("robot", "s3cret")
        .start()
        .expect("fake");
    let dir = tempfile::tempdir().expect("tempdir");
    let live_config = dir.path().join("live.toml");
    std::fs::write(
        &live_config,
        format!(
            "[[live]]\nname = \"harbor-standin\"\nlabel = \"Harbor stand-in (live)\"\nurl = \"{}\"\n\
             username_env = \"LIVE_USER\"\npassword_env = \"LIVE_PASSWORD\"\nfake_profile = \"harbor-2.11\"\n\
             repository_prefix = \"team/compat\"\n",
            live.base_url()
        ),
    )
    .expect("write");
    let out = dir.path().join("real");
    let images =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../images/real-registries.toml");
    let bin = env!("CARGO_BIN_EXE_harness");
    let child = tokio::process::Command::new(bin)
        .args(["matrix", "--real", "--no-builtin", "--real-config"])
        .arg(&images)
        .arg("--real-config")
        .arg(&live_config)
        .arg("--real-dir")
        .arg(&out)
        .args([
            "--scenario",
            "three-referrers",
            "--scenario",
            "auth-credentials",
        ])
        .env("LIVE_USER", "robot")
        .env("LIVE_PASSWORD", "s3cret")
        .env("OCI_TEST_REGISTRY_USER", "oci-test")
        .env("OCI_TEST_REGISTRY_PASSWORD", "oci-test-password")
        .env("RUST_LOG", "error")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("harness starts");
    let child_pid = child.id().expect("pid");
    let run = child.wait_with_output().await.expect("harness runs");
    // Every container the run started (one per cell, one per fidelity measurement) is gone.
    assert_eq!(
        docker::containers_of(child_pid).await.expect("list"),
        Vec::<String>::new()
    );
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "matrix --real failed:\n{stderr}");

    let cell = |row: &str, scenario: &str| -> (String, Vec<String>) {
        let text = std::fs::read_to_string(out.join(format!("{row}.json")))
            .unwrap_or_else(|e| panic!("{row}.json: {e}\n{stderr}"));
        let v: Value = serde_json::from_str(&text).expect("json");
        let c = v["cells"]
            .as_array()
            .expect("cells")
            .iter()
            .find(|c| c["scenario"] == scenario)
            .unwrap_or_else(|| panic!("{row}: no {scenario}"))
            .clone();
        (
            c["status"].as_str().unwrap_or_default().to_string(),
            c["reasons"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|r| r.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
        )
    };
    for row in [
        "distribution-local",
        "ferro-local",
        "distribution-htpasswd-local",
        "harbor-standin",
    ] {
        let (status, reasons) = cell(row, "three-referrers");
        assert_eq!(status, "pass", "{row}: {reasons:?}");
    }
    // Credentials: the rows configured with some run the scenario that needs them; open rows say why they skip.
    for row in ["distribution-htpasswd-local", "harbor-standin"] {
        let (status, reasons) = cell(row, "auth-credentials");
        assert_eq!(status, "pass", "{row}: {reasons:?}");
    }
    let (status, reasons) = cell("distribution-local", "auth-credentials");
    assert_eq!(status, "skip");
    assert!(reasons[0].contains("credentials"), "{reasons:?}");

    // The live row pushed only under its prefix, in repositories named by the run and the scenario.
    let pushed: Vec<String> = live
        .request_log()
        .iter()
        .filter(|r| r.method == "PUT")
        .map(|r| r.path.clone())
        .collect();
    assert!(!pushed.is_empty());
    for p in &pushed {
        assert!(p.starts_with("/v2/team/compat/r"), "{p}");
    }
    // No password in any results file.
    for entry in std::fs::read_dir(&out).expect("dir") {
        let text = std::fs::read_to_string(entry.expect("entry").path()).expect("read");
        assert!(!text.contains("s3cret") && !text.contains("oci-test-password"));
    }

    // The plain matrix renders the rows from --real-dir.
    let doc = dir.path().join("matrix.md");
    let render = tokio::process::Command::new(bin)
        .args([
            "matrix",
            "--profile",
            "oci-1.1",
            "--scenario",
            "three-referrers",
            "--real-dir",
        ])
        .arg(&out)
        .arg("--out")
        .arg(&doc)
        .env("RUST_LOG", "error")
        .output()
        .await
        .expect("harness runs");
    assert!(
        render.status.success(),
        "{}",
        String::from_utf8_lossy(&render.stderr)
    );
    let md = std::fs::read_to_string(&doc).expect("doc");
    for title in [
        "Distribution 2.8.2 (config file, local image)",
        "ferro-oci-server 1.0.0 (config file, local image)",
        "Distribution 2.8.2 with htpasswd (config file, local image)",
        "Harbor stand-in (live)",
    ] {
        assert!(md.contains(&format!("### {title}")), "{title} missing");
    }
}
