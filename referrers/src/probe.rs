//! What an answer of `GET /v2/<name>/referrers/<digest>` means, read the same way by the check and by discovery
//! (docs/check-decision-table.md, step 2 and "Discovery").

use crate::error_kind::ErrorKind;
use crate::http::Resp;
use crate::spec::error_json::has_error_code;
use crate::spec::media;
use crate::spec::{IndexError, ParsedIndex, parse_index};

/// The meaning of one referrers-endpoint answer (after retries).
#[derive(Debug, Clone)]
pub enum ReferrersAnswer {
    /// 200 (or 404) with a valid index body: the API answered.
    Index {
        /// 200 or 404.
        status: u16,
        /// The decoded index.
        index: ParsedIndex,
        /// `Content-Type` seen.
        content_type: Option<String>,
    },
    /// 200 whose body is not an index (HTML login page, `{}`, garbage): the endpoint does not implement the API.
    NotAnIndex {
        /// `Content-Type` seen.
        content_type: Option<String>,
        /// Why the body is not an index.
        reason: IndexError,
    },
    /// 404 without an index body and without `NAME_UNKNOWN`, 405, 406, 501: API not supported.
    Unsupported {
        /// The status.
        status: u16,
    },
    /// 404 with the `NAME_UNKNOWN` error code: the repository does not exist.
    NameUnknown,
    /// 400: the registry rejected the request (Quay 3.13 for a missing subject, invalid digest).
    BadRequest,
    /// 401/403 after the auth attempt (not a rate limit).
    Unauthorized {
        /// 401 or 403.
        status: u16,
        /// What the auth dance reported.
        note: Option<String>,
    },
    /// 429 or GHCR's secondary-limit 403 after retries.
    RateLimited {
        /// Rate-limit headers seen.
        headers: Vec<(String, String)>,
        /// Whether a `Retry-After` beyond the budget ended the wait.
        wait_cut_short: bool,
    },
    /// 408 after retries.
    RequestTimeout,
    /// 5xx (except 501) after retries.
    ServerError {
        /// The status.
        status: u16,
    },
    /// Anything else (a 3xx without `Location`, 410, ...).
    Unexpected {
        /// The status.
        status: u16,
    },
}

impl ReferrersAnswer {
    /// A short kebab-case label of the answer's class (for notes and evidence).
    pub fn label(&self) -> &'static str {
        match self {
            ReferrersAnswer::Index { .. } => "index",
            ReferrersAnswer::NotAnIndex { .. } => "not-an-index",
            ReferrersAnswer::Unsupported { .. } => "unsupported",
            other => other
                .error_kind()
                .map_or("unexpected-status", ErrorKind::as_str),
        }
    }

    /// The discovery error kind of an error answer; `None` for the answers that are not errors (an index, a
    /// non-index 200, an unsupported API: discovery falls back on those).
    pub fn error_kind(&self) -> Option<ErrorKind> {
        match self {
            ReferrersAnswer::Index { .. }
            | ReferrersAnswer::NotAnIndex { .. }
            | ReferrersAnswer::Unsupported { .. } => None,
            ReferrersAnswer::NameUnknown => Some(ErrorKind::RepositoryNotFound),
            ReferrersAnswer::BadRequest => Some(ErrorKind::BadRequest),
            ReferrersAnswer::Unauthorized { .. } => Some(ErrorKind::Unauthorized),
            ReferrersAnswer::RateLimited { .. } => Some(ErrorKind::RateLimited),
            ReferrersAnswer::RequestTimeout => Some(ErrorKind::Timeout),
            ReferrersAnswer::ServerError { .. } => Some(ErrorKind::ServerError),
            ReferrersAnswer::Unexpected { .. } => Some(ErrorKind::UnexpectedStatus),
        }
    }
}

/// Classify an answer. `max_descriptors` caps decoding.
pub fn classify_referrers_answer(resp: &Resp, max_descriptors: usize) -> ReferrersAnswer {
    let content_type = resp.content_type().map(|s| crate::http::clip(s, 200));
    match resp.status {
        200 => match parse_index(&resp.body, max_descriptors) {
            Ok(index) => ReferrersAnswer::Index {
                status: 200,
                index,
                content_type,
            },
            Err(reason) => ReferrersAnswer::NotAnIndex {
                content_type,
                reason,
            },
        },
        404 => match parse_index(&resp.body, max_descriptors) {
            Ok(index) => ReferrersAnswer::Index {
                status: 404,
                index,
                content_type,
            },
            Err(_) if has_error_code(&resp.body, "NAME_UNKNOWN") => ReferrersAnswer::NameUnknown,
            Err(_) => ReferrersAnswer::Unsupported { status: 404 },
        },
        405 | 406 | 501 => ReferrersAnswer::Unsupported {
            status: resp.status,
        },
        400 => ReferrersAnswer::BadRequest,
        _ if resp.is_rate_limited() => ReferrersAnswer::RateLimited {
            headers: resp.rate_limit_headers(),
            wait_cut_short: resp.wait_cut_short.is_some(),
        },
        401 | 403 => ReferrersAnswer::Unauthorized {
            status: resp.status,
            note: resp.auth_note.clone(),
        },
        408 => ReferrersAnswer::RequestTimeout,
        500..=599 => ReferrersAnswer::ServerError {
            status: resp.status,
        },
        s => ReferrersAnswer::Unexpected { status: s },
    }
}

/// True when a `Content-Type` is the standard index type.
pub fn standard_index_content_type(ct: Option<&str>) -> bool {
    ct.is_some_and(media::is_index_content_type)
}
