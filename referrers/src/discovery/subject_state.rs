//! What discovery knows of its subject: the reference validated, a tag resolved to a digest (with the manifest's
//! media type), and, when a negative answer needs it, whether the manifest exists and is an index.

use super::accumulator::Acc;
use super::answer::{describe, status_kind};
use super::shared::Shared;
use super::types::{Subject, SubjectRef};
use crate::error_kind::ErrorKind;
use crate::http::Op;
use crate::resolve::{Resolved, resolve};
use crate::spec::Digest;
use crate::spec::error_json::has_error_code;
use crate::spec::media::{DOCKER_LIST, OCI_INDEX};
use crate::spec::names::{valid_repository, valid_tag};

/// The repository name and the tag or digest, checked before any request.
fn validate(subject: &Subject) -> Result<(), String> {
    if !valid_repository(&subject.repository) {
        return Err(format!("invalid repository name {:?}", subject.repository));
    }
    match &subject.reference {
        SubjectRef::Tag(t) if !valid_tag(t) => Err(format!("invalid tag {t:?}")),
        SubjectRef::Digest(d) => Digest::check(d).map_err(|e| e.to_string()),
        _ => Ok(()),
    }
}

/// What is known about the subject manifest.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct SubjectState {
    /// `Some(true)` seen, `Some(false)` 404, `None` unknown.
    pub exists: Option<bool>,
    /// Whether it is an index (OCI index or Docker list), when known.
    pub is_index: Option<bool>,
}

/// A manifest that was found, with its media type if the registry said.
fn state_of(media_type: Option<&str>) -> SubjectState {
    SubjectState {
        exists: Some(true),
        is_index: media_type.map(|m| m == OCI_INDEX || m == DOCKER_LIST),
    }
}

/// Resolve the subject to a digest and what is known about its manifest.
pub(super) async fn resolve_subject(
    d: &Shared,
    op: &Op,
    subject: &Subject,
    acc: &mut Acc,
) -> Option<(Digest, SubjectState)> {
    if let Err(e) = validate(subject) {
        acc.err(ErrorKind::InvalidSubject, e);
        return None;
    }
    let repo = &subject.repository;
    match &subject.reference {
        SubjectRef::Digest(s) => s.parse().ok().map(|dg| (dg, SubjectState::default())),
        SubjectRef::Tag(t) => match resolve(&d.client, op, repo, t).await {
            Ok(Resolved::Found {
                digest,
                notes,
                media_type,
                ..
            }) => {
                notes.into_iter().for_each(|n| acc.note(n));
                Some((digest, state_of(media_type.as_deref())))
            }
            Ok(Resolved::Answer(resp)) => {
                let kind = match status_kind(&resp) {
                    ErrorKind::UnexpectedStatus if resp.status == 404 => ErrorKind::SubjectNotFound,
                    k => k,
                };
                acc.err(kind, format!("resolving {repo}:{t}: {}", describe(&resp)));
                None
            }
            Ok(Resolved::Mismatch { expected, actual }) => {
                acc.err(
                    ErrorKind::InvalidSubject,
                    format!("{repo}:{t}: expected {expected}, bytes hash to {actual}"),
                );
                None
            }
            Err(e) => {
                acc.http(&e, &format!("resolving {repo}:{t}"));
                None
            }
        },
    }
}

/// HEAD the subject by digest.
pub(super) async fn subject_state(
    d: &Shared,
    op: &Op,
    repo: &str,
    digest: &Digest,
) -> SubjectState {
    match resolve(&d.client, op, repo, digest.as_str()).await {
        Ok(Resolved::Found { media_type, .. }) => state_of(media_type.as_deref()),
        Ok(Resolved::Answer(r)) if r.status == 404 && !has_error_code(&r.body, "NAME_UNKNOWN") => {
            SubjectState {
                exists: Some(false),
                is_index: None,
            }
        }
        _ => SubjectState::default(),
    }
}
