//! The wire rules of the OCI Distribution Spec v1.1 as small pure functions.
//!
//! Nothing here does I/O; everything is property-tested. See
//! <https://github.com/opencontainers/distribution-spec/blob/v1.1.1/spec.md#listing-referrers>.

pub mod digest;
pub mod error_json;
pub mod index;
#[cfg(test)]
mod index_tests;
#[cfg(test)]
mod json_gen;
mod json_read;
pub mod link;
pub mod manifest;
pub mod media;
pub mod names;
pub mod retry_after;
pub mod tags;

pub use digest::{Algorithm, Digest, DigestError, tag_schema_name};
pub use error_json::{ErrorEntry, decode_errors};
pub use index::{Descriptor, DroppedDescriptor, IndexError, ParsedIndex, parse_index};
pub use link::next_link;
pub use manifest::{ManifestFields, read_manifest};
pub use retry_after::{parse_go_duration, parse_retry_after, retry_after_from_body};
pub use tags::parse_tags_list;
