//! Discovery's verify mode: every referrer fetched, its digest, size and `subject` checked.

use crate::discovery_support::*;
use crate::support::*;
use referrers::ErrorKind;
use referrers::discovery::{DiscoveryOptions, Subject};
use serde_json::json;

#[tokio::test]
async fn verify_mode_checks_digest_size_and_subject() {
    let (mut repo, subject, mut descs) = fixture();
    // A referrer whose manifest names another subject.
    let stranger = repo.referrer(&sha256(b"someone else"), "x/y", "c");
    descs.push(stranger.clone());
    // A descriptor whose digest the registry serves with different bytes.
    let tampered = sha256(b"original");
    repo.manifests.insert(
        tampered.clone(),
        Stored {
            media_type: MANIFEST.into(),
            bytes: b"{\"tampered\":true}".to_vec(),
            digest: tampered.clone(),
        },
    );
    descs.push(json!({"mediaType":MANIFEST,"digest":tampered,"size":17}));
    let s = serve(repo, move |_| Response::index(&descs)).await;
    let (d, _) = disc(
        &s,
        DiscoveryOptions {
            verify: true,
            ..opts()
        },
    );
    let r = d.discover(&Subject::tag(REPO, "v1")).await;
    assert!(!r.complete);
    let mut ks = kinds(&r);
    ks.sort();
    assert_eq!(
        ks,
        vec!["referrer-checksum-mismatch", "referrer-subject-mismatch"],
        "{r:#?}"
    );
    let mismatch = r
        .errors
        .iter()
        .find(|e| e.kind == ErrorKind::ReferrerChecksumMismatch)
        .unwrap();
    assert_eq!(mismatch.digest.as_deref(), Some(tampered.as_str()));
    assert_eq!(
        r.errors
            .iter()
            .find(|e| e.kind == ErrorKind::ReferrerSubjectMismatch)
            .unwrap()
            .digest
            .as_deref(),
        stranger["digest"].as_str()
    );
    assert_eq!(
        r.referrers.len(),
        4,
        "mismatching referrers are still listed"
    );
    let good = &r.referrers[0];
    assert_eq!(good.sha256.as_deref(), Some(good.digest.as_str()));
    assert!(
        r.referrers
            .iter()
            .find(|x| x.digest == tampered)
            .unwrap()
            .sha256
            .is_none()
    );
    let _ = subject;
}
