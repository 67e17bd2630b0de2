//! The referrers API with the profile's variant: filter, paging, vendor deviations
//! ([spec.md "Listing Referrers"](https://github.com/opencontainers/distribution-spec/blob/v1.1.1/spec.md#listing-referrers)).

use bytes::Bytes;
use serde_json::json;

use super::*;
use crate::digest::ParsedDigest;
use crate::message::percent_encode;
use crate::profile::{ArtifactTypeFrom, FiltersHeader};
use crate::store::Descriptor;

/// An image index body listing `manifests`.
pub(crate) fn index_body(manifests: &[Descriptor]) -> Bytes {
    Bytes::from(
        json!({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": manifests}).to_string(),
    )
}

/// A descriptor as this referrers variant lists it (Harbor < 2.11: config media type, size with blobs).
pub(crate) fn as_listed(mut d: Descriptor, cfg: &ApiReferrers) -> Descriptor {
    if cfg.artifact_type_from == ArtifactTypeFrom::ConfigMediaType {
        d.artifact_type = d.config_media_type.clone();
    }
    if cfg.size_includes_blobs {
        d.size = d.size.saturating_add(d.blobs_size);
    }
    d
}

pub(super) fn referrers(
    state: &State,
    req: &Req,
    repo: &str,
    digest: &str,
    cfg: &ApiReferrers,
) -> Resp {
    if ParsedDigest::parse(digest).is_none() {
        return canned_ref(&cfg.bad_digest, digest);
    }
    let Some(all) = state.store.referrers(repo, digest) else {
        return match &cfg.missing_repo {
            Some(c) => canned(c),
            None => {
                let mut body = index_body(&[]).to_vec();
                if cfg.trailing_newline {
                    body.push(b'\n');
                }
                Resp::with_body(cfg.status, Some(cfg.content_type), body)
            }
        };
    };
    if let Some(c) = &cfg.missing_subject
        && state.store.get_manifest(repo, digest).is_none()
    {
        return canned(c);
    }
    // artifactType filter.
    let wanted: Vec<&str> = req
        .params("artifactType")
        .filter(|v| !v.is_empty())
        .collect();
    let wanted: Vec<&str> = if cfg.filter_multi {
        wanted
    } else {
        wanted.into_iter().take(1).collect()
    };
    let filtered = cfg.filter && !wanted.is_empty();
    let unfiltered_total = all.len();
    let all: Vec<Descriptor> = all.into_iter().map(|d| as_listed(d, cfg)).collect();
    let list: Vec<Descriptor> = if filtered {
        all.into_iter()
            .filter(|d| {
                d.artifact_type
                    .as_deref()
                    .is_some_and(|t| wanted.contains(&t))
            })
            .collect()
    } else {
        all
    };
    // Paging: the cursor `last` is the digest of the last descriptor of the previous page.
    let (page, next) = if cfg.paging {
        let start = match req.param("last") {
            Some(l) => list
                .iter()
                .position(|d| d.digest == l)
                .map_or(list.len(), |i| i + 1),
            None => 0,
        };
        let size = state.page_size.max(1);
        let end = (start + size).min(list.len());
        let page = list[start.min(end)..end].to_vec();
        let next = (end < list.len()).then(|| page.last().map(|d| d.digest.clone()));
        (page, next.flatten())
    } else {
        (list, None)
    };
    let mut body = index_body(&page).to_vec();
    if cfg.trailing_newline {
        body.push(b'\n');
    }
    let mut resp = Resp::with_body(cfg.status, Some(cfg.content_type), body);
    if filtered {
        let value = match cfg.filters_header {
            FiltersHeader::Spec => "artifactType".to_string(),
            FiltersHeader::RequestedValue => wanted.join(","),
        };
        resp = resp.header("oci-filters-applied", value);
    }
    if cfg.total_count {
        resp = resp.header("x-total-count", unfiltered_total.to_string());
    }
    if let Some(last) = next {
        let mut q = String::new();
        for t in &wanted {
            q.push_str(&format!("artifactType={}&", percent_encode(t)));
        }
        q.push_str(&format!("last={}", percent_encode(&last)));
        resp = resp.header(
            "link",
            format!("</v2/{repo}/referrers/{digest}?{q}>; rel=\"next\""),
        );
    }
    resp
}
