//! What each probe records: one request sent (or one PUT answer) reduced to a [`ProbeObservation`] — status,
//! `Content-Type`, the key headers with the registry origin stripped, and the body's shape.

use std::collections::BTreeMap;

use fake_registry::digest::sha256;
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::set::ProbeError;
use crate::real::http;
use crate::real::push::{PushClient, PutAnswer};

/// Response headers compared (lower-case). `content-type` is compared on its own; `content-length` only where the
/// body is content (manifests, blobs).
pub const KEY_HEADERS: [&str; 8] = [
    "docker-distribution-api-version",
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
    /// One of [`PROBE_IDS`](super::PROBE_IDS).
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
            "location" | "link" => strip_origin(&joined, base_url),
            _ => joined,
        };
        out.insert(name.to_string(), normalised);
    }
    out
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
pub(super) struct Prober {
    base_url: String,
    http: reqwest::Client,
    client: PushClient,
    observations: Vec<ProbeObservation>,
}

/// The repository a `/v2/<name>/<kind>/…` path addresses (for the auth scope); `None` for `/v2/`.
fn repository_of(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("/v2/")?;
    let rest = rest.split('?').next().unwrap_or(rest);
    ["/manifests/", "/blobs/", "/referrers/", "/tags/"]
        .iter()
        .filter_map(|k| rest.find(k))
        .min()
        .map(|i| &rest[..i])
}

impl Prober {
    /// A prober for the registry `client` is bound to (the probes to repositories answer its auth challenges).
    pub(super) fn new(client: &PushClient) -> Prober {
        Prober {
            base_url: client.base_url().to_string(),
            http: http::client(),
            client: client.clone(),
            observations: Vec::new(),
        }
    }

    /// What the probes saw, in the order they ran.
    pub(super) fn into_observations(self) -> Vec<ProbeObservation> {
        self.observations
    }

    /// Sends `method path_and_query` (with `accept`, if any) and records the answer as `probe`; `with_length`:
    /// `Content-Length` is compared too (the body is content).
    pub(super) async fn probe(
        &mut self,
        probe: &'static str,
        method: Method,
        path_and_query: &str,
        accept: Option<&str>,
        with_length: bool,
    ) -> Result<(), ProbeError> {
        let url = format!("{}{path_and_query}", self.base_url);
        let build = |c: &reqwest::Client| {
            let req = c.request(method.clone(), &url);
            match accept {
                Some(a) => req.header("accept", a),
                None => req,
            }
        };
        // `/v2/` goes out without auth so the challenge (if any) is what gets compared; the rest answer it.
        let resp = match repository_of(path_and_query) {
            Some(repo) => self
                .client
                .send(probe, &url, repo, build)
                .await
                .map_err(|source| ProbeError::Send { probe, source })?,
            None => build(&self.http)
                .send()
                .await
                .map_err(|e| ProbeError::Transport {
                    probe,
                    url: url.clone(),
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
        let body = resp.bytes().await.map_err(|e| ProbeError::Transport {
            probe,
            url: url.clone(),
            message: e.to_string(),
        })?;
        self.observations.push(ProbeObservation {
            probe: probe.to_string(),
            request: format!("{method} {path_and_query}"),
            status,
            content_type: header_value(&headers, "content-type"),
            headers: key_headers(&headers, &self.base_url, with_length),
            body_shape: body_shape(&body),
        });
        Ok(())
    }

    /// Records a manifest PUT answer as `probe`.
    pub(super) fn record_put(&mut self, probe: &str, path: &str, answer: &PutAnswer) {
        self.observations.push(ProbeObservation {
            probe: probe.to_string(),
            request: format!("PUT {path}"),
            status: answer.status,
            content_type: header_value(&answer.headers, "content-type"),
            headers: key_headers(&answer.headers, &self.base_url, false),
            body_shape: body_shape(answer.body.as_bytes()),
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
