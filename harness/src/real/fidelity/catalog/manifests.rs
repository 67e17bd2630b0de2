//! Manifest pushes of every shape (§"Pushing Manifests": by tag and by digest, unknown fields, embedded `data`,
//! non-distributable layers, no layers, a missing layer, sha512, a digest that does not match, an index of indexes,
//! bytes that are not JSON), each read back where it was accepted; and tag listing with `n` and `last`
//! (§"Listing Tags").

use super::steps::{PUSH_BLOBS, get, head, put};
use super::{Body, ManifestKind, Probe, Step};

const ACCEPT: &[(&str, &str)] = &[("accept", crate::real::push::MANIFEST_ACCEPT)];

/// `PUT` of `kind` under the probe's tag, then a GET of it by digest.
const fn pushed(kind: ManifestKind) -> [Step; 3] {
    [
        PUSH_BLOBS,
        put("/v2/{repo}/manifests/{probe_tag}")
            .body(Body::Manifest(kind))
            .named("put"),
        get("/v2/{repo}/manifests/{manifest}")
            .headers(ACCEPT)
            .named("get")
            .content(),
    ]
}

const CUSTOM_FIELD: [Step; 3] = pushed(ManifestKind::CustomField);
const DATA_FIELD: [Step; 3] = pushed(ManifestKind::DataField);
const NON_DISTRIBUTABLE: [Step; 3] = pushed(ManifestKind::NonDistributable);
const NO_LAYERS: [Step; 3] = pushed(ManifestKind::NoLayers);
const MISSING_LAYER: [Step; 3] = pushed(ManifestKind::MissingLayer);

pub(super) const PROBES: &[Probe] = &[
    Probe {
        id: "manifest-put-tag",
        spec: "#pushing-manifests",
        steps: &[
            PUSH_BLOBS,
            put("/v2/{repo}/manifests/{probe_tag}")
                .body(Body::Manifest(ManifestKind::Image))
                .named("put"),
            get("/v2/{repo}/manifests/{probe_tag}")
                .headers(ACCEPT)
                .named("get")
                .content(),
        ],
    },
    Probe {
        id: "manifest-put-digest",
        spec: "#pushing-manifests",
        steps: &[
            PUSH_BLOBS,
            put("/v2/{repo}/manifests/{manifest}")
                .body(Body::Manifest(ManifestKind::Image))
                .named("put"),
            get("/v2/{repo}/manifests/{manifest}")
                .headers(ACCEPT)
                .named("get")
                .content(),
        ],
    },
    Probe {
        id: "manifest-head-digest",
        spec: "#checking-if-content-exists-in-the-registry",
        steps: &[head("/v2/{repo}/manifests/{subject}")
            .headers(ACCEPT)
            .content()],
    },
    Probe {
        id: "manifest-custom-field",
        spec: "#pushing-manifests",
        steps: &CUSTOM_FIELD,
    },
    Probe {
        id: "manifest-data-field",
        spec: "#pushing-manifests",
        steps: &DATA_FIELD,
    },
    Probe {
        id: "manifest-non-distributable",
        spec: "#pushing-manifests",
        steps: &NON_DISTRIBUTABLE,
    },
    Probe {
        id: "manifest-no-layers",
        spec: "#pushing-manifests",
        steps: &NO_LAYERS,
    },
    Probe {
        id: "manifest-missing-layer",
        spec: "#push",
        steps: &MISSING_LAYER,
    },
    Probe {
        id: "manifest-sha512",
        spec: "#pushing-manifests",
        steps: &[
            PUSH_BLOBS,
            put("/v2/{repo}/manifests/{manifest512}")
                .body(Body::Manifest(ManifestKind::Image))
                .named("put"),
            get("/v2/{repo}/manifests/{manifest512}")
                .headers(ACCEPT)
                .named("get")
                .content(),
        ],
    },
    Probe {
        id: "manifest-digest-mismatch",
        spec: "#pushing-manifests",
        steps: &[
            PUSH_BLOBS,
            put("/v2/{repo}/manifests/{missing_blob}").body(Body::Manifest(ManifestKind::Image)),
        ],
    },
    Probe {
        id: "manifest-invalid-digest",
        spec: "#pushing-manifests",
        steps: &[
            PUSH_BLOBS,
            put("/v2/{repo}/manifests/sha256:not-a-digest")
                .body(Body::Manifest(ManifestKind::Image)),
        ],
    },
    Probe {
        id: "manifest-not-json",
        spec: "#pushing-manifests",
        steps: &[
            put("/v2/{repo}/manifests/{probe_tag}").body(Body::Manifest(ManifestKind::NotJson))
        ],
    },
    Probe {
        id: "manifest-index-of-indexes",
        spec: "#pushing-manifests",
        steps: &[
            PUSH_BLOBS,
            put("/v2/{repo}/manifests/{image}")
                .body(Body::Manifest(ManifestKind::Image))
                .quiet(),
            put("/v2/{repo}/manifests/{index}")
                .body(Body::Manifest(ManifestKind::Index))
                .named("put-index"),
            put("/v2/{repo}/manifests/{probe_tag}")
                .body(Body::Manifest(ManifestKind::IndexOfIndexes))
                .named("put"),
            get("/v2/{repo}/manifests/{probe_tag}")
                .headers(ACCEPT)
                .named("get")
                .content(),
        ],
    },
    Probe {
        id: "manifest-missing-repository",
        spec: "#pulling-manifests",
        steps: &[get("/v2/{missing_repo}/manifests/{tag}").headers(ACCEPT)],
    },
    Probe {
        id: "manifest-invalid-tag",
        spec: "#pulling-manifests",
        steps: &[get("/v2/{repo}/manifests/-not-a-tag").headers(ACCEPT)],
    },
    Probe {
        id: "tags-list-n",
        spec: "#listing-tags",
        steps: &[get("/v2/{repo}/tags/list?n=2")],
    },
    Probe {
        id: "tags-list-last",
        spec: "#listing-tags",
        steps: &[get("/v2/{repo}/tags/list?n=2&last={probe_tag}")],
    },
    Probe {
        id: "tags-list-last-only",
        spec: "#listing-tags",
        steps: &[get("/v2/{repo}/tags/list?last={tag}")],
    },
    Probe {
        id: "tags-list-n-zero",
        spec: "#listing-tags",
        steps: &[get("/v2/{repo}/tags/list?n=0")],
    },
    Probe {
        id: "tags-list-missing-repository",
        spec: "#listing-tags",
        steps: &[get("/v2/{missing_repo}/tags/list")],
    },
    Probe {
        id: "referrers-filter-no-match",
        spec: "#listing-referrers",
        steps: &[
            get("/v2/{repo}/referrers/{subject}?artifactType=application%2Fx-none")
                .headers(&[("accept", crate::real::push::OCI_INDEX)]),
        ],
    },
];
