//! A tiny raw HTTP/1.1 client for the tests: full control over what is sent (no automatic redirects, no
//! automatic auth), so tests see exactly what the fake answers. Plus an auth-dance helper.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use fake_registry::FakeRegistry;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};

/// A received answer.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.text()))
    }
    pub fn content_type(&self) -> Option<&str> {
        self.header("content-type")
    }
}

pub struct Target {
    pub tls: bool,
    pub host: String,
    pub path: String,
}

pub fn split_url(url: &str) -> Target {
    let (tls, rest) = if let Some(r) = url.strip_prefix("https://") {
        (true, r)
    } else {
        (false, url.strip_prefix("http://").expect("http(s) url"))
    };
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    Target {
        tls,
        host: host.to_string(),
        path: path.to_string(),
    }
}

fn request_bytes(method: &str, t: &Target, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut s = format!(
        "{method} {} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
        t.path, t.host
    );
    for (k, v) in headers {
        s.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() || matches!(method, "PUT" | "POST" | "PATCH") {
        s.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    s.push_str("\r\n");
    let mut v = s.into_bytes();
    v.extend_from_slice(body);
    v
}

fn parse_reply(raw: &[u8], head: bool) -> io::Result<Reply> {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| io::Error::new(io::ErrorKind::UnexpectedEof, "no header end"))?;
    let head_text = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head_text.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let status: u16 = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, status_line.to_string()))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[end + 4..].to_vec();
    if head {
        body.clear();
    } else if let Some(len) = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
    {
        if body.len() < len {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("body short: {} of {len}", body.len()),
            ));
        }
        body.truncate(len);
    }
    Ok(Reply {
        status,
        headers,
        body,
    })
}

fn read_all(r: &mut impl Read) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut buf = [0u8; 16384];
    loop {
        match r.read(&mut buf) {
            Ok(0) => return Ok(out),
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof && !out.is_empty() => {
                return Ok(out);
            }
            Err(e) => return Err(e),
        }
    }
}

/// Send one request; `Err` on transport failure (reset, timeout, short body).
pub fn try_send(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    ca_pem: Option<&str>,
    timeout: Duration,
) -> io::Result<Reply> {
    let t = split_url(url);
    let stream = TcpStream::connect(&t.host)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    let req = request_bytes(method, &t, headers, body);
    let raw = if t.tls {
        let mut roots = rustls::RootCertStore::empty();
        if let Some(pem) = ca_pem {
            for c in CertificateDer::pem_slice_iter(pem.as_bytes()) {
                roots
                    .add(c.map_err(|e| io::Error::other(format!("{e:?}")))?)
                    .map_err(io::Error::other)?;
            }
        }
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(io::Error::other)?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let ip = t
            .host
            .rsplit_once(':')
            .map(|(h, _)| h)
            .unwrap_or(&t.host)
            .to_string();
        let name = ServerName::try_from(ip).map_err(io::Error::other)?;
        let conn =
            rustls::ClientConnection::new(Arc::new(config), name).map_err(io::Error::other)?;
        let mut tls = rustls::StreamOwned::new(conn, stream);
        tls.write_all(&req)?;
        read_all(&mut tls)?
    } else {
        let mut s = stream;
        s.write_all(&req)?;
        read_all(&mut s)?
    };
    parse_reply(&raw, method == "HEAD")
}

pub fn send(method: &str, url: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    try_send(method, url, headers, body, None, Duration::from_secs(20))
        .unwrap_or_else(|e| panic!("{method} {url}: {e}"))
}

pub fn get(url: &str) -> Reply {
    send("GET", url, &[], b"")
}

pub fn basic(user: &str, pass: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"))
    )
}

/// Parse `Scheme k="v",k2="v2"` into (scheme, params).
pub fn parse_challenge(h: &str) -> (String, Vec<(String, String)>) {
    let (scheme, rest) = h.split_once(' ').unwrap_or((h, ""));
    let mut params = Vec::new();
    let mut rest = rest.trim();
    while !rest.is_empty() {
        let Some((k, r)) = rest.split_once('=') else {
            break;
        };
        let r = r.trim_start();
        let (v, r) = if let Some(r) = r.strip_prefix('"') {
            let end = r.find('"').unwrap_or(r.len());
            (&r[..end], r.get(end + 1..).unwrap_or(""))
        } else {
            let end = r.find(',').unwrap_or(r.len());
            (&r[..end], &r[end..])
        };
        params.push((
            k.trim().trim_start_matches(',').trim().to_string(),
            v.to_string(),
        ));
        rest = r.trim_start_matches(',').trim();
    }
    (scheme.to_string(), params)
}

/// A client doing the auth dance once per request (Bearer via the realm, or Basic).
pub struct Client {
    pub creds: Option<(String, String)>,
}

impl Client {
    pub fn anonymous() -> Client {
        Client { creds: None }
    }
    pub fn with(user: &str, pass: &str) -> Client {
        Client {
            creds: Some((user.into(), pass.into())),
        }
    }

    pub fn send(&self, method: &str, url: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        let r = send(method, url, headers, body);
        if r.status != 401 {
            return r;
        }
        // A 401 without a challenge: ask `GET /v2/` for it, as docker and containerd ping before they push
        // (container-registry 0.3 challenges there only).
        let ch = match r.header("www-authenticate") {
            Some(c) => c.to_string(),
            None => {
                let (base, _) = url.split_once("/v2/").unwrap_or((url, ""));
                let ping = send("GET", &format!("{base}/v2/"), &[], b"");
                let Some(c) = ping.header("www-authenticate").map(str::to_string) else {
                    return r;
                };
                c
            }
        };
        let (scheme, params) = parse_challenge(&ch);
        let auth = if scheme.eq_ignore_ascii_case("bearer") {
            let p = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
            let realm = p("realm").expect("realm");
            let mut q = vec![];
            if let Some(s) = p("service") {
                q.push(format!("service={s}"));
            }
            if let Some(s) = p("scope") {
                q.push(format!("scope={s}"));
            }
            let url = format!("{realm}?{}", q.join("&"));
            let b;
            let mut h: Vec<(&str, &str)> = vec![];
            if let Some((u, pw)) = &self.creds {
                b = basic(u, pw);
                h.push(("Authorization", &b));
            }
            let t = send("GET", &url, &h, b"");
            if t.status != 200 {
                return t;
            }
            let j = t.json();
            let tok = j["token"]
                .as_str()
                .or(j["access_token"].as_str())
                .expect("token")
                .to_string();
            format!("Bearer {tok}")
        } else {
            let (u, p) = self.creds.clone().unwrap_or_default();
            basic(&u, &p)
        };
        let mut h: Vec<(&str, &str)> = headers.to_vec();
        h.push(("Authorization", &auth));
        send(method, url, &h, body)
    }

    pub fn get(&self, url: &str) -> Reply {
        self.send("GET", url, &[], b"")
    }
}

pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub const EMPTY_DIGEST: &str =
    "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

pub fn sha256(data: &[u8]) -> String {
    fake_registry::digest::sha256(data)
}

/// Push a blob monolithically (single POST, else POST then PUT where the profile opens a session); panics unless
/// it is stored.
pub fn push_blob(base: &str, repo: &str, data: &[u8]) -> String {
    let d = sha256(data);
    let r = send(
        "POST",
        &format!("{base}/v2/{repo}/blobs/uploads/?digest={d}"),
        &[("Content-Type", "application/octet-stream")],
        data,
    );
    if r.status == 202 {
        // No single-POST upload (Distribution): the session it opened takes the content in the closing PUT.
        let loc = r.header("location").expect("Location").to_string();
        let loc = if loc.starts_with('/') {
            format!("{base}{loc}")
        } else {
            loc
        };
        let sep = if loc.contains('?') { '&' } else { '?' };
        let put = send(
            "PUT",
            &format!("{loc}{sep}digest={d}"),
            &[("Content-Type", "application/octet-stream")],
            data,
        );
        assert_eq!(put.status, 201, "{}", put.text());
        return d;
    }
    assert_eq!(r.status, 201, "{}", r.text());
    d
}

/// Push a referrer's empty config `{}` (clients upload it like any blob; the registry does not make it up).
pub fn push_empty_config(base: &str, repo: &str) {
    push_blob(base, repo, b"{}");
}

/// Push a small image (config + 1 layer) tagged `tag`; returns (digest, size).
pub fn push_image(base: &str, repo: &str, tag: &str) -> (String, u64) {
    let layer = format!("layer of {repo}:{tag}");
    let ld = push_blob(base, repo, layer.as_bytes());
    let config = format!("{{\"architecture\":\"amd64\",\"os\":\"linux\",\"x\":\"{repo}:{tag}\"}}");
    let cd = push_blob(base, repo, config.as_bytes());
    let m = serde_json::json!({
        "schemaVersion": 2, "mediaType": OCI_MANIFEST,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": config.len()},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": ld, "size": layer.len()}]
    })
    .to_string();
    let r = send(
        "PUT",
        &format!("{base}/v2/{repo}/manifests/{tag}"),
        &[("Content-Type", OCI_MANIFEST)],
        m.as_bytes(),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    (sha256(m.as_bytes()), m.len() as u64)
}

/// A referrer manifest body for `subject`.
pub fn referrer_manifest(
    subject: &str,
    subject_size: u64,
    artifact_type: Option<&str>,
    n: usize,
) -> String {
    let mut m = serde_json::json!({
        "schemaVersion": 2, "mediaType": OCI_MANIFEST,
        "config": {"mediaType": "application/vnd.oci.empty.v1+json", "digest": EMPTY_DIGEST, "size": 2},
        "layers": [{"mediaType": "application/vnd.oci.empty.v1+json", "digest": EMPTY_DIGEST, "size": 2}],
        "subject": {"mediaType": OCI_MANIFEST, "digest": subject, "size": subject_size},
        "annotations": {"n": n.to_string()}
    });
    if let Some(t) = artifact_type {
        m["artifactType"] = serde_json::json!(t);
    }
    m.to_string()
}

/// Push a referrer by digest; returns the PUT reply and the digest.
pub fn push_referrer(base: &str, repo: &str, body: &str) -> (Reply, String) {
    push_empty_config(base, repo);
    let d = sha256(body.as_bytes());
    let r = send(
        "PUT",
        &format!("{base}/v2/{repo}/manifests/{d}"),
        &[("Content-Type", OCI_MANIFEST)],
        body.as_bytes(),
    );
    (r, d)
}

/// Opens an upload session and returns its absolute Location.
pub fn open_session(r: &FakeRegistry, repo: &str) -> String {
    let a = send(
        "POST",
        &r.url(&format!("/v2/{repo}/blobs/uploads/")),
        &[],
        b"",
    );
    assert_eq!(a.status, 202, "{}", a.text());
    let l = a.header("location").expect("Location").to_string();
    if l.starts_with('/') { r.url(&l) } else { l }
}

pub fn with_query(url: &str, q: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{q}")
}
