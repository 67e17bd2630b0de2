//! What several sections share: the discovery paths in table order, and one client's measured discoveries on a
//! path and phase.

use crate::record::Record;
use crate::report::inputs::Inputs;
use crate::report::stats::Stats;

/// The discovery paths, in the order of every table.
pub(super) const PATHS: [&str; 5] = ["api", "api-token", "tag-schema", "cosign", "paging"];

/// One client's discoveries on one path and phase.
pub(super) struct Measured<'a> {
    pub(super) path: &'a str,
    pub(super) phase: &'a str,
    pub(super) client: &'a str,
    pub(super) id: String,
    pub(super) record: &'a Record,
    pub(super) stats: Stats,
}

/// A client's record and statistics on a path and phase, if it has single operations.
pub(super) fn measured<'a>(
    inputs: &'a Inputs,
    path: &'a str,
    phase: &'a str,
    client: &'a str,
) -> Option<Measured<'a>> {
    let id = format!("discovery/{path}/{phase}/{client}");
    Some(Measured {
        path,
        phase,
        client,
        record: inputs.record(&id)?,
        stats: inputs.stats(&id)?,
        id,
    })
}
