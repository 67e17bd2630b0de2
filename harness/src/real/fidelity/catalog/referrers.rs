//! The original thirteen probes (ids unchanged): the base ping, the probe content's manifests and referrers, the
//! tags list and the empty config blob. The content (`{repo}:{tag}`, an image, with an SBOM and a signature) is
//! pushed before the first probe; `push-with-subject` is the SBOM's own PUT.

use super::steps::{get, head, put};
use super::{Body, Probe};
use crate::real::push;

const MANIFEST_ACCEPT: &[(&str, &str)] = &[("accept", push::MANIFEST_ACCEPT)];
const INDEX_ACCEPT: &[(&str, &str)] = &[("accept", push::OCI_INDEX)];

pub(super) const PROBES: &[Probe] = &[
    Probe {
        id: "ping",
        spec: "#determining-support",
        steps: &[get("/v2/")],
    },
    Probe {
        id: "push-with-subject",
        spec: "#pushing-manifests-with-subject",
        steps: &[
            put("/v2/{repo}/manifests/{manifest}").body(Body::Referrer(0)),
            put("/v2/{repo}/manifests/{manifest}")
                .body(Body::Referrer(1))
                .quiet(),
        ],
    },
    Probe {
        id: "manifest-head",
        spec: "#checking-if-content-exists-in-the-registry",
        steps: &[head("/v2/{repo}/manifests/{tag}")
            .headers(MANIFEST_ACCEPT)
            .content()],
    },
    Probe {
        id: "manifest-get-tag",
        spec: "#pulling-manifests",
        steps: &[get("/v2/{repo}/manifests/{tag}")
            .headers(MANIFEST_ACCEPT)
            .content()],
    },
    Probe {
        id: "manifest-get-digest",
        spec: "#pulling-manifests",
        steps: &[get("/v2/{repo}/manifests/{subject}")
            .headers(MANIFEST_ACCEPT)
            .content()],
    },
    Probe {
        id: "manifest-missing",
        spec: "#pulling-manifests",
        steps: &[get("/v2/{repo}/manifests/no-such-tag").headers(MANIFEST_ACCEPT)],
    },
    Probe {
        id: "referrers",
        spec: "#listing-referrers",
        steps: &[get("/v2/{repo}/referrers/{subject}").headers(INDEX_ACCEPT)],
    },
    Probe {
        id: "referrers-filtered",
        spec: "#listing-referrers",
        steps: &[
            get("/v2/{repo}/referrers/{subject}?artifactType={sbom_type}").headers(INDEX_ACCEPT),
        ],
    },
    Probe {
        id: "referrers-invalid-digest",
        spec: "#listing-referrers",
        steps: &[get("/v2/{repo}/referrers/sha256:not-a-digest").headers(INDEX_ACCEPT)],
    },
    Probe {
        id: "referrers-missing-subject",
        spec: "#listing-referrers",
        steps: &[get("/v2/{repo}/referrers/{missing_blob}").headers(INDEX_ACCEPT)],
    },
    Probe {
        id: "referrers-missing-repository",
        spec: "#listing-referrers",
        steps: &[get("/v2/{missing_repo}/referrers/{subject}").headers(INDEX_ACCEPT)],
    },
    Probe {
        id: "tags-list",
        spec: "#listing-tags",
        steps: &[get("/v2/{repo}/tags/list")],
    },
    Probe {
        id: "blob-head",
        spec: "#checking-if-content-exists-in-the-registry",
        steps: &[head("/v2/{repo}/blobs/{empty_blob}").content()],
    },
];
