//! What the real-registry tests share: the skip rule, the built-in rows by name, starting one, reading JSON.

use harness::real::{Launch, RealRegistry, RealTarget, RunDecision, run_decision};
use serde_json::Value;

/// `true` when the test should go on; prints the skip reason otherwise; panics under CI without Docker.
pub async fn docker_or_skip(test: &str) -> bool {
    match run_decision().await {
        RunDecision::Run => true,
        RunDecision::Skip(reason) => {
            eprintln!("{test}: {reason}");
            false
        }
        RunDecision::Fail(reason) => panic!("{test}: {reason}"),
    }
}

pub async fn get_json(url: &str) -> (u16, Option<String>, Value) {
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

pub fn digests(index: &Value) -> Vec<String> {
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

/// The built-in row `name`.
pub fn builtin(name: &str) -> RealTarget {
    RealTarget::builtin_row(name)
        .expect("builtin rows")
        .unwrap_or_else(|| panic!("no built-in row {name}"))
}

/// Makes sure the image of the built-in row `name` exists (building it when missing) and returns its `name:tag`.
pub async fn ensure_row_image(name: &str) -> String {
    let row = builtin(name);
    let Launch::Container { spec, build } = &row.launch else {
        panic!("{name} is not a container row");
    };
    if let Some(build) = build {
        harness::real::images::ensure_image(build, &spec.image_ref())
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    spec.image_ref()
}

/// Starts a fresh container of the built-in row `name`.
pub async fn start_row(name: &str) -> RealRegistry {
    ensure_row_image(name).await;
    let row = builtin(name);
    let Launch::Container { spec, .. } = &row.launch else {
        panic!("{name} is not a container row");
    };
    harness::real::start_container(spec)
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}
