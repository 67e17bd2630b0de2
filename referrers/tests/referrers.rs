//! The one integration-test binary: scripted hostile servers on loopback exercise the HTTP layer, every row of the
//! check's decision tables, and every discovery rule.

#[path = "referrers/support.rs"]
mod support;

#[path = "referrers/http_client.rs"]
mod http_client;

#[path = "referrers/check_referrers.rs"]
mod check_referrers;

#[path = "referrers/discovery.rs"]
mod discovery;

#[path = "referrers/check_related.rs"]
mod check_related;

#[path = "referrers/telemetry.rs"]
mod telemetry;

#[path = "referrers/hostile.rs"]
mod hostile;
