//! Real registries in containers (locally built images, started by testcontainers): start, seed through the push
//! API, read back, fidelity probes, and cleanup.
//!
//! Where Docker is absent these tests print why and return; under `CI=true` an absent Docker fails them.

use fake_registry::seed::demo_subject;
use fake_registry::{SeedSpec, Storage, StoredAs, SubjectSpec};
use harness::real::fidelity::{self, PROBE_IDS};
use harness::real::{
    PushClient, RealRegistryKind, RunDecision, docker, run_decision, seed_spec_with,
    start_real_registry,
};
use serde_json::Value;

/// `true` when the test should go on; prints the skip reason otherwise; panics under CI without Docker.
async fn docker_or_skip(test: &str) -> bool {
    match run_decision().await {
        RunDecision::Run => true,
        RunDecision::Skip(reason) => {
            eprintln!("{test}: {reason}");
            false
        }
        RunDecision::Fail(reason) => panic!("{test}: {reason}"),
    }
}

async fn get_json(url: &str) -> (u16, Option<String>, Value) {
    let resp = harness::real::http::client()
        .get(url)
        .header("accept", harness::real::push::MANIFEST_ACCEPT)
        .send()
        .await
        .expect("GET");
    let status = resp.status().as_u16();
    let ct = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = resp.bytes().await.expect("body");
    (
        status,
        ct,
        serde_json::from_slice(&body).unwrap_or(Value::Null),
    )
}

fn digests(index: &Value) -> Vec<String> {
    let mut d: Vec<String> = index["manifests"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|m| m["digest"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    d.sort();
    d
}

/// Distribution 2.8.2 has no referrers API: the PUT of a manifest with `subject` brings no `OCI-Subject`, so the
/// seeder writes the tag-schema index and cosign tags; the referrers endpoint answers 404 text; the tag-schema index
/// lists all three referrers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn distribution_seeded_demo_is_found_through_the_tag_schema() {
    if !docker_or_skip("distribution_seeded_demo_is_found_through_the_tag_schema").await {
        return;
    }
    let registry = start_real_registry(RealRegistryKind::Distribution)
        .await
        .expect("start");
    let base = registry.base_url().to_string();
    // The scenario seed format (the fake's SeedSpec), pushed for real; Distribution answers no OCI-Subject, so
    // every referrer lands in the tag schema and cosign tags only.
    let seeded = seed_spec_with(&PushClient::new(&base), &SeedSpec::demo())
        .await
        .expect("seed");
    let subject = &seeded.subjects[0];
    assert_eq!(
        (subject.repository.as_str(), subject.tag.as_str()),
        ("library/alpine", "latest")
    );
    assert_eq!(subject.referrers.len(), 3);
    for r in &subject.referrers {
        assert_eq!(r.stored_as, [StoredAs::TagSchema, StoredAs::Cosign]);
    }

    let resp = harness::real::http::client()
        .get(format!(
            "{base}/v2/library/alpine/referrers/{}",
            subject.digest
        ))
        .send()
        .await
        .expect("GET referrers");
    assert_eq!(resp.status().as_u16(), 404);
    assert_eq!(
        resp.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(
        resp.text().await.expect("body").trim(),
        "404 page not found"
    );

    let tag = subject.digest.replacen(':', "-", 1);
    let (status, _, index) = get_json(&format!("{base}/v2/library/alpine/manifests/{tag}")).await;
    assert_eq!(status, 200);
    let mut want: Vec<String> = subject.referrers.iter().map(|r| r.digest.clone()).collect();
    want.sort();
    assert_eq!(digests(&index), want);
    let types: Vec<&str> = index["manifests"]
        .as_array()
        .expect("manifests")
        .iter()
        .filter_map(|m| m["artifactType"].as_str())
        .collect();
    assert!(
        types.contains(&"application/vnd.in-toto+json"),
        "derived artifactType listed: {types:?}"
    );

    let (status, _, tags) = get_json(&format!("{base}/v2/library/alpine/tags/list")).await;
    assert_eq!(status, 200);
    let tags: Vec<&str> = tags["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for suffix in ["sig", "att", "sbom"] {
        assert!(
            tags.contains(&format!("{tag}.{suffix}").as_str()),
            "cosign tag .{suffix} in {tags:?}"
        );
    }
    let id = registry.container_id().to_string();
    registry.stop().await.expect("stop");
    assert!(!docker::own_containers().await.expect("list").contains(&id));
}

/// ferro-oci-server implements the referrers API: the seeded referrers are listed by the endpoint, and the filter
/// narrows them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ferro_seeded_demo_is_listed_by_the_referrers_api() {
    if !docker_or_skip("ferro_seeded_demo_is_listed_by_the_referrers_api").await {
        return;
    }
    let registry = start_real_registry(RealRegistryKind::FerroOciServer)
        .await
        .expect("start");
    let base = registry.base_url().to_string();
    let spec = SeedSpec {
        demo: false,
        subjects: vec![SubjectSpec {
            storage: Storage::Api,
            ..demo_subject()
        }],
    };
    let seeded = seed_spec_with(&PushClient::new(&base), &spec)
        .await
        .expect("seed");
    let subject = &seeded.subjects[0];
    assert_eq!(subject.referrers.len(), 3);
    for r in &subject.referrers {
        assert_eq!(r.stored_as, [StoredAs::Api], "ferro answers OCI-Subject");
    }

    let url = format!("{base}/v2/library/alpine/referrers/{}", subject.digest);
    let (status, ct, index) = get_json(&url).await;
    assert_eq!(status, 200);
    assert_eq!(
        ct.as_deref(),
        Some("application/vnd.oci.image.index.v1+json")
    );
    let mut want: Vec<String> = subject.referrers.iter().map(|r| r.digest.clone()).collect();
    want.sort();
    assert_eq!(digests(&index), want);

    let (status, _, filtered) = get_json(&format!(
        "{url}?artifactType=application%2Fvnd.cyclonedx%2Bjson"
    ))
    .await;
    assert_eq!(status, 200);
    let sbom: Vec<String> = subject
        .referrers
        .iter()
        .filter(|r| r.artifact_type.as_deref() == Some("application/vnd.cyclonedx+json"))
        .map(|r| r.digest.clone())
        .collect();
    assert_eq!(digests(&filtered), sbom);
    drop(registry);
}

/// The probe set against two fresh containers of one real registry must agree on every probe (the comparison
/// works and the probes are deterministic), and the report carries every probe. Two containers, not one run twice:
/// the probes push, and ferro-oci-server 1.0.0 lists a referrer once per PUT of the same manifest.
async fn fidelity_against_itself(kind: RealRegistryKind) {
    let (a, b) = tokio::join!(start_real_registry(kind), start_real_registry(kind));
    let (a, b) = (a.expect("start first"), b.expect("start second"));
    let first = fidelity::run_probes(a.base_url()).await.expect("probes");
    let second = fidelity::run_probes(b.base_url())
        .await
        .expect("probes again");
    assert_eq!(first.len(), PROBE_IDS.len());
    let report = fidelity::compare(&kind.row_label(), &first, "a second container", &second);
    eprintln!("{}", report.to_markdown());
    for o in &first {
        eprintln!(
            "{:<30} {} {:?} {:?} {}",
            o.probe, o.status, o.content_type, o.headers, o.body_shape
        );
    }
    assert_eq!(report.differences, vec![], "{}", report.to_markdown());
    assert_eq!(report.matching_probes, PROBE_IDS.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn distribution_fidelity_probes_agree_with_themselves() {
    if !docker_or_skip("distribution_fidelity_probes_agree_with_themselves").await {
        return;
    }
    fidelity_against_itself(RealRegistryKind::Distribution).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ferro_fidelity_probes_agree_with_themselves() {
    if !docker_or_skip("ferro_fidelity_probes_agree_with_themselves").await {
        return;
    }
    fidelity_against_itself(RealRegistryKind::FerroOciServer).await;
}

/// Runs the probe set against the real container and against a fresh fake with the profile that claims to emulate
/// it, prints the report (figure + every difference), keeps it as JSON under the test tmp dir, and returns it.
async fn real_vs_fake(kind: RealRegistryKind) -> fidelity::FidelityReport {
    let report = harness::real::fidelity_for_kind(kind)
        .await
        .expect("fidelity");
    eprintln!(
        "{}",
        harness::real::fidelity_markdown(std::slice::from_ref(&report))
    );
    let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("fidelity-{}.json", kind.name()));
    std::fs::write(&out, serde_json::to_vec_pretty(&report).expect("json")).expect("write report");
    eprintln!("report written to {}", out.display());
    assert_eq!(report.probes, PROBE_IDS.len());
    assert_eq!(report.candidate, format!("fake {}", kind.fake_profile()));
    report
}

/// The fake counterpart of `kind` matches the real registry on every probe (status, Content-Type, key headers,
/// body shape).
async fn counterpart_matches_every_probe(test: &str, kind: RealRegistryKind) {
    if !docker_or_skip(test).await {
        return;
    }
    let report = real_vs_fake(kind).await;
    assert!(
        report.differences.is_empty(),
        "the {} profile differs from {}: {:#?}",
        kind.fake_profile(),
        kind.row_label(),
        report.differences
    );
    assert_eq!(
        report.matching_probes,
        report.probes,
        "{}",
        report.summary()
    );
}

/// The issue's bar: the `distribution-2.8` profile matches real Distribution 2.8.2 on every probe.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn distribution_fake_profile_fidelity() {
    counterpart_matches_every_probe(
        "distribution_fake_profile_fidelity",
        RealRegistryKind::Distribution,
    )
    .await;
}

/// The `ferro-oci-server-1.0` profile, written from ferro-oci-server's source, matches the real binary on every
/// probe, as `distribution-2.8` matches Distribution.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ferro_fake_profile_fidelity() {
    counterpart_matches_every_probe(
        "ferro_fake_profile_fidelity",
        RealRegistryKind::FerroOciServer,
    )
    .await;
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
    let report = harness::real::measure_fidelity(
        RealRegistryKind::FerroOciServer,
        "fake oci-1.1",
        &fake.base_url(),
    )
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

/// A labelled container left by a process that is gone (a crashed earlier run) is removed by the sweep; one owned
/// by this live process is spared.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sweep_removes_leftovers_of_dead_runs_only() {
    use testcontainers::bollard::models::ContainerCreateBody;
    use testcontainers::bollard::query_parameters::RemoveContainerOptions;
    use testcontainers::core::client::docker_client_instance;

    if !docker_or_skip("sweep_removes_leftovers_of_dead_runs_only").await {
        return;
    }
    harness::real::images::ensure_image(RealRegistryKind::Distribution)
        .await
        .expect("image");
    let docker_api = docker_client_instance().await.expect("client");
    // Above the kernel's largest pid_max (2^22), so no process has it.
    let dead_pid = "4194305".to_string();
    let create = |pid: String| {
        let docker_api = docker_api.clone();
        async move {
            docker_api
                .create_container(
                    None,
                    ContainerCreateBody {
                        image: Some(RealRegistryKind::Distribution.image_ref()),
                        labels: Some(
                            [
                                (docker::LABEL_TEST.to_string(), "1".to_string()),
                                (docker::LABEL_PID.to_string(), pid),
                            ]
                            .into_iter()
                            .collect(),
                        ),
                        ..Default::default()
                    },
                )
                .await
                .expect("create")
                .id
        }
    };
    let leftover = create(dead_pid).await;
    let mine = create(std::process::id().to_string()).await;

    let removed = docker::sweep().await.expect("sweep");
    assert!(removed.contains(&leftover), "{removed:?}");
    assert!(!removed.contains(&mine));
    assert!(
        docker::own_containers()
            .await
            .expect("list")
            .contains(&mine)
    );
    docker_api
        .remove_container(
            &mine,
            Some(RemoveContainerOptions {
                force: true,
                ..Default::default()
            }),
        )
        .await
        .expect("remove");
}

/// images/real-registries.toml (the config format for more real registries as images) is exercised with the
/// locally built images standing in for pulled ones: each entry starts with its port, environment and wait
/// condition, answers `GET /v2/`, and is removed afterwards.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_file_images_start() {
    if !docker_or_skip("config_file_images_start").await {
        return;
    }
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../images/real-registries.toml");
    let config = harness::real::RealRegistriesConfig::load(&path).expect("config");
    assert_eq!(config.images.len(), 3);
    for kind in RealRegistryKind::ALL {
        harness::real::images::ensure_image(kind)
            .await
            .expect("image");
    }
    for entry in &config.images {
        let registry = harness::real::start_container(&entry.container_spec())
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", entry.name));
        let (status, _, body) = get_json(&format!("{}/v2/", registry.base_url())).await;
        if entry.username_env.is_some() {
            // Configured with htpasswd: anonymous requests are challenged (its JSON error body, code UNAUTHORIZED).
            assert_eq!(status, 401, "{}", entry.name);
            assert_eq!(body["errors"][0]["code"], "UNAUTHORIZED", "{}", entry.name);
        } else {
            assert_eq!(
                (status, body),
                (200, serde_json::json!({})),
                "{}",
                entry.name
            );
        }
        assert_eq!(registry.label(), entry.row_label());
        let id = registry.container_id().to_string();
        registry.stop().await.expect("stop");
        assert!(!docker::own_containers().await.expect("list").contains(&id));
    }
}

/// A live registry entry (the fake's `harbor-2.11` profile with required credentials stands in for a production
/// Harbor): credentials resolve from the variables the entry names, the push client answers the Bearer challenge,
/// the scenario seed lands, and the probes run authenticated.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_registry_entry_with_credentials_is_seeded_and_probed() {
    let fake = fake_registry::FakeRegistry::builder()
        .profile(fake_registry::Profile::by_name("harbor-2.11").expect("profile"))
        .credentials("robot", "s3cret")
        .start()
        .expect("fake");
    let text = format!(
        "[[live]]\nname = \"harbor-standin\"\nurl = \"{}\"\nusername_env = \"LIVE_USER\"\npassword_env = \"LIVE_PASSWORD\"\n",
        fake.base_url()
    );
    let config = harness::real::RealRegistriesConfig::parse(&text, std::path::Path::new("inline"))
        .expect("config");
    let live = config.live[0]
        .resolve_with(
            |k| match k {
                "LIVE_USER" => Some("robot".into()),
                "LIVE_PASSWORD" => Some("s3cret".into()),
                _ => None,
            },
            None,
        )
        .expect("resolve");
    let client = live.push_client();
    let seeded = seed_spec_with(&client, &SeedSpec::demo())
        .await
        .expect("seed through auth");
    assert_eq!(seeded.subjects[0].referrers.len(), 3);

    let probes = fidelity::run_probes_with(&client).await.expect("probes");
    let by_id = |id: &str| probes.iter().find(|o| o.probe == id).expect(id).clone();
    assert_eq!(
        by_id("ping").status,
        401,
        "ping goes out without credentials"
    );
    assert!(by_id("ping").headers.contains_key("www-authenticate"));
    assert_eq!(by_id("manifest-get-tag").status, 200);
    assert_eq!(by_id("push-with-subject").status, 201);

    let wrong = PushClient::with_credentials(
        &fake.base_url(),
        Some(harness::real::auth::Credentials::new("robot", "wrong")),
    );
    assert!(seed_spec_with(&wrong, &SeedSpec::demo()).await.is_err());
}

/// The README's test command runs every scenario that can run against a real registry (no fault injection; those
/// needing credentials on the htpasswd row) against every built-in row, each cell in a fresh container, exactly as
/// `matrix --real`, plus the fidelity probes.
#[tokio::test(flavor = "multi_thread")]
async fn every_applicable_scenario_passes_on_the_built_in_real_rows() {
    if !docker_or_skip("every_applicable_scenario_passes_on_the_built_in_real_rows").await {
        return;
    }
    let scenarios: Vec<std::sync::Arc<harness::scenario::Scenario>> =
        harness::scenario::load_dir(&harness::scenario::default_dir())
            .expect("scenarios load")
            .into_iter()
            .map(std::sync::Arc::new)
            .collect();
    let run_id = harness::real::target::run_id();
    for target in harness::real::RealTarget::builtin() {
        let r = harness::real_rows::measure(&target, &scenarios, &run_id)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", target.title));
        let (pass, bad, _skip) = harness::real_rows::summary(&r);
        let failures: Vec<String> = r
            .cells
            .iter()
            .filter(|c| !c.reasons.is_empty() && c.status != harness::cell::CellStatus::Skip)
            .map(|c| format!("{}: {}", c.id, c.reasons.join("; ")))
            .collect();
        assert_eq!(bad, 0, "{}:\n{}", target.title, failures.join("\n"));
        assert!(pass >= 10, "{}: only {pass} scenarios ran", target.title);
        assert!(
            r.rows
                .get(&target.name)
                .is_some_and(|row| row.fidelity.contains("probes")),
            "{}: fidelity not measured",
            target.title
        );
        if target.credentials.is_some() {
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
    for kind in RealRegistryKind::ALL {
        harness::real::images::ensure_image(kind)
            .await
            .expect("image");
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
