//! How a registry's blob, upload, manifest and tag endpoints depart from the spec ([`ContentApi`]): the knobs the
//! API handlers read, and the requests a registry refuses with its own answer ([`Refusal`]). [`ContentApi::SPEC`]
//! is the spec's behaviour
//! ([distribution-spec at 967efdc](https://github.com/opencontainers/distribution-spec/blob/967efdc/spec.md)).
//! Plain data, like the rest of the profile.

use super::canned::Canned;

/// How the `Content-Range` of a chunk (`PATCH`, or the closing `PUT` with the final chunk) is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChunkRange {
    /// Checked against the bytes received so far: out of order is `416` (spec §"Pushing a blob in chunks").
    Checked,
    /// Ignored: the chunk is appended as if in order (Distribution 2.8.2's PATCH and PUT handlers never read it).
    Ignored,
}

/// Which answers carry `Accept-Ranges: bytes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AcceptRanges {
    /// A blob's `200`.
    pub blob: bool,
    /// A blob's `206`.
    pub partial: bool,
    /// A manifest's `200` to a GET (not to a HEAD).
    pub manifest: bool,
}

/// How a blob GET answers a `Range` it cannot serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeRefusal {
    /// The spec's: a bare `416` with `Content-Range: bytes */<size>` (RFC 9110 §15.5.17, §14.4).
    Spec,
    /// Go's `http.ServeContent` after the handler has set the blob's headers (Distribution 2.8.2
    /// `registry/storage/blobserver.go` `ServeBlob`; Go `net/http/fs.go` `serveContent`, `parseRange`): `416
    /// text/plain; charset=utf-8` with `X-Content-Type-Options: nosniff` and the blob's `Docker-Content-Digest`;
    /// `invalid range: failed to overlap` and `Content-Range: bytes */<size>` for a range starting at or past the
    /// end, `invalid range` and no `Content-Range` for one that ends before it starts or does not parse. The
    /// blob's `Content-Length` stays in place, so the connection ends before the announced length.
    GoServeContent,
}

/// How a registry answers a mount request (§"Mounting a blob from another repository").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mounts {
    /// The blob is mounted from the `from` repository when that has it (`201`); otherwise, and without `from`,
    /// `202` and a session, which the spec allows.
    FromSource,
    /// `from` is not read: `201` when the target repository already holds the blob, else `202` and a session
    /// (zot v2.1.19 `pkg/api/routes.go` `CreateBlobUpload`, which calls `CheckBlob` on the target; only with
    /// dedupe on does that find a blob in another repository, through the dedupe cache).
    InTarget,
    /// Never: every mount is answered as a plain POST (`202` and a session), which the spec allows.
    Never,
}

/// Which `Accept` a manifest GET or HEAD must send to be served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManifestAccept {
    /// Any that admits the stored type (`*/*`, `application/*`, the type itself), or none at all (RFC 9110
    /// §12.5.1: no `Accept` means any type).
    Negotiated,
    /// An OCI image manifest or index is served only when `Accept` names its media type itself (`*/*` does not
    /// count, and neither does no `Accept`); otherwise `404 MANIFEST_UNKNOWN` "OCI manifest found, but accept header
    /// does not support OCI manifests" ("OCI index found, but accept header does not support OCI indexes"), by tag
    /// and by digest, GET and HEAD alike (Distribution 2.8.2 `registry/handlers/manifests.go` `GetManifest`).
    /// Other types are served (Distribution's rewrite of a Docker schema 2 manifest to schema 1 for a client that
    /// does not accept it is not emulated).
    OciNamed,
}

/// Which digest a blob is stored and named by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlobDigests {
    /// The digest it was pushed with, whatever its algorithm (spec §"Pushing blobs": the registry verifies the
    /// given digest).
    AsPushed,
    /// Its `sha256` digest. An upload closed with another algorithm's digest is verified with that algorithm and
    /// stored under its `sha256` digest, the given digest kept as a second name for it; the closing `201`, and every
    /// GET and HEAD by either name, carry the `sha256` digest. A mount by a digest that is not `sha256` links the
    /// given name to content stored under no such name: `201` with that digest, then `500 UNKNOWN` to a GET or
    /// HEAD of it until it is deleted (Distribution 2.8.2 `registry/storage/blobwriter.go` `Commit`,
    /// `validateBlob`; `linkedblobstore.go` `mount`, `linkBlob`).
    Sha256Canonical,
}

/// A request kind a registry refuses ([`Refusal`]), matched after auth unless
/// [`ContentApi::refusals_before_auth`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// `DELETE /v2/<name>/manifests/<tag>`.
    TagDelete,
    /// `DELETE /v2/<name>/manifests/<digest>`.
    ManifestDelete,
    /// `DELETE /v2/<name>/blobs/<digest>`.
    BlobDelete,
    /// `GET <upload location>` (upload status).
    UploadStatus,
    /// `DELETE <upload location>` (cancel).
    UploadCancel,
    /// `GET`, `HEAD` or `DELETE` of a manifest in a repository that does not exist.
    ManifestInMissingRepository,
    /// `GET` or `HEAD` of a manifest by a reference that is neither a tag nor a digest.
    InvalidTag,
    /// `PUT` of a manifest by a `sha512:` digest.
    Sha512Manifest,
    /// `PUT` of a manifest by a reference that looks like a digest but is not a valid one.
    InvalidManifestDigest,
    /// `PUT` of a manifest with a layer that has `urls` (a non-distributable layer).
    ForeignLayer,
    /// A request to an upload session whose URL lacks the `_state` query the registry handed out
    /// ([`ContentApi::upload_state_query`]).
    UploadWithoutState,
}

/// A request kind and the answer the registry gives it instead of the spec's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    /// The request refused.
    pub request: Refused,
    /// What the registry answers it.
    pub answer: Canned,
}

/// The blob, upload, manifest and tag endpoints as a registry really serves them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContentApi {
    /// `POST /v2/<name>/blobs/uploads/?digest=` with the content stores the blob (§"Single POST": MAY); `false`:
    /// answered as a plain POST (`202` and a session, the content dropped), which the spec allows too.
    pub single_post: bool,
    /// Upload locations carry a `_state` query (Distribution's signed upload state), which comes back on each
    /// request to the session.
    pub upload_state_query: bool,
    /// How a `PATCH` chunk's `Content-Range` is treated.
    pub patch_range: ChunkRange,
    /// How the `Content-Range` of a final chunk carried by the closing `PUT` is treated.
    pub put_range: ChunkRange,
    /// The answer to an out-of-order chunk where it is [`ChunkRange::Checked`], instead of the spec's `416` with
    /// `Location` and `Range`.
    pub out_of_order: Option<Canned>,
    /// `Docker-Upload-UUID` on a cancelled upload's `204`.
    pub upload_uuid_on_cancel: bool,
    /// `OCI-Chunk-Min-Length` on the answers of an upload session (§"Pushing a blob in chunks": SHOULD, when the
    /// registry has a minimum).
    pub chunk_min_length: Option<&'static str>,
    /// `Range` on blob GETs is honoured (§"Pulling blobs": SHOULD, RFC 9110 §14); `false`: the whole blob, `200`.
    pub ranges: bool,
    /// How a `Range` the blob cannot satisfy is answered.
    pub range_refusal: RangeRefusal,
    /// Which digest a blob is stored and named by.
    pub blob_digests: BlobDigests,
    /// Which `Accept` a manifest read must send.
    pub manifest_accept: ManifestAccept,
    /// Which answers carry `Accept-Ranges: bytes`.
    pub accept_ranges: AcceptRanges,
    /// How `POST ?mount=<digest>&from=<name>` (and the anonymous `?mount=<digest>`) is answered.
    pub mounts: Mounts,
    /// Blobs are one store for every repository: a blob pushed anywhere is served from any repository (and a
    /// mount always finds its blob), and a DELETE in any repository removes it from all of them.
    pub global_blobs: bool,
    /// The empty JSON `{}` is served whether it was pushed or not, and still after a DELETE.
    pub empty_config_always: bool,
    /// `n` and `last` on the tags list are honoured (§"Listing Tags"); `false`: the whole list, no `Link`.
    pub tags_paging: bool,
    /// The tags list's `Link` puts `last` before `n`.
    pub tags_link_last_first: bool,
    /// The tags list of a repository that does not exist is `200` with an empty list, not `404 NAME_UNKNOWN`.
    pub tags_missing_repository_empty: bool,
    /// The status of a manifest PUT refused for a blob the registry lacks (`MANIFEST_BLOB_UNKNOWN`; the spec names
    /// the code, not the status, and the fake's is `400`).
    pub blob_unknown_status: u16,
    /// Requests refused with the registry's own answer.
    pub refusals: &'static [Refusal],
    /// The refusals are its router's (a method with no handler on a routed path) and come before auth is checked
    /// (`false`: after, as a handler's would).
    pub refusals_before_auth: bool,
}

impl ContentApi {
    /// The spec's behaviour.
    pub const SPEC: ContentApi = ContentApi {
        single_post: true,
        upload_state_query: false,
        patch_range: ChunkRange::Checked,
        put_range: ChunkRange::Checked,
        out_of_order: None,
        upload_uuid_on_cancel: false,
        chunk_min_length: None,
        ranges: true,
        range_refusal: RangeRefusal::Spec,
        blob_digests: BlobDigests::AsPushed,
        manifest_accept: ManifestAccept::Negotiated,
        accept_ranges: AcceptRanges {
            blob: true,
            partial: false,
            manifest: false,
        },
        mounts: Mounts::FromSource,
        global_blobs: false,
        empty_config_always: false,
        tags_paging: true,
        tags_link_last_first: false,
        tags_missing_repository_empty: false,
        blob_unknown_status: 400,
        refusals: &[],
        refusals_before_auth: false,
    };

    /// The registry's answer to `request`, if it refuses it.
    pub fn refusal(&self, request: Refused) -> Option<&Canned> {
        self.refusals
            .iter()
            .find(|r| r.request == request)
            .map(|r| &r.answer)
    }
}
