//! "Requests per discovery": the request lines ours sent on every path and phase, and the peer's where it sent
//! another number of requests.

use std::fmt::Write as _;

use super::measured::PATHS;
use crate::report::format::shorten;
use crate::report::inputs::{Inputs, meta_u64};

/// The phases and clients listed on each path.
const LISTED: [(&str, &str); 5] = [
    ("warm", "ours"),
    ("warm", "oci-client"),
    ("warm", "oci-client-cosign"),
    ("cold", "ours"),
    ("cold", "oci-client"),
];

/// Heading and one line per listed client that recorded its requests.
pub(super) fn section(w: &mut String, inputs: &Inputs) {
    let _ = writeln!(
        w,
        "\nRequests per discovery (ours; oci-client where it differs in number):\n"
    );
    for path in PATHS {
        for (phase, client) in LISTED {
            entry(w, inputs, path, phase, client);
        }
    }
}

/// One client's requests; a peer that sent as many requests as ours is left out.
fn entry(w: &mut String, inputs: &Inputs, path: &str, phase: &str, client: &str) {
    let id = format!("discovery/{path}/{phase}/{client}");
    let requests = |id: &str| inputs.record(id).and_then(|r| meta_u64(r, "requests"));
    if client.starts_with("oci-client")
        && requests(&id) == requests(&format!("discovery/{path}/{phase}/ours"))
    {
        return;
    }
    if let Some(lines) = inputs
        .record(&id)
        .and_then(|r| r.meta.get("request_lines"))
        .and_then(|v| v.as_array())
    {
        let shown = shown(lines);
        let _ = writeln!(w, "- {path} {phase} {client}: {shown}");
    }
}

/// Request lines without their queries, digests shortened; beyond four, the first three and the count.
fn shown(lines: &[serde_json::Value]) -> String {
    let shown: Vec<String> = lines
        .iter()
        .filter_map(|l| l.as_str())
        .map(|l| {
            let l = l.split('?').next().unwrap_or(l);
            format!("`{}`", shorten(l))
        })
        .collect();
    if shown.len() > 4 {
        format!("{}, … ({} in all)", shown[..3].join(", "), shown.len())
    } else {
        shown.join(", ")
    }
}
