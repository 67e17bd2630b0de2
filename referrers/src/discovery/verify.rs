//! Verify mode: fetch every referrer manifest by digest, check the bytes against the digest
//! (`referrer-checksum-mismatch`) and size, check `subject.digest`, and record a sha256 of each.

use super::accumulator::Acc;
use super::answer::describe;
use super::shared::Shared;
use crate::error_kind::ErrorKind;
use crate::http::{Op, Req};
use crate::spec::media::MANIFEST_ACCEPT;
use crate::spec::{Digest, read_manifest};

/// Fetch and check every referrer found so far; failures are reported per referrer.
pub(super) async fn run(d: &Shared, op: &Op, repo: &str, subject: &Digest, acc: &mut Acc) {
    let client = &d.client;
    let subject = subject.to_string();
    for i in 0..acc.referrers.len() {
        let (digest, media_type, size, source) = {
            let r = &acc.referrers[i];
            (r.digest.clone(), r.media_type.clone(), r.size, r.source)
        };
        let url = client.v2_url(&format!("{repo}/manifests/{digest}"));
        // Only a plain media type goes into the header (registry data is hostile).
        let plain = media_type
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '+' | '-' | '_'));
        let accept = if media_type.is_empty() || !plain {
            MANIFEST_ACCEPT.to_string()
        } else {
            format!("{media_type}, {MANIFEST_ACCEPT}")
        };
        let resp = match client
            .send(op, &Req::get(url).accept(&accept).pull_scope(repo))
            .await
        {
            Ok(r) => r,
            Err(e) => {
                acc.err_digest(
                    ErrorKind::ReferrerFetchFailed,
                    format!("fetching referrer {digest}: {e}"),
                    &digest,
                );
                continue;
            }
        };
        if resp.status != 200 {
            acc.err_digest(
                ErrorKind::ReferrerFetchFailed,
                format!("fetching referrer {digest}: {}", describe(&resp)),
                &digest,
            );
            continue;
        }
        let Ok(dg) = digest.parse::<Digest>() else {
            continue;
        };
        match dg.verify(&resp.body) {
            Some(false) => {
                let got = dg
                    .compute_same(&resp.body)
                    .map(|x| x.to_string())
                    .unwrap_or_default();
                acc.err_digest(
                    ErrorKind::ReferrerChecksumMismatch,
                    format!("referrer {digest}: the registry served bytes that hash to {got}"),
                    &digest,
                );
                continue;
            }
            None => acc.note(format!(
                "referrer {digest}: algorithm {} cannot be verified",
                dg.algorithm().as_str()
            )),
            Some(true) => {}
        }
        if resp.body.len() as u64 != size {
            acc.err_digest(
                ErrorKind::ReferrerSizeMismatch,
                format!(
                    "referrer {digest}: descriptor size {size}, manifest is {} bytes",
                    resp.body.len()
                ),
                &digest,
            );
        }
        acc.referrers[i].sha256 = Some(Digest::sha256_of(&resp.body).to_string());
        match read_manifest(&resp.body).and_then(|m| m.subject_digest) {
            Some(s) if s == subject => {}
            Some(s) => acc.err_digest(
                ErrorKind::ReferrerSubjectMismatch,
                format!("referrer {digest} names subject {s}, not {subject}"),
                &digest,
            ),
            None if source == "cosign-tags" => {}
            None => acc.err_digest(
                ErrorKind::ReferrerSubjectMismatch,
                format!("referrer {digest} has no subject"),
                &digest,
            ),
        }
    }
}
