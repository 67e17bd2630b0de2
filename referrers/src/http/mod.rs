//! One HTTP client per registry: the auth dance, retries honouring `Retry-After`, redirects followed by hand
//! (never carrying `Authorization` to another origin), capped streamed bodies, and a redacted exchange log.

mod auth;
mod client;
mod docker_config;
mod error;
mod exchange;
mod tls;

pub use auth::{Challenge, parse_challenges};
pub(crate) use client::clip;
pub use client::{HttpClient, MAX_LOGGED_EXCHANGES, Op, Req, Resp, deadline_after};
pub use docker_config::{ResolvedCredentials, lookup_docker_config, lookup_docker_config_in};
pub use error::{ClientBuildError, HttpError};
pub use exchange::{Exchange, redact_str, redact_url};
