//! The `fake-registry` binary: first line, --list-profiles, --seed demo, --faults, --tls, SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::util::*;

const BIN: &str = env!("CARGO_BIN_EXE_fake-registry");

struct Running(Child);
impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(args: &[&str]) -> (Running, Vec<String>) {
    let mut child = Command::new(BIN)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let mut lines = vec![];
    let mut r = BufReader::new(out);
    // Lines up to and including `profile NAME` (the last one printed at start).
    loop {
        let mut l = String::new();
        if r.read_line(&mut l).unwrap() == 0 {
            break;
        }
        let l = l.trim_end().to_string();
        let last = l.starts_with("profile ");
        lines.push(l);
        if last {
            break;
        }
    }
    (Running(child), lines)
}

#[test]
fn list_profiles_prints_name_tab_summary() {
    let out = Command::new(BIN).arg("--list-profiles").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let names: Vec<&str> = text
        .lines()
        .map(|l| l.split_once('\t').unwrap().0)
        .collect();
    // Every profile, in the library's order (a new profile is its file and its line in `defs.rs`, nothing here).
    let profiles = fake_registry::Profile::all();
    let all: Vec<&str> = profiles.iter().map(|p| p.name()).collect();
    assert_eq!(names, all);
    assert_eq!(names[0], "oci-1.1", "the spec-exact profile comes first");
}

#[test]
fn serves_seeded_demo_with_faults_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let faults = dir.path().join("faults.toml");
    std::fs::write(
        &faults,
        "[[faults]]\npath = \"/v2/*/tags/list\"\naction = \"status\"\nstatus = 503\ntimes = 1\n",
    )
    .unwrap();
    let (mut child, lines) = start(&[
        "--profile",
        "harbor-2.8",
        "--addr",
        "127.0.0.1:0",
        "--seed",
        "demo",
        "--faults",
        faults.to_str().unwrap(),
    ]);
    let url = lines[0].strip_prefix("listening on ").unwrap().to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let c = Client::anonymous();
    assert_eq!(
        c.get(&format!("{url}/v2/library/alpine/tags/list")).status,
        503
    );
    assert_eq!(
        c.get(&format!("{url}/v2/library/alpine/tags/list")).status,
        200
    );
    let h = c.send(
        "HEAD",
        &format!("{url}/v2/library/alpine/manifests/latest"),
        &[],
        b"",
    );
    let d = h.header("docker-content-digest").unwrap().to_string();
    let a = c.get(&format!("{url}/v2/library/alpine/referrers/{d}"));
    assert_eq!(a.status, 200);
    assert_eq!(a.content_type(), Some("application/json; charset=utf-8"));
    // SIGTERM ends it cleanly.
    let pid = child.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let mut ok = false;
    for _ in 0..100 {
        if let Some(st) = child.0.try_wait().unwrap() {
            ok = st.success();
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(ok, "exits 0 on SIGTERM");
}

#[test]
fn tls_prints_the_ca_file_on_line_two() {
    let (_child, lines) = start(&["--addr", "127.0.0.1:0", "--tls"]);
    let url = lines[0].strip_prefix("listening on ").unwrap().to_string();
    assert!(url.starts_with("https://"), "{url}");
    let ca = lines[1].strip_prefix("ca-file ").unwrap();
    let pem = std::fs::read_to_string(ca).unwrap();
    let r = try_send(
        "GET",
        &format!("{url}/v2/"),
        &[],
        b"",
        Some(&pem),
        Duration::from_secs(10),
    )
    .unwrap();
    assert_eq!(r.status, 200);
}

#[test]
fn unknown_profile_is_an_error() {
    let out = Command::new(BIN)
        .args(["--profile", "nope"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown profile"));
}

#[test]
fn seed_and_faults_from_a_scenario_file() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("s.toml");
    std::fs::write(
        &scenario,
        r#"
description = "a whole scenario file"
[seed]
[[seed.subjects]]
repository = "team/app"
tag = "v1"
count = 2

[[faults]]
path = "/v2/*/tags/list"
action = "status"
status = 502
times = 1

[expect]
complete = true
"#,
    )
    .unwrap();
    let s = scenario.to_str().unwrap();
    let (_child, lines) = start(&["--addr", "127.0.0.1:0", "--seed", s, "--faults", s]);
    let url = lines[0].strip_prefix("listening on ").unwrap().to_string();
    assert_eq!(get(&format!("{url}/v2/team/app/tags/list")).status, 502);
    let tags = get(&format!("{url}/v2/team/app/tags/list")).json();
    assert_eq!(tags["tags"], serde_json::json!(["v1"]));
    let h = send("HEAD", &format!("{url}/v2/team/app/manifests/v1"), &[], b"");
    let d = h.header("docker-content-digest").unwrap();
    let r = get(&format!("{url}/v2/team/app/referrers/{d}")).json();
    assert_eq!(r["manifests"].as_array().unwrap().len(), 2);
}
