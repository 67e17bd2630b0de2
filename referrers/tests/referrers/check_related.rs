//! The related checks (registry, pull, capabilities), TLS with a private CA, and `all_checks`.

use crate::support::*;
use referrers::Metrics;
use referrers::check::{
    CheckConfig, Status, all_checks, capabilities_check, pull_check, registry_check,
};
use serde_json::json;
use std::sync::Arc;

const REPO: &str = "library/alpine";

fn image_repo() -> (Repo, String, Vec<u8>) {
    let mut repo = Repo::new(REPO);
    let config_bytes = b"{\"architecture\":\"amd64\"}".to_vec();
    let config_digest = sha256(&config_bytes);
    let m = repo.put(
        MANIFEST,
        &json!({"schemaVersion":2,"mediaType":MANIFEST,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":config_digest,"size":config_bytes.len()},"layers":[]}),
    );
    let idx = repo.put(INDEX, &json!({"schemaVersion":2,"mediaType":INDEX,"manifests":[{"mediaType":MANIFEST,"digest":m,"size":100}]}));
    repo.tag("latest", &idx);
    (repo, config_digest, config_bytes)
}

async fn registry_server(referrers: fn(&Request) -> Response, blob_ok: bool) -> Server {
    let (repo, config_digest, config_bytes) = image_repo();
    let repo = Arc::new(repo);
    Server::start(move |r| {
        if r.path() == "/v2/" {
            return v2_ok();
        }
        if r.path().contains("/referrers/") {
            return referrers(r);
        }
        if r.path() == format!("/v2/{REPO}/blobs/{config_digest}") {
            return if blob_ok {
                Response::new(200).body(config_bytes.clone())
            } else {
                Response::new(200).body("tampered")
            };
        }
        repo.serve(r).unwrap_or_else(Response::not_found)
    })
    .await
}

#[tokio::test]
async fn registry_check_rows() {
    let s = Server::start(|_| v2_ok()).await;
    let r = registry_check(&CheckConfig::new(config(&s.url())), &Metrics::new()).await;
    assert_eq!(r.status, Status::Pass, "{r:#?}");
    assert_eq!(r.check_id, "check.integration.oci.registry");
    assert_eq!(r.evidence["api_version"], json!("registry/2.0"));
    assert_eq!(r.evidence["tls"], json!(false));

    let s = Server::start(|_| {
        Response::new(401)
            .header("WWW-Authenticate", "Basic realm=\"r\"")
            .body("true")
    })
    .await;
    let mut cfg = CheckConfig::new(config(&s.url()));
    let r = registry_check(&cfg, &Metrics::new()).await;
    assert_eq!(
        r.status,
        Status::Pass,
        "anonymous 401 means reachable: {r:#?}"
    );
    assert!(
        r.evidence["notes"]
            .to_string()
            .contains("no Docker-Distribution-API-Version")
    );
    cfg.registry.credentials = referrers::Credentials::Basic {
        username: "u".into(),
        password: "bad".into(),
    };
    let r = registry_check(&cfg, &Metrics::new()).await;
    assert_eq!(r.status, Status::Fail);
    assert!(r.message.contains("credentials were refused"));

    let s = Server::start(|_| Response::not_found()).await;
    assert_eq!(
        registry_check(&CheckConfig::new(config(&s.url())), &Metrics::new())
            .await
            .status,
        Status::Fail
    );
}

#[tokio::test]
async fn pull_check_pulls_index_platform_manifest_and_config() {
    let s = registry_server(|_| Response::index(&[]), true).await;
    let r = pull_check(&CheckConfig::new(config(&s.url())), &Metrics::new()).await;
    assert_eq!(r.status, Status::Pass, "{r:#?}");
    assert!(
        r.evidence["notes"]
            .to_string()
            .contains("first platform manifest")
    );

    let s = registry_server(|_| Response::index(&[]), false).await;
    let r = pull_check(&CheckConfig::new(config(&s.url())), &Metrics::new()).await;
    assert_eq!(r.status, Status::Fail);
    assert!(r.message.contains("does not match its digest"));

    let s = Server::start(|_| Response::new(403)).await;
    let r = pull_check(&CheckConfig::new(config(&s.url())), &Metrics::new()).await;
    assert_eq!(r.status, Status::Fail);
    assert!(r.message.contains("not authorized"));

    let s = Server::start(|_| Response::errors(404, "MANIFEST_UNKNOWN")).await;
    assert_eq!(
        pull_check(&CheckConfig::new(config(&s.url())), &Metrics::new())
            .await
            .status,
        Status::Info
    );
}

#[tokio::test]
async fn capabilities_check_records_the_registry() {
    let s = registry_server(
        |r| {
            let mut x = Response::index(&[]).header("Link", "<?page=2>; rel=\"next\"");
            if !r.query("artifactType").is_empty() {
                x = x.header("OCI-Filters-Applied", "artifactType");
            }
            x
        },
        true,
    )
    .await;
    let r = capabilities_check(&CheckConfig::new(config(&s.url())), &Metrics::new()).await;
    assert_eq!(r.status, Status::Pass, "{r:#?}");
    let c = &r.evidence["capabilities"];
    assert_eq!(c["referrers_api"], json!(true));
    assert_eq!(c["filter_support"], json!(true));
    assert_eq!(c["referrers_paging_seen"], json!(true));
    assert_eq!(c["tag_listing"], json!(true));
    assert_eq!(c["docker_content_digest_on_head"], json!(true));
    assert_eq!(c["api_version"], json!("registry/2.0"));
    assert_eq!(c["auth_schemes"], json!(["none"]));

    let s = registry_server(|_| Response::not_found(), true).await;
    let r = capabilities_check(&CheckConfig::new(config(&s.url())), &Metrics::new()).await;
    assert_eq!(r.status, Status::Warn);
    assert_eq!(r.evidence["capabilities"]["referrers_api"], json!(false));
}

#[tokio::test]
async fn all_checks_run_the_four_referrers_first() {
    let s = registry_server(|_| Response::index(&[]), true).await;
    let out = all_checks(&CheckConfig::new(config(&s.url())), &Metrics::new()).await;
    let ids: Vec<&str> = out.iter().map(|r| r.check_id.as_str()).collect();
    assert_eq!(
        ids,
        vec![
            "check.integration.oci.referrers",
            "check.integration.oci.registry",
            "check.integration.oci.pull",
            "check.integration.oci.capabilities"
        ]
    );
    assert!(out.iter().all(|r| r.status == Status::Pass), "{out:#?}");
    let v = serde_json::to_value(&out).unwrap();
    assert_eq!(v[0]["status"], json!("pass"));
}

/// A TLS server for `GET /v2/` with a throw-away CA; returns (address, CA PEM).
async fn tls_server() -> (std::net::SocketAddr, String, tokio::task::JoinHandle<()>) {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, SanType};
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let mut leaf = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    leaf.subject_alt_names
        .push(SanType::IpAddress([127, 0, 0, 1].into()));
    let leaf_cert = leaf.signed_by(&leaf_key, &issuer).unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(leaf_cert.der().to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    let task = tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        while let Ok((sock, _)) = l.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(sock).await else {
                    return;
                };
                let mut buf = vec![0u8; 8192];
                let _ = tls.read(&mut buf).await;
                let body = "{}";
                let resp = format!(
                    "HTTP/1.1 200 OK\r\nDocker-Distribution-API-Version: registry/2.0\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(resp.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (addr, ca_cert.pem(), task)
}

#[tokio::test]
async fn tls_private_ca_via_ca_file_insecure_and_untrusted() {
    let (addr, ca_pem, task) = tls_server().await;
    let url = format!("https://{addr}");
    let r = registry_check(&CheckConfig::new(config(&url)), &Metrics::new()).await;
    assert_eq!(r.status, Status::Fail, "{r:#?}");
    assert_eq!(r.evidence["error_kind"], json!("tls"));
    assert!(r.remediation.join(" ").contains("--ca-file"));

    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, ca_pem).unwrap();
    let mut cfg = CheckConfig::new(config(&url));
    cfg.registry.ca_file = Some(ca);
    let r = registry_check(&cfg, &Metrics::new()).await;
    assert_eq!(r.status, Status::Pass, "{r:#?}");
    assert_eq!(r.evidence["tls"], json!(true));

    let mut cfg = CheckConfig::new(config(&url));
    cfg.registry.insecure = true;
    assert_eq!(
        registry_check(&cfg, &Metrics::new()).await.status,
        Status::Pass
    );
    task.abort();
}
