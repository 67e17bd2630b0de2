//! The `artifactType` filter: whether a descriptor passes the filter asked for, and whether the registry says it
//! applied the filter itself: the `OCI-Filters-Applied` header
//! (<https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#listing-referrers>) or the index
//! annotation `org.opencontainers.referrers.filtersApplied` that v1.1.0-rc1 defined instead
//! (<https://github.com/opencontainers/distribution-spec/blob/v1.1.0-rc1/spec.md#listing-referrers>).

use super::types::DiscoveryOptions;
use crate::http::Resp;
use crate::spec::ParsedIndex;

/// Whether a descriptor passes the artifact-type filter.
pub(super) fn wanted(opts: &DiscoveryOptions, artifact_type: Option<&str>) -> bool {
    let f = &opts.artifact_types;
    f.is_empty() || artifact_type.is_some_and(|a| f.iter().any(|x| x == a))
}

/// Whether the registry lists `artifactType` among the filters it applied to this page.
pub(super) fn filters_applied(resp: &Resp, index: &ParsedIndex) -> bool {
    let lists = |v: &str| {
        v.split(',')
            .any(|x| x.trim().eq_ignore_ascii_case("artifactType"))
    };
    resp.headers_all("oci-filters-applied")
        .iter()
        .any(|v| lists(v))
        || index
            .filters_applied_annotation
            .as_deref()
            .is_some_and(lists)
}
