//! The blob, upload, manifest and tag endpoints: the spec path (`oci-1.1`, one regression test per generic defect
//! fixed) and the vendor departures the profiles declare (`ContentApi`), each read off the wire.

use fake_registry::{FakeRegistry, Profile};

use crate::util::*;

fn start(p: Profile) -> FakeRegistry {
    FakeRegistry::builder().profile(p).start().unwrap()
}

/// Regression: the empty JSON `{}` was "always present", so a DELETE did not remove it and a repository that never
/// received it served it. Now it is a blob like any other.
#[test]
fn the_empty_config_is_served_only_when_stored_and_a_delete_removes_it() {
    let r = start(Profile::OCI_1_1);
    let blob = |repo: &str| get(&r.url(&format!("/v2/{repo}/blobs/{EMPTY_DIGEST}")));
    assert_eq!(blob("e/never").status, 404, "never pushed");
    push_empty_config(&r.base_url(), "e/here");
    assert_eq!(blob("e/here").status, 200);
    assert_eq!(blob("e/here").text(), "{}");
    let d = send(
        "DELETE",
        &r.url(&format!("/v2/e/here/blobs/{EMPTY_DIGEST}")),
        &[],
        b"",
    );
    assert_eq!(d.status, 202);
    assert_eq!(blob("e/here").status, 404, "deleted");
}

/// Regression: a suffix range (`bytes=-N`, RFC 9110 §14.1.2) was answered 416; it is the last N bytes.
#[test]
fn a_suffix_range_gets_the_last_bytes() {
    let r = start(Profile::OCI_1_1);
    let d = push_blob(&r.base_url(), "rng/x", b"0123456789");
    let url = r.url(&format!("/v2/rng/x/blobs/{d}"));
    let a = send("GET", &url, &[("Range", "bytes=-3")], b"");
    assert_eq!(a.status, 206);
    assert_eq!(a.text(), "789");
    assert_eq!(a.header("content-range"), Some("bytes 7-9/10"));
    let all = send("GET", &url, &[("Range", "bytes=-500")], b"");
    assert_eq!((all.status, all.text().as_str()), (206, "0123456789"));
    assert_eq!(
        send("GET", &url, &[("Range", "bytes=20-30")], b"").status,
        416
    );
}

/// Regression: an out-of-order final chunk in the closing PUT was appended and failed the digest (400
/// DIGEST_INVALID, the bad chunk kept); the spec wants 416, and the session keeps only what it had, so the client
/// can ask for the status and resume.
#[test]
fn an_out_of_order_final_chunk_is_416_and_the_session_resumes() {
    let r = start(Profile::OCI_1_1);
    let data = b"abcdefghij";
    let digest = sha256(data);
    let loc = open_session(&r, "ooo/x");
    let patch = send(
        "PATCH",
        &loc,
        &[
            ("Content-Type", "application/octet-stream"),
            ("Content-Range", "0-4"),
        ],
        &data[..5],
    );
    assert_eq!(patch.status, 202);
    let put = send(
        "PUT",
        &with_query(&loc, &format!("digest={digest}")),
        &[
            ("Content-Type", "application/octet-stream"),
            ("Content-Range", "6-9"),
        ],
        &data[6..],
    );
    assert_eq!(put.status, 416, "{}", put.text());
    let status = get(&loc);
    assert_eq!((status.status, status.header("range")), (204, Some("0-4")));
    let put = send(
        "PUT",
        &with_query(&loc, &format!("digest={digest}")),
        &[
            ("Content-Type", "application/octet-stream"),
            ("Content-Range", "5-9"),
        ],
        &data[5..],
    );
    assert_eq!(put.status, 201, "{}", put.text());
    assert_eq!(
        get(&r.url(&format!("/v2/ooo/x/blobs/{digest}"))).text(),
        "abcdefghij"
    );
}

/// Regression: `oci-1.1` answered the referrers of a repository that does not exist with 404 NAME_UNKNOWN; a
/// registry that supports the API MUST NOT answer 404 (spec §"Listing Referrers"): an empty index.
#[test]
fn the_spec_profile_lists_no_referrers_for_a_missing_repository() {
    let r = start(Profile::OCI_1_1);
    let a = get(&r.url(&format!("/v2/never/pushed/referrers/{}", sha256(b"s"))));
    assert_eq!(a.status, 200, "{}", a.text());
    assert_eq!(
        a.header("content-type"),
        Some("application/vnd.oci.image.index.v1+json")
    );
    assert_eq!(a.json()["manifests"], serde_json::json!([]));
}

/// Distribution 2.8.2: no single POST (a session instead), `_state` on upload Locations, chunks appended whatever
/// their Content-Range, DELETE by tag refused, tags/list unpaged.
#[test]
fn distribution_keeps_its_own_upload_and_tag_answers() {
    let r = start(Profile::DISTRIBUTION_2_8);
    let d = sha256(b"x");
    let post = send(
        "POST",
        &r.url(&format!("/v2/d/x/blobs/uploads/?digest={d}")),
        &[("Content-Type", "application/octet-stream")],
        b"x",
    );
    assert_eq!(post.status, 202, "no single POST");
    assert!(post.header("location").unwrap().contains("?_state="));
    let loc = open_session(&r, "d/x");
    let patch = send("PATCH", &loc, &[("Content-Range", "7-7")], b"x");
    assert_eq!(
        (patch.status, patch.header("range")),
        (202, Some("0-0")),
        "range ignored"
    );
    let (_, _) = push_image(&r.base_url(), "d/x", "t1");
    push_image(&r.base_url(), "d/x", "t2");
    let del = send("DELETE", &r.url("/v2/d/x/manifests/t1"), &[], b"");
    assert_eq!(del.status, 400);
    assert_eq!(del.json()["errors"][0]["code"], "DIGEST_INVALID");
    let tags = get(&r.url("/v2/d/x/tags/list?n=1"));
    assert_eq!(
        tags.json()["tags"].as_array().map(Vec::len),
        Some(2),
        "n ignored"
    );
    assert!(tags.header("link").is_none());
}

/// ferro-oci-server 1.0.0: one blob store (served from any repository, `{}` always), no ranges, no mounts, DELETE
/// by tag 405, OCI-Chunk-Min-Length on session answers.
#[test]
fn ferro_keeps_its_own_blob_and_tag_answers() {
    let r = start(Profile::FERRO_OCI_SERVER_1_0);
    let d = push_blob(&r.base_url(), "f/a", b"0123456789");
    let other = send(
        "GET",
        &r.url(&format!("/v2/f/b/blobs/{d}")),
        &[("Range", "bytes=0-1")],
        b"",
    );
    assert_eq!((other.status, other.text().as_str()), (200, "0123456789"));
    assert!(other.header("accept-ranges").is_none());
    assert_eq!(
        get(&r.url(&format!("/v2/f/none/blobs/{EMPTY_DIGEST}"))).status,
        200
    );
    let mount = send(
        "POST",
        &r.url(&format!("/v2/f/c/blobs/uploads/?mount={d}&from=f/a")),
        &[],
        b"",
    );
    assert_eq!(mount.status, 202, "no mounts");
    assert_eq!(mount.header("oci-chunk-min-length"), Some("0"));
    push_image(&r.base_url(), "f/a", "t");
    let del = send("DELETE", &r.url("/v2/f/a/manifests/t"), &[], b"");
    assert_eq!(del.status, 405);
    assert_eq!(del.json()["errors"][0]["code"], "UNSUPPORTED");
}

/// container-registry 0.3.1, its minimal API as its source has it: sessions at `<name>/uploads/<id>` only, a
/// PATCH's `Range` the bytes of that PATCH, the session's `Location` on the closing PUT, blob GETs streamed with no
/// headers, sha256-only digests refused with axum's text, any other reference a tag, a PUT by digest stored and
/// then refused.
#[test]
fn container_registry_keeps_its_minimal_api() {
    let r = start(Profile::CONTAINER_REGISTRY_0_3);
    let c = Client::with("oci-test", "oci-test-password");
    let abs = |l: &str| {
        if l.starts_with('/') {
            r.url(l)
        } else {
            l.to_string()
        }
    };
    let post = c.send("POST", &r.url("/v2/c/r/blobs/uploads/"), &[], b"");
    assert_eq!(post.status, 202);
    assert!(post.header("range").is_none(), "no Range on the POST");
    let loc = post.header("location").expect("Location").to_string();
    assert!(loc.contains("/v2/c/r/uploads/"), "{loc}");
    let old_path = loc.replace("/uploads/", "/blobs/uploads/");
    let unrouted = c.send("PATCH", &abs(&old_path), &[], b"x");
    assert_eq!(
        (unrouted.status, unrouted.body.len()),
        (404, 0),
        "blobs/uploads/<id> is not routed"
    );
    for chunk in [&b"0123"[..], b"456789"] {
        let p = c.send("PATCH", &abs(&loc), &[], chunk);
        assert_eq!(p.status, 202);
        assert_eq!(
            p.header("range"),
            Some(format!("0-{}", chunk.len()).as_str())
        );
    }
    let d = sha256(b"0123456789");
    let put = c.send(
        "PUT",
        &with_query(&abs(&loc), &format!("digest={d}")),
        &[],
        b"",
    );
    assert_eq!(put.status, 201, "{}", put.text());
    assert_eq!(
        put.header("location"),
        Some(loc.as_str()),
        "the session's Location"
    );
    let blob = c.send("GET", &r.url(&format!("/v2/c/r/blobs/{d}")), &[], b"");
    assert_eq!(blob.status, 200);
    assert!(blob.header("content-length").is_none() && blob.header("content-type").is_none());
    assert!(blob.header("docker-content-digest").is_none());
    assert_eq!(blob.header("transfer-encoding"), Some("chunked"));
    assert!(blob.text().contains("0123456789"));
    let head = c.send(
        "HEAD",
        &r.url(&format!("/v2/c/r/blobs/{}", sha256(b"none"))),
        &[],
        b"",
    );
    assert_eq!((head.status, head.header("content-type")), (404, None));
    for (path, text) in [
        ("/v2/c/r/blobs/sha256:abc", "Invalid URL: wrong length"),
        (
            &*format!("/v2/c/r/blobs/sha512:{}", &d[7..]),
            "Invalid URL: wrong prefix",
        ),
    ] {
        let bad = c.send("GET", &r.url(path), &[], b"");
        assert_eq!((bad.status, bad.text().as_str()), (400, text));
        assert_eq!(
            bad.header("content-type"),
            Some("text/plain; charset=utf-8")
        );
    }
    // A manifest PUT by digest: 400, but stored; a `sha512:` reference is a tag; nothing checks the blobs.
    let m = format!(
        r#"{{"schemaVersion":2,"mediaType":"{OCI_MANIFEST}","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{}","size":2}},"layers":[]}}"#,
        sha256(b"never pushed")
    );
    let md = sha256(m.as_bytes());
    let by_digest = c.send(
        "PUT",
        &r.url(&format!("/v2/c/r/manifests/{md}")),
        &[("Content-Type", OCI_MANIFEST)],
        m.as_bytes(),
    );
    assert_eq!((by_digest.status, by_digest.body.len()), (400, 0));
    let got = c.send("GET", &r.url(&format!("/v2/c/r/manifests/{md}")), &[], b"");
    assert_eq!(
        (got.status, got.text()),
        (200, m.clone()),
        "stored before the refusal"
    );
    let tag = format!("sha512:{}", "0".repeat(128));
    let as_tag = c.send(
        "PUT",
        &r.url(&format!("/v2/c/r/manifests/{tag}")),
        &[("Content-Type", OCI_MANIFEST)],
        m.as_bytes(),
    );
    assert_eq!(as_tag.status, 201, "{}", as_tag.text());
    assert_eq!(
        as_tag.header("location"),
        Some(&*format!("/v2/c/r/manifests/{tag}"))
    );
    assert_eq!(
        c.send("GET", &r.url(&format!("/v2/c/r/manifests/{tag}")), &[], b"")
            .status,
        200
    );
}

/// Distribution 2.8.2 serves an OCI manifest or index only when Accept names its type: no Accept, `*/*` or another
/// type get 404 MANIFEST_UNKNOWN, by tag and by digest, GET and HEAD (`registry/handlers/manifests.go`
/// `GetManifest`). The spec profile negotiates (no Accept means any type).
#[test]
fn distribution_serves_an_oci_manifest_only_to_an_accept_that_names_it() {
    let r = start(Profile::DISTRIBUTION_2_8);
    let (digest, _) = push_image(&r.base_url(), "acc/x", "t");
    for reference in ["t", digest.as_str()] {
        let url = r.url(&format!("/v2/acc/x/manifests/{reference}"));
        for accept in [None, Some("*/*"), Some(OCI_INDEX)] {
            let headers: Vec<(&str, &str)> = accept.map(|a| ("Accept", a)).into_iter().collect();
            for method in ["GET", "HEAD"] {
                let a = send(method, &url, &headers, b"");
                assert_eq!(a.status, 404, "{method} {reference} {accept:?}");
                if method == "GET" {
                    assert_eq!(
                        a.json()["errors"][0]["message"],
                        "OCI manifest found, but accept header does not support OCI manifests"
                    );
                }
            }
        }
        let ok = send(
            "GET",
            &url,
            &[("Accept", &format!("{OCI_MANIFEST}; q=0.9"))],
            b"",
        );
        assert_eq!(ok.status, 200, "{reference}");
    }
    let spec = start(Profile::OCI_1_1);
    push_image(&spec.base_url(), "acc/x", "t");
    assert_eq!(get(&spec.url("/v2/acc/x/manifests/t")).status, 200);
}
