//! What each probe records: one request sent (or one PUT answer) reduced to a [`ProbeObservation`] — status,
//! `Content-Type`, the key headers with the registry origin stripped, and the body's shape.

use std::collections::BTreeMap;

use fake_registry::digest::sha256;
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::set::ProbeError;
use crate::real::http;
use crate::real::push::PushClient;

/// Response headers compared (lower-case). `content-type` is compared on its own; `content-length` only where the
/// body is content (manifests, blobs).
pub const KEY_HEADERS: [&str; 14] = [
    "docker-distribution-api-version",
    "docker-upload-uuid",
    "range",
    "content-range",
    "accept-ranges",
    "oci-chunk-min-length",
    "oci-tag",
    "docker-content-digest",
    "oci-subject",
    "oci-filters-applied",
    "link",
    "location",
    "www-authenticate",
    "content-length",
];

/// What one probe saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbeObservation {
    /// A probe id ([`probe_ids`](super::probe_ids)), or `<probe id>/<step>` for one of several recorded steps.
    pub probe: String,
    /// `METHOD /path?query` as sent (no host).
    pub request: String,
    pub status: u16,
    pub content_type: Option<String>,
    /// Key headers present in the answer (see [`KEY_HEADERS`]), URLs with scheme and host removed.
    pub headers: BTreeMap<String, String>,
    /// The body reduced to its shape (see the module docs).
    pub body_shape: String,
}

/// Reduces a body to its shape.
pub fn body_shape(body: &[u8]) -> String {
    if body.iter().all(u8::is_ascii_whitespace) {
        return "empty".into();
    }
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        let text = String::from_utf8_lossy(body);
        let first = text.lines().next().unwrap_or_default().trim();
        let cut: String = first.chars().take(80).collect();
        return format!("text:{cut}");
    };
    let Value::Object(map) = &value else {
        return format!("json:{}", json_kind(&value));
    };
    if let Some(Value::Array(errors)) = map.get("errors") {
        let codes: Vec<String> = errors
            .iter()
            .map(|e| {
                e.get("code")
                    .and_then(Value::as_str)
                    .unwrap_or("?")
                    .to_string()
            })
            .collect();
        return format!("errors:[{}]", codes.join(","));
    }
    if map.contains_key("layers") || map.contains_key("config") {
        return format!("manifest:{}", sha256(body));
    }
    if let Some(Value::Array(manifests)) = map.get("manifests") {
        let mut entries: Vec<String> = manifests
            .iter()
            .map(|m| {
                let at = m.get("artifactType").and_then(Value::as_str).unwrap_or("-");
                let ann = m
                    .get("annotations")
                    .and_then(Value::as_object)
                    .map(|a| a.len())
                    .unwrap_or(0);
                format!("{at}+{ann}ann")
            })
            .collect();
        entries.sort();
        let media_type = map.get("mediaType").and_then(Value::as_str).unwrap_or("-");
        return format!(
            "index(mediaType={media_type}, manifests=[{}])",
            entries.join(", ")
        );
    }
    if let (Some(name), Some(tags)) = (map.get("name"), map.get("tags")) {
        let mut tags: Vec<String> = tags
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        tags.sort();
        return format!(
            "tags(name={}, tags=[{}])",
            name.as_str().unwrap_or("?"),
            tags.join(",")
        );
    }
    let keys: Vec<&str> = map.keys().map(String::as_str).collect();
    format!("json{{{}}}", keys.join(","))
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Key headers of an answer, normalised: `http(s)://host` removed from URL-valued headers.
fn key_headers(
    headers: &[(String, String)],
    base_url: &str,
    with_length: bool,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for name in KEY_HEADERS {
        if name == "content-length" && !with_length {
            continue;
        }
        let values: Vec<&str> = headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect();
        if values.is_empty() {
            continue;
        }
        let joined = values.join(", ");
        let normalised = match name {
            "location" | "link" => normalise_url(&joined, base_url),
            "docker-upload-uuid" => "<uuid>".to_string(),
            _ => joined,
        };
        out.insert(name.to_string(), normalised);
    }
    out
}

/// A URL as compared: the origin marked (see [`strip_origin`]) and an upload session's id (and its query's values,
/// e.g. Distribution's `_state`) replaced by placeholders, since they differ on every run.
fn normalise_url(value: &str, base_url: &str) -> String {
    let value = strip_origin(value, base_url);
    // `/blobs/uploads/<id>` as the spec has it, `/uploads/<id>` as container-registry 0.3 hands it out.
    const UPLOADS: &str = "/uploads/";
    let Some(at) = value.find(UPLOADS) else {
        return value;
    };
    let (head, rest) = value.split_at(at + UPLOADS.len());
    if rest.is_empty() || rest.starts_with('?') {
        return value;
    }
    let (_session, query) = rest.split_once('?').unwrap_or((rest, ""));
    let names: Vec<String> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            if k == "digest" {
                format!("{k}={v}")
            } else {
                format!("{k}=<…>")
            }
        })
        .collect();
    if names.is_empty() {
        format!("{head}<session>")
    } else {
        format!("{head}<session>?{}", names.join("&"))
    }
}

/// Removes the registry origin from URLs so answers from different ports compare equal; an absolute URL is
/// marked `abs:` so absolute vs relative `Location` still shows as a difference.
fn strip_origin(value: &str, base_url: &str) -> String {
    if value.contains(base_url) {
        value.replace(base_url, "abs:")
    } else {
        value.to_string()
    }
}

/// Sends probes to one registry and keeps what each saw, in order.
pub struct Prober {
    base_url: String,
    http: reqwest::Client,
    client: PushClient,
    observations: Vec<ProbeObservation>,
}

/// One answer as the probes read it: status, headers, body.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The body could not be read whole (the connection ended before its declared length).
    pub unreadable: bool,
}

impl Answer {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The repository a `/v2/<name>/<kind>/…` path addresses (for the auth scope); `None` for `/v2/`.
fn repository_of(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("/v2/")?;
    let rest = rest.split('?').next().unwrap_or(rest);
    [
        "/manifests/",
        "/blobs/",
        "/referrers/",
        "/tags/",
        "/uploads/",
    ]
    .iter()
    .filter_map(|k| rest.find(k))
    .min()
    .map(|i| &rest[..i])
}

impl Prober {
    /// A prober for the registry `client` is bound to (the probes to repositories answer its auth challenges).
    pub fn new(client: &PushClient) -> Prober {
        Prober {
            base_url: client.base_url().to_string(),
            http: http::client(),
            client: client.clone(),
            observations: Vec::new(),
        }
    }

    /// What the probes saw, in the order they ran.
    pub fn into_observations(self) -> Vec<ProbeObservation> {
        self.observations
    }

    /// The URL of `path_and_query` on this registry.
    pub fn url(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.base_url)
    }

    /// A `Location` as an absolute URL (relative ones resolved against the registry); `None` when it is neither.
    pub fn absolute(&self, location: &str) -> Option<String> {
        if location.starts_with("http://") || location.starts_with("https://") {
            Some(location.to_string())
        } else if location.starts_with('/') {
            Some(self.url(location))
        } else {
            None
        }
    }

    /// The path (and query) of `url` when it is on this registry, else `url` itself.
    fn path_of<'u>(&self, url: &'u str) -> &'u str {
        url.strip_prefix(self.base_url.as_str()).unwrap_or(url)
    }

    /// Pushes `blob` and the empty config `{}` into `repo` (a preparation step); a refusal is left for the next
    /// recorded step to show, a transport failure ends the run.
    pub async fn push_blobs(
        &self,
        probe: &'static str,
        repo: &str,
        blob: &[u8],
    ) -> Result<(), ProbeError> {
        for bytes in [b"{}".as_slice(), blob] {
            if let Err(e) = self.client.push_blob(repo, bytes).await {
                ProbeError::unless_refusal(probe, e)?;
            }
        }
        Ok(())
    }

    /// Sends one request; a path below `/v2/<name>/` answers auth challenges for that repository, `/v2/` itself
    /// goes out without auth so the challenge (if any) is what gets compared. `content-length: 0` goes with an
    /// empty body on `POST`, `PUT` and `PATCH` (distribution-spec §"Pushing a blob in chunks").
    pub async fn exchange(
        &self,
        probe: &'static str,
        method: Method,
        url: &str,
        headers: &[(String, String)],
        body: Vec<u8>,
    ) -> Result<Answer, ProbeError> {
        let empty_needs_length = body.is_empty()
            && matches!(method, Method::POST | Method::PUT | Method::PATCH)
            && !headers
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case("content-length"));
        let build = |c: &reqwest::Client| {
            let mut req = c.request(method.clone(), url);
            for (k, v) in headers {
                req = req.header(k.as_str(), v.as_str());
            }
            if empty_needs_length {
                req = req.header("content-length", "0");
            }
            if body.is_empty() {
                req
            } else {
                req.body(body.clone())
            }
        };
        let resp = match repository_of(self.path_of(url)) {
            Some(repo) => self
                .client
                .send(probe, url, repo, build)
                .await
                .map_err(|source| ProbeError::Send { probe, source })?,
            None => build(&self.http)
                .send()
                .await
                .map_err(|e| ProbeError::Transport {
                    probe,
                    url: url.to_string(),
                    message: e.to_string(),
                })?,
        };
        let status = resp.status().as_u16();
        let headers: Vec<(String, String)> = resp
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        // A body that cannot be read whole (a declared length the registry does not send: Distribution 2.8.2's
        // 416 to a blob range) is a finding, not a failure of the run.
        let (body, unreadable) = match resp.bytes().await {
            Ok(b) => (b.to_vec(), false),
            Err(_) => (Vec::new(), true),
        };
        Ok(Answer {
            status,
            headers,
            body,
            unreadable,
        })
    }

    /// Records `answer` to `verb url` as observation `label`; `with_length`: `Content-Length` is compared too.
    pub fn record(
        &mut self,
        label: String,
        url: &str,
        verb: super::catalog::Verb,
        answer: &Answer,
        with_length: bool,
    ) {
        let request = format!(
            "{} {}",
            format!("{verb:?}").to_uppercase(),
            normalise_url(self.path_of(url), &self.base_url)
        );
        self.observations.push(ProbeObservation {
            probe: label,
            request,
            status: answer.status,
            content_type: header_value(&answer.headers, "content-type"),
            // Content-Length is compared where the answer is content (a 2xx to a content step), not on an error.
            headers: key_headers(
                &answer.headers,
                &self.base_url,
                with_length && (200..300).contains(&answer.status),
            ),
            body_shape: if answer.unreadable {
                "unreadable: shorter than its Content-Length".into()
            } else {
                body_shape(&answer.body)
            },
        });
    }

    /// Records that step `label` could not be sent (`why`): status 0.
    pub fn record_missing(&mut self, label: String, why: &str) {
        self.observations.push(ProbeObservation {
            probe: label,
            request: "(not sent)".into(),
            status: 0,
            content_type: None,
            headers: BTreeMap::new(),
            body_shape: format!("not sent: {why}"),
        });
    }
}

fn header_value(headers: &[(String, String)], name: &str) -> Option<String> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_of_paths() {
        assert_eq!(repository_of("/v2/"), None);
        assert_eq!(repository_of("/v2/a/b/manifests/v1"), Some("a/b"));
        assert_eq!(
            repository_of("/v2/a/referrers/sha256:x?artifactType=t"),
            Some("a")
        );
        assert_eq!(repository_of("/v2/a/tags/list"), Some("a"));
        assert_eq!(repository_of("/v2/x/blobs/uploads/"), Some("x"));
        assert_eq!(repository_of("/v2/x/y/uploads/1234"), Some("x/y"));
    }

    #[test]
    fn shapes() {
        assert_eq!(body_shape(b""), "empty");
        assert_eq!(
            body_shape(b"404 page not found\n"),
            "text:404 page not found"
        );
        assert_eq!(
            body_shape(br#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"x"}]}"#),
            "errors:[MANIFEST_UNKNOWN]"
        );
        assert_eq!(
            body_shape(
                br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"artifactType":"b"},{"artifactType":"a","annotations":{"k":"v"}}]}"#
            ),
            "index(mediaType=application/vnd.oci.image.index.v1+json, manifests=[a+1ann, b+0ann])"
        );
        assert_eq!(
            body_shape(br#"{"name":"r","tags":["b","a"]}"#),
            "tags(name=r, tags=[a,b])"
        );
        assert_eq!(body_shape(b"{}"), "json{}");
        assert!(body_shape(br#"{"schemaVersion":2,"config":{}}"#).starts_with("manifest:sha256:"));
    }

    #[test]
    fn upload_sessions_are_normalised() {
        let b = "http://127.0.0.1:1";
        assert_eq!(
            normalise_url(
                "http://127.0.0.1:1/v2/r/blobs/uploads/0f3e?_state=abc&digest=sha256:1",
                b
            ),
            "abs:/v2/r/blobs/uploads/<session>?_state=<…>&digest=sha256:1"
        );
        assert_eq!(
            normalise_url("/v2/r/blobs/uploads/xyz", b),
            "/v2/r/blobs/uploads/<session>"
        );
        assert_eq!(
            normalise_url("/v2/r/blobs/uploads/?digest=d", b),
            "/v2/r/blobs/uploads/?digest=d"
        );
        assert_eq!(
            normalise_url("/v2/r/blobs/sha256:1", b),
            "/v2/r/blobs/sha256:1"
        );
        assert_eq!(
            normalise_url("/v2/r/s/uploads/ab-12", b),
            "/v2/r/s/uploads/<session>"
        );
    }

    #[test]
    fn key_headers_strip_the_origin_and_skip_length_unless_asked() {
        let h = vec![
            (
                "Location".to_string(),
                "http://127.0.0.1:1/v2/r/manifests/x".to_string(),
            ),
            ("Content-Length".to_string(), "2".to_string()),
            ("Date".to_string(), "now".to_string()),
        ];
        let k = key_headers(&h, "http://127.0.0.1:1", false);
        assert_eq!(
            k.get("location").map(String::as_str),
            Some("abs:/v2/r/manifests/x")
        );
        assert!(!k.contains_key("content-length"));
        assert!(!k.contains_key("date"));
        assert!(key_headers(&h, "http://127.0.0.1:1", true).contains_key("content-length"));
    }
}
