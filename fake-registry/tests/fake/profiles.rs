//! Golden fixtures per profile: request → status, Content-Type, key headers, body shape. Each case seeds the demo
//! content and talks to the profile the way a client would (auth dance included).

use std::collections::BTreeSet;

use fake_registry::{FakeRegistry, Profile};
use rstest::rstest;

use crate::util::*;

/// The shape of a body.
#[derive(Debug, Clone, Copy)]
enum Shape {
    /// An OCI index with this many manifests.
    Index(usize),
    /// Exactly these bytes.
    Exact(&'static str),
    /// A redirect whose Location (on the other host) answers this status and content-type prefix.
    Redirect(u16, &'static str),
    /// Spec error JSON with this code.
    ErrorCode(&'static str),
}

struct Golden {
    status: u16,
    content_type: Option<&'static str>,
    shape: Shape,
}

const PLAIN: Option<&str> = Some("text/plain; charset=utf-8");
const JSON: Option<&str> = Some("application/json");
const INDEX: Option<&str> = Some(OCI_INDEX);
const PLAIN_404: Shape = Shape::Exact("404 page not found\n");

/// `GET /v2/library/alpine/referrers/<seeded subject>` per profile.
fn seeded_referrers(name: &str) -> Golden {
    let g = |status, content_type, shape| Golden {
        status,
        content_type,
        shape,
    };
    match name {
        "oci-1.1"
        | "zot"
        | "harbor-2.11"
        | "quay-3.12.0"
        | "quay-3.13"
        | "ecr"
        | "dockerhub"
        | "artifactory"
        | "acr"
        | "ferro-oci-server-1.0" => g(200, INDEX, Shape::Index(3)),
        "harbor-2.8" => g(
            200,
            Some("application/json; charset=utf-8"),
            Shape::Index(3),
        ),
        "harbor-2.10" => g(200, INDEX, Shape::Index(3)),
        "synthetic-404-index" => g(404, INDEX, Shape::Index(3)),
        "distribution-2.8" | "harbor-2.7" | "ecr-2023" | "dockerhub-2024" | "gitlab" => {
            g(404, PLAIN, PLAIN_404)
        }
        "ghcr" => g(404, JSON, Shape::ErrorCode("MANIFEST_UNKNOWN")),
        "quay-referrers-disabled" => g(404, JSON, Shape::Exact(r#"{"error": "Not Found"}"#)),
        "artifactory-legacy" => g(
            406,
            JSON,
            Shape::Exact(r#"{"errors":[{"status":406,"message":"Not Acceptable"}]}"#),
        ),
        "gar-2023" => g(
            302,
            Some("text/html; charset=UTF-8"),
            Shape::Redirect(200, "text/html"),
        ),
        "ghcr-2026" => g(303, JSON, Shape::Redirect(404, "text/plain")),
        "synthetic-405" => g(405, JSON, Shape::ErrorCode("UNSUPPORTED")),
        "synthetic-501" => g(501, JSON, Shape::ErrorCode("UNSUPPORTED")),
        // axum's 404 for a path no route matches (container-registry 0.3.1 src/lib.rs make_router).
        "container-registry-0.3" => g(404, None, Shape::Exact("")),
        other => panic!("no golden fixture for profile {other}"),
    }
}

/// `GET /v2/library/alpine/referrers/<digest that was never pushed>` on API profiles.
fn missing_subject(name: &str) -> Option<Golden> {
    let g = |status, content_type, shape| {
        Some(Golden {
            status,
            content_type,
            shape,
        })
    };
    match name {
        "quay-3.12.0" => g(404, JSON, Shape::ErrorCode("MANIFEST_UNKNOWN")),
        "quay-3.13" => g(400, JSON, Shape::ErrorCode("MANIFEST_INVALID")),
        "harbor-2.8" => g(
            200,
            Some("application/json; charset=utf-8"),
            Shape::Exact("{}\n"),
        ),
        "harbor-2.10" => g(200, INDEX, Shape::Exact("{}\n")),
        "synthetic-404-index" => g(404, INDEX, Shape::Index(0)),
        n if Profile::by_name(n).is_some_and(|p| p.has_referrers_api()) => {
            g(200, INDEX, Shape::Index(0))
        }
        _ => None,
    }
}

/// `GET /v2/library/alpine/referrers/sha256:xyz` on API profiles.
fn bad_digest(name: &str) -> Option<Golden> {
    let g = |status, content_type, shape| {
        Some(Golden {
            status,
            content_type,
            shape,
        })
    };
    match name {
        "zot" => g(400, None, Shape::Exact("")),
        "harbor-2.8" | "harbor-2.10" | "harbor-2.11" => g(
            400,
            Some("application/json; charset=utf-8"),
            Shape::ErrorCode("BAD_REQUEST"),
        ),
        "quay-3.12.0" | "quay-3.13" => g(404, JSON, Shape::Exact(r#"{"error": "Not Found"}"#)),
        n if Profile::by_name(n).is_some_and(|p| p.has_referrers_api()) => {
            g(400, JSON, Shape::ErrorCode("DIGEST_INVALID"))
        }
        _ => None,
    }
}

/// A client with the credentials a profile always wants (ECR's `AWS:demo`, container-registry's fixture pair).
fn client_for(p: &Profile) -> Client {
    match p.behaviour().auth.anonymous {
        fake_registry::profile::Anonymous::Always { user, password } => {
            Client::with(user, password)
        }
        _ => Client::anonymous(),
    }
}

/// Profiles that set neither `Docker-Distribution-API-Version` nor `Docker-Content-Digest` on manifest reads
/// (container-registry 0.3.1 src/lib.rs index_v2, manifest_get).
const NO_DISTRIBUTION_HEADERS: &[&str] = &["container-registry-0.3"];

fn check_golden(reg: &FakeRegistry, what: &str, a: &Reply, g: &Golden) {
    let ctx = format!(
        "{} {what}: {} {:?} {}",
        reg.profile().name(),
        a.status,
        a.content_type(),
        a.text()
    );
    assert_eq!(a.status, g.status, "{ctx}");
    assert_eq!(a.content_type(), g.content_type, "{ctx}");
    match g.shape {
        Shape::Index(n) => {
            let j = a.json();
            assert_eq!(j["schemaVersion"], 2, "{ctx}");
            assert_eq!(j["manifests"].as_array().map(Vec::len), Some(n), "{ctx}");
        }
        Shape::Exact(s) => assert_eq!(a.text(), s, "{ctx}"),
        Shape::ErrorCode(c) => assert_eq!(a.json()["errors"][0]["code"], c, "{ctx}"),
        Shape::Redirect(status, ct) => {
            let loc = a.header("location").expect("location");
            assert!(loc.starts_with(&reg.other_host_url()), "{ctx}: {loc}");
            let page = get(loc);
            assert_eq!(page.status, status, "{ctx}: target");
            assert!(
                page.content_type().unwrap().starts_with(ct),
                "{ctx}: target"
            );
        }
    }
}

/// The verdict the referrers check gives a referrers answer (after following redirects); the fake does not import
/// the `referrers` crate, so the decision is restated here.
fn verdict(reg: &FakeRegistry, a: &Reply) -> &'static str {
    let a = if (300..400).contains(&a.status) {
        get(a.header("location").unwrap())
    } else {
        a.clone()
    };
    let is_index = serde_json::from_slice::<serde_json::Value>(&a.body)
        .ok()
        .is_some_and(|j| j["schemaVersion"] == 2 && j["manifests"].is_array());
    let _ = reg;
    match a.status {
        200 | 404 if is_index => "pass",
        200 | 404 | 405 | 406 | 501 | 400 => "warn",
        401 | 403 | 429 => "info",
        _ => "fail",
    }
}

#[rstest]
#[case("oci-1.1")]
#[case("zot")]
#[case("distribution-2.8")]
#[case("harbor-2.7")]
#[case("harbor-2.8")]
#[case("harbor-2.11")]
#[case("ghcr")]
#[case("quay-3.12.0")]
#[case("quay-3.13")]
#[case("quay-referrers-disabled")]
#[case("ecr")]
#[case("ecr-2023")]
#[case("dockerhub")]
#[case("dockerhub-2024")]
#[case("artifactory")]
#[case("artifactory-legacy")]
#[case("acr")]
#[case("gitlab")]
#[case("gar-2023")]
#[case("synthetic-404-index")]
#[case("synthetic-405")]
#[case("synthetic-501")]
#[case("harbor-2.10")]
#[case("ghcr-2026")]
#[case("ferro-oci-server-1.0")]
#[case("container-registry-0.3")]
fn golden(#[case] name: &str) {
    let p = Profile::by_name(name).unwrap();
    let reg = FakeRegistry::builder()
        .profile(p)
        .seed_demo()
        .start()
        .unwrap();
    let c = client_for(&p);
    let subject = reg.seeded().subjects[0].digest.clone();

    // GET /v2/ → 200 {} with Docker-Distribution-API-Version after auth.
    let base = c.get(&reg.url("/v2/"));
    assert_eq!(base.status, 200, "{name}: {}", base.text());
    let distribution_headers = !NO_DISTRIBUTION_HEADERS.contains(&name);
    assert_eq!(
        base.header("docker-distribution-api-version"),
        distribution_headers.then_some("registry/2.0")
    );

    // HEAD the seeded tag.
    let head = c.send(
        "HEAD",
        &reg.url("/v2/library/alpine/manifests/latest"),
        &[("Accept", OCI_MANIFEST)],
        b"",
    );
    assert_eq!(head.status, 200, "{name}");
    assert_eq!(
        head.header("docker-content-digest"),
        distribution_headers.then_some(subject.as_str())
    );

    // Referrers of the seeded subject.
    let a = c.send(
        "GET",
        &reg.url(&format!("/v2/library/alpine/referrers/{subject}")),
        &[("Accept", OCI_INDEX)],
        b"",
    );
    check_golden(&reg, "seeded referrers", &a, &seeded_referrers(name));
    assert_eq!(
        verdict(&reg, &a),
        p.declared().check_verdict,
        "{name}: verdict"
    );
    assert_eq!(p.declared().referrers_api, p.has_referrers_api(), "{name}");
    if let Some(s) = p.declared().referrers_status_unsupported {
        assert_eq!(a.status, s, "{name}: declared unsupported status");
    }
    if p.declared().filter == Some(true) {
        let f = c.get(&reg.url(&format!(
            "/v2/library/alpine/referrers/{subject}?artifactType=application%2Fvnd.cyclonedx%2Bjson"
        )));
        assert_eq!(
            f.header("oci-filters-applied"),
            Some("artifactType"),
            "{name}"
        );
        assert_eq!(f.json()["manifests"].as_array().unwrap().len(), 1, "{name}");
    }
    if p.has_referrers_api() && p.declared().filter != Some(true) {
        let f = c.get(&reg.url(&format!(
            "/v2/library/alpine/referrers/{subject}?artifactType=application%2Fvnd.cyclonedx%2Bjson"
        )));
        assert_ne!(
            f.header("oci-filters-applied"),
            Some("artifactType"),
            "{name}: no filter claimed"
        );
    }
    if let Some(g) = missing_subject(name) {
        let a = c.get(&reg.url(&format!(
            "/v2/library/alpine/referrers/{}",
            sha256(b"never pushed")
        )));
        check_golden(&reg, "missing subject", &a, &g);
    }
    if let Some(g) = bad_digest(name) {
        let a = c.get(&reg.url("/v2/library/alpine/referrers/sha256:xyz"));
        check_golden(&reg, "bad digest", &a, &g);
    }
}

#[test]
fn every_profile_has_a_golden_fixture_and_a_unique_name() {
    let all = Profile::all();
    let names: BTreeSet<&str> = all.iter().map(|p| p.name()).collect();
    assert_eq!(names.len(), all.len(), "profile names are unique");
    for p in &all {
        let _ = seeded_referrers(p.name());
        assert!(!p.facts().is_empty(), "{}: facts", p.name());
        assert!(!p.summary().contains('\n') && !p.summary().contains('\t'));
        assert_eq!(p.synthetic(), p.name().starts_with("synthetic-"));
        assert!(["pass", "warn"].contains(&p.declared().check_verdict));
        assert!(["bearer", "basic", "none"].contains(&p.declared().auth_scheme));
        for f in p.facts() {
            assert!(
                !f.source.is_empty() && !f.claim.is_empty(),
                "{}: {f:?}",
                p.name()
            );
        }
    }
    assert_eq!(fake_registry::Confidence::Assumed.to_string(), "assumed");
    assert_eq!(fake_registry::Confidence::High.to_string(), "H");
}

/// Discovery the way a careful client does it (API, else tag schema — skipping GitLab's subject-as-tag — plus
/// cosign tags) finds exactly the three demo referrers on every profile.
#[rstest]
fn discovery_finds_exactly_the_three_demo_referrers(
    #[values(
        "oci-1.1",
        "zot",
        "distribution-2.8",
        "harbor-2.7",
        "harbor-2.8",
        "harbor-2.11",
        "ghcr",
        "quay-3.12.0",
        "quay-3.13",
        "quay-referrers-disabled",
        "ecr",
        "ecr-2023",
        "dockerhub",
        "dockerhub-2024",
        "artifactory",
        "artifactory-legacy",
        "acr",
        "gitlab",
        "gar-2023",
        "synthetic-404-index",
        "synthetic-405",
        "synthetic-501",
        "harbor-2.10",
        "ghcr-2026"
    )]
    name: &str,
) {
    let p = Profile::by_name(name).unwrap();
    let reg = FakeRegistry::builder()
        .profile(p)
        .seed_demo()
        .start()
        .unwrap();
    let c = client_for(&p);
    let s = &reg.seeded().subjects[0];
    let truth: BTreeSet<String> = s.referrers.iter().map(|r| r.digest.clone()).collect();
    let mut found = BTreeSet::new();
    let a = c.get(&reg.url(&format!("/v2/library/alpine/referrers/{}", s.digest)));
    let api_index = serde_json::from_slice::<serde_json::Value>(&a.body)
        .ok()
        .filter(|j| (a.status == 200 || a.status == 404) && j["manifests"].is_array());
    if let Some(j) = api_index {
        for m in j["manifests"].as_array().unwrap() {
            found.insert(m["digest"].as_str().unwrap().to_string());
        }
    } else {
        let schema = s.digest.replace(':', "-");
        let t = c.send(
            "GET",
            &reg.url(&format!("/v2/library/alpine/manifests/{schema}")),
            &[("Accept", &format!("{OCI_INDEX}, {OCI_MANIFEST}"))],
            b"",
        );
        if t.status == 200 && t.header("docker-content-digest") != Some(s.digest.as_str()) {
            for m in t.json()["manifests"].as_array().unwrap() {
                found.insert(m["digest"].as_str().unwrap().to_string());
            }
        }
        let tags = c.get(&reg.url("/v2/library/alpine/tags/list")).json();
        for tag in tags["tags"].as_array().unwrap() {
            let tag = tag.as_str().unwrap();
            if tag.starts_with(&format!("{schema}.")) {
                // With the type in Accept, as cosign sends it (Distribution serves an OCI manifest only then).
                let m = c.send(
                    "HEAD",
                    &reg.url(&format!("/v2/library/alpine/manifests/{tag}")),
                    &[("Accept", OCI_MANIFEST)],
                    b"",
                );
                found.insert(m.header("docker-content-digest").unwrap().to_string());
            }
        }
    }
    assert_eq!(found, truth, "{name}");
    for r in &s.referrers {
        assert!(!r.stored_as.is_empty(), "{name}: {r:?}");
    }
}

/// The README's profile table is generated from the profiles; `UPDATE_README=1 cargo test -p fake-registry
/// readme` rewrites it.
#[test]
fn readme_profile_table_is_current() {
    let mut table = String::from(
        "| profile | emulates | referrers endpoint (demo seed) | verdict | filter | paging | auth | facts (H/M/L/assumed) |\n|---|---|---|---|---|---|---|---|\n",
    );
    let opt = |b: Option<bool>| match b {
        Some(true) => "yes",
        Some(false) => "no",
        None => "unknown",
    };
    for p in Profile::all() {
        let d = p.declared();
        let count =
            |c: fake_registry::Confidence| p.facts().iter().filter(|f| f.confidence == c).count();
        let endpoint = match (d.referrers_api, d.referrers_status_unsupported) {
            (true, _) => "200 + index".to_string(),
            (false, Some(s)) => format!("{s} (no API)"),
            (false, None) => "no API".to_string(),
        };
        let endpoint = if p.name() == "synthetic-404-index" {
            "404 + index".to_string()
        } else {
            endpoint
        };
        table.push_str(&format!(
            "| `{}`{} | {} | {} | {} | {} | {} | {} | {}/{}/{}/{} |\n",
            p.name(),
            if p.synthetic() { " (synthetic)" } else { "" },
            p.emulates(),
            endpoint,
            d.check_verdict,
            if d.referrers_api {
                opt(d.filter)
            } else {
                "–"
            },
            if d.referrers_api {
                opt(d.paging)
            } else {
                "–"
            },
            d.auth_scheme,
            count(fake_registry::Confidence::High),
            count(fake_registry::Confidence::Medium),
            count(fake_registry::Confidence::Low),
            count(fake_registry::Confidence::Assumed),
        ));
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let (start, end) = ("<!-- profiles:start -->\n", "<!-- profiles:end -->");
    let i = readme.find(start).expect("start marker") + start.len();
    let j = readme.find(end).expect("end marker");
    if std::env::var_os("UPDATE_README").is_some() {
        let new = format!("{}{}{}", &readme[..i], table, &readme[j..]);
        std::fs::write(path, new).unwrap();
    } else {
        assert_eq!(
            readme[i..j],
            table,
            "README profile table is stale: run UPDATE_README=1 cargo test -p fake-registry readme"
        );
    }
}
