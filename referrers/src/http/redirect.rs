//! Redirects followed by hand: at most `max_redirects`, loops detected, only to http(s), `Authorization` only while
//! the URL has the credential origin, 303 (and 301/302 after a POST) turned into a GET.

use bytes::Bytes;
use reqwest::Method;
use reqwest::header::HeaderValue;
use url::Url;

use super::client::HttpClient;
use super::error::HttpError;
use super::exchange::redact_url;
use super::op::Op;
use super::request::Req;
use super::response::Resp;

impl HttpClient {
    /// [`Self::follow_with_body`] without a body: its future itself, not one more future around it.
    pub(super) fn follow<'a>(
        &'a self,
        op: &'a Op,
        req: &'a Req,
        auth: Option<&'a HeaderValue>,
        auth_origin: Option<&'a Url>,
    ) -> impl Future<Output = Result<Resp, HttpError>> + 'a {
        self.follow_with_body(op, req, auth, auth_origin, None)
    }

    /// Follow redirects by hand; `Authorization` only while the URL has the credential origin (`auth_origin`,
    /// default the registry's).
    pub(super) async fn follow_with_body(
        &self,
        op: &Op,
        req: &Req,
        auth: Option<&HeaderValue>,
        auth_origin: Option<&Url>,
        body: Option<Vec<u8>>,
    ) -> Result<Resp, HttpError> {
        // Only needed when there is a header to guard.
        let origin = auth.map(|_| auth_origin.unwrap_or(&self.base).origin());
        let mut url = req.url.clone();
        let mut method = req.method.clone();
        let mut body = body;
        // The URLs visited; filled from the first redirect on (most requests have none).
        let mut seen: Vec<Url> = Vec::new();
        loop {
            let send_auth = auth.filter(|_| origin.as_ref() == Some(&url.origin()));
            let mut r = self
                .one(
                    op,
                    &method,
                    &url,
                    req.accept.as_deref(),
                    send_auth,
                    body.clone(),
                )
                .await?;
            if !matches!(r.status, 301 | 302 | 303 | 307 | 308) {
                return Ok(r);
            }
            let Some(loc) = r.header("location").map(str::to_string) else {
                return Ok(r);
            };
            let next = url.join(loc.trim()).map_err(|e| HttpError::BadRedirect {
                url: redact_url(&url),
                detail: format!("Location does not resolve: {e}"),
            })?;
            if !matches!(next.scheme(), "http" | "https") {
                return Err(HttpError::BadRedirect {
                    url: redact_url(&url),
                    detail: "Location is not http(s)".into(),
                });
            }
            if seen.is_empty() {
                seen.push(req.url.clone());
            }
            if seen.len() > self.policy.max_redirects {
                return Err(HttpError::TooManyRedirects {
                    url: redact_url(&req.url),
                    limit: self.policy.max_redirects,
                });
            }
            if seen.contains(&next) {
                return Err(HttpError::RedirectLoop {
                    url: redact_url(&next),
                });
            }
            seen.push(next.clone());
            if (r.status == 303 && method != Method::HEAD)
                || (matches!(r.status, 301 | 302) && method == Method::POST)
            {
                method = Method::GET;
                body = None;
            }
            r.body = Bytes::new();
            url = next;
        }
    }
}
