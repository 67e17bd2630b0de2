//! One HTTP client per registry: the auth dance, retries honouring `Retry-After`, redirects followed by hand
//! (never carrying `Authorization` to another origin), capped streamed bodies, and a redacted exchange log.
//!
//! The modules, bottom-up: `error`, `exchange` (the log record and redaction), `request`, `response`, `op` (an
//! operation's budget), `auth` (challenge and token parsing), `docker_config`, `tls`; then `client` (the
//! [`HttpClient`] itself) and the layers of sending, each an `impl HttpClient` block: `transport` (one request),
//! `redirect`, `authorize` (the auth dance) and `retry` ([`HttpClient::send`]).

mod auth;
mod authorize;
mod client;
mod docker_config;
pub(crate) mod error;
pub(crate) mod exchange;
mod op;
mod redirect;
mod request;
mod response;
mod retry;
mod tls;
mod transport;

pub use auth::{Challenge, parse_challenges};
pub use client::{HttpClient, MAX_LOGGED_EXCHANGES};
pub use docker_config::{ResolvedCredentials, lookup_docker_config, lookup_docker_config_in};
pub use error::{ClientBuildError, HttpError};
pub(crate) use exchange::clip;
pub use exchange::{Exchange, redact_str, redact_url};
pub use op::{Op, deadline_after};
pub use request::Req;
pub use response::Resp;
