//! The TLS configuration of a verifying client, with the platform verifier built once per process.
//!
//! Building a reqwest client with certificate verification loads and parses every system root certificate
//! (rustls-platform-verifier; about 19 M instructions, most of a cold discovery). The verifier only reads those
//! roots, so one built verifier per distinct set of extra CA certificates (and crypto provider) is shared by the
//! clients; each client still gets its own `rustls::ClientConfig` (own session cache) and its own connection pool.
//! The configuration is the one reqwest 0.13 builds for these settings (`async_impl/client.rs`, `TlsBackend::Rustls`
//! with verification on): every protocol version rustls offers, the process-default crypto provider or else
//! aws-lc-rs, the platform verifier with the extra roots, no client auth, SNI on, ALPN `http/1.1` (the clients are
//! HTTP/1 only). Roots changed on disk while the process runs are seen by the next process, not the next client.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use rustls::crypto::CryptoProvider;
use rustls::pki_types::CertificateDer;
use rustls_platform_verifier::Verifier;

/// Distinct verifiers kept at most (one per CA-file content; more than a handful only in test runs).
const MAX_CACHED: usize = 16;

/// (process-default provider, or none for reqwest's own aws-lc-rs default; extra roots) -> verifier.
type Key = (Option<usize>, Vec<CertificateDer<'static>>);

fn cache() -> &'static Mutex<HashMap<Key, Arc<Verifier>>> {
    static CACHE: OnceLock<Mutex<HashMap<Key, Arc<Verifier>>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

fn verifier(
    provider: &Arc<CryptoProvider>,
    provider_key: Option<usize>,
    extra_roots: Vec<CertificateDer<'static>>,
) -> Result<Arc<Verifier>, rustls::Error> {
    let key = (provider_key, extra_roots);
    if let Some(v) = cache().lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
        return Ok(v.clone());
    }
    // Built outside the lock (it reads the disk); errors are not cached, so every build reports them as before.
    let v = Arc::new(if key.1.is_empty() {
        Verifier::new(provider.clone())?
    } else {
        Verifier::new_with_extra_roots(key.1.iter().cloned(), provider.clone())?
    });
    let mut c = cache().lock().unwrap_or_else(|p| p.into_inner());
    if c.len() >= MAX_CACHED {
        c.clear();
    }
    Ok(c.entry(key).or_insert(v).clone())
}

/// The TLS configuration reqwest would build for a verifying client trusting the platform roots plus
/// `extra_roots`. The error is the one reqwest's builder would wrap.
pub(crate) fn verifying_config(
    extra_roots: Vec<CertificateDer<'static>>,
) -> Result<rustls::ClientConfig, rustls::Error> {
    let default = CryptoProvider::get_default().cloned();
    let provider_key = default.as_ref().map(|p| Arc::as_ptr(p) as usize);
    let provider =
        default.unwrap_or_else(|| Arc::new(rustls::crypto::aws_lc_rs::default_provider()));
    let verifier = verifier(&provider, provider_key, extra_roots)?;
    let mut tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(rustls::ALL_VERSIONS)?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    tls.enable_sni = true;
    tls.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(tls)
}

/// The certificates of a PEM bundle as DER, as reqwest reads them for `tls_certs_merge`.
pub(crate) fn pem_certs(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, String> {
    use rustls::pki_types::pem::PemObject;
    CertificateDer::pem_slice_iter(pem)
        .map(|c| c.map_err(|e| e.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_verifier_per_root_set() {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let a = verifier(&provider, None, Vec::new());
        let b = verifier(&provider, None, Vec::new());
        match (a, b) {
            (Ok(a), Ok(b)) => assert!(Arc::ptr_eq(&a, &b)),
            // No system roots on this machine: every build says so, as reqwest's builder would.
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
            (a, b) => panic!("builds disagree: {a:?} / {b:?}"),
        }
        if let Ok(c) = verifying_config(Vec::new()) {
            assert_eq!(c.alpn_protocols, vec![b"http/1.1".to_vec()]);
            assert!(c.enable_sni);
        }
    }
}
