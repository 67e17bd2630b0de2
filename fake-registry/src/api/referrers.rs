//! The referrers API with the profile's variant: filter, paging, vendor deviations
//! ([spec.md "Listing Referrers"](https://github.com/opencontainers/distribution-spec/blob/v1.1.1/spec.md#listing-referrers)).

use bytes::Bytes;
use serde::Serialize;
use std::collections::BTreeMap;

use crate::answer::{canned, canned_ref};
use crate::digest::ParsedDigest;
use crate::media_type::OCI_INDEX;
use crate::message::{Req, Resp, percent_encode};
use crate::profile::{ApiReferrers, ArtifactTypeFrom, FiltersHeader};
use crate::state::{MAX_CACHED_ANSWERS, State};
use crate::store::Descriptor;

/// An image index body listing `manifests`.
///
/// Serialised straight from borrowed fields, byte for byte what `json!({...}).to_string()` gave (that went through a
/// `serde_json::Value`, whose objects list their keys sorted; the field order below is that order).
fn index_body(manifests: &[Descriptor]) -> Bytes {
    #[derive(Serialize)]
    struct Index<'a> {
        manifests: Listed<'a>,
        #[serde(rename = "mediaType")]
        media_type: &'static str,
        #[serde(rename = "schemaVersion")]
        schema_version: u32,
    }
    struct Listed<'a>(&'a [Descriptor]);
    impl Serialize for Listed<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(self.0.iter().map(ListedDescriptor::of))
        }
    }
    /// [`Descriptor`]'s listed fields, keys sorted.
    #[derive(Serialize)]
    struct ListedDescriptor<'a> {
        #[serde(skip_serializing_if = "Option::is_none")]
        annotations: Option<&'a BTreeMap<String, String>>,
        #[serde(rename = "artifactType", skip_serializing_if = "Option::is_none")]
        artifact_type: Option<&'a str>,
        digest: &'a str,
        #[serde(rename = "mediaType")]
        media_type: &'a str,
        size: u64,
    }
    impl<'a> ListedDescriptor<'a> {
        fn of(d: &'a Descriptor) -> Self {
            ListedDescriptor {
                annotations: d.annotations.as_ref(),
                artifact_type: d.artifact_type.as_deref(),
                digest: &d.digest,
                media_type: &d.media_type,
                size: d.size,
            }
        }
    }
    let index = Index {
        manifests: Listed(manifests),
        media_type: OCI_INDEX,
        schema_version: 2,
    };
    // Serialising borrowed strings, a u64 and string maps to a Vec cannot fail.
    Bytes::from(serde_json::to_vec(&index).unwrap_or_default())
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

/// The referrers answer, from the cache while the store has not changed since it was computed. The answer depends
/// only on the repository, the digest, the query (filter, page cursor), the store and the fake's fixed settings
/// (profile, page size); faults act on it afterwards, in the pipeline.
pub(super) fn referrers(
    state: &State,
    req: &Req,
    repo: &str,
    digest: &str,
    cfg: &ApiReferrers,
) -> Resp {
    let generation = state.store.generation();
    let key = format!(
        "{repo}\n{digest}\n{}",
        req.raw_query.as_deref().unwrap_or_default()
    );
    let lock = || {
        state
            .referrers_cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    };
    if let Some((g, resp)) = lock().get(&key)
        && *g == generation
    {
        return resp.clone();
    }
    let resp = compute(state, req, repo, digest, cfg);
    let mut cache = lock();
    if cache.len() >= MAX_CACHED_ANSWERS {
        cache.clear();
    }
    cache.insert(key, (generation, resp.clone()));
    resp
}

fn compute(state: &State, req: &Req, repo: &str, digest: &str, cfg: &ApiReferrers) -> Resp {
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn d(i: u64, artifact_type: Option<&str>, annotations: Option<&[(&str, &str)]>) -> Descriptor {
        Descriptor {
            media_type: "application/vnd.oci.image.manifest.v1+json".into(),
            digest: format!("sha256:{i:064x}"),
            size: i * 1000 + 7,
            artifact_type: artifact_type.map(str::to_string),
            annotations: annotations.map(|a| {
                a.iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect()
            }),
            config_media_type: Some("application/x-config".into()),
            blobs_size: 99,
        }
    }

    #[test]
    fn index_body_is_what_the_value_tree_gave() {
        let lists: Vec<Vec<Descriptor>> = vec![
            vec![],
            vec![d(1, None, None)],
            vec![
                d(
                    2,
                    Some("application/vnd.cyclonedx+json"),
                    Some(&[("b", "2"), ("a", "1")]),
                ),
                d(3, Some("weird \"type\" \\ é \u{1}"), Some(&[])),
                d(
                    u64::MAX / 1000,
                    None,
                    Some(&[("k\n", "v\t\u{7f}"), ("Z", "")]),
                ),
            ],
        ];
        for manifests in lists {
            let old = json!({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": manifests})
                .to_string();
            assert_eq!(index_body(&manifests), Bytes::from(old));
        }
    }
}
