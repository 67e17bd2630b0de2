//! Every fault action, matching by method/path/skip/times, and composition.

use std::time::{Duration, Instant};

use fake_registry::{FakeRegistry, FaultAction, FaultFile, FaultRule, Profile};

use crate::util::*;

fn referrers_url(reg: &FakeRegistry) -> String {
    reg.url(&format!(
        "/v2/library/alpine/referrers/{}",
        reg.seeded().subjects[0].digest
    ))
}

#[test]
fn rate_limit_shapes_follow_the_profile() {
    // (profile, content-type prefix, body contains, extra header)
    let cases = [
        (
            Profile::OCI_1_1,
            "application/json",
            "TOOMANYREQUESTS",
            None,
        ),
        (
            Profile::DOCKERHUB,
            "application/json",
            "You have reached your pull rate limit",
            Some(("ratelimit-remaining", "0;w=21600")),
        ),
        (
            Profile::GHCR,
            "text/plain",
            "toomanyrequests: retry-after: 2s, allowed: 44000/minute",
            None,
        ),
        (Profile::ECR, "application/json", "Rate exceeded", None),
        (
            Profile::QUAY_3_13,
            "text/html",
            "429 Too Many Requests",
            None,
        ),
    ];
    for (p, ct, contains, header) in cases {
        let reg = FakeRegistry::builder()
            .profile(p)
            .seed_demo()
            .fault(
                FaultRule::rate_limit(Some("2"))
                    .path("/v2/*/referrers/*")
                    .times(1),
            )
            .start()
            .unwrap();
        let a = get(&referrers_url(&reg));
        assert_eq!(a.status, 429, "{p}");
        assert_eq!(a.header("retry-after"), Some("2"), "{p}");
        assert!(
            a.content_type().unwrap().starts_with(ct),
            "{p}: {:?}",
            a.content_type()
        );
        assert!(a.text().contains(contains), "{p}: {}", a.text());
        if let Some((k, v)) = header {
            assert_eq!(a.header(k), Some(v), "{p}");
        }
        // times = 1: the next request is answered normally (here: auth or the answer).
        assert_ne!(get(&referrers_url(&reg)).status, 429, "{p}");
        let log = reg.request_log();
        assert_eq!(log[0].fault.as_deref(), Some("rate-limit"));
        assert_eq!(log[1].fault, None);
    }
}

#[test]
fn retry_after_as_http_date_is_sent_verbatim() {
    let date = "Wed, 21 Oct 2026 07:28:00 GMT";
    let reg = FakeRegistry::builder()
        .fault(FaultRule::rate_limit(Some(date)))
        .start()
        .unwrap();
    assert_eq!(get(&reg.url("/v2/")).header("retry-after"), Some(date));
}

#[test]
fn secondary_rate_limit_is_a_403_naming_it() {
    let reg = FakeRegistry::builder()
        .profile(Profile::GHCR)
        .fault(FaultRule::new(FaultAction::SecondaryRateLimit))
        .start()
        .unwrap();
    let a = get(&reg.url("/v2/"));
    assert_eq!(a.status, 403);
    assert!(a.text().contains("secondary rate limit"));
}

#[test]
fn status_skip_times_and_method() {
    let reg = FakeRegistry::builder()
        .seed_demo()
        .fault(
            FaultRule::status(503)
                .method("GET")
                .path("/v2/*/manifests/*")
                .skip(1)
                .times(2),
        )
        .start()
        .unwrap();
    let url = reg.url("/v2/library/alpine/manifests/latest");
    let statuses: Vec<u16> = (0..4).map(|_| get(&url).status).collect();
    assert_eq!(statuses, vec![200, 503, 503, 200]);
    assert_eq!(send("HEAD", &url, &[], b"").status, 200, "method filter");
    let a = {
        reg.clear_faults();
        reg.add_fault(FaultRule::status(500));
        get(&url)
    };
    assert_eq!(a.status, 500);
    assert_eq!(a.json()["errors"][0]["code"], "INTERNAL_ERROR");
}

#[test]
fn latency_composes_with_other_faults() {
    let reg = FakeRegistry::builder()
        .fault(FaultRule::latency(60).path("/v2/"))
        .fault(FaultRule::latency(40).path("/v2/"))
        .fault(FaultRule::status(502).path("/v2/"))
        .start()
        .unwrap();
    let t = Instant::now();
    let a = get(&reg.url("/v2/"));
    assert!(t.elapsed() >= Duration::from_millis(100), "delays add up");
    assert_eq!(a.status, 502);
    assert_eq!(
        reg.request_log()[0].fault.as_deref(),
        Some("latency,latency,status")
    );
}

#[test]
fn reset_closes_without_an_answer() {
    let reg = FakeRegistry::builder()
        .fault(FaultRule::new(FaultAction::Reset).times(1))
        .start()
        .unwrap();
    let r = try_send(
        "GET",
        &reg.url("/v2/"),
        &[],
        b"",
        None,
        Duration::from_secs(5),
    );
    assert!(r.is_err(), "{r:?}");
    assert_eq!(get(&reg.url("/v2/")).status, 200);
    assert_eq!(reg.request_log()[0].status, 0);
}

#[test]
fn stall_sends_headers_then_nothing() {
    let reg = FakeRegistry::builder()
        .seed_demo()
        .fault(FaultRule::new(FaultAction::Stall).path("/v2/*/manifests/*"))
        .start()
        .unwrap();
    let t = Instant::now();
    let r = try_send(
        "GET",
        &reg.url("/v2/library/alpine/manifests/latest"),
        &[],
        b"",
        None,
        Duration::from_millis(300),
    );
    assert!(r.is_err(), "the body never completes: {r:?}");
    assert!(t.elapsed() >= Duration::from_millis(300));
    // Other requests are unaffected, and dropping the registry does not hang on the stalled connection.
    assert_eq!(get(&reg.url("/v2/")).status, 200);
    drop(reg);
}

#[test]
fn corrupt_body_breaks_the_digest() {
    let reg = FakeRegistry::builder()
        .seed_demo()
        .fault(FaultRule::new(FaultAction::CorruptBody).path("/v2/*/manifests/*"))
        .start()
        .unwrap();
    let a = get(&reg.url("/v2/library/alpine/manifests/latest"));
    assert_eq!(a.status, 200);
    let d = a.header("docker-content-digest").unwrap();
    assert_ne!(sha256(&a.body), d);
    assert_eq!(d, reg.seeded().subjects[0].digest);
}

#[test]
fn link_loop_and_off_host_link() {
    let reg = FakeRegistry::builder()
        .seed_demo()
        .fault(
            FaultRule::new(FaultAction::LinkLoop)
                .path("/v2/*/referrers/*")
                .times(1),
        )
        .start()
        .unwrap();
    let url = referrers_url(&reg);
    let a = get(&url);
    let path = url.strip_prefix(&reg.base_url()).unwrap();
    assert_eq!(
        a.header("link"),
        Some(format!("<{path}>; rel=\"next\"").as_str())
    );

    let reg = FakeRegistry::builder()
        .seed_demo()
        .fault(FaultRule::new(FaultAction::LinkOffHost).path("/v2/*/tags/list"))
        .start()
        .unwrap();
    let a = get(&reg.url("/v2/library/alpine/tags/list?n=1"));
    let link = a.header("link").unwrap();
    assert!(
        link.starts_with(&format!(
            "<{}/v2/library/alpine/tags/list",
            reg.other_host_url()
        )),
        "{link}"
    );
}

#[test]
fn redirect_off_host_serves_the_same_content_and_sees_no_authorization() {
    let reg = FakeRegistry::builder()
        .profile(Profile::DOCKERHUB)
        .seed_demo()
        .fault(FaultRule::new(FaultAction::RedirectOffHost).path("/v2/*/blobs/*"))
        .start()
        .unwrap();
    let c = Client::anonymous();
    let m = c
        .get(&reg.url("/v2/library/alpine/manifests/latest"))
        .json();
    let layer = m["layers"][0]["digest"].as_str().unwrap().to_string();
    let a = c.get(&reg.url(&format!("/v2/library/alpine/blobs/{layer}")));
    assert_eq!(a.status, 307);
    let loc = a.header("location").unwrap().to_string();
    assert!(loc.starts_with(&reg.other_host_url()));
    // A correct client follows without the Authorization header.
    let b = get(&loc);
    assert_eq!(b.status, 200);
    assert_eq!(sha256(&b.body), layer);
    let other_host = reg
        .other_host_url()
        .trim_start_matches("http://")
        .to_string();
    let on_other: Vec<_> = reg
        .request_log()
        .into_iter()
        .filter(|l| l.host == other_host && !l.path.starts_with("/token"))
        .collect();
    assert_eq!(on_other.len(), 1);
    assert!(on_other.iter().all(|l| l.authorization.is_none()));
}

#[test]
fn oversize_body_is_a_padded_index_of_the_given_size() {
    let reg = FakeRegistry::builder()
        .seed_demo()
        .fault(
            FaultRule::new(FaultAction::OversizeBody { bytes: 5_000_000 })
                .path("/v2/*/referrers/*"),
        )
        .start()
        .unwrap();
    let a = get(&referrers_url(&reg));
    assert_eq!(a.status, 200);
    assert_eq!(a.body.len(), 5_000_000);
    assert_eq!(a.json()["schemaVersion"], 2);
}

#[test]
fn fault_file_in_the_contract_format() {
    let f = FaultFile::from_toml(
        r#"
[[faults]]
method = "GET"
path = "/v2/*/referrers/*"
skip = 0
times = 2
action = "rate-limit"
retry_after = "1"
"#,
    )
    .unwrap();
    let reg = FakeRegistry::builder()
        .seed_demo()
        .faults(f.faults)
        .start()
        .unwrap();
    let url = referrers_url(&reg);
    assert_eq!(get(&url).status, 429);
    assert_eq!(get(&url).status, 429);
    assert_eq!(get(&url).status, 200);
}

#[test]
fn faults_never_apply_on_the_other_host() {
    let reg = FakeRegistry::builder()
        .fault(FaultRule::status(500))
        .start()
        .unwrap();
    assert_eq!(get(&reg.url("/v2/")).status, 500);
    assert_eq!(get(&format!("{}/v2/", reg.other_host_url())).status, 200);
}

#[test]
fn stall_never_sends_a_whole_small_body_and_lets_bodiless_answers_through() {
    // A redirect has no body: nothing to withhold, the client follows it.
    let reg = FakeRegistry::builder()
        .profile(Profile::GHCR_2026)
        .seed_demo()
        .fault(FaultRule::new(FaultAction::Stall).path("/v2/*/referrers/*"))
        .start()
        .unwrap();
    let r = try_send(
        "GET",
        &referrers_url(&reg),
        &[],
        b"",
        None,
        Duration::from_millis(2000),
    )
    .unwrap();
    assert_eq!(r.status, 303);
    // `{}` is 2 bytes: at most 1 is sent.
    let reg = FakeRegistry::builder()
        .fault(FaultRule::new(FaultAction::Stall).path("/v2/"))
        .start()
        .unwrap();
    let r = try_send(
        "GET",
        &reg.url("/v2/"),
        &[],
        b"",
        None,
        Duration::from_millis(300),
    );
    assert!(r.is_err(), "{r:?}");
}
