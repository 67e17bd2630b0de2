//! Auth emulation: challenges, token endpoints (same host or the 127.0.0.2 listener), anonymous tokens, Basic
//! for ECR, required credentials.

use fake_registry::{FakeRegistry, Profile};

use crate::util::*;

#[test]
fn dockerhub_realm_lives_on_the_other_host_and_issues_anonymous_tokens() {
    let reg = FakeRegistry::builder()
        .profile(Profile::DOCKERHUB)
        .seed_demo()
        .start()
        .unwrap();
    let a = get(&reg.url("/v2/library/alpine/manifests/latest"));
    assert_eq!(a.status, 401);
    assert_eq!(a.json()["errors"][0]["code"], "UNAUTHORIZED");
    let (scheme, params) = parse_challenge(a.header("www-authenticate").unwrap());
    assert_eq!(scheme, "Bearer");
    let p = |k: &str| {
        params
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    assert_eq!(p("realm"), format!("{}/token", reg.other_host_url()));
    assert_eq!(p("service"), "registry.docker.io");
    assert_eq!(p("scope"), "repository:library/alpine:pull");
    let t = get(&format!(
        "{}?service=registry.docker.io&scope=repository:library/alpine:pull",
        p("realm")
    ));
    assert_eq!(t.status, 200);
    let j = t.json();
    assert!(j["token"].is_string() && j["access_token"].is_string());
    assert_eq!(j["expires_in"], 300);
    assert!(j["issued_at"].is_string());
    // The token endpoint is not served on the registry's own host.
    assert_eq!(get(&reg.url("/token")).status, 404);
    let ok = send(
        "GET",
        &reg.url("/v2/library/alpine/manifests/latest"),
        &[(
            "Authorization",
            &format!("Bearer {}", j["token"].as_str().unwrap()),
        )],
        b"",
    );
    assert_eq!(ok.status, 200);
    // Anonymous push works too (token dance with pull,push scope).
    let c = Client::anonymous();
    let r = c.send("POST", &reg.url("/v2/library/new/blobs/uploads/"), &[], b"");
    assert_eq!(r.status, 202);
}

#[test]
fn ghcr_token_has_no_expires_in() {
    let reg = FakeRegistry::builder()
        .profile(Profile::GHCR)
        .start()
        .unwrap();
    let a = get(&reg.url("/v2/"));
    let (_, params) = parse_challenge(a.header("www-authenticate").unwrap());
    let realm = &params.iter().find(|(k, _)| k == "realm").unwrap().1;
    assert!(realm.starts_with(&reg.other_host_url()));
    assert!(
        !params.iter().any(|(k, _)| k == "scope"),
        "no scope for /v2/"
    );
    let j = get(&format!("{realm}?service=ghcr.io")).json();
    assert!(j["token"].is_string());
    assert!(j.get("expires_in").is_none());
    assert!(j.get("access_token").is_none());
}

#[test]
fn quay_base_401_body_is_true_and_realm_is_same_host() {
    let reg = FakeRegistry::builder()
        .profile(Profile::QUAY_3_13)
        .start()
        .unwrap();
    let a = get(&reg.url("/v2/"));
    assert_eq!(a.status, 401);
    assert_eq!(a.text(), "true");
    let (_, params) = parse_challenge(a.header("www-authenticate").unwrap());
    let p = |k: &str| {
        params
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    assert_eq!(p("realm"), format!("{}/v2/auth", reg.base_url()));
    assert_eq!(p("service"), reg.addr().to_string());
    assert_eq!(Client::anonymous().get(&reg.url("/v2/")).status, 200);
}

#[test]
fn ecr_wants_basic_aws_demo_by_default() {
    let reg = FakeRegistry::builder()
        .profile(Profile::ECR)
        .seed_demo()
        .start()
        .unwrap();
    let a = get(&reg.url("/v2/"));
    assert_eq!(a.status, 401);
    assert_eq!(a.text(), "Not Authorized\n");
    assert_eq!(
        a.header("www-authenticate").unwrap(),
        format!(
            "Basic realm=\"{}/\",service=\"ecr.amazonaws.com\"",
            reg.base_url()
        )
    );
    let wrong = send(
        "GET",
        &reg.url("/v2/"),
        &[("Authorization", &basic("AWS", "nope"))],
        b"",
    );
    assert_eq!(wrong.status, 401);
    let ok = send(
        "GET",
        &reg.url("/v2/"),
        &[("Authorization", &basic("AWS", "demo"))],
        b"",
    );
    assert_eq!(ok.status, 200);
}

#[test]
fn open_profiles_need_nothing_without_credentials() {
    for p in [
        Profile::OCI_1_1,
        Profile::ZOT,
        Profile::DISTRIBUTION_2_8,
        Profile::ARTIFACTORY,
        Profile::SYNTHETIC_501,
    ] {
        let reg = FakeRegistry::builder().profile(p).start().unwrap();
        assert_eq!(get(&reg.url("/v2/")).status, 200, "{p}");
    }
}

#[test]
fn configured_credentials_are_required_on_every_profile() {
    for p in Profile::all() {
        let reg = FakeRegistry::builder()
            .profile(p)
            .credentials("alice", "s3cret")
            .seed_demo()
            .start()
            .unwrap();
        let url = reg.url("/v2/library/alpine/manifests/latest");
        let anon = Client::anonymous().get(&url);
        assert_eq!(anon.status, 401, "{p}: anonymous must fail");
        let wrong = Client::with("alice", "wrong").get(&url);
        assert_eq!(wrong.status, 401, "{p}: wrong password must fail");
        // With the manifest's type in Accept, as clients send it (Distribution serves an OCI manifest only then).
        let ok =
            Client::with("alice", "s3cret").send("GET", &url, &[("Accept", OCI_MANIFEST)], b"");
        assert_eq!(ok.status, 200, "{p}: {}", ok.text());
        if p.name().starts_with("ecr") {
            let default = Client::with("AWS", "demo").get(&url);
            assert_eq!(
                default.status, 401,
                "{p}: defaults replaced by configured credentials"
            );
        }
    }
}

#[test]
fn zot_challenge_uses_lowercase_basic() {
    let reg = FakeRegistry::builder()
        .profile(Profile::ZOT)
        .credentials("u", "p")
        .start()
        .unwrap();
    let a = get(&reg.url("/v2/"));
    assert_eq!(a.header("www-authenticate"), Some("basic realm=\"zot\""));
}

#[test]
fn dockerhub_401_names_the_denied_access_and_blobs_come_from_a_cdn() {
    let reg = FakeRegistry::builder()
        .profile(Profile::DOCKERHUB)
        .seed_demo()
        .start()
        .unwrap();
    let a = get(&reg.url("/v2/library/alpine/manifests/latest"));
    assert_eq!(
        a.text(),
        "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\",\"detail\":[{\"Type\":\"repository\",\"Class\":\"\",\"Name\":\"library/alpine\",\"Action\":\"pull\"}]}]}\n"
    );
    assert!(a.header("docker-ratelimit-source").is_some());
    let base = get(&reg.url("/v2/"));
    assert_eq!(base.json()["errors"][0]["detail"], serde_json::Value::Null);

    let c = Client::anonymous();
    let m = c
        .get(&reg.url("/v2/library/alpine/manifests/latest"))
        .json();
    let layer = m["layers"][0]["digest"].as_str().unwrap().to_string();
    let r = c.get(&reg.url(&format!("/v2/library/alpine/blobs/{layer}")));
    assert_eq!(r.status, 307);
    let loc = r.header("location").unwrap().to_string();
    let hex = layer.strip_prefix("sha256:").unwrap();
    assert_eq!(
        loc,
        format!(
            "{}/registry-v2/docker/registry/v2/blobs/sha256/{}/{hex}/data?verify=1700000000-fake",
            reg.other_host_url(),
            &hex[..2]
        )
    );
    let b = get(&loc);
    assert_eq!(b.status, 200);
    assert_eq!(sha256(&b.body), layer);
    // HEAD is answered by the registry itself.
    let h = c.send(
        "HEAD",
        &reg.url(&format!("/v2/library/alpine/blobs/{layer}")),
        &[],
        b"",
    );
    assert_eq!(h.status, 200);
    let other = reg
        .other_host_url()
        .trim_start_matches("http://")
        .to_string();
    assert!(
        reg.request_log()
            .iter()
            .filter(|l| l.host == other)
            .all(|l| l.authorization.is_none())
    );
}
