//! Containers and config files: the sweep of leftovers, the example config's images, a live entry with
//! credentials.

use fake_registry::SeedSpec;
use harness::real::fidelity;
use harness::real::{PushClient, docker, seed_spec_with};

use crate::support::{docker_or_skip, ensure_row_image, get_json};

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
    let image = ensure_row_image("distribution").await;
    let docker_api = docker_client_instance().await.expect("client");
    // Above the kernel's largest pid_max (2^22), so no process has it.
    let dead_pid = "4194305".to_string();
    let create = |pid: String| {
        let docker_api = docker_api.clone();
        let image = image.clone();
        async move {
            docker_api
                .create_container(
                    None,
                    ContainerCreateBody {
                        image: Some(image.clone()),
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
    for row in ["distribution", "ferro-oci-server"] {
        ensure_row_image(row).await;
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
