//! How a registry's answer is reported in discovery: the error kind of a non-success status and a one-line
//! description (status, Content-Type, retries, a budget-cut wait, the auth dance's note).

use crate::error_kind::ErrorKind;
use crate::http::Resp;
use crate::spec::error_json::has_error_code;

/// Error kind for a non-success answer of any registry endpoint.
pub(super) fn status_kind(resp: &Resp) -> ErrorKind {
    match resp.status {
        _ if resp.is_rate_limited() => ErrorKind::RateLimited,
        401 | 403 => ErrorKind::Unauthorized,
        408 => ErrorKind::Timeout,
        400 => ErrorKind::BadRequest,
        404 if has_error_code(&resp.body, "NAME_UNKNOWN") => ErrorKind::RepositoryNotFound,
        500..=599 => ErrorKind::ServerError,
        _ => ErrorKind::UnexpectedStatus,
    }
}

/// `HTTP <status> (<Content-Type>)`, then what else is known of how the answer came about.
pub(super) fn describe(resp: &Resp) -> String {
    let mut s = format!("HTTP {}", resp.status);
    if let Some(ct) = resp.content_type() {
        s.push_str(&format!(" ({ct})"));
    }
    if resp.wait_cut_short.is_some() {
        s.push_str("; Retry-After exceeds the remaining budget");
    }
    if resp.retries > 0 {
        s.push_str(&format!(" after {} retries", resp.retries));
    }
    if let Some(n) = &resp.auth_note {
        s.push_str(&format!("; {n}"));
    }
    s
}
