//! CNCF Distribution (`registry:2`), and its token-auth 401 bodies that Harbor and Docker Hub send too.

use super::spec::{FACT_API_VERSION, FACT_NO_API_STORAGE, JSON, NO_API, OPEN_BEARER, PLAIN};
use crate::profile::bodies::DISTRIBUTION_NOT_FOUND;
use crate::profile::canned::Canned;
use crate::profile::model::{Auth, Behaviour, Confidence::*, Declared, Fact, ProfileDef, Scheme};
use crate::profile::{
    AcceptRanges, BlobDigests, ChunkRange, ContentApi, ManifestAccept, RangeRefusal, Refusal,
    Refused,
};

/// Where the blob, upload, manifest and tag facts below come from: Distribution 2.8.2 (Debian `docker-registry`)
/// answering the fidelity probe set (`harness::real::fidelity::catalog`), read off the wire.
const MEASURED: &str = "measured on Distribution 2.8.2 (Debian docker-registry) by the fidelity probe set (harness/src/real/fidelity/catalog)";

const fn error(status: u16, body: &'static str) -> Canned {
    Canned {
        status,
        content_type: JSON,
        body,
        headers: &[],
    }
}

/// Distribution 2.8.2's blob, upload, manifest and tag endpoints, as measured ([`MEASURED`]).
const DISTRIBUTION_CONTENT: ContentApi = ContentApi {
    single_post: false,
    upload_state_query: true,
    patch_range: ChunkRange::Ignored,
    put_range: ChunkRange::Ignored,
    upload_uuid_on_cancel: true,
    // `registry/storage/blobserver.go` `ServeBlob` sets the blob's headers, then Go's `http.ServeContent` refuses
    // the range (Go `net/http/fs.go`).
    range_refusal: RangeRefusal::GoServeContent,
    blob_digests: BlobDigests::Sha256Canonical,
    manifest_accept: ManifestAccept::OciNamed,
    accept_ranges: AcceptRanges {
        blob: true,
        partial: true,
        manifest: false,
    },
    tags_paging: false,
    refusals: &[
        Refusal {
            request: Refused::TagDelete,
            answer: error(
                400,
                r#"{"errors":[{"code":"DIGEST_INVALID","message":"provided digest did not match uploaded content"}]}"#,
            ),
        },
        Refusal {
            request: Refused::ManifestInMissingRepository,
            answer: error(
                404,
                r#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}"#,
            ),
        },
        Refusal {
            request: Refused::InvalidTag,
            answer: Canned {
                status: 404,
                content_type: PLAIN,
                body: DISTRIBUTION_NOT_FOUND,
                headers: &[("x-content-type-options", "nosniff")],
            },
        },
        Refusal {
            request: Refused::Sha512Manifest,
            answer: error(
                400,
                r#"{"errors":[{"code":"DIGEST_INVALID","message":"provided digest did not match uploaded content"}]}"#,
            ),
        },
        Refusal {
            request: Refused::InvalidManifestDigest,
            answer: error(
                500,
                r#"{"errors":[{"code":"UNKNOWN","message":"unknown error"}]}"#,
            ),
        },
        Refusal {
            request: Refused::ForeignLayer,
            answer: error(
                500,
                r#"{"errors":[{"code":"UNKNOWN","message":"unknown error"},{"code":"UNKNOWN","message":"unknown error"},{"code":"MANIFEST_BLOB_UNKNOWN","message":"blob unknown to registry"}]}"#,
            ),
        },
        Refusal {
            request: Refused::UploadWithoutState,
            answer: error(
                404,
                r#"{"errors":[{"code":"BLOB_UPLOAD_INVALID","message":"blob upload invalid"}]}"#,
            ),
        },
    ],
    ..ContentApi::SPEC
};

pub(crate) static DISTRIBUTION_2_8: ProfileDef = ProfileDef {
    name: "distribution-2.8",
    summary: "CNCF Distribution 2.8/3.x (registry:2): no referrers API, 404 text/plain `404 page not found`",
    emulates: "distribution/distribution 2.8.x, 3.0-3.1",
    synthetic: false,
    declared: Declared {
        referrers_api: false,
        check_verdict: "warn",
        referrers_status_unsupported: Some(404),
        filter: None,
        paging: None,
        auth_scheme: "basic",
        rate_limit: "none",
    },
    facts: &[
        Fact {
            topic: "referrers",
            claim: "no referrers route: 404, Content-Type text/plain; charset=utf-8, body `404 page not found\\n`",
            source: "distribution/distribution registry/handlers/app.go (v2.8.3, v3.1.1); measured on 2.8.2",
            confidence: High,
        },
        Fact {
            topic: "auth",
            claim: "htpasswd: `Basic realm=...` (realm `Registry Realm` from the sample config)",
            source: "distribution/distribution docs configuration.md (auth.htpasswd)",
            confidence: Medium,
        },
        Fact {
            topic: "rate-limit",
            claim: "no rate limiting",
            source: "distribution/distribution source at v2.8.3 and v3.1.1: no rate limiter (TOOMANYREQUESTS is only a registered error code, registry/api/errcode/register.go)",
            confidence: High,
        },
        FACT_API_VERSION,
        FACT_NO_API_STORAGE,
        Fact {
            topic: "uploads",
            claim: "no single-POST upload (POST ?digest= with the content answers 202 and a session, the content dropped); upload Locations carry a _state query; a chunk's Content-Range is not checked (an out-of-order PATCH is appended, 202); Docker-Upload-UUID also on a cancel's 204; a session URL without its _state is 404 BLOB_UPLOAD_INVALID (with it, an unknown session is BLOB_UPLOAD_UNKNOWN)",
            source: MEASURED,
            confidence: High,
        },
        Fact {
            topic: "blobs",
            claim: "ranges served, the suffix form too, with Accept-Ranges on 200 and 206; an unsatisfiable range is 416 text/plain with the blob's Docker-Content-Digest and the blob's Content-Length, so the connection ends short: Go's http.Error after blobserver.go set the blob's length; Content-Range only for a range starting past the end (Go net/http/fs.go parseRange: 'failed to overlap'), none for one that ends before it starts ('invalid range')",
            source: MEASURED,
            confidence: High,
        },
        Fact {
            topic: "digests",
            claim: "a blob is stored under its sha256 digest: an upload closed with a sha512 digest is verified with sha512 (a mismatch is 400 DIGEST_INVALID) and answered 201 with the sha256 digest in Docker-Content-Digest and Location; GET and HEAD by either digest answer with the sha256 one; deleting one name leaves the other; a mount by a sha512 digest is 201 naming it, then GET and HEAD of it in the target are 500 UNKNOWN until it is deleted",
            source: "measured on Distribution 2.8.2 (Debian docker-registry); distribution v2.8.2 registry/storage/blobwriter.go Commit and validateBlob (canonical digest, aliases linked), linkedblobstore.go mount (links the given digest, not the canonical one)",
            confidence: High,
        },
        Fact {
            topic: "accept",
            claim: "an OCI manifest or index is served only when Accept names its media type: without it (no Accept, */*, another type) GET and HEAD are 404 MANIFEST_UNKNOWN 'OCI manifest found, but accept header does not support OCI manifests' (or 'OCI index found, …'), by tag and by digest; a Docker schema 2 manifest fetched by tag without its type is rewritten to schema 1 (not emulated)",
            source: "measured on Distribution 2.8.2 (Debian docker-registry); distribution v2.8.2 registry/handlers/manifests.go GetManifest",
            confidence: High,
        },
        Fact {
            topic: "manifests",
            claim: "DELETE by tag is 400 DIGEST_INVALID; a manifest in a repository that does not exist is 404 MANIFEST_UNKNOWN; a reference that is not a tag falls through to the router's 404; PUT by a sha512 digest is 400 DIGEST_INVALID, by an invalid digest 500 UNKNOWN; a non-distributable layer is 500 (UNKNOWN, UNKNOWN, MANIFEST_BLOB_UNKNOWN)",
            source: MEASURED,
            confidence: High,
        },
        Fact {
            topic: "tags",
            claim: "tags/list ignores n and last: the whole list, no Link (pagination came with Distribution 3)",
            source: MEASURED,
            confidence: High,
        },
        Fact {
            topic: "headers",
            claim: "JSON answers (`/v2/`, errors such as MANIFEST_UNKNOWN, tags/list) carry Content-Type `application/json; charset=utf-8`",
            source: "measured on Distribution 2.8.2 (Debian docker-registry) by the fidelity probes (harness::real::fidelity)",
            confidence: High,
        },
    ],
    behaviour: Behaviour {
        auth: Auth {
            scheme: Scheme::Basic {
                word: "Basic",
                realm: Some("Registry Realm"),
                service: None,
            },
            ..OPEN_BEARER
        },
        json_charset: true,
        content: DISTRIBUTION_CONTENT,
        ..NO_API
    },
};

/// Distribution's token-auth 401 body (Docker Hub, Harbor): the denied access in `detail`.
pub(super) const UNAUTHORIZED_WITH_ACCESS: Canned = Canned {
    status: 401,
    content_type: JSON,
    body: "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\",\"detail\":[{\"Type\":\"repository\",\"Class\":\"\",\"Name\":\"{repo}\",\"Action\":\"{action}\"}]}]}\n",
    headers: &[],
};
pub(super) const UNAUTHORIZED_NO_ACCESS: Canned = Canned {
    status: 401,
    content_type: JSON,
    body: "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\",\"detail\":null}]}\n",
    headers: &[],
};
