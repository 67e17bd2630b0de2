//! Random hostile answers on every endpoint: the check and discovery never panic, never hang past the budget, and
//! never present a partial result as complete.

use crate::support::*;
use proptest::prelude::*;
use referrers::Metrics;
use referrers::check::{CheckConfig, referrers_check};
use referrers::discovery::{Discoverer, DiscoveryOptions, Subject};
use std::time::Duration;

#[derive(Debug, Clone)]
struct Canned {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn header() -> impl Strategy<Value = (String, String)> {
    let name = prop_oneof![
        Just("Location"),
        Just("Link"),
        Just("Retry-After"),
        Just("WWW-Authenticate"),
        Just("Content-Type"),
        Just("Docker-Content-Digest"),
        Just("OCI-Filters-Applied"),
    ];
    let value = prop_oneof![
        "[ -~]{0,60}",
        Just("</v2/x/referrers/y?p=2>; rel=\"next\"".to_string()),
        Just("<http://127.0.0.2:1/z>; rel=next".to_string()),
        Just("Bearer realm=\"http://127.0.0.1:9/t\",service=\"s\"".to_string()),
        Just("bearer".to_string()),
        Just("99999999999999999999".to_string()),
        Just("/v2/loop".to_string()),
        Just("application/vnd.oci.image.index.v1+json".to_string()),
        Just("sha256:zz".to_string()),
    ];
    (name, value).prop_map(|(n, v)| (n.to_string(), v))
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..200),
        Just(br#"{"schemaVersion":2,"manifests":[{"mediaType":"a","digest":"sha256:00","size":-1},5]}"#.to_vec()),
        Just(br#"{"schemaVersion":2,"manifests":[]}"#.to_vec()),
        Just(br#"{"errors":[{"code":"NAME_UNKNOWN"}]}"#.to_vec()),
        Just(br#"{"tags":null}"#.to_vec()),
        Just(b"toomanyrequests: retry-after: 99999h".to_vec()),
    ]
}

fn canned() -> impl Strategy<Value = Canned> {
    (
        prop_oneof![
            Just(200u16),
            Just(301),
            Just(302),
            Just(307),
            Just(400),
            Just(401),
            Just(403),
            Just(404),
            Just(405),
            Just(406),
            Just(429),
            Just(500),
            Just(501),
            Just(503),
            200u16..600
        ],
        proptest::collection::vec(header(), 0..4),
        body(),
    )
        .prop_map(|(status, headers, body)| Canned {
            status,
            headers,
            body,
        })
}

async fn run(answers: Vec<Canned>) {
    let s = Server::start(move |r| {
        // Pick an answer by a stable hash of the path, so each endpoint answers consistently.
        let h = r
            .path()
            .bytes()
            .fold(7usize, |a, b| a.wrapping_mul(31).wrapping_add(b as usize));
        let c = &answers[h % answers.len()];
        let mut resp = Response::new(c.status).body(c.body.clone());
        for (k, v) in &c.headers {
            resp = resp.header(k, v);
        }
        resp
    })
    .await;
    let mut cfg = config(&s.url());
    cfg.timeout = Duration::from_secs(3);
    let started = std::time::Instant::now();
    let r = referrers_check(&CheckConfig::new(cfg.clone()), &Metrics::new()).await;
    assert!(!r.message.is_empty());
    let d = Discoverer::new(
        cfg,
        DiscoveryOptions {
            timeout: Duration::from_secs(3),
            verify: true,
            max_pages: 5,
            ..Default::default()
        },
        Metrics::new(),
    )
    .unwrap();
    for sub in [
        Subject::tag("library/alpine", "latest"),
        Subject::digest("library/alpine", &sha256(b"x")),
    ] {
        let res = d.discover(&sub).await;
        assert_eq!(res.complete, res.errors.is_empty(), "{res:#?}");
        for e in &res.errors {
            assert!(!e.message.is_empty(), "{e:?}");
        }
        let _ = serde_json::to_string(&res).unwrap();
    }
    assert!(
        started.elapsed() < Duration::from_secs(12),
        "stayed within the three budgets"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]
    #[test]
    fn hostile_answers_never_panic_or_hang(answers in proptest::collection::vec(canned(), 1..6)) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(run(answers));
    }
}
