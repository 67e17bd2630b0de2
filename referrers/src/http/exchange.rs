//! The exchange log: every request made, redacted, for evidence and tests.

use serde::Serialize;
use url::Url;

/// One HTTP request and its answer (or failure). Never holds credentials.
#[derive(Debug, Clone, Serialize)]
pub struct Exchange {
    /// `GET`, `HEAD`, `POST`.
    pub method: String,
    /// URL without userinfo and with secret-looking query values redacted.
    pub url: String,
    /// `host[:port]`.
    pub host: String,
    /// Status, if an answer arrived.
    pub status: Option<u16>,
    /// `Content-Type` of the answer.
    pub content_type: Option<String>,
    /// Time to the end of the body.
    pub duration_ms: u64,
    /// Whether an `Authorization` header was sent.
    pub sent_authorization: bool,
    /// Headers that matter for the verdicts (lowercase names).
    pub response_headers: Vec<(String, String)>,
    /// The failure, if no answer was usable.
    pub error: Option<String>,
}

/// Response headers kept in the log.
pub(crate) const KEPT_HEADERS: &[&str] = &[
    "content-type",
    "content-length",
    "docker-content-digest",
    "docker-distribution-api-version",
    "oci-filters-applied",
    "oci-subject",
    "link",
    "location",
    "retry-after",
    "www-authenticate",
    "ratelimit-limit",
    "ratelimit-remaining",
    "docker-ratelimit-source",
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
    "x-total-count",
];

const SECRET_PARAMS: &[&str] = &[
    "token",
    "secret",
    "password",
    "signature",
    "credential",
    "sig",
    "key",
    "auth",
];

/// A URL for logs and errors: no userinfo, secret-looking query values replaced by `REDACTED`.
pub fn redact_url(u: &Url) -> String {
    // Nothing to remove or rewrite: the text as it is (what the full path below would give), without a clone.
    if u.username().is_empty() && u.password().is_none() && u.query().is_none() {
        return u.as_str().to_string();
    }
    let mut u = u.clone();
    let _ = u.set_username("");
    let _ = u.set_password(None);
    if u.query().is_some() {
        let pairs: Vec<(String, String)> = u
            .query_pairs()
            .map(|(k, v)| {
                let lk = k.to_ascii_lowercase();
                if SECRET_PARAMS.iter().any(|s| lk.contains(s)) {
                    (k.into_owned(), "REDACTED".to_string())
                } else {
                    (k.into_owned(), v.into_owned())
                }
            })
            .collect();
        u.query_pairs_mut().clear().extend_pairs(pairs);
    }
    u.to_string()
}

/// Redact a URL given as text; unparsable text loses anything before an `@`.
pub fn redact_str(s: &str) -> String {
    match Url::parse(s)
        .ok()
        .filter(|u| u.has_host() && s.contains("://"))
    {
        Some(u) => redact_url(&u),
        None => match s.rfind('@') {
            Some(i) => s[i + 1..].to_string(),
            None => s.to_string(),
        },
    }
}

/// The first `n` characters of `s` (no counting when its bytes already fit).
pub(crate) fn clip(s: &str, n: usize) -> String {
    if s.len() <= n {
        s.to_string()
    } else {
        s.chars().take(n).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_userinfo_and_signatures() {
        let u = Url::parse("https://user:pw@h.example/p?X-Amz-Signature=abc&n=1&access_token=t")
            .unwrap();
        let r = redact_url(&u);
        assert!(
            !r.contains("pw") && !r.contains("abc") && !r.contains("=t"),
            "{r}"
        );
        assert!(r.contains("n=1"));
        assert_eq!(redact_str("user:pw@host"), "host");
    }

    #[test]
    fn fast_path_gives_what_the_full_path_gives() {
        for raw in [
            "https://h.example/v2/a/b/referrers/sha256:abc",
            "http://127.0.0.1:5000/v2/",
            "https://h.example/p#frag",
            "https://h.example/p%20q",
            "https://h.example/p?",
            "https://:pw@h.example/p",
        ] {
            let u = Url::parse(raw).unwrap();
            let mut full = u.clone();
            let _ = full.set_username("");
            let _ = full.set_password(None);
            if full.query().is_some() {
                let pairs: Vec<(String, String)> = full.query_pairs().into_owned().collect();
                full.query_pairs_mut().clear().extend_pairs(pairs);
            }
            assert_eq!(redact_url(&u), full.to_string(), "{raw}");
        }
    }
}
