//! The running fake: builder, listeners, hyper service, request log, Drop shutdown.
//!
//! [`Builder::start`] binds both listeners before it returns (so the addresses are known), seeds the store, then
//! serves on its own thread with its own tokio runtime, so it works from sync and async tests alike and injected
//! delays never block the caller. Dropping the [`FakeRegistry`] stops it (stalled connections are cut).
//!
//! `server/registry.rs` holds the builder and the handle, `server/connection.rs` the runtime thread, the accept
//! loops and the hyper service, `server/body.rs` the request-body limits and the (possibly stalled) response body.

mod body;
mod connection;
mod registry;

pub use registry::{Builder, DEFAULT_PAGE_SIZE, FakeRegistry, StartError};
