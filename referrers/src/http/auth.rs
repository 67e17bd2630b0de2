//! `WWW-Authenticate` parsing (RFC 9110 §11.6.1) and the token answer (distribution `docs/spec/auth/token.md`).
//! Scheme names and parameter names are case-insensitive (zot sends `bearer`).

use std::collections::BTreeMap;
use std::time::Duration;

/// One challenge: a lowercase scheme and its parameters (lowercase names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// `bearer`, `basic`, ...
    pub scheme: String,
    /// Parameters such as `realm`, `service`, `scope`.
    pub params: BTreeMap<String, String>,
}

/// Parse every challenge in the given header values. Garbage yields fewer challenges, never a panic.
pub fn parse_challenges<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<Challenge> {
    let mut out: Vec<Challenge> = Vec::new();
    for value in values {
        let s: Vec<char> = value.chars().take(4096).collect();
        let mut i = 0;
        let skip_ws = |i: &mut usize| {
            while *i < s.len() && (s[*i] == ' ' || s[*i] == '\t' || s[*i] == ',') {
                *i += 1;
            }
        };
        loop {
            skip_ws(&mut i);
            if i >= s.len() {
                break;
            }
            let ts = i;
            while i < s.len() && !matches!(s[i], ' ' | '\t' | ',' | '=') {
                i += 1;
            }
            let token: String = s[ts..i].iter().collect();
            let mut j = i;
            while j < s.len() && (s[j] == ' ' || s[j] == '\t') {
                j += 1;
            }
            if j < s.len() && s[j] == '=' && !out.is_empty() {
                // auth-param of the current challenge
                i = j + 1;
                while i < s.len() && (s[i] == ' ' || s[i] == '\t') {
                    i += 1;
                }
                let mut val = String::new();
                if i < s.len() && s[i] == '"' {
                    i += 1;
                    while i < s.len() && s[i] != '"' {
                        if s[i] == '\\' && i + 1 < s.len() {
                            i += 1;
                        }
                        val.push(s[i]);
                        i += 1;
                    }
                    i += 1;
                } else {
                    while i < s.len() && s[i] != ',' {
                        val.push(s[i]);
                        i += 1;
                    }
                    val = val.trim().to_string();
                }
                if let Some(c) = out.last_mut() {
                    c.params.insert(token.to_ascii_lowercase(), val);
                }
            } else if j < s.len() && s[j] == '=' {
                // a parameter before any scheme: skip it
                i = j + 1;
                while i < s.len() && s[i] != ',' {
                    i += 1;
                }
            } else if !token.is_empty() {
                out.push(Challenge {
                    scheme: token.to_ascii_lowercase(),
                    params: BTreeMap::new(),
                });
                i = j;
            } else {
                i += 1;
            }
        }
    }
    out
}

/// A token endpoint answer.
#[derive(Debug, Clone)]
pub(crate) struct TokenAnswer {
    pub token: String,
    pub expires_in: Duration,
}

/// Decode `{"token"|"access_token": "...", "expires_in": N}`; `expires_in` defaults to 60 s (token.md) and is
/// capped at a day.
pub(crate) fn parse_token_answer(body: &[u8]) -> Result<TokenAnswer, String> {
    let v: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| "token answer is not JSON".to_string())?;
    let token = ["token", "access_token"]
        .iter()
        .find_map(|k| v.get(*k).and_then(|t| t.as_str()).filter(|t| !t.is_empty()))
        .ok_or("token answer has no token or access_token")?;
    if token.len() > 64 * 1024 || token.chars().any(|c| c.is_control()) {
        return Err("token answer holds an unusable token".into());
    }
    let secs = v
        .get("expires_in")
        .and_then(|e| e.as_u64())
        .filter(|s| *s > 0)
        .unwrap_or(60)
        .min(86_400);
    Ok(TokenAnswer {
        token: token.to_string(),
        expires_in: Duration::from_secs(secs),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn bearer_and_basic() {
        let c = parse_challenges([
            r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull""#,
        ]);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].scheme, "bearer");
        assert_eq!(c[0].params["realm"], "https://auth.docker.io/token");
        assert_eq!(c[0].params["scope"], "repository:library/alpine:pull");
        let c = parse_challenges([
            r#"basic realm="Registry Realm""#,
            "BEARER REALM=http://x/t, Service=s",
        ]);
        assert_eq!(c[0].scheme, "basic");
        assert_eq!(c[1].scheme, "bearer");
        assert_eq!(c[1].params["realm"], "http://x/t");
        assert_eq!(c[1].params["service"], "s");
    }

    #[test]
    fn several_challenges_in_one_value() {
        let c = parse_challenges([
            r#"Basic realm="a", Bearer realm="https://t/x",scope="repository:a/b:pull,push""#,
        ]);
        assert_eq!(c.len(), 2);
        assert_eq!(c[1].params["scope"], "repository:a/b:pull,push");
    }

    #[test]
    fn token_answers() {
        let t = parse_token_answer(br#"{"access_token":"abc","expires_in":300}"#).unwrap();
        assert_eq!((t.token.as_str(), t.expires_in.as_secs()), ("abc", 300));
        let t = parse_token_answer(br#"{"token":"x"}"#).unwrap();
        assert_eq!(t.expires_in.as_secs(), 60);
        assert!(parse_token_answer(br#"{"token":""}"#).is_err());
        assert!(parse_token_answer(b"<html>").is_err());
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,200}") {
            let _ = parse_challenges([s.as_str()]);
            let _ = parse_token_answer(s.as_bytes());
        }
    }
}
