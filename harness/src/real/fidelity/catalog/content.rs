//! Reading blobs (§"Pulling blobs": GET, HEAD, every `Range` form of RFC 9110 §14) and deleting blobs,
//! manifests and tags (§"Deleting blobs", §"Deleting Manifests", §"Deleting tags"; a registry where deletion is
//! disabled MUST answer 400 or 405, which is then its own answer here).

use super::steps::{PUSH_BLOBS, at_location, delete, get, head, post, put};
use super::{Body, ManifestKind, Probe, Step, Verb};

/// The probe's blob read with one `Range` header.
const fn ranged(range: &'static [(&'static str, &'static str)]) -> [Step; 2] {
    [
        PUSH_BLOBS,
        get("/v2/{repo}/blobs/{blob}").headers(range).content(),
    ]
}

const RANGE_FIRST: [Step; 2] = ranged(&[("range", "bytes=0-9")]);
const RANGE_OPEN: [Step; 2] = ranged(&[("range", "bytes=10-")]);
const RANGE_SUFFIX: [Step; 2] = ranged(&[("range", "bytes=-5")]);
const RANGE_BEYOND: [Step; 2] = ranged(&[("range", "bytes=1000-2000")]);
/// Ends before it starts: unsatisfiable, but not for lying past the end (Go's `parseRange` tells them apart).
const RANGE_BACKWARDS: [Step; 2] = ranged(&[("range", "bytes=10-0")]);

/// Pushes the probe's image manifest under the probe's own tag (preparation).
const PUT_IMAGE: Step = put("/v2/{repo}/manifests/{probe_tag}")
    .body(Body::Manifest(ManifestKind::Image))
    .named("put");

pub(super) const PROBES: &[Probe] = &[
    Probe {
        id: "blob-get",
        spec: "#pulling-blobs",
        steps: &[PUSH_BLOBS, get("/v2/{repo}/blobs/{blob}").content()],
    },
    Probe {
        id: "blob-head-pushed",
        spec: "#checking-if-content-exists-in-the-registry",
        steps: &[PUSH_BLOBS, head("/v2/{repo}/blobs/{blob}").content()],
    },
    Probe {
        id: "blob-missing",
        spec: "#pulling-blobs",
        steps: &[get("/v2/{repo}/blobs/{missing_blob}")],
    },
    Probe {
        id: "blob-head-missing",
        spec: "#checking-if-content-exists-in-the-registry",
        steps: &[head("/v2/{repo}/blobs/{missing_blob}")],
    },
    Probe {
        id: "blob-missing-repository",
        spec: "#pulling-blobs",
        steps: &[get("/v2/{missing_repo}/blobs/{empty_blob}")],
    },
    Probe {
        id: "blob-invalid-digest",
        spec: "#pulling-blobs",
        steps: &[get("/v2/{repo}/blobs/sha256:not-a-digest")],
    },
    Probe {
        id: "blob-range",
        spec: "#pulling-blobs",
        steps: &RANGE_FIRST,
    },
    Probe {
        id: "blob-range-open",
        spec: "#pulling-blobs",
        steps: &RANGE_OPEN,
    },
    Probe {
        id: "blob-range-suffix",
        spec: "#pulling-blobs",
        steps: &RANGE_SUFFIX,
    },
    Probe {
        id: "blob-range-unsatisfiable",
        spec: "#pulling-blobs",
        steps: &RANGE_BEYOND,
    },
    Probe {
        id: "blob-range-backwards",
        spec: "#pulling-blobs",
        steps: &RANGE_BACKWARDS,
    },
    Probe {
        id: "blob-delete",
        spec: "#deleting-blobs",
        steps: &[
            PUSH_BLOBS,
            delete("/v2/{repo}/blobs/{blob}").named("delete"),
            get("/v2/{repo}/blobs/{blob}").named("get"),
        ],
    },
    Probe {
        // Is the blob store the repository's or the registry's? Read in a repository never pushed to, before and
        // after a DELETE in the one it was pushed to.
        id: "blob-delete-elsewhere",
        spec: "#deleting-blobs",
        steps: &[
            PUSH_BLOBS,
            head("/v2/{mount_repo}/blobs/{blob}").named("head-before"),
            delete("/v2/{repo}/blobs/{blob}").named("delete"),
            head("/v2/{mount_repo}/blobs/{blob}").named("head-after"),
        ],
    },
    Probe {
        id: "blob-delete-missing",
        spec: "#deleting-blobs",
        steps: &[delete("/v2/{repo}/blobs/{missing_blob}")],
    },
    Probe {
        id: "blob-delete-empty-config",
        spec: "#deleting-blobs",
        steps: &[
            get("/v2/{mount_repo}/blobs/{empty_blob}").named("before"),
            post("/v2/{mount_repo}/blobs/uploads/").quiet(),
            at_location(Verb::Put, "digest={empty_blob}")
                .headers(&[("content-type", "application/octet-stream")])
                .body(Body::EmptyConfig)
                .quiet(),
            delete("/v2/{mount_repo}/blobs/{empty_blob}").named("delete"),
            get("/v2/{mount_repo}/blobs/{empty_blob}").named("after"),
        ],
    },
    Probe {
        id: "manifest-delete-digest",
        spec: "#deleting-manifests",
        steps: &[
            PUSH_BLOBS,
            PUT_IMAGE,
            delete("/v2/{repo}/manifests/{image}").named("delete"),
            get("/v2/{repo}/manifests/{image}").named("get-digest"),
            get("/v2/{repo}/manifests/{probe_tag}").named("get-tag"),
        ],
    },
    Probe {
        id: "manifest-delete-tag",
        spec: "#deleting-tags",
        steps: &[
            PUSH_BLOBS,
            PUT_IMAGE,
            delete("/v2/{repo}/manifests/{probe_tag}").named("delete"),
            get("/v2/{repo}/manifests/{probe_tag}").named("get-tag"),
            get("/v2/{repo}/manifests/{image}").named("get-digest"),
        ],
    },
    Probe {
        id: "manifest-delete-missing",
        spec: "#deleting-manifests",
        steps: &[delete("/v2/{repo}/manifests/{missing_blob}")],
    },
    Probe {
        id: "manifest-delete-missing-repository",
        spec: "#deleting-manifests",
        steps: &[delete("/v2/{missing_repo}/manifests/{missing_blob}")],
    },
];
