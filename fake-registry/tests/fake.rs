//! fake-registry integration tests: one binary, one module per area.

#[path = "fake/util.rs"]
mod util;

#[path = "fake/api.rs"]
mod api;
#[path = "fake/api_referrers.rs"]
mod api_referrers;
#[path = "fake/auth.rs"]
mod auth;
#[path = "fake/binary.rs"]
mod binary;
#[path = "fake/blob_stores.rs"]
mod blob_stores;
#[path = "fake/content_api.rs"]
mod content_api;
#[path = "fake/faults.rs"]
mod faults;
#[path = "fake/profile_quirks.rs"]
mod profile_quirks;
#[path = "fake/profiles.rs"]
mod profiles;
#[path = "fake/seed.rs"]
mod seed;
#[path = "fake/server.rs"]
mod server;
