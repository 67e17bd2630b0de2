//! Step 1 shared by the checks and discovery: resolve a manifest reference to its digest.
//! `HEAD /v2/<name>/manifests/<ref>` with the four manifest `Accept` types; when `Docker-Content-Digest` is
//! missing or invalid, GET the manifest and hash the exact bytes (distribution-spec `spec.md#pulling-manifests`).

use crate::http::{HttpClient, HttpError, Op, Req, Resp};
use crate::spec::Digest;
use crate::spec::media::MANIFEST_ACCEPT;

/// The outcome of resolving a reference.
#[derive(Debug)]
pub(crate) enum Resolved {
    /// The manifest exists and this is its digest.
    Found {
        /// Digest.
        digest: Digest,
        /// Notes (header missing, digest computed from the body).
        notes: Vec<String>,
        /// Whether `Docker-Content-Digest` was present and valid on HEAD.
        header_on_head: bool,
        /// The manifest's media type (`Content-Type` essence), when the registry said.
        media_type: Option<String>,
    },
    /// The registry's final non-200 answer; the caller judges it.
    Answer(Resp),
    /// The bytes served for a digest reference hash to something else.
    Mismatch {
        /// Requested.
        expected: String,
        /// Computed.
        actual: String,
    },
}

pub(crate) async fn resolve(
    client: &HttpClient,
    op: &Op,
    repository: &str,
    reference: &str,
) -> Result<Resolved, HttpError> {
    let url = client.v2_url(&format!("{repository}/manifests/{reference}"));
    let by_digest: Option<Digest> = reference.parse().ok();
    let head = client
        .send(
            op,
            &Req::head(url.clone())
                .accept(MANIFEST_ACCEPT)
                .pull_scope(repository),
        )
        .await?;
    let mut notes = Vec::new();
    let ct = |r: &Resp| {
        r.content_type()
            .map(|c| crate::spec::media::essence(c).to_string())
            .filter(|c| !c.is_empty())
    };
    let head_type = ct(&head);
    match head.status {
        200 => {
            let header = head.header("docker-content-digest").map(str::trim);
            match header.map(str::parse::<Digest>) {
                Some(Ok(d)) => {
                    if let Some(want) = by_digest {
                        if d != want {
                            notes.push(format!("HEAD answered Docker-Content-Digest {d} for {want}"));
                        }
                        return Ok(Resolved::Found { digest: want, notes, header_on_head: true, media_type: head_type });
                    }
                    return Ok(Resolved::Found { digest: d, notes, header_on_head: true, media_type: head_type });
                }
                Some(Err(_)) => notes.push("registry sent an invalid Docker-Content-Digest on HEAD; digest computed from the manifest bytes".into()),
                None => notes.push("registry omits Docker-Content-Digest on HEAD; digest computed from the manifest bytes".into()),
            }
        }
        405 | 501 => notes.push(format!(
            "registry answered {} to HEAD; used GET",
            head.status
        )),
        _ => return Ok(Resolved::Answer(head)),
    }
    let get = client
        .send(
            op,
            &Req::get(url).accept(MANIFEST_ACCEPT).pull_scope(repository),
        )
        .await?;
    if get.status != 200 {
        return Ok(Resolved::Answer(get));
    }
    if let Some(want) = by_digest {
        return Ok(match want.verify(&get.body) {
            Some(false) => Resolved::Mismatch {
                expected: want.to_string(),
                actual: want
                    .compute_same(&get.body)
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            },
            _ => Resolved::Found {
                media_type: ct(&get),
                digest: want,
                notes,
                header_on_head: false,
            },
        });
    }
    Ok(Resolved::Found {
        media_type: ct(&get),
        digest: Digest::sha256_of(&get.body),
        notes,
        header_on_head: false,
    })
}
