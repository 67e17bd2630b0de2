//! The server: builder, addresses, other-host listener, request log, Drop shutdown, TLS.

use std::net::TcpStream;
use std::time::Duration;

use fake_registry::{FakeRegistry, Profile};

use crate::util::*;

#[test]
fn address_is_known_before_serving_and_drop_shuts_down() {
    let reg = FakeRegistry::builder().start().unwrap();
    let addr = reg.addr();
    assert_eq!(addr.ip().to_string(), "127.0.0.1");
    assert_ne!(addr.port(), 0);
    assert_eq!(reg.base_url(), format!("http://{addr}"));
    assert_eq!(get(&reg.url("/v2/")).status, 200);
    drop(reg);
    assert!(
        TcpStream::connect_timeout(&addr, Duration::from_millis(500)).is_err(),
        "listener closed on drop"
    );
}

#[test]
fn other_host_listener_is_on_127_0_0_2() {
    let reg = FakeRegistry::builder().start().unwrap();
    assert!(
        reg.other_host_url().starts_with("http://127.0.0.2:"),
        "{}",
        reg.other_host_url()
    );
    assert_eq!(get(&format!("{}/v2/", reg.other_host_url())).status, 200);
}

#[test]
fn request_log_records_both_listeners_in_order() {
    let reg = FakeRegistry::builder()
        .profile(Profile::DOCKERHUB)
        .seed_demo()
        .start()
        .unwrap();
    let c = Client::anonymous();
    assert_eq!(c.get(&reg.url("/v2/library/alpine/tags/list")).status, 200);
    let log = reg.request_log();
    let seen: Vec<(String, u16)> = log
        .iter()
        .map(|l| (l.path.split('?').next().unwrap().to_string(), l.status))
        .collect();
    assert_eq!(
        seen,
        vec![
            ("/v2/library/alpine/tags/list".to_string(), 401),
            ("/token".to_string(), 200),
            ("/v2/library/alpine/tags/list".to_string(), 200),
        ]
    );
    assert!(log[1].host.starts_with("127.0.0.2:"));
    assert!(log[0].host.starts_with("127.0.0.1:"));
    assert!(
        log[2]
            .authorization
            .as_deref()
            .unwrap()
            .starts_with("Bearer ")
    );
    assert!(log[0].response_header("www-authenticate").is_some());
    assert!(log[2].response_body_prefix.contains("latest"));
    assert!(log[2].request_header("host").is_some());
    assert!(log[0].elapsed_ms <= log[2].elapsed_ms);
    reg.clear_log();
    assert!(reg.request_log().is_empty());
}

#[test]
fn works_inside_an_async_runtime_too() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let reg = FakeRegistry::builder().start().unwrap();
        let url = reg.url("/v2/");
        let st = tokio::task::spawn_blocking(move || get(&url).status)
            .await
            .unwrap();
        assert_eq!(st, 200);
        drop(reg);
    });
}

#[test]
fn tls_serves_with_the_written_ca_and_fails_without_it() {
    let reg = FakeRegistry::builder()
        .tls(true)
        .seed_demo()
        .start()
        .unwrap();
    assert!(reg.base_url().starts_with("https://127.0.0.1:"));
    let path = reg.ca_pem_path().unwrap().to_path_buf();
    let pem = std::fs::read_to_string(&path).unwrap();
    assert!(pem.contains("BEGIN CERTIFICATE"));
    let ok = try_send(
        "GET",
        &reg.url("/v2/"),
        &[],
        b"",
        Some(&pem),
        Duration::from_secs(10),
    )
    .unwrap();
    assert_eq!(ok.status, 200);
    let other = try_send(
        "GET",
        &format!("{}/v2/", reg.other_host_url()),
        &[],
        b"",
        Some(&pem),
        Duration::from_secs(10),
    )
    .unwrap();
    assert_eq!(other.status, 200);
    let untrusted = try_send(
        "GET",
        &reg.url("/v2/"),
        &[],
        b"",
        None,
        Duration::from_secs(10),
    );
    assert!(untrusted.is_err(), "no CA: handshake must fail");
    drop(reg);
    assert!(!path.exists(), "temp CA file removed on drop");
}

#[test]
fn second_registry_on_a_busy_port_is_a_bind_error() {
    let a = FakeRegistry::builder().start().unwrap();
    let e = FakeRegistry::builder().addr(a.addr()).start().unwrap_err();
    assert!(matches!(e, fake_registry::StartError::Bind { .. }), "{e}");
}

#[test]
fn peak_in_flight_counts_concurrent_requests() {
    let reg = FakeRegistry::builder()
        .fault(fake_registry::FaultRule::latency(300).path("/v2/"))
        .start()
        .unwrap();
    assert_eq!(reg.peak_in_flight(), 0);
    let url = reg.url("/v2/");
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| assert_eq!(get(&url).status, 200));
        }
    });
    assert!(reg.peak_in_flight() >= 2, "{}", reg.peak_in_flight());
    assert!(reg.peak_in_flight() <= 4);
    reg.clear_log();
    assert_eq!(reg.peak_in_flight(), 0);
}

#[test]
fn over_limit_bodies_get_413_and_the_client_reads_it() {
    let reg = FakeRegistry::builder().start().unwrap();
    // Declared too large: refused without keeping the body.
    let big = vec![b' '; 5 * 1024 * 1024];
    let a = send(
        "PUT",
        &reg.url("/v2/x/manifests/t"),
        &[("Content-Type", OCI_MANIFEST)],
        &big,
    );
    assert_eq!(a.status, 413);
    assert_eq!(a.json()["errors"][0]["code"], "SIZE_INVALID");
    // Blobs may be larger than manifests.
    let blob = vec![7u8; 5 * 1024 * 1024];
    let d = sha256(&blob);
    let a = send(
        "POST",
        &reg.url(&format!("/v2/x/blobs/uploads/?digest={d}")),
        &[],
        &blob,
    );
    assert_eq!(a.status, 201);
    assert_eq!(get(&reg.url("/v2/")).status, 200);
}

#[test]
fn handles_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<FakeRegistry>();
    assert_send_sync::<Profile>();
    assert_send_sync::<fake_registry::Seeded>();
    assert_send_sync::<fake_registry::FaultRule>();
}
