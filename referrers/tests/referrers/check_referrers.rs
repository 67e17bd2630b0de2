//! `check.integration.oci.referrers`: every row of docs/check-decision-table.md steps 1 and 2.

use crate::support::*;
use referrers::Metrics;
use referrers::check::{CheckConfig, CheckResult, Status, referrers_check};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

const REPO: &str = "library/alpine";

/// A registry with `library/alpine:latest` whose referrers endpoint answers with `referrers`.
async fn registry(
    referrers: impl Fn(&Request) -> Response + Send + Sync + 'static,
) -> (Server, String) {
    let mut repo = Repo::new(REPO);
    let subject = repo.image("latest", "alpine");
    let repo = Arc::new(repo);
    let s = Server::start(move |r| {
        if r.path() == "/v2/" {
            return v2_ok();
        }
        if r.path().starts_with(&format!("/v2/{REPO}/referrers/")) {
            return referrers(r);
        }
        repo.serve(r).unwrap_or_else(Response::not_found)
    })
    .await;
    (s, subject)
}

async fn run(url: &str) -> CheckResult {
    let cfg = CheckConfig::new(config(url));
    referrers_check(&cfg, &Metrics::new()).await
}

fn notes(r: &CheckResult) -> String {
    r.evidence["notes"].to_string()
}

#[tokio::test]
async fn step2_200_index_passes_with_full_evidence() {
    let (s, subject) = registry(|_| {
        Response::index(&[
            json!({"mediaType":MANIFEST,"digest":sha256(b"x"),"size":1,"artifactType":"a/b"}),
        ])
        .header("Docker-Distribution-API-Version", "registry/2.0")
    })
    .await;
    let m = Metrics::new();
    let r = referrers_check(&CheckConfig::new(config(&s.url())), &m).await;
    assert_eq!(r.status, Status::Pass, "{r:?}");
    assert_eq!(r.check_id, "check.integration.oci.referrers");
    assert_eq!(r.severity, "warn");
    assert_eq!(
        r.tags,
        vec!["registry", "oci", "referrers", "compatibility", "oci-1.1"]
    );
    let ev = &r.evidence;
    assert_eq!(ev["digest"], json!(subject));
    assert_eq!(ev["repository"], json!(REPO));
    assert_eq!(ev["tag"], json!("latest"));
    assert_eq!(ev["referrer_count"], json!(1));
    assert_eq!(ev["api_version"], json!("registry/2.0"));
    assert!(ev["probe_ms"].is_u64());
    let reqs = ev["requests"].as_array().unwrap();
    assert_eq!(reqs[0]["method"], json!("HEAD"));
    assert_eq!(
        reqs[0]["path"],
        json!(format!("/v2/{REPO}/manifests/latest"))
    );
    assert_eq!(
        reqs[1]["path"],
        json!(format!("/v2/{REPO}/referrers/{subject}"))
    );
    assert_eq!(reqs[1]["status"], json!(200));
    assert_eq!(reqs[1]["content_type"], json!(INDEX));
    assert!(r.remediation.is_empty());
    assert_eq!(m.probes(&s.host(), true), 1);
    // The probe sent exactly the index Accept type, and HEAD listed the four manifest types.
    let reqs = s.requests();
    assert_eq!(reqs[1].header("accept"), Some(INDEX));
    let accept = reqs[0].header("accept").unwrap();
    for t in [
        INDEX,
        MANIFEST,
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ] {
        assert!(accept.contains(t), "{accept}");
    }
}

type Row = (&'static str, fn(&Request) -> Response, Status, &'static str);

#[tokio::test]
async fn step2_every_row() {
    let rows: Vec<Row> = vec![
        (
            "harbor-2.8 content type",
            |_| {
                Response::new(200)
                    .header("Content-Type", "application/json; charset=utf-8")
                    .body(r#"{"schemaVersion":2,"manifests":[]}"#)
            },
            Status::Pass,
            "non-standard Content-Type",
        ),
        (
            "404 with an index",
            |_| {
                Response::new(404).header("Content-Type", INDEX).body(r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"#)
            },
            Status::Pass,
            "non-conformant: the spec requires 200",
        ),
        (
            "200 html",
            |_| {
                Response::new(200)
                    .header("Content-Type", "text/html")
                    .body("<html>login</html>")
            },
            Status::Warn,
            "not implemented",
        ),
        (
            "200 {}",
            |_| Response::new(200).json(&json!({})),
            Status::Warn,
            "not implemented",
        ),
        (
            "200 garbage",
            |_| Response::new(200).body(vec![0xff, 0, 1]),
            Status::Warn,
            "not implemented",
        ),
        (
            "404 plain",
            |_| Response::not_found(),
            Status::Warn,
            "HTTP 404",
        ),
        (
            "404 MANIFEST_UNKNOWN",
            |_| Response::errors(404, "MANIFEST_UNKNOWN"),
            Status::Warn,
            "HTTP 404",
        ),
        (
            "404 quay disabled",
            |_| Response::new(404).json(&json!({"error":"Not Found"})),
            Status::Warn,
            "HTTP 404",
        ),
        ("405", |_| Response::new(405), Status::Warn, "HTTP 405"),
        ("406", |_| Response::new(406), Status::Warn, "HTTP 406"),
        ("501", |_| Response::new(501), Status::Warn, "HTTP 501"),
        (
            "400",
            |_| Response::errors(400, "BAD_REQUEST"),
            Status::Warn,
            "HTTP 400",
        ),
        (
            "401",
            |_| Response::new(401),
            Status::Info,
            "not authorized",
        ),
        (
            "403",
            |_| Response::errors(403, "DENIED"),
            Status::Info,
            "not authorized",
        ),
        (
            "429",
            |_| {
                Response::new(429)
                    .header("RateLimit-Remaining", "0;w=60")
                    .text("slow")
            },
            Status::Info,
            "rate limited",
        ),
        (
            "ghcr secondary 403",
            |_| Response::new(403).text("exceeded a secondary rate limit"),
            Status::Info,
            "rate limited",
        ),
        ("500", |_| Response::new(500), Status::Fail, "HTTP 500"),
        ("503", |_| Response::new(503), Status::Fail, "HTTP 503"),
        ("reset", |_| Response::reset(), Status::Fail, "transport"),
    ];
    for (name, answer, want, text) in rows {
        let (s, _) = registry(answer).await;
        let r = run(&s.url()).await;
        assert_eq!(r.status, want, "{name}: {r:#?}");
        let all = format!("{} {}", r.message, notes(&r));
        assert!(all.contains(text), "{name}: {all}");
        if want == Status::Warn {
            let rem = r.remediation.join("\n");
            assert!(
                rem.contains("Harbor 2.8+") && !rem.contains("Harbor 2.6"),
                "{name}: {rem}"
            );
            assert!(
                rem.contains("Distribution (registry:2.8, 3.x) does not support"),
                "{rem}"
            );
            assert!(rem.contains("check.integration.oci.capabilities"));
        }
        if name == "429" {
            assert_eq!(
                r.evidence["rate_limit_headers"]["ratelimit-remaining"],
                json!("0;w=60")
            );
        }
    }
}

#[tokio::test]
async fn step2_redirect_to_html_login_on_another_host_warns() {
    let other = Server::start_on("127.0.0.2", |_| {
        Response::new(200)
            .header("Content-Type", "text/html")
            .body("<html>sign in</html>")
    })
    .await;
    let login = format!("{}/login", other.url());
    let (s, _) = registry(move |_| Response::new(302).header("Location", &login)).await;
    let mut cfg = CheckConfig::new(config(&s.url()));
    cfg.registry.credentials = referrers::Credentials::Basic {
        username: "u".into(),
        password: "p".into(),
    };
    let r = referrers_check(&cfg, &Metrics::new()).await;
    assert_eq!(r.status, Status::Warn, "{r:#?}");
    assert!(notes(&r).contains("redirected to http://127.0.0.2"));
    assert!(other.requests().iter().all(|q| q.authorization().is_none()));
}

#[tokio::test]
async fn step2_rate_limit_with_retry_after_beyond_budget_is_info_at_once() {
    let (s, _) = registry(|_| Response::new(429).header("Retry-After", "86400")).await;
    let r = run(&s.url()).await;
    assert_eq!(r.status, Status::Info);
    assert!(notes(&r).contains("Retry-After exceeds the remaining time budget"));
    assert_eq!(s.count(|q| q.path().contains("/referrers/")), 1);
}

#[tokio::test]
async fn step1_missing_digest_header_gets_and_hashes() {
    let mut repo = Repo::new(REPO);
    let subject = repo.image("latest", "alpine");
    repo.no_digest_header = true;
    let s = Server::start(move |r| {
        if r.path().contains("/referrers/") {
            return Response::index(&[]);
        }
        repo.serve(r).unwrap_or_else(Response::not_found)
    })
    .await;
    let r = run(&s.url()).await;
    assert_eq!(r.status, Status::Pass, "{r:#?}");
    assert_eq!(r.evidence["digest"], json!(subject));
    assert!(notes(&r).contains("registry omits Docker-Content-Digest on HEAD"));
    assert_eq!(r.evidence["requests"][1]["method"], json!("GET"));
}

#[tokio::test]
async fn step1_rows() {
    let rows: Vec<Row> = vec![
        (
            "404",
            |_| Response::errors(404, "MANIFEST_UNKNOWN"),
            Status::Info,
            "library/alpine:latest not found",
        ),
        (
            "401",
            |_| Response::new(401).header("WWW-Authenticate", "Basic realm=\"x\""),
            Status::Info,
            "not authorized",
        ),
        (
            "403",
            |_| Response::new(403),
            Status::Info,
            "not authorized",
        ),
        (
            "429",
            |_| Response::new(429).header("X-RateLimit-Limit", "5"),
            Status::Info,
            "rate limited",
        ),
        ("502", |_| Response::new(502), Status::Fail, "HTTP 502"),
        ("reset", |_| Response::reset(), Status::Fail, "transport"),
    ];
    for (name, answer, want, text) in rows {
        let s = Server::start(answer).await;
        let r = run(&s.url()).await;
        assert_eq!(r.status, want, "{name}: {r:#?}");
        assert!(
            r.message.contains(text) || notes(&r).contains(text),
            "{name}: {}",
            r.message
        );
        match name {
            "404" => assert!(r.remediation.join(" ").contains("OCI:TestRepository")),
            "401" | "403" => assert!(
                r.remediation
                    .join(" ")
                    .contains("check.integration.oci.pull")
            ),
            "429" => assert_eq!(
                r.evidence["rate_limit_headers"]["x-ratelimit-limit"],
                json!("5")
            ),
            _ => {}
        }
    }
}

#[tokio::test]
async fn step1_connection_refused_and_budget_exceeded_fail() {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    let r = run(&format!("http://127.0.0.1:{port}")).await;
    assert_eq!(r.status, Status::Fail);
    assert_eq!(r.evidence["error_kind"], json!("connect"));
    assert!(r.remediation.join(" ").contains("curl -v"));

    let s = Server::start(|_| Response::new(200).body(vec![1; 10]).stall()).await;
    let mut cfg = CheckConfig::new(config(&s.url()));
    cfg.registry.timeout = Duration::from_millis(400);
    cfg.registry.retry.stall_timeout = Duration::from_secs(30);
    cfg.registry.retry.max_attempts = 1;
    let r = referrers_check(&cfg, &Metrics::new()).await;
    assert_eq!(r.status, Status::Fail, "{r:#?}");
    assert!(r.message.contains("time budget exceeded"), "{}", r.message);
}

#[tokio::test]
async fn bearer_auth_and_no_credentials_in_evidence() {
    let realm = Arc::new(std::sync::Mutex::new(String::new()));
    let mut repo = Repo::new(REPO);
    repo.image("latest", "alpine");
    let realm2 = realm.clone();
    let s = Server::start(move |r| {
        if r.path() == "/token" {
            return Response::new(200).json(&json!({"token":"SECRET-TOKEN"}));
        }
        if r.authorization() != Some("Bearer SECRET-TOKEN") {
            let realm = realm2.lock().unwrap().clone();
            return Response::new(401).header(
                "WWW-Authenticate",
                &format!("Bearer realm=\"{realm}\",service=\"s\",scope=\"repository:{REPO}:pull\""),
            );
        }
        if r.path().contains("/referrers/") {
            return Response::index(&[]);
        }
        repo.serve(r).unwrap_or_else(Response::not_found)
    })
    .await;
    *realm.lock().unwrap() = format!("{}/token", s.url());
    let mut cfg = CheckConfig::new(config(&s.url()));
    cfg.registry.credentials = referrers::Credentials::Basic {
        username: "user".into(),
        password: "p4ssw0rd".into(),
    };
    let r = referrers_check(&cfg, &Metrics::new()).await;
    assert_eq!(r.status, Status::Pass, "{r:#?}");
    let text = serde_json::to_string(&r).unwrap();
    assert!(
        !text.contains("p4ssw0rd")
            && !text.contains("SECRET-TOKEN")
            && !text.contains("dXNlcjpwNHNzdzByZA")
    );
}

#[tokio::test]
async fn invalid_configuration_fails_without_requests() {
    let mut cfg = CheckConfig::new(config("http://127.0.0.1:9"));
    cfg.repository = "../etc".into();
    let r = referrers_check(&cfg, &Metrics::new()).await;
    assert_eq!(r.status, Status::Fail);
    assert!(r.message.contains("invalid repository"));
}
