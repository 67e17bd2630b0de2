//! Registry auth for the push client and the probes: answering a `401` challenge the way Docker clients do.
//!
//! `Basic realm=…` → retry with Basic credentials. `Bearer realm=…,service=…[,scope=…]` → `GET realm?service=…&scope=…`
//! (with Basic credentials when there are some, anonymously otherwise), take `token` or `access_token` from the JSON
//! answer, retry with `Bearer <token>` (distribution "Token Authentication Specification"). Tokens are cached per
//! scope. Credentials never leave for a host other than the registry and its token realm.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// A username and password (or token). `Debug` does not show the password.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

impl Credentials {
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> Self {
        Self {
            username: username.into(),
            password: password.into(),
        }
    }

    /// `Basic base64(user:pass)`.
    pub fn basic_header(&self) -> String {
        format!(
            "Basic {}",
            STANDARD.encode(format!("{}:{}", self.username, self.password))
        )
    }
}

/// A parsed `WWW-Authenticate` challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// Lower-cased scheme: `basic`, `bearer`, …
    pub scheme: String,
    /// Parameters, names lower-cased.
    pub params: HashMap<String, String>,
}

/// Parses `Scheme k="v", k2=v2` (quoted values may hold commas; `\"` escapes). `None` for an empty header.
pub fn parse_challenge(header: &str) -> Option<Challenge> {
    let header = header.trim();
    let (scheme, rest) = match header.find(char::is_whitespace) {
        Some(i) => (&header[..i], &header[i..]),
        None => (header, ""),
    };
    if scheme.is_empty() {
        return None;
    }
    let mut params = HashMap::new();
    let mut chars = rest.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == ',') {
            chars.next();
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c == ',' || c.is_whitespace() {
                break;
            }
            key.push(c);
            chars.next();
        }
        if key.is_empty() {
            break;
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut value = String::new();
        if chars.peek() == Some(&'=') {
            chars.next();
            while chars.peek().is_some_and(|c| c.is_whitespace()) {
                chars.next();
            }
            if chars.peek() == Some(&'"') {
                chars.next();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            if let Some(n) = chars.next() {
                                value.push(n);
                            }
                        }
                        '"' => break,
                        c => value.push(c),
                    }
                }
            } else {
                while let Some(&c) = chars.peek() {
                    if c == ',' {
                        break;
                    }
                    value.push(c);
                    chars.next();
                }
                value = value.trim().to_string();
            }
        }
        params.insert(key.to_ascii_lowercase(), value);
    }
    Some(Challenge {
        scheme: scheme.to_ascii_lowercase(),
        params,
    })
}

/// Answers challenges and caches the resulting `Authorization` values per scope.
#[derive(Debug, Clone, Default)]
pub struct Authenticator {
    credentials: Option<Credentials>,
    cache: Arc<Mutex<HashMap<String, String>>>,
}

/// Failure to obtain a token.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("token request to {realm} failed: {message}")]
    Token { realm: String, message: String },
    #[error("token endpoint {realm} answered {status}")]
    TokenStatus { realm: String, status: u16 },
    #[error("token endpoint {realm} answered no `token` or `access_token`")]
    NoToken { realm: String },
}

impl Authenticator {
    pub fn new(credentials: Option<Credentials>) -> Self {
        Self {
            credentials,
            cache: Arc::default(),
        }
    }

    pub fn credentials(&self) -> Option<&Credentials> {
        self.credentials.as_ref()
    }

    /// The cached `Authorization` value for `scope`, if any.
    pub fn cached(&self, scope: &str) -> Option<String> {
        self.cache.lock().ok()?.get(scope).cloned()
    }

    /// The `Authorization` value answering `challenge` for `scope` (`repository:<name>:pull,push`), fetched and
    /// cached; `Ok(None)` when the challenge cannot be answered (Basic without credentials, unknown scheme).
    pub async fn authorize(
        &self,
        http: &reqwest::Client,
        challenge: &Challenge,
        scope: &str,
    ) -> Result<Option<String>, AuthError> {
        let value = match challenge.scheme.as_str() {
            "basic" => match &self.credentials {
                Some(c) => c.basic_header(),
                None => return Ok(None),
            },
            "bearer" => {
                let Some(realm) = challenge.params.get("realm") else {
                    return Ok(None);
                };
                let mut query: Vec<(&str, &str)> = Vec::new();
                if let Some(service) = challenge.params.get("service") {
                    query.push(("service", service));
                }
                query.push((
                    "scope",
                    challenge
                        .params
                        .get("scope")
                        .map(String::as_str)
                        .unwrap_or(scope),
                ));
                let mut url = reqwest::Url::parse(realm).map_err(|e| AuthError::Token {
                    realm: realm.clone(),
                    message: format!("realm is not a URL: {e}"),
                })?;
                url.query_pairs_mut().extend_pairs(&query);
                let mut req = http.get(url);
                if let Some(c) = &self.credentials {
                    req = req.header("authorization", c.basic_header());
                }
                let resp = req.send().await.map_err(|e| AuthError::Token {
                    realm: realm.clone(),
                    message: e.to_string(),
                })?;
                if !resp.status().is_success() {
                    return Err(AuthError::TokenStatus {
                        realm: realm.clone(),
                        status: resp.status().as_u16(),
                    });
                }
                let body: serde_json::Value =
                    resp.json_value()
                        .await
                        .map_err(|message| AuthError::Token {
                            realm: realm.clone(),
                            message,
                        })?;
                let token = body
                    .get("token")
                    .or_else(|| body.get("access_token"))
                    .and_then(serde_json::Value::as_str)
                    .ok_or_else(|| AuthError::NoToken {
                        realm: realm.clone(),
                    })?;
                format!("Bearer {token}")
            }
            _ => return Ok(None),
        };
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(scope.to_string(), value.clone());
        }
        Ok(Some(value))
    }
}

/// Reads a JSON body without reqwest's `json` feature.
trait JsonValue {
    async fn json_value(self) -> Result<serde_json::Value, String>;
}

impl JsonValue for reqwest::Response {
    async fn json_value(self) -> Result<serde_json::Value, String> {
        let bytes = self.bytes().await.map_err(|e| e.to_string())?;
        serde_json::from_slice(&bytes).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_bearer_with_a_comma_in_the_scope() {
        let c = parse_challenge(
            r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull,push""#,
        )
        .unwrap();
        assert_eq!(c.scheme, "bearer");
        assert_eq!(c.params["realm"], "https://auth.docker.io/token");
        assert_eq!(c.params["service"], "registry.docker.io");
        assert_eq!(c.params["scope"], "repository:library/alpine:pull,push");
    }

    #[test]
    fn parses_basic_and_lower_case_schemes_and_junk() {
        let c = parse_challenge(r#"basic realm="x""#).unwrap();
        assert_eq!(
            (c.scheme.as_str(), c.params["realm"].as_str()),
            ("basic", "x")
        );
        let c = parse_challenge("Basic").unwrap();
        assert!(c.params.is_empty());
        assert!(parse_challenge("  ").is_none());
        let c = parse_challenge(r#"Bearer realm="unterminated"#).unwrap();
        assert_eq!(c.params["realm"], "unterminated");
    }

    #[test]
    fn debug_hides_the_password() {
        let c = Credentials::new("u", "secret");
        assert!(!format!("{c:?}").contains("secret"));
        assert_eq!(c.basic_header(), "Basic dTpzZWNyZXQ=");
    }
}
