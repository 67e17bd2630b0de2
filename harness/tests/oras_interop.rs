//! A real third-party OCI client (the ORAS Python SDK, `pip install oras`) pushes an image with two referrers to
//! the `oci-1.1` fake; raw HTTP and our discovery both list them.
//!
//! Skipped with a printed reason where python3 or the `oras` package is missing, except under `CI=true`, where
//! `.ci/run` installs them and the test must run.

use std::process::Command;
use std::time::Duration;

use fake_registry::{FakeRegistry, Profile};
use referrers::discovery::{Discoverer, DiscoveryOptions, Subject, SubjectRef};
use referrers::telemetry::Metrics;
use referrers::{Credentials, RegistryConfig};

fn oras_available() -> Result<(), String> {
    let out = Command::new("python3")
        .args(["-c", "import oras.provider, oras.oci"])
        .output()
        .map_err(|e| format!("python3 not runnable: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "the oras Python package is missing ({})",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn oras_pushes_referrers_that_raw_http_and_discovery_list() {
    if let Err(why) = oras_available() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("CI must run the ORAS interop test, but {why}");
        }
        eprintln!("SKIPPED oras interop: {why} (pip install oras)");
        return;
    }
    let fake = FakeRegistry::builder()
        .profile(Profile::by_name("oci-1.1").expect("oci-1.1 profile"))
        .start()
        .expect("fake starts");
    let host = fake.base_url().trim_start_matches("http://").to_string();
    let work = tempfile::tempdir().expect("tempdir");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oras_push.py");
    let out = tokio::task::spawn_blocking({
        let host = host.clone();
        let work = work.path().to_path_buf();
        move || {
            Command::new("python3")
                .args([script, &host, "interop/app", work.to_str().unwrap_or(".")])
                .env("NO_PROXY", "127.0.0.1,localhost")
                .output()
        }
    })
    .await
    .expect("join")
    .expect("python3 runs");
    assert!(
        out.status.success(),
        "oras push failed:\nstdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let pushed: serde_json::Value =
        serde_json::from_slice(out.stdout.trim_ascii()).expect("script prints JSON");
    let subject = pushed["subject"]
        .as_str()
        .expect("subject digest")
        .to_string();
    let mut expected: Vec<String> = pushed["referrers"]
        .as_array()
        .expect("referrers")
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_string())
        .collect();
    expected.sort();
    assert_eq!(expected.len(), 2);

    // Raw HTTP, no client library of ours.
    let raw = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
        .get(format!(
            "{}/v2/interop/app/referrers/{subject}",
            fake.base_url()
        ))
        .header("Accept", "application/vnd.oci.image.index.v1+json")
        .send()
        .await
        .expect("referrers GET");
    assert_eq!(raw.status().as_u16(), 200);
    let index: serde_json::Value =
        serde_json::from_str(&raw.text().await.expect("body")).expect("index JSON");
    let mut listed: Vec<String> = index["manifests"]
        .as_array()
        .expect("manifests array")
        .iter()
        .map(|d| d["digest"].as_str().unwrap_or_default().to_string())
        .collect();
    listed.sort();
    assert_eq!(listed, expected, "raw referrers listing");
    let types: Vec<&str> = index["manifests"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["artifactType"].as_str())
        .collect();
    assert!(
        types.contains(&"application/vnd.cyclonedx+json"),
        "{types:?}"
    );

    // Our discovery.
    let discoverer = Discoverer::new(
        RegistryConfig {
            credentials: Credentials::Anonymous,
            timeout: Duration::from_secs(10),
            ..RegistryConfig::new(fake.base_url())
        },
        DiscoveryOptions::default(),
        Metrics::default(),
    )
    .expect("discoverer");
    let result = discoverer
        .discover(&Subject {
            repository: "interop/app".into(),
            reference: SubjectRef::Tag("v1".into()),
        })
        .await;
    assert!(result.complete, "{:?}", result.errors);
    assert_eq!(result.subject, subject);
    let mut found: Vec<String> = result.referrers.iter().map(|r| r.digest.clone()).collect();
    found.sort();
    assert_eq!(found, expected, "discovery listing");
    assert_eq!(result.method.as_str(), "referrers-api");
}
