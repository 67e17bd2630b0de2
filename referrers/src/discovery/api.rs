//! The referrers API: the first page of `GET /v2/<name>/referrers/<digest>` (with `?artifactType=` when one type is
//! asked for), and the listing followed through `Link: <...>; rel="next"` from there, same origin only, with loop
//! detection and the page and descriptor caps
//! (<https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#listing-referrers>).

use std::collections::HashSet;

use super::accumulator::Acc;
use super::answer::describe;
use super::filter::{filters_applied, wanted};
use super::shared::Shared;
use crate::error_kind::ErrorKind;
use crate::http::{HttpError, Op, Req, Resp, redact_url};
use crate::probe::{ReferrersAnswer, classify_referrers_answer};
use crate::spec::media::OCI_INDEX;
use crate::spec::{Digest, ParsedIndex, next_link};

/// The first page's answer and what it means, or why none came.
pub(super) type FirstPage = Result<(Resp, ReferrersAnswer), HttpError>;

/// `GET` the first page of the listing and classify the answer.
pub(super) async fn first_page(d: &Shared, op: &Op, repo: &str, digest: &Digest) -> FirstPage {
    let client = &d.client;
    let mut url = client.v2_url(&format!("{repo}/referrers/{digest}"));
    if let [only] = d.opts.artifact_types.as_slice() {
        url.query_pairs_mut().append_pair("artifactType", only);
    }
    let resp = client
        .send(op, &Req::get(url).accept(OCI_INDEX).pull_scope(repo))
        .await?;
    let a = classify_referrers_answer(&resp, d.opts.max_descriptors);
    Ok((resp, a))
}

/// Follow the listing from its first page.
pub(super) async fn collect_api(
    d: &Shared,
    op: &Op,
    repo: &str,
    first: Resp,
    index: ParsedIndex,
    acc: &mut Acc,
) {
    let client = &d.client;
    let opts = &d.opts;
    let sent_filter = opts.artifact_types.len() == 1;
    let mut resp = first;
    let mut index = index;
    // The pages' URLs, for loop detection; started when a first Link is followed (most listings are one page).
    let mut seen: HashSet<url::Url> = HashSet::new();
    let mut pages = 1usize;
    let mut total = 0usize;
    loop {
        let server_filtered = sent_filter && filters_applied(&resp, &index);
        for x in &index.dropped {
            let msg = format!(
                "page {pages}: descriptor {} dropped: {}",
                x.position, x.reason
            );
            match &x.digest {
                Some(dg) => acc.err_digest(ErrorKind::InvalidDescriptor, msg, dg),
                None => acc.err(ErrorKind::InvalidDescriptor, msg),
            }
        }
        acc.reserve(index.descriptors.len());
        for desc in std::mem::take(&mut index.descriptors) {
            total += 1;
            if total > opts.max_descriptors {
                acc.err(
                    ErrorKind::DescriptorCap,
                    format!(
                        "more than {} descriptors; listing cut",
                        opts.max_descriptors
                    ),
                );
                return;
            }
            if server_filtered || wanted(opts, desc.artifact_type.as_deref()) {
                acc.add(desc, "referrers-api");
            }
        }
        if index.over_cap > 0 {
            acc.err(
                ErrorKind::DescriptorCap,
                format!(
                    "page {pages}: {} descriptors beyond the cap not read",
                    index.over_cap
                ),
            );
            return;
        }
        let Some(next) = next_link(resp.headers_all("link"), &resp.url) else {
            return;
        };
        if next.origin() != client.base().origin() {
            acc.err(
                ErrorKind::OffOriginLink,
                format!(
                    "page {pages}: Link to another origin not followed: {}",
                    redact_url(&next)
                ),
            );
            return;
        }
        if seen.is_empty() {
            seen.insert(resp.url.clone());
        }
        if !seen.insert(next.clone()) {
            acc.err(
                ErrorKind::LinkLoop,
                format!("page {pages}: Link repeats {}", redact_url(&next)),
            );
            return;
        }
        if pages >= opts.max_pages {
            acc.err(
                ErrorKind::PageCap,
                format!("more than {} pages; listing cut", opts.max_pages),
            );
            return;
        }
        pages += 1;
        let r = match client
            .send(op, &Req::get(next).accept(OCI_INDEX).pull_scope(repo))
            .await
        {
            Ok(r) => r,
            Err(e) => {
                acc.http(&e, &format!("page {pages} of the referrers listing"));
                return;
            }
        };
        match classify_referrers_answer(&r, opts.max_descriptors) {
            ReferrersAnswer::Index { index: i, .. } => {
                index = i;
                resp = r;
            }
            ReferrersAnswer::NotAnIndex { reason, .. } => {
                acc.err(
                    ErrorKind::InvalidIndex,
                    format!("page {pages} of the referrers listing: {reason}"),
                );
                return;
            }
            other => {
                let kind = other.error_kind().unwrap_or(ErrorKind::UnexpectedStatus);
                acc.err(
                    kind,
                    format!("page {pages} of the referrers listing: {}", describe(&r)),
                );
                return;
            }
        }
    }
}
