//! The one integration-test binary: scripted hostile servers on loopback exercise the HTTP layer, every row of the
//! check's decision tables, and every discovery rule.

#[path = "referrers/support.rs"]
mod support;

#[path = "referrers/http_client.rs"]
mod http_client;

#[path = "referrers/http_auth.rs"]
mod http_auth;

#[path = "referrers/check_referrers.rs"]
mod check_referrers;

#[path = "referrers/discovery_support.rs"]
mod discovery_support;

#[path = "referrers/discovery_api.rs"]
mod discovery_api;

#[path = "referrers/discovery_fallback.rs"]
mod discovery_fallback;

#[path = "referrers/discovery_capability.rs"]
mod discovery_capability;

#[path = "referrers/discovery_verify.rs"]
mod discovery_verify;

#[path = "referrers/discovery_batch.rs"]
mod discovery_batch;

#[path = "referrers/discovery_ground_truth.rs"]
mod discovery_ground_truth;

#[path = "referrers/check_related.rs"]
mod check_related;

#[path = "referrers/telemetry.rs"]
mod telemetry;

#[path = "referrers/hostile.rs"]
mod hostile;
