//! The Distribution API on the spec-exact `oci-1.1` profile: base, manifests, blobs and uploads, tags, errors and
//! limits (the referrers API is in `api_referrers.rs`).

use fake_registry::FakeRegistry;
use serde_json::json;

use crate::util::*;

fn reg() -> FakeRegistry {
    FakeRegistry::builder().start().unwrap()
}

#[test]
fn base_endpoint_answers_200_with_api_version() {
    let r = reg();
    let a = get(&r.url("/v2/"));
    assert_eq!(a.status, 200);
    assert_eq!(a.text(), "{}");
    assert_eq!(
        a.header("docker-distribution-api-version"),
        Some("registry/2.0")
    );
    assert!(a.header("oci-distribution-api-version").is_none());
}

#[test]
fn push_and_pull_image_with_headers() {
    let r = reg();
    let base = r.base_url();
    let (d, size) = push_image(&base, "a/b/c", "v1");
    for reference in ["v1", d.as_str()] {
        let h = send(
            "HEAD",
            &r.url(&format!("/v2/a/b/c/manifests/{reference}")),
            &[("Accept", OCI_MANIFEST)],
            b"",
        );
        assert_eq!(h.status, 200);
        assert_eq!(h.header("docker-content-digest"), Some(d.as_str()));
        assert_eq!(h.header("content-length"), Some(size.to_string().as_str()));
        assert_eq!(h.content_type(), Some(OCI_MANIFEST));
        assert!(h.body.is_empty());
        let g = send(
            "GET",
            &r.url(&format!("/v2/a/b/c/manifests/{reference}")),
            &[("Accept", OCI_MANIFEST)],
            b"",
        );
        assert_eq!(g.status, 200);
        assert_eq!(
            sha256(&g.body),
            d,
            "GET by {reference} returns the exact bytes"
        );
    }
    // Blob GET/HEAD.
    let m = get(&r.url(&format!("/v2/a/b/c/manifests/{d}"))).json();
    let layer = m["layers"][0]["digest"].as_str().unwrap().to_string();
    let b = get(&r.url(&format!("/v2/a/b/c/blobs/{layer}")));
    assert_eq!(b.status, 200);
    assert_eq!(sha256(&b.body), layer);
    assert_eq!(b.header("docker-content-digest"), Some(layer.as_str()));
    let h = send(
        "HEAD",
        &r.url(&format!("/v2/a/b/c/blobs/{layer}")),
        &[],
        b"",
    );
    assert_eq!(h.status, 200);
    assert_eq!(
        h.header("content-length"),
        Some(b.body.len().to_string().as_str())
    );
    let part = send(
        "GET",
        &r.url(&format!("/v2/a/b/c/blobs/{layer}")),
        &[("Range", "bytes=0-4")],
        b"",
    );
    assert_eq!(part.status, 206);
    assert_eq!(part.body, b.body[..5].to_vec());
}

#[test]
fn content_negotiation_refuses_unaccepted_media_type() {
    let r = reg();
    push_image(&r.base_url(), "x", "t");
    let a = send(
        "GET",
        &r.url("/v2/x/manifests/t"),
        &[("Accept", OCI_INDEX)],
        b"",
    );
    assert_eq!(a.status, 404);
    assert_eq!(a.json()["errors"][0]["code"], "MANIFEST_UNKNOWN");
    let ok = send(
        "GET",
        &r.url("/v2/x/manifests/t"),
        &[("Accept", &format!("{OCI_INDEX}, {OCI_MANIFEST}"))],
        b"",
    );
    assert_eq!(ok.status, 200);
    let docker = send(
        "GET",
        &r.url("/v2/x/manifests/t"),
        &[(
            "Accept",
            "application/vnd.docker.distribution.manifest.v2+json, */*",
        )],
        b"",
    );
    assert_eq!(docker.status, 200);
}

#[test]
fn chunked_upload_with_patch() {
    let r = reg();
    let start = send("POST", &r.url("/v2/up/blobs/uploads/"), &[], b"");
    assert_eq!(start.status, 202);
    assert_eq!(start.header("range"), Some("0-0"));
    let mut loc = start.header("location").unwrap().to_string();
    let data = b"hello chunked world";
    for (i, chunk) in data.chunks(7).enumerate() {
        let from = i * 7;
        let range = format!("{}-{}", from, from + chunk.len() - 1);
        let p = send(
            "PATCH",
            &loc,
            &[
                ("Content-Range", &range),
                ("Content-Type", "application/octet-stream"),
            ],
            chunk,
        );
        assert_eq!(p.status, 202, "{}", p.text());
        assert_eq!(
            p.header("range"),
            Some(format!("0-{}", from + chunk.len() - 1).as_str())
        );
        loc = p.header("location").unwrap().to_string();
    }
    let status = send("GET", &loc, &[], b"");
    assert_eq!(status.status, 204);
    // Out-of-order chunk: 416.
    let bad = send("PATCH", &loc, &[("Content-Range", "0-1")], b"xx");
    assert_eq!(bad.status, 416);
    // Wrong digest keeps the session; right digest completes it.
    let wrong = send(
        "PUT",
        &format!("{loc}?digest={}", sha256(b"nope")),
        &[],
        b"",
    );
    assert_eq!(wrong.status, 400);
    assert_eq!(wrong.json()["errors"][0]["code"], "DIGEST_INVALID");
    let d = sha256(data);
    let done = send("PUT", &format!("{loc}?digest={d}"), &[], b"");
    assert_eq!(done.status, 201, "{}", done.text());
    assert_eq!(done.header("docker-content-digest"), Some(d.as_str()));
    assert_eq!(
        get(&r.url(&format!("/v2/up/blobs/{d}"))).body,
        data.to_vec()
    );
    // The session is gone.
    assert_eq!(send("GET", &loc, &[], b"").status, 404);
}

#[test]
fn post_then_put_monolithic_and_mount() {
    let r = reg();
    let start = send("POST", &r.url("/v2/m/blobs/uploads/"), &[], b"");
    let loc = start.header("location").unwrap().to_string();
    let d = sha256(b"abc");
    let done = send(
        "PUT",
        &format!("{loc}?digest={d}"),
        &[("Content-Type", "application/octet-stream")],
        b"abc",
    );
    assert_eq!(done.status, 201);
    let mount = send(
        "POST",
        &r.url(&format!("/v2/other/blobs/uploads/?mount={d}&from=m")),
        &[],
        b"",
    );
    assert_eq!(mount.status, 201);
    assert_eq!(
        get(&r.url(&format!("/v2/other/blobs/{d}"))).body,
        b"abc".to_vec()
    );
    let missing = send(
        "POST",
        &r.url(&format!(
            "/v2/other2/blobs/uploads/?mount={}&from=m",
            sha256(b"zz")
        )),
        &[],
        b"",
    );
    assert_eq!(missing.status, 202, "unknown mount falls back to a session");
}

#[test]
fn rejects_bad_requests_with_spec_errors() {
    let r = reg();
    let base = r.base_url();
    push_image(&base, "ok", "t");
    push_empty_config(&base, "ok");
    let valid = format!(
        "{{\"schemaVersion\":2,\"config\":{{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"{EMPTY_DIGEST}\",\"size\":2}},\"layers\":[]}}"
    );
    let cases: Vec<(&str, String, &[u8], u16, &str)> = vec![
        (
            "GET",
            "/v2/UPPER/manifests/t".into(),
            b"",
            400,
            "NAME_INVALID",
        ),
        ("GET", "/v2/a..b/tags/list".into(), b"", 400, "NAME_INVALID"),
        (
            "GET",
            "/v2/ok/manifests/sha256:zz".into(),
            b"",
            400,
            "DIGEST_INVALID",
        ),
        (
            "GET",
            "/v2/ok/blobs/sha256:123".into(),
            b"",
            400,
            "DIGEST_INVALID",
        ),
        (
            "GET",
            "/v2/ok/manifests/nope".into(),
            b"",
            404,
            "MANIFEST_UNKNOWN",
        ),
        (
            "GET",
            "/v2/missing/manifests/t".into(),
            b"",
            404,
            "NAME_UNKNOWN",
        ),
        (
            "GET",
            format!("/v2/ok/blobs/{}", sha256(b"none")),
            b"",
            404,
            "BLOB_UNKNOWN",
        ),
        (
            "GET",
            "/v2/missing/tags/list".into(),
            b"",
            404,
            "NAME_UNKNOWN",
        ),
        (
            "PUT",
            "/v2/ok/manifests/t2".into(),
            b"not json",
            400,
            "MANIFEST_INVALID",
        ),
        (
            "PUT",
            "/v2/ok/manifests/t2".into(),
            b"{\"schemaVersion\":1}",
            400,
            "MANIFEST_INVALID",
        ),
        (
            "PUT",
            format!("/v2/ok/manifests/{}", sha256(b"other")),
            valid.as_bytes(),
            400,
            "DIGEST_INVALID",
        ),
        (
            "POST",
            format!("/v2/ok/blobs/uploads/?digest={}", sha256(b"x")),
            b"y",
            400,
            "DIGEST_INVALID",
        ),
        (
            "PATCH",
            "/v2/ok/blobs/uploads/nosuch".into(),
            b"y",
            404,
            "BLOB_UPLOAD_UNKNOWN",
        ),
        (
            "GET",
            "/v2/ok/tags/list?n=abc".into(),
            b"",
            400,
            "PAGINATION_NUMBER_INVALID",
        ),
    ];
    for (method, path, body, status, code) in cases {
        let a = send(
            method,
            &r.url(&path),
            &[("Content-Type", OCI_MANIFEST)],
            body,
        );
        assert_eq!(a.status, status, "{method} {path}: {}", a.text());
        assert_eq!(a.json()["errors"][0]["code"], code, "{method} {path}");
    }
    // A manifest referencing a blob the registry does not have.
    let m = json!({"schemaVersion":2,"mediaType":OCI_MANIFEST,
        "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":sha256(b"missing"),"size":7},"layers":[]});
    let a = send(
        "PUT",
        &r.url("/v2/ok/manifests/x"),
        &[("Content-Type", OCI_MANIFEST)],
        m.to_string().as_bytes(),
    );
    assert_eq!(a.status, 400);
    assert_eq!(a.json()["errors"][0]["code"], "MANIFEST_BLOB_UNKNOWN");
    // Unknown route: Distribution's text.
    let a = get(&r.url("/v2/ok/unknown/thing"));
    assert_eq!(a.status, 404);
}

#[test]
fn manifest_over_4_mib_gets_413() {
    let r = reg();
    let pad = " ".repeat(4 * 1024 * 1024);
    let body = format!("{{\"schemaVersion\":2,\"manifests\":[]{pad}}}");
    let a = send(
        "PUT",
        &r.url("/v2/big/manifests/t"),
        &[("Content-Type", OCI_INDEX)],
        body.as_bytes(),
    );
    assert_eq!(a.status, 413);
    // Just under the limit is fine.
    let pad = " ".repeat(4 * 1024 * 1024 - 100);
    let body =
        format!("{{\"schemaVersion\":2,\"mediaType\":\"{OCI_INDEX}\",\"manifests\":[]{pad}}}");
    let a = send(
        "PUT",
        &r.url("/v2/big/manifests/t"),
        &[("Content-Type", OCI_INDEX)],
        body.as_bytes(),
    );
    assert_eq!(a.status, 201, "{}", a.text());
}

#[test]
fn tags_list_pages_with_n_last_and_link() {
    let r = reg();
    let base = r.base_url();
    for t in ["c", "a", "b", "d", "e"] {
        push_image(&base, "lib/t", t);
    }
    let all = get(&r.url("/v2/lib/t/tags/list")).json();
    assert_eq!(all["tags"], json!(["a", "b", "c", "d", "e"]));
    assert_eq!(all["name"], "lib/t");
    let mut seen = vec![];
    let mut next = Some("/v2/lib/t/tags/list?n=2".to_string());
    while let Some(p) = next {
        let a = get(&r.url(&p));
        assert_eq!(a.status, 200);
        for t in a.json()["tags"].as_array().unwrap() {
            seen.push(t.as_str().unwrap().to_string());
        }
        next = a.header("link").map(|l| {
            l.trim_start_matches('<')
                .split('>')
                .next()
                .unwrap()
                .to_string()
        });
    }
    assert_eq!(seen, vec!["a", "b", "c", "d", "e"]);
    let after = get(&r.url("/v2/lib/t/tags/list?last=c")).json();
    assert_eq!(after["tags"], json!(["d", "e"]));
}

#[test]
fn delete_manifest_by_tag_and_digest() {
    let r = reg();
    let (d, _) = push_image(&r.base_url(), "del", "t");
    assert_eq!(
        send("DELETE", &r.url("/v2/del/manifests/t"), &[], b"").status,
        202
    );
    assert_eq!(get(&r.url("/v2/del/manifests/t")).status, 404);
    assert_eq!(get(&r.url(&format!("/v2/del/manifests/{d}"))).status, 200);
    assert_eq!(
        send(
            "DELETE",
            &r.url(&format!("/v2/del/manifests/{d}")),
            &[],
            b""
        )
        .status,
        202
    );
    assert_eq!(get(&r.url(&format!("/v2/del/manifests/{d}"))).status, 404);
}

#[test]
fn garbage_requests_never_kill_the_server() {
    let r = reg();
    let paths = [
        "/",
        "/v2",
        "/v2//",
        "/v2/%ff/manifests/x",
        "/v2/a/manifests/%00",
        "/v2/a/blobs/uploads/../../x",
        "/v2/a/referrers/",
        "/v2/a/referrers/sha256:",
        "/v2/a/tags/list?n=-1",
        "/v2/a/tags/list?n=99999999999999999999",
        "/v2/a/manifests/sha512:00",
        "/token?scope=%%%",
        "/v2/a/blobs/sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
    ];
    for p in paths {
        for m in ["GET", "HEAD", "PUT", "POST", "PATCH", "DELETE", "OPTIONS"] {
            let a = send(
                m,
                &r.url(p),
                &[("Content-Range", "garbage"), ("Accept", ";;;,,")],
                b"{\"schemaVersion\":2",
            );
            assert!(a.status >= 200 && a.status < 600, "{m} {p}");
        }
    }
    assert_eq!(get(&r.url("/v2/")).status, 200, "still serving");
}
