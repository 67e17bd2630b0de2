//! Evidence every check reports from the exchange log: the requests made and the API-version header seen.

use serde_json::{Value, json};

use crate::http::{Exchange, HttpClient};

/// Requests for evidence: method, path (or full redacted URL for another host), status, Content-Type, duration.
pub(crate) fn requests_evidence(client: &HttpClient, exchanges: &[Exchange]) -> Value {
    let own = client.host_label();
    Value::Array(
        exchanges
            .iter()
            .map(|e| {
                let path = if e.host == own {
                    url::Url::parse(&e.url)
                        .map(|u| match u.query() {
                            Some(q) => format!("{}?{q}", u.path()),
                            None => u.path().to_string(),
                        })
                        .unwrap_or_else(|_| e.url.clone())
                } else {
                    e.url.clone()
                };
                let mut v = json!({
                    "method": e.method, "path": path, "status": e.status,
                    "content_type": e.content_type, "duration_ms": e.duration_ms,
                });
                if let Some(err) = &e.error {
                    v["error"] = json!(err);
                }
                v
            })
            .collect(),
    )
}

/// `Docker-Distribution-API-Version` from the first exchange that carried it.
pub(crate) fn api_version(exchanges: &[Exchange]) -> Option<String> {
    exchanges.iter().find_map(|e| {
        e.response_headers
            .iter()
            .find(|(k, _)| k == "docker-distribution-api-version")
            .map(|(_, v)| v.clone())
    })
}
