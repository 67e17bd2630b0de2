//! Media types used on the wire (image-spec v1.1.1 `media-types.md`, Docker schema 2).

/// OCI image index.
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
/// OCI image manifest.
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
/// Docker manifest list.
pub const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
/// Docker image manifest v2 schema 2.
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";

/// The `Accept` value for manifest requests: the four manifest types the check understands (its step 1 in
/// docs/check-decision-table.md; clients SHOULD send `Accept`,
/// <https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#pulling-manifests>).
pub const MANIFEST_ACCEPT: &str = "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json";

/// True when a `Content-Type` value names the OCI index type (parameters ignored).
pub fn is_index_content_type(content_type: &str) -> bool {
    essence(content_type).eq_ignore_ascii_case(OCI_INDEX)
}

/// The media type without parameters, trimmed.
pub fn essence(content_type: &str) -> &str {
    content_type.split(';').next().unwrap_or("").trim()
}
