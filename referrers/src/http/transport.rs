//! One request on the wire: counted against the operation, bounded by its budget, the body streamed under the cap,
//! reqwest's failures sorted into connect, TLS, stall, budget and transport errors, and the exchange logged
//! (redacted).

use bytes::{Bytes, BytesMut};
use reqwest::Method;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue};
use std::time::{Duration, Instant};
use url::Url;

use super::client::HttpClient;
use super::error::{HttpError, error_detail};
use super::exchange::{Exchange, KEPT_HEADERS, clip, redact_str, redact_url};
use super::op::Op;
use super::response::Resp;
use crate::config::host_port;

impl HttpClient {
    /// Send one request (no redirect, retry or auth dance) and read its body, within the operation's budget.
    pub(super) async fn one(
        &self,
        op: &Op,
        method: &Method,
        url: &Url,
        accept: Option<&str>,
        auth: Option<&HeaderValue>,
        body: Option<Vec<u8>>,
    ) -> Result<Resp, HttpError> {
        let red = redact_url(url);
        let remaining = op.remaining();
        if remaining.is_zero() {
            return Err(HttpError::BudgetExceeded { url: red });
        }
        op.count_request();
        let start = Instant::now();
        let mut rb = self.client.request(method.clone(), url.clone());
        if let Some(a) = accept {
            rb = rb.header(ACCEPT, a);
        }
        if let Some(h) = auth {
            rb = rb.header(AUTHORIZATION, h.clone());
        }
        if let Some(b) = body {
            rb = rb
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(b);
        }
        let cap = self.policy.max_body_bytes;
        let mut status: Option<u16> = None;
        let mut headers = HeaderMap::new();
        let classify = |e: reqwest::Error| -> HttpError {
            let detail = error_detail(&e);
            if e.is_timeout() {
                if op.remaining() < Duration::from_millis(20) {
                    HttpError::BudgetExceeded { url: red.clone() }
                } else {
                    HttpError::Stalled { url: red.clone() }
                }
            } else if e.is_connect() {
                let l = detail.to_ascii_lowercase();
                let tcp_level = [
                    "tcp connect error",
                    "dns error",
                    "failed to lookup",
                    "connection refused",
                ]
                .iter()
                .any(|k| l.contains(k));
                let tls_words = [
                    "certificate",
                    "tls",
                    "handshake",
                    "unknownissuer",
                    "x509",
                    "corrupt message",
                    "alert",
                ];
                if tls_words.iter().any(|k| l.contains(k))
                    || (url.scheme() == "https" && !tcp_level)
                {
                    HttpError::Tls {
                        url: red.clone(),
                        detail,
                    }
                } else {
                    HttpError::Connect {
                        url: red.clone(),
                        detail,
                    }
                }
            } else {
                HttpError::Transport {
                    url: red.clone(),
                    detail,
                }
            }
        };
        // The request future (reqwest boxes it) is made here, so the block below holds it rather than the builder
        // (~300 bytes that every future above this one would otherwise carry and copy).
        let sending = rb.send();
        let work = async {
            let mut resp = sending.await.map_err(classify)?;
            status = Some(resp.status().as_u16());
            // Taken, not cloned: reading the body needs only the body (content_length is the body's size hint).
            headers = std::mem::take(resp.headers_mut());
            // A body that arrives in one chunk is kept as that chunk; more chunks are gathered in `buf`.
            let mut first: Option<Bytes> = None;
            let mut buf = BytesMut::new();
            if *method != Method::HEAD {
                if resp.content_length().is_some_and(|l| l > cap as u64) {
                    return Err(HttpError::BodyTooLarge {
                        url: red.clone(),
                        limit: cap,
                    });
                }
                while let Some(chunk) = resp.chunk().await.map_err(classify)? {
                    let have = first.as_ref().map_or(buf.len(), Bytes::len);
                    if have + chunk.len() > cap {
                        return Err(HttpError::BodyTooLarge {
                            url: red.clone(),
                            limit: cap,
                        });
                    }
                    if buf.is_empty() && first.is_none() {
                        first = Some(chunk);
                    } else {
                        if let Some(f) = first.take() {
                            buf.extend_from_slice(&f);
                        }
                        buf.extend_from_slice(&chunk);
                    }
                }
            }
            Ok(first.unwrap_or_else(|| buf.freeze()))
        };
        let result = match op.within(std::pin::pin!(work)).await {
            Some(r) => r,
            None => Err(HttpError::BudgetExceeded { url: red.clone() }),
        };
        let ex = Exchange {
            method: method.as_str().to_string(),
            url: red,
            host: if url.host_str() == self.base.host_str() && url.port() == self.base.port() {
                self.host.clone()
            } else {
                host_port(url)
            },
            status,
            content_type: headers
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(|s| clip(s, 200)),
            duration_ms: start.elapsed().as_millis() as u64,
            sent_authorization: auth.is_some(),
            response_headers: headers
                .iter()
                .filter(|(k, _)| KEPT_HEADERS.contains(&k.as_str()))
                .map(|(k, v)| {
                    let v = v.to_str().unwrap_or("<binary>");
                    let v = if k.as_str() == "location" {
                        clip(&redact_str(v), 300)
                    } else {
                        clip(v, 300)
                    };
                    (k.as_str().to_string(), v)
                })
                .collect(),
            error: result.as_ref().err().map(|e| e.to_string()),
        };
        tracing::debug!(method = %ex.method, url = %ex.url, status = ?ex.status, ms = ex.duration_ms, "exchange");
        self.log_exchange(ex);
        let body = result?;
        Ok(Resp {
            status: status.unwrap_or(0),
            headers,
            body,
            url: url.clone(),
            retries: 0,
            wait_cut_short: None,
            auth_note: None,
            sent_authorization: auth.is_some(),
        })
    }
}
