//! The plain HTTP client the real-registry code uses (reqwest; never the `referrers` crate, which is under test).

use std::time::Duration;

/// A client for loopback registries: no proxy from the environment, no redirect following (probes must see the
/// raw answer), bounded time per request.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .user_agent(concat!(
            "oci-referrers-compat-harness/",
            env!("CARGO_PKG_VERSION")
        ))
        .build()
        // Building only fails when the TLS backend cannot initialise, which is a broken build, not input.
        .unwrap_or_else(|e| panic!("building the HTTP client: {e}"))
}
