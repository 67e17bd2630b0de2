//! Blob uploads in every flavour the spec defines (§"Pushing blobs": single POST, POST then PUT, chunks, the final
//! chunk in the closing PUT, an out-of-order chunk, upload status, cancel) and mounts (§"Mounting a blob from
//! another repository": with `from`, without, from a source that lacks the blob), with a `sha512` digest too
//! (§"Pushing blobs": the digest's algorithm is the client's; image-spec descriptor.md registers `sha512`). Each
//! upload ends with a GET of the blob, so what the registry stored is compared too.

use super::steps::{PUSH_BLOBS, at_location, delete, get, head, post};
use super::{Body, Probe, Step, Verb};

const OCTETS: &[(&str, &str)] = &[("content-type", "application/octet-stream")];
const FIRST_CHUNK: &[(&str, &str)] = &[
    ("content-type", "application/octet-stream"),
    ("content-range", "0-{head_last}"),
];
const SECOND_CHUNK: &[(&str, &str)] = &[
    ("content-type", "application/octet-stream"),
    ("content-range", "{tail_first}-{blob_last}"),
];
/// The second chunk claimed to start one byte late: out of order (§"Pushing a blob in chunks": MUST be 416).
const GAP_CHUNK: &[(&str, &str)] = &[
    ("content-type", "application/octet-stream"),
    ("content-range", "{blob_len}-{blob_len}"),
];

/// Opens an upload session (preparation).
const OPEN_SESSION: Step = post("/v2/{repo}/blobs/uploads/").quiet();
/// Sends the first half of the probe's blob to the session (preparation).
const FIRST_HALF: Step = at_location(Verb::Patch, "")
    .headers(FIRST_CHUNK)
    .body(Body::Head)
    .quiet();

/// The stored blob, read back.
const GET_BLOB: Step = get("/v2/{repo}/blobs/{blob}").named("get").content();

pub(super) const PROBES: &[Probe] = &[
    Probe {
        id: "upload-single-post",
        spec: "#single-post",
        steps: &[
            post("/v2/{repo}/blobs/uploads/?digest={blob}")
                .headers(OCTETS)
                .body(Body::Blob)
                .named("post"),
            GET_BLOB,
        ],
    },
    Probe {
        id: "upload-post-put",
        spec: "#post-then-put",
        steps: &[
            post("/v2/{repo}/blobs/uploads/").named("post"),
            at_location(Verb::Put, "digest={blob}")
                .headers(OCTETS)
                .body(Body::Blob)
                .named("put"),
            GET_BLOB,
        ],
    },
    Probe {
        id: "upload-chunked",
        spec: "#pushing-a-blob-in-chunks",
        steps: &[
            post("/v2/{repo}/blobs/uploads/").named("post"),
            at_location(Verb::Patch, "")
                .headers(FIRST_CHUNK)
                .body(Body::Head)
                .named("patch-1"),
            at_location(Verb::Patch, "")
                .headers(SECOND_CHUNK)
                .body(Body::Tail)
                .named("patch-2"),
            at_location(Verb::Put, "digest={blob}").named("put"),
            GET_BLOB,
        ],
    },
    Probe {
        id: "upload-streamed",
        spec: "#pushing-a-blob-in-chunks",
        steps: &[
            OPEN_SESSION,
            at_location(Verb::Patch, "")
                .headers(OCTETS)
                .body(Body::Blob)
                .named("patch"),
            at_location(Verb::Put, "digest={blob}").named("put"),
            GET_BLOB,
        ],
    },
    Probe {
        id: "upload-final-chunk-in-put",
        spec: "#pushing-a-blob-in-chunks",
        steps: &[
            OPEN_SESSION,
            FIRST_HALF,
            at_location(Verb::Put, "digest={blob}")
                .headers(SECOND_CHUNK)
                .body(Body::Tail)
                .named("put"),
            GET_BLOB,
        ],
    },
    Probe {
        id: "upload-out-of-order-patch",
        spec: "#pushing-a-blob-in-chunks",
        steps: &[
            OPEN_SESSION,
            FIRST_HALF,
            at_location(Verb::Patch, "")
                .headers(GAP_CHUNK)
                .body(Body::Tail)
                .named("patch"),
            at_location(Verb::Get, "").named("status"),
        ],
    },
    Probe {
        id: "upload-out-of-order-put",
        spec: "#pushing-a-blob-in-chunks",
        steps: &[
            OPEN_SESSION,
            FIRST_HALF,
            at_location(Verb::Put, "digest={blob}")
                .headers(GAP_CHUNK)
                .body(Body::Tail)
                .named("put"),
            at_location(Verb::Get, "").named("status"),
        ],
    },
    Probe {
        id: "upload-status",
        spec: "#pushing-a-blob-in-chunks",
        steps: &[
            OPEN_SESSION,
            FIRST_HALF,
            at_location(Verb::Get, "").named("status"),
        ],
    },
    Probe {
        id: "upload-cancel",
        spec: "#cancel-a-blob-upload",
        steps: &[
            OPEN_SESSION,
            at_location(Verb::Delete, "").named("delete"),
            at_location(Verb::Get, "").named("status"),
        ],
    },
    Probe {
        id: "upload-digest-mismatch",
        spec: "#pushing-blobs",
        steps: &[
            OPEN_SESSION,
            at_location(Verb::Put, "digest={missing_blob}")
                .headers(OCTETS)
                .body(Body::Blob)
                .named("put"),
        ],
    },
    Probe {
        id: "upload-invalid-digest",
        spec: "#pushing-blobs",
        steps: &[
            OPEN_SESSION,
            at_location(Verb::Put, "digest=sha256:not-a-digest")
                .headers(OCTETS)
                .body(Body::Blob)
                .named("put"),
        ],
    },
    Probe {
        id: "upload-unknown-session",
        spec: "#pushing-a-blob-in-chunks",
        steps: &[get(
            "/v2/{repo}/blobs/uploads/00000000-0000-4000-8000-000000000000",
        )],
    },
    Probe {
        id: "mount-cross-repository",
        spec: "#mounting-a-blob-from-another-repository",
        steps: &[
            PUSH_BLOBS,
            post("/v2/{mount_repo}/blobs/uploads/?mount={blob}&from={repo}").named("post"),
            get("/v2/{mount_repo}/blobs/{blob}").named("get").content(),
        ],
    },
    Probe {
        id: "mount-without-from",
        spec: "#mounting-a-blob-from-another-repository",
        steps: &[
            PUSH_BLOBS,
            post("/v2/{mount_repo}/blobs/uploads/?mount={blob}").named("post"),
            get("/v2/{mount_repo}/blobs/{blob}").named("get").content(),
        ],
    },
    Probe {
        id: "mount-missing-source",
        spec: "#mounting-a-blob-from-another-repository",
        steps: &[post(
            "/v2/{mount_repo}/blobs/uploads/?mount={missing_blob}&from={repo}",
        )],
    },
    Probe {
        id: "upload-sha512",
        spec: "#pushing-blobs",
        steps: &[
            post("/v2/{repo}/blobs/uploads/").named("post"),
            at_location(Verb::Put, "digest={blob512}")
                .headers(OCTETS)
                .body(Body::Blob)
                .named("put"),
            head("/v2/{repo}/blobs/{blob512}").named("head"),
            GET_BLOB,
            delete("/v2/{repo}/blobs/{blob512}").named("delete"),
            get("/v2/{repo}/blobs/{blob}")
                .named("get-after-delete")
                .content(),
        ],
    },
    Probe {
        id: "mount-sha512",
        spec: "#mounting-a-blob-from-another-repository",
        steps: &[
            OPEN_SESSION,
            at_location(Verb::Put, "digest={blob512}")
                .headers(OCTETS)
                .body(Body::Blob)
                .quiet(),
            post("/v2/{mount_repo}/blobs/uploads/?mount={blob512}&from={repo}").named("post"),
            get("/v2/{mount_repo}/blobs/{blob512}").named("get"),
        ],
    },
];
