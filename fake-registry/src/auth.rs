//! Auth emulation per profile: the 401 challenge, the token endpoint (Bearer profiles) and Basic checks
//! ([distribution token auth](https://distribution.github.io/distribution/spec/auth/token/)).
//!
//! Rules (documented in the crate docs):
//! - no configured credentials: [`Anonymous::Open`] profiles ask for nothing; [`Anonymous::AnonymousToken`]
//!   profiles want a Bearer token but their token endpoint issues one to anybody (pull and push);
//!   [`Anonymous::Always`] (ECR) wants its default Basic credentials (`AWS` / `demo`).
//! - configured credentials: they are required — Bearer profiles issue tokens only against them (Basic auth on
//!   the token endpoint, or `username`/`password` form fields on a POST), Basic profiles want them on every request.
//! - tokens are opaque, remembered by the fake, valid for the server's lifetime; scopes are not enforced.

use base64::Engine as _;
use serde_json::{Map, Value};

use crate::answer::canned;
use crate::message::{Req, Resp, parse_query};
use crate::profile::{Anonymous, ChallengeOn, RealmHost, Scheme, Service};
use crate::route::Route;
use crate::state::State;

/// Which credentials are required, if any.
enum Need<'a> {
    Nothing,
    AnyToken,
    Credentials(&'a str, &'a str),
}

fn need(state: &State) -> Need<'_> {
    let auth = &state.profile.behaviour().auth;
    if let Some((u, p)) = &state.credentials {
        return Need::Credentials(u, p);
    }
    match auth.anonymous {
        Anonymous::Open => Need::Nothing,
        Anonymous::AnonymousToken => Need::AnyToken,
        Anonymous::Always { user, password } => Need::Credentials(user, password),
    }
}

/// Decode `Authorization: Basic ...` into `(user, password)`.
fn basic_credentials(value: &str) -> Option<(String, String)> {
    let (scheme, rest) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let raw = base64::engine::general_purpose::STANDARD
        .decode(rest.trim())
        .ok()?;
    let s = String::from_utf8(raw).ok()?;
    let (u, p) = s.split_once(':')?;
    Some((u.to_string(), p.to_string()))
}

fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, rest) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(rest.trim())
}

/// The realm URL of a Bearer profile.
pub(crate) fn realm_url(state: &State, req: &Req) -> Option<String> {
    match state.profile.behaviour().auth.scheme {
        Scheme::Bearer {
            realm_host,
            realm_path,
            ..
        } => Some(match realm_host {
            RealmHost::Same => format!("{}{realm_path}", req.origin()),
            RealmHost::Other => format!("{}{realm_path}", state.other_base),
        }),
        Scheme::Basic { .. } => None,
    }
}

fn scope(req: &Req, route: &Route) -> Option<String> {
    let repo = route.repo()?;
    let actions = match req.method.as_str() {
        "GET" | "HEAD" => "pull",
        "DELETE" => "delete",
        _ => "pull,push",
    };
    Some(format!("repository:{repo}:{actions}"))
}

/// The 401 answer with the profile's challenge and body.
pub(crate) fn challenge(state: &State, req: &Req, route: &Route) -> Resp {
    let auth = &state.profile.behaviour().auth;
    let header = match auth.scheme {
        Scheme::Bearer { word, service, .. } => {
            let service = match service {
                Service::Fixed(s) => s.to_string(),
                Service::Host => req
                    .origin()
                    .split_once("://")
                    .map(|(_, h)| h.to_string())
                    .unwrap_or_default(),
            };
            let mut h = format!(
                "{word} realm=\"{}\",service=\"{service}\"",
                realm_url(state, req).unwrap_or_default()
            );
            if let Some(s) = scope(req, route) {
                h.push_str(&format!(",scope=\"{s}\""));
            }
            h
        }
        Scheme::Basic {
            word,
            realm,
            service,
        } => {
            let realm = realm
                .map(str::to_string)
                .unwrap_or_else(|| format!("{}/", req.origin()));
            let mut h = format!("{word} realm=\"{realm}\"");
            if let Some(s) = service {
                h.push_str(&format!(",service=\"{s}\""));
            }
            h
        }
    };
    let body = match (route, &auth.base_unauthorized) {
        (Route::Base, Some(b)) => b,
        _ => &auth.unauthorized,
    };
    let mut resp = canned(body);
    if body.body.contains("{repo}") {
        let repo = route.repo().unwrap_or("");
        let action = match req.method.as_str() {
            "GET" | "HEAD" => "pull",
            "DELETE" => "delete",
            _ => "push",
        };
        resp.body = bytes::Bytes::from(
            body.body
                .replace("{repo}", &json_escape(repo))
                .replace("{action}", action),
        );
    }
    if auth.challenge_on == ChallengeOn::BaseOnly && *route != Route::Base {
        return resp;
    }
    resp.header("www-authenticate", header)
}

/// Escape a string for a JSON string literal (repository names are already restricted, but be safe).
fn json_escape(s: &str) -> String {
    let quoted = serde_json::Value::String(s.to_string()).to_string();
    quoted[1..quoted.len() - 1].to_string()
}

/// Check a request against the profile's auth; `Err` is the 401 to send.
pub(crate) fn check(state: &State, req: &Req, route: &Route) -> Result<(), Resp> {
    let need = need(state);
    if matches!(need, Need::Nothing) {
        return Ok(());
    }
    let presented = req.header("authorization");
    let ok = match state.profile.behaviour().auth.scheme {
        Scheme::Bearer { .. } => presented
            .and_then(bearer_token)
            .and_then(|t| state.lock_tokens().get(t).cloned())
            .is_some_and(|principal| match need {
                Need::Credentials(u, _) => principal == u,
                _ => true,
            }),
        Scheme::Basic { .. } => match need {
            Need::Credentials(u, p) => presented
                .and_then(basic_credentials)
                .is_some_and(|(cu, cp)| cu == u && cp == p),
            _ => true,
        },
    };
    if ok {
        Ok(())
    } else {
        Err(challenge(state, req, route))
    }
}

/// Is this request for the profile's token endpoint (on the listener its realm names)?
pub(crate) fn is_token_request(state: &State, req: &Req) -> bool {
    match state.profile.behaviour().auth.scheme {
        Scheme::Bearer {
            realm_host,
            realm_path,
            ..
        } => req.path == realm_path && (realm_host == RealmHost::Other) == req.other_host,
        Scheme::Basic { .. } => false,
    }
}

/// Answer a token request.
pub(crate) fn token_endpoint(state: &State, req: &Req) -> Resp {
    let Scheme::Bearer { token: shape, .. } = state.profile.behaviour().auth.scheme else {
        return Resp::error(404, "NOT_FOUND", "no token endpoint");
    };
    if req.method != http::Method::GET && req.method != http::Method::POST {
        return Resp::error(405, "UNSUPPORTED", "method not allowed");
    }
    // Credentials: Basic header, or OAuth2 password form fields on a POST.
    let mut presented = req.header("authorization").and_then(basic_credentials);
    if presented.is_none() && req.method == http::Method::POST {
        let form = parse_query(&String::from_utf8_lossy(&req.body));
        let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        if let (Some(u), Some(p)) = (get("username"), get("password")) {
            presented = Some((u, p));
        }
    }
    let principal = match &state.credentials {
        Some((u, p)) => match &presented {
            Some((cu, cp)) if cu == u && cp == p => u.clone(),
            _ => {
                return Resp::json(
                    401,
                    &serde_json::json!({"details": "incorrect username or password"}),
                )
                .header("www-authenticate", "Basic realm=\"fake-registry token\"");
            }
        },
        None => presented
            .map(|(u, _)| u)
            .unwrap_or_else(|| "anonymous".into()),
    };
    let token = state.issue_token(&principal);
    let mut body = Map::new();
    if shape.token {
        body.insert("token".into(), Value::String(token.clone()));
    }
    if shape.access_token {
        body.insert("access_token".into(), Value::String(token));
    }
    if let Some(e) = shape.expires_in {
        body.insert("expires_in".into(), Value::from(e));
    }
    if shape.issued_at {
        body.insert("issued_at".into(), Value::String(rfc3339_now()));
    }
    Resp::json(200, &Value::Object(body))
}

/// Current UTC time as RFC 3339 (`2024-01-01T00:00:00Z`), without a date crate.
fn rfc3339_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_credentials() {
        let v = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode("AWS:demo")
        );
        assert_eq!(basic_credentials(&v), Some(("AWS".into(), "demo".into())));
        assert_eq!(basic_credentials("Basic !!!"), None);
        assert_eq!(bearer_token("bearer abc"), Some("abc"));
        assert_eq!(bearer_token("Basic abc"), None);
        let now = rfc3339_now();
        assert_eq!(now.len(), 20, "{now}");
    }
}
