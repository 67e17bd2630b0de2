//! The auth dance: a cached Bearer token (per scope) or accepted Basic credentials up front; on a 401 from the
//! registry's origin, its `WWW-Authenticate` challenge answered once (a token from the realm it names, anonymously or
//! with the credentials, never downgraded from https to http; or Basic credentials). A 401 without a challenge
//! takes the one `GET /v2/` answers (RFC 9110 §15.5.2 requires `WWW-Authenticate` on every 401, but some
//! registries, container-registry 0.3 among them, challenge only there, where distribution-spec §"Determining
//! support" has clients ping first).

use base64::Engine as _;
use reqwest::Method;
use reqwest::header::HeaderValue;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::auth::{parse_challenges, parse_token_answer};
use super::client::HttpClient;
use super::docker_config::{ResolvedCredentials, lookup_docker_config};
use super::error::HttpError;
use super::exchange::redact_url;
use super::op::Op;
use super::request::Req;
use super::response::Resp;
use crate::config::Credentials;

enum AuthOutcome {
    Header(HeaderValue),
    GiveUp(String),
    Replace(Box<Resp>),
}

fn basic_header(user: &str, pass: &str) -> HeaderValue {
    let enc = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"));
    let mut h = HeaderValue::from_str(&format!("Basic {enc}"))
        .unwrap_or_else(|_| HeaderValue::from_static("Basic"));
    h.set_sensitive(true);
    h
}

impl HttpClient {
    async fn credentials(&self, op: &Op) -> Result<Option<ResolvedCredentials>, HttpError> {
        self.resolved
            .get_or_init(|| async {
                match &self.credentials {
                    Credentials::Anonymous => Ok(None),
                    Credentials::Basic { username, password } => {
                        Ok(Some(ResolvedCredentials::Basic {
                            username: username.clone(),
                            password: password.clone(),
                        }))
                    }
                    Credentials::DockerConfig(path) => {
                        lookup_docker_config(path, &self.host_label(), op.remaining()).await
                    }
                }
            })
            .await
            .clone()
    }

    async fn cached_auth(&self, op: &Op, scope_key: &str) -> Option<HeaderValue> {
        if self.basic_accepted.load(Ordering::Relaxed)
            && let Ok(Some(ResolvedCredentials::Basic { username, password })) =
                // Boxed: resolving credentials (a Docker config, a helper) is a future of about 1 kB that most
                // requests never run; inline, every request future above this one would carry and copy it.
                Box::pin(self.credentials(op)).await
        {
            return Some(basic_header(&username, &password));
        }
        let tokens = self.tokens.lock().ok()?;
        tokens
            .get(scope_key)
            .filter(|(_, exp)| Instant::now() < *exp)
            .map(|(h, _)| h.clone())
    }

    pub(super) async fn send_authed(&self, op: &Op, req: &Req) -> Result<Resp, HttpError> {
        let scope_key = req.scope.as_deref().unwrap_or_default();
        let mut auth = self.cached_auth(op, scope_key).await;
        let mut challenged = false;
        loop {
            let resp = self.follow(op, req, auth.as_ref(), None).await?;
            if resp.status != 401 || challenged || resp.url.origin() != self.base.origin() {
                return Ok(resp);
            }
            challenged = true;
            // Boxed for the same reason: the token dance is a large future that most requests never run.
            match Box::pin(self.answer_challenge(op, &resp, req)).await? {
                AuthOutcome::Header(h) => auth = Some(h),
                AuthOutcome::GiveUp(note) => {
                    return Ok(Resp {
                        auth_note: Some(note),
                        ..resp
                    });
                }
                AuthOutcome::Replace(r) => return Ok(*r),
            }
        }
    }

    async fn answer_challenge(
        &self,
        op: &Op,
        resp: &Resp,
        req: &Req,
    ) -> Result<AuthOutcome, HttpError> {
        let mut challenges = parse_challenges(resp.headers_all("www-authenticate"));
        if challenges.is_empty() && resp.url.path() != "/v2/" {
            let ping = Req {
                method: Method::GET,
                url: self.v2_url(""),
                accept: None,
                scope: None,
            };
            let answer = self.follow(op, &ping, None, None).await?;
            if answer.status == 401 {
                challenges = parse_challenges(answer.headers_all("www-authenticate"));
            }
        }
        if let Ok(mut s) = self.schemes_seen.lock() {
            s.extend(challenges.iter().map(|c| c.scheme.clone()));
        }
        let creds = self.credentials(op).await?;
        if let Some(b) = challenges.iter().find(|c| c.scheme == "bearer") {
            let Some(realm) = b.params.get("realm").filter(|r| !r.is_empty()) else {
                return Ok(AuthOutcome::GiveUp(
                    "Bearer challenge without a realm".into(),
                ));
            };
            let Ok(realm_url) = resp.url.join(realm) else {
                return Ok(AuthOutcome::GiveUp("Bearer realm is not a URL".into()));
            };
            if !matches!(realm_url.scheme(), "http" | "https") {
                return Ok(AuthOutcome::GiveUp("Bearer realm is not http(s)".into()));
            }
            let scope = b
                .params
                .get("scope")
                .cloned()
                .filter(|s| !s.is_empty())
                .or_else(|| req.scope.clone());
            // Credentials go to the realm the challenge names, but never downgraded from https to http.
            let creds_allowed = !(self.base.scheme() == "https" && realm_url.scheme() == "http");
            let mut token_url = realm_url.clone();
            let (method, auth, body) = match creds.as_ref().filter(|_| creds_allowed) {
                Some(ResolvedCredentials::IdentityToken(t)) => {
                    let mut form = url::form_urlencoded::Serializer::new(String::new());
                    form.append_pair("grant_type", "refresh_token")
                        .append_pair("client_id", "oci-referrers-compat");
                    if let Some(s) = b.params.get("service") {
                        form.append_pair("service", s);
                    }
                    if let Some(s) = &scope {
                        form.append_pair("scope", s);
                    }
                    form.append_pair("refresh_token", t);
                    (Method::POST, None, Some(form.finish().into_bytes()))
                }
                Some(ResolvedCredentials::Basic { username, password }) => {
                    (Method::GET, Some(basic_header(username, password)), None)
                }
                None => (Method::GET, None, None),
            };
            if method == Method::GET {
                let mut q = token_url.query_pairs_mut();
                if let Some(s) = b.params.get("service") {
                    q.append_pair("service", s);
                }
                if let Some(s) = &scope {
                    q.append_pair("scope", s);
                }
            }
            let treq = Req {
                method,
                url: token_url,
                accept: Some("application/json".into()),
                scope: None,
            };
            let tr = self
                .follow_with_body(op, &treq, auth.as_ref(), Some(&realm_url), body)
                .await?;
            return Ok(match tr.status {
                200..=299 => {
                    let t = parse_token_answer(&tr.body).map_err(|d| HttpError::Auth {
                        url: redact_url(&realm_url),
                        detail: d,
                    })?;
                    let mut h =
                        HeaderValue::from_str(&format!("Bearer {}", t.token)).map_err(|_| {
                            HttpError::Auth {
                                url: redact_url(&realm_url),
                                detail: "token is not a header value".into(),
                            }
                        })?;
                    h.set_sensitive(true);
                    let margin = (t.expires_in / 10).min(Duration::from_secs(10));
                    if let Ok(mut tokens) = self.tokens.lock() {
                        tokens.insert(
                            req.scope.clone().unwrap_or_default(),
                            (h.clone(), Instant::now() + t.expires_in - margin),
                        );
                    }
                    AuthOutcome::Header(h)
                }
                408 | 429 | 500..=599 => AuthOutcome::Replace(Box::new(tr)),
                s => AuthOutcome::GiveUp(format!(
                    "token endpoint {} answered {s}",
                    redact_url(&realm_url)
                )),
            });
        }
        if challenges.iter().any(|c| c.scheme == "basic") {
            return Ok(match creds {
                Some(ResolvedCredentials::Basic { username, password }) => {
                    self.basic_accepted.store(true, Ordering::Relaxed);
                    AuthOutcome::Header(basic_header(&username, &password))
                }
                _ => AuthOutcome::GiveUp(
                    "registry asks for Basic credentials and none are configured".into(),
                ),
            });
        }
        Ok(AuthOutcome::GiveUp(
            "401 without a usable WWW-Authenticate challenge".into(),
        ))
    }
}
