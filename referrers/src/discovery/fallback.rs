//! The fallback when the referrers API is unsupported: the tag-schema index (distribution-spec
//! `spec.md#referrers-tag-schema`) and cosign-style tags `<alg>-<hex>.sig|.att|.sbom` found through paged
//! `tags/list` (distribution-spec `spec.md#listing-tags`), or, where the registry does not route `tags/list` (a 404
//! that is not `NAME_UNKNOWN`: container-registry 0.3.1 `src/lib.rs` `make_router` has no such route), read
//! directly by their names, as cosign itself does (sigstore/cosign `pkg/oci/remote/remote.go`: the `.sig`, `.att`
//! and `.sbom` tags are derived from the digest, never listed). Results are merged by digest.

use std::collections::HashSet;

use super::accumulator::Acc;
use super::answer::{describe, status_kind};
use super::filter::wanted;
use super::shared::Shared;
use super::types::Method;
use crate::error_kind::ErrorKind;
use crate::http::{Op, Req, redact_url};
use crate::spec::media::{MANIFEST_ACCEPT, essence};
use crate::spec::{
    Descriptor, Digest, next_link, parse_index, parse_tags_list, read_manifest, tag_schema_name,
};

/// Cosign tag suffixes.
pub const COSIGN_SUFFIXES: [&str; 3] = [".sig", ".att", ".sbom"];

/// Both fallbacks, tag schema first; the method says which of them found referrers.
pub(super) async fn run(
    d: &Shared,
    op: &Op,
    repo: &str,
    subject: &Digest,
    acc: &mut Acc,
) -> Method {
    let ts = tag_schema(d, op, repo, subject, acc).await;
    let cs = cosign_tags(d, op, repo, subject, acc).await;
    match (ts > 0, cs > 0) {
        (true, false) => Method::TagSchema,
        (false, true) => Method::CosignTags,
        (true, true) => Method::TagSchemaAndCosignTags,
        (false, false) => {
            acc.note("fallback: the tag schema and cosign tags were consulted".into());
            Method::TagSchemaAndCosignTags
        }
    }
}

/// The tag-schema index; returns how many referrers it found (duplicates included).
async fn tag_schema(d: &Shared, op: &Op, repo: &str, subject: &Digest, acc: &mut Acc) -> usize {
    let client = &d.client;
    let tag = tag_schema_name(subject.as_str());
    let url = client.v2_url(&format!("{repo}/manifests/{tag}"));
    let resp = match client
        .send(op, &Req::get(url).accept(MANIFEST_ACCEPT).pull_scope(repo))
        .await
    {
        Ok(r) => r,
        Err(e) => {
            acc.http(&e, &format!("reading the tag-schema tag {tag}"));
            return 0;
        }
    };
    match resp.status {
        200 => {}
        404 if status_kind(&resp) != ErrorKind::RepositoryNotFound => {
            acc.note(format!("no tag-schema tag {tag}"));
            return 0;
        }
        _ => {
            acc.err(
                status_kind(&resp),
                format!("reading the tag-schema tag {tag}: {}", describe(&resp)),
            );
            return 0;
        }
    }
    // GitLab resolves the tag to the subject itself (oras-project/oras-go#1396): never report the subject's children.
    let is_subject = subject.verify(&resp.body) == Some(true)
        || resp
            .header("docker-content-digest")
            .is_some_and(|h| h.trim() == subject.as_str());
    if is_subject {
        acc.note(format!(
            "tag-schema tag {tag} resolves to the subject itself (GitLab); ignored"
        ));
        return 0;
    }
    let index = match parse_index(&resp.body, d.opts.max_descriptors) {
        Ok(i) => i,
        Err(e) => {
            acc.note(format!(
                "tag-schema tag {tag} does not hold an OCI index ({e}); no referrers from it"
            ));
            return 0;
        }
    };
    for x in &index.dropped {
        let msg = format!(
            "tag-schema index: descriptor {} dropped: {}",
            x.position, x.reason
        );
        match &x.digest {
            Some(dg) => acc.err_digest(ErrorKind::InvalidDescriptor, msg, dg),
            None => acc.err(ErrorKind::InvalidDescriptor, msg),
        }
    }
    if index.over_cap > 0 {
        acc.err(
            ErrorKind::DescriptorCap,
            format!(
                "tag-schema index: {} descriptors beyond the cap not read",
                index.over_cap
            ),
        );
    }
    let mut found = 0;
    for desc in index.descriptors {
        if desc.digest == subject.as_str() {
            acc.note("tag-schema index lists the subject itself; skipped".into());
            continue;
        }
        if wanted(&d.opts, desc.artifact_type.as_deref()) {
            acc.add(desc, "tag-schema");
            found += 1;
        }
    }
    found
}

/// Cosign tags through paged `tags/list`, or by name where it is not routed; returns how many referrers they found
/// (duplicates included).
async fn cosign_tags(d: &Shared, op: &Op, repo: &str, subject: &Digest, acc: &mut Acc) -> usize {
    let client = &d.client;
    let prefix = tag_schema_name(subject.as_str());
    let mut url = client.v2_url(&format!("{repo}/tags/list"));
    let mut seen = HashSet::from([url.clone()]);
    let mut pages = 1usize;
    let mut matches: Vec<String> = Vec::new();
    // The tags were not listed but named: a missing one is no finding.
    let mut direct = false;
    loop {
        let resp = match client
            .send(
                op,
                &Req::get(url.clone())
                    .accept("application/json")
                    .pull_scope(repo),
            )
            .await
        {
            Ok(r) => r,
            Err(e) => {
                acc.http(&e, &format!("listing tags (page {pages})"));
                break;
            }
        };
        if pages == 1 && resp.status == 404 && status_kind(&resp) != ErrorKind::RepositoryNotFound {
            acc.note(format!(
                "tags/list answered {} (not NAME_UNKNOWN): the cosign tags are read by name",
                describe(&resp)
            ));
            direct = true;
            matches = COSIGN_SUFFIXES
                .iter()
                .map(|s| format!("{prefix}{s}"))
                .collect();
            break;
        }
        if resp.status != 200 {
            acc.err(
                status_kind(&resp),
                format!("listing tags (page {pages}): {}", describe(&resp)),
            );
            break;
        }
        let tags = parse_tags_list(&resp.body);
        let Some(tags) = tags else {
            acc.err(
                ErrorKind::InvalidTagsList,
                format!("tags/list page {pages} is not {{\"tags\": [...]}}"),
            );
            break;
        };
        for t in tags {
            if let Some(rest) = t.strip_prefix(&prefix)
                && COSIGN_SUFFIXES.contains(&rest)
                && !matches.iter().any(|m| *m == *t)
            {
                matches.push(t.into_owned());
            }
        }
        let Some(next) = next_link(resp.headers_all("link"), &resp.url) else {
            break;
        };
        if next.origin() != client.base().origin() {
            acc.err(
                ErrorKind::OffOriginLink,
                format!(
                    "tags/list page {pages}: Link to another origin not followed: {}",
                    redact_url(&next)
                ),
            );
            break;
        }
        if !seen.insert(next.clone()) {
            acc.err(
                ErrorKind::LinkLoop,
                format!("tags/list page {pages}: Link repeats {}", redact_url(&next)),
            );
            break;
        }
        if pages >= d.opts.max_pages {
            acc.err(
                ErrorKind::PageCap,
                format!(
                    "tags/list: more than {} pages; listing cut",
                    d.opts.max_pages
                ),
            );
            break;
        }
        pages += 1;
        url = next;
    }
    let mut found = 0;
    for tag in matches {
        let u = client.v2_url(&format!("{repo}/manifests/{tag}"));
        let resp = match client
            .send(op, &Req::get(u).accept(MANIFEST_ACCEPT).pull_scope(repo))
            .await
        {
            Ok(r) => r,
            Err(e) => {
                acc.http(&e, &format!("reading cosign tag {tag}"));
                continue;
            }
        };
        if direct && resp.status == 404 && status_kind(&resp) != ErrorKind::RepositoryNotFound {
            acc.note(format!("no cosign tag {tag}"));
            continue;
        }
        if resp.status != 200 {
            acc.err(
                status_kind(&resp),
                format!("reading cosign tag {tag}: {}", describe(&resp)),
            );
            continue;
        }
        let Some(m) = read_manifest(&resp.body) else {
            acc.err(
                ErrorKind::InvalidIndex,
                format!("cosign tag {tag} does not hold a JSON manifest"),
            );
            continue;
        };
        let digest = Digest::sha256_of(&resp.body).to_string();
        if digest == subject.as_str() {
            continue;
        }
        let media_type = m
            .media_type
            .or_else(|| resp.content_type().map(|c| essence(c).to_string()))
            .unwrap_or_default();
        let desc = Descriptor {
            media_type,
            digest,
            size: resp.body.len() as u64,
            artifact_type: m.artifact_type,
            annotations: m.annotations,
        };
        if wanted(&d.opts, desc.artifact_type.as_deref()) {
            acc.add(desc, "cosign-tags");
            found += 1;
        }
    }
    found
}
