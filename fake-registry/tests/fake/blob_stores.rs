//! How each registry stores, names, mounts and deletes blobs, and how it refuses a range: the departures the
//! official conformance suite (opencontainers/distribution-spec `conformance/` at 967efdc) found between the fakes
//! and their real counterparts, one test each, read off the wire.

use std::time::Duration;

use fake_registry::digest::Algorithm;
use fake_registry::{FakeRegistry, Profile};

use crate::util::*;

fn start(p: Profile) -> FakeRegistry {
    FakeRegistry::builder().profile(p).start().unwrap()
}

/// POST + PUT `data` closed with `digest`; the closing answer.
fn post_put(r: &FakeRegistry, repo: &str, data: &[u8], digest: &str) -> Reply {
    let loc = open_session(r, repo);
    send(
        "PUT",
        &with_query(&loc, &format!("digest={digest}")),
        &[("Content-Type", "application/octet-stream")],
        data,
    )
}

/// Distribution 2.8.2 stores a blob under its sha256 digest: closed with a sha512 digest, the upload is answered
/// with the sha256 one, both names read the blob and answer with the sha256 one, and deleting one name leaves the
/// other (`registry/storage/blobwriter.go` `Commit`, `validateBlob`).
#[test]
fn distribution_names_a_sha512_blob_by_its_sha256_digest() {
    let r = start(Profile::DISTRIBUTION_2_8);
    let data = b"a blob pushed with its sha512 digest";
    let (d512, d256) = (Algorithm::Sha512.digest(data), sha256(data));
    let put = post_put(&r, "d/src", data, &d512);
    assert_eq!(put.status, 201, "{}", put.text());
    assert_eq!(put.header("docker-content-digest"), Some(d256.as_str()));
    assert!(
        put.header("location")
            .unwrap()
            .ends_with(&format!("/blobs/{d256}"))
    );
    for name in [&d512, &d256] {
        let url = r.url(&format!("/v2/d/src/blobs/{name}"));
        let head = send("HEAD", &url, &[], b"");
        assert_eq!(head.status, 200, "HEAD {name}");
        assert_eq!(head.header("docker-content-digest"), Some(d256.as_str()));
        assert_eq!(get(&url).body, data);
    }
    let del = send(
        "DELETE",
        &r.url(&format!("/v2/d/src/blobs/{d512}")),
        &[],
        b"",
    );
    assert_eq!(del.status, 202);
    assert_eq!(get(&r.url(&format!("/v2/d/src/blobs/{d512}"))).status, 404);
    assert_eq!(
        get(&r.url(&format!("/v2/d/src/blobs/{d256}"))).status,
        200,
        "the other name stays"
    );
    let wrong = post_put(&r, "d/src", b"other content", &d512);
    assert_eq!(wrong.status, 400);
    assert_eq!(wrong.json()["errors"][0]["code"], "DIGEST_INVALID");
}

/// Distribution 2.8.2 mounts a sha512 name as a link to content stored under no such name: 201 naming it, then 500
/// UNKNOWN to a read until it is deleted (`registry/storage/linkedblobstore.go` `mount`); a sha256 mount works.
#[test]
fn distribution_mounts_a_sha512_name_that_it_cannot_read() {
    let r = start(Profile::DISTRIBUTION_2_8);
    let data = b"a blob mounted by its sha512 digest";
    let d512 = Algorithm::Sha512.digest(data);
    assert_eq!(post_put(&r, "m/src", data, &d512).status, 201);
    let mount = send(
        "POST",
        &r.url(&format!("/v2/m/dst/blobs/uploads/?mount={d512}&from=m/src")),
        &[],
        b"",
    );
    assert_eq!(mount.status, 201, "{}", mount.text());
    assert_eq!(mount.header("docker-content-digest"), Some(d512.as_str()));
    let url = r.url(&format!("/v2/m/dst/blobs/{d512}"));
    let read = get(&url);
    assert_eq!(read.status, 500);
    assert_eq!(read.json()["errors"][0]["code"], "UNKNOWN");
    assert_eq!(send("HEAD", &url, &[], b"").status, 500);
    assert_eq!(send("DELETE", &url, &[], b"").status, 202);
    assert_eq!(get(&url).status, 404, "the link is gone");
    let d256 = sha256(data);
    let mount256 = send(
        "POST",
        &r.url(&format!("/v2/m/dst/blobs/uploads/?mount={d256}&from=m/src")),
        &[],
        b"",
    );
    assert_eq!(mount256.status, 201);
    assert_eq!(get(&r.url(&format!("/v2/m/dst/blobs/{d256}"))).body, data);
}

/// Distribution 2.8.2 refuses a range as Go's `http.ServeContent` does after the blob's headers are set: the
/// blob's Content-Length stays, so the body ends short; Content-Range only for a range past the end.
#[test]
fn distribution_refuses_a_range_with_the_blobs_length_and_a_short_body() {
    let r = start(Profile::DISTRIBUTION_2_8);
    let data = vec![b'x'; 2048];
    let d = push_blob(&r.base_url(), "rr/x", &data);
    let url = r.url(&format!("/v2/rr/x/blobs/{d}"));
    for (range, content_range) in [("bytes=5000-10000", true), ("bytes=500-0", false)] {
        let e = try_send(
            "GET",
            &url,
            &[("Range", range)],
            b"",
            None,
            Duration::from_secs(10),
        )
        .expect_err("the connection ends before the announced 2048 bytes");
        assert!(e.to_string().contains("of 2048"), "{range}: {e}");
        let raw = raw_head(&url, range);
        assert!(raw.starts_with("http/1.1 416"), "{range}: {raw}");
        assert!(raw.contains("content-length: 2048"), "{range}: {raw}");
        assert_eq!(
            raw.contains("content-range: bytes */2048"),
            content_range,
            "{range}: {raw}"
        );
    }
    let spec = start(Profile::OCI_1_1);
    let d = push_blob(&spec.base_url(), "rr/x", &data);
    let a = send(
        "GET",
        &spec.url(&format!("/v2/rr/x/blobs/{d}")),
        &[("Range", "bytes=500-0")],
        b"",
    );
    assert_eq!(
        (a.status, a.header("content-range")),
        (416, Some("bytes */2048"))
    );
}

/// The status line and headers of a GET with `range`, lower-cased, read off the socket.
fn raw_head(url: &str, range: &str) -> String {
    use std::io::{Read, Write};
    let t = split_url(url);
    let mut s = std::net::TcpStream::connect(&t.host).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET {} HTTP/1.1\r\nHost: {}\r\nRange: {range}\r\nConnection: close\r\n\r\n",
        t.path, t.host
    )
    .unwrap();
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).to_lowercase();
    text.split("\r\n\r\n")
        .next()
        .unwrap_or_default()
        .to_string()
}

/// ferro-oci-server 1.0.0 keeps one blob store: a DELETE in any repository removes the blob from all of them.
#[test]
fn ferro_deletes_a_blob_from_every_repository() {
    let r = start(Profile::FERRO_OCI_SERVER_1_0);
    let d = push_blob(&r.base_url(), "f/one", b"shared blob");
    push_blob(&r.base_url(), "f/two", b"shared blob");
    assert_eq!(
        send("DELETE", &r.url(&format!("/v2/f/one/blobs/{d}")), &[], b"").status,
        202
    );
    for repo in ["f/one", "f/two"] {
        assert_eq!(
            send("HEAD", &r.url(&format!("/v2/{repo}/blobs/{d}")), &[], b"").status,
            404,
            "{repo}"
        );
    }
    assert_eq!(
        send("DELETE", &r.url(&format!("/v2/f/two/blobs/{d}")), &[], b"").status,
        404,
        "already gone"
    );
}

/// container-registry 0.3.1 routes no DELETE: axum's 405 comes before credentials are checked.
#[test]
fn container_registry_refuses_a_delete_before_asking_for_credentials() {
    let r = FakeRegistry::builder()
        .profile(Profile::CONTAINER_REGISTRY_0_3)
        .credentials("oci-test", "oci-test-password")
        .start()
        .unwrap();
    let d = sha256(b"x");
    let del = send("DELETE", &r.url(&format!("/v2/c/r/blobs/{d}")), &[], b"");
    assert_eq!((del.status, del.header("www-authenticate")), (405, None));
    let head = send("HEAD", &r.url(&format!("/v2/c/r/blobs/{d}")), &[], b"");
    assert_eq!(head.status, 401, "a routed method still asks");
}

/// zot v2.1.19 (dedupe off, as in its published conformance run) mounts only a blob the target already holds;
/// the spec profile mounts from the `from` repository.
#[test]
fn zot_mounts_only_what_the_target_holds() {
    let mount = |r: &FakeRegistry, target: &str, d: &str| {
        send(
            "POST",
            &r.url(&format!("/v2/{target}/blobs/uploads/?mount={d}&from=z/src")),
            &[],
            b"",
        )
        .status
    };
    let zot = start(Profile::ZOT);
    let d = push_blob(&zot.base_url(), "z/src", b"mounted blob");
    assert_eq!(
        mount(&zot, "z/dst", &d),
        202,
        "another repository's blob is not mounted"
    );
    push_blob(&zot.base_url(), "z/dst", b"mounted blob");
    assert_eq!(mount(&zot, "z/dst", &d), 201, "the target has it");
    let spec = start(Profile::OCI_1_1);
    let d = push_blob(&spec.base_url(), "z/src", b"mounted blob");
    assert_eq!(mount(&spec, "z/dst", &d), 201);
}
