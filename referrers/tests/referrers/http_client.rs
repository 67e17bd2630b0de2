//! The HTTP layer: auth dance, redirects, retries with Retry-After, caps, stalls, resets, redaction.

use crate::support::*;
use referrers::http::{HttpClient, HttpError, Op, Req};
use referrers::{Credentials, RegistryConfig};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn client(cfg: &RegistryConfig) -> HttpClient {
    HttpClient::new(cfg).unwrap()
}

async fn get(c: &HttpClient, path: &str) -> Result<referrers::http::Resp, HttpError> {
    let op = Op::new(Duration::from_secs(10));
    c.send(&op, &Req::get(c.v2_url(path)).pull_scope("a/b"))
        .await
}

#[tokio::test]
async fn redirect_to_another_host_never_carries_authorization() {
    let other = Server::start_on("127.0.0.2", |_| Response::new(200).text("ok")).await;
    let other_url = other.url();
    let main = Server::start(move |r| match r.path() {
        "/v2/a/b/same" => Response::new(307).header("Location", "/v2/a/b/final"),
        "/v2/a/b/off" => Response::new(302).header(
            "Location",
            &format!("{other_url}/blob?X-Amz-Signature=secret"),
        ),
        _ if r.authorization().is_none() => {
            Response::new(401).header("WWW-Authenticate", "Basic realm=\"r\"")
        }
        _ => Response::new(200).text("final"),
    })
    .await;
    let mut cfg = config(&main.url());
    cfg.credentials = Credentials::Basic {
        username: "u".into(),
        password: "hunter2".into(),
    };
    let c = client(&cfg);
    let r = get(&c, "a/b/off").await.unwrap();
    assert_eq!(r.status, 200);
    assert!(
        other.requests().iter().all(|q| q.authorization().is_none()),
        "Authorization leaked to another host"
    );
    // Same-origin redirect keeps the credentials.
    let r = get(&c, "a/b/same").await.unwrap();
    assert_eq!(r.status, 200);
    assert!(
        main.requests()
            .iter()
            .any(|q| q.path() == "/v2/a/b/final" && q.authorization().is_some())
    );
    // Nothing secret in the exchange log.
    let log = format!("{:?}", c.exchanges());
    assert!(
        !log.contains("hunter2") && !log.contains("secret") && !log.contains("dTpodW50ZXIy"),
        "{log}"
    );
}

#[tokio::test]
async fn redirect_loops_and_endless_redirects_are_typed_errors() {
    let s = Server::start(|r| match r.path() {
        "/v2/loop/a" => Response::new(302).header("Location", "/v2/loop/b"),
        "/v2/loop/b" => Response::new(302).header("Location", "/v2/loop/a"),
        p if p.starts_with("/v2/chain/") => {
            let n: usize = p.trim_start_matches("/v2/chain/").parse().unwrap_or(0);
            Response::new(301).header("Location", &format!("/v2/chain/{}", n + 1))
        }
        "/v2/weird" => Response::new(302).header("Location", "file:///etc/passwd"),
        _ => Response::not_found(),
    })
    .await;
    let c = client(&config(&s.url()));
    assert!(matches!(
        get(&c, "loop/a").await,
        Err(HttpError::RedirectLoop { .. })
    ));
    let e = get(&c, "chain/0").await.unwrap_err();
    assert!(
        matches!(e, HttpError::TooManyRedirects { limit: 5, .. }),
        "{e:?}"
    );
    assert_eq!(e.kind().as_str(), "too-many-redirects");
    assert!(s.count(|r| r.path().starts_with("/v2/chain/")) <= 6);
    assert!(matches!(
        get(&c, "weird").await,
        Err(HttpError::BadRedirect { .. })
    ));
}

fn bearer_registry(
    realm: String,
    token_field: &'static str,
    expires: u64,
    tokens: Counter,
) -> impl Fn(&Request) -> Response {
    move |r: &Request| {
        if r.path() == "/token" {
            tokens.next();
            let scope = r.query("scope").join(" ");
            return Response::new(200).json(
                &serde_json::json!({token_field: format!("tok-{scope}"), "expires_in": expires}),
            );
        }
        match r.authorization() {
            Some(a) if a.starts_with("Bearer tok-repository:a/b:pull") => {
                Response::new(200).text("ok")
            }
            _ => Response::new(401).header(
                "WWW-Authenticate",
                &format!("bearer realm=\"{realm}\",service=\"reg\",scope=\"repository:a/b:pull\""),
            ),
        }
    }
}

#[tokio::test]
async fn anonymous_bearer_token_is_fetched_once_and_reused() {
    let tokens = Counter::default();
    let realm = Arc::new(Mutex::new(String::new()));
    let realm2 = realm.clone();
    let t2 = tokens.clone();
    let s = Server::start(move |r| {
        bearer_registry(
            realm2.lock().unwrap().clone(),
            "access_token",
            300,
            t2.clone(),
        )(r)
    })
    .await;
    *realm.lock().unwrap() = format!("{}/token", s.url());
    let c = client(&config(&s.url()));
    for _ in 0..3 {
        assert_eq!(get(&c, "a/b/manifests/x").await.unwrap().status, 200);
    }
    assert_eq!(tokens.get(), 1, "token must be reused until expiry");
    let tr = s
        .requests()
        .into_iter()
        .find(|r| r.path() == "/token")
        .unwrap();
    assert_eq!(tr.query("service"), vec!["reg"]);
    assert!(
        tr.authorization().is_none(),
        "anonymous token request carries no credentials"
    );
}

#[tokio::test]
async fn expired_token_is_fetched_again() {
    let tokens = Counter::default();
    let realm = Arc::new(Mutex::new(String::new()));
    let realm2 = realm.clone();
    let t2 = tokens.clone();
    let s = Server::start(move |r| {
        bearer_registry(realm2.lock().unwrap().clone(), "token", 1, t2.clone())(r)
    })
    .await;
    *realm.lock().unwrap() = format!("{}/token", s.url());
    let c = client(&config(&s.url()));
    assert_eq!(get(&c, "a/b/x").await.unwrap().status, 200);
    tokio::time::sleep(Duration::from_millis(950)).await;
    assert_eq!(get(&c, "a/b/x").await.unwrap().status, 200);
    assert_eq!(tokens.get(), 2);
}

#[tokio::test]
async fn credentials_go_to_the_token_realm_on_another_host_but_never_basic_to_the_registry() {
    let realm_srv = Server::start_on("127.0.0.2", |r| {
        if r.authorization() == Some("Basic dTpwdw==") {
            Response::new(200).json(&serde_json::json!({"token":"T0K"}))
        } else {
            Response::new(401).text("bad creds")
        }
    })
    .await;
    let realm = format!("{}/token", realm_srv.url());
    let s = Server::start(move |r| match r.authorization() {
        Some("Bearer T0K") => Response::new(200).text("ok"),
        _ => Response::new(401).header(
            "WWW-Authenticate",
            &format!("Bearer realm=\"{realm}\",service=\"svc\""),
        ),
    })
    .await;
    let mut cfg = config(&s.url());
    cfg.credentials = Credentials::Basic {
        username: "u".into(),
        password: "pw".into(),
    };
    let c = client(&cfg);
    assert_eq!(get(&c, "a/b/x").await.unwrap().status, 200);
    assert!(
        s.requests()
            .iter()
            .all(|r| !r.authorization().unwrap_or("").starts_with("Basic"))
    );
    let tr = &realm_srv.requests()[0];
    assert_eq!(
        tr.query("scope"),
        vec!["repository:a/b:pull"],
        "our scope is used when the challenge has none"
    );
    // Wrong credentials: the 401 comes back with a note, not an error.
    cfg.credentials = Credentials::Basic {
        username: "u".into(),
        password: "wrong".into(),
    };
    let r = get(&client(&cfg), "a/b/x").await.unwrap();
    assert_eq!(r.status, 401);
    assert!(r.auth_note.unwrap().contains("401"));
}

#[tokio::test]
async fn basic_challenge_and_missing_credentials() {
    let s = Server::start(|r| match r.authorization() {
        Some("Basic dTpwdw==") => Response::new(200).text("ok"),
        _ => Response::new(401).header("WWW-Authenticate", "BASIC realm=\"x\""),
    })
    .await;
    let mut cfg = config(&s.url());
    let r = get(&client(&cfg), "a/b/x").await.unwrap();
    assert_eq!(r.status, 401);
    assert!(r.auth_note.unwrap().contains("none are configured"));
    cfg.credentials = Credentials::Basic {
        username: "u".into(),
        password: "pw".into(),
    };
    let c = client(&cfg);
    assert_eq!(get(&c, "a/b/x").await.unwrap().status, 200);
    assert_eq!(get(&c, "a/b/y").await.unwrap().status, 200);
    // one anonymous try from the first client, one challenge for the second; then Basic is sent up front
    assert_eq!(s.count(|r| r.authorization().is_none()), 2);
    assert_eq!(c.auth_schemes_seen(), vec!["basic".to_string()]);
}

#[tokio::test]
async fn docker_config_auths_entry_is_used() {
    let s = Server::start(|r| match r.authorization() {
        Some("Basic dTpwdw==") => Response::new(200).text("ok"),
        _ => Response::new(401).header("WWW-Authenticate", "Basic realm=\"x\""),
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.json");
    std::fs::write(
        &path,
        serde_json::json!({"auths":{"other.example":{"auth":"eDp5"}, format!("http://{}", s.host()):{"auth":"dTpwdw=="}}}).to_string(),
    )
    .unwrap();
    let mut cfg = config(&s.url());
    cfg.credentials = Credentials::DockerConfig(path);
    assert_eq!(get(&client(&cfg), "a/b/x").await.unwrap().status, 200);
    // A broken config is a typed credentials error.
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{not json").unwrap();
    cfg.credentials = Credentials::DockerConfig(bad);
    let e = get(&client(&cfg), "a/b/x").await.unwrap_err();
    assert_eq!(e.kind().as_str(), "credentials");
}

#[cfg(unix)]
#[tokio::test]
async fn credential_helpers_run_docker_credential_get() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let helper = dir.path().join("docker-credential-fake");
    std::fs::write(
        &helper,
        "#!/bin/sh\nread server\nif [ \"$server\" = \"reg.example:5000\" ]; then echo '{\"ServerURL\":\"x\",\"Username\":\"hu\",\"Secret\":\"hs\"}'; else echo 'credentials not found in native keychain'; exit 1; fi\n",
    )
    .unwrap();
    std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let store = dir.path().join("docker-credential-tokstore");
    std::fs::write(
        &store,
        "#!/bin/sh\ncat >/dev/null\necho '{\"Username\":\"<token>\",\"Secret\":\"refresh\"}'\n",
    )
    .unwrap();
    std::fs::set_permissions(&store, std::fs::Permissions::from_mode(0o755)).unwrap();
    let cfgp = dir.path().join("config.json");
    std::fs::write(&cfgp, r#"{"credHelpers":{"reg.example:5000":"fake","nothere.example":"fake"},"credsStore":"tokstore"}"#).unwrap();
    let lookup = |host: &'static str| {
        let cfgp = cfgp.clone();
        let d = dir.path().to_path_buf();
        async move {
            referrers::http::lookup_docker_config_in(&cfgp, host, Duration::from_secs(5), Some(&d))
                .await
        }
    };
    match lookup("reg.example:5000").await.unwrap() {
        Some(referrers::http::ResolvedCredentials::Basic { username, password }) => {
            assert_eq!((username.as_str(), password.as_str()), ("hu", "hs"))
        }
        other => panic!("{other:?}"),
    }
    assert!(
        lookup("nothere.example").await.unwrap().is_none(),
        "helper's not-found means anonymous"
    );
    assert!(matches!(
        lookup("else.example").await.unwrap(),
        Some(referrers::http::ResolvedCredentials::IdentityToken(_))
    ));
}

/// A handler that fails the first `fails` requests to each path with `bad`, then answers 200.
fn flaky(fails: usize, bad: fn() -> Response) -> impl Fn(&Request) -> Response {
    let seen: Arc<Mutex<std::collections::HashMap<String, usize>>> = Arc::default();
    move |r: &Request| {
        let mut m = seen.lock().unwrap();
        let n = m.entry(r.path().to_string()).or_default();
        *n += 1;
        if *n <= fails {
            bad()
        } else {
            Response::new(200).text("ok")
        }
    }
}

#[tokio::test]
async fn retries_429_and_503_honouring_retry_after_forms() {
    type Case = (fn() -> Response, &'static str);
    let cases: [Case; 5] = [
        (|| Response::new(429).header("Retry-After", "0"), "seconds"),
        (
            || Response::new(429).text("toomanyrequests: retry-after: 10ms, allowed: 44000/minute"),
            "ghcr body",
        ),
        (
            || Response::new(503).header("Retry-After", "Thu, 01 Jan 1970 00:00:00 GMT"),
            "past http-date",
        ),
        (
            || Response::new(403).text("You have exceeded a secondary rate limit"),
            "ghcr secondary limit",
        ),
        (|| Response::new(408), "408"),
    ];
    for (bad, name) in cases {
        let s = Server::start(flaky(2, bad)).await;
        let r = get(&client(&config(&s.url())), "a/x").await.unwrap();
        assert_eq!((r.status, r.retries), (200, 2), "{name}");
    }
}

#[tokio::test]
async fn retries_are_bounded_and_501_is_not_retried() {
    let s = Server::start(|r| match r.path() {
        "/v2/a/always503" => Response::new(503).text("down"),
        _ => Response::new(501).text("no"),
    })
    .await;
    let c = client(&config(&s.url()));
    let r = get(&c, "a/always503").await.unwrap();
    assert_eq!((r.status, r.retries), (503, 2));
    assert_eq!(s.count(|q| q.path() == "/v2/a/always503"), 3);
    let r = get(&c, "a/x").await.unwrap();
    assert_eq!((r.status, r.retries), (501, 0));
}

#[tokio::test]
async fn retry_after_beyond_the_budget_ends_the_wait_at_once() {
    for ra in [
        "3600",
        "99999999999999999999",
        "Fri, 31 Dec 9999 23:59:59 GMT",
    ] {
        let ra = ra.to_string();
        let s = Server::start(move |_| {
            Response::new(429)
                .header("Retry-After", &ra)
                .text("slow down")
        })
        .await;
        let mut cfg = config(&s.url());
        cfg.timeout = Duration::from_secs(5);
        let c = client(&cfg);
        let op = Op::new(cfg.timeout);
        let r = c.send(&op, &Req::get(c.v2_url("a/b"))).await.unwrap();
        assert_eq!(r.status, 429);
        assert!(r.wait_cut_short.is_some());
        assert_eq!(
            s.requests().len(),
            1,
            "no retry when Retry-After exceeds the budget"
        );
        assert!(
            op.remaining() > Duration::from_secs(3),
            "the wait ended at once"
        );
    }
    // Garbage Retry-After falls back to backoff.
    let s = Server::start(|_| Response::new(429).header("Retry-After", "soon-ish")).await;
    let r = get(&client(&config(&s.url())), "a/b").await.unwrap();
    assert_eq!((r.status, r.retries), (429, 2));
}

#[tokio::test]
async fn body_cap_is_enforced_with_and_without_content_length() {
    let big = vec![b'x'; 5 * 1024 * 1024];
    let s = Server::start(move |r| match r.path() {
        "/v2/declared" => Response::new(200)
            .header("Content-Length", "999999999")
            .body(Vec::new())
            .no_length(),
        _ => Response::new(200).body(big.clone()).no_length(),
    })
    .await;
    let c = client(&config(&s.url()));
    let e = get(&c, "declared").await.unwrap_err();
    assert!(matches!(e, HttpError::BodyTooLarge { .. }), "{e:?}");
    let e = get(&c, "streamed").await.unwrap_err();
    assert!(
        matches!(e, HttpError::BodyTooLarge { limit, .. } if limit == 4 * 1024 * 1024),
        "{e:?}"
    );
}

#[tokio::test]
async fn stalled_body_and_reset_are_retried_then_typed() {
    let s = Server::start(|r| match r.path() {
        "/v2/stall" => Response::new(200).body(vec![b'{'; 100]).stall(),
        _ => Response::reset(),
    })
    .await;
    let c = client(&config(&s.url()));
    let e = get(&c, "stall").await.unwrap_err();
    assert_eq!(e.kind().as_str(), "stalled", "{e:?}");
    assert_eq!(s.count(|r| r.path() == "/v2/stall"), 3);
    let e = get(&c, "reset").await.unwrap_err();
    assert!(matches!(e, HttpError::Transport { .. }), "{e:?}");
    // A body cut short (Content-Length says more, then the connection closes).
    let s = Server::start(|_| {
        Response::new(200)
            .header("Content-Length", "100")
            .body(vec![b'{'; 10])
            .no_length()
    })
    .await;
    let e = get(&client(&config(&s.url())), "short").await.unwrap_err();
    assert!(matches!(e, HttpError::Transport { .. }), "{e:?}");
    assert_eq!(s.requests().len(), 3, "truncated bodies are retried");
}

#[tokio::test]
async fn budget_exhaustion_is_a_timeout_not_a_hang() {
    let s = Server::start(|_| Response::new(200).body(vec![b'x'; 10]).stall()).await;
    let mut cfg = config(&s.url());
    cfg.timeout = Duration::from_millis(300);
    cfg.retry.stall_timeout = Duration::from_secs(60);
    let c = client(&cfg);
    let op = Op::new(cfg.timeout);
    let e = c.send(&op, &Req::get(c.v2_url("x"))).await.unwrap_err();
    assert_eq!(e.kind().as_str(), "timeout", "{e:?}");
}

#[tokio::test]
async fn connection_refused_is_a_connect_error() {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    let c = client(&config(&format!("http://127.0.0.1:{port}")));
    let e = get(&c, "x").await.unwrap_err();
    assert_eq!(e.kind().as_str(), "connect", "{e:?}");
    assert!(e.to_string().contains(&format!("127.0.0.1:{port}")));
}

#[tokio::test]
async fn tls_against_a_plain_server_and_bad_ca_file() {
    // A server that answers plain HTTP bytes to the TLS ClientHello.
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    let srv = tokio::spawn(async move {
        use tokio::io::AsyncWriteExt;
        while let Ok((mut sock, _)) = l.accept().await {
            let _ = sock
                .write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                .await;
        }
    });
    let c = client(&config(&format!("https://{addr}")));
    let e = get(&c, "x").await.unwrap_err();
    assert_eq!(e.kind().as_str(), "tls", "{e:?}");
    srv.abort();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("ca.pem");
    std::fs::write(&p, "not a pem").unwrap();
    let mut cfg = config("https://r.example");
    cfg.ca_file = Some(p);
    assert!(matches!(
        HttpClient::new(&cfg),
        Err(referrers::ClientBuildError::CaFile { .. })
    ));
}

#[test]
fn registry_urls_are_normalised_and_credentials_in_urls_rejected() {
    assert_eq!(
        RegistryConfig::new("r.example")
            .base_url()
            .unwrap()
            .as_str(),
        "https://r.example/"
    );
    assert_eq!(
        RegistryConfig::new("http://127.0.0.1:5000/x?y")
            .base_url()
            .unwrap()
            .as_str(),
        "http://127.0.0.1:5000/"
    );
    assert!(
        RegistryConfig::new("https://u:p@r.example")
            .base_url()
            .is_err()
    );
    assert!(RegistryConfig::new("ftp://r.example").base_url().is_err());
    assert!(RegistryConfig::new("").base_url().is_err());
    let e = RegistryConfig::new("https://u:secret@r.example")
        .base_url()
        .unwrap_err()
        .to_string();
    assert!(!e.contains("secret"), "{e}");
}

#[tokio::test]
async fn huge_budgets_do_not_overflow() {
    let s = Server::start(|_| Response::new(200).text("ok")).await;
    let mut cfg = config(&s.url());
    cfg.timeout = Duration::from_secs(u64::MAX);
    let c = client(&cfg);
    let op = Op::new(cfg.timeout);
    assert_eq!(
        c.send(&op, &Req::get(c.v2_url("x"))).await.unwrap().status,
        200
    );
    let d = referrers::discovery::Discoverer::new(
        cfg,
        referrers::discovery::DiscoveryOptions {
            timeout: Duration::MAX,
            batch_timeout: Some(Duration::MAX),
            ..Default::default()
        },
        referrers::Metrics::new(),
    )
    .unwrap();
    let r = d
        .discover_many(&[referrers::discovery::Subject::tag("a/b", "v1")])
        .await;
    assert_eq!(r.len(), 1);
}

#[tokio::test]
async fn identity_token_is_exchanged_by_oauth2_post_to_the_realm() {
    let realm = Arc::new(Mutex::new(String::new()));
    let realm2 = realm.clone();
    let s = Server::start(move |r| {
        if r.path() == "/oauth" {
            let form: Vec<(String, String)> =
                url::form_urlencoded::parse(&r.body).into_owned().collect();
            let ok = r.method == "POST"
                && form.contains(&("grant_type".into(), "refresh_token".into()))
                && form.contains(&("refresh_token".into(), "REFRESH".into()))
                && form.contains(&("scope".into(), "repository:a/b:pull".into()));
            return if ok {
                Response::new(200).json(&serde_json::json!({"access_token":"AT"}))
            } else {
                Response::new(400)
            };
        }
        match r.authorization() {
            Some("Bearer AT") => Response::new(200).text("ok"),
            _ => Response::new(401).header(
                "WWW-Authenticate",
                &format!("Bearer realm=\"{}\",service=\"s\"", realm2.lock().unwrap()),
            ),
        }
    })
    .await;
    *realm.lock().unwrap() = format!("{}/oauth", s.url());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.json");
    std::fs::write(
        &path,
        serde_json::json!({"auths":{s.host():{"identitytoken":"REFRESH"}}}).to_string(),
    )
    .unwrap();
    let mut cfg = config(&s.url());
    cfg.credentials = Credentials::DockerConfig(path);
    let c = client(&cfg);
    assert_eq!(get(&c, "a/b/x").await.unwrap().status, 200);
    assert!(!format!("{:?}", c.exchanges()).contains("REFRESH"));
}
