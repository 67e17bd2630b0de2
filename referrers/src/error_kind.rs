//! The kinds of failure discovery and the checks report: one closed vocabulary, shared by the HTTP layer
//! ([`crate::http::HttpError::kind`]), discovery ([`crate::discovery::DiscoveryError::kind`]), the checks'
//! evidence (`error_kind`) and everything that reads their results (JSON, the harness's scenarios).
//!
//! Each kind serialises as its stable kebab-case name (`rate-limited`, `link-loop`, …); the names are a contract
//! of the JSON output and never change meaning.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What went wrong, as a stable kebab-case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorKind {
    // --- transport (the HTTP layer) ---
    /// The TCP connection could not be made.
    Connect,
    /// The TLS handshake failed (certificate, protocol).
    Tls,
    /// The time budget ran out, or the registry answered 408.
    Timeout,
    /// The registry stopped sending in the middle of an answer.
    Stalled,
    /// Any other transport failure (reset, malformed HTTP).
    Transport,
    /// An answer was larger than the cap for its kind.
    BodyTooLarge,
    /// More redirects than the cap.
    TooManyRedirects,
    /// A redirect led back to a URL already visited.
    RedirectLoop,
    /// A redirect without a usable `Location`, or to a scheme that is not http(s).
    BadRedirect,
    /// The authentication challenge or the token answer was unusable.
    Auth,
    /// Credentials could not be obtained (Docker config, credential helper).
    Credentials,
    // --- answers ---
    /// The subject reference is not a valid tag or digest.
    InvalidSubject,
    /// The subject does not exist in the repository.
    SubjectNotFound,
    /// The repository does not exist (`NAME_UNKNOWN`).
    RepositoryNotFound,
    /// 401 or 403 after authenticating.
    Unauthorized,
    /// 429 (or a rate-limit 403) that did not lift within the budget.
    RateLimited,
    /// A 5xx that retries did not clear.
    ServerError,
    /// 400 from the registry.
    BadRequest,
    /// Any other status the rules do not expect.
    UnexpectedStatus,
    // --- listings ---
    /// A referrers answer or tag-schema index that is not a valid image index.
    InvalidIndex,
    /// A descriptor that breaks the spec's rules (dropped, the rest kept).
    InvalidDescriptor,
    /// More descriptors than the cap per subject.
    DescriptorCap,
    /// More pages than the cap.
    PageCap,
    /// A `Link` header that leads back to a page already read.
    LinkLoop,
    /// A `Link` header that leads to another origin (not followed).
    OffOriginLink,
    /// A tags list that is not valid JSON of the spec's shape.
    InvalidTagsList,
    // --- verify mode ---
    /// A referrer's bytes do not hash to its digest.
    ReferrerChecksumMismatch,
    /// A referrer's size differs from its descriptor.
    ReferrerSizeMismatch,
    /// A referrer's `subject` is not the subject it was listed for.
    ReferrerSubjectMismatch,
    /// A referrer manifest could not be fetched.
    ReferrerFetchFailed,
    /// A discovery task failed inside this library.
    Internal,
}

impl ErrorKind {
    /// Every kind, in the order of the enum.
    pub const ALL: &'static [ErrorKind] = &[
        ErrorKind::Connect,
        ErrorKind::Tls,
        ErrorKind::Timeout,
        ErrorKind::Stalled,
        ErrorKind::Transport,
        ErrorKind::BodyTooLarge,
        ErrorKind::TooManyRedirects,
        ErrorKind::RedirectLoop,
        ErrorKind::BadRedirect,
        ErrorKind::Auth,
        ErrorKind::Credentials,
        ErrorKind::InvalidSubject,
        ErrorKind::SubjectNotFound,
        ErrorKind::RepositoryNotFound,
        ErrorKind::Unauthorized,
        ErrorKind::RateLimited,
        ErrorKind::ServerError,
        ErrorKind::BadRequest,
        ErrorKind::UnexpectedStatus,
        ErrorKind::InvalidIndex,
        ErrorKind::InvalidDescriptor,
        ErrorKind::DescriptorCap,
        ErrorKind::PageCap,
        ErrorKind::LinkLoop,
        ErrorKind::OffOriginLink,
        ErrorKind::InvalidTagsList,
        ErrorKind::ReferrerChecksumMismatch,
        ErrorKind::ReferrerSizeMismatch,
        ErrorKind::ReferrerSubjectMismatch,
        ErrorKind::ReferrerFetchFailed,
        ErrorKind::Internal,
    ];

    /// The stable kebab-case name (the serialised form).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Connect => "connect",
            ErrorKind::Tls => "tls",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Stalled => "stalled",
            ErrorKind::Transport => "transport",
            ErrorKind::BodyTooLarge => "body-too-large",
            ErrorKind::TooManyRedirects => "too-many-redirects",
            ErrorKind::RedirectLoop => "redirect-loop",
            ErrorKind::BadRedirect => "bad-redirect",
            ErrorKind::Auth => "auth",
            ErrorKind::Credentials => "credentials",
            ErrorKind::InvalidSubject => "invalid-subject",
            ErrorKind::SubjectNotFound => "subject-not-found",
            ErrorKind::RepositoryNotFound => "repository-not-found",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::RateLimited => "rate-limited",
            ErrorKind::ServerError => "server-error",
            ErrorKind::BadRequest => "bad-request",
            ErrorKind::UnexpectedStatus => "unexpected-status",
            ErrorKind::InvalidIndex => "invalid-index",
            ErrorKind::InvalidDescriptor => "invalid-descriptor",
            ErrorKind::DescriptorCap => "descriptor-cap",
            ErrorKind::PageCap => "page-cap",
            ErrorKind::LinkLoop => "link-loop",
            ErrorKind::OffOriginLink => "off-origin-link",
            ErrorKind::InvalidTagsList => "invalid-tags-list",
            ErrorKind::ReferrerChecksumMismatch => "referrer-checksum-mismatch",
            ErrorKind::ReferrerSizeMismatch => "referrer-size-mismatch",
            ErrorKind::ReferrerSubjectMismatch => "referrer-subject-mismatch",
            ErrorKind::ReferrerFetchFailed => "referrer-fetch-failed",
            ErrorKind::Internal => "internal",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not an [`ErrorKind`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown error kind {0:?}")]
pub struct UnknownErrorKind(pub String);

impl FromStr for ErrorKind {
    type Err = UnknownErrorKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ErrorKind::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownErrorKind(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_serialised_form_and_parse_back() {
        for k in ErrorKind::ALL {
            let json = serde_json::to_string(k).unwrap();
            assert_eq!(json, format!("\"{}\"", k.as_str()));
            assert_eq!(k.as_str().parse::<ErrorKind>(), Ok(*k));
            assert_eq!(serde_json::from_str::<ErrorKind>(&json).unwrap(), *k);
        }
        assert!("rate_limited".parse::<ErrorKind>().is_err());
    }

    #[test]
    fn all_lists_every_kind_once() {
        let mut names: Vec<&str> = ErrorKind::ALL.iter().map(|k| k.as_str()).collect();
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n);
        // Exhaustiveness: adding a variant without listing it fails to compile here.
        for k in ErrorKind::ALL {
            match k {
                ErrorKind::Connect
                | ErrorKind::Tls
                | ErrorKind::Timeout
                | ErrorKind::Stalled
                | ErrorKind::Transport
                | ErrorKind::BodyTooLarge
                | ErrorKind::TooManyRedirects
                | ErrorKind::RedirectLoop
                | ErrorKind::BadRedirect
                | ErrorKind::Auth
                | ErrorKind::Credentials
                | ErrorKind::InvalidSubject
                | ErrorKind::SubjectNotFound
                | ErrorKind::RepositoryNotFound
                | ErrorKind::Unauthorized
                | ErrorKind::RateLimited
                | ErrorKind::ServerError
                | ErrorKind::BadRequest
                | ErrorKind::UnexpectedStatus
                | ErrorKind::InvalidIndex
                | ErrorKind::InvalidDescriptor
                | ErrorKind::DescriptorCap
                | ErrorKind::PageCap
                | ErrorKind::LinkLoop
                | ErrorKind::OffOriginLink
                | ErrorKind::InvalidTagsList
                | ErrorKind::ReferrerChecksumMismatch
                | ErrorKind::ReferrerSizeMismatch
                | ErrorKind::ReferrerSubjectMismatch
                | ErrorKind::ReferrerFetchFailed
                | ErrorKind::Internal => {}
            }
        }
        assert_eq!(n, 31);
    }
}
