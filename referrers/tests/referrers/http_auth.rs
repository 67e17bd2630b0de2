//! The auth dance where a registry leaves the challenge out of its 401s.

use crate::support::*;
use referrers::Credentials;
use referrers::http::{HttpClient, Op, Req};
use std::time::Duration;

async fn get(c: &HttpClient, path: &str) -> referrers::http::Resp {
    let op = Op::new(Duration::from_secs(10));
    c.send(&op, &Req::get(c.v2_url(path)).pull_scope("a/b"))
        .await
        .unwrap()
}

/// A 401 without `WWW-Authenticate` (container-registry 0.3 challenges only on `GET /v2/`): the client asks
/// `/v2/` for the challenge once, answers it, and then sends the accepted Basic credentials up front.
#[tokio::test]
async fn a_bare_401_takes_the_challenge_of_the_base_endpoint() {
    let s = Server::start(|r| match (r.path(), r.authorization()) {
        ("/v2/", None) => Response::new(401).header("WWW-Authenticate", "Basic realm=\"cr\""),
        (_, None) => Response::new(401),
        (_, Some(_)) => Response::new(200).text("ok"),
    })
    .await;
    let mut cfg = config(&s.url());
    cfg.credentials = Credentials::Basic {
        username: "u".into(),
        password: "p".into(),
    };
    let c = HttpClient::new(&cfg).unwrap();
    assert_eq!(get(&c, "a/b/manifests/t").await.status, 200);
    assert_eq!(get(&c, "a/b/manifests/u").await.status, 200);
    let paths: Vec<(String, bool)> = s
        .requests()
        .iter()
        .map(|q| (q.path().to_string(), q.authorization().is_some()))
        .collect();
    let want = [
        ("/v2/a/b/manifests/t", false),
        ("/v2/", false),
        ("/v2/a/b/manifests/t", true),
        ("/v2/a/b/manifests/u", true),
    ];
    let want: Vec<(String, bool)> = want.iter().map(|(p, a)| (p.to_string(), *a)).collect();
    assert_eq!(paths, want);

    // Without credentials the 401 stays a 401, and says why.
    let anon = HttpClient::new(&config(&s.url())).unwrap();
    let r = get(&anon, "a/b/manifests/t").await;
    assert_eq!(r.status, 401);
}
