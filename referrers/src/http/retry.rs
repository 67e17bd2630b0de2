//! Retries: 408, 429, 5xx except 501, GHCR's secondary-limit 403 and transport errors mid-answer are retried with
//! exponential backoff and jitter, or after the server's `Retry-After`, while the operation's budget lasts.

use std::time::Duration;

use super::client::HttpClient;
use super::error::HttpError;
use super::exchange::redact_url;
use super::op::Op;
use super::request::Req;
use super::response::Resp;

impl HttpClient {
    /// Send `req`: auth dance, manual redirects, retries for 408/429/5xx (not 501) and GHCR's secondary-limit 403
    /// with exponential backoff and jitter, honouring `Retry-After`. A wait longer than the remaining budget
    /// returns the last answer at once (`wait_cut_short`). Transport errors mid-answer are retried; connect and TLS
    /// failures are not.
    pub async fn send(&self, op: &Op, req: &Req) -> Result<Resp, HttpError> {
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let r = self.send_authed(op, req).await;
            let hint = match &r {
                Ok(resp) if resp.is_retryable_status() => Some(resp.retry_after()),
                Err(e) if e.is_retryable() => Some(None),
                _ => None,
            };
            let Some(hint) = hint else {
                return r.map(|mut x| {
                    x.retries = attempt - 1;
                    x
                });
            };
            if attempt >= self.policy.max_attempts.max(1) {
                return r.map(|mut x| {
                    x.retries = attempt - 1;
                    x
                });
            }
            let wait = hint.unwrap_or_else(|| self.backoff(attempt));
            if wait >= op.remaining() {
                return r.map(|mut x| {
                    x.retries = attempt - 1;
                    x.wait_cut_short = Some(wait);
                    x
                });
            }
            tracing::debug!(url = %redact_url(&req.url), wait_ms = wait.as_millis() as u64, attempt, "retrying");
            tokio::time::sleep(wait).await;
        }
    }

    /// The wait after attempt `attempt`: the initial backoff doubled per attempt, capped at the maximum, with jitter
    /// in [b/2, b].
    fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .policy
            .initial_backoff
            .saturating_mul(1u32 << (attempt - 1).min(16));
        let b = exp.min(self.policy.max_backoff);
        let half = b / 2;
        half + Duration::from_nanos(fastrand::u64(
            0..=half.as_nanos().min(u64::MAX as u128) as u64,
        ))
    }
}
