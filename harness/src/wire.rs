//! Facts read off the wire (a registry's request log), independent of what the code under test says.
//!
//! The matrix's behavioural columns and the wire checks come from here, not from the profiles' declarations. A
//! target that keeps a request log (the fake registry) hands it over as a [`WireLog`]; the records are the fake's
//! [`LoggedRequest`]s, each saying which listener served it.

use fake_registry::{Listener, LoggedRequest};
use serde::{Deserialize, Serialize};

/// What a registry's request log showed for one cell's operation.
#[derive(Debug, Clone, Default)]
pub struct WireLog {
    /// Every request the registry received during the operation, in arrival order.
    pub requests: Vec<LoggedRequest>,
    /// The most requests the registry handled at once.
    pub peak_in_flight: usize,
}

/// Response headers recorded with each exchange.
pub const KEY_HEADERS: &[&str] = &[
    "content-type",
    "docker-content-digest",
    "docker-distribution-api-version",
    "oci-distribution-api-version",
    "oci-filters-applied",
    "oci-subject",
    "link",
    "location",
    "www-authenticate",
    "retry-after",
    "ratelimit-limit",
    "ratelimit-remaining",
    "docker-ratelimit-source",
    "x-total-count",
];

/// What the wire showed about the registry's referrers behaviour in one cell.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Wire {
    /// Status of the first referrers request the registry answered (after any fault), with its Content-Type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrers_status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrers_content_type: Option<String>,
    /// Some referrers answer carried `OCI-Filters-Applied: artifactType` (None: no filtered request was made).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_filtered: Option<bool>,
    /// Some referrers answer carried a `Link` header (None: no referrers answer was seen).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paged: Option<bool>,
    /// How the first 429 (or rate-limit 403) looked: status and the rate-limit headers present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<String>,
    /// The auth challenge seen: scheme, and where the token realm lives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<String>,
    /// `Docker-Distribution-API-Version` seen on the registry's answers (the first one that carried it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
}

fn header<'a>(r: &'a LoggedRequest, name: &str) -> Option<&'a str> {
    r.response_headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The realm URL of a `WWW-Authenticate` challenge (`realm="…"`), if it names one.
fn challenge_realm(challenge: &str) -> Option<&str> {
    challenge.split("realm=\"").nth(1)?.split('"').next()
}

/// `host[:port]` of an absolute URL.
fn url_host(url: &str) -> Option<&str> {
    url.split("://").nth(1)?.split('/').next()
}

/// The paths of the token realms the registry's challenges named on another origin than `base_url`'s: the only
/// places off the registry's origin that may receive credentials.
pub fn foreign_realm_paths(base_url: &str, log: &[LoggedRequest]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in log.iter().filter(|r| r.listener == Listener::Registry) {
        let Some(realm) = header(r, "www-authenticate").and_then(challenge_realm) else {
            continue;
        };
        let Some(host) = url_host(realm) else {
            continue;
        };
        if base_url.ends_with(host) {
            continue;
        }
        let path = realm
            .split("://")
            .nth(1)
            .and_then(|rest| rest.find('/').map(|i| &rest[i..]))
            .unwrap_or("/");
        let path = path.split('?').next().unwrap_or(path).to_string();
        if !out.contains(&path) {
            out.push(path);
        }
    }
    out
}

/// A referrers answer that is the API's (200, or the non-conformant 404 whose body is an index).
fn is_api_answer(r: &LoggedRequest) -> bool {
    r.status == 200 || (r.status == 404 && r.response_body_prefix.contains("\"manifests\""))
}

fn is_referrers(r: &LoggedRequest) -> bool {
    r.path.contains("/referrers/")
}

impl Wire {
    /// Reads the wire facts off the request log of the registry at `base_url`.
    pub fn from_log(base_url: &str, log: &[LoggedRequest]) -> Wire {
        let mut w = Wire::default();
        let answered = |r: &&LoggedRequest| r.status != 401 && r.fault.is_none();
        if let Some(r) = log
            .iter()
            .filter(|r| is_referrers(r) && r.listener == Listener::Registry)
            .find(answered)
        {
            w.referrers_status = Some(r.status);
            w.referrers_content_type = header(r, "content-type").map(str::to_string);
        }
        let refs: Vec<&LoggedRequest> = log
            .iter()
            .filter(|r| is_referrers(r) && is_api_answer(r))
            .collect();
        if !refs.is_empty() {
            w.paged = Some(refs.iter().any(|r| header(r, "link").is_some()));
        }
        let filtered: Vec<&&LoggedRequest> = refs
            .iter()
            .filter(|r| r.path.contains("artifactType="))
            .collect();
        if !filtered.is_empty() {
            w.server_filtered = Some(filtered.iter().any(|r| {
                header(r, "oci-filters-applied").is_some_and(|v| {
                    v.split(',')
                        .any(|x| x.trim().eq_ignore_ascii_case("artifactType"))
                })
            }));
        }
        if let Some(r) = log.iter().find(|r| {
            r.status == 429
                || (r.status == 403 && r.response_body_prefix.contains("secondary rate limit"))
        }) {
            let mut parts = vec![r.status.to_string()];
            for h in [
                "retry-after",
                "ratelimit-limit",
                "ratelimit-remaining",
                "docker-ratelimit-source",
            ] {
                if header(r, h).is_some() {
                    parts.push(h.to_string());
                }
            }
            let body = r.response_body_prefix.trim();
            let kind = if body.contains("TOOMANYREQUESTS") {
                "TOOMANYREQUESTS JSON"
            } else if body.starts_with("toomanyrequests") {
                "text body"
            } else if body.starts_with('{') {
                "JSON body"
            } else {
                "other body"
            };
            parts.push(kind.to_string());
            w.rate_limit = Some(parts.join(" + "));
        }
        let bare_401 = log
            .iter()
            .find(|r| r.status == 401)
            .is_some_and(|r| header(r, "www-authenticate").is_none());
        if let Some((r, ch)) = log
            .iter()
            .filter(|r| r.status == 401)
            .find_map(|r| header(r, "www-authenticate").map(|ch| (r, ch)))
        {
            let scheme = ch.split_whitespace().next().unwrap_or("").to_string();
            let realm_host = challenge_realm(ch).and_then(url_host).unwrap_or("");
            let place = if realm_host.is_empty() {
                String::new()
            } else if !base_url.ends_with(realm_host) {
                ", realm on another host".to_string()
            } else {
                ", realm on the registry".to_string()
            };
            // A registry that challenges only where clients ping (container-registry 0.3): the first 401 was bare.
            let only = if bare_401 {
                format!(", challenge only on {}", r.path)
            } else {
                String::new()
            };
            w.auth = Some(format!("{scheme}{place}{only}"));
        }
        w.api_version = log
            .iter()
            .filter(|r| r.listener == Listener::Registry)
            .find_map(|r| header(r, "docker-distribution-api-version"))
            .map(str::to_string);
        w
    }
}

/// Sums every sample of a counter in Prometheus text format.
pub fn metric_sum(text: &str, name: &str) -> u64 {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter(|l| {
            l.strip_prefix(name)
                .is_some_and(|rest| rest.starts_with('{') || rest.starts_with(' '))
        })
        .filter_map(|l| l.rsplit(' ').next())
        .filter_map(|v| v.parse::<f64>().ok())
        .map(|v| v as u64)
        .sum()
}

/// Checks that every request repeated after a 429 carrying a numeric `Retry-After` waited at least that long.
pub fn retry_after_honoured(log: &[LoggedRequest]) -> Result<(), String> {
    let mut seen = 0;
    for (i, r) in log.iter().enumerate() {
        if r.status != 429 {
            continue;
        }
        let Some(secs) = header(r, "retry-after").and_then(|v| v.trim().parse::<u64>().ok()) else {
            continue;
        };
        seen += 1;
        let path = r.path.split('?').next().unwrap_or("");
        if let Some(next) = log[i + 1..]
            .iter()
            .find(|n| n.method == r.method && n.path.split('?').next() == Some(path))
        {
            let gap = next.elapsed_ms.saturating_sub(r.elapsed_ms);
            if gap + 5 < secs * 1000 {
                return Err(format!(
                    "Retry-After: {secs} not honoured: {} {} repeated after {gap} ms",
                    r.method, r.path
                ));
            }
        }
    }
    if seen == 0 {
        return Err("no 429 with a numeric Retry-After was seen, so nothing was proved".into());
    }
    Ok(())
}
