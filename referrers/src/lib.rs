//! The OCI 1.1 referrers client: the `check.integration.oci.*` doctor checks and the referrer discovery engine.
//!
//! Modules: [`spec`] (pure wire rules), [`http`] (one client: auth, retries, redirects, caps, exchange log),
//! [`check`] (the four doctor checks), [`discovery`] (probe + cache, API path, fallbacks, merge, verify, batch),
//! [`telemetry`] (metrics and the seed's log lines), [`config`], [`bundle`] (mirror bundles: export and
//! validate).

pub mod bundle;
pub mod check;
pub mod config;
pub mod discovery;
mod error_kind;
pub mod http;
pub mod probe;
mod resolve;
pub mod spec;
pub mod telemetry;

pub use config::{Credentials, RegistryConfig, RetryPolicy};
pub use error_kind::{ErrorKind, UnknownErrorKind};
pub use http::{ClientBuildError, Exchange, HttpError};
pub use telemetry::Metrics;
