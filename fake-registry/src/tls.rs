//! `--tls`: a throw-away CA and a server certificate signed by it, made at start with rcgen. The CA's PEM is
//! written to a file so clients can trust it (`--ca-file`), or not (to test TLS failures and `--insecure`).

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, SanType};
use rustls::ServerConfig;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// Errors while making the certificate or the TLS config.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// rcgen failed.
    #[error("generating the certificate: {0}")]
    Generate(#[from] rcgen::Error),
    /// rustls rejected the key or certificate.
    #[error("building the TLS config: {0}")]
    Config(#[from] rustls::Error),
    /// Writing the CA file failed.
    #[error("writing the CA file {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

/// The generated material.
pub(crate) struct TlsMaterial {
    pub config: Arc<ServerConfig>,
    pub ca_pem: String,
}

/// Make a CA and a leaf certificate for `localhost`, 127.0.0.1, 127.0.0.2 and `extra` addresses.
pub(crate) fn generate(extra: &[IpAddr]) -> Result<TlsMaterial, TlsError> {
    let ca_key = KeyPair::generate()?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "fake-registry test CA");
    let ca_cert = ca_params.self_signed(&ca_key)?;
    let issuer = Issuer::new(ca_params, ca_key);

    let leaf_key = KeyPair::generate()?;
    let mut leaf = CertificateParams::new(vec!["localhost".to_string()])?;
    leaf.distinguished_name
        .push(DnType::CommonName, "fake-registry");
    let mut ips: Vec<IpAddr> = vec![
        IpAddr::from([127, 0, 0, 1]),
        IpAddr::from([127, 0, 0, 2]),
        IpAddr::from(std::net::Ipv6Addr::LOCALHOST),
    ];
    for ip in extra {
        if !ips.contains(ip) && !ip.is_unspecified() {
            ips.push(*ip);
        }
    }
    leaf.subject_alt_names
        .extend(ips.into_iter().map(SanType::IpAddress));
    let leaf_cert = leaf.signed_by(&leaf_key, &issuer)?;

    let chain = vec![
        CertificateDer::from(leaf_cert.der().to_vec()),
        CertificateDer::from(ca_cert.der().to_vec()),
    ];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(chain, key)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsMaterial {
        config: Arc::new(config),
        ca_pem: ca_cert.pem(),
    })
}

/// Write the CA PEM to `path`.
pub(crate) fn write_ca(path: &Path, pem: &str) -> Result<(), TlsError> {
    std::fs::write(path, pem).map_err(|source| TlsError::Write {
        path: path.to_path_buf(),
        source,
    })
}
