//! What a registry with a partial or minimal Distribution API refuses, leaves out or does its own way
//! ([`PartialApi`]); [`PartialApi::FULL`] is the spec's whole API
//! ([distribution-spec at 967efdc](https://github.com/opencontainers/distribution-spec/blob/967efdc/spec.md)).
//! Plain data, like the rest of the profile.

use super::canned::Canned;

/// Where an upload session lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadPath {
    /// `/v2/<name>/blobs/uploads/<session>`, as the spec's examples have it (the spec leaves the Location to the
    /// registry).
    Blobs,
    /// `/v2/<name>/uploads/<session>`, and only there (container-registry 0.3.1 `src/lib.rs` `mk_upload_location`
    /// and `make_router`): the `blobs/uploads/<session>` path is not routed.
    Bare,
}

/// What an upload session's `Range` header says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadRange {
    /// `0-<last byte received>` on every session answer, `0-0` on the POST (spec §"Pushing a blob in chunks").
    Spec,
    /// None on the POST; a PATCH's is `0-<bytes of this PATCH>` (container-registry 0.3.1 `src/lib.rs`
    /// `UploadState::into_response`, `upload_add_chunk`).
    ChunkBytes,
}

/// How a registry parses the digests in blob paths and in the `digest` query of a closing upload `PUT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigestParse {
    /// The spec's grammar, with the spec's `DIGEST_INVALID` refusal from the API.
    Spec,
    /// `sha256:` and 64 hex digits only, refused before auth with its framework's rejection text:
    /// `text/plain; charset=utf-8`, `<path prefix><reason>` for a path and `<query prefix><reason>` for the
    /// query, the reason `wrong length`, `wrong prefix` or `hex decoding error` (container-registry 0.3.1
    /// `src/lib.rs` `ImageDigest::from_str`; axum 0.7's `Path` and `Query` rejections).
    Sha256Only {
        /// Before the reason, for a path: axum's `Invalid URL: `.
        path: &'static str,
        /// Before the reason, for the query: axum's `Failed to deserialize query string: `.
        query: &'static str,
    },
}

/// How a registry reads a manifest reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum References {
    /// The spec's: a digest (any registered algorithm) or a tag matching the tag grammar.
    Spec,
    /// A valid `sha256:` digest, else a tag with no grammar checked (`sha512:…` and `-x` are tags): container-registry
    /// 0.3.1 `src/storage.rs` `Reference`'s `Deserialize`.
    Sha256OrTag,
}

/// What a registry with a partial Distribution API refuses or leaves out; [`PartialApi::FULL`] is the spec's whole
/// API. Each refusal is the answer sent instead of the spec's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartialApi {
    /// The answer to a path the registry does not route, given before auth is checked (a router answers before any
    /// handler runs); `None`: Distribution's `404 page not found`.
    pub unrouted: Option<Canned>,
    /// `GET /v2/<name>/tags/list` is routed.
    pub tags_list: bool,
    /// Repository names are routed only with exactly this many `/`-separated segments.
    pub repository_segments: Option<usize>,
    /// A manifest PUT whose reference is a digest, not a tag, is refused with this answer, after the manifest has
    /// been stored under its digest when [`Self::put_by_digest_stores`].
    pub put_by_digest: Option<Canned>,
    /// The manifest refused by [`Self::put_by_digest`] is stored under its digest first (container-registry 0.3.1
    /// `src/storage.rs` `put_manifest` writes it, then finds the reference is not a tag).
    pub put_by_digest_stores: bool,
    /// A manifest PUT of anything but an image manifest (an image index, a manifest list) is refused.
    pub put_non_image: Option<Canned>,
    /// The closing `PUT <upload>?digest=` of a blob upload may not carry content (no monolithic or
    /// final-chunk upload): this answer when it does.
    pub upload_put_with_body: Option<Canned>,
    /// Manifest GET and HEAD answers carry `Docker-Content-Digest`.
    pub manifest_digest_header: bool,
    /// The answer to a manifest or blob GET/HEAD that finds nothing, instead of the spec's `MANIFEST_UNKNOWN` /
    /// `BLOB_UNKNOWN`.
    pub not_found: Option<Canned>,
    /// The answer to a blob HEAD that finds nothing, where it differs from [`Self::not_found`].
    pub blob_head_not_found: Option<Canned>,
    /// Where upload sessions live.
    pub upload_path: UploadPath,
    /// What an upload session's `Range` says.
    pub upload_range: UploadRange,
    /// The closing upload `PUT`'s `Location` is the blob's (`false`: the session's own, as container-registry 0.3.1
    /// `src/lib.rs` `upload_finalize` sends it).
    pub blob_location: bool,
    /// A blob GET's `200` carries `Content-Type`, `Content-Length` and `Docker-Content-Digest` (`false`: none of
    /// them, the body streamed: container-registry 0.3.1 `src/lib.rs` `blob_get`).
    pub blob_get_headers: bool,
    /// How digests in blob paths and the upload `digest` query are parsed.
    pub digests: DigestParse,
    /// How manifest references are read.
    pub references: References,
    /// A manifest PUT's `Location` names the digest (`false`: the reference as given, container-registry 0.3.1
    /// `src/lib.rs` `mk_manifest_location`).
    pub manifest_location_digest: bool,
    /// A manifest PUT is refused when its config or a layer is not in the repository (`MANIFEST_BLOB_UNKNOWN`;
    /// `false`: never checked, container-registry 0.3.1 `src/storage.rs` `put_manifest` "TODO: Validate all blobs").
    pub manifest_blobs_checked: bool,
}

impl PartialApi {
    /// The whole API, as the spec has it.
    pub const FULL: PartialApi = PartialApi {
        unrouted: None,
        tags_list: true,
        repository_segments: None,
        put_by_digest: None,
        put_by_digest_stores: false,
        put_non_image: None,
        upload_put_with_body: None,
        manifest_digest_header: true,
        not_found: None,
        blob_head_not_found: None,
        upload_path: UploadPath::Blobs,
        upload_range: UploadRange::Spec,
        blob_location: true,
        blob_get_headers: true,
        digests: DigestParse::Spec,
        references: References::Spec,
        manifest_location_digest: true,
        manifest_blobs_checked: true,
    };
}
